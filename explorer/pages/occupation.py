"""Occupation: an O*NET-SOC occupation's exposure, the crafts classified under it, why, its sources, and the
published exposure indices next to CraftGraph's score."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import charts, literature, lookup, nav, scores, ui
from explorer.cache import Build
from explorer.formatting import pct
from explorer.scenario import SCENARIO_NAMES, spec
from explorer.ui import chart, pct_columns, sources_table, table
from explorer.widgets import bound, pick, year_and_scenario

TABS = ["Over time", "Published indices", "Why", "Sources"]
SIDE_BY_SIDE = [
    "study_name",
    "measure",
    "score",
    "percentile_study",
    "craftgraph",
    "percentile_craftgraph",
    "level",
    "study",
    "year",
    "scenario",
]


def facts_line(node: dict) -> str:
    facts = {
        "SOC": node.get("soc_code"),
        "Employment (BLS OEWS)": node.get("employment"),
        "Median wage (USD)": node.get("median_wage"),
        "Job zone": node.get("job_zone"),
    }
    return " · ".join(
        f"{k}: {v:,.0f}" if isinstance(v, float) else f"{k}: {v}" for k, v in facts.items() if v is not None and v == v
    )


def crafts_here(b: Build, occ_id: str, year: int, scenario: str) -> None:
    ca = lookup.edges(b, "CLASSIFIED_AS", ("src", "dst", "share"))
    ca = ca[ca["dst"] == occ_id]
    if not len(ca):
        return
    cn = lookup.names(b, "Craft")
    st.markdown("**Crafts classified under this occupation** (share of the craft's workers)")
    cols = st.columns(3)
    for i, (c, share) in enumerate(zip(ca["src"], ca["share"], strict=True)):
        nav.link("craft", f"{cn.get(c, c)} ({pct(share)})", cols[i % 3], craft=c, year=year, scenario=scenario)


def why(b: Build, occ_id: str, year: int, scenario: str) -> None:
    ex = scores.explanation(b, occ_id, year, spec(scenario))
    for heading, frame, name in (
        ("Tasks", "by_task", "tasks"),
        ("Capabilities", "by_capability", "capabilities"),
        ("Tools", "by_tool", "tools"),
        ("Limitations holding it back", "by_limitation", "limitations"),
    ):
        st.markdown(f"**{heading}**")
        table(ex[frame], f"{name}-{occ_id}-{year}", column_config=pct_columns(ex[frame]))


def sources(b: Build, occ_id: str, year: int, scenario: str, scored: bool) -> None:
    ids = [lookup.node(b, occ_id).get("source_ids")]
    if scored:
        ex = scores.explanation(b, occ_id, year, spec(scenario))
        ids += [*lookup.sources_of(ex["links"], "sources"), *lookup.sources_of(ex["by_limitation"], "sources")]
    sources_table(b, ids, f"sources-{occ_id}", key="dl-occ-sources")


def published_indices(b: Build, occ_id: str, year: int, scenario: str) -> None:
    lit = literature.literature_for(b, occ_id, year, scenario)
    if lit is None:
        st.caption(
            "No published study rates this occupation in this build. Build with the public sources "
            "(`craftgraph build --sources DIR`) to compare with Eloundou et al., Felten et al. and the "
            "Anthropic Economic Index."
        )
        return
    st.caption(
        "Each study's score is in its own units; the percentiles place this occupation among all the "
        "occupations the study (or CraftGraph) scores."
    )
    view = lit[SIDE_BY_SIDE]
    pcts = ("craftgraph", "percentile_craftgraph", "percentile_study")
    table(view, f"indices-{occ_id}", column_config=pct_columns(view, pcts))
    compare_every_occupation(b, lit, occ_id, year, scenario)
    corr, dis = literature.compare(b, year, spec(scenario))
    if len(corr):
        st.markdown(
            f"**How CraftGraph's occupation scores agree with each study ({year})**: Spearman rank "
            "correlation over the occupations both score."
        )
        table(corr, f"literature-correlation-{year}-{scenario}")
    if len(dis):
        st.markdown("**Largest disagreements** (findings to explain, not errors to tune away)")
        table(dis, f"literature-disagreements-{year}-{scenario}")


def compare_every_occupation(b: Build, lit: pd.DataFrame, occ_id: str, year: int, scenario: str) -> None:
    measures = sorted({f"{s} | {m}" for s, m in zip(lit["study"], lit["measure"], strict=True)})
    study, measure = bound(st.selectbox, "Compare every occupation on", measures, "measure").split(" | ", 1)
    allscores = literature.study_scores(b)
    sc_ = allscores[(allscores["study"] == study) & (allscores["measure"] == measure)]
    lg = scores.league(b, spec(scenario), year, "Occupation").dropna(subset=["median"])
    both = lg.merge(sc_, left_on="entity_id", right_on="occupation")
    if len(both):
        both = both.assign(this=both["entity_id"] == occ_id)
        chart(
            b,
            charts.scatter_compare,
            both.rename(columns={"median": "craftgraph", "score": "study_score"}),
            "craftgraph",
            "study_score",
            "name",
            f"CraftGraph {year} ({scenario}) against {measure}",
            key=(occ_id, year, scenario, study, measure),
        )


def main() -> None:
    b = ui.page(
        "Occupation",
        "An O*NET-SOC occupation: its exposure, the crafts classified under it, and the published studies beside it.",
    )
    if b is None:
        return
    occs = lookup.names(b, "Occupation", "title")
    if not occs:
        st.info("No occupations in this build.")
        return
    top = st.columns([3, 3, 2])
    occ_id = pick("Occupation", occs, "occupation", container=top[0])
    year, scenario = year_and_scenario(b, (top[1], top[2]))
    node = lookup.node(b, occ_id)
    st.header(occs[occ_id])
    st.caption(facts_line(node))
    if isinstance(node.get("description"), str):
        st.write(node["description"])
    crafts_here(b, occ_id, year, scenario)
    series = scores.entity_series(b, occ_id, tuple(spec(s) for s in SCENARIO_NAMES))
    now = series[(series["scenario"] == scenario) & (series["year"] == year)]
    scored = bool(len(now)) and pd.notna(now.iloc[0]["median"])
    if scored:
        ui.exposure_metrics(now.iloc[0], year, series)
    else:
        ui.not_assessed(now.iloc[0] if len(now) else {}, "occupation")
    tabs = dict(zip(TABS, st.tabs(TABS, key="otab", bind="query-params"), strict=True))
    open_tab = next((label for label, t in tabs.items() if t.open), TABS[0])
    with tabs[open_tab]:
        if open_tab == "Over time" and scored:
            chart(b, charts.exposure_over_time, series, f"{occs[occ_id]}: exposure by scenario", key=(occ_id,))
            table(series, f"exposure-{occ_id}", column_config=pct_columns(series))
        elif open_tab == "Published indices":
            published_indices(b, occ_id, year, scenario)
        elif open_tab == "Why" and scored:
            why(b, occ_id, year, scenario)
        elif open_tab == "Sources":
            sources(b, occ_id, year, scenario, scored)


main()
