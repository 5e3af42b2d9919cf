"""Every command has help; the main commands work end to end through the console script's main()."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from rich.console import Console

from cli import errors, output
from cli.main import app, main


def commands() -> list[str]:
    return list(typer.main.get_command(app).commands)


def test_core_commands_exist():
    expected = {"validate", "build", "stats", "query", "schema", "exposure", "explain", "forecast", "compare", "bands"}
    expected |= {"maturity", "load", "explore", "cookbook", "export", "fetch", "catalog-report", "suggest-links"}
    expected |= {"backtest", "jobs"}
    expected |= {"snapshots", "changes", "sources", "brief"}
    assert set(commands()) == expected


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"Usage: craftgraph {command}" in out
    assert "../shared" not in out and "DESIGN.md" not in out


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "cli", "--help"], capture_output=True, text=True, check=True)
    assert "build" in out.stdout


def test_console_script_entry_point():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["craftgraph"] == "cli.main:main"


def test_usage_mistakes_exit_2(capsys):
    assert main([]) == 2  # no command: the overview, as a usage error
    assert main(["no-such-command"]) == 2
    assert main(["query"]) == 2  # missing CYPHER
    assert main(["cookbook", "--list", "--check"]) == 2
    assert "--check and --list cannot be used together" in capsys.readouterr().err


def test_exclusive_options_name_both(capsys):
    assert main(["schema", "--write", "--check"]) == 2
    assert capsys.readouterr().err.strip() == "schema: --write and --check cannot be used together"


def test_build_stats_query(catalog_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(tmp_path / "home"))
    assert main(["build", "--catalog", str(catalog_copy), "-q"]) == 0
    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["counts"]["nodes"]["Tool"] == 2
    assert len(stats["content_hash"]) == 64

    q = "MATCH (t:Tool)-[:PROVIDES]->(c:Capability) RETURN t.name, c.name ORDER BY t.name, c.name LIMIT 5"
    assert main(["query", q, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"t.name": "Video A", "c.name": "generate video from a text prompt"}
    assert len(rows) == 3

    assert (
        main(["query", "MATCH (t:Tool {id: $id}) RETURN t.name", "--param", "id=tool:video-b", "--format", "csv"]) == 0
    )
    assert capsys.readouterr().out.splitlines() == ["t.name", "Video B"]

    assert main(["query", "CREATE (n:X)"]) == 2
    assert "read-only" in capsys.readouterr().err

    assert main(["query", "RETURN 1", "--param", "no-equals-sign"]) == 1
    assert capsys.readouterr().err.startswith("query: --param needs k=v")


def test_stats_without_snapshot_is_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(tmp_path / "empty"))
    assert main(["stats"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "craftgraph build" in err


def test_bad_cypher_is_one_clear_message(fixture_home, capsys):
    assert main(["query", "RETURN 1 AS one", "--home", str(fixture_home)]) == 0  # (the Cypher database made first:
    capsys.readouterr()  # its one-time notice is not part of the answer to a bad query)
    assert main(["query", "MATCH (n RETURN n", "--home", str(fixture_home)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("query: ") and err.count("\n") == 1 and "Traceback" not in err


def test_a_bug_keeps_its_traceback(monkeypatch):
    """Only known failures become one-line messages; anything else is raised as it is."""
    from cli import options

    def broken(*_a, **_kw):
        raise RuntimeError("a bug")

    monkeypatch.setattr(options, "one_of", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["schema"])


def test_error_table_exit_codes():
    from graph.embedded import QueryError
    from graph.neo4j_store import Neo4jUnavailable
    from graph.snapshot import SnapshotError
    from graph.tables import InputError, Problem

    problem = Problem("tools.csv", 3, "kind", "not one of ...")
    assert errors.report("build", InputError([problem])) == 1
    assert errors.report("query", QueryError("x")) == 2
    assert errors.report("stats", SnapshotError("x")) == 2
    assert errors.report("query", Neo4jUnavailable("x")) == 2
    assert errors.report("load", Neo4jUnavailable("x")) == 1
    assert errors.report("fetch", errors.CommandError("x", exit_code=1)) == 1
    assert errors.report("build", RuntimeError("x")) is None


def test_input_error_lists_problems_then_one_summary(capsys):
    from graph.tables import InputError, Problem

    problems = [Problem("tools.csv", 3, "kind", "bad"), Problem("tools.csv", 4, "id", "duplicate")]
    errors.report("build", InputError(problems))
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == [str(p) for p in problems]
    assert lines[2] == "build: 2 problem(s) found; the previous snapshot is unchanged"


# ------------------------------------------------------------------------------------------ output


def test_plain_table_when_not_a_terminal(capsys):
    output.table(["id", "text"], [["a", "x" * 100], ["bb", None]])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "text"] and set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].endswith("x" * (output.PLAIN_CELL - 3) + "...") and lines[3].rstrip() == "bb"


def test_terminal_table_wraps_to_the_width(monkeypatch, capsys):
    monkeypatch.setattr(output, "stdout", Console(force_terminal=True, width=50, color_system=None))
    output.table(["id", "text"], [["a", "word " * 40], ["b", 1.5]])
    out = capsys.readouterr().out
    assert out and max(len(line) for line in out.splitlines()) <= 50
    assert out.count("word") == 40  # wrapped, not cut


def test_progress_lines_and_quiet(capsys):
    with output.Progress(quiet=False) as progress:
        progress("reading the catalog")
        progress.count("nodes", 5, 5, "Tool")
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("s] reading the catalog") and err[1].endswith("s] nodes 5/5 (Tool)")
    with output.Progress(quiet=True) as progress:
        progress("reading the catalog")
    assert capsys.readouterr().err == ""


def test_cli_reference_is_generated_and_fresh(tmp_path, monkeypatch):
    """docs/cli.md is what `python -m cli.docs` writes; it fails when a command, option or help text changed."""
    from cli import docs

    assert docs.DOC.exists(), "run `python -m cli.docs`"
    assert docs.DOC.read_text() == docs.render(), "docs/cli.md is stale: run `python -m cli.docs`"
    text = docs.render()
    for command in commands():
        assert f"## `craftgraph {command}`" in text
    assert "../shared" not in text
    stale = tmp_path / "cli.md"
    stale.write_text(text.replace("snapshot directory", "an old wording"))
    monkeypatch.setattr(docs, "DOC", stale)
    assert docs.main(["--check"]) == 1
    assert docs.main([]) == 0 and docs.main(["--check"]) == 0


def test_frame_formats(capsys):
    import pandas as pd

    df = pd.DataFrame({"id": ["a", "b"], "tools": [["t1", "t2"], []], "share": [0.12345, float("nan")]})
    output.frame(df, "csv")
    assert capsys.readouterr().out.splitlines() == ["id,tools,share", "a,t1;t2,0.12345", "b,,"]
    output.frame(df, "json")
    assert json.loads(capsys.readouterr().out)[1] == {"id": "b", "tools": [], "share": None}
    output.frame(df, "table", ["id", "share", "missing"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "share"] and lines[2].split() == ["a", "0.123"]


def test_the_command_line_starts_without_the_heavy_libraries():
    """`craftgraph --help` and every command's option parsing load neither pandas, the engine nor a database
    driver (they cost seconds); commands import what they use when they run (graph.defaults holds the
    defaults their options show)."""
    import subprocess
    import sys

    code = (
        "import sys, cli.main; heavy = [m for m in ('pandas', 'numpy', 'scipy', 'ladybug', 'neo4j', 'networkx', "
        "'pyarrow', 'graph.exposure.api') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(("variable", "value"), [("CRAFTGRAPH_WORKERS", "two"), ("CRAFTGRAPH_KEEP_SNAPSHOTS", "0")])
def test_a_bad_setting_is_one_line_naming_it(tmp_path, monkeypatch, capsys, variable, value):
    monkeypatch.setenv(variable, value)
    assert main(["build", "--home", str(tmp_path / "home")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"${variable}={value!r}" in err and "Traceback" not in err
    assert not (tmp_path / "home" / "current").exists()
