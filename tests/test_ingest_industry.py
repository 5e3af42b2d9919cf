"""BLS OEWS industry-specific/metro estimates and QCEW 512110: footnotes, suppressed and top-coded values,
both QCEW header layouts, bad files (truncated, renamed column, unknown footnote), and on the full data
the counts and the industry sub-totals reconciled with their parents."""

from __future__ import annotations

import csv
import importlib
import io
import sys
from pathlib import Path

import pandas as pd
import pytest

from ingest import oews_industry, qcew, registry
from ingest.base import Context, shared_data_dir

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "public"))
mkroot = importlib.import_module("mkroot")

FULL = shared_data_dir()
NAT = oews_industry.NATIONAL
QCEW_2015 = f"{qcew.DIR}/qcew_2015_q1-q4_naics512110.csv"


@pytest.fixture
def root(tmp_path) -> Path:
    return mkroot.make_root(tmp_path / "pub")


def _read(mod, root: Path):
    problems: list = []
    t, entry = mod.read(Context(root, problems, catalog=mkroot.CATALOG))
    return t, entry, problems


def _est(t, eid: str) -> dict:
    df = t.nodes["JobsEstimate"]
    return df[df["id"] == eid].iloc[0].to_dict()


def test_oews_footnotes_suppressed_topcoded(root):
    t, entry, problems = _read(oews_industry, root)
    assert problems == []
    supp = _est(t, "oews:2025.us.512100.27-4011")
    assert supp["employment"] is None and supp["suppressed"] == ["EMP_PRSE", "TOT_EMP"]
    assert supp["median_wage"] > 0  # only employment was withheld
    top = _est(t, "oews:2025.us.512100.27-2012")
    assert top["wage_p90"] is None and top["top_coded"] == ["A_PCT90", "H_PCT90"] and top["wage_p75"] > 0
    nowage = _est(t, "oews:2025.us.512100.27-4015")
    assert nowage["employment"] == 120 and nowage["median_wage"] is None and "A_MEDIAN" in nowage["suppressed"]
    hourly = _est(t, "oews:2025.us.512200.27-4011")
    assert (
        hourly["median_wage"] is None and hourly["median_hourly_wage"] == 27 and "A_MEDIAN" in hourly["wage_basis_only"]
    )
    assert entry["naics_version"] == "2022"
    assert entry["totals"]["rows with suppressed values"] == 2


def test_oews_industries_areas_and_occupations(root):
    t, _, _ = _read(oews_industry, root)
    ind = t.nodes["Industry"].set_index("id")
    assert ind.loc["naics:512100", "parent_code"] == "512000" and ind.loc["naics:512000", "parent_code"] is None
    within = set(zip(t.edges["WITHIN"]["src"], t.edges["WITHIN"]["dst"], strict=True))
    assert within == {("naics:512100", "naics:512000"), ("naics:512200", "naics:512000")}
    areas = t.nodes["Area"].set_index("id")["kind"].to_dict()
    assert areas == {"area:us": "nation", "area:metro-31080": "metro", "area:metro-35620": "metro"}
    of = t.edges["ESTIMATE_OF"]
    assert set(of[of["src"] == "oews:2025.us.512100.27-2012"]["dst"]) == {"onet:27-2012.00", "onet:27-2012.03"}
    # metro rows are all-industry: no FOR_INDUSTRY edge
    assert not t.edges["FOR_INDUSTRY"]["src"].str.contains("metro").any()


def test_oews_subtotals_add_up_in_fixture(root):
    t, _, _ = _read(oews_industry, root)
    assert reconcile(t.nodes["Industry"], t.nodes["JobsEstimate"]) == (["512000"], [])


def test_qcew_both_layouts_and_withheld_rows(root):
    t, entry, problems = _read(qcew, root)
    assert problems == []
    assert set(entry["layouts"].values()) == {"2010-2015 (_pct)", "2016 on (_pct_chg)"}
    rec = t.nodes["QcewRecord"].set_index("id")
    assert rec.loc["qcew:512110.us.own5.2015q1", "employment"] == pytest.approx(1001.0)
    assert rec.loc["qcew:512110.metro-31080.own5.2016q4", "employment"] == pytest.approx(308.0)
    assert not any("06075" in i for i in rec.index)  # withheld (N): counted, no node (its zeros are not jobs)
    assert entry["totals"]["rows withheld (disclosure code N)"] == 8
    assert entry["totals"]["rows skipped (area code not a nation, state, metro or county)"] == 8
    within = set(zip(t.edges["WITHIN"]["src"], t.edges["WITHIN"]["dst"], strict=True))
    assert ("area:county-06037", "area:state-06") in within


def test_registry_keeps_shared_places_once(root):
    problems: list = []
    parts, _ = registry.read_all(root, problems, catalog=mkroot.CATALOG, only=["oews_industry", "qcew"])
    assert problems == []
    ids = [i for p in parts for i in p.nodes.get("Area", {"id": []})["id"]]
    assert len(ids) == len(set(ids)) and "area:us" in ids and "area:metro-31080" in ids
    within = {
        (s, d)
        for p in parts
        if "WITHIN" in p.edges
        for s, d in zip(p.edges["WITHIN"]["src"], p.edges["WITHIN"]["dst"], strict=True)
    }
    assert ("naics:512110", "naics:512100") in within


def test_truncated_qcew_file(root):
    path = root / QCEW_2015
    text = path.read_text()
    path.write_text(text[: text.rindex("\n", 0, len(text) - 1) + 40])  # the last record cut short
    _, _, problems = _read(qcew, root)
    assert problems and all(p.file.endswith(QCEW_2015.rsplit("/", 1)[1]) for p in problems)
    assert problems[0].row == 25 and "cells" in problems[0].message


def test_renamed_column(root):
    path = root / NAT
    path.write_text(path.read_text().replace(",A_MEDIAN,", ",A_MEDIAN_WAGE,", 1))
    _, _, problems = _read(oews_industry, root)
    assert [(p.field, p.row) for p in problems] == [("A_MEDIAN", 1)]
    assert "'A_MEDIAN_WAGE' instead (renamed?)" in problems[0].message


def test_bad_footnote_and_unexplained_dash(root):
    path = root / NAT
    lines = path.read_text().splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0] + ",TOT_EMP:9"
    lines[3] = lines[3].replace(",300,", ",-,", 1)
    path.write_text("\n".join(lines) + "\n")
    _, _, problems = _read(oews_industry, root)
    got = {(p.row, p.field) for p in problems}
    assert got == {(3, "FOOTNOTES"), (4, "TOT_EMP")}, problems


def test_qcew_bad_figure_and_year_named_by_row(root):
    """A figure that is not a number and a row of another year: each reported with its line and field
    (the row-by-row path); the rest of the file still makes its records."""
    path = root / QCEW_2015
    rows = list(csv.reader(io.StringIO(path.read_text(), newline="")))
    rows[2][5] = "2014"  # line 3: a row of 2014 in the file of 2015
    i = next(i for i, r in enumerate(rows[3:], start=3) if r[7] == "" and r[0] in ("US000", "06000"))
    rows[i][14] = "12x"  # month1_emplvl
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue())
    t, _, problems = _read(qcew, root)
    assert [(p.row, p.field) for p in problems] == [(3, "year"), (i + 1, "month1_emplvl")], problems
    assert "expected a number, got '12x'" in problems[1].message and "2014 in the file of 2015" in problems[0].message
    assert len(t.nodes["QcewRecord"]) > 0


def test_qcew_row_paths_agree(root, monkeypatch):
    """The column-wise path makes the same records, areas and counts as the row-by-row one."""
    fast_t, fast_entry, _ = _read(qcew, root)
    monkeypatch.setattr(qcew, "_fast_rows", lambda *a: False)
    slow_t, slow_entry, _ = _read(qcew, root)
    assert fast_entry["totals"] == slow_entry["totals"]
    for kind in ("nodes", "edges"):
        fast, slow = getattr(fast_t, kind), getattr(slow_t, kind)
        assert list(fast) == list(slow)
        for name in fast:
            pd.testing.assert_frame_equal(fast[name], slow[name], check_exact=True)


def test_qcew_unknown_layout(root):
    path = root / QCEW_2015
    path.write_text(path.read_text().replace('"oty_month1_emplvl_pct"', '"oty_month1_pct"', 1))
    _, _, problems = _read(qcew, root)
    assert [(p.row, p.field) for p in problems] == [(1, "header")] and "unknown QCEW layout" in problems[0].message


def reconcile(industries, estimates) -> tuple[list[str], list[str]]:
    """(parents whose children's all-occupations employment adds up to theirs, parents whose children
    add up to more). BLS rounds each figure to the nearest 10, so a sum of n children may be off by
    5(n+1): "adds up" means within that. Children that add up to less leave some unpublished (512110
    production under 512100, 711120-711190 under 711100): neither list."""
    tot = estimates[(estimates["soc_code"] == "00-0000") & estimates["id"].str.startswith("oews:2025.us.")]
    emp = dict(zip(tot["naics_code"], tot["employment"], strict=True))
    kids: dict[str, list[str]] = {}
    for code, parent in zip(industries["naics_code"], industries["parent_code"], strict=True):
        if parent:
            kids.setdefault(parent, []).append(code)
    complete, over = [], []
    for parent, children in sorted(kids.items()):
        vals = [emp.get(c) for c in children]
        if emp.get(parent) is None or None in vals:
            continue
        diff, tol = sum(vals) - emp[parent], 5 * (len(vals) + 1)  # type: ignore[arg-type]
        if abs(diff) <= tol:
            complete.append(parent)
        elif diff > tol:
            over.append(f"{parent}: {emp[parent]} < {children} = {sum(vals)}")  # type: ignore[arg-type]
    return complete, over


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_oews_industry():
    problems: list = []
    t, entry = oews_industry.read(Context(FULL, problems))
    assert problems == []
    assert sum(entry["rows"].values()) == 3908 + 2289
    assert all(f["pinned"] for f in entry["files"])
    est = t.nodes["JobsEstimate"].set_index("id")
    assert est.loc["oews:2025.us.512100.27-4031", "employment"] == 7580
    assert est.loc["oews:2025.metro-31080.000000.27-2011", "employment"] == 24800
    assert set(t.nodes["Area"]["id"]) == {"area:us", "area:metro-31080", "area:metro-35620", "area:metro-12060"}
    assert len(t.nodes["Industry"]) == 17
    # 512100+512200 = 512000; 516100+516200 = 516000; 516110+516120 = 516100; 711100..711500 vs 711000 off by 10
    assert reconcile(t.nodes["Industry"], t.nodes["JobsEstimate"]) == (["512000", "516000", "516100", "711000"], [])


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_qcew():
    problems: list = []
    t, entry = qcew.read(Context(FULL, problems))
    assert problems == []
    assert entry["version"] == "2010-2025" and all(f["pinned"] for f in entry["files"])
    assert list(entry["layouts"].values()).count("2010-2015 (_pct)") == 6
    rec = t.nodes["QcewRecord"].set_index("id")["employment"]
    # the COVID and 2023 strike drops (SOURCES_industry.md §2)
    assert round(rec["qcew:512110.us.own5.2020q1"]) == 248579 and round(rec["qcew:512110.us.own5.2020q2"]) == 138147
    assert round(rec["qcew:512110.us.own5.2023q3"]) == 173460
    assert round(rec["qcew:512110.county-06037.own5.2016q1"]) == 128505
