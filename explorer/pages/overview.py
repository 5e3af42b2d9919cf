"""Overview: which crafts are most exposed (league table), departments over time, what changed."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from explorer import charts, nav, scores, ui
from explorer.cache import Build
from explorer.formatting import pct
from explorer.scenario import spec
from explorer.ui import chart, download_csv, plain, table
from explorer.widgets import year_and_scenario

LEAGUE_VIEW = [
    "rank",
    "name",
    "department",
    "median",
    "low",
    "high",
    "range_low",
    "range_high",
    "technical_median",
    "automation",
    "augmentation",
    "potential",
    "coverage",
    "coverage_status",
]


def headline(s: pd.DataFrame, lg: pd.DataFrame, year: int) -> None:
    scored = lg.dropna(subset=["median"])
    wf = s[(s["entity_id"] == "workforce:crafts") & (s["year"] == year)]
    c1, c2, c3, c4 = st.columns(4)
    ui.metric(
        c1,
        "Crafts assessed",
        f"{len(scored)} of {len(lg)}",
        help="A craft is assessed (or partly) when some capability in the catalog reaches its tasks; the others "
        "have no score, which is not a 0%.",
    )
    if len(wf):
        r = wf.iloc[0]
        ui.metric(c2, "All crafts (equal weights)", pct(r["median"]), "workforce")
        ui.metric(c3, "80% band", f"{pct(r['low'])}–{pct(r['high'])}", "band")
    if len(scored):
        top = scored.iloc[0]
        ui.metric(c4, "Most exposed", str(top["name"]), "median", delta=pct(top["median"]), delta_color="off")


def league_table(b: Build, lg: pd.DataFrame, year: int, scenario: str, chosen: list[str]) -> None:
    st.subheader(f"Craft league table, {year}, {scenario} scenario")
    scored = lg.dropna(subset=["median"])
    if len(scored):
        shown = min(len(scored), charts.LEAGUE_ROWS)
        st.caption(
            f"Showing all {shown} assessed crafts."
            if shown == len(scored)
            else f"Top {shown} of {len(scored)} assessed crafts; the table below has all."
        )
        chart(b, charts.league, scored, key=(year, scenario, tuple(chosen)))
    view = scored.merge(scores.scenario_range(b, year), on="entity_id", how="left")[[*LEAGUE_VIEW, "entity_id"]]
    st.caption(
        "Median = permitted reach (with legal and contractual terms), with its 80% band; scenarios lowest–highest "
        "= the range of the slow, expected and fast medians; technical = what AI could do without legal and "
        "contractual terms. Coverage = share of the craft's task weight the catalog's capabilities reach. "
        "Hover a column title for its meaning."
    )
    shown, config = plain(view)
    ev = st.dataframe(
        shown,
        hide_index=True,
        column_config=config,
        on_select="rerun",
        selection_mode="single-row",
        key="overview-league",
    )
    download_csv(lg, f"craft-exposure-{year}-{scenario}.csv", "dl-league")
    rows = getattr(getattr(ev, "selection", None), "rows", None) if ev is not None else None
    if rows:
        nav.go("craft", craft=view.iloc[rows[0]]["entity_id"], year=year, scenario=scenario)
    st.caption("Select a row to open the craft.")
    unassessed = lg[lg["median"].isna()]
    if len(unassessed):
        with st.expander(f"Not assessed: {len(unassessed)} crafts (no score, not a zero)"):
            table(unassessed[["name", "department", "coverage_status", "coverage_reason", "entity_id"]], "not-assessed")


def departments(b: Build, s: pd.DataFrame, scenario: str) -> None:
    st.subheader("Departments over time")
    dep = s[(s["label"] == "Department")].dropna(subset=["median"])
    if not len(dep):
        st.info("No department has a score in this build.")
        return
    chart(b, charts.heatmap, dep, "name", f"Median exposure by department ({scenario})", key=(scenario,))
    table(
        dep[["entity_id", "name", "year", "scenario", "median", "low", "high", "automation", "augmentation"]],
        f"department-exposure-{scenario}",
    )


def changes(b: Build) -> None:
    st.subheader("What changed since the previous build")
    m = b.graph.manifest
    diff_path = b.path / "diff.json"
    if not m.get("changes") and not diff_path.exists():
        st.caption("This is the first build in this home: nothing to compare with.")
        return
    st.caption(f"Build {m['build_id']} compared with {m.get('previous_build_id', 'the previous build')}.")
    if m.get("changes"):
        st.markdown("\n".join(f"- {line}" for line in m["changes"]))
    if not diff_path.exists():
        return
    d = json.loads(diff_path.read_text())
    rows = [
        dict(
            kind=kind,
            name=name,
            added=c["added"],
            removed=c["removed"],
            examples_added="; ".join(c.get("examples_added", [])),
            examples_removed="; ".join(c.get("examples_removed", [])),
        )
        for kind in ("nodes", "edges")
        for name, c in d.get(kind, {}).items()
    ]
    if rows:
        table(pd.DataFrame(rows), "changes-since-previous-build")
    if d.get("largest_score_changes"):
        st.markdown("**Largest changes in exposure scores**")
        table(pd.DataFrame(d["largest_score_changes"]), "largest-score-changes")


def main() -> None:
    b = ui.page(
        "Which crafts are most exposed to AI?",
        "Exposure: the importance-weighted share of a craft's tasks that AI capabilities can do, given how "
        "mature each capability is and the limitations holding it back. Median of 1,000 draws, with the "
        "80% band. Pick a craft for the why, the tools, the timeline and the sources.",
    )
    if b is None:
        return
    year, scenario = year_and_scenario(b)
    lg = scores.league(b, spec(scenario), year)
    depts = sorted(x for x in lg["department"].dropna().unique() if x)
    chosen = st.multiselect("Departments", depts, placeholder="All departments", key="overview-depts")
    if chosen:
        lg = lg[lg["department"].isin(chosen)]
    s = scores.summary(b, spec(scenario))
    headline(s, lg, year)
    ui.terms("median", "band", "scenario_range", "technical_median", "coverage", "coverage_status", "potential")
    league_table(b, lg, year, scenario, chosen)
    departments(b, s, scenario)
    changes(b)


main()
