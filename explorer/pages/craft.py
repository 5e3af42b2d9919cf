"""Craft: how exposed one craft is, why (tasks and capabilities), through which tools, held back by which
limitations, by when (forecast path), its occupations and sources, and a downloadable brief."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from explorer import charts, lookup, nav, scores, ui
from explorer.brief import brief_html, brief_markdown, svg_exposure_chart
from explorer.cache import Build
from explorer.craft_brief import craft_brief, department
from explorer.formatting import pct
from explorer.scenario import SCENARIO_NAMES, THRESHOLDS, spec
from explorer.ui import chart, pct_columns, sources_table, table
from explorer.widgets import choice, pick, year_and_scenario

TABS = [
    "Over time",
    "Why: tasks and capabilities",
    "Tools",
    "Limitations",
    "Forecast path",
    "Occupations",
    "Jobs and wages",
    "Sources",
    "Brief",
]


@dataclass
class View:
    """What every tab shows: one craft, in a year, under a preset scenario."""

    b: Build
    craft_id: str
    name: str
    year: int
    scenario: str
    series: pd.DataFrame  # every scenario, every year

    @property
    def key(self) -> tuple:
        return (self.craft_id, self.year, self.scenario)

    @property
    def suffix(self) -> str:
        return f"{self.craft_id}-{self.year}-{self.scenario}"

    def explanation(self) -> dict[str, pd.DataFrame]:
        return scores.explanation(self.b, self.craft_id, self.year, spec(self.scenario))


def over_time(v: View) -> None:
    # the title does not name the craft (the header does): every craft's chart then has the same spec, and a
    # craft change swaps the drawn chart's data (ui.stable_data)
    chart(v.b, charts.exposure_over_time, v.series, "Exposure by scenario", key=(v.craft_id,))
    # run (and sent to the browser) only when opened: a craft change redraws one chart, not three elements
    more = st.expander("Automation and augmentation, and the numbers", key="craft-more", on_change="rerun")
    if more.open:
        with more:
            cur = v.series[v.series["scenario"] == v.scenario]
            title = f"Automation and augmentation ({v.scenario})"
            chart(v.b, charts.automation_augmentation, cur, title, key=(v.craft_id, v.scenario))
            table(v.series, f"exposure-{v.craft_id}", column_config=pct_columns(v.series))


def why(v: View) -> None:
    ex = v.explanation()
    now = v.series[(v.series["scenario"] == v.scenario) & (v.series["year"] == v.year)].iloc[0]
    st.markdown(
        f"How the {pct(now['mean'])} mean exposure in {v.year} splits across the craft's tasks and the AI "
        "capabilities that reach them (shares add up to the total)."
    )
    bt = ex["by_task"]
    if len(bt):
        chart(
            v.b,
            charts.contributions,
            bt.assign(value=bt["contribution"]),
            "task",
            "contribution to exposure",
            key=v.key,
        )
    table(bt, f"tasks-{v.suffix}", column_config=pct_columns(bt))
    bc = ex["by_capability"]
    st.markdown("**Capabilities**")
    table(bc, f"capabilities-{v.suffix}", column_config=pct_columns(bc))
    cap_names = dict(zip(bc["capability"], bc["name"], strict=True))
    cols = st.columns(2)
    for i, cap in enumerate(bc["capability"].head(8)):
        nav.link("capability", f"Capability: {cap_names[cap]}", cols[i % 2], capability=cap)
    st.markdown("**Every capability → task link**")
    table(ex["links"], f"links-{v.suffix}", column_config=pct_columns(ex["links"]))


def tools(v: View) -> None:
    bto = v.explanation()["by_tool"]
    st.caption("A capability's contribution is split equally among the catalog's tools that provide it.")
    if len(bto):
        chart(v.b, charts.contributions, bto.assign(value=bto["contribution"]), "name", "contribution", key=v.key)
    table(bto, f"tools-{v.suffix}", column_config=pct_columns(bto))
    tool_names = dict(zip(bto["tool"], bto["name"], strict=True))
    cols = st.columns(2)
    for i, t in enumerate(t for t in bto["tool"].head(8) if t.startswith("tool:")):
        nav.link("tool", f"Tool: {tool_names[t]}", cols[i % 2], tool=t)


def limitations(v: View) -> None:
    ex = v.explanation()
    bl, tot = ex["by_limitation"], ex["total"].iloc[0]
    st.markdown(
        f"Without its limitations this craft would be **{pct(tot['without_limitations'])}** exposed in "
        f"{v.year}: they hold back **{pct(tot['held_back'])}** points."
    )
    if len(bl):
        chart(v.b, charts.contributions, bl.assign(value=bl["held_back"]), "name", "exposure held back", key=v.key)
    table(bl, f"limitations-{v.suffix}", column_config=pct_columns(bl))
    nav.link(
        "scenarios",
        "What if these limitations were lifted? Open the scenario builder",
        craft=v.craft_id,
        base=v.scenario,
        year=v.year,
        remove=bl["limitation"].iloc[0] if len(bl) else None,
    )


def forecast(v: View) -> None:
    auto = scores.crossing_threshold(v.b, v.craft_id, spec(v.scenario), THRESHOLDS)
    th = choice(
        "Threshold", list(THRESHOLDS), "threshold", auto, kind="segmented", fmt=lambda x: f"{100 * x:.0f}% of a task"
    )
    st.caption(f"Opens on {100 * auto:.0f}%: the highest threshold at which some link crosses by 2036.")
    fc = scores.forecast_path(v.b, v.craft_id, spec(v.scenario), float(th))
    st.caption(
        f"Each row is a capability → task link, in the order in which the share of the task the "
        f"capability can do crosses {100 * th:.0f}% ({v.scenario} scenario; median date and 80% band; "
        "'after 2035' when fewer than half the draws cross it by then)."
    )
    if len(fc):
        chart(v.b, charts.timeline, fc, "Forecast path", key=(v.craft_id, v.scenario, th))
    name = f"forecast-{v.craft_id}-{v.scenario}-{int(100 * th)}"
    table(fc.drop(columns=["label"], errors="ignore"), name, column_config=pct_columns(fc))


def occupations(b: Build, craft_id: str) -> None:
    occ = lookup.occupations_frame(b, craft_id)
    if not len(occ):
        st.caption("No O*NET-SOC occupation recorded for this craft.")
        return
    table(occ, f"occupations-{craft_id}", column_config=pct_columns(occ))
    for o in occ.itertuples(index=False):
        nav.link("occupation", f"Occupation: {getattr(o, 'title', o.occupation)}", occupation=o.occupation)


def jobs_and_wages(v: View) -> None:
    from explorer import jobs_view

    hc = jobs_view.headcounts(v.b)
    rows = hc[hc["craft_id"] == v.craft_id] if len(hc) else hc
    if not len(rows):
        st.caption("No BLS OEWS industry estimate for this craft's occupations (or a catalog-only build).")
        return
    st.caption(jobs_view.FLOOR)
    cols = ["area", "headcount", "headcount_low", "headcount_high", "wage_p10", "median_wage", "wage_p90"]
    shown = rows[cols].rename(columns=lambda c: c.replace("_", " ").capitalize())
    table(shown, f"jobs-{v.craft_id}")
    st.caption(str(rows.iloc[0]["rests_on"]))
    ind = jobs_view.craft_industries(v.b, v.craft_id)
    if len(ind):
        st.markdown(
            "**Industries it works in** (curated; main counts in every reading, also in the point and high, "
            "possible in the high only)"
        )
        table(ind, f"industries-{v.craft_id}")
    else:
        st.caption("No curated industries: the default media set is used (see the line above).")
    nav.link("jobs", "Jobs and places: all crafts, jobs exposed by year, the film-production trend")


def sources(v: View) -> None:
    st.caption("Every source behind the links, tools, limitations and maturity evidence of this craft's score.")
    srcs = lookup.craft_sources(lookup.node(v.b, v.craft_id), v.explanation())
    sources_table(v.b, srcs, f"sources-{v.craft_id}", key="dl-craft-sources")


def brief(v: View) -> None:
    st.markdown(
        f"A brief on **{v.name}** for {v.year} under the *{v.scenario}* scenario: the exposure chart, the "
        "forecast path, the top tasks, tools and limitations, and every source cited."
    )

    def data():
        return craft_brief(v.b, v.craft_id, v.year, v.scenario)

    base = f"craftgraph-brief-{v.craft_id.split(':', 1)[-1]}-{v.year}-{v.scenario}"
    c1, c2, c3 = st.columns(3)
    # the files are generated when the button is clicked (callable data), not on every rerun
    c1.download_button(
        "Brief (HTML)",
        lambda: brief_html(data()),
        f"{base}.html",
        "text/html",
        key="dl-brief-html",
        on_click="ignore",
        icon=":material/description:",
        type="primary",
    )
    c2.download_button(
        "Brief (Markdown)",
        lambda: brief_markdown(data()),
        f"{base}.md",
        "text/markdown",
        key="dl-brief-md",
        on_click="ignore",
        icon=":material/article:",
    )
    c3.download_button(
        "Chart (SVG)",
        lambda: svg_exposure_chart(v.series, f"{v.name}: exposure by scenario"),
        f"{base}.svg",
        "image/svg+xml",
        key="dl-brief-svg",
        on_click="ignore",
        icon=":material/show_chart:",
    )
    preview = st.expander("Preview", key="brief-preview", on_change="rerun")
    if preview.open:
        with preview:
            st.markdown(brief_markdown(data(), embed_chart=False))


SHOW = {
    "Over time": over_time,
    "Why: tasks and capabilities": why,
    "Tools": tools,
    "Limitations": limitations,
    "Forecast path": forecast,
    "Occupations": lambda v: occupations(v.b, v.craft_id),
    "Jobs and wages": jobs_and_wages,
    "Sources": sources,
    "Brief": brief,
}


def unscored(b: Build, craft_id: str, row) -> None:
    ui.not_assessed(row, "craft")
    occupations(b, craft_id)
    sources_table(b, [lookup.node(b, craft_id).get("source_ids")], f"sources-{craft_id}", key="dl-craft-sources")


def main() -> None:
    b = ui.page("Craft", "How exposed one craft is, why, through which tools, held back by what, and by when.")
    if b is not None:
        craft_view(b)


@st.fragment
def craft_view(b: Build) -> None:
    """Everything below the title. A fragment: changing the craft, year, scenario or tab reruns this
    only, not the app shell (navigation, banner, the build's check), and leaves the sidebar as it is."""
    crafts = lookup.names(b, "Craft")
    top = st.columns([3, 3, 2])
    craft_id = pick("Craft", crafts, "craft", container=top[0], show_id=False)
    if craft_id is None:
        return
    year, scenario = year_and_scenario(b, (top[1], top[2]))
    dept = department(b, craft_id)
    st.header(crafts[craft_id])
    st.caption(" · ".join(x for x in (f"`{craft_id}`", f"department: {dept}" if dept else "") if x))
    description = lookup.node(b, craft_id).get("description")
    if isinstance(description, str):
        st.write(description)
    series = scores.entity_series(b, craft_id, tuple(spec(s) for s in SCENARIO_NAMES))
    now = series[(series["scenario"] == scenario) & (series["year"] == year)]
    if not len(now) or pd.isna(now.iloc[0]["median"]):
        unscored(b, craft_id, now.iloc[0] if len(now) else {})
        return
    ui.exposure_metrics(now.iloc[0], year, series)
    # Only the open tab runs (its label is in the URL as ?tab=, so a tab can be linked).
    tabs = dict(zip(TABS, st.tabs(TABS, key="tab", bind="query-params"), strict=True))
    open_tab = next((label for label, t in tabs.items() if t.open), TABS[0])
    with tabs[open_tab]:
        SHOW[open_tab](View(b, craft_id, crafts[craft_id], year, scenario, series))


main()
