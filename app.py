"""CraftGraph explorer: `craftgraph explore` or `streamlit run app.py`.

Serves the current snapshot of $CRAFTGRAPH_HOME (building one first when there is none, from
$CRAFTGRAPH_CATALOG or data/catalog, with the public sources when they are available: see
graph.pipeline.choose_sources). A catalog-only snapshot shows a banner on every page. With NEO4J_URI set and reachable
the Cypher console and the graph view can also read from Neo4j.

Each page is a script under explorer/pages, registered by path (explorer/nav.py): Streamlit runs only the
page shown. After it has run, the exposure engine is compiled in the background for the next pages.
"""

from __future__ import annotations

import streamlit as st

from explorer import nav

st.set_page_config(page_title="CraftGraph", page_icon=":material/hub:", layout="wide")
page = nav.navigation()

from explorer import ui  # noqa: E402 - the pages import it too: no delay

ui.catalog_only_banner()  # reads the current manifest only
page.run()

ui.prewarm()
