"""The load guard on a REAL Neo4j server: a load that would delete more than half of the server's graph
is refused (naming what would go) unless forced, and the graph there stays as it was."""

from __future__ import annotations

import pytest

from cli.main import main
from graph import snapshot
from graph.neo4j_store import LoadRefused, count_differences, load_snapshot, would_delete

pytestmark = pytest.mark.neo4j


def test_load_that_would_sweep_the_graph_is_refused(neo4j_store, catalog_home, fixture_home, capsys):
    big, small = snapshot.current_dir(catalog_home), snapshot.current_dir(fixture_home)
    load_snapshot(neo4j_store, big, force=True)
    before = neo4j_store.counts()
    loaded = neo4j_store.loaded_build()

    gone, total = would_delete(neo4j_store, small)
    assert total == sum(snapshot.read_manifest(big)["counts"]["nodes"].values())
    assert sum(gone.values()) > total / 2 and "Tool" in gone

    with pytest.raises(LoadRefused, match=r"would delete .* nodes .*more than 50%.*Tool"):
        load_snapshot(neo4j_store, small)
    assert main(["load", "--snapshot", str(small), "-q"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("load: refused: loading ") and "--force" in err[0]
    # nothing was written: the previous graph is whole and still answers
    assert neo4j_store.counts() == before
    assert neo4j_store.loaded_build() == loaded
    assert neo4j_store.query("MATCH (t:Tool) RETURN count(t) AS n").rows[0][0] == before["nodes"]["Tool"]

    # a reload of the same build deletes nothing; --force sweeps
    assert would_delete(neo4j_store, big) == ({}, total)
    assert main(["load", "--snapshot", str(small), "-q", "--force"]) == 0
    assert neo4j_store.loaded_build()["id"] == snapshot.read_manifest(small)["build_id"]
    assert count_differences(snapshot.read_manifest(small)["counts"], neo4j_store.counts()) == []


def test_empty_server_is_never_refused(neo4j_store, fixture_home):
    neo4j_store.run_autocommit("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
    small = snapshot.current_dir(fixture_home)
    assert would_delete(neo4j_store, small) == ({}, 0)
    load_snapshot(neo4j_store, small)
    assert neo4j_store.loaded_build()["id"] == snapshot.read_manifest(small)["build_id"]
