"""User Cypher and concurrent loads on a REAL Neo4j server (marked `neo4j`; scripts/neo4j-server start).

What the attack report showed working on Neo4j: the server fetching any URL (LOAD CSV), TERMINATE
TRANSACTIONS killing another client's transaction, SHOW USERS / dbms.listConfig disclosing the server,
a timeout overrun by driver retries, and two loads into an empty database duplicating every relationship.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from graph import neo4j_store, snapshot
from graph.neo4j_store import BUILD_LABEL, LoadError, Neo4jQueryError, connect, load_lock, load_snapshot

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def snap(fixture_home) -> Path:
    return snapshot.current_dir(fixture_home)


def wipe(store) -> None:
    store.run_autocommit("MATCH (n) WHERE NOT n:CraftGraphLock CALL (n) { DETACH DELETE n } IN TRANSACTIONS")


def relationship_count(store) -> int:
    return store.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]


def assert_loaded(store, snap: Path) -> None:
    m = snapshot.read_manifest(snap)
    assert neo4j_store.count_differences(m["counts"], store.counts()) == []
    assert store.duplicate_relationships() == {}
    assert store.loaded_build()["id"] == m["build_id"]


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        _Recorder.hits.append(self.path)
        body = b"a,b\n1,2\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    """A local HTTP server that records every request (the target of a server-side request forgery)."""
    _Recorder.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_url_and_file_loading_is_refused(neo4j_store, recorder):
    for q in (
        f"LOAD CSV FROM '{recorder}/x.csv' AS row RETURN row",
        f"LOAD CSV WITH HEADERS FROM '{recorder}/y.csv' AS row RETURN row.a",
        f"UNWIND [1] AS x LOAD CSV FROM '{recorder}/z.csv' AS row RETURN row",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    ):
        with pytest.raises(Neo4jQueryError, match=r"^refused: LOAD CSV"):
            neo4j_store.query(q)
    with pytest.raises(Neo4jQueryError):  # no word boundary: the server's parser refuses it outright
        neo4j_store.query(f"WITH 1 AS x LIMIT 1LOAD CSV FROM '{recorder}/w.csv' AS row RETURN row")
    assert _Recorder.hits == []  # the server never fetched anything


@pytest.mark.parametrize(
    "query",
    [
        "SHOW USERS",
        "SHOW TRANSACTIONS",
        "SHOW SETTINGS",
        "SHOW PROCEDURES",
        "SHOW DATABASES",
        "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
        "CALL dbms.listConfig()",
        "CALL dbms.components()",
        "CALL dbms.showCurrentUser()",
        "CALL db.createLabel('Nope')",
        "CREATE INDEX nope FOR (n:Tool) ON (n.url)",
        "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS",
        "MATCH (t:Tool) SET t.name = 'x' RETURN t",
    ],
)
def test_administration_procedures_and_writes_are_refused(neo4j_store, query):
    with pytest.raises(Neo4jQueryError, match=r"^refused: ") as e:
        neo4j_store.query(query)
    assert "\n" not in str(e.value)


def test_allowed_reads_run(neo4j_store, snap):
    load_snapshot(neo4j_store, snap, force=True)
    labels = {r[0] for r in neo4j_store.query("CALL db.labels() YIELD label RETURN label").rows}
    assert "Tool" in labels
    assert neo4j_store.query("SHOW INDEXES YIELD name RETURN count(*) AS n").rows[0][0] > 0
    assert neo4j_store.query("MATCH (t:Tool) RETURN count(t) AS n").rows[0][0] == 2


def test_terminate_cannot_reach_another_clients_transaction(neo4j_store, neo4j_settings):
    """Another client's open transaction survives a user's TERMINATE TRANSACTIONS of its id."""
    with connect(settings=neo4j_settings) as other:
        session = other._session(read=True)
        tx = session.begin_transaction()
        try:
            tx.run("MATCH (n) RETURN count(n) AS n").consume()
            ids = [r["id"] for r in neo4j_store.read("SHOW TRANSACTIONS YIELD transactionId AS id RETURN id")]
            for tid in ids:
                with pytest.raises(Neo4jQueryError, match=r"^refused: "):
                    neo4j_store.query(f"TERMINATE TRANSACTIONS '{tid}'")
            assert tx.run("RETURN 1 AS one").single()["one"] == 1  # still alive
        finally:
            tx.close()
            session.close()


def test_limits_are_validated_and_the_deadline_holds(neo4j_store):
    for timeout, rows in ((0, 10), (-1, 10), (0.0001, 10), (5, 0)):
        with pytest.raises(Neo4jQueryError) as e:
            neo4j_store.query("RETURN 1", timeout_s=timeout, row_cap=rows)
        assert "\n" not in str(e.value)
    t0 = time.monotonic()
    with pytest.raises(Neo4jQueryError, match=r"longer than 1 s"):
        neo4j_store.query("UNWIND range(1, 1000000000) AS x WITH x WHERE x = -1 RETURN count(*)", timeout_s=1)
    assert time.monotonic() - t0 < 4


def test_a_cartesian_collect_stops_at_the_memory_ceiling_without_retries(neo4j_store):
    """Bounded (9 M small lists): over the server's per-transaction ceiling, which scripts/neo4j-server
    sets; the transient out-of-memory error is not retried past the deadline."""
    rows = neo4j_store.read("SHOW SETTINGS YIELD name, value WHERE name = 'db.memory.transaction.max' RETURN value")
    if not rows or rows[0]["value"] in ("0B", "0"):
        pytest.skip("this server has no per-transaction memory ceiling (scripts/neo4j-server sets one)")
    q = "UNWIND range(1, 3000) AS x UNWIND range(1, 3000) AS y RETURN size(collect([x, y, 'abcdefghijklmnop'])) AS n"
    t0 = time.monotonic()
    with pytest.raises(Neo4jQueryError, match="more memory than the server allows"):
        neo4j_store.query(q, timeout_s=60)
    first = time.monotonic() - t0
    assert first < 30
    assert neo4j_store.query("RETURN 1 AS one").rows == [[1]]


def test_two_loads_into_an_empty_database_do_not_duplicate(neo4j_settings, snap):
    """Both loads are held at the point where a load decides between CREATE and MERGE until the other
    gets there too (or 5 s pass): without the lock both would see an empty database and CREATE."""
    with connect(settings=neo4j_settings) as store:
        wipe(store)
        assert relationship_count(store) == 0
    decided = threading.Barrier(2, timeout=5)
    events: dict[str, list] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def load(name: str) -> None:
        def progress(ev):
            events[name].append(ev)
            if ev.stage == "relationships" and ev.message:
                with contextlib.suppress(threading.BrokenBarrierError):
                    decided.wait()

        try:
            with connect(settings=neo4j_settings) as store:
                load_snapshot(store, snap, batch_size=50, progress=progress)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=load, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    with connect(settings=neo4j_settings) as store:
        assert relationship_count(store) == snapshot.read_manifest(snap)["counts"]["total_edges"]
        assert_loaded(store, snap)
    assert errors == []
    waited = [n for n in events if any(ev.stage == "lock" for ev in events[n])]
    assert len(waited) == 1, "one load should have waited for the other"
    created = [n for n in events if any("created" in ev.message for ev in events[n])]
    assert len(created) == 1


def test_duplicated_relationships_are_found_and_repaired(neo4j_store, snap):
    load_snapshot(neo4j_store, snap, force=True)
    total = relationship_count(neo4j_store)
    # what two unlocked first loads left behind: every relationship twice
    _duplicate_all(neo4j_store)
    assert relationship_count(neo4j_store) == 2 * total
    found = neo4j_store.duplicate_relationships()
    assert sum(found.values()) == total and found
    report = load_snapshot(neo4j_store, snap, force=True)
    assert sum(report.repaired_duplicates.values()) == total
    assert_loaded(neo4j_store, snap)
    assert relationship_count(neo4j_store) == total


def _duplicate_all(store) -> None:
    from graph.schema import RELS

    for rel in RELS:
        store.write(f"MATCH (a)-[r:`{rel.name}`]->(b) CREATE (a)-[r2:`{rel.name}`]->(b) SET r2 = properties(r)")


def test_a_held_lock_makes_a_load_wait_then_refuse(neo4j_store, neo4j_settings, snap):
    before = neo4j_store.loaded_build()
    with connect(settings=neo4j_settings) as holder, load_lock(holder):
        t0 = time.monotonic()
        with pytest.raises(LoadError, match="another `craftgraph load` is writing to this database") as e:
            load_snapshot(neo4j_store, snap, lock_wait_s=2, force=True)
        assert time.monotonic() - t0 < 10
        assert "\n" not in str(e.value)
    assert neo4j_store.loaded_build() == before  # nothing was changed
    load_snapshot(neo4j_store, snap, lock_wait_s=2, force=True)  # free again once the holder is done
    assert neo4j_store.read(f"MATCH (b:{BUILD_LABEL}) RETURN count(b) AS n")[0]["n"] == 1
