"""The bargaining brief on a small hand-made catalog: covered / partly covered / not covered on cases built
for each branch of the rule (docs/bargaining-brief.md), the dates and jurisdictions that change them, the
gaps table, and the brief's Markdown, HTML and JSON for every craft."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from graph import bargaining as bg
from graph.bargaining import COVERED, NOT_COVERED, PARTLY

FIXTURES = Path(__file__).parent / "fixtures"
ON = date(2026, 6, 1)
COMP = ("task:craft:compositor.comp", "cap:generate-video")  # task-level binding clause
ROTO = ("task:craft:compositor.roto", "cap:rotoscope")  # craft-level consultation only
FRAME = ("task:craft:camera-operator.frame", "cap:track-subject")  # only an expired clause and an EU one


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    from graph.pipeline import build

    root = tmp_path_factory.mktemp("bargaining")
    cat = root / "catalog"
    shutil.copytree(FIXTURES / "catalog", cat)
    for f in (FIXTURES / "bargaining").glob("*.csv"):
        shutil.copy(f, cat / f.name)
    build(cat, home=root / "home")
    return root / "home"


@pytest.fixture(scope="module")
def graph(home):
    from graph.store import load

    return load(home)


def status(b_or_paths, key: tuple[str, str]) -> str:
    paths = b_or_paths.paths if hasattr(b_or_paths, "paths") else b_or_paths
    row = paths[(paths["task_id"] == key[0]) & (paths["capability"] == key[1])]
    assert len(row) == 1, f"path {key} not in the brief"
    return row.iloc[0]["status"]


def test_hand_made_cases_are_covered_partly_or_not(graph):
    comp = bg.craft_brief(graph, "craft:compositor", on=ON)
    cam = bg.craft_brief(graph, "craft:camera-operator", on=ON)
    assert status(comp, COMP) == COVERED
    assert status(comp, ROTO) == PARTLY
    assert status(cam, FRAME) == NOT_COVERED
    row = comp.paths[comp.paths["task_id"] == COMP[0]].iloc[0]
    assert row["covered_by"] == ["clause:fx-agreement.no-displacing-video"]
    # the statute reaches everyone, with a binding rule: partly, on top of the agreement's cover
    assert row["partly_by"] == ["clause:fx-statute.video-consent"]
    roto = comp.paths[comp.paths["task_id"] == ROTO[0]].iloc[0]
    # consultation is weak; the statute's notice is weak and law-wide (nothing); definitions cover nothing
    assert roto["partly_by"] == ["clause:fx-agreement.consult-on-vision"]
    # one evidence line: the grade mix and dates of what the craft and the cited clauses rest on
    assert comp.evidence.startswith("Evidence: ") and "secondary" in comp.evidence
    from explorer.bargaining import brief_dict, brief_markdown

    assert f"## Evidence\n\n{comp.evidence}\n" in brief_markdown(comp)
    assert brief_dict(comp)["evidence"] == comp.evidence


def test_dates_and_jurisdiction_change_the_status(graph):
    # in 2023 the old crew agreement's consent clause was in force for camera operators
    assert status(bg.craft_brief(graph, "craft:camera-operator", on=date(2023, 1, 1)), FRAME) == COVERED
    # the EU regulation counts only when every jurisdiction is asked for (law-wide: partly)
    assert status(bg.craft_brief(graph, "craft:camera-operator", on=ON, where="all"), FRAME) == PARTLY
    # after the crew agreement ends its task-level clause no longer covers: only the statute remains
    assert status(bg.craft_brief(graph, "craft:compositor", on=date(2027, 8, 1)), COMP) == PARTLY


def test_agreement_clause_without_links_takes_its_agreements_crafts(graph):
    infos = {c.id: c for c in bg.clause_infos(graph.nodes, graph.edges)}
    assert infos["clause:fx-agreement.unit-wide-tracking"].crafts == {"craft:compositor"}
    assert infos["clause:fx-performers.video-consent"].crafts == frozenset()  # no crafts in the catalog
    assert infos["clause:fx-statute.video-consent"].crafts == frozenset()  # a law: reaches everyone


def test_capability_types_include_broader_types(graph):
    types = bg.capability_types(graph.edges)
    assert types["cap:rotoscope"] == {"aitype:computer-vision", "aitype:perception", "aitype:ai-system"}
    assert "aitype:generative" in types["cap:generate-video"]


def test_clause_ending_before_the_path_matures_is_listed():
    clauses = [
        bg.ClauseInfo(
            id="clause:a",
            name="A",
            section="1",
            instrument="inst:a",
            instrument_name="Agreement A",
            kind="collective_agreement",
            status="in_force",
            jurisdiction="US",
            effective="2024-01",
            expiry="2027-06",
            requires=("prohibition",),
            crafts=frozenset({"craft:x"}),
        )
    ]
    paths = pd.DataFrame(
        {
            "craft_id": ["craft:x", "craft:x"],
            "task_id": ["task:1", "task:2"],
            "capability": ["cap:a", "cap:a"],
            "t_median": [2027.3, 2027.6],
        }
    )
    out = bg.classify(paths, clauses, {}, date(2026, 1, 1))
    assert list(out["status"]) == [COVERED, COVERED]  # no technology links: any AI
    assert list(out["expires_before"]) == [[], ["clause:a"]]  # June 2027 ends after the first, before the second


def test_comparable_provisions_are_other_unions_binding_clauses(graph):
    comp = bg.craft_brief(graph, "craft:compositor", on=ON)
    ids = set(comp.comparable["clause"])
    assert "clause:fx-performers.video-consent" in ids  # same AI type, another union's agreement
    assert "clause:fx-old.camera-vision" in ids  # an expired agreement still shows what was won
    assert not ids & {"clause:fx-agreement.no-displacing-video", "clause:fx-agreement.unit-wide-tracking"}


def test_gaps_lists_exposed_paths_no_clause_covers(graph):
    g = bg.gaps(graph, on=ON)
    assert sum(g.counts().values()) == len(g.paths)
    assert all(pd.notna(g.paths["t_median"])) and (g.paths["t_median"] < float("inf")).all()
    assert set(g.gaps["status"]) <= {NOT_COVERED}
    assert [(r.task_id, r.capability) for r in g.gaps.itertuples()] == [FRAME]  # roto is exposed but partly covered
    for r in g.paths.to_dict("records"):
        b = bg.craft_brief(graph, r["craft_id"], on=ON)
        assert status(b, (r["task_id"], r["capability"])) == r["status"]


def test_brief_markdown_for_every_craft(home, capsys):
    from cli.main import main

    for craft in ("craft:compositor", "craft:camera-operator"):
        assert main(["brief", "--craft", craft, "--format", "md", "--on", "2026-06-01", "--home", str(home)]) == 0
        md = capsys.readouterr().out
        assert md.startswith("# ") and "bargaining brief" in md
        assert "## Exposed paths and their coverage" in md and "## Gaps: exposed paths no clause covers" in md
        assert "| coverage" in md or "_None in this build._" in md
    main(["brief", "--craft", "craft:compositor", "--format", "json", "--on", "2026-06-01", "--home", str(home)])
    data = json.loads(capsys.readouterr().out)
    by_path = {(p["task_id"], p["capability"]): p["status"] for p in data["paths"]}
    assert by_path[COMP] == COVERED and by_path[ROTO] == PARTLY


def test_brief_markdown_shows_the_statuses(graph):
    from explorer.bargaining import brief_html, brief_markdown

    comp = bg.craft_brief(graph, "craft:compositor", on=ON)
    comp.paths["exposed"] = True  # show every path in the coverage table whatever its date
    md = brief_markdown(comp)
    assert "✔ covered" in md and "◐ partly covered" in md
    assert "Example Crew Agreement 2024: Art. 1" in md  # clauses by plain label, never raw ids
    assert "clause:fx-" not in md
    html = brief_html(comp)
    assert html.startswith("<!doctype html>") and "@media print" in html and "<script" not in html


def test_brief_errors_are_one_line(home, capsys):
    from cli.main import main

    assert main(["brief", "--home", str(home)]) == 2
    assert main(["brief", "--craft", "craft:nope", "--home", str(home)]) == 2
    assert main(["brief", "--craft", "craft:compositor", "--on", "June", "--home", str(home)]) == 2
    err = capsys.readouterr().err
    assert "give --craft" in err and "no craft 'craft:nope'" in err and "YYYY-MM-DD" in err
