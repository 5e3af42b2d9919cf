"""The Contracts and law page and the New roles page, run headless (AppTest) on the hand-made bargaining
catalog (tests/fixtures/bargaining): plain labels, the coverage matrix, the brief and its downloads."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # explorer/ lives next to app.py
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from explorer.nav import PAGES  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def contracts_home(tmp_path_factory) -> Path:
    from graph.pipeline import build

    root = tmp_path_factory.mktemp("contracts-app")
    shutil.copytree(FIXTURES / "catalog", root / "catalog")
    for f in (FIXTURES / "bargaining").glob("*.csv"):
        shutil.copy(f, root / "catalog" / f.name)
    build(root / "catalog", home=root / "home")
    return root / "home"


@pytest.fixture
def home(contracts_home, monkeypatch) -> Path:
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(contracts_home))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return contracts_home


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(PAGES[page].path)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def test_contracts_page_shows_instruments_clauses_matrix_and_brief(home):
    at = open_page("contracts", craft="craft:compositor")
    assert at.title[0].value == "Contracts and law"
    tables = frames(at)
    instruments, clauses, matrix = tables[0], tables[1], tables[2]
    assert "Example Crew Agreement 2024" in set(instruments["name"])
    assert "Consultation on vision tools" in set(clauses["name"])
    # the coverage matrix: crafts × instruments, counts of clauses naming the craft
    row = matrix[matrix["craft"] == "VFX Compositor"].iloc[0]
    assert row["Example Crew Agreement 2024"] == "3" and row["Example Replica Act"].startswith("law-wide")
    text = "\n".join(m.value for m in at.markdown)
    # the brief's headline: roto (partly covered by a consultation clause) is the one exposed path
    assert "0 covered, 1 partly covered, 0 not covered" in text
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Brief (HTML, printable)", "Brief (Markdown)", "Brief (JSON)"} <= set(labels)


def test_roles_page_lists_roles_with_evidence(home):
    at = open_page("roles")
    assert at.title[0].value == "New roles"
    roles = frames(at)[0]
    row = roles[roles["name"] == "AI Compositing Artist"].iloc[0]
    assert row["evidence_date"] == "2024-03" and row["crafts"] == "VFX Compositor"
