"""Graph: a pyvis neighbourhood view around any node, with label and relationship filters, a node cap, and
click-through (click a node to centre the view on it, double-click to open its page). Read from the
embedded snapshot, or from Neo4j when it is configured and reachable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import nav, neighbourhood, neo4j_status, ui
from explorer.cache import Build
from explorer.neighbourhood import HIDDEN_LABELS, HIDDEN_RELS, PAGE_OF, title_of
from explorer.ui import table
from explorer.widgets import bound, param, set_param, store_toggle
from graph.schema import NODES, RELS

PAGE_URLS = {label: nav.PAGES[page].url_path for label, (page, _) in PAGE_OF.items()}


def find(b: Build) -> None:
    """Search by name or id; "Centre here" moves the view."""
    c0, c1 = st.columns([3, 2])
    text = c0.text_input("Find a node (name or id)", key="graph-find", placeholder="e.g. editor, voice, runway")
    if not text:
        return
    hits = b.memo(("graph-search", text), lambda: neighbourhood.search(b.graph, text))
    if not hits:
        c1.caption("No match.")
        return
    label_of = {h_id: f"{lab}: {name}" for h_id, lab, name in hits}
    picked = c1.selectbox("Matches", list(label_of), format_func=label_of.get, key=f"graph-hits-{text}")
    if c1.button("Centre here", key="graph-centre"):
        set_param("node", picked)
        st.rerun()


def filters() -> tuple[set[str], set[str]]:
    with st.expander("Filters", expanded=False):
        labels = st.multiselect(
            "Labels",
            [n.name for n in NODES],
            [n.name for n in NODES if n.name not in HIDDEN_LABELS],
            key="graph-labels",
        )
        rels = st.multiselect(
            "Relationships",
            [r.name for r in RELS],
            [r.name for r in RELS if r.name not in HIDDEN_RELS],
            key="graph-rels",
        )
    return set(labels), set(rels)


def from_neo4j(centre: str, depth: int, labels: set[str], rels: set[str], cap: int, keep: tuple):
    """(html, nodes, rows, n_edges, cut) read from Neo4j, or None (with a warning) when that fails."""
    try:
        with neo4j_status.store() as store:
            G, nodes, edges, cut = neighbourhood.neo4j_neighbourhood(store, centre, depth, labels, rels, cap)
    except KeyError:
        st.warning(f"Neo4j has no node {centre!r}: is the current build loaded (`craftgraph neo4j load`)?")
        st.stop()
    except Exception as e:  # fall back to the embedded store, saying why
        st.warning(f"Neo4j failed ({e}); showing the embedded snapshot instead.")
        return None
    html = neighbourhood.render(G, nodes, edges, centre, dict(keep), PAGE_URLS)
    st.caption(f"Read from Neo4j · {neo4j_status.status().message}")
    return html, nodes, [G.nodes[n] | {"id": n} for n in nodes], len(edges), cut


def from_embedded(b: Build, centre: str, depth: int, labels: set[str], rels: set[str], cap: int, keep: tuple):
    args = (centre, depth, tuple(sorted(labels)), tuple(sorted(rels)), cap, keep)
    page_urls = tuple(sorted(PAGE_URLS.items()))
    return b.memo(("graph-view", *args), lambda: neighbourhood.embedded_view(b.graph, *args, page_urls))


def node_links(rows: list[dict]) -> None:
    st.subheader("Open a node's page")
    linkable = [r for r in rows if r.get("label") in PAGE_OF]
    cols = st.columns(3)
    for i, r in enumerate(linkable[:30]):
        page, param = PAGE_OF[r["label"]]
        nav.link(page, f"{r['label']}: {title_of(r, r['id'])}", cols[i % 3], **{param: r["id"]})


def main() -> None:
    b = ui.page("Graph", "A craft's story: its tasks, the capabilities that reach them, the tools that provide them.")
    if b is None:
        return
    G = b.graph.nx()
    centre = param("node") or neighbourhood.default_centre(b.graph)
    find(b)
    if centre not in G:
        matches = [n for n in G if centre.lower() in n.lower()][:20]
        st.warning(f"No node {centre!r}." + (f" Did you mean: {', '.join(matches)}" if matches else ""))
        return
    set_param("node", centre)
    c1, c2, c3 = st.columns(3)
    depth = int(bound(c1.segmented_control, "Depth", [1, 2, 3], "depth", default=2, required=True))
    cap = int(bound(c2.select_slider, "Node cap", [25, 50, 100, 150, 250, 400], "cap", value=100))
    use_neo4j = store_toggle("Read from Neo4j", "graph-neo4j", container=c3)
    labels, rels = filters()
    labels |= {G.nodes[centre]["label"]}
    keep = (("depth", str(depth)), ("cap", str(cap)))
    if param("store"):
        keep += (("store", param("store")),)
    view = from_neo4j(centre, depth, labels, rels, cap, keep) if use_neo4j else None
    html, nodes, rows, n_edges, cut = view or from_embedded(b, centre, depth, labels, rels, cap, keep)
    if cut:
        gone = neighbourhood.hidden(G, centre, depth, labels, rels, nodes) if not use_neo4j else {}
        what = ", ".join(f"{n} {lab}" for lab, n in gone.items())
        st.warning(
            f"The neighbourhood has more than {cap} nodes: only the nearest {cap} are shown"
            + (f"; hidden: {what}" if what else "")
            + ". Narrow the labels or relationships, lower the depth or raise the cap."
        )
    st.caption(
        f"{len(nodes)} nodes, {n_edges} relationships · click a node to centre on it, double-click to open its page"
    )
    st.iframe(html, height=640)
    node_links(rows)
    with st.expander("Nodes in this view"):
        frame = pd.DataFrame([{"id": r["id"], "label": r.get("label"), "name": title_of(r, r["id"])} for r in rows])
        table(frame, f"graph-{centre}")


main()
