"""A pyvis neighbourhood view around any node, with label and relationship filters and a node cap."""

from __future__ import annotations

import networkx as nx
import streamlit as st
import streamlit.components.v1 as components
from pyvis.network import Network

from explorer.nav import PAGES
from explorer.state import load_or_explain
from graph.schema import NODES, RELS

COLOURS = {
    "Tool": "#1f77b4", "Capability": "#ff7f0e", "Limitation": "#d62728", "Craft": "#2ca02c",
    "Task": "#9467bd", "Occupation": "#8c564b", "Milestone": "#e377c2", "Source": "#7f7f7f",
    "Department": "#bcbd22", "AIType": "#17becf", "Vendor": "#aec7e8", "WorkActivity": "#c5b0d5",
}
PAGE_OF = {"Tool": "tool", "Capability": "capability", "Craft": "craft", "Occupation": "occupation"}


def neighbourhood(G: nx.MultiDiGraph, centre: str, depth: int, labels: set[str], rels: set[str], cap: int):
    """Breadth-first neighbourhood (both directions) with filters; returns (nodes, edges, cut)."""
    seen = [centre]
    frontier = [centre]
    cut = False
    for _ in range(depth):
        nxt = []
        for n in frontier:
            for _, m, k in [*G.out_edges(n, keys=True), *((m, n, k) for m, _, k in G.in_edges(n, keys=True))]:
                if k not in rels or G.nodes[m].get("label") not in labels or m in seen:
                    continue
                if len(seen) >= cap:
                    cut = True
                    break
                seen.append(m)
                nxt.append(m)
        frontier = nxt
    keep = set(seen)
    edges = [(a, b, k) for a, b, k in G.subgraph(keep).edges(keys=True) if k in rels]
    return seen, edges, cut


def render(G: nx.MultiDiGraph, nodes: list[str], edges, centre: str) -> str:
    net = Network(height="620px", width="100%", directed=True, cdn_resources="in_line")
    for n in nodes:
        d = G.nodes[n]
        label = d.get("label", "")
        title = d.get("name") or d.get("title") or d.get("text") or d.get("description") or n
        net.add_node(n, label=str(title)[:40], title=f"{label}: {n}", color=COLOURS.get(label, "#999999"),
                     size=28 if n == centre else 14)
    for a, b, k in edges:
        net.add_edge(a, b, title=k, label=k if len(edges) < 60 else "")
    return net.generate_html(notebook=False)


def page() -> None:
    st.title("Graph")
    g = load_or_explain()
    if g is None:
        return
    G = g.nx()
    centre = st.text_input("Centre node id", st.query_params.get("node", "craft:picture-editor"))
    if centre not in G:
        matches = [n for n in G if centre.lower() in n.lower()][:20]
        st.warning(f"No node {centre!r}." + (f" Did you mean: {', '.join(matches)}" if matches else ""))
        return
    st.query_params["node"] = centre
    c1, c2, c3 = st.columns(3)
    depth = c1.slider("Depth", 1, 3, 2)
    cap = c2.slider("Node cap", 10, 400, 120)
    labels = set(c3.multiselect("Labels", [n.name for n in NODES], [n.name for n in NODES if n.name != "Source"]))
    rels = set(st.multiselect("Relationships", [r.name for r in RELS], [r.name for r in RELS if r.name != "CITES"]))
    nodes, edges, cut = neighbourhood(G, centre, depth, labels | {G.nodes[centre]["label"]}, rels, cap)
    if cut:
        st.warning(f"The neighbourhood has more than {cap} nodes: only the first {cap} are shown. "
                   "Narrow the labels or relationships, lower the depth or raise the cap.")
    st.caption(f"{len(nodes)} nodes, {len(edges)} relationships")
    components.html(render(G, nodes, edges, centre), height=640)
    st.subheader("Open a node's page")
    linkable = [n for n in nodes if G.nodes[n].get("label") in PAGE_OF]
    for n in linkable[:30]:
        label = G.nodes[n]["label"]
        name = G.nodes[n].get("name") or G.nodes[n].get("title") or n
        st.page_link(PAGES[PAGE_OF[label]], label=f"{label}: {name}", query_params={PAGE_OF[label]: n})
