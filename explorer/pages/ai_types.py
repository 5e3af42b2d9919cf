"""AI types: definitions written for a bargaining audience, with the catalog's tools of each type."""

from __future__ import annotations

import streamlit as st

from explorer import lookup, nav, ui
from explorer.cache import Build
from explorer.ui import table
from explorer.widgets import param


def tool_links(b: Build, type_id: str) -> None:
    tool_names = lookup.names(b, "Tool")
    tools = lookup.neighbours(b, "IS_A", type_id, direction="in")
    cols = st.columns(4)
    for i, tid in enumerate(sorted(tools, key=lambda x: str(tool_names.get(x, x)).lower())):
        nav.link("tool", str(tool_names.get(tid, tid)), cols[i % 4], tool=tid)


def main() -> None:
    b = ui.page("AI types", "Written for a bargaining audience: what each kind of AI does and what it needs.")
    if b is None:
        return
    types = b.graph.nodes.get("AIType")
    if types is None:
        st.info("No AI types in this build.")
        return
    sub = lookup.edges(b, "SUBTYPE_OF")
    parent = dict(zip(sub["src"], sub["dst"], strict=True))
    type_names = lookup.names(b, "AIType")
    opened = param("type")
    for _, t in types.sort_values("id").iterrows():
        n_tools = len(lookup.neighbours(b, "IS_A", t["id"], direction="in"))
        with st.expander(f"{t['name']}  ({n_tools} tools)", expanded=t["id"] == opened):
            if t["id"] in parent:
                st.caption(f"A kind of {type_names.get(parent[t['id']], parent[t['id']])}")
            st.write(t["definition"])
            if isinstance(t.get("inputs"), str):
                st.markdown(f"**Needs as input:** {t['inputs']}")
            if isinstance(t.get("examples"), str):
                st.markdown(f"**Examples:** {t['examples']}")
            tool_links(b, t["id"])
    table(types.drop(columns=["origin"], errors="ignore"), "ai-types")


main()
