"""Packaging: the wheel carries the code, the curated catalog and the queries; a default install runs
`craftgraph build` and `craftgraph query` outside the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
TOP = ("graph", "ingest", "explorer", "cli")


def test_every_code_directory_is_packaged():
    """Each directory of Python code is in [tool.setuptools] packages (a new one must be added there)."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    dirs = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in TOP
        if (ROOT / top).is_dir()
        for p in (ROOT / top).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert dirs - listed == set(), f"add to [tool.setuptools] packages: {sorted(dirs - listed)}"
    gone = {p for p in listed if p.split(".")[0] in TOP and p not in dirs}
    assert gone == set(), f"packages listed but not in the tree: {sorted(gone)}"


def test_optional_parts_are_extras():
    """The default install leaves out the Neo4j driver, the explorer and scikit-learn."""
    deps = " ".join(PYPROJECT["project"]["dependencies"])
    extras = PYPROJECT["project"]["optional-dependencies"]
    for pkg, extra in [("neo4j", "neo4j"), ("streamlit", "app"), ("pyvis", "app"), ("scikit-learn", "suggest")]:
        assert pkg not in deps
        assert any(r.startswith(pkg) for r in extras[extra]), (pkg, extra)


def _run(cmd: list, cwd: Path, env: dict | None = None, timeout: float = 900) -> str:
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, f"{cmd[:3]}… exited {res.returncode}:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res.stdout


@pytest.mark.wheel
def test_wheel_installs_and_builds_outside_the_repository(tmp_path, catalog_home):
    # the repository is not on the path, and no CraftGraph setting is
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith(("CRAFTGRAPH_", "NEO4J_"))}
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)], cwd=ROOT, env=env)
    (wheel,) = wheels.glob("craftgraph-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=env)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path, env=env)

    elsewhere = tmp_path / "elsewhere"  # no data/catalog here
    elsewhere.mkdir()
    home = tmp_path / "home"
    exe = str(venv / "bin" / "craftgraph")
    out = _run([exe, "build", "-q", "--home", str(home)], cwd=elsewhere, env=env)
    expected = json.loads((next((catalog_home / "snapshots").iterdir()) / "manifest.json").read_text())
    assert f"content hash {expected['content_hash']}" in out  # the shipped catalog is the repository's

    query = "MATCH (c:Craft) RETURN count(c) AS crafts"
    rows = json.loads(_run([exe, "query", query, "--format", "json", "--home", str(home)], cwd=elsewhere, env=env))
    assert rows == [{"crafts": expected["counts"]["nodes"]["Craft"]}]
    listed = _run([exe, "cookbook", "--list"], cwd=elsewhere, env=env)  # the queries ship with it
    assert "crafts_without_tools" in listed

    probe = "import importlib.util as u; print([m for m in ('neo4j', 'streamlit', 'sklearn') if u.find_spec(m)])"
    assert _run([str(venv / "bin" / "python"), "-c", probe], cwd=elsewhere, env=env).strip() == "[]"


def test_a_missing_optional_package_names_its_extra(capsys):
    from cli import errors

    assert errors.report("explore", ModuleNotFoundError("no streamlit", name="streamlit.web")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'craftgraph[app]'" in err and err.startswith("explore: ")
    assert errors.report("suggest-links", ModuleNotFoundError("x", name="sklearn")) == 2
    assert "craftgraph[suggest]" in capsys.readouterr().err
    assert errors.report("build", ModuleNotFoundError("x", name="not_an_extra")) is None  # a bug: traceback


def test_without_the_neo4j_driver_the_server_is_unavailable(monkeypatch):
    """`query --neo4j` then answers from the embedded snapshot; `load` fails with the extra to install."""
    from graph.neo4j_store import Neo4jUnavailable, connect

    monkeypatch.setitem(sys.modules, "neo4j", None)  # import neo4j now fails
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    with pytest.raises(Neo4jUnavailable, match=r"pip install 'craftgraph\[neo4j\]'"), connect():
        pass
