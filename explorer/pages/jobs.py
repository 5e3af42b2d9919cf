"""Jobs and places: craft headcounts by area, the jobs each exposure touches by year (with bands), and
the QCEW film-production employment trend with the COVID shutdown and the 2023 strikes marked."""

from __future__ import annotations

import streamlit as st

from explorer import jobs_charts, jobs_view, scores
from explorer.cache import Build
from explorer.scenario import SCENARIO_NAMES, spec
from explorer.ui import chart, page, table
from explorer.widgets import choice

AREAS = {
    "area:us": "United States",
    "area:metro-31080": "Los Angeles",
    "area:metro-35620": "New York",
    "area:metro-12060": "Atlanta",
}
TREND_AREAS = ["United States", "California", "New York", "Georgia", "Los Angeles County"]


def headcount_block(b: Build, area: str) -> None:
    hc = jobs_view.headcounts(b)
    here = hc[hc["area_id"] == area] if len(hc) else hc
    if not len(here) or here["headcount"].isna().all():
        st.caption("No OEWS industry estimates in this build (a catalog-only build, or no public data).")
        return
    c = st.columns(3)
    c[0].metric("Crafts with an estimate", f"{int(here['headcount'].notna().sum())}")
    c[1].metric("Payroll jobs, all crafts", f"{here['headcount'].sum():,.0f}")
    c[2].metric("Range", f"{here['headcount_low'].sum():,.0f}–{here['headcount_high'].sum():,.0f}")
    st.caption(jobs_view.FLOOR)


def exposed_block(b: Build, area: str, scenario: str) -> None:
    from graph import jobs

    ex = scores.summary(b, spec(scenario))
    je = b.memo(("jobs_exposed", area, scenario), lambda: jobs.jobs_exposed(ex, b.graph, area))
    if not len(je):
        st.caption("No headcounts, so no jobs-exposed figures in this build.")
        return
    title = f"Jobs exposed, all crafts, {AREAS[area]} ({scenario} scenario)"
    chart(b, jobs_charts.jobs_exposed, je, title, key=(area, scenario))
    st.caption(
        "Jobs exposed = each craft's payroll headcount × its median exposure, summed; the band is low headcount "
        "× low exposure to high headcount × high exposure. 'Workers above X%' counts the headcount of crafts "
        "whose median exposure is at or above X%."
    )
    table(je, f"jobs-exposed-{area.split(':')[1]}-{scenario}")


def trend_block(b: Build) -> None:
    wide = jobs_view.trend(b)
    if not len(wide):
        st.caption("No QCEW data in this build (a catalog-only build, or no public data).")
        return
    areas = [a for a in TREND_AREAS if a in wide.columns and wide[a].notna().any()]
    chart(b, jobs_charts.qcew_trend, wide, areas, "Film and video production payroll jobs (QCEW, NAICS 512110)", key=())
    st.caption(
        "BLS QCEW, private employers, mean of the quarter's three months; UI-covered payroll jobs only (no "
        "self-employed, no loan-outs). Shaded: the COVID production shutdown (2020 Q2–Q4) and the 2023 WGA and "
        "SAG-AFTRA strikes (2023 Q2–Q4). Log scale, so the nation and a county share one axis."
    )
    table(wide, "qcew-512110-trend")


def main() -> None:
    b = page(
        "Jobs and places",
        "How many payroll jobs the crafts have, how many of them each year's exposure touches, and "
        "film-production employment since 2010.",
    )
    if b is None:
        return
    top = st.columns([3, 2])
    area = choice("Area", list(AREAS), "area", "area:us", container=top[0], fmt=lambda a: AREAS[a])
    scenario = choice("Scenario", list(SCENARIO_NAMES), "scenario", "expected", container=top[1], kind="segmented")
    st.subheader("Headcounts")
    headcount_block(b, str(area))
    st.subheader("Jobs exposed by year")
    exposed_block(b, str(area), str(scenario))
    st.subheader("Film and video production employment, 2010–2025")
    trend_block(b)


main()
