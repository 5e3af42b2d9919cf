"""Tool, Capability and AI-type pages: what the catalog says, with its sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.state import load_or_explain, names, pick, sources_table
from graph.store import Graph


def _edges(g: Graph, rel: str) -> pd.DataFrame:
    return g.edges.get(rel, pd.DataFrame(columns=["src", "dst", "source_ids"]))


def tool_page() -> None:
    st.title("Tool")
    g = load_or_explain()
    if g is None:
        return
    tool_id = pick("Tool", names(g, "Tool"), "tool")
    if tool_id is None:
        return
    t = g.node(tool_id)
    st.header(t["name"])
    vendor = _edges(g, "MADE_BY").query("src == @tool_id")["dst"].map(names(g, "Vendor")).tolist()
    types = _edges(g, "IS_A").query("src == @tool_id")["dst"].map(names(g, "AIType")).tolist()
    facts = {
        "Vendor": ", ".join(vendor), "AI type": ", ".join(types), "First release": t.get("first_release"),
        "Status": t.get("status"), "Deployment": t.get("deployment"), "Open weights": t.get("open_weights"),
        "Vendor states training data is licensed": t.get("training_data_licensed"), "URL": t.get("url"),
    }
    st.write(t.get("description") or "")
    st.table(pd.DataFrame({"": [("" if v is None or v != v else str(v)) for v in facts.values()]}, index=facts))
    st.subheader("Capabilities")
    prov = _edges(g, "PROVIDES").query("src == @tool_id").copy()
    prov["capability"] = prov["dst"].map(names(g, "Capability"))
    st.dataframe(prov[["capability", "level", "since", "confidence"]], hide_index=True)
    st.subheader("Limitations")
    lim_names = names(g, "Limitation")
    direct = _edges(g, "HAS_LIMITATION").query("src == @tool_id").assign(via="this tool")
    via_cap = _edges(g, "CONSTRAINED_BY")
    via_cap = via_cap[via_cap["src"].isin(prov["dst"])].assign(via=lambda d: d["src"].map(names(g, "Capability")))
    lims = pd.concat([direct, via_cap], ignore_index=True)
    lims["limitation"] = lims["dst"].map(lim_names)
    st.dataframe(lims[["limitation", "via", "justification"]].drop_duplicates(), hide_index=True)
    st.subheader("Sources")
    sources_table(g, [t.get("source_ids"), *prov["source_ids"], *direct["source_ids"]])


def capability_page() -> None:
    st.title("Capability")
    g = load_or_explain()
    if g is None:
        return
    cap_id = pick("Capability", names(g, "Capability"), "capability")
    if cap_id is None:
        return
    c = g.node(cap_id)
    st.header(c["name"])
    st.write(c.get("description") or "")
    ms = g.nodes.get("Milestone", pd.DataFrame(columns=["id", "date", "level", "description", "source_ids"]))
    marks = _edges(g, "MARKS").query("dst == @cap_id")
    ms = ms[ms["id"].isin(marks["src"])].sort_values("date")
    try:
        from explorer.charts import maturity_chart

        maturity_chart(g, cap_id, ms)
    except ImportError:
        pass
    st.subheader(f"Milestones ({len(ms)})")
    st.dataframe(ms[["date", "level", "description"]], hide_index=True)
    st.subheader("Tools")
    prov = _edges(g, "PROVIDES").query("dst == @cap_id").copy()
    prov["tool"] = prov["src"].map(names(g, "Tool"))
    st.dataframe(prov[["tool", "level", "since"]], hide_index=True)
    st.subheader("Limitations holding it back")
    lims = _edges(g, "CONSTRAINED_BY").query("src == @cap_id").copy()
    ln = g.nodes.get("Limitation", pd.DataFrame(columns=["id", "name", "kind", "severity"]))
    lims = lims.merge(ln[["id", "name", "kind", "severity"]], left_on="dst", right_on="id", suffixes=("_link", ""))
    st.dataframe(lims[["name", "kind", "severity", "justification"]], hide_index=True)
    st.subheader("Tasks it performs")
    perf = _edges(g, "PERFORMS").query("src == @cap_id").copy()
    task_text = {**names(g, "Task", "text"), **names(g, "WorkActivity", "title")}
    perf["task"] = perf["dst"].map(task_text)
    st.dataframe(perf[["task", "weight", "mode", "rationale"]], hide_index=True)
    st.subheader("Sources")
    sources_table(g, [c.get("source_ids"), *ms["source_ids"], *lims["source_ids"], *perf["source_ids"]])


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
    counts = _edges(g, "IS_A").groupby("dst").size()
    type_names = names(g, "AIType")
    for _, t in types.sort_values("id").iterrows():
        with st.expander(f"{t['name']}  ({int(counts.get(t['id'], 0))} tools)", expanded=False):
            if t["id"] in parent:
                st.caption(f"A kind of {type_names.get(parent[t['id']], parent[t['id']])}")
            st.write(t["definition"])
            if isinstance(t.get("inputs"), str):
                st.markdown(f"**Needs as input:** {t['inputs']}")
            if isinstance(t.get("examples"), str):
                st.markdown(f"**Examples:** {t['examples']}")
