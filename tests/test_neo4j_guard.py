"""The load guard on a REAL Neo4j server: a load that would delete more than half of the server's graph
is refused (naming what would go) unless forced, and the graph there stays as it was."""

from __future__ import annotations

import threading

import pytest

from cli.main import main
from graph import snapshot
from graph.neo4j_store import LoadRefused, connect, count_differences, load_snapshot, would_delete

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


def test_guard_checks_what_a_load_finishing_meanwhile_left(neo4j_store, catalog_home, fixture_home):
    """Two loads at once: the second one's guard runs under the load lock, after the first load is done, so
    it is judged against what it would really replace (before the fix it checked the graph as it was before
    the first load, passed, and then swept the first load's graph away)."""
    big, small = snapshot.current_dir(catalog_home), snapshot.current_dir(fixture_home)
    load_snapshot(neo4j_store, small, force=True)
    first_holds_lock, second_waits = threading.Event(), threading.Event()

    def pause_first_load(_event) -> None:
        if not first_holds_lock.is_set():
            first_holds_lock.set()
            second_waits.wait(20)  # the second load is then waiting for the lock (or blocked behind it)

    def first() -> None:
        load_snapshot(neo4j_store, big, force=True, batch_size=50, after_batch=pause_first_load)

    outcome: dict[str, object] = {}

    def second() -> None:
        first_holds_lock.wait(60)

        def waiting(event) -> None:
            if event.stage == "lock":
                second_waits.set()

        try:
            with connect(settings=neo4j_store.settings) as other:
                outcome["report"] = load_snapshot(other, small, progress=waiting)
        except LoadRefused as e:
            outcome["refused"] = str(e)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert "refused" in outcome, outcome
    assert neo4j_store.loaded_build()["id"] == snapshot.read_manifest(big)["build_id"]
    assert count_differences(snapshot.read_manifest(big)["counts"], neo4j_store.counts()) == []
