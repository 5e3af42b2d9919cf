"""Hostile catalog text stays inert where it leaves CraftGraph: the graph view's tooltips, the HTML and
Markdown briefs, every CSV export and download; and a `javascript:` source URL never passes validation.
The Cypher console's shared link (`?q=...&run=1`) cannot read files either."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from cli.main import main
from graph.pipeline import collect
from graph.safe_text import csv_cell, csv_frame, md_text
from graph.tables import InputError

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"
XSS = "<img src=x onerror=alert(1)> href"
FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\t=1"]


def test_a_javascript_source_url_is_a_problem_naming_file_row_and_field(catalog_copy):
    path = catalog_copy / "sources.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    rows[0]["url"] = "javascript:alert(document.cookie)"
    rows[1]["url"] = "file:///etc/passwd"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue())
    with pytest.raises(InputError) as e:
        collect(catalog_copy, None)
    bad = [p for p in e.value.problems if p.field == "url"]
    assert [(Path(p.file).name, p.row) for p in bad] == [("sources.csv", 2), ("sources.csv", 3)]
    assert "http:// or https://" in str(bad[0]) and "sources.csv:2" in str(bad[0])


def test_csv_cells_that_spreadsheets_would_run_get_an_apostrophe():
    for f in FORMULAS:
        assert csv_cell(f) == "'" + f
    assert [csv_cell(v) for v in ("tool:x", "Video A", -1.5, 3, None)] == ["tool:x", "Video A", -1.5, 3, None]
    df = csv_frame(pd.DataFrame({"name": FORMULAS, "n": range(len(FORMULAS))}))
    assert all(v.startswith("'") for v in df["name"]) and list(df["n"]) == list(range(len(FORMULAS)))


def test_cli_query_csv_is_formula_neutral(fixture_home, capsys):
    rc = main(["query", "--home", str(fixture_home), "--format", "csv", "RETURN '=cmd|x' AS a, '@SUM(1)' AS b, 1 AS c"])
    assert rc == 0
    assert capsys.readouterr().out.splitlines() == ["a,b,c", "'=cmd|x,'@SUM(1),1"]


def test_export_csv_is_formula_neutral(tmp_path, catalog_copy):
    from graph.pipeline import build

    vendors = catalog_copy / "vendors.csv"
    vendors.write_text(vendors.read_text() + 'vendor:evil,=HYPERLINK("http://x"),GB,,src:fx-paper\n')
    home = tmp_path / "home"
    build(catalog_copy, home=home)
    out = tmp_path / "out"
    assert main(["export", "--home", str(home), "--format", "csv", str(out)]) == 0
    text = "\n".join(p.read_text() for p in out.rglob("*.csv"))
    assert "'=HYPERLINK" in text
    assert not any(line.startswith("=") or ",=" in line for line in text.splitlines())


def test_explorer_downloads_are_formula_neutral():
    from explorer.formatting import csv_bytes

    out = csv_bytes(pd.DataFrame({"name": ["=cmd|x", "ok"], "tags": [["@a", "b"], []]})).decode()
    assert out.splitlines() == ["name,tags", "'=cmd|x,'@a;b", "ok,"]


def test_graph_view_tooltips_are_text():
    from explorer.neighbourhood import render

    G = nx.MultiDiGraph()
    G.add_node("tool:x", name=XSS, label="Tool")
    G.add_node("cap:y", name="ok", label="Capability")
    G.add_edge("tool:x", "cap:y", "PROVIDES")
    page = render(G, ["tool:x", "cap:y"], [("tool:x", "cap:y", "PROVIDES")], "tool:x")
    assert "popup.innerHTML" not in page  # pyvis's HTML popup is not used: vis-network shows text
    assert "<img src=x" not in page  # the name only appears JSON-escaped, as data


def _brief(**kw):
    from explorer.brief import BriefData

    sources = pd.DataFrame(
        [
            {
                "id": "src:a",
                "title": XSS,
                "publisher": "[x](javascript:alert(1))",
                "date": "2024",
                "url": "javascript:alert(1)",
            },
            {"id": "src:b", "title": "fine", "publisher": "p", "date": "2024", "url": "https://example.org/b"},
        ]
    )
    tools = pd.DataFrame([{"name": "<script>alert(1)</script>", "share": 0.5, "capabilities": "a | b"}])
    base = dict(
        craft_id="craft:x",
        craft_name="<b onmouseover=alert(1)>Editor</b>",
        description="<iframe src='javascript:alert(1)'></iframe> **bold**",
        year=2028,
        scenario="expected",
        series=pd.DataFrame(columns=["year", "scenario", "median", "low", "high"]),
        sources=sources,
        tools=tools,
    )
    return BriefData(**(base | kw))


def test_html_brief_never_links_javascript():
    from explorer.brief import brief_html

    page = brief_html(_brief())
    assert 'href="javascript' not in page.lower() and "<img src=x" not in page and "<script>alert" not in page
    assert '<a href="https://example.org/b"' in page
    assert "javascript:alert(1)" in page  # shown, as text


def test_markdown_brief_escapes_raw_html_and_links():
    from explorer.brief import brief_markdown

    md = brief_markdown(_brief(), embed_chart=False)
    for raw in ("<img", "<script", "<iframe", "<b ", "](javascript", "<javascript"):
        assert raw not in md, raw
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in md
    assert "<https://example.org/b>" in md
    assert md_text("a|b") in md or "a \\| b" in md


def test_cypher_link_cannot_read_files(fixture_home, monkeypatch, tmp_path):
    """The attack from the report: a shared link that runs `... LIMIT 1LOAD FROM '<file>' ...`."""
    pytest.importorskip("streamlit")
    from tests.test_app import open_page

    secret = tmp_path / "secret.csv"
    secret.write_text("user,password\nneo4j,hunter2\n")
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(fixture_home))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    for q in (
        f"MATCH (t:Tool) WITH t LIMIT 1LOAD FROM '{secret}' (header=true) RETURN *",
        f"LOAD FROM '{secret}' RETURN *",
        "CALL timeout=0",
    ):
        at = open_page("cypher", q=q, run="1")
        assert not at.exception
        shown = " ".join(e.value for e in at.error)
        assert "refused" in shown and "hunter2" not in shown
        assert not at.dataframe
    at = open_page("cypher", q="RETURN $p AS p", params="[" * 5000 + "]" * 5000, run="1")
    assert not at.exception and any("nested more than" in e.value for e in at.error)
