"""First run: refusals that keep the current snapshot, snapshots to go back to, sources found by default,
the catalog-only notice and banner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli.main import main
from graph import snapshot
from graph.pipeline import BuildRefused, build, choose_sources, collapse, sources_available

REPO_CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog"


def _pointer(home: Path) -> str:
    return (home / "current").read_text()


# --- refusals ----------------------------------------------------------------------------------------


def test_empty_catalog_directory_is_refused(tmp_path, fixture_home, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    home = tmp_path / "home"
    shutil.copytree(fixture_home, home)
    before = _pointer(home)
    assert main(["build", "--catalog", str(empty), "--home", str(home), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("build: refused:") and "no catalog files" in err[-1] and "--force" in err[-1]
    assert _pointer(home) == before
    assert len(snapshot.snapshot_dirs(home)) == 1

    assert main(["validate", str(empty), "-q"]) == 1
    assert "no catalog files" in capsys.readouterr().err


def test_catalog_missing_a_required_kind_is_refused_unless_forced(catalog_copy, tmp_path):
    (catalog_copy / "crafts.csv").unlink()
    (catalog_copy / "craft_tasks.csv").unlink()
    (catalog_copy / "craft_occupations.csv").unlink()
    (catalog_copy / "capability_tasks.csv").unlink()
    with pytest.raises(BuildRefused, match=r"lacks required catalog kind\(s\): crafts.csv, craft_tasks.csv"):
        build(catalog_copy, home=tmp_path / "home")
    assert not (tmp_path / "home" / "current").exists()
    m = build(catalog_copy, home=tmp_path / "home", force=True)
    assert "Craft" not in m["counts"]["nodes"]


def test_collapse_names_the_labels_that_would_shrink():
    assert collapse({"Occupation": 1016, "Tool": 40, "Vendor": 3}, {"Occupation": 60, "Tool": 39}) == [
        "Occupation 1,016 → 60"
    ]
    assert collapse({"Tool": 10}, {"Tool": 5}) == []  # exactly half is not more than half
    assert collapse({"Tool": 10}, {}) == ["Tool 10 → 0"]


def test_collapsing_build_is_refused_and_the_current_snapshot_stays(catalog_home, tmp_path, capsys):
    home = tmp_path / "home"
    shutil.copytree(catalog_home, home)
    before = _pointer(home)
    fixture = Path(__file__).parent / "fixtures" / "catalog"
    assert main(["build", "--catalog", str(fixture), "--home", str(home), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[-1].startswith("build: refused: more than 50% of ") and "Tool " in err[-1] and "--force" in err[-1]
    assert _pointer(home) == before
    assert len(snapshot.snapshot_dirs(home)) == 1

    assert main(["build", "--catalog", str(fixture), "--home", str(home), "-q", "--force"]) == 0
    assert _pointer(home) != before


# --- snapshots ----------------------------------------------------------------------------------------


def test_snapshots_list_and_use(catalog_copy, tmp_path, capsys):
    home = tmp_path / "home"
    first = build(catalog_copy, home=home)
    (catalog_copy / "vendors.csv").write_text((catalog_copy / "vendors.csv").read_text().replace("Vendor", "Maker"))
    second = build(catalog_copy, home=home)
    assert first["build_id"] != second["build_id"]

    assert main(["snapshots", "--home", str(home), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [first["build_id"], second["build_id"]]
    assert [r["current"] for r in rows] == [False, True]
    assert rows[0]["sources"] == "catalog only" and rows[0]["content_hash"] == first["content_hash"]
    assert rows[0]["nodes"] == first["counts"]["total_nodes"]

    assert main(["snapshots", "use", first["build_id"][:20], "--home", str(home)]) == 0
    assert snapshot.read_manifest(snapshot.current_dir(home))["build_id"] == first["build_id"]
    assert main(["snapshots", "use", "nope", "--home", str(home)]) == 2
    assert "is not a snapshot" in capsys.readouterr().err
    assert snapshot.read_manifest(snapshot.current_dir(home))["build_id"] == first["build_id"]


def test_retention_keeps_the_newest_and_never_the_current(catalog_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("CRAFTGRAPH_KEEP_SNAPSHOTS", "2")
    home = tmp_path / "home"
    ids = []
    for i in range(3):
        text = (catalog_copy / "vendors.csv").read_text()
        (catalog_copy / "vendors.csv").write_text(text.replace("Vendor", f"V{i}", 1))
        ids.append(build(catalog_copy, home=home)["build_id"])
    assert [p.name for p in snapshot.snapshot_dirs(home)] == ids[1:]
    snapshot.use(home, ids[1])
    snapshot._prune(home, keep=home / "snapshots" / ids[2])
    monkeypatch.setenv("CRAFTGRAPH_KEEP_SNAPSHOTS", "1")
    snapshot._prune(home, keep=home / "snapshots" / ids[2])
    assert ids[1] in [p.name for p in snapshot.snapshot_dirs(home)]  # the current one stays


# --- sources by default, catalog-only notice and banner ------------------------------------------------


def _fake_sources(root: Path) -> Path:
    """A directory holding every pinned file by name (empty files: enough to be found, not to build)."""
    from ingest import sources_file

    for f in sources_file.load(sources_file.SOURCES_YAML).select(None):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).touch()
    return root


def test_sources_found_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAFTGRAPH_FIND_SOURCES", "1")
    monkeypatch.setenv("CRAFTGRAPH_SHARED_DATA", str(tmp_path / "nowhere"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = tmp_path / "home"
    assert choose_sources(home).catalog_only
    partial = tmp_path / "partial"
    partial.mkdir()
    assert not sources_available(partial)
    shared = _fake_sources(tmp_path / "shared")
    monkeypatch.setenv("CRAFTGRAPH_SHARED_DATA", str(shared))
    assert choose_sources(home) == type(choose_sources(home))(shared, "the shared data directory")
    assert choose_sources(home, drop=True).catalog_only
    assert choose_sources(home, given=partial).path == partial


def test_rebuild_reuses_the_current_snapshots_sources(tmp_path, monkeypatch):
    home = tmp_path / "home" / "snapshots" / "b1"
    home.mkdir(parents=True)
    shared = _fake_sources(tmp_path / "shared")
    (home / "manifest.json").write_text(json.dumps({"build_id": "b1", "created": "x", "sources_dir": str(shared)}))
    (tmp_path / "home" / "current").write_text("b1\n")
    chosen = choose_sources(tmp_path / "home")
    assert (chosen.path, chosen.reason) == (shared, "the current snapshot's sources")


def test_catalog_only_notice_manifest_and_banner(catalog_copy, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(tmp_path / "home"))
    assert main(["build", "--catalog", str(catalog_copy)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert [line for line in err if "catalog-only" in line] == [err[0]]  # said once, first
    assert err[0].startswith("catalog-only build: the public datasets (O*NET, BLS, ...) were not found")
    m = snapshot.read_manifest(snapshot.current_dir())
    assert m["catalog_only"] is True and m["sources_dir"] is None and m["sources_reason"] == "none available"
    assert main(["stats"]) == 0
    assert capsys.readouterr().out.startswith("catalog-only build:")
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["catalog_only"] is True
