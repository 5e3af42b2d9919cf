"""The Neo4j store and `craftgraph load`, against a REAL server over Bolt (never a mock).

Tests marked `neo4j` need NEO4J_URI (eval "$(scripts/neo4j-server start)") and are skipped only when it
is not set. The fault test at the end kills the server with `scripts/neo4j-server kill` between two
batches and brings it back with `restart-same` (same data, port and password) before it finishes.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cli.main import main
from graph import neo4j_store, snapshot
from graph.neo4j_store import BUILD_LABEL, LOCK_LABEL, STAMP, Neo4jQueryError, Settings, connect, load_snapshot

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"
SERVER = ROOT / "scripts" / "neo4j-server"
REMOVED = "lim:consent"  # the node the "newer" snapshot no longer holds


# --- helpers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def error_lines(err: str) -> list[str]:
    return [line for line in err.strip().splitlines() if line.strip()]


def server(cmd: str) -> subprocess.CompletedProcess:
    """scripts/neo4j-server CMD on the server the tests talk to (checked against NEO4J_URI)."""
    # after a kill, the restart replays the transaction log since the last checkpoint; on a busy machine
    # after a big load that takes minutes (Community has no db.checkpoint() to shorten it)
    env = {"CRAFTGRAPH_NEO4J_START_TIMEOUT": "600", **os.environ}
    res = subprocess.run([str(SERVER), "env"], env=env, capture_output=True, text=True)
    if f"NEO4J_URI={os.environ['NEO4J_URI']}" not in res.stdout.replace("'", ""):
        pytest.fail(
            "the fault tests need the server behind NEO4J_URI to be one of scripts/neo4j-server's "
            f"(set CRAFTGRAPH_NEO4J_STATE); `neo4j-server env` says: {res.stdout.strip() or res.stderr.strip()}"
        )
    res = subprocess.run([str(SERVER), cmd], env=env, capture_output=True, text=True, timeout=900)
    if res.returncode != 0:
        pytest.fail(f"scripts/neo4j-server {cmd} failed (exit {res.returncode}): {res.stderr.strip()[-2000:]}")
    return res


def dump(store) -> tuple[list, list]:
    """Every node (label, properties) and relationship (type, ends, properties), sorted."""
    nodes = store.read(
        f"MATCH (n) WHERE NOT n:{BUILD_LABEL} AND NOT n:{LOCK_LABEL} "
        "RETURN labels(n) AS labels, properties(n) AS p ORDER BY n.id"
    )
    rels = store.read(
        "MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS p ORDER BY t, a, b, r.measure"
    )
    return [(r["labels"], r["p"]) for r in nodes], [(r["t"], r["a"], r["b"], r["p"]) for r in rels]


def duplicates(store) -> tuple[int, int]:
    n = store.read("MATCH (n) WHERE n.id IS NOT NULL WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS d")
    r = store.read(
        "MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, r.measure AS m, count(*) AS c WHERE c > 1 RETURN count(*) AS d"
    )
    return n[0]["d"], r[0]["d"]


def assert_matches(store, snap: Path) -> None:
    m = snapshot.read_manifest(snap)
    assert neo4j_store.count_differences(m["counts"], store.counts()) == []
    assert duplicates(store) == (0, 0)
    b = store.loaded_build()
    assert b["id"] == m["build_id"] and b["content_hash"] == m["content_hash"]
    assert "loading" not in b


def build_newer(tmp_path: Path) -> Path:
    """A snapshot from a modified copy of the fixture catalog: one limitation (and its link) removed,
    one tool's url removed, one tool renamed."""
    from graph.pipeline import build

    cat = tmp_path / "catalog-newer"
    shutil.copytree(FIXTURE_CATALOG, cat)
    for name in ("limitations.csv", "limitation_links.csv"):
        lines = (cat / name).read_text().splitlines(keepends=True)
        (cat / name).write_text("".join(line for line in lines if REMOVED not in line))
    tools = (cat / "tools.csv").read_text()
    tools = tools.replace("https://example.org/a,", ",").replace("Video B,", "Video B Renamed,")
    (cat / "tools.csv").write_text(tools)
    home = tmp_path / "home-newer"
    build(cat, home=home)
    return snapshot.current_dir(home)


@pytest.fixture(scope="module")
def snap_a(fixture_home) -> Path:
    return snapshot.current_dir(fixture_home)


@pytest.fixture(scope="module")
def snap_b(tmp_path_factory) -> Path:
    return build_newer(tmp_path_factory.mktemp("newer"))


def load_cli(snap: Path, *extra: str) -> int:
    return main(["load", "--snapshot", str(snap), "-q", "--force", *extra])


# --- without a server -----------------------------------------------------------------------


def test_settings_flags_override_env():
    env = {"NEO4J_URI": "bolt://h:1", "NEO4J_USERNAME": "u", "NEO4J_PASSWORD": "p", "NEO4J_DATABASE": "d"}
    assert Settings.resolve(None, env) == Settings("bolt://h:1", "u", "p", "d")

    class Args:
        uri, username, password, database = "neo4j://x:2", None, "q", None

    assert Settings.resolve(Args(), env) == Settings("neo4j://x:2", "u", "q", "d")
    assert Settings.resolve(None, {"NEO4J_URI": "bolt://h:1"}) == Settings("bolt://h:1", "neo4j", "", "neo4j")


def test_settings_need_a_bolt_uri():
    with pytest.raises(neo4j_store.Neo4jConfigError, match="NEO4J_URI"):
        Settings.resolve(None, {})
    with pytest.raises(neo4j_store.Neo4jConfigError, match="not a Bolt URI"):
        Settings.resolve(None, {"NEO4J_URI": "http://127.0.0.1:7474"})


def test_statements_merge_on_ids_and_relationship_keys():
    assert "MERGE (n:`Tool` {id: row.id}) SET n = row" in neo4j_store.node_statement("Tool")
    rates = neo4j_store.rel_statement("RATES", "Study", "Occupation")
    assert "MERGE (a)-[r:`RATES` {`measure`: row.props.`measure`}]->(b)" in rates
    assert "SET r = row.props" in rates
    assert "MERGE (a)-[r:`PROVIDES`]->(b)" in neo4j_store.rel_statement("PROVIDES", "Tool", "Capability")


def test_load_help():
    assert main(["load", "--help"]) == 0


def test_unreachable_server_is_one_clear_line(fixture_home, capsys, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{free_port()}")
    monkeypatch.setenv("NEO4J_PASSWORD", "whatever")
    assert main(["load", "--home", str(fixture_home), "-q"]) == 1
    err = capsys.readouterr().err
    lines = error_lines(err)
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("load: cannot reach Neo4j at bolt://127.0.0.1:")
    assert main(["query", "--neo4j", "--no-fallback", "RETURN 1"]) == 2
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and lines[0].startswith("query: cannot reach Neo4j")
    # by default the CLI says so plainly and answers from the embedded snapshot
    q = "MATCH (t:Tool) RETURN count(t) AS n"
    assert main(["query", "--neo4j", q, "--home", str(fixture_home), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["n", "2"]
    lines = error_lines(err)
    assert len(lines) == 1 and lines[0].endswith("answering from the embedded snapshot instead")


def test_no_server_configured_is_one_clear_line(fixture_home, capsys, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert main(["load", "--home", str(fixture_home), "-q"]) == 1
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "no Neo4j server configured" in lines[0]


# --- against the real server ----------------------------------------------------------------


@pytest.mark.neo4j
def test_load_creates_schema_and_matches_the_manifest(neo4j_settings, snap_a, capsys):
    assert main(["load", "--snapshot", str(snap_a), "--force"]) == 0
    out = capsys.readouterr().out
    assert "loaded " + snapshot.read_manifest(snap_a)["build_id"] in out
    with connect(settings=neo4j_settings) as store:
        names = set(store.constraints())
        from graph.schema import NODES

        assert {f"{n.name.lower()}_id" for n in NODES} <= names
        assert "craftgraphbuild_id" in names
        indexes = store.indexes()
        assert {"tool_name", "milestone_date", "occupation_soc_code"} <= {i["name"] for i in indexes}
        assert all(i["state"] == "ONLINE" for i in indexes)
        assert_matches(store, snap_a)
        # label and relationship-type counts equal the manifest's, read with Cypher as well
        m = snapshot.read_manifest(snap_a)["counts"]
        by_label = {r["l"]: r["n"] for r in store.read("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n")}
        by_type = {r["t"]: r["n"] for r in store.read("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n")}
        assert by_label.pop(BUILD_LABEL) == 1
        assert by_label.pop(LOCK_LABEL) == 1  # the load lock's node (see load_lock)
        assert by_label == {k: v for k, v in m["nodes"].items() if v}
        assert by_type == {k: v for k, v in m["edges"].items() if v}
    assert main(["load", "--snapshot", str(snap_a), "--check"]) == 0


@pytest.mark.neo4j
def test_properties_are_the_snapshots_and_lists_stay_lists(neo4j_store, snap_a):
    assert load_cli(snap_a) == 0
    nodes, rels = dump(neo4j_store)
    got = {p["id"]: (labels, p) for labels, p in nodes}
    build = snapshot.read_manifest(snap_a)["build_id"]
    for path in (snap_a / "nodes").glob("*.parquet"):
        for row in pq.read_table(path).to_pylist():
            labels, props = got[row["id"]]
            assert labels == [path.stem]
            assert props == {**{k: v for k, v in row.items() if v is not None}, STAMP: build}
    tool = got["tool:video-b"][1]
    assert isinstance(tool["source_ids"], list) and tool["open_weights"] is False
    provides = [p for t, a, b, p in rels if t == "PROVIDES" and a == "tool:video-a" and b == "cap:generate-video"]
    edge = next(
        r
        for r in pq.read_table(snap_a / "edges" / "PROVIDES.parquet").to_pylist()
        if (r["src"], r["dst"]) == ("tool:video-a", "cap:generate-video")
    )
    ends = {"src", "dst", "src_label", "dst_label"}
    assert provides == [{**{k: v for k, v in edge.items() if v is not None and k not in ends}, STAMP: build}]
    assert (provides[0]["level"], provides[0]["since"], provides[0]["source_ids"]) == (
        "10 s at 1080p",
        "2024-06",
        ["src:fx-runway"],
    )


@pytest.mark.neo4j
def test_reloading_the_same_snapshot_changes_nothing(neo4j_store, snap_a):
    assert load_cli(snap_a) == 0
    before = dump(neo4j_store)
    counts = neo4j_store.counts()
    assert load_cli(snap_a, "--batch-size", "4") == 0  # other batch boundaries, same result
    assert neo4j_store.counts() == counts
    assert dump(neo4j_store) == before
    assert_matches(neo4j_store, snap_a)


@pytest.mark.neo4j
def test_a_newer_snapshot_replaces_the_older(neo4j_store, snap_a, snap_b):
    assert load_cli(snap_a) == 0
    assert neo4j_store.read("MATCH (l:Limitation {id: $id}) RETURN count(l) AS n", {"id": REMOVED})[0]["n"] == 1
    assert load_cli(snap_b, "--batch-size", "5") == 0
    assert_matches(neo4j_store, snap_b)
    assert neo4j_store.read("MATCH (l {id: $id}) RETURN count(l) AS n", {"id": REMOVED})[0]["n"] == 0
    a = neo4j_store.read("MATCH (t:Tool {id: 'tool:video-a'}) RETURN properties(t) AS p")[0]["p"]
    assert "url" not in a  # a property the newer snapshot no longer holds is gone
    b = neo4j_store.read("MATCH (t:Tool {id: 'tool:video-b'}) RETURN t.name AS name")[0]["name"]
    assert b == "Video B Renamed"
    # and back again: the older snapshot is a snapshot like any other
    assert load_cli(snap_a) == 0
    assert_matches(neo4j_store, snap_a)


@pytest.mark.neo4j
def test_a_failed_batch_is_rolled_back_and_deletes_nothing(neo4j_store, snap_a, snap_b, tmp_path, capsys):
    """A snapshot with a relationship whose end is missing: the load stops at that batch (rolled back,
    never skipped), exits non-zero with one line, and the previous graph stays queryable."""
    bad = tmp_path / "bad-snapshot"
    shutil.copytree(snap_b, bad)
    t = pq.read_table(bad / "edges" / "PROVIDES.parquet")
    extra = {c: [None] for c in t.column_names}
    extra.update(src=["tool:video-a"], dst=["cap:does-not-exist"], src_label=["Tool"], dst_label=["Capability"])
    extra["source_ids"] = [["src:fx-paper"]]
    pq.write_table(pa.concat_tables([t, pa.table(extra, schema=t.schema)]), bad / "edges" / "PROVIDES.parquet")

    assert load_cli(snap_a) == 0
    before = neo4j_store.counts()
    assert load_cli(bad, "--batch-size", "2") == 1
    err = capsys.readouterr().err
    lines = error_lines(err)
    assert len(lines) == 1 and "Traceback" not in err
    assert "PROVIDES" in lines[0] and "1 of" in lines[0] and "rolled back" in lines[0]
    # nothing deleted: the node the newer snapshot dropped is still there, the build record still says A
    assert neo4j_store.read("MATCH (l:Limitation {id: $id}) RETURN count(l) AS n", {"id": REMOVED})[0]["n"] == 1
    b = neo4j_store.loaded_build()
    assert b["id"] == snapshot.read_manifest(snap_a)["build_id"]
    assert b["loading"] == snapshot.read_manifest(bad)["build_id"]
    assert neo4j_store.counts()["nodes"] == before["nodes"]
    # the rolled-back batch wrote nothing: no PROVIDES to the missing capability, none from it
    assert duplicates(neo4j_store) == (0, 0)
    # the graph is queryable, and the next good load completes it
    assert neo4j_store.query("MATCH (t:Tool) RETURN count(t) AS n").rows == [[2]]
    assert load_cli(snap_b) == 0
    assert_matches(neo4j_store, snap_b)
    # with no build recorded yet (a first load), a failed load still leaves its mark
    neo4j_store.write(f"MATCH (b:{BUILD_LABEL}) DELETE b")
    assert load_cli(bad, "--batch-size", "50") == 1
    b = neo4j_store.loaded_build()
    assert "id" not in b and b["loading"] == snapshot.read_manifest(bad)["build_id"]
    capsys.readouterr()
    assert main(["load", "--snapshot", str(snap_b), "--check"]) == 1
    assert "an unfinished load of " in capsys.readouterr().out
    assert load_cli(snap_b) == 0
    assert_matches(neo4j_store, snap_b)


@pytest.mark.neo4j
def test_user_queries_are_read_only_with_timeout_and_row_cap(neo4j_store, snap_a, capsys):
    assert load_cli(snap_a) == 0
    before = dump(neo4j_store)
    for q in (
        "CREATE (n:Tool {id: 'tool:x'}) RETURN n",
        "MERGE (n:Tool {id: 'tool:x'}) RETURN n",
        "MATCH (t:Tool) SET t.name = 'x' RETURN t",
        "MATCH (n) DETACH DELETE n",
        "MATCH (t:Tool) REMOVE t.name RETURN t",
        "CALL db.createLabel('Nope')",
        "CREATE INDEX nope FOR (n:Tool) ON (n.url)",
    ):
        with pytest.raises(Neo4jQueryError, match=r"^refused: "):
            neo4j_store.query(q)
    assert dump(neo4j_store) == before
    assert main(["query", "--neo4j", "MATCH (t:Tool) SET t.name = 'x' RETURN t"]) == 2
    err = capsys.readouterr().err
    assert error_lines(err) == ["query: refused: this query would change the graph; queries here are read-only"]
    with pytest.raises(Neo4jQueryError, match=r"longer than 0\.5 s"):
        neo4j_store.query("UNWIND range(1, 1000000000) AS x WITH x WHERE x = -1 RETURN count(*)", timeout_s=0.5)
    res = neo4j_store.query("UNWIND range(1, 100) AS x RETURN x", row_cap=7)
    assert res.truncated and res.rows == [[i] for i in range(1, 8)]
    res = neo4j_store.query("MATCH (t:Tool {id: $id}) RETURN t.name AS name", {"id": "tool:video-a"})
    assert (res.columns, res.rows, res.truncated) == (["name"], [["Video A"]], False)
    with pytest.raises(Neo4jQueryError, match="Invalid input"):
        neo4j_store.query("MATCH (n RETURN n")
    assert main(["query", "--neo4j", "--format", "csv", "MATCH (t:Tool) RETURN t.id AS id ORDER BY id"]) == 0
    assert capsys.readouterr().out == "id\ntool:video-a\ntool:video-b\n"


@pytest.mark.neo4j
def test_wrong_password_is_one_clear_line(neo4j_settings, fixture_home, capsys):
    # two attempts only: Neo4j locks the user for a few seconds after three failed logins
    assert main(["load", "--home", str(fixture_home), "-q", "--password", "wrong-" + neo4j_settings.password]) == 1
    err = capsys.readouterr().err
    lines = error_lines(err)
    assert len(lines) == 1 and "Traceback" not in err
    assert "wrong username or password" in lines[0]
    assert main(["query", "--neo4j", "--password", "wrong", "RETURN 1"]) == 2
    assert "wrong username or password" in capsys.readouterr().err


@pytest.mark.neo4j
def test_server_killed_mid_load_then_the_next_load_completes(neo4j_settings, snap_a, snap_b, capsys, monkeypatch):
    """Runs last in this module: kills the server between two batches and restarts it on the same data."""
    assert load_cli(snap_a) == 0
    capsys.readouterr()
    killed = []

    def kill_between_batches(ev):
        if ev.batch == 12 and not killed:
            server("kill")
            killed.append(ev)

    monkeypatch.setattr(
        neo4j_store, "load_snapshot", functools.partial(load_snapshot, after_batch=kill_between_batches)
    )
    try:
        rc = load_cli(snap_b, "--batch-size", "2")
        err = capsys.readouterr().err
    finally:
        server("restart-same")
    monkeypatch.undo()
    assert killed, "the load never reached the batch where the server was to be killed"
    assert rc == 1
    lines = error_lines(err)
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("load: cannot reach Neo4j at ") and "nothing was deleted" in lines[0]
    build_a, build_b = snapshot.read_manifest(snap_a)["build_id"], snapshot.read_manifest(snap_b)["build_id"]
    with connect(settings=neo4j_settings) as store:
        # the previous graph survived the crash, queryable, with the load marked unfinished
        b = store.loaded_build()
        assert (b["id"], b["loading"]) == (build_a, build_b)
        assert store.read("MATCH (l:Limitation {id: $id}) RETURN count(l) AS n", {"id": REMOVED})[0]["n"] == 1
        assert duplicates(store) == (0, 0)
    assert load_cli(snap_b, "--batch-size", "3") == 0
    with connect(settings=neo4j_settings) as store:
        assert_matches(store, snap_b)
        assert store.read("MATCH (l {id: $id}) RETURN count(l) AS n", {"id": REMOVED})[0]["n"] == 0
