"""User Cypher on the embedded store stays inert: the engine's plan decides, in a locked-down worker.

Every form that read local files, lifted a limit or changed a setting in the attack report is tried
here against a real snapshot (the fixture catalog's), through the same entry points users have.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from graph import landlock, snapshot
from graph.cypher_policy import (
    MAX_PARAM_DEPTH,
    PolicyError,
    check_limits,
    check_params,
    embedded_plan_problem,
    file_keyword,
    parse_param_value,
)
from graph.embedded import EmbeddedCypher, QueryError

ROOT = Path(__file__).resolve().parents[1]
SLOW = "UNWIND range(1, 200000) AS x UNWIND range(1, 200000) AS y WITH x, y WHERE x * y = -1 RETURN count(*)"


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> Path:
    """A file outside the snapshot that no query may read (a CSV, so the engine could parse it)."""
    p = tmp_path_factory.mktemp("outside") / "secret.csv"
    p.write_text("user,password\nneo4j,hunter2\n")
    return p


@pytest.fixture(scope="module")
def cypher(fixture_home):
    c = EmbeddedCypher(snapshot.current_dir(fixture_home))
    yield c
    c.close()


FILE_FORMS = [
    "MATCH (t:Tool) WITH t LIMIT 1LOAD FROM '{p}' RETURN *",  # no word boundary before LOAD
    "MATCH (t:Tool) WITH t LIMIT 1 LOAD FROM '{p}' RETURN *",
    "LOAD FROM '{p}' (header=true) RETURN *",
    "LOAD WITH HEADERS (a STRING, b STRING) FROM '{p}' RETURN *",
    "load from '{p}' return *",
    "UNWIND [1] AS x WITH x LIMIT 1e0LOAD FROM '{p}' RETURN *",
    "/* c */ LOAD/**/FROM '{p}' RETURN *",
    "COPY (MATCH (t:Tool) RETURN t.id) TO '{p}.out'",
    "COPY Tool FROM '{p}'",
    "EXPORT DATABASE '{p}.dir'",
    "IMPORT DATABASE '{p}.dir'",
    "ATTACH '{p}' AS x (dbtype lbug)",
    "INSTALL httpfs",
    "LOAD EXTENSION httpfs",
    "LOAD FROM 'http://127.0.0.1:9/x.csv' RETURN *",
]


@pytest.mark.parametrize("form", FILE_FORMS)
def test_file_and_url_loading_is_refused(cypher, secret, form):
    with pytest.raises(QueryError, match=r"^refused: ") as e:
        cypher.run(form.format(p=secret))
    assert "hunter2" not in str(e.value) and "password" not in str(e.value)
    assert not Path(f"{secret}.out").exists() and not Path(f"{secret}.dir").exists()


@pytest.mark.parametrize(
    "query",
    [
        "CALL timeout=0",
        "CALL timeout=0; MATCH (n) RETURN count(n)",
        "CALL threads=64",
        "CALL current_setting('timeout') RETURN *",
        "CALL show_warnings() RETURN *",
        "CALL project_graph('g', ['Tool'], [])",
        "BEGIN TRANSACTION",
        "CHECKPOINT",
        "MATCH (t:Tool) SET t.name = 'x'",
        "CREATE (:Tool {id: 'tool:x'})",
        "MATCH (t:Tool) DETACH DELETE t",
        "RETURN 1; RETURN 2",
    ],
)
def test_settings_writes_and_several_statements_are_refused(cypher, query):
    with pytest.raises(QueryError) as e:
        cypher.run(query)
    assert str(e.value).startswith(("refused: ", "one statement at a time")), e.value
    assert "\n" not in str(e.value)
    assert cypher.run("MATCH (t:Tool) RETURN count(t) AS n").rows[0][0] > 0  # the session still answers


def test_read_queries_and_allowed_table_functions_run(cypher):
    assert cypher.run("RETURN 'CREATE and LOAD FROM' AS s").rows == [["CREATE and LOAD FROM"]]
    assert cypher.run("MATCH (t:Tool) RETURN t.id AS id ORDER BY id SKIP 1 LIMIT 1").rows
    names = {r[0] for r in cypher.run("CALL show_tables() RETURN name").rows}
    assert {"Tool", "PROVIDES"} <= names
    res = cypher.run("MATCH p = (t:Tool)-[* SHORTEST 1..4]-(c:Craft) RETURN length(p) AS n LIMIT 1")
    assert res.columns == ["n"]


def test_named_queries_pass_the_plan_check(fixture_home):
    """Every cookbook query is a read the allow-list accepts (a new operator in one shows up here)."""
    from graph import queries

    c = EmbeddedCypher(snapshot.current_dir(fixture_home))
    try:
        for _name, q in sorted(queries.load_all().items()):
            if "embedded" in q.stores:
                c.run(q.text("embedded"), q.example_params())  # raises QueryError when refused
    finally:
        c.close()


def test_plan_check_refuses_what_it_does_not_know():
    plan = "│  SCAN_NODE_TABLE[0]  │\n│  SOMETHING_NEW[1]  │"
    assert "SOMETHING_NEW" in embedded_plan_problem(plan)
    assert embedded_plan_problem("no plan at all")
    # a name smuggled in as text can only add names: the engine's own operators still show
    smuggled = "│  RESULT_COLLECTOR[1]  │\n Expressions: 'PROJECTION[0]'\n│  STANDALONE_CALL[0]  │"
    assert "setting" in embedded_plan_problem(smuggled)
    assert "LOAD FROM" in embedded_plan_problem("│  TABLE_FUNCTION_CALL[0]  │\n  Function: READ_CSV_PARALLEL")


def test_keywords_split_like_the_engine():
    assert file_keyword("MATCH (n) WITH n LIMIT 1LOAD FROM 'x' RETURN *") == "LOAD"
    assert file_keyword("RETURN 1.5e3COPY") == "COPY"
    assert file_keyword("RETURN 'LOAD' AS `load`, x1LOAD // LOAD\n") is None
    assert file_keyword("MATCH (d:Download) RETURN d.uploaded") is None


@pytest.mark.parametrize(("timeout", "rows"), [(0, 10), (-1, 10), (0.0001, 10), (1e9, 10), (5, 0), (5, -3), (5, 10**9)])
def test_limits_out_of_bounds_are_one_line_errors(cypher, timeout, rows):
    with pytest.raises(QueryError) as e:
        cypher.run("RETURN 1", timeout_s=timeout, row_cap=rows)
    assert "\n" not in str(e.value) and ("timeout" in str(e.value) or "row cap" in str(e.value))
    with pytest.raises(PolicyError):
        check_limits(timeout, rows)
    assert check_limits(0.5, 1) == (0.5, 1)


def test_timeout_is_a_hard_deadline(fixture_home):
    c = EmbeddedCypher(snapshot.current_dir(fixture_home))
    try:
        c.run("RETURN 1")
        t0 = time.monotonic()
        with pytest.raises(QueryError, match="longer than 1 s"):
            c.run(SLOW, timeout_s=1)
        assert time.monotonic() - t0 < 1 + 2.5
        # a worker that stops answering (here: stopped by a signal) is killed at the deadline
        os.kill(c._proc.pid, signal.SIGSTOP)
        t0 = time.monotonic()
        with pytest.raises(QueryError, match=r"longer than 0\.5 s"):
            c.run("RETURN 1", timeout_s=0.5)
        assert time.monotonic() - t0 < 0.5 + 2.5
        assert c.run("RETURN 2 AS two").rows == [[2]]  # a new worker answers the next query
    finally:
        c.close()


def test_memory_ceiling_stops_a_cartesian_collect(fixture_home):
    """A bounded query (16 M strings) that needs far more than a 128 MB ceiling fails fast, cleanly."""
    c = EmbeddedCypher(snapshot.current_dir(fixture_home), memory_mb=128)
    try:
        big = "UNWIND range(1, 4000) AS x UNWIND range(1, 4000) AS y "
        big += "RETURN collect('abcdefghijklmnop' + CAST(x AS STRING))"
        t0 = time.monotonic()
        with pytest.raises(QueryError, match="more memory than"):
            c.run(big + "[1]", timeout_s=60)
        assert time.monotonic() - t0 < 30
        if c.info.get("address_limit"):
            assert c.info["address_limit"] < (128 + 2048) << 20
        assert c.run("RETURN 1 AS one").rows == [[1]]
    finally:
        c.close()


def test_sessions_do_not_share_a_connection(fixture_home):
    """One session's slow query does not hold up another session's query."""
    import threading

    snap = snapshot.current_dir(fixture_home)
    a, b = EmbeddedCypher(snap), EmbeddedCypher(snap)
    try:
        a.run("RETURN 1"), b.run("RETURN 1")
        errors: list[Exception] = []

        def slow_query() -> None:
            try:
                a.run(SLOW, timeout_s=3)
            except QueryError as e:
                errors.append(e)

        slow = threading.Thread(target=slow_query)
        slow.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        assert b.run("RETURN 1 AS one").rows == [[1]]
        assert time.monotonic() - t0 < 1.5
        slow.join()
        assert len(errors) == 1 and "longer than 3 s" in str(errors[0])
    finally:
        a.close(), b.close()


def test_deep_parameters_are_one_line_errors(cypher):
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(PolicyError, match="nested more than"):
        parse_param_value(deep)
    nested: list = []
    for _ in range(MAX_PARAM_DEPTH + 5):
        nested = [nested]
    with pytest.raises(QueryError, match="nested more than"):
        cypher.run("RETURN $p AS p", {"p": nested})
    with pytest.raises(PolicyError, match="not a plain value"):
        check_params({"p": object()})
    assert parse_param_value('{"a": [1, 2]}') == {"a": [1, 2]}
    assert parse_param_value("tool:x") == "tool:x"


@pytest.mark.skipif(landlock.abi_version() < 1, reason="the kernel has no Landlock")
def test_worker_is_locked_down(cypher, secret):
    assert cypher.run("RETURN 1").rows == [[1]]
    assert cypher.info["landlock"] is True
    assert cypher.info["address_limit"] > 0


@pytest.mark.skipif(landlock.abi_version() < 1, reason="the kernel has no Landlock")
def test_landlock_allows_only_the_given_paths(tmp_path, secret):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "ok.txt").write_text("fine")
    code = textwrap.dedent(
        f"""
        import socket, sys
        from pathlib import Path
        from graph import landlock
        assert landlock.restrict([Path({str(allowed)!r}), Path(sys.prefix), Path(sys.base_prefix)])
        print(Path({str(allowed / "ok.txt")!r}).read_text())
        for attempt in (lambda: open({str(secret)!r}).read(), lambda: open({str(allowed / "new")!r}, "w")):
            try:
                attempt()
                print("LEAK")
            except PermissionError:
                print("denied")
        if landlock.abi_version() >= 4:
            try:
                socket.create_connection(("127.0.0.1", 9), timeout=2)
            except PermissionError:
                print("denied")
            except OSError:
                print("LEAK")
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.split()
    assert lines[0] == "fine" and "LEAK" not in lines and lines.count("denied") >= 2


def test_cli_limits_and_deep_parameters_are_one_line(fixture_home, capsys):
    from cli.main import main

    for args in (["--timeout", "0"], ["--timeout", "-1"], ["--max-rows", "0"]):
        assert main(["query", "--home", str(fixture_home), *args, "RETURN 1"]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert main(["query", "--home", str(fixture_home), "--param", "p=" + "[" * 5000 + "]" * 5000, "RETURN $p"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "nested more than" in err
    secret = "MATCH (t:Tool) WITH t LIMIT 1LOAD FROM '/etc/passwd' (file_format='csv', delim=':') RETURN *"
    assert main(["query", "--home", str(fixture_home), secret]) == 2
    assert capsys.readouterr().err.startswith("query: refused: ")
