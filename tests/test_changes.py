"""What changed in the catalog between two builds or catalog directories (graph/changes.py, `craftgraph changes`)."""

from __future__ import annotations

import json
from pathlib import Path

from cli.main import main
from graph import changes as ch
from graph.pipeline import build


def _edit(cat: Path) -> None:
    """Add a tool, drop a milestone, change a craft's name."""
    tools = cat / "tools.csv"
    tools.write_text(
        tools.read_text()
        + "tool:video-c,Video C,2026-02,active,cloud,,,,,,,vendor:example,aitype:generative,src:fx-runway\n"
    )
    ms = cat / "milestones.csv"
    ms.write_text("".join(line for line in ms.read_text().splitlines(True) if not line.startswith("ms:roto.2020")))
    crafts = cat / "crafts.csv"
    text = crafts.read_text()
    first = text.splitlines()[1]
    cid, name = first.split(",")[0], first.split(",")[1]
    crafts.write_text(text.replace(f"{cid},{name},", f"{cid},{name} (renamed),", 1))


def test_catalog_changes_between_catalog_builds(catalog_copy: Path, tmp_path: Path, capsys):
    home = tmp_path / "home"
    build(catalog_copy, home=home)
    _edit(catalog_copy)
    build(catalog_copy, home=home, force=True)
    snap_dirs = sorted((home / "snapshots").iterdir())
    diff = json.loads(next(d for d in snap_dirs if (d / "diff.json").exists()).joinpath("diff.json").read_text())
    nodes = diff["catalog"]["nodes"]
    assert [t["id"] for t in nodes["Tool"]["added"]] == ["tool:video-c"]
    assert [m["id"] for m in nodes["Milestone"]["removed"]] == ["ms:roto.2020"]
    [changed] = nodes["Craft"]["changed"]
    assert changed["fields"] == ["name"] and changed["title"].endswith("(renamed)")
    assert diff["catalog"]["relationships"]["IS_A"] == {"added": 1, "removed": 0}
    manifest = json.loads(
        next(d for d in snap_dirs if (d / "diff.json").exists()).joinpath("manifest.json").read_text()
    )
    assert "catalog Craft: 1 changed" in manifest["changes"]  # what the Data page and the overview list

    assert main(["changes", "--home", str(home), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["nodes"]["Tool"]["counts"] == {"added": 1, "removed": 0, "changed": 0}
    assert main(["changes", "--home", str(home)]) == 0
    assert "Tool: 1 added, 0 removed, 0 changed" in capsys.readouterr().out


def test_changes_against_a_catalog_directory_and_write(catalog_copy: Path, tmp_path: Path, capsys):
    from tests.conftest import FIXTURE_CATALOG

    home = tmp_path / "home"
    _edit(catalog_copy)
    build(catalog_copy, home=home)
    doc = tmp_path / "curation.md"
    doc.write_text(f"# Routine\n\n{ch.START}\nold text\n{ch.END}\n\nafter\n")
    assert main(["changes", "--home", str(home), "--since", str(FIXTURE_CATALOG), "--write", str(doc)]) == 0
    text = doc.read_text()
    assert "old text" not in text and text.endswith(f"{ch.END}\n\nafter\n")
    assert "| Tool | 1 | 0 | 0 |" in text and "`tool:video-c` Video C" in text
    assert "| Milestone | 0 | 1 | 0 |" in text
    # the unchanged catalog against itself: nothing changed (derived dates and bases are filled alike)
    assert main(["changes", "--home", str(home), "--since", str(catalog_copy), "--format", "markdown"]) == 0
    assert "No change in the catalog." in capsys.readouterr().out


def test_an_older_catalog_without_newer_columns_is_compared(catalog_copy: Path, tmp_path: Path, capsys):
    """A catalog from before a column was added (limitations without the basis columns) reads leniently."""
    old = tmp_path / "old"
    import shutil

    shutil.copytree(catalog_copy, old)
    lims = old / "limitations.csv"
    rows = [line.split(",") for line in lims.read_text().splitlines()]
    keep = [i for i, c in enumerate(rows[0]) if c not in ("severity_basis", "half_life_basis", "half_life_rationale")]
    lims.write_text("\n".join(",".join(r[i] for i in keep) for r in rows) + "\n")
    args = ["changes", "--since", str(old), "--to", str(catalog_copy), "--format", "json", "--home", str(tmp_path)]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    lim = out["nodes"]["Limitation"]
    assert lim["counts"]["added"] == 0 and lim["counts"]["removed"] == 0
    assert {c["id"] for c in lim["changed"]} == {"lim:temporal", "lim:consent"}
    assert all("severity_basis" in c["fields"] for c in lim["changed"])


def test_one_snapshot_needs_since(fixture_home: Path, capsys):
    assert main(["changes", "--home", str(fixture_home)]) == 2
    assert "give --since" in capsys.readouterr().err


def test_markdown_limits_long_lists():
    items = [{"id": f"tool:t{i}", "title": f"T{i}"} for i in range(30)]
    found = {
        "nodes": {
            "Tool": {"counts": {"added": 30, "removed": 0, "changed": 0}, "added": items, "removed": [], "changed": []}
        },
        "relationships": {},
    }
    md = ch.markdown(found, "a", "b", per_list=5)
    assert md.count("- `tool:") == 5 and "… and 25 more" in md


def test_two_builds_in_one_second_keep_their_order(catalog_copy: Path, tmp_path: Path, monkeypatch):
    """Snapshots are ordered by their creation time; two builds in the same second (a script, a retry)
    still list oldest first, so `changes` compares the right pair (a seconds-only time made this random)."""
    from datetime import UTC, datetime

    import graph.pipeline as pipeline
    from graph import snapshot

    times = iter([datetime(2026, 5, 1, 12, 0, 0, 100_000, UTC), datetime(2026, 5, 1, 12, 0, 0, 900_000, UTC)])

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return next(times)

    monkeypatch.setattr(pipeline, "datetime", Clock)
    home = tmp_path / "home"
    first = build(catalog_copy, home=home)
    _edit(catalog_copy)
    second = build(catalog_copy, home=home, force=True)
    assert first["created"] < second["created"]  # the order does not rest on the folders' names
    order = [snapshot.read_manifest(d)["build_id"] for d in snapshot.snapshot_dirs(home)]
    assert order == [first["build_id"], second["build_id"]]
    assert snapshot.current_dir(home).name == snapshot.snapshot_dirs(home)[-1].name
