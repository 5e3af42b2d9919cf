"""Tool, Capability and AI-type pages: what the catalog says, with its sources, and which crafts it reaches."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import charts
from explorer import data as D
from explorer.nav import PAGES
from explorer.state import load_or_explain, names, node, pct, pick, sources_table, table
from graph.store import Graph

PCT_COL = st.column_config.NumberColumn(format="percent")


def _edges(g: Graph, rel: str) -> pd.DataFrame:
    return g.edges.get(rel, pd.DataFrame(columns=["src", "dst", "source_ids"]))


def _crafts_section(g: Graph, capabilities: list[str], what: str, key: str) -> None:
    st.subheader("Crafts it reaches")
    reach = D.crafts_reached(*D.key(g), capabilities)
    if not len(reach):
        st.caption(f"No craft task is linked to {what} in this build.")
        return
    st.caption(
        "Crafts with tasks these capabilities can do (in part), and the share of the craft's work those "
        "tasks stand for."
    )
    table(reach, f"crafts-reached-{key}", column_config={"share_of_work": PCT_COL})
    if "craft" in PAGES:
        cols = st.columns(3)
        for i, r in enumerate(reach.head(12).itertuples(index=False)):
            cols[i % 3].page_link(PAGES["craft"], label=r.craft_name, query_params={"craft": r.craft})


def tool_page() -> None:
    st.title("Tool")
    g = load_or_explain()
    if g is None:
        return
    tool_id = pick("Tool", names(g, "Tool"), "tool")
    if tool_id is None:
        return
    t = node(g, tool_id)
    st.header(t["name"])
    vendor = _edges(g, "MADE_BY").query("src == @tool_id")["dst"].map(names(g, "Vendor")).tolist()
    types = _edges(g, "IS_A").query("src == @tool_id")["dst"].map(names(g, "AIType")).tolist()
    facts = {
        "Vendor": ", ".join(map(str, vendor)),
        "AI type": ", ".join(map(str, types)),
        "First release": t.get("first_release"),
        "Status": t.get("status"),
        "Deployment": t.get("deployment"),
        "Open weights": t.get("open_weights"),
        "Vendor states training data is licensed": t.get("training_data_licensed"),
        "URL": t.get("url"),
    }
    st.write(t.get("description") or "")
    st.table(pd.DataFrame({"": [("" if v is None or v != v else str(v)) for v in facts.values()]}, index=facts))
    st.subheader("Capabilities")
    prov = _edges(g, "PROVIDES").query("src == @tool_id").copy()
    prov["capability"] = prov["dst"].map(names(g, "Capability"))
    table(
        prov[["capability", "level", "since", "confidence", "dst"]].rename(columns={"dst": "capability_id"}),
        f"capabilities-{tool_id}",
    )
    if "capability" in PAGES:
        cols = st.columns(3)
        for i, (cid, cname) in enumerate(zip(prov["dst"], prov["capability"], strict=True)):
            cols[i % 3].page_link(PAGES["capability"], label=str(cname), query_params={"capability": cid})
    st.subheader("Limitations")
    lim_names = names(g, "Limitation")
    direct = _edges(g, "HAS_LIMITATION").query("src == @tool_id").assign(via="this tool")
    via_cap = _edges(g, "CONSTRAINED_BY")
    via_cap = via_cap[via_cap["src"].isin(prov["dst"])].assign(via=lambda d: d["src"].map(names(g, "Capability")))
    lims = pd.concat([direct, via_cap], ignore_index=True)
    lims["limitation"] = lims["dst"].map(lim_names)
    for c in ("justification", "severity"):
        if c not in lims.columns:
            lims[c] = None
    table(lims[["limitation", "via", "severity", "justification"]].drop_duplicates(), f"limitations-{tool_id}")
    _crafts_section(g, prov["dst"].tolist(), "this tool's capabilities", tool_id)
    st.subheader("Sources")
    sources_table(
        g,
        [t.get("source_ids"), *prov["source_ids"], *direct["source_ids"]],
        f"sources-{tool_id}",
        key="dl-tool-sources",
    )


def capability_page() -> None:
    st.title("Capability")
    g = load_or_explain()
    if g is None:
        return
    k = D.key(g)
    cap_id = pick("Capability", names(g, "Capability"), "capability")
    if cap_id is None:
        return
    c = node(g, cap_id)
    st.header(c["name"])
    st.write(c.get("description") or "")

    st.subheader("Maturity curve")
    scen = st.multiselect("Scenarios", list(D.SCENARIO_NAMES), default=["expected"], key="cap-scenarios")
    scen = scen or ["expected"]
    curve = D.maturity_curve(*k, cap_id, tuple(D.spec(s) for s in scen))
    ev = D.evidence(*k, cap_id)
    fit = D.maturity_fit(*k)
    q = fit[fit["capability"] == cap_id]
    if len(curve):
        charts.show(
            charts.maturity,
            curve,
            ev,
            f"{c['name']}: maturity (median, 80% band) and its dated evidence",
            cache_key=(g.build_id, cap_id, tuple(scen)),
        )
    if len(q):
        r = q.iloc[0]
        m = st.columns(4)
        m[0].metric("Maturity today", pct(r["maturity_as_of"]))
        m[1].metric("Reaches 50% (median)", r["t50_date"], help=f"± {r['t50_sd']:.1f} years (sd)")
        m[2].metric("Highest level so far", str(r["highest_level"]).replace("_", " ") or "–")
        m[3].metric("Evidence", str(r["evidence"]))
    st.caption(
        "Maturity: 0 = not possible, 1 = the routine way the work is done. A logistic curve is fitted "
        "through the dated milestones (◆) and the dates tools began offering the capability; "
        "'damped by limitations' applies the limitations below."
    )
    st.markdown(f"**Dated evidence ({len(ev)})**")
    table(ev, f"evidence-{cap_id}", column_config={"maturity": PCT_COL})
    with st.expander("Maturity curve data"):
        table(curve, f"maturity-{cap_id}", column_config={c_: PCT_COL for c_ in ("median", "low", "high")})
    st.subheader("Tools")
    prov = _edges(g, "PROVIDES").query("dst == @cap_id").copy()
    prov["tool"] = prov["src"].map(names(g, "Tool"))
    table(prov[["tool", "level", "since", "src"]].rename(columns={"src": "tool_id"}), f"tools-{cap_id}")
    if "tool" in PAGES:
        cols = st.columns(3)
        for i, (tid, tname) in enumerate(zip(prov["src"], prov["tool"], strict=True)):
            cols[i % 3].page_link(PAGES["tool"], label=str(tname), query_params={"tool": tid})
    st.subheader("Limitations holding it back")
    lims = _edges(g, "CONSTRAINED_BY").query("src == @cap_id").copy()
    ln = g.nodes.get("Limitation", pd.DataFrame(columns=["id", "name", "kind", "severity", "justification"]))
    lims = lims.merge(
        ln[["id", "name", "kind", "severity", "justification"]], left_on="dst", right_on="id", suffixes=("_link", "")
    )
    table(
        lims[["name", "kind", "severity", "justification", "dst"]].rename(columns={"dst": "limitation_id"}),
        f"limitations-{cap_id}",
    )
    if "scenarios" in PAGES and len(lims):
        st.page_link(
            PAGES["scenarios"],
            label="What if it matured two years earlier? Open the scenario builder",
            query_params={"cap": f"{cap_id}=production_used@{int(D.as_of(*k)) + 2}"},
        )
    st.subheader("Tasks it performs")
    perf = _edges(g, "PERFORMS").query("src == @cap_id").copy()
    task_text = {**names(g, "Task", "text"), **names(g, "WorkActivity", "title")}
    perf["task"] = perf["dst"].map(task_text)
    table(perf[["task", "weight", "mode", "rationale", "dst"]].rename(columns={"dst": "task_id"}), f"tasks-{cap_id}")
    _crafts_section(g, [cap_id], "this capability", cap_id)
    st.subheader("Sources")
    sources_table(
        g,
        [c.get("source_ids"), *ev["source_ids"], *lims.get("source_ids", []), *perf["source_ids"]],
        f"sources-{cap_id}",
        key="dl-cap-sources",
    )


def ai_types_page() -> None:
    st.title("AI types")
    st.caption("Definitions written for a bargaining audience: what each kind of AI does and what it needs.")
    g = load_or_explain()
    if g is None:
        return
    types = g.nodes.get("AIType")
    if types is None:
        st.info("No AI types in this build.")
        return
    parent = dict(zip(_edges(g, "SUBTYPE_OF")["src"], _edges(g, "SUBTYPE_OF")["dst"], strict=True))
    isa = _edges(g, "IS_A")
    counts = isa.groupby("dst").size()
    type_names = names(g, "AIType")
    tool_names = names(g, "Tool")
    opened = st.query_params.get("type")
    for _, t in types.sort_values("id").iterrows():
        with st.expander(f"{t['name']}  ({int(counts.get(t['id'], 0))} tools)", expanded=t["id"] == opened):
            if t["id"] in parent:
                st.caption(f"A kind of {type_names.get(parent[t['id']], parent[t['id']])}")
            st.write(t["definition"])
            if isinstance(t.get("inputs"), str):
                st.markdown(f"**Needs as input:** {t['inputs']}")
            if isinstance(t.get("examples"), str):
                st.markdown(f"**Examples:** {t['examples']}")
            tools = isa[isa["dst"] == t["id"]]["src"].tolist()
            if tools and "tool" in PAGES:
                cols = st.columns(4)
                for i, tid in enumerate(sorted(tools, key=lambda x: str(tool_names.get(x, x)).lower())):
                    cols[i % 4].page_link(
                        PAGES["tool"], label=str(tool_names.get(tid, tid)), query_params={"tool": tid}
                    )
    table(types.drop(columns=["origin"], errors="ignore"), "ai-types")
