"""New roles: AI-related jobs appearing on productions, each with dated evidence of real hiring, the crafts
they grow from and the union that represents or could represent them (organising new classifications)."""

from __future__ import annotations

import streamlit as st

from explorer import ui
from explorer.ui import sources_table, table
from explorer.widgets import choice
from graph import bargaining as bg

STATUSES = ["All", "represented", "could be represented", "outside bargaining unit"]


def main() -> None:
    b = ui.page(
        "New roles",
        "AI-related roles with dated evidence that people are hired into them (postings, credits, company "
        "announcements, union agreements), the crafts they grow from and the unions that could organise them.",
    )
    if b is None:
        return
    roles = bg.roles(b.graph.nodes, b.graph.edges)
    if roles.empty:
        st.info("No roles in this build.")
        return
    status = choice("Union status", STATUSES, "union_status", "All", kind="segmented")
    shown = roles if status == "All" else roles[roles["union_status"] == status]
    counts = roles["union_status"].value_counts()
    st.caption(
        f"{len(roles)} roles: "
        + ", ".join(f"{n} {s}" for s, n in counts.items())
        + f". Earliest evidence {roles['evidence_date'].min()}, latest {roles['evidence_date'].max()}."
    )
    table(shown, "new-roles")
    names = dict(zip(shown["role"], shown["name"], strict=True))
    if not names:
        return
    role = st.selectbox("Sources for a role", list(names), format_func=lambda r: names[r], key="role-sources")
    node = b.graph.node(role) or {}
    st.markdown(f"**{names[role]}**: {node.get('description', '')}")
    if node.get("union_note"):
        st.caption(f"Union: {node['union_note']}")
    sources_table(b, node.get("source_ids") or [], "role-sources")


main()
