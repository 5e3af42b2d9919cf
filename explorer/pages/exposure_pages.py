"""Exposure pages: Overview (league table, departments, what changed), Craft, Occupation, Scenarios."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from explorer import charts
from explorer import data as D
from explorer.brief import BriefData, brief_html, brief_markdown, svg_exposure_chart
from explorer.nav import PAGES
from explorer.state import choice, load_or_explain, names, neighbours, pct, pick, sources_frame, sources_table, table
from explorer.state import node as state_node
from graph.schema import MILESTONE_LEVELS
from graph.store import Graph

SCENARIO_NAMES = list(D.SCENARIO_NAMES)
PCT_COL = st.column_config.NumberColumn(format="percent")


def pages() -> dict:
    return {
        "overview": st.Page(
            overview_page, title="Overview", url_path="overview", default=True, icon=":material/leaderboard:"
        ),
        "craft": st.Page(craft_page, title="Craft", url_path="craft", icon=":material/construction:"),
        "occupation": st.Page(occupation_page, title="Occupation", url_path="occupation", icon=":material/work:"),
        "scenarios": st.Page(scenarios_page, title="Scenarios", url_path="scenarios", icon=":material/tune:"),
    }


# ------------------------------------------------------------------------------------------ shared


def year_and_scenario(g: Graph, cols=None) -> tuple[int, str]:
    c1, c2 = cols or st.columns([3, 2])
    k = D.key(g)
    year = choice("Year", D.years(), "year", D.default_year(*k), container=c1, kind="slider")
    scenario = choice("Scenario", SCENARIO_NAMES, "scenario", "expected", container=c2, kind="segmented")
    return int(year), str(scenario)


def pct_columns(
    df: pd.DataFrame,
    cols=(
        "median",
        "low",
        "high",
        "automation",
        "augmentation",
        "potential",
        "mean",
        "share",
        "contribution",
        "held_back",
        "task_exposure",
        "maturity",
        "damped_maturity",
        "importance_share",
        "share_of_work",
        "baseline",
        "custom",
        "change",
        "current",
        "share_of_held_back",
        "p_by_end",
    ),
) -> dict:
    return {c: PCT_COL for c in cols if c in df.columns}


def link_to(page: str, label: str, **params) -> None:
    if page in PAGES:
        st.page_link(PAGES[page], label=label, query_params={k: str(v) for k, v in params.items() if v is not None})


def sources_of(df: pd.DataFrame | None, *cols: str) -> list:
    if df is None or not len(df):
        return []
    return [v for c in cols if c in df.columns for v in df[c]]


# ------------------------------------------------------------------------------------------ overview


def overview_page() -> None:
    st.title("Which crafts are most exposed to AI?")
    g = load_or_explain()
    if g is None:
        return
    k = D.key(g)
    st.caption(
        "Exposure: the importance-weighted share of a craft's tasks that AI capabilities can do, given how "
        "mature each capability is and the limitations holding it back. Median of 1,000 draws, with the "
        "80% band. Pick a craft for the why, the tools, the timeline and the sources."
    )
    year, scenario = year_and_scenario(g)
    sc = D.spec(scenario)
    lg = D.league(*k, sc, year)
    depts = sorted(x for x in lg["department"].dropna().unique() if x)
    chosen = st.multiselect("Departments", depts, placeholder="All departments", key="overview-depts")
    if chosen:
        lg = lg[lg["department"].isin(chosen)]
    scored = lg.dropna(subset=["median"])
    s = D.summary(*k, sc)
    wf = s[(s["entity_id"] == "workforce:crafts") & (s["year"] == year)]
    c1, c2, c3 = st.columns(3)
    c1.metric("Crafts scored", f"{len(scored)} of {len(lg)}")
    if len(wf):
        r = wf.iloc[0]
        c2.metric("All crafts (equal weights)", pct(r["median"]), help=f"80% band {pct(r['low'])}–{pct(r['high'])}")
    if len(scored):
        top = scored.iloc[0]
        c3.metric("Most exposed", str(top["name"]), f"{pct(top['median'])}", delta_color="off")

    st.subheader(f"Craft league table, {year}, {scenario} scenario")
    if len(scored):
        charts.show(charts.league, scored, cache_key=(g.build_id, year, scenario, tuple(chosen)))
    view = lg[
        ["rank", "name", "department", "median", "low", "high", "automation", "augmentation", "potential", "entity_id"]
    ]
    ev = st.dataframe(
        view,
        hide_index=True,
        column_config=pct_columns(view),
        on_select="rerun",
        selection_mode="single-row",
        key="overview-league",
    )
    st.download_button(
        "Download CSV",
        D_csv(lg),
        f"craft-exposure-{year}-{scenario}.csv",
        "text/csv",
        key="dl-league",
        on_click="ignore",
        icon=":material/download:",
        type="tertiary",
    )
    rows = getattr(getattr(ev, "selection", None), "rows", None) if ev is not None else None
    if rows:
        craft_id = view.iloc[rows[0]]["entity_id"]
        st.switch_page(PAGES["craft"], query_params={"craft": craft_id, "year": str(year), "scenario": scenario})
    st.caption("Select a row to open the craft.")

    st.subheader("Departments over time")
    dep = s[(s["label"] == "Department")].dropna(subset=["median"])
    if len(dep):
        charts.show(
            charts.heatmap, dep, "name", f"Median exposure by department ({scenario})", cache_key=(g.build_id, scenario)
        )
        table(
            dep[["entity_id", "name", "year", "scenario", "median", "low", "high", "automation", "augmentation"]],
            f"department-exposure-{scenario}",
            column_config=pct_columns(dep),
        )
    else:
        st.info("No department has a score in this build.")
    changes_section(g)


def D_csv(df: pd.DataFrame) -> bytes:
    from explorer.state import csv_bytes

    return csv_bytes(df)


def changes_section(g: Graph) -> None:
    st.subheader("What changed since the previous build")
    m = g.manifest
    if not m.get("changes") and not (g.path / "diff.json").exists():
        st.caption("This is the first build in this home: nothing to compare with.")
        return
    st.caption(f"Build {m['build_id']} compared with {m.get('previous_build_id', 'the previous build')}.")
    if m.get("changes"):
        st.markdown("\n".join(f"- {line}" for line in m["changes"]))
    diff_path = g.path / "diff.json"
    if diff_path.exists():
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


# ------------------------------------------------------------------------------------------ craft


def craft_page() -> None:
    st.title("Craft")
    g = load_or_explain()
    if g is None:
        return
    k = D.key(g)
    crafts = names(g, "Craft")
    top = st.columns([3, 3, 2])
    craft_id = pick("Craft", crafts, "craft", container=top[0], show_id=False)
    if craft_id is None:
        return
    year, scenario = year_and_scenario(g, (top[1], top[2]))
    sc = D.spec(scenario)
    node = state_node(g, craft_id)
    dept_ids = neighbours(g, "IN_DEPARTMENT", craft_id)
    dept = ", ".join(names(g, "Department").get(d, d) for d in dept_ids)
    st.header(crafts[craft_id])
    st.caption(" · ".join(x for x in (f"`{craft_id}`", f"department: {dept}" if dept else "") if x))
    if isinstance(node.get("description"), str):
        st.write(node["description"])

    series = D.entity_series(*k, craft_id, [D.spec(s) for s in SCENARIO_NAMES])
    now = series[(series["scenario"] == scenario) & (series["year"] == year)]
    if not len(now) or pd.isna(now.iloc[0]["median"]):
        st.info(
            "This craft has no exposure score in this build: none of its tasks is linked to an AI capability "
            "(or it has no tasks and no occupation to fall back on)."
        )
        occupations_section(g, craft_id)
        sources_table(g, [node.get("source_ids")], f"sources-{craft_id}", key="dl-craft-sources")
        return
    r = now.iloc[0]
    m = st.columns(5)
    m[0].metric(f"Exposure {year}", pct(r["median"]), help="median of the Monte Carlo draws")
    m[1].metric("80% band", f"{pct(r['low'])}–{pct(r['high'])}")
    m[2].metric("Automation", pct(r["automation"]), help="points of the mean exposure through automation links")
    m[3].metric("Augmentation", pct(r["augmentation"]), help="points through augmentation links")
    m[4].metric(
        "At full maturity", pct(r["potential"]), help="if every linked capability were fully mature and unconstrained"
    )

    labels = [
        "Over time",
        "Why: tasks and capabilities",
        "Tools",
        "Limitations",
        "Forecast path",
        "Occupations",
        "Sources",
        "Brief",
    ]
    # Only the open tab runs (its label is in the URL as ?tab=, so a tab can be linked).
    tabs = dict(zip(labels, st.tabs(labels, key="tab", bind="query-params"), strict=True))
    open_tab = next((lab for lab, t in tabs.items() if t.open), labels[0])
    with tabs[open_tab]:
        craft_tab(g, open_tab, craft_id, crafts[craft_id], dept, node, year, scenario, sc, series, r)


def craft_tab(
    g: Graph,
    tab: str,
    craft_id: str,
    name: str,
    dept: str,
    node: dict,
    year: int,
    scenario: str,
    sc,
    series: pd.DataFrame,
    r,
) -> None:
    k = D.key(g)
    if tab == "Over time":
        charts.show(
            charts.exposure_over_time, series, f"{name}: exposure by scenario", cache_key=(g.build_id, craft_id)
        )
        cur = series[series["scenario"] == scenario]
        charts.show(
            charts.automation_augmentation,
            cur,
            f"Automation and augmentation ({scenario})",
            cache_key=(g.build_id, craft_id, scenario),
        )
        table(series, f"exposure-{craft_id}", column_config=pct_columns(series))
        return
    if tab == "Occupations":
        occupations_section(g, craft_id)
        return
    if tab == "Forecast path":
        th = choice(
            "Threshold",
            list(D.THRESHOLDS),
            "threshold",
            0.25,
            kind="segmented",
            fmt=lambda v: f"{100 * v:.0f}% of a task",
        )
        fc = D.forecast_path(*k, craft_id, sc, float(th))
        st.caption(
            f"Each row is a capability → task link, in the order in which the share of the task the "
            f"capability can do crosses {100 * th:.0f}% ({scenario} scenario; median date and 80% band; "
            "'after 2035' when fewer than half the draws cross it by then)."
        )
        if len(fc):
            charts.show(charts.timeline, fc, "Forecast path", cache_key=(g.build_id, craft_id, scenario, th))
        table(
            fc.drop(columns=["label"], errors="ignore"),
            f"forecast-{craft_id}-{scenario}-{int(100 * th)}",
            column_config=pct_columns(fc),
        )
        return
    ex = D.explanation(*k, craft_id, year, sc)
    if tab == "Why: tasks and capabilities":
        st.markdown(
            f"How the {pct(r['mean'])} mean exposure in {year} splits across the craft's tasks and the AI "
            "capabilities that reach them (shares add up to the total)."
        )
        bt = ex["by_task"]
        if len(bt):
            charts.show(
                charts.contributions,
                bt.assign(value=bt["contribution"]),
                "task",
                "contribution to exposure",
                cache_key=(g.build_id, craft_id, year, scenario),
            )
        table(bt, f"tasks-{craft_id}-{year}-{scenario}", column_config=pct_columns(bt))
        bc = ex["by_capability"]
        st.markdown("**Capabilities**")
        table(bc, f"capabilities-{craft_id}-{year}-{scenario}", column_config=pct_columns(bc))
        cap_names = dict(zip(bc["capability"], bc["name"], strict=True))
        cols = st.columns(2)
        for i, cap in enumerate(bc["capability"].head(8)):
            with cols[i % 2]:
                link_to("capability", f"Capability: {cap_names[cap]}", capability=cap)
        st.markdown("**Every capability → task link**")
        table(ex["links"], f"links-{craft_id}-{year}-{scenario}", column_config=pct_columns(ex["links"]))
    elif tab == "Tools":
        bto = ex["by_tool"]
        st.caption("A capability's contribution is split equally among the catalog's tools that provide it.")
        if len(bto):
            charts.show(
                charts.contributions,
                bto.assign(value=bto["contribution"]),
                "name",
                "contribution",
                cache_key=(g.build_id, craft_id, year, scenario, "tools"),
            )
        table(bto, f"tools-{craft_id}-{year}-{scenario}", column_config=pct_columns(bto))
        tool_names = dict(zip(bto["tool"], bto["name"], strict=True))
        cols = st.columns(2)
        for i, t in enumerate(t for t in bto["tool"].head(8) if t.startswith("tool:")):
            with cols[i % 2]:
                link_to("tool", f"Tool: {tool_names[t]}", tool=t)
    elif tab == "Limitations":
        bl = ex["by_limitation"]
        tot = ex["total"].iloc[0]
        st.markdown(
            f"Without its limitations this craft would be **{pct(tot['without_limitations'])}** exposed in "
            f"{year}: they hold back **{pct(tot['held_back'])}** points."
        )
        if len(bl):
            charts.show(
                charts.contributions,
                bl.assign(value=bl["held_back"]),
                "name",
                "exposure held back",
                cache_key=(g.build_id, craft_id, year, scenario, "limitations"),
            )
        table(bl, f"limitations-{craft_id}-{year}-{scenario}", column_config=pct_columns(bl))
        link_to(
            "scenarios",
            "What if these limitations were lifted? Open the scenario builder",
            craft=craft_id,
            base=scenario,
            year=year,
            remove=bl["limitation"].iloc[0] if len(bl) else None,
        )
    elif tab == "Sources":
        st.caption("Every source behind the links, tools, limitations and maturity evidence of this craft's score.")
        sources_table(g, craft_sources(node, ex), f"sources-{craft_id}", key="dl-craft-sources")
    elif tab == "Brief":
        brief_section(g, craft_id, name, dept, node, year, scenario, series, ex, craft_sources(node, ex))


def craft_sources(node: dict, ex: dict) -> list:
    return [
        node.get("source_ids"),
        *sources_of(ex["links"], "sources"),
        *sources_of(ex["by_tool"], "sources"),
        *sources_of(ex["by_limitation"], "sources"),
        *sources_of(ex["by_capability"], "maturity_sources"),
    ]


def occupations_section(g: Graph, craft_id: str) -> None:
    ca = g.edges.get("CLASSIFIED_AS", pd.DataFrame(columns=["src", "dst", "share"]))
    occ = ca[ca["src"] == craft_id][["dst", "share"]].rename(columns={"dst": "occupation"})
    if not len(occ):
        st.caption("No O*NET-SOC occupation recorded for this craft.")
        return
    on = g.nodes.get("Occupation")
    if on is not None:
        occ = occ.merge(on[["id", "title", "soc_code"]], left_on="occupation", right_on="id", how="left").drop(
            columns="id"
        )
    table(occ, f"occupations-{craft_id}", column_config=pct_columns(occ))
    for o in occ.itertuples(index=False):
        link_to("occupation", f"Occupation: {getattr(o, 'title', o.occupation)}", occupation=o.occupation)


def occupations_frame(g: Graph, craft_id: str) -> pd.DataFrame:
    ca = g.edges.get("CLASSIFIED_AS", pd.DataFrame(columns=["src", "dst", "share"]))
    occ = ca[ca["src"] == craft_id][["dst", "share"]].rename(columns={"dst": "occupation"})
    on = g.nodes.get("Occupation")
    if on is not None and len(occ):
        occ = occ.merge(on[["id", "title", "soc_code"]], left_on="occupation", right_on="id", how="left")
    return occ


def build_brief(
    g: Graph,
    craft_id: str,
    name: str,
    dept: str,
    node: dict,
    year: int,
    scenario: str,
    series: pd.DataFrame,
    ex: dict,
    srcs: list,
    threshold: float = 0.25,
) -> BriefData:
    k = D.key(g)
    fc = D.forecast_path(*k, craft_id, D.spec(scenario), threshold)
    now = series[(series["scenario"] == scenario) & (series["year"] == year)]
    summ = now.iloc[0].to_dict() if len(now) else {}
    fc_srcs = sources_of(fc, "sources")
    return BriefData(
        craft_id=craft_id,
        craft_name=name,
        year=year,
        scenario=scenario,
        series=series,
        department=dept,
        description=node.get("description") if isinstance(node.get("description"), str) else "",
        summary=summ,
        tasks=ex["by_task"],
        capabilities=ex["by_capability"],
        tools=ex["by_tool"],
        limitations=ex["by_limitation"],
        forecast=fc,
        forecast_threshold=threshold,
        occupations=occupations_frame(g, craft_id),
        sources=sources_frame(g, [*srcs, *fc_srcs]),
        scenario_description=D.make_scenario(D.spec(scenario)).description,
        build_id=g.build_id,
        method_version=D.method_version(),
        created=datetime.now(UTC).strftime("%Y-%m-%d"),
    )


def brief_section(g, craft_id, name, dept, node, year, scenario, series, ex, srcs) -> None:
    st.markdown(
        f"A brief on **{name}** for {year} under the *{scenario}* scenario: the exposure chart, the "
        "forecast path, the top tasks, tools and limitations, and every source cited."
    )

    def brief() -> BriefData:
        return build_brief(g, craft_id, name, dept, node, year, scenario, series, ex, srcs)

    base = f"craftgraph-brief-{craft_id.split(':', 1)[-1]}-{year}-{scenario}"
    c1, c2, c3 = st.columns(3)
    # the files are generated when the button is clicked (callable data), not on every rerun
    c1.download_button(
        "Brief (HTML)",
        lambda: brief_html(brief()),
        f"{base}.html",
        "text/html",
        key="dl-brief-html",
        on_click="ignore",
        icon=":material/description:",
        type="primary",
    )
    c2.download_button(
        "Brief (Markdown)",
        lambda: brief_markdown(brief()),
        f"{base}.md",
        "text/markdown",
        key="dl-brief-md",
        on_click="ignore",
        icon=":material/article:",
    )
    c3.download_button(
        "Chart (SVG)",
        lambda: svg_exposure_chart(series, f"{name}: exposure by scenario"),
        f"{base}.svg",
        "image/svg+xml",
        key="dl-brief-svg",
        on_click="ignore",
        icon=":material/show_chart:",
    )
    preview = st.expander("Preview", key="brief-preview", on_change="rerun")
    if preview.open:
        with preview:
            st.markdown(brief_markdown(brief(), embed_chart=False))


# ------------------------------------------------------------------------------------------ occupation


def occupation_page() -> None:
    st.title("Occupation")
    g = load_or_explain()
    if g is None:
        return
    k = D.key(g)
    occs = names(g, "Occupation", "title")
    if not occs:
        st.info("No occupations in this build.")
        return
    top = st.columns([3, 3, 2])
    occ_id = pick("Occupation", occs, "occupation", container=top[0])
    year, scenario = year_and_scenario(g, (top[1], top[2]))
    sc = D.spec(scenario)
    node = state_node(g, occ_id)
    st.header(occs[occ_id])
    facts = {
        "SOC": node.get("soc_code"),
        "Employment (BLS OEWS)": node.get("employment"),
        "Median wage (USD)": node.get("median_wage"),
        "Job zone": node.get("job_zone"),
    }
    st.caption(
        " · ".join(
            f"{k_}: {v:,.0f}" if isinstance(v, float) and v == v else f"{k_}: {v}"
            for k_, v in facts.items()
            if v is not None and v == v
        )
    )
    if isinstance(node.get("description"), str):
        st.write(node["description"])
    crafts_here = g.edges.get("CLASSIFIED_AS", pd.DataFrame(columns=["src", "dst", "share"]))
    crafts_here = crafts_here[crafts_here["dst"] == occ_id]
    if len(crafts_here):
        cn = names(g, "Craft")
        st.markdown("**Crafts classified under this occupation** (share of the craft's workers)")
        cols = st.columns(3)
        for i, (c, share) in enumerate(zip(crafts_here["src"], crafts_here["share"], strict=True)):
            with cols[i % 3]:
                link_to("craft", f"{cn.get(c, c)} ({pct(share)})", craft=c, year=year, scenario=scenario)

    series = D.entity_series(*k, occ_id, [D.spec(s) for s in SCENARIO_NAMES])
    now = series[(series["scenario"] == scenario) & (series["year"] == year)]
    scored = bool(len(now)) and pd.notna(now.iloc[0]["median"])
    if scored:
        r = now.iloc[0]
        m = st.columns(4)
        m[0].metric(f"Exposure {year}", pct(r["median"]))
        m[1].metric("80% band", f"{pct(r['low'])}–{pct(r['high'])}")
        m[2].metric("Automation / augmentation", f"{pct(r['automation'])} / {pct(r['augmentation'])}")
        m[3].metric("At full maturity", pct(r["potential"]))
    else:
        st.info(
            "No exposure score for this occupation in this build (no linked task, and no craft classified under it)."
        )
    labels = ["Over time", "Published indices", "Why", "Sources"]
    tabs = dict(zip(labels, st.tabs(labels, key="otab", bind="query-params"), strict=True))
    open_tab = next((lab for lab, t in tabs.items() if t.open), labels[0])
    with tabs[open_tab]:
        if open_tab == "Over time" and scored:
            charts.show(
                charts.exposure_over_time,
                series,
                f"{occs[occ_id]}: exposure by scenario",
                cache_key=(g.build_id, occ_id),
            )
            table(series, f"exposure-{occ_id}", column_config=pct_columns(series))
        elif open_tab == "Published indices":
            literature_section(g, occ_id, year, scenario)
        elif open_tab in ("Why", "Sources") and scored:
            ex = D.explanation(*k, occ_id, year, sc)
            if open_tab == "Why":
                st.markdown("**Tasks**")
                table(ex["by_task"], f"tasks-{occ_id}-{year}", column_config=pct_columns(ex["by_task"]))
                st.markdown("**Capabilities**")
                table(
                    ex["by_capability"], f"capabilities-{occ_id}-{year}", column_config=pct_columns(ex["by_capability"])
                )
                st.markdown("**Tools**")
                table(ex["by_tool"], f"tools-{occ_id}-{year}", column_config=pct_columns(ex["by_tool"]))
                st.markdown("**Limitations holding it back**")
                table(
                    ex["by_limitation"], f"limitations-{occ_id}-{year}", column_config=pct_columns(ex["by_limitation"])
                )
            else:
                sources_table(
                    g,
                    [
                        node.get("source_ids"),
                        *sources_of(ex["links"], "sources"),
                        *sources_of(ex["by_limitation"], "sources"),
                    ],
                    f"sources-{occ_id}",
                    key="dl-occ-sources",
                )
        elif open_tab == "Sources":
            sources_table(g, [node.get("source_ids")], f"sources-{occ_id}", key="dl-occ-sources")


def literature_section(g: Graph, occ_id: str, year: int, scenario: str) -> None:
    k = D.key(g)
    lit = literature_for(g, occ_id, year, scenario, pd.DataFrame())
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
    view = lit[
        [
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
    ]
    table(
        view,
        f"indices-{occ_id}",
        column_config=pct_columns(view, ("craftgraph", "percentile_craftgraph", "percentile_study")),
    )
    scores = D.study_scores(*k)
    measures = sorted({f"{s} | {m}" for s, m in zip(lit["study"], lit["measure"], strict=True)})
    chosen = choice("Compare every occupation on", measures, "measure", measures[0])
    study, measure = chosen.split(" | ", 1)
    lg = D.league(*k, D.spec(scenario), year, "Occupation").dropna(subset=["median"])
    sc_ = scores[(scores["study"] == study) & (scores["measure"] == measure)]
    both = lg.merge(sc_, left_on="entity_id", right_on="occupation")
    if len(both):
        both = both.assign(this=both["entity_id"] == occ_id)
        charts.show(
            charts.scatter_compare,
            both.rename(columns={"median": "craftgraph", "score": "study_score"}),
            "craftgraph",
            "study_score",
            "name",
            f"CraftGraph {year} ({scenario}) against {measure}",
        )
    corr, dis = D.literature(*k, year, D.spec(scenario))
    if len(corr):
        st.markdown(
            f"**How CraftGraph's occupation scores agree with each study ({year})**: Spearman rank "
            "correlation over the occupations both score."
        )
        table(corr, f"literature-correlation-{year}-{scenario}")
    if len(dis):
        st.markdown("**Largest disagreements** (findings to explain, not errors to tune away)")
        table(dis, f"literature-disagreements-{year}-{scenario}")


def literature_for(g: Graph, occ_id: str, year: int, scenario: str, series: pd.DataFrame) -> pd.DataFrame | None:
    """The study scores for one occupation with their percentile among the study's occupations, next to
    CraftGraph's score and percentile."""
    k = D.key(g)
    scores = D.study_scores(*k)
    if not len(scores):
        return None
    scores = scores.copy()
    scores["percentile_study"] = scores.groupby(["study", "measure"])["score"].rank(pct=True)
    mine = scores[scores["occupation"] == occ_id]
    if not len(mine):
        return None
    lg = D.league(*k, D.spec(scenario), year, "Occupation")
    lg = lg.dropna(subset=["median"])
    lg["percentile_craftgraph"] = lg["median"].rank(pct=True)
    ours = lg[lg["entity_id"] == occ_id]
    out = mine[["study_name", "study", "measure", "score", "level", "percentile_study"]].copy()
    out["craftgraph"] = float(ours["median"].iloc[0]) if len(ours) else float("nan")
    out["percentile_craftgraph"] = float(ours["percentile_craftgraph"].iloc[0]) if len(ours) else float("nan")
    out["year"] = year
    out["scenario"] = scenario
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------------------ scenarios


LEVEL_LABELS = {lv: lv.replace("_", " ") for lv in MILESTONE_LEVELS}


def parse_cap_param(v: str, mode: str) -> tuple[str, str, int, str] | None:
    """`cap:x=LEVEL@DATE` (as graph.exposure.api.make_scenario reads it) as (capability, level, year, mode)."""
    from graph.exposure.scenarios import parse_capability_override

    try:
        o = parse_capability_override(v, mode)
    except ValueError:
        return None
    return o.capability, o.level, int(o.date), mode


def scenarios_page() -> None:
    st.title("Scenarios: what if?")
    g = load_or_explain()
    if g is None:
        return
    k = D.key(g)
    st.caption(
        "Start from a scenario, move capabilities' dates and lift or keep limitations, and see every "
        "craft's exposure change. The URL keeps your choices: copy it to share the scenario."
    )
    with st.expander("The three standard scenarios"):
        table(D.scenario_table(), "scenarios")
    c1, c2 = st.columns([2, 3])
    base = choice("Start from", SCENARIO_NAMES, "base", "expected", container=c1, kind="segmented")
    year = int(
        choice("Year", D.years(), "year", max(D.years()[0], min(2030, D.years()[-1])), container=c2, kind="slider")
    )
    caps = names(g, "Capability")
    lims = g.nodes.get("Limitation", pd.DataFrame(columns=["id", "name", "kind", "severity"]))
    lim_names = dict(zip(lims["id"], lims["name"], strict=True))
    today = D.as_of(*k)
    lo_year, hi_year = int(today) - 5, D.years()[-1]

    # ---- capability overrides (URL: reach=cap:x=LEVEL@YYYY, delay=..., repeatable) ---------------------
    st.subheader("Move capabilities")
    url_caps = [
        p
        for p in [
            *(parse_cap_param(v, "by") for v in st.query_params.get_all("reach")),
            *(parse_cap_param(v, "not_before") for v in st.query_params.get_all("delay")),
        ]
        if p and p[0] in caps
    ]
    if "scn-caps" not in st.session_state or st.session_state.get("_scn-caps-url") != url_caps:
        st.session_state["scn-caps"] = list(dict.fromkeys(c for c, *_ in url_caps))
        st.session_state["_scn-caps-url"] = url_caps
        for c, level, yr, mode in url_caps:
            st.session_state[f"scn-level-{c}"] = level
            st.session_state[f"scn-date-{c}"] = min(hi_year, max(lo_year, yr))
            st.session_state[f"scn-mode-{c}"] = mode
    chosen_caps = st.multiselect(
        "Capabilities to move",
        sorted(caps, key=lambda c: caps[c].lower()),
        format_func=lambda c: caps[c],
        key="scn-caps",
        placeholder="Pick capabilities whose dates you want to change",
    )
    fit = D.maturity_fit(*k).set_index("capability")
    cap_ov: list[tuple[str, str, int, str]] = []
    for c in chosen_caps:
        cols = st.columns([3, 2, 2, 2])
        info = (
            (
                f"today {pct(fit.at[c, 'maturity_as_of'])} mature, next level "
                f"{str(fit.at[c, 'next_level']).replace('_', ' ') or '–'}"
            )
            if c in fit.index
            else ""
        )
        cols[0].markdown(f"**{caps[c]}**  \n{info}")
        st.session_state.setdefault(f"scn-level-{c}", "production_used")
        st.session_state.setdefault(f"scn-date-{c}", min(hi_year, int(today) + 1))
        st.session_state.setdefault(f"scn-mode-{c}", "by")
        level = cols[1].selectbox("reaches", MILESTONE_LEVELS, format_func=LEVEL_LABELS.get, key=f"scn-level-{c}")
        mode = cols[2].selectbox(
            "when",
            ["by", "not_before"],
            key=f"scn-mode-{c}",
            format_func=lambda m: "at the latest in" if m == "by" else "not before",
        )
        yr = cols[3].number_input("year", lo_year, hi_year, step=1, key=f"scn-date-{c}")
        cap_ov.append((c, level, int(yr), mode))

    # ---- limitation overrides (URL: remove=lim:x, keep=lim:y, repeatable) ---------------------------
    st.subheader("Lift or keep limitations")
    lim_opts = sorted(lim_names, key=lambda i: str(lim_names[i]).lower())
    kind = dict(zip(lims["id"], lims["kind"], strict=True))

    def lim_fmt(i):
        return f"{lim_names[i]} ({kind.get(i, '')})"

    for param, wkey in (("remove", "scn-remove"), ("keep", "scn-keep")):
        url_vals = [v for v in st.query_params.get_all(param) if v in lim_names]
        if wkey not in st.session_state or st.session_state.get(f"_{wkey}-url") != url_vals:
            st.session_state[wkey] = url_vals
            st.session_state[f"_{wkey}-url"] = url_vals
    lc1, lc2 = st.columns(2)
    remove = lc1.multiselect("Remove (as if solved or waived)", lim_opts, format_func=lim_fmt, key="scn-remove")
    keep = lc2.multiselect(
        "Keep at today's severity (no fading or relief)",
        [o for o in lim_opts if o not in remove],
        format_func=lim_fmt,
        key="scn-keep",
    )

    # ---- URL and scenario -------------------------------------------------------------------------------
    reach = [f"{c}={lv}@{yr}" for c, lv, yr, m in cap_ov if m == "by"]
    delay = [f"{c}={lv}@{yr}" for c, lv, yr, m in cap_ov if m == "not_before"]
    st.session_state["_scn-caps-url"] = cap_ov
    st.session_state["_scn-remove-url"] = list(remove)
    st.session_state["_scn-keep-url"] = list(keep)
    for key_, vals in (("reach", reach), ("delay", delay), ("remove", remove), ("keep", keep)):
        _set_list_param(key_, list(vals))

    base_sc = D.spec(base)
    custom = D.spec(base, reach, delay, remove, keep)
    if not D.is_custom(custom):
        st.info("Move a capability or lift a limitation to see how every craft's exposure changes.")
        ch = D.league(*k, base_sc, year)
        st.subheader(f"Exposure in {year} under the {base} scenario")
        view = ch[["rank", "name", "department", "median", "low", "high", "entity_id"]]
        table(view, f"crafts-{year}-{base}", column_config=pct_columns(view))
        return
    try:
        ch = D.scenario_change(*k, base_sc, custom, year)
    except ValueError as e:
        st.error(str(e))
        return
    st.subheader(f"Every craft's exposure in {year}: {base} vs your scenario")
    moved = ch[ch["change"].abs() > 5e-4]
    m1, m2, m3 = st.columns(3)
    m1.metric("Crafts that change", f"{len(moved)} of {len(ch.dropna(subset=['baseline']))}")
    if len(moved):
        m2.metric("Largest rise", str(ch.iloc[0]["name"]), f"{100 * ch.iloc[0]['change']:+.1f} points")
        m3.metric("Average change", f"{100 * ch['change'].mean():+.1f} points")
        charts.show(charts.change_bars, moved.head(40), "name", f"Change in median exposure, {year}")
    table(ch, f"scenario-change-{year}", column_config=pct_columns(ch))
    crafts = names(g, "Craft")
    scored = [c for c in ch.dropna(subset=["baseline"])["entity_id"] if c in crafts]
    if scored:
        default = st.query_params.get("craft") if st.query_params.get("craft") in scored else scored[0]
        craft = choice("Craft over time", scored, "craft", default, fmt=lambda c: crafts[c])
        s = D.entity_series(*k, craft, [base_sc, custom])
        charts.show(charts.exposure_over_time, s, f"{crafts[craft]}: {base} vs your scenario")
        link_to("craft", f"Open {crafts[craft]}", craft=craft, year=year, scenario=base)


def _set_list_param(key: str, values: list[str]) -> None:
    if list(st.query_params.get_all(key)) != list(values):
        if values:
            st.query_params[key] = values
        elif key in st.query_params:
            del st.query_params[key]
