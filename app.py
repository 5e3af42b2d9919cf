"""CraftGraph explorer: `craftgraph explore` or `streamlit run app.py`."""

from __future__ import annotations

import streamlit as st

from explorer import nav
from explorer.pages import catalog_pages, cypher, data_sources, graph_view

st.set_page_config(page_title="CraftGraph", layout="wide")

pages = {
    "tool": st.Page(catalog_pages.tool_page, title="Tool", url_path="tool"),
    "capability": st.Page(catalog_pages.capability_page, title="Capability", url_path="capability"),
    "ai_types": st.Page(catalog_pages.ai_types_page, title="AI types", url_path="ai-types"),
    "graph": st.Page(graph_view.page, title="Graph", url_path="graph"),
    "cypher": st.Page(cypher.page, title="Cypher console", url_path="cypher"),
    "data": st.Page(data_sources.page, title="Data and sources", url_path="data"),
}
try:
    from explorer.pages import exposure_pages

    pages = {**exposure_pages.pages(), **pages}
except ImportError:
    pass
nav.PAGES.update(pages)
st.navigation(list(pages.values())).run()
