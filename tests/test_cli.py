"""Every command has help; the main commands work end to end through the console script's main()."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from graph.cli import build_parser, main


def commands() -> list[str]:
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


def test_core_commands_exist():
    assert {"validate", "build", "stats", "query", "schema"} <= set(commands())


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as e:
        main([command, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: craftgraph {command}" in out


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "graph.cli", "--help"], capture_output=True, text=True, check=True)
    assert "build" in out.stdout


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


def test_stats_without_snapshot_is_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(tmp_path / "empty"))
    assert main(["stats"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "craftgraph build" in err


def test_bad_cypher_is_one_clear_message(fixture_home, capsys):
    assert main(["query", "MATCH (n RETURN n", "--home", str(fixture_home)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("query: ") and "Traceback" not in err
