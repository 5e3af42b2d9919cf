"""Capability: its maturity curve (median, 80% band, damped by limitations) through its dated evidence, the
tools that provide it, the limitations holding it back, the tasks it performs and the crafts it reaches."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import capabilities, charts, lookup, nav, ui
from explorer.cache import Build
from explorer.formatting import pct
from explorer.scenario import SCENARIO_NAMES, spec
from explorer.sections import crafts_reached
from explorer.ui import PCT_COL, chart, sources_table, table
from explorer.widgets import pick

LIMITATION_COLUMNS = ["id", "name", "kind", "severity", "justification"]


def maturity(b: Build, cap_id: str, name: str) -> pd.DataFrame:
    """The maturity section; returns the dated evidence."""
    st.subheader("Maturity curve")
    scen = st.multiselect("Scenarios", list(SCENARIO_NAMES), default=["expected"], key="cap-scenarios") or ["expected"]
    curve = capabilities.maturity_curve(b, cap_id, tuple(spec(s) for s in scen))
    ev = capabilities.evidence(b, cap_id)
    fit = capabilities.maturity_fit(b)
    q = fit[fit["capability"] == cap_id]
    if len(curve):
        title = f"{name}: maturity (median, 80% band) and its dated evidence"
        chart(b, charts.maturity, curve, ev, title, key=(cap_id, tuple(scen)))
    if len(q):
        r = q.iloc[0]
        m = st.columns(4)
        ui.metric(m[0], "Maturity today", pct(r["maturity_as_of"]), "maturity")
        ui.metric(
            m[1],
            "Reaches 50% (median)",
            r["t50_date"],
            help=f"The median date its maturity reaches 50%; ± {r['t50_sd']:.1f} years (sd)",
        )
        ui.metric(m[2], "Highest level so far", str(r["highest_level"]).replace("_", " ") or "–", "level")
        ui.metric(m[3], "Evidence", str(r["evidence"]), help="Dated milestones and tools behind the maturity curve")
    st.caption(
        "Maturity: 0 = not possible, 1 = the routine way the work is done. A logistic curve is fitted "
        "through the dated milestones (◆) and the dates tools began offering the capability; "
        "'damped by limitations' applies the limitations below."
    )
    st.markdown(f"**Dated evidence ({len(ev)})**")
    table(ev, f"evidence-{cap_id}", column_config={"maturity": PCT_COL})
    with st.expander("Maturity curve data"):
        table(curve, f"maturity-{cap_id}", column_config={c: PCT_COL for c in ("median", "low", "high")})
    return ev


def tools(b: Build, cap_id: str) -> None:
    st.subheader("Tools")
    prov = lookup.edges(b, "PROVIDES")
    prov = prov[prov["dst"] == cap_id].assign(tool=lambda d: d["src"].map(lookup.names(b, "Tool")))
    table(prov[["tool", "level", "since", "src"]].rename(columns={"src": "tool_id"}), f"tools-{cap_id}")
    cols = st.columns(3)
    for i, (tid, tname) in enumerate(zip(prov["src"], prov["tool"], strict=True)):
        nav.link("tool", str(tname), cols[i % 3], tool=tid)


def limitations(b: Build, cap_id: str) -> pd.DataFrame:
    st.subheader("Limitations holding it back")
    lims = lookup.edges(b, "CONSTRAINED_BY")
    lims = lims[lims["src"] == cap_id]
    ln = b.graph.nodes.get("Limitation", pd.DataFrame(columns=LIMITATION_COLUMNS))
    lims = lims.merge(ln[LIMITATION_COLUMNS], left_on="dst", right_on="id", suffixes=("_link", ""))
    view = lims[["name", "kind", "severity", "justification", "dst"]].rename(columns={"dst": "limitation_id"})
    table(view, f"limitations-{cap_id}")
    if len(lims):
        nav.link(
            "scenarios",
            "What if it matured two years earlier? Open the scenario builder",
            reach=f"{cap_id}=production_used@{int(capabilities.as_of(b)) + 2}",
        )
    return lims


def tasks(b: Build, cap_id: str) -> pd.DataFrame:
    st.subheader("Tasks it performs")
    perf = lookup.edges(b, "PERFORMS")
    task_text = {**lookup.names(b, "Task", "text"), **lookup.names(b, "WorkActivity", "title")}
    perf = perf[perf["src"] == cap_id].assign(task=lambda d: d["dst"].map(task_text))
    table(perf[["task", "weight", "mode", "rationale", "dst"]].rename(columns={"dst": "task_id"}), f"tasks-{cap_id}")
    return perf


def main() -> None:
    b = ui.page("Capability", "Something AI can do: how mature it is and by when, who provides it, what holds it back.")
    if b is None:
        return
    cap_id = pick("Capability", lookup.names(b, "Capability"), "capability")
    if cap_id is None:
        return
    c = lookup.node(b, cap_id)
    st.header(c["name"])
    st.write(c.get("description") or "")
    ev = maturity(b, cap_id, c["name"])
    tools(b, cap_id)
    lims = limitations(b, cap_id)
    perf = tasks(b, cap_id)
    crafts_reached(b, (cap_id,), "this capability", cap_id)
    st.subheader("Sources")
    srcs = [c.get("source_ids"), *ev["source_ids"], *lims.get("source_ids", []), *perf["source_ids"]]
    sources_table(b, srcs, f"sources-{cap_id}", key="dl-cap-sources")


main()
