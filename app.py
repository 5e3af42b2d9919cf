"""CraftGraph explorer: `craftgraph explore` or `streamlit run app.py`.

Serves the current snapshot of $CRAFTGRAPH_HOME (building one first when there is none, from
$CRAFTGRAPH_CATALOG or data/catalog, with $CRAFTGRAPH_SOURCES if set). With NEO4J_URI set and reachable
the Cypher console and the graph view can also read from Neo4j.

Page modules are imported when their page is first shown, so the first page does not wait for the
others' dependencies; after a page has run, the exposure engine is compiled in the background.
"""

from __future__ import annotations

import importlib

import streamlit as st

from explorer import nav

st.set_page_config(page_title="CraftGraph", page_icon=":material/hub:", layout="wide")


def lazy(module: str, func: str):
    def run() -> None:
        getattr(importlib.import_module(f"explorer.pages.{module}"), func)()

    run.__name__ = f"{module}_{func}"  # st.Page derives a default name and url from the function
    return run


def page(module: str, func: str, title: str, url_path: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(lazy(module, func), title=title, url_path=url_path, icon=icon, default=default)


exposure = {
    "overview": page("exposure_pages", "overview_page", "Overview", "overview", ":material/leaderboard:", True),
    "craft": page("exposure_pages", "craft_page", "Craft", "craft", ":material/construction:"),
    "occupation": page("exposure_pages", "occupation_page", "Occupation", "occupation", ":material/work:"),
    "scenarios": page("exposure_pages", "scenarios_page", "Scenarios", "scenarios", ":material/tune:"),
}
catalog = {
    "tool": page("catalog_pages", "tool_page", "Tool", "tool", ":material/smart_toy:"),
    "capability": page("catalog_pages", "capability_page", "Capability", "capability", ":material/trending_up:"),
    "ai_types": page("catalog_pages", "ai_types_page", "AI types", "ai-types", ":material/category:"),
}
explore = {
    "graph": page("graph_view", "page", "Graph", "graph", ":material/hub:"),
    "cypher": page("cypher", "page", "Cypher console", "cypher", ":material/terminal:"),
    "data": page("data_sources", "page", "Data and sources", "data", ":material/dataset:"),
}
nav.PAGES.update({**exposure, **catalog, **explore})
st.navigation(
    {"Exposure": list(exposure.values()), "Catalog": list(catalog.values()), "Explore": list(explore.values())}
).run()

from explorer import state  # noqa: E402 - after the page: nothing here may delay it

state.prewarm_engine()
