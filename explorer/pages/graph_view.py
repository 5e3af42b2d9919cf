"""A pyvis neighbourhood view around any node, with label and relationship filters, a node cap, and
click-through: click a node to centre the view on it, double-click to open its page. Read from the
embedded snapshot, or from Neo4j when it is configured and reachable."""

from __future__ import annotations

import json

import networkx as nx
import streamlit as st
from pyvis.network import Network

from explorer.nav import PAGES
from explorer.state import choice, load_or_explain, neo4j_status, neo4j_store, store_toggle, table
from graph.schema import NODE_BY_NAME, NODES, RELS, label_of_id
from graph.store import Graph

COLOURS = {
    "Tool": "#1f77b4",
    "Capability": "#ff7f0e",
    "Limitation": "#d62728",
    "Craft": "#2ca02c",
    "Task": "#9467bd",
    "Occupation": "#8c564b",
    "Milestone": "#e377c2",
    "Source": "#7f7f7f",
    "Department": "#bcbd22",
    "AIType": "#17becf",
    "Vendor": "#aec7e8",
    "WorkActivity": "#c5b0d5",
}
PAGE_OF = {
    "Tool": ("tool", "tool"),
    "Capability": ("capability", "capability"),
    "Craft": ("craft", "craft"),
    "Occupation": ("occupation", "occupation"),
}
DEFAULT_CENTRE = "craft:picture-editor"
HIDDEN_LABELS = ("Source", "Milestone", "ExposureScore")  # shown only when picked in the filters
HIDDEN_RELS = ("CITES", "HAS_SCORE")


def title_of(d: dict, node_id: str) -> str:
    for k in ("name", "title", "text", "description"):
        v = d.get(k)
        if isinstance(v, str) and v:
            return v
    return node_id


def neighbourhood(G: nx.MultiDiGraph, centre: str, depth: int, labels: set[str], rels: set[str], cap: int):
    """Breadth-first neighbourhood (both directions) with filters; returns (nodes, edges, cut)."""
    seen = [centre]
    seen_set = {centre}
    frontier = [centre]
    cut = False
    for _ in range(depth):
        nxt = []
        for n in frontier:
            nbrs = [(b, k) for _, b, k in G.out_edges(n, keys=True)] + [(a, k) for a, _, k in G.in_edges(n, keys=True)]
            for m, k in nbrs:
                if k not in rels or G.nodes[m].get("label") not in labels or m in seen_set:
                    continue
                if len(seen) >= cap:
                    cut = True
                    break
                seen.append(m)
                seen_set.add(m)
                nxt.append(m)
            if cut:
                break
        frontier = nxt
        if cut:
            break
    edges = [(a, b, k) for a, b, k in G.subgraph(seen_set).edges(keys=True) if k in rels]
    return seen, edges, cut


NEO4J_STEP = """
UNWIND $frontier AS fid
MATCH (a:`{label}` {{id: fid}})-[r]-(b)
WHERE type(r) IN $rels AND any(l IN labels(b) WHERE l IN $labels) AND NOT b.id IN $seen
RETURN DISTINCT b.id AS id, head([l IN labels(b) WHERE l IN $labels]) AS label, properties(b) AS props
LIMIT $limit
"""
NEO4J_EDGES = """
UNWIND $ids AS i
MATCH (a {id: i})-[r]->(b)
WHERE b.id IN $ids AND type(r) IN $rels
RETURN a.id AS src, b.id AS dst, type(r) AS rel
"""


def neo4j_neighbourhood(centre: str, depth: int, labels: set[str], rels: set[str], cap: int):
    """The same neighbourhood read from Neo4j (labels come from the schema; every value is a parameter)."""
    clabel = label_of_id(centre)
    if clabel is None:
        raise KeyError(centre)
    G = nx.MultiDiGraph()
    with neo4j_store() as store:
        res = store.query(f"MATCH (n:`{clabel}` {{id: $id}}) RETURN properties(n) AS props", {"id": centre}, row_cap=1)
        if not res.rows:
            raise KeyError(centre)
        G.add_node(centre, **dict(res.rows[0][0]), label=clabel)
        seen, frontier, cut = [centre], [centre], False
        for _ in range(depth):
            nxt = []
            by_label: dict[str, list[str]] = {}
            for f in frontier:
                by_label.setdefault(label_of_id(f) or "", []).append(f)
            for lab, ids in by_label.items():
                if lab not in NODE_BY_NAME:
                    continue
                room = cap - len(seen)
                if room <= 0:
                    cut = True
                    break
                res = store.query(
                    NEO4J_STEP.format(label=lab),
                    {"frontier": ids, "rels": sorted(rels), "labels": sorted(labels), "seen": seen, "limit": room + 1},
                    row_cap=room + 1,
                )
                for i, lab_b, props in res.rows:
                    if i in G:
                        continue
                    if len(seen) >= cap:
                        cut = True
                        break
                    G.add_node(i, **dict(props or {}), label=lab_b)
                    seen.append(i)
                    nxt.append(i)
            frontier = nxt
            if cut or not frontier:
                break
        res = store.query(NEO4J_EDGES, {"ids": seen, "rels": sorted(rels)}, row_cap=50_000)
        for a, b, k in res.rows:
            G.add_edge(a, b, key=k, type=k)
    edges = list(G.edges(keys=True))
    return G, seen, edges, cut


CLICK_JS = """
<script>
(function() {
  function go(params) {
    try {
      var w = window.parent;
      var url = new URL(w.location.href);
      url.search = new URLSearchParams(params).toString();
      var a = w.document.createElement('a');
      a.href = url.toString();
      a.target = '_self';
      w.document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (e) { console.log('craftgraph: navigation failed', e); }
  }
  function setup() {
    if (typeof network === 'undefined') { return setTimeout(setup, 100); }
    network.on('click', function(p) {
      if (p.nodes.length && p.nodes[0] !== CENTRE) { go(Object.assign({}, KEEP, {node: p.nodes[0]})); }
    });
    network.on('doubleClick', function(p) {
      if (!p.nodes.length) return;
      var target = PAGES[p.nodes[0]];
      if (target) {
        var w = window.parent, url = new URL(w.location.href);
        var base = url.pathname.replace(/[^/]*$/, '');
        var a = w.document.createElement('a');
        a.href = base + target[0] + '?' + new URLSearchParams(target[1]).toString();
        a.target = '_self'; w.document.body.appendChild(a); a.click(); a.remove();
      }
    });
  }
  setup();
})();
</script>
"""


def render(G: nx.MultiDiGraph, nodes: list[str], edges, centre: str, keep: dict | None = None) -> str:
    net = Network(height="620px", width="100%", directed=True, cdn_resources="in_line")
    net.toggle_physics(True)
    pages = {}
    for n in nodes:
        d = G.nodes[n]
        label = d.get("label", "")
        title = title_of(d, n)
        net.add_node(
            n,
            label=str(title)[:40],
            title=f"{label}: {title} ({n})",
            color=COLOURS.get(label, "#999999"),
            size=28 if n == centre else 14,
        )
        if label in PAGE_OF and PAGE_OF[label][0] in PAGES:
            url_path = PAGES[PAGE_OF[label][0]].url_path
            pages[n] = [url_path, {PAGE_OF[label][1]: n}]
    for a, b, k in edges:
        net.add_edge(a, b, title=k, label=k if len(edges) < 60 else "")
    html = net.generate_html(notebook=False)
    js = (
        CLICK_JS.replace("CENTRE", json.dumps(centre))
        .replace("KEEP", json.dumps(keep or {}))
        .replace("PAGES", json.dumps(pages))
    )
    return html.replace("</body>", js + "</body>")


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs={Graph: lambda g: g.build_id})
def _embedded_view(g: Graph, centre: str, depth: int, labels: tuple, rels: tuple, cap: int, keep: tuple):
    G = g.nx()
    nodes, edges, cut = neighbourhood(G, centre, depth, set(labels), set(rels), cap)
    return render(G, nodes, edges, centre, dict(keep)), nodes, [G.nodes[n] | {"id": n} for n in nodes], len(edges), cut


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs={Graph: lambda g: g.build_id})
def _search(g: Graph, text: str, limit: int = 50) -> list[tuple[str, str, str]]:
    text = text.lower().strip()
    out = []
    for label, df in g.nodes.items():
        col = next((c for c in ("name", "title", "text") if c in df.columns), None)
        if col is None:
            continue
        hits = df[
            df[col].astype(str).str.lower().str.contains(text, regex=False)
            | df["id"].str.lower().str.contains(text, regex=False)
        ]
        out += [(i, label, str(v)) for i, v in zip(hits["id"], hits[col], strict=True)]
        if len(out) >= limit:
            break
    return out[:limit]


def page() -> None:
    st.title("Graph")
    g = load_or_explain()
    if g is None:
        return
    G = g.nx()
    _, status = neo4j_status()
    centre = st.query_params.get("node") or (DEFAULT_CENTRE if DEFAULT_CENTRE in G else _first_craft(g))
    c0, c1 = st.columns([3, 2])
    find = c0.text_input("Find a node (name or id)", key="graph-find", placeholder="e.g. editor, voice, runway")
    if find:
        hits = _search(g, find)
        if hits:
            picked = c1.selectbox(
                "Matches",
                [h[0] for h in hits],
                format_func=lambda i: next(f"{lab}: {name}" for h_id, lab, name in hits if h_id == i),
                key=f"graph-hits-{find}",
            )
            if c1.button("Centre here", key="graph-centre"):
                st.query_params["node"] = picked
                st.rerun()
        else:
            c1.caption("No match.")
    if centre not in G:
        matches = [n for n in G if centre.lower() in n.lower()][:20]
        st.warning(f"No node {centre!r}." + (f" Did you mean: {', '.join(matches)}" if matches else ""))
        return
    st.query_params["node"] = centre
    c1, c2, c3 = st.columns(3)
    depth = int(choice("Depth", [1, 2, 3], "depth", 2, container=c1, kind="segmented"))
    cap = int(choice("Node cap", [25, 50, 100, 150, 250, 400], "cap", 100, container=c2, kind="slider"))
    use_neo4j = store_toggle("Read from Neo4j", "graph-neo4j", container=c3)
    with st.expander("Filters", expanded=False):
        labels = set(
            st.multiselect(
                "Labels",
                [n.name for n in NODES],
                [n.name for n in NODES if n.name not in HIDDEN_LABELS],
                key="graph-labels",
            )
        )
        rels = set(
            st.multiselect(
                "Relationships",
                [r.name for r in RELS],
                [r.name for r in RELS if r.name not in HIDDEN_RELS],
                key="graph-rels",
            )
        )
    labels |= {G.nodes[centre]["label"]}
    keep = (("depth", str(depth)), ("cap", str(cap)))
    if "store" in st.query_params:
        keep += (("store", st.query_params["store"]),)
    if use_neo4j:
        try:
            G2, nodes, edges, cut = neo4j_neighbourhood(centre, depth, labels, rels, cap)
        except KeyError:
            st.warning(f"Neo4j has no node {centre!r}: is the current build loaded (`craftgraph neo4j load`)?")
            return
        except Exception as e:
            st.warning(f"Neo4j failed ({e}); showing the embedded snapshot instead.")
            use_neo4j = False
        else:
            html = render(G2, nodes, edges, centre, dict(keep))
            rows = [G2.nodes[n] | {"id": n} for n in nodes]
            n_edges = len(edges)
            st.caption(f"Read from Neo4j · {status}")
    if not use_neo4j:
        html, nodes, rows, n_edges, cut = _embedded_view(
            g, centre, depth, tuple(sorted(labels)), tuple(sorted(rels)), cap, keep
        )
    if cut:
        st.warning(
            f"The neighbourhood has more than {cap} nodes: only the first {cap} are shown. "
            "Narrow the labels or relationships, lower the depth or raise the cap."
        )
    st.caption(
        f"{len(nodes)} nodes, {n_edges} relationships · click a node to centre on it, double-click to open its page"
    )
    st.iframe(html, height=640)
    st.subheader("Open a node's page")
    linkable = [r for r in rows if r.get("label") in PAGE_OF and PAGE_OF[r["label"]][0] in PAGES]
    cols = st.columns(3)
    for i, r in enumerate(linkable[:30]):
        page_key, param = PAGE_OF[r["label"]]
        cols[i % 3].page_link(
            PAGES[page_key], label=f"{r['label']}: {title_of(r, r['id'])}", query_params={param: r["id"]}
        )
    with st.expander("Nodes in this view"):
        import pandas as pd

        table(
            pd.DataFrame([{"id": r["id"], "label": r.get("label"), "name": title_of(r, r["id"])} for r in rows]),
            f"graph-{centre}",
        )


def _first_craft(g: Graph) -> str:
    df = g.nodes.get("Craft")
    if df is not None and len(df):
        return str(df["id"].iloc[0])
    return next(iter(g.label_index))
