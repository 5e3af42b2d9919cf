"""The embedded Cypher database is created on first use from the snapshot's tables: once, whole, and one
database when two first uses meet (docs/decisions/lazy-cypher-database.md)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graph import embedded, snapshot
from graph.pipeline import build
from graph.store import Graph

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh(catalog_copy, tmp_path):
    """A snapshot just built (no Cypher database yet)."""
    home = tmp_path / "home"
    build(catalog_copy, home=home)
    return snapshot.current_dir(home)


def test_a_build_creates_no_database_and_the_first_query_creates_it_once(fresh):
    assert not embedded.database_ready(fresh)
    said: list[str] = []
    cy = embedded.EmbeddedCypher(fresh, notice=said.append)
    try:
        assert cy.run("MATCH (t:Tool) RETURN count(t) AS n").rows == [[2]]
        assert cy.run("MATCH (t:Tool) RETURN count(t) AS n").rows == [[2]]
    finally:
        cy.close()
    assert said == [embedded.NOTICE]
    made = (fresh / embedded.DB_FILE).stat().st_mtime_ns
    again: list[str] = []
    cy = embedded.EmbeddedCypher(fresh, notice=again.append)
    try:
        assert cy.run("MATCH ()-[r:PROVIDES]->() RETURN count(r) AS n").rows[0][0] > 0
    finally:
        cy.close()
    assert again == [] and (fresh / embedded.DB_FILE).stat().st_mtime_ns == made
    assert not list(fresh.glob(f"{embedded.TMP_PREFIX}*"))


def test_the_snapshot_is_unchanged_by_the_creation(fresh):
    """The manifest and tables (what the content hash, `snapshots`, the diff and the Neo4j load read) are
    the same bytes before and after the database is created."""
    files = sorted(p for p in fresh.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in files}
    embedded.ensure_database(fresh, notice=None)
    assert {p: p.read_bytes() for p in files} == before
    new = {p.name for p in fresh.iterdir()} - {p.relative_to(fresh).parts[0] for p in files}
    assert new == {embedded.DB_FILE, embedded.LOCK_FILE}


def test_concurrent_first_uses_make_one_database(fresh, monkeypatch):
    real = embedded.create_in_child
    calls: list[int] = []

    def slow(*args, **kwargs):
        calls.append(1)
        time.sleep(0.5)  # long enough for the other first use to arrive while this one creates
        real(*args, **kwargs)

    monkeypatch.setattr(embedded, "create_in_child", slow)
    said: list[str] = []
    errors: list[BaseException] = []

    def first_use() -> None:
        try:
            embedded.ensure_database(fresh, notice=said.append)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=first_use) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and len(calls) == 1 and said == [embedded.NOTICE]
    g = Graph(fresh)
    try:
        assert g.cypher("MATCH (t:Tool) RETURN count(t) AS n")["n"].iloc[0] == 2
    finally:
        g.close()


def test_concurrent_first_uses_in_two_processes(fresh):
    code = (
        "import sys; from pathlib import Path; from graph import embedded; "
        "embedded.ensure_database(Path(sys.argv[1]), notice=lambda m: print('created', flush=True))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(fresh)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert sorted(o.strip() for o in outs) == ["", "created"]
    assert embedded.database_ready(fresh) and not list(fresh.glob(f"{embedded.TMP_PREFIX}*"))


def test_a_failed_creation_leaves_no_database(fresh, monkeypatch):
    real = embedded._copy
    copied: list[str] = []

    def fail_midway(conn, name, table, pair):
        if copied:
            raise RuntimeError("disk full (simulated)")
        copied.append(name)
        real(conn, name, table, pair)

    monkeypatch.setattr(embedded, "_copy", fail_midway)
    with pytest.raises(RuntimeError, match="simulated"):
        embedded.create_from_tables(fresh)  # what the child process of ensure_database runs
    assert copied and not embedded.database_ready(fresh)
    assert not list(fresh.glob(f"{embedded.TMP_PREFIX}*"))
    monkeypatch.setattr(embedded, "_copy", real)
    stale = fresh / f"{embedded.TMP_PREFIX}99999999"  # as a creation killed midway leaves it
    stale.mkdir()
    (stale / embedded.DB_FILE).write_bytes(b"half")
    assert embedded.ensure_database(fresh, notice=None) == fresh / embedded.DB_FILE
    assert not stale.exists()


def test_build_with_cypher_db_creates_it_at_build_time(catalog_copy, tmp_path):
    m = build(catalog_copy, home=tmp_path / "h", cypher_db=True)
    snap = snapshot.current_dir(tmp_path / "h")
    assert embedded.database_ready(snap) and snap.name == m["build_id"]
    said: list[str] = []
    cy = embedded.EmbeddedCypher(snap, notice=said.append)
    try:
        assert cy.run("MATCH (v:Vendor) RETURN count(v) AS n").rows[0][0] == m["counts"]["nodes"]["Vendor"]
    finally:
        cy.close()
    assert said == []


def test_a_creation_that_fails_in_its_process_is_one_line_and_leaves_nothing(fresh):
    (fresh / "nodes" / "Tool.parquet").write_bytes(b"not parquet")  # a damaged table
    with pytest.raises(embedded.QueryError, match="could not create the Cypher database") as e:
        embedded.ensure_database(fresh, notice=None)
    assert "\n" not in str(e.value)
    assert not embedded.database_ready(fresh) and not list(fresh.glob(f"{embedded.TMP_PREFIX}*"))
