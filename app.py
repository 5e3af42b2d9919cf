"""CraftGraph explorer: `craftgraph explore` or `streamlit run app.py`.

Serves the current snapshot of $CRAFTGRAPH_HOME (building one first when there is none, from
$CRAFTGRAPH_CATALOG or data/catalog, with the public sources when they are available: see
graph.pipeline.choose_sources). A catalog-only snapshot shows a banner on every page. With NEO4J_URI set and reachable
the Cypher console and the graph view can also read from Neo4j.

Each page is a script under explorer/pages, registered by path (explorer/nav.py): Streamlit runs only the
page shown. The shell itself imports only the light explorer.quick (no pandas): the first page (Start) reads
the snapshot's first-page view written at build time; once a page has run, the graph is loaded and the
exposure engine compiled in a background thread for the next pages.
"""

from __future__ import annotations

import streamlit as st

from explorer import nav, quick

quick.skip_repl_check()
st.set_page_config(page_title="CraftGraph", page_icon=":material/hub:", layout="wide")
page = nav.navigation()
quick.catalog_only_banner()  # reads the current manifest only
page.run()

quick.prewarm()
