"""Builds into one home at once, and builds the system refuses to write: one line, the previous snapshot
stays current."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cli.main import main
from graph import snapshot
from graph.pipeline import build

ROOT = Path(__file__).resolve().parents[1]


def test_two_builds_at_once_both_complete(catalog_copy, tmp_path, monkeypatch):
    home = tmp_path / "home"
    writing = threading.Event()
    real_write = snapshot.write_tables

    b_waits = threading.Event()

    def slow_write(snap, nodes, edges):
        if not writing.is_set():  # the first build holds the lock until the other one waits for it
            writing.set()
            b_waits.wait(120)
        real_write(snap, nodes, edges)

    monkeypatch.setattr(snapshot, "write_tables", slow_write)
    messages: dict[str, list[str]] = {"a": [], "b": []}
    results: dict[str, object] = {}

    def said(name: str, message: str) -> None:
        messages[name].append(message)
        if name == "b" and message.startswith("waiting for another build into"):
            b_waits.set()

    def run(name: str) -> None:
        try:
            results[name] = build(catalog_copy, home=home, progress=lambda m: said(name, m))
        except BaseException as e:
            results[name] = e

    a = threading.Thread(target=run, args=("a",))
    a.start()
    assert writing.wait(120)
    b = threading.Thread(target=run, args=("b",))
    b.start()
    a.join(300), b.join(300)
    assert all(isinstance(r, dict) for r in results.values()), results
    assert any(m.startswith("waiting for another build into") for m in messages["b"])
    snaps = snapshot.snapshot_dirs(home)
    assert len(snaps) == 2 and all((s / "manifest.json").exists() for s in snaps)
    assert snapshot.current_dir(home).name == results["b"]["build_id"]
    assert not list((home / "snapshots").glob(".tmp-*"))


def test_a_held_home_lock_refuses_after_the_wait(tmp_path):
    home = tmp_path / "home"
    with snapshot.home_lock(home):
        t0 = time.monotonic()
        held = r"another build into .* \(pid \d+ on .*\) is still running"
        with pytest.raises(snapshot.SnapshotError, match=held), snapshot.home_lock(home, wait_s=0.5):
            pass
        assert time.monotonic() - t0 < 5
    with snapshot.home_lock(home, wait_s=0.5):  # free again
        pass


def test_clean_up_touches_only_its_own_temporary_folders(catalog_copy, tmp_path):
    home = tmp_path / "home"
    build(catalog_copy, home=home)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        from datetime import UTC, datetime

        live = snapshot.temporary_dir(home, datetime.now(UTC)).with_name(
            snapshot.temporary_dir(home, datetime.now(UTC)).name.rsplit("-", 1)[0] + f"-{other.pid}"
        )
        live.mkdir()
        (live / "part.parquet").write_text("another build's work in progress")
        dead = live.with_name(live.name.rsplit("-", 1)[0] + "-999999999")
        dead.mkdir()
        build(catalog_copy, home=home)
        assert live.exists() and (live / "part.parquet").exists()  # a running build's folder is left alone
        assert not dead.exists()  # a dead build's folder is removed
    finally:
        other.kill()
        other.wait()


def _full_disk(*_a, **_k):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _refuse_at_the_end(monkeypatch) -> None:
    monkeypatch.setattr(snapshot, "write_tables", _full_disk)


def _refuse_a_table_written_ahead(monkeypatch) -> None:
    """The graph's tables are written while the scores are computed (snapshot.SnapshotWriter)."""
    real = snapshot.write_table
    monkeypatch.setattr(
        snapshot,
        "write_table",
        lambda snap, kind, name, t: (_full_disk if name == "Vendor" else real)(snap, kind, name, t),
    )


@pytest.mark.parametrize("refuse", [_refuse_at_the_end, _refuse_a_table_written_ahead])
def test_a_full_disk_is_one_line_and_the_previous_snapshot_stays(refuse, catalog_copy, tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    first = build(catalog_copy, home=home)
    (catalog_copy / "vendors.csv").write_text(
        (catalog_copy / "vendors.csv").read_text() + "vendor:other,Other,GB,,src:fx-paper\n"
    )
    refuse(monkeypatch)
    rc = main(["build", "--catalog", str(catalog_copy), "--home", str(home), "-q"])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc != 0 and len(lines) == 1 and "Traceback" not in err, err
    assert "No space left on device" in lines[0] and "previous snapshot is still current" in lines[0]
    assert snapshot.current_dir(home).name == first["build_id"]
    assert not list((home / "snapshots").glob(".tmp-*"))


def _big_field(cat: Path) -> None:
    p = cat / "vendors.csv"
    p.write_text(p.read_text() + f'vendor:big,"{"x" * (50 * 2**20)}",GB,,src:fx-paper\n')


def _dir_named_csv(cat: Path) -> None:
    (cat / "extra.csv").mkdir()


def _dir_instead_of_a_catalog_file(cat: Path) -> None:
    (cat / "vendors.csv").unlink()
    (cat / "vendors.csv").mkdir()


@pytest.mark.parametrize("damage", [_big_field, _dir_named_csv, _dir_instead_of_a_catalog_file])
def test_edge_inputs_are_one_line_and_keep_the_previous_snapshot(damage, catalog_copy, tmp_path, capsys):
    home = tmp_path / "home"
    first = build(catalog_copy, home=home)
    damage(catalog_copy)
    rc = main(["build", "--catalog", str(catalog_copy), "--home", str(home), "-q"])
    err = capsys.readouterr().err
    assert rc != 0 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert all(len(line) < 400 for line in lines)
    assert any(
        line.startswith(str(catalog_copy / ("vendors.csv" if damage is not _dir_named_csv else "extra.csv")))
        for line in lines
    ), lines
    assert snapshot.current_dir(home).name == first["build_id"]


def test_a_build_that_fails_after_writing_ahead_leaves_no_folder(catalog_copy, tmp_path, monkeypatch):
    import graph.pipeline

    home = tmp_path / "home"
    first = build(catalog_copy, home=home)
    written: list[str] = []
    real = snapshot.write_table

    def noted(snap, kind, name, t):
        real(snap, kind, name, t)
        written.append(name)

    def scores_fail(*_a, **_k):
        deadline = time.monotonic() + 30
        while not written and time.monotonic() < deadline:  # (fail once a table is written ahead)
            time.sleep(0.01)
        assert len(list((home / "snapshots").glob(".tmp-*"))) == 1  # (the folder written ahead into)
        raise RuntimeError("the scores failed")

    monkeypatch.setattr(snapshot, "write_table", noted)
    monkeypatch.setattr(graph.pipeline, "add_scores", scores_fail)
    with pytest.raises(RuntimeError, match="the scores failed"):
        build(catalog_copy, home=home)
    assert written  # (tables were written ahead before the failure)
    assert snapshot.current_dir(home).name == first["build_id"]
    assert not list((home / "snapshots").glob(".tmp-*"))
