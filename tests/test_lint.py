"""The code stays clean: ruff (lint and format), the import layers (import-linter) and types (mypy)."""

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ruff")
    if not found:
        pytest.fail("ruff is not installed (it is in the test extra)")
    return [found]


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff(args):
    res = subprocess.run([*ruff(), *args], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]


def tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (it is in the dev extra)")
    return found


def lint_imports(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [tool("lint-imports"), "--no-cache", *args], cwd=root, env=env, capture_output=True, text=True
    )


def test_import_layers():
    """The layer contract in pyproject.toml ([tool.importlinter]) holds."""
    res = lint_imports(ROOT)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]


def test_import_layers_catch_a_core_module_importing_the_sources(tmp_path):
    """The same contract, on a tree where a core module imports ingest/, fails and names the import."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    for contract in config["contracts"]:
        contract.pop("ignore_imports", None)  # they name modules of the real tree
    lines = [f"root_packages = {json.dumps(config['root_packages'])}"]
    for contract in config["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in contract.items()]
    (tmp_path / "pyproject.toml").write_text("[tool.importlinter]\n" + "\n".join(lines) + "\n")
    for pkg in config["root_packages"]:
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "ingest" / "reader.py").write_text("from graph import tables\n")
    (tmp_path / "graph" / "tables.py").write_text("")
    (tmp_path / "graph" / "scores.py").write_text("def f():\n    from ingest import reader\n")
    res = lint_imports(tmp_path)
    assert res.returncode == 1, res.stdout[-4000:]
    assert "graph.scores -> ingest.reader" in res.stdout


def test_types():
    """mypy on the core and the CLI, as configured in pyproject.toml ([tool.mypy])."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([tool("mypy")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
