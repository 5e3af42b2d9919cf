"""Build: reproducible content hash, atomic publish, the embedded store's views."""

from __future__ import annotations

import json

import networkx as nx
import pytest

import graph
from graph import embedded, snapshot, views
from graph.pipeline import build


def test_same_inputs_same_content_hash(catalog_copy, tmp_path):
    a = build(catalog_copy, home=tmp_path / "a")
    b = build(catalog_copy, home=tmp_path / "b")
    c = build(catalog_copy, home=tmp_path / "a")
    assert a["content_hash"] == b["content_hash"] == c["content_hash"]
    assert a["counts"] == b["counts"]


def test_content_hash_changes_with_content(catalog_copy, tmp_path):
    a = build(catalog_copy, home=tmp_path / "h")
    p = catalog_copy / "vendors.csv"
    p.write_text(p.read_text().replace("Example Vendor", "Example Vendor Inc."))
    b = build(catalog_copy, home=tmp_path / "h")
    assert a["content_hash"] != b["content_hash"]
    assert b["previous_build_id"] == a["build_id"]


def test_row_order_does_not_change_the_hash(catalog_copy, tmp_path):
    a = build(catalog_copy, home=tmp_path / "h")
    p = catalog_copy / "tools.csv"
    header, *rows = p.read_text().splitlines()
    p.write_text("\n".join([header, *reversed(rows)]) + "\n")
    assert build(catalog_copy, home=tmp_path / "h")["content_hash"] == a["content_hash"]


def test_failure_midway_leaves_previous_snapshot(catalog_copy, tmp_path, monkeypatch):
    home = tmp_path / "home"
    first = build(catalog_copy, home=home)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(views, "write", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        build(catalog_copy, home=home)
    assert not list((home / "snapshots").glob(".tmp-*"))
    g = graph.load(home)
    assert g.build_id == first["build_id"]
    assert len(g.nodes["Tool"]) == 2
    assert g.cypher("MATCH (t:Tool) RETURN count(t) AS n")["n"].iloc[0] == 2


def test_manifest_lists_inputs_with_hashes(fixture_home):
    m = snapshot.read_manifest(snapshot.current_dir(fixture_home))
    names = {p["path"].rsplit("/", 1)[-1] for p in m["inputs"]}
    assert "tools.csv" in names
    assert all(len(p["sha256"]) == 64 for p in m["inputs"])
    assert m["counts"]["nodes"]["Tool"] == 2
    assert m["counts"]["total_nodes"] == sum(m["counts"]["nodes"].values())


def test_embedded_views(fixture_home):
    g = graph.load(fixture_home)
    tools = g.nodes["Tool"]
    assert list(tools.sort_values("id")["name"]) == ["Video A", "Video B"]
    provides = g.edges["PROVIDES"]
    assert set(provides.columns) >= {"src", "dst", "level", "since", "source_ids"}
    assert provides["source_ids"].iloc[0] == ["src:fx-runway"]
    G = g.nx()
    assert isinstance(G, nx.MultiDiGraph)
    assert G.nodes["tool:video-a"]["label"] == "Tool"
    assert G.has_edge("tool:video-a", "cap:generate-video", key="PROVIDES")
    assert G.number_of_nodes() == g.manifest["counts"]["total_nodes"]
    assert G.number_of_edges() == g.manifest["counts"]["total_edges"]
    # A path from a tool to a craft, through a capability and a task.
    path = nx.shortest_path(G.to_undirected(as_view=True), "tool:video-a", "craft:compositor")
    assert path[0] == "tool:video-a" and path[-1] == "craft:compositor"


def test_citations_become_relationships(fixture_home):
    g = graph.load(fixture_home)
    cites = g.edges["CITES"]
    assert ("tool:video-a", "src:fx-runway") in set(zip(cites["src"], cites["dst"], strict=True))


def test_cypher_with_parameters_and_optional_match(fixture_home):
    g = graph.load(fixture_home)
    df = g.cypher(
        "MATCH (c:Capability {id: $cap}) OPTIONAL MATCH (c)-[:CONSTRAINED_BY]->(l:Limitation) "
        "RETURN c.name AS capability, l.name AS limitation ORDER BY limitation",
        {"cap": "cap:generate-video"},
    )
    assert df["limitation"].tolist() == ["performer consent rules", "temporal inconsistency"]


def test_row_cap_and_refusal(fixture_home):
    g = graph.load(fixture_home)
    res = g.run("MATCH (n) RETURN n.id", row_cap=3)
    assert len(res.rows) == 3 and res.truncated
    for q in (
        "CREATE (n:X)",
        "MATCH (n) DETACH DELETE n",
        "MATCH (t:Tool) SET t.name = 'x'",
        "MERGE (n:Tool {id: 'tool:x'})",
    ):
        with pytest.raises(embedded.QueryError, match="read-only"):
            g.run(q)
    with pytest.raises(embedded.QueryError, match="Parser exception"):  # LadybugDB has no REMOVE at all
        g.run("match (n) remove n.name")
    # Keywords inside strings are not clauses.
    assert g.cypher("RETURN 'CREATE and DELETE' AS s")["s"].iloc[0] == "CREATE and DELETE"


def test_manifest_is_valid_json_and_diff(catalog_copy, tmp_path):
    home = tmp_path / "h"
    a = build(catalog_copy, home=home)
    (catalog_copy / "vendors.csv").write_text(
        (catalog_copy / "vendors.csv").read_text() + "vendor:other,Other,GB,,src:fx-paper\n"
    )
    b = build(catalog_copy, home=home)
    assert b["counts"]["nodes"]["Vendor"] == a["counts"]["nodes"]["Vendor"] + 1
    snap = snapshot.current_dir(home)
    json.loads((snap / "manifest.json").read_text())
    changes = json.loads((snap / "diff.json").read_text())
    assert changes["nodes"]["Vendor"]["added"] == 1
    assert changes["nodes"]["Vendor"]["examples_added"] == ["vendor:other"]
    assert "Vendor: +1 -0" in b["changes"]


def test_a_rebuild_within_the_same_second_gets_its_own_id(catalog_copy, tmp_path, monkeypatch):
    """Build ids are the second and the content hash: the same content built twice within one second (a
    fast catalog build) must not collide with the snapshot already there."""
    from datetime import UTC, datetime, timedelta

    from graph import pipeline

    home = tmp_path / "h"
    first = build(catalog_copy, home=home)
    t0 = datetime.strptime(first["build_id"][:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    ticks = iter([t0 + timedelta(milliseconds=500), t0 + timedelta(seconds=1, milliseconds=10)])

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return next(ticks)

    monkeypatch.setattr(pipeline, "datetime", Clock)
    monkeypatch.setattr(pipeline.time, "sleep", lambda s: None)
    second = build(catalog_copy, home=home)
    assert second["content_hash"] == first["content_hash"] and second["build_id"] != first["build_id"]
    assert [s["id"] for s in snapshot.list_snapshots(home)] == [first["build_id"], second["build_id"]]
    assert snapshot.current_id(home) == second["build_id"]
