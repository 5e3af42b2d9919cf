"""The explorer's pages, run headless with Streamlit's AppTest against a snapshot of the fixture catalog.

Fast (no browser): each page renders without an exception, shows what it should, keeps its view in the
URL query parameters, and offers its tables as CSV. tests/test_browser.py drives the real thing in
Chromium.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # explorer/ lives next to app.py
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from explorer import cache, lookup, neo4j_status, scores  # noqa: E402
from explorer.nav import PAGES  # noqa: E402
from explorer.scenario import SCENARIO_NAMES, spec  # noqa: E402

APP = str(ROOT / "app.py")
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"


@pytest.fixture
def home(fixture_home, monkeypatch) -> Path:
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(fixture_home))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return fixture_home


def open_page(page: str, **params) -> AppTest:
    """Run the app on a page (a key of explorer.nav.PAGES) with these query parameters, as a link would."""
    at = AppTest.from_file(APP, default_timeout=120)
    if PAGES[page].default:
        at.query_params.update(params)
        return at.run()
    at.run()  # AppTest identifies st.navigation's pages after a first run
    assert not at.exception, at.exception
    at.switch_page(PAGES[page].path)
    at.query_params.update(params)
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.header]
    parts += [h.value for h in at.subheader] + [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(map(str, parts))


def downloads(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def qp(at: AppTest, key: str) -> list[str]:
    """A query parameter of the last run, as a list (repeated parameters have several values)."""
    v = at.query_params[key]
    return list(v) if isinstance(v, (list, tuple)) else [v]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


# ------------------------------------------------------------------------------------------ every page


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders(home, page):
    at = ok(open_page(page))
    title = at.title[0].value
    first = {"overview": "Which crafts", "start": "CraftGraph"}.get(page, PAGES[page].title)
    assert title.startswith(first), "the page asked for ran"


def test_every_page_script_is_registered():
    scripts = {p.name for p in (ROOT / "explorer" / "pages").glob("*.py")}
    assert scripts == {p.file for p in PAGES.values()}
    assert len({p.url_path for p in PAGES.values()}) == len(PAGES)


# ------------------------------------------------------------------------------------------ start


def test_start_is_the_default_page():
    assert [k for k, p in PAGES.items() if p.default] == ["start"]


def test_start_page_reads_and_lists_the_most_exposed(home):
    at = ok(open_page("start"))
    t = texts(at)
    assert "Not assessed" in t and "not 0%" in t, "how to read it says what not assessed means"
    links = [p.proto.label for p in at.get("page_link")]
    assert any(lab.startswith("VFX Compositor: ") for lab in links), links
    assert "Most exposed crafts, 2030" in t


@pytest.mark.parametrize(
    ("query", "kind", "page", "target"),
    [
        ("compositor", "Craft", "craft", "craft:compositor"),
        ("video a", "Tool", "tool", "tool:video-a"),
        ("rotoscope", "Capability", "capability", "cap:rotoscope"),
        ("animation guild", "Union local", "local", "local:iatse-839"),
    ],
)
def test_start_search_lands_on_the_right_page(home, query, kind, page, target):
    from explorer import search

    b = cache.current(home)
    hits = [h for h in search.search(b, query) if h.kind == kind]
    assert hits, f"{query!r} finds a {kind}"
    assert hits[0].page == page and (target is None or hits[0].target == target)
    at = ok(open_page("start"))
    at.text_input(key="start-search").input(query).run()
    ok(at)
    links = [p.proto for p in at.get("page_link") if p.proto.label.startswith(f"{kind}: ")]
    assert links, "the match is offered as a link"
    assert links[0].page.endswith(PAGES[page].url_path), (links[0].page, page)
    if target:
        assert f"={target}" in links[0].query_string.replace("%3A", ":"), links[0].query_string


def test_search_finds_occupation_job_titles(home):
    from explorer import search

    b = cache.current(home)
    occ = b.graph.nodes["Occupation"].iloc[0]
    word = str(occ["title"]).split()[0]
    hits = [h for h in search.search(b, word) if h.kind == "Job title"]
    assert occ["id"] in {h.target for h in hits}
    assert not search.search(b, "zzzz-no-such-title")


# ------------------------------------------------------------------------------------------ plain labels


def test_plain_labels():
    from explorer.labels import display, pct_text

    assert (pct_text(0.1431), pct_text(0.0431), pct_text(None), pct_text(float("nan"), "not assessed")) == (
        "14%",
        "4.3%",
        "–",
        "not assessed",
    )
    df = pd.DataFrame(
        {
            "entity_id": ["craft:a", "craft:b"],
            "task": ["task:craft:a:1", "task:craft:b:2"],
            "name": ["A", "B"],
            "median": [0.1643, 0.0431],
            "vendor_claim": [True, None],
        }
    )
    shown, config = display(df)
    assert config["entity_id"] is None and config["task"] is None, "id columns hidden"
    assert config["name"]["label"] == "Name" and config["median"]["label"] == "Exposure (median)"
    assert list(shown["median"].round(2)) == [16.43, 4.31] and config["median"]["type_config"]["format"] == "%.1f%%"
    assert list(shown["vendor_claim"]) == ["Yes", "Unknown"]
    assert list(df["median"]) == [0.1643, 0.0431], "the data (and so the CSV) keeps fractions"
    shown, _ = display(pd.DataFrame({"name": ["A", "B"], "note": [None, "x"], "tags": [["p", "q"], None]}))
    assert list(shown["note"]) == ["–", "x"] and list(shown["tags"]) == ["p; q", "–"], "no 'None' in a text cell"


def test_overview_table_hides_ids_and_shows_percentages(home):
    at = ok(open_page("overview"))
    el = at.dataframe[0]
    league = el.value
    assert league["median"].max() > 1, "shares shown as percentages"
    cfg = {c.get("label") or "" for c in json.loads(el.proto.columns).values()} if el.proto.columns else set()
    assert "Exposure (median)" in cfg
    hidden = [k for k, c in json.loads(el.proto.columns).items() if c.get("hidden")]
    assert "entity_id" in hidden


# ------------------------------------------------------------------------------------------ overview


def test_overview_league_table_and_downloads(home):
    at = ok(open_page("overview"))
    league = at.dataframe[0].value
    assert list(league["name"])[:1] == ["VFX Compositor"], "the most exposed craft comes first"
    assert {"median", "low", "high", "automation", "augmentation"} <= set(league.columns)
    assert (league["low"] <= league["median"]).all() and (league["median"] <= league["high"]).all()
    assert "Download CSV" in downloads(at)
    assert charts(at), "league chart and department heatmap"
    assert qp(at, "scenario") == ["expected"]
    assert "first build" in texts(at) or "What changed" in texts(at)


def test_overview_year_and_scenario_follow_the_url(home):
    slow = ok(open_page("overview", year="2030", scenario="slow")).dataframe[0].value
    fast = ok(open_page("overview", year="2030", scenario="fast")).dataframe[0].value
    s = slow.set_index("entity_id")["median"]["craft:compositor"]
    f = fast.set_index("entity_id")["median"]["craft:compositor"]
    assert f > s, "the fast scenario exposes the compositor more than the slow one by 2030"


def test_overview_changing_the_year_updates_the_url(home):
    at = ok(open_page("overview"))
    at.select_slider(key="w-year").set_value(2031).run()
    ok(at)
    assert qp(at, "year") == ["2031"]
    assert "Craft league table, 2031" in texts(at)


def test_overview_shows_changes_since_the_previous_build(tmp_path, monkeypatch, catalog_copy):
    from graph.pipeline import build

    home = tmp_path / "home"
    build(catalog_copy, home=home)
    crafts = catalog_copy / "crafts.csv"
    crafts.write_text(crafts.read_text() + "craft:grip,Grip,Moves and rigs equipment.,,dept:camera,,src:fx-paper\n")
    build(catalog_copy, home=home)
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(home))
    at = ok(open_page("overview"))
    assert "What changed since the previous build" in texts(at)
    assert "Craft: +1" in texts(at)


# ------------------------------------------------------------------------------------------ craft


def test_craft_page_headline_figures(home):
    at = ok(open_page("craft", craft="craft:compositor", year="2028", scenario="expected"))
    assert at.header[0].value == "VFX Compositor"
    assert metric(at, "Exposure 2028").endswith("%")
    assert metric(at, "80% band")
    assert len(charts(at)) == 1 and not at.dataframe, "a craft change redraws one chart; the rest when opened"
    at.session_state["craft-more"] = True  # open "Automation and augmentation, and the numbers"
    ok(at.run())
    assert len(charts(at)) == 2, "exposure over time and automation vs augmentation"
    series = at.dataframe[0].value
    assert set(series["scenario"]) == {"slow", "expected", "fast"}
    assert "Download CSV" in downloads(at)


@pytest.mark.parametrize(
    "tab", ["Why: tasks and capabilities", "Tools", "Limitations", "Forecast path", "Occupations", "Sources"]
)
def test_craft_page_tabs(home, tab):
    at = ok(open_page("craft", craft="craft:compositor", year="2028", tab=tab))
    assert at.dataframe, f"{tab} shows a table"
    assert "Download CSV" in downloads(at)
    frames = [d.value for d in at.dataframe]
    if tab == "Tools":
        assert "Video A" in set(frames[0]["name"])
    if tab == "Limitations":
        assert {"performer consent rules", "temporal inconsistency"} <= set(frames[0]["name"])
    if tab == "Sources":
        assert {"src:fx-paper", "src:fx-runway"} <= set(frames[0]["id"])
    if tab == "Forecast path":
        assert {"date", "date_low", "date_high", "capability_name", "task"} <= set(frames[0].columns)


def test_craft_jobs_tab_without_public_data(home):
    at = ok(open_page("craft", craft="craft:compositor", tab="Jobs and wages"))
    assert any("No BLS OEWS industry estimate" in c.value for c in at.caption)


def test_craft_brief_downloads(home):
    at = ok(open_page("craft", craft="craft:compositor", tab="Brief"))
    assert {"Brief (HTML)", "Brief (Markdown)", "Chart (SVG)"} <= set(downloads(at))


def test_craft_without_a_score_says_so(home):
    at = ok(open_page("craft", craft="craft:camera-operator"))
    assert at.header[0].value == "Camera Operator"  # no capability reaches its task
    info = " ".join(i.value for i in at.info)
    assert "Not assessed" in info and "not a 0%" in info and "Reason:" in info, info
    assert not at.metric, "no figure for a craft that is not assessed"


def test_craft_selection_goes_to_the_url(home):
    at = ok(open_page("craft"))
    at.selectbox(key="w-craft").select("craft:compositor").run()
    ok(at)
    assert qp(at, "craft") == ["craft:compositor"]
    assert at.header[0].value == "VFX Compositor"


# ------------------------------------------------------------------------------------------ occupation


def test_occupation_page(home):
    at = ok(open_page("occupation", occupation="onet:27-1014.00", year="2028"))
    assert at.header[0].value == "Special Effects Artists and Animators"
    links = [p.proto.label for p in at.get("page_link")]
    assert any(label.startswith("VFX Compositor") for label in links)
    assert charts(at), "exposure over time"
    at = ok(open_page("occupation", occupation="onet:27-1014.00", year="2028", otab="Published indices"))
    assert "No published study rates this occupation" in texts(at)  # the fixture has no public data
    for tab in ("Why", "Sources"):
        at = ok(open_page("occupation", occupation="onet:27-1014.00", year="2028", otab=tab))
        assert at.dataframe and "Download CSV" in downloads(at)


def test_literature_side_by_side(home):
    """With Study-RATES edges the occupation page lists each study's score next to CraftGraph's."""
    from types import SimpleNamespace

    import graph
    from explorer.literature import literature_for

    g = graph.load(home)
    rates = pd.DataFrame(
        [
            dict(
                src="study:x", dst="onet:27-1014.00", src_label="Study", dst_label="Occupation", score=0.8, measure="b"
            ),
            dict(
                src="study:x", dst="onet:27-4031.00", src_label="Study", dst_label="Occupation", score=0.2, measure="b"
            ),
        ]
    )
    # the same graph plus one study, as a build of its own (nothing cached is shared with the real one)
    fake = SimpleNamespace(
        build_id=g.build_id + "-study",
        path=g.path,
        nodes={**g.nodes, "Study": pd.DataFrame([dict(id="study:x", name="Study X")])},
        edges={**g.edges, "RATES": rates},
        manifest=g.manifest,
    )
    lit = literature_for(cache.Build(fake), "onet:27-1014.00", 2028, "expected")
    assert lit is not None
    row = lit.iloc[0]
    assert row["study_name"] == "Study X" and row["score"] == 0.8 and row["percentile_study"] == 1.0
    assert row["craftgraph"] > 0
    assert literature_for(cache.Build(g), "onet:27-1014.00", 2028, "expected") is None  # no study in the fixture


# ------------------------------------------------------------------------------------------ scenarios


def test_scenario_builder_moves_every_craft(home):
    at = ok(open_page("scenarios", year="2027", reach="cap:rotoscope=industry_standard@2025", remove="lim:consent"))
    change = at.dataframe[-1].value.set_index("entity_id")
    assert change.loc["craft:compositor", "change"] > 0.01
    # a craft nothing in this catalog reaches has no score to change (not a 0)
    assert np.isnan(change.loc["craft:camera-operator", "change"])
    assert qp(at, "reach") == ["cap:rotoscope=industry_standard@2025"]
    assert qp(at, "remove") == ["lim:consent"]
    assert charts(at)


def test_scenario_builder_without_overrides_shows_the_base(home):
    at = ok(open_page("scenarios", base="slow"))
    assert "Move a capability or lift a limitation" in texts(at)
    assert at.dataframe


def test_scenario_builder_widgets(home):
    at = ok(open_page("scenarios", year="2028"))
    at.multiselect(key="scn-remove").select("lim:consent").run()
    ok(at)
    assert qp(at, "remove") == ["lim:consent"]
    change = at.dataframe[-1].value.set_index("entity_id")
    assert change.loc["craft:compositor", "change"] > 0
    at.multiselect(key="scn-caps").select("cap:generate-video").run()
    ok(at)
    assert qp(at, "reach")[0].startswith("cap:generate-video=production_used@")


def test_bad_scenario_parameters_are_ignored(home):
    ok(open_page("scenarios", reach="cap:nope=bogus@20x", remove="lim:nope"))


# ------------------------------------------------------------------------------------------ catalog pages


def test_tool_page(home):
    at = ok(open_page("tool", tool="tool:video-a"))
    assert at.header[0].value == "Video A"
    assert "VFX Compositor" in set(at.dataframe[-2].value.get("craft_name", [])) or any(
        "craft_name" in d.value.columns and "VFX Compositor" in set(d.value["craft_name"]) for d in at.dataframe
    )
    assert "Download CSV" in downloads(at)
    evidence = [c.value for c in at.caption if c.value.startswith("Evidence: ")]
    assert evidence and "1 vendor" in evidence[0] and "published 2024-06-17" in evidence[0]


def test_data_page_shows_the_grade_mix_and_claim_dates(home):
    at = ok(open_page("data"))
    assert "Evidence grades and claim dates" in [s.value for s in at.subheader]
    grades = next(d.value for d in at.dataframe if "citations" in d.value.columns or "Citations" in d.value.columns)
    assert len(grades) >= 2
    assert any("Every claim has a known-on date" in c.value for c in at.caption)


def test_capability_page_has_the_maturity_curve(home):
    at = ok(open_page("capability", capability="cap:generate-video"))
    assert at.header[0].value == "generate video from a text prompt"
    assert charts(at), "maturity curve"
    evidence = at.dataframe[0].value
    assert {"ms:genvideo.2022-09", "ms:genvideo.2024-06"} <= set(evidence["item"])
    assert metric(at, "Maturity today").endswith("%")


def test_capability_page_links_to_a_scenario_the_builder_reads(home):
    from urllib.parse import parse_qs

    at = ok(open_page("capability", capability="cap:generate-video"))
    link = next(p.proto for p in at.get("page_link") if p.proto.label.startswith("What if it matured"))
    params = {k: v[0] for k, v in parse_qs(link.query_string).items()}
    assert params["reach"].startswith("cap:generate-video=production_used@")
    at = ok(open_page("scenarios", **params))
    assert at.multiselect(key="scn-caps").value == ["cap:generate-video"]
    assert "Every craft's exposure" in texts(at)


def test_ai_types_page(home):
    at = ok(open_page("ai_types", type="aitype:generative-video"))
    assert any(e.label.startswith("Generative video") for e in at.expander)


# ------------------------------------------------------------------------------------------ graph


def test_graph_page(home):
    at = ok(open_page("graph", node="craft:compositor", depth="2"))
    assert "8 nodes" in texts(at)  # sources, milestones and derived scores are left out by default
    assert at.get("iframe") or at.get("html") or True  # the pyvis view (an iframe)
    assert qp(at, "node") == ["craft:compositor"]


def test_graph_page_opens_on_the_craft_story(home):
    at = ok(open_page("graph", craft="craft:compositor"))
    assert at.segmented_control(key="view").value == "Craft story"
    links = [p.proto.label for p in at.get("page_link")]
    assert any(x.startswith("Capability:") for x in links), links
    assert any(x.startswith("Tool:") for x in links), "the story reaches the tools"
    assert "Showing all of the story" in texts(at)


def test_craft_story_columns_and_caps(home):
    import graph
    from explorer import story
    from explorer.neighbourhood import render

    g = graph.load(home)
    s = story.craft_story(g, "craft:compositor", per_column=12)
    levels = {d["label"]: d["level"] for _, d in s.G.nodes(data=True)}
    assert levels == {"Craft": 0, "Task": 1, "Capability": 2, "Tool": 3, "Limitation": 4}
    assert s.G.has_edge("cap:rotoscope", "task:craft:compositor.roto")
    assert not s.hidden() and s.shown["Task"] == s.total["Task"] == 2
    small = story.craft_story(g, "craft:compositor", per_column=1)
    assert small.shown["Task"] == 1 and small.hidden()["Task"] == 1 and "1 of 2 tasks" in small.summary()
    html = render(s.G, list(s.G.nodes), list(s.G.edges(keys=True)), "craft:compositor", note="n")
    assert '"hierarchical"' in html and "can automate 80% of the task" in html and 'id="legend"' in html
    assert not re.search(r'(?:src|href)="https?://', html), "nothing is loaded from the network"
    empty = story.craft_story(g, "craft:camera-operator")
    assert list(empty.G.nodes) == ["craft:camera-operator"] and empty.unreached_tasks == 1


def test_graph_page_unknown_node(home):
    at = ok(open_page("graph", node="craft:compo"))
    assert "Did you mean" in texts(at)


def test_neighbourhood_cap_and_filters(home):
    import graph
    from explorer.neighbourhood import light_nx, neighbourhood, render
    from graph.schema import NODES, RELS

    G = light_nx(graph.load(home))
    labels = {n.name for n in NODES}
    rels = {r.name for r in RELS}
    nodes, edges, cut = neighbourhood(G, "craft:compositor", 2, labels, rels, 400)
    assert not cut and "cap:rotoscope" in nodes and "src:fx-paper" in nodes
    nodes, edges, cut = neighbourhood(G, "craft:compositor", 2, labels, rels, 3)
    assert cut and len(nodes) == 3
    nodes, _, _ = neighbourhood(G, "craft:compositor", 2, labels - {"Capability"}, rels, 400)
    assert "cap:rotoscope" not in nodes
    html = render(G, nodes, edges, "craft:compositor", {"depth": "2"}, {"Craft": "craft"})
    assert "craft:compositor" in html and "network.on('click'" in html
    assert '"craft:compositor": ["craft", {"craft": "craft:compositor"}]' in html  # double-click opens its page


# ------------------------------------------------------------------------------------------ cypher


def test_cypher_console_runs_a_query(home):
    at = ok(open_page("cypher"))
    at.text_area(key="cypher-text-(write your own)").set_value("MATCH (c:Craft) RETURN c.name AS craft ORDER BY craft")
    at.button(key="cypher-run").click().run()
    ok(at)
    assert list(at.dataframe[0].value["craft"]) == ["Camera Operator", "VFX Compositor"]
    assert "Download CSV" in downloads(at)
    assert qp(at, "run") == ["1"]


def test_cypher_console_link_reruns_the_query(home):
    at = ok(
        open_page("cypher", q="MATCH (t:Tool) WHERE t.name = $n RETURN t.id AS id", params='{"n": "Video A"}', run="1")
    )
    assert list(at.dataframe[0].value["id"]) == ["tool:video-a"]


def test_cypher_console_refuses_writes_and_bad_params(home):
    at = ok(open_page("cypher"))
    at.text_area(key="cypher-text-(write your own)").set_value("CREATE (n:Tool {id: 'tool:x'})")
    at.button(key="cypher-run").click().run()
    assert not at.exception
    assert any("read-only" in e.value or "refused" in e.value for e in at.error)
    at.text_area(key="cypher-params").set_value("[1, 2]")
    at.button(key="cypher-run").click().run()
    assert any("Parameters" in e.value for e in at.error)


def test_cypher_console_example_queries(home):
    from explorer.console import examples, header

    ex = examples()
    assert ex, "graph/queries/*.cypher"
    name = sorted(ex)[0]
    at = ok(open_page("cypher", example=name))
    assert at.selectbox(key="cypher-example").value == name
    assert header(ex[name]) == "" or header(ex[name]) in texts(at)


def test_neo4j_down_is_said_and_the_embedded_store_used(home, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens on the discard port
    neo4j_status.clear()
    try:
        at = ok(open_page("cypher"))
        assert "Neo4j is unavailable" in texts(at)
        assert at.toggle(key="cypher-neo4j-False").proto.disabled
        at.text_area(key="cypher-text-(write your own)").set_value("MATCH (c:Craft) RETURN count(c) AS n")
        at.button(key="cypher-run").click().run()
        ok(at)
        assert at.dataframe[0].value["n"].tolist() == ["2"]
        g = ok(open_page("graph", node="craft:compositor"))
        assert g.toggle(key="graph-neo4j-False").proto.disabled
    finally:
        neo4j_status.clear()


# ------------------------------------------------------------------------------------------ data


def test_data_page_browses_every_table(home):
    at = ok(open_page("data", table="edge:PROVIDES"))
    labels = downloads(at)
    assert "Download manifest (JSON)" in labels and labels.count("Download CSV") >= 3
    shown = [d.value for d in at.dataframe if "since" in d.value.columns]
    assert shown and len(shown[0]) == 3
    md = "\n".join(m.value for m in at.markdown)
    assert "O\\*NET Database by the U.S. Department of Labor" in md, "O*NET's credit, escaped so it is not italics"
    assert "CraftGraph has modified all or some of this information" in md
    assert md.count("Used under the CC BY 4.0 license") == 1, "each licence once"


# ------------------------------------------------------------------------------------------ no snapshot


def test_app_builds_a_snapshot_when_there_is_none(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(tmp_path / "empty-home"))
    monkeypatch.setenv("CRAFTGRAPH_CATALOG", str(FIXTURE_CATALOG))
    at = ok(open_page("overview"))
    assert at.dataframe and "VFX Compositor" in set(at.dataframe[0].value["name"])
    assert (tmp_path / "empty-home" / "current").exists()


def test_a_failed_first_build_is_shown_not_raised(tmp_path, monkeypatch, catalog_copy):
    bad = catalog_copy / "crafts.csv"
    bad.write_text(bad.read_text() + "craft:x,X,,,dept:nope,,src:nope\n")
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(tmp_path / "empty-home"))
    monkeypatch.setenv("CRAFTGRAPH_CATALOG", str(catalog_copy))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert any("problem" in e.value for e in at.error)
    assert at.code and "crafts.csv" in at.code[0].value


# ------------------------------------------------------------------------------------------ plain functions


def test_brief_markdown_and_html(home):
    from explorer.brief import brief_html, brief_markdown, svg_exposure_chart
    from explorer.craft_brief import craft_brief

    b = cache.current(home)
    brief = craft_brief(b, "craft:compositor", 2028, "expected")
    assert brief.department == "Visual Effects" and brief.craft_name == "VFX Compositor"
    series = brief.series
    md = brief_markdown(brief)
    assert md.startswith("# VFX Compositor: AI exposure brief")
    # the fixture snapshot is catalog-only: the brief says so first, in both forms
    assert md.splitlines()[2].startswith("> **Warning.** Catalog-only build:")
    for heading in (
        "## Exposure over time",
        "## Top tools",
        "## Limitations holding it back",
        "## Forecast path",
        "## Sources",
    ):
        assert heading in md
    assert "data:image/svg+xml;base64," in md
    assert "[src:fx-paper]" in md and "[src:fx-runway]" in md and "vendor's own claim" in md
    assert "Evidence: 2 sources (1 secondary, 1 vendor); published 2023 to 2024-06-17." in md
    assert "Video A" in md and "performer consent rules" in md
    html = brief_html(brief)
    assert html.startswith("<!doctype html>") and "<svg" in html and 'href="https://example.org/paper"' in html
    assert '<p class="banner"><strong>Warning.</strong> Catalog-only build:' in html
    ET.fromstring(svg_exposure_chart(series, "t"))  # well-formed SVG
    ET.fromstring(svg_exposure_chart(series.iloc[:0], "empty"))
    # the permitted reach is stated next to the technical reach
    assert "technical reach" in md
    # a craft nothing reaches reads "not assessed" with its reason, never 0 %
    nothing = brief_markdown(craft_brief(b, "craft:camera-operator", 2028, "expected"))
    assert "**not assessed**" in nothing and "no capability in the catalog reaches" in nothing


def test_brief_escapes_html():
    from explorer.brief import BriefData, brief_html, brief_markdown

    b = BriefData(
        craft_id="craft:x",
        craft_name="<script>x</script>",
        year=2028,
        scenario="expected",
        series=pd.DataFrame(columns=["year", "scenario", "median", "low", "high"]),
    )
    html = brief_html(b)
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert 'class="banner"' not in html and "Warning." not in brief_markdown(b)  # no banner on a full build


def test_charts_are_valid_vega_lite(home):
    from explorer import capabilities
    from explorer import charts as C

    b = cache.current(home)
    series = scores.entity_series(b, "craft:compositor", tuple(spec(s) for s in SCENARIO_NAMES))
    lg = scores.league(b, spec(), 2028)
    fc = scores.forecast_path(b, "craft:compositor", spec(), 0.25)
    curve = capabilities.maturity_curve(b, "cap:generate-video", (spec(),))
    ev = capabilities.evidence(b, "cap:generate-video")
    for chart in (
        C.exposure_over_time(series),
        C.automation_augmentation(series[series["scenario"] == "expected"]),
        C.league(lg),
        C.timeline(fc),
        C.maturity(curve, ev),
    ):
        spec_ = chart.to_dict()
        assert spec_["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_snapshot_scores_match_the_engine(home):
    from graph.exposure import api

    b = cache.current(home)
    pre = scores.snapshot_scores(b, "expected")
    if pre is None:
        pytest.skip("this build writes no ExposureScore nodes")
    computed = api.exposure(b.engine(), level="all")
    m = pre.merge(computed, on=["entity_id", "year"], suffixes=("_pre", "_eng"))
    assert len(m) == len(computed)
    assert (m["median_pre"] - m["median_eng"]).abs().max() < 1e-5
    assert (m["name_pre"] == m["name_eng"]).all(), "names, the workforce's included, as the engine gives them"


def test_cache_is_per_build_and_picks_up_a_new_build(tmp_path, catalog_copy):
    from graph.pipeline import build

    home = tmp_path / "home"
    build(catalog_copy, home=home)
    first = cache.current(home)
    assert cache.current(home) is first, "one Build per snapshot, shared"
    names = lookup.names(first, "Craft")
    assert lookup.names(first, "Craft") is names, "derived values are memoized in the build"
    crafts = catalog_copy / "crafts.csv"
    crafts.write_text(crafts.read_text() + "craft:grip,Grip,Moves and rigs equipment.,,dept:camera,,src:fx-paper\n")
    build(catalog_copy, home=home)
    second = cache.current(home)
    assert second is not first and second.id != first.id
    assert "craft:grip" in lookup.names(second, "Craft") and "craft:grip" not in names


def test_explore_command(tmp_path, monkeypatch):
    from cli.main import main

    assert main(["explore", "--help"]) == 0
    home = tmp_path / "home"
    assert main(["explore", "--home", str(home), "--catalog", str(FIXTURE_CATALOG), "--check", "-q"]) == 0
    assert (home / "current").exists()
    assert main(["explore", "--home", str(home), "--check", "-q"]) == 0  # already there: not rebuilt


def test_explore_command_reports_a_bad_catalog(tmp_path, catalog_copy, capsys):
    from cli.main import main

    bad = catalog_copy / "tools.csv"
    bad.write_text(bad.read_text() + "tool:x,X,2024,nonsense,cloud,false,,,,vendor:example,,src:fx-runway\n")
    assert main(["explore", "--home", str(tmp_path / "h"), "--catalog", str(catalog_copy), "--check", "-q"]) == 1
    assert "tools.csv" in capsys.readouterr().err


def test_streamlit_command_line():
    from explorer.launch import APP as app_path
    from explorer.launch import streamlit_command

    cmd = streamlit_command(port=8999, address="127.0.0.1")
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4] == str(app_path)
    assert "--server.port" in cmd and "8999" in cmd and "--browser.gatherUsageStats" in cmd


@pytest.mark.neo4j
def test_cypher_console_and_graph_view_on_neo4j(fixture_home, neo4j_settings, neo4j_store, monkeypatch):
    """With NEO4J_URI reachable, the console and the graph view read from Neo4j."""
    from graph import snapshot
    from graph.neo4j_store import load_snapshot

    load_snapshot(neo4j_store, snapshot.current_dir(fixture_home), force=True)
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(fixture_home))
    for k, v in (
        ("NEO4J_URI", neo4j_settings.uri),
        ("NEO4J_USERNAME", neo4j_settings.username),
        ("NEO4J_PASSWORD", neo4j_settings.password),
        ("NEO4J_DATABASE", neo4j_settings.database),
    ):
        monkeypatch.setenv(k, v)
    neo4j_status.clear()
    try:
        at = ok(open_page("cypher", q="MATCH (c:Craft) RETURN c.name AS craft ORDER BY craft", run="1", store="neo4j"))
        assert "row(s) from Neo4j" in texts(at)
        assert list(at.dataframe[0].value["craft"]) == ["Camera Operator", "VFX Compositor"]
        at = ok(open_page("graph", node="craft:compositor", store="neo4j"))
        assert "Read from Neo4j" in texts(at)
        assert "8 nodes" in texts(at)
    finally:
        neo4j_status.clear()


def test_catalog_only_banner(fixture_home, tmp_path, monkeypatch):
    import json
    import shutil

    from explorer.ui import CATALOG_ONLY
    from graph import snapshot

    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(fixture_home))
    at = ok(open_page("overview"))
    assert [w.value for w in at.warning].count(CATALOG_ONLY) == 1

    full = tmp_path / "home"
    shutil.copytree(fixture_home, full)
    mpath = snapshot.current_dir(full) / "manifest.json"
    manifest = json.loads(mpath.read_text())
    manifest.update(catalog_only=False, public_sources={"onet": {}})
    mpath.write_text(json.dumps(manifest))
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(full))
    at = ok(open_page("overview"))
    assert CATALOG_ONLY not in [w.value for w in at.warning]


# ------------------------------------------------------------------------------------------ glossary, tooltips


@pytest.mark.parametrize(
    "page, params",
    [
        ("overview", {"year": "2030"}),
        ("craft", {"craft": "craft:compositor", "year": "2030"}),
        ("occupation", {"occupation": "onet:27-1014.00", "year": "2030"}),
        ("capability", {"capability": "cap:rotoscope"}),
    ],
)
def test_every_metric_has_a_tooltip(home, page, params):
    at = ok(open_page(page, **params))
    assert at.metric, page
    bare = [m.label for m in at.metric if not m.proto.help]
    assert not bare, f"metrics without a tooltip on {page}: {bare}"


def test_craft_shows_the_scenario_range_beside_the_band(home):
    at = ok(open_page("craft", craft="craft:compositor", year="2030"))
    b = cache.current()
    s = scores.entity_series(b, "craft:compositor", tuple(spec(x) for x in SCENARIO_NAMES))
    m = s[s["year"] == 2030]["median"]
    assert m.max() > m.min(), "the fixture's scenarios differ in 2030"
    want = f"{100 * m.min():.0f}%–{100 * m.max():.0f}%"
    assert metric(at, "Scenario range") == want
    labels_in_order = [x.label for x in at.metric]
    assert labels_in_order.index("Scenario range") == labels_in_order.index("80% band") + 1


def test_overview_league_has_the_scenario_range(home):
    at = ok(open_page("overview", year="2030"))
    league = next(d.value for d in at.dataframe if "range_low" in d.value.columns)
    assert (league["range_low"] <= league["median"] + 1e-9).all() and (
        league["median"] <= league["range_high"] + 1e-9
    ).all()


def test_glossary_page_filters(home):
    at = ok(open_page("glossary", q="gpt4_beta"))
    t = texts(at)
    assert "GPT-4 rating, β" in t and "Technical reach" not in t


def test_local_page_on_a_catalog_only_build(home):
    at = ok(open_page("local", local="local:iatse-839"))
    t = texts(at)
    assert "Crafts it represents" in t and "crafts assessed in" in t
    assert "No area recorded" in t  # the Area nodes come with the public data
    links = [p.proto.label for p in at.get("page_link")]
    assert any(lab.startswith("Craft: VFX Compositor") for lab in links), links


def test_jobs_page_without_public_data_says_so(home):
    t = texts(ok(open_page("jobs")))
    assert "No OEWS industry estimates in this build" in t and "No QCEW data in this build" in t
