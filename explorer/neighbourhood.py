"""The graph view's logic: a breadth-first neighbourhood around a node (from the embedded snapshot's
networkx graph or from Neo4j), with label and relationship filters and a node cap, drawn as a pyvis page
with click-through (click a node to centre the view on it, double-click to open its page). No Streamlit."""

from __future__ import annotations

import html as html_lib
import json
import re

import networkx as nx
from pyvis.network import Network

from graph.schema import NODE_BY_NAME, label_of_id
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


def neo4j_neighbourhood(store, centre: str, depth: int, labels: set[str], rels: set[str], cap: int):
    """The same neighbourhood read from Neo4j (labels come from the schema; every value is a parameter).
    store: a connected graph.neo4j_store.Neo4jStore. Returns (G, nodes, edges, cut); KeyError if no centre."""
    clabel = label_of_id(centre)
    if clabel is None:
        raise KeyError(centre)
    res = store.query(f"MATCH (n:`{clabel}` {{id: $id}}) RETURN properties(n) AS props", {"id": centre}, row_cap=1)
    if not res.rows:
        raise KeyError(centre)
    G = nx.MultiDiGraph()
    G.add_node(centre, **dict(res.rows[0][0]), label=clabel)
    seen, frontier, cut = [centre], [centre], False
    for _ in range(depth):
        frontier, cut = _neo4j_step(store, G, seen, frontier, labels, rels, cap)
        if cut or not frontier:
            break
    res = store.query(NEO4J_EDGES, {"ids": seen, "rels": sorted(rels)}, row_cap=50_000)
    for a, b, k in res.rows:
        G.add_edge(a, b, key=k, type=k)
    return G, seen, list(G.edges(keys=True)), cut


def _neo4j_step(store, G: nx.MultiDiGraph, seen: list[str], frontier: list[str], labels, rels, cap: int):
    """One breadth-first step from `frontier` (one query per label); adds nodes to G and seen.
    Returns (the next frontier, whether the cap cut it)."""
    by_label: dict[str, list[str]] = {}
    for f in frontier:
        by_label.setdefault(label_of_id(f) or "", []).append(f)
    nxt: list[str] = []
    for lab, ids in by_label.items():
        if lab not in NODE_BY_NAME:
            continue
        room = cap - len(seen)
        if room <= 0:
            return nxt, True
        params = {"frontier": ids, "rels": sorted(rels), "labels": sorted(labels), "seen": seen, "limit": room + 1}
        for i, lab_b, props in store.query(NEO4J_STEP.format(label=lab), params, row_cap=room + 1).rows:
            if i in G:
                continue
            if len(seen) >= cap:
                return nxt, True
            G.add_node(i, **dict(props or {}), label=lab_b)
            seen.append(i)
            nxt.append(i)
    return nxt, False


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
  function fit() {
    if (typeof network === 'undefined') { return setTimeout(fit, 100); }
    network.once('stabilizationIterationsDone', function() { network.fit(); });
    setTimeout(function() { network.fit(); }, 300);
  }
  setup();
  fit();
})();
</script>
"""


def tooltip(text: str) -> str:
    """A node's hover text, shown as text. vis-network shows a string title as text, but pyvis swaps in
    its own popup, which sets the title as HTML, as soon as any title contains "href"; a word joiner
    (invisible) inside every "href" keeps that popup out."""
    return text.replace("href", "h\u2060ref")


def wrap(text: str, width: int = 26, lines: int = 2) -> str:
    """A node's label on up to `lines` short lines (vis-network draws "\n" as a line break)."""
    out: list[str] = []
    for word in str(text).split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return "\n".join(out)


# vis-network options: readable labels, edge labels on hover (their title), no clipping (fit after layout)
BASE_OPTIONS = {
    "nodes": {"font": {"size": 16, "face": "sans-serif"}, "shape": "dot"},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "color": {"inherit": "from"}},
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": True},
}
PHYSICS = {"physics": {"stabilization": {"iterations": 300}, "barnesHut": {"springLength": 140}}}
LAYERED = {  # the craft story: one column per label, left to right
    "layout": {"hierarchical": {"enabled": True, "direction": "LR", "levelSeparation": 280, "nodeSpacing": 58}},
    "physics": {"enabled": False},
    "edges": {"smooth": {"type": "cubicBezier", "forceDirection": "horizontal"}},
}


def _options(layered: bool) -> str:
    opts = json.loads(json.dumps(BASE_OPTIONS))
    for k, v in (LAYERED if layered else PHYSICS).items():
        opts[k] = {**opts.get(k, {}), **v}
    return json.dumps(opts)


def rel_text(rel: str) -> str:
    return rel.replace("_", " ").lower()


def render(
    G: nx.MultiDiGraph,
    nodes: list[str],
    edges,
    centre: str,
    keep: dict | None = None,
    page_urls: dict[str, str] | None = None,
    note: str = "",
) -> str:
    """The pyvis page. page_urls: label -> url path of the page that shows nodes of that label (PAGE_OF).
    Nodes with a `level` are laid out in columns (the craft story); edges show their `title` (or their
    relationship) on hover."""
    page_urls = page_urls or {}
    net = Network(height="620px", width="100%", directed=True, cdn_resources="in_line")
    layered = any("level" in G.nodes[n] for n in nodes)
    net.set_options(_options(layered))
    pages = {}
    for n in nodes:
        d = G.nodes[n]
        label = d.get("label", "")
        title = title_of(d, n)
        extra = {"level": d["level"]} if layered and "level" in d else {}
        net.add_node(
            n,
            label=wrap(title),
            title=tooltip(f"{label}: {title} ({n})"),
            color=COLOURS.get(label, "#999999"),
            size=26 if n == centre else 13,
            **extra,
        )
        if label in PAGE_OF and label in page_urls:
            pages[n] = [page_urls[label], {PAGE_OF[label][1]: n}]
    for a, b, k in edges:
        data = G.get_edge_data(a, b, k) or {}
        net.add_edge(a, b, title=tooltip(str(data.get("title") or rel_text(k))))
    html = offline(net.generate_html(notebook=False))
    html = html.replace("<body>", "<body>" + legend({G.nodes[n].get("label", "") for n in nodes}, note), 1)
    js = (
        CLICK_JS.replace("CENTRE", json.dumps(centre))
        .replace("KEEP", json.dumps(keep or {}))
        .replace("PAGES", json.dumps(pages))
    )
    return html.replace("</body>", js + "</body>")


CDN_TAG = re.compile(r"<(?:link|script)\b[^>]*(?:href|src)=\"https?://[^\"]*\"[^>]*>(?:\s*</script>)?", re.I)


def offline(html: str) -> str:
    """The page without its remote assets: vis-network is inlined (cdn_resources="in_line"); pyvis still
    links Bootstrap from a CDN, which the view does not use, so those tags are removed."""
    return CDN_TAG.sub("", html)


def legend(labels: set[str], note: str = "") -> str:
    """A colour legend for the labels in view, and a note (HTML, escaped)."""
    items = "".join(
        f'<span style="margin-right:12px;white-space:nowrap"><span style="display:inline-block;width:11px;'
        f'height:11px;border-radius:50%;background:{COLOURS.get(lab, "#999999")};margin-right:4px"></span>'
        f"{html_lib.escape(lab)}</span>"
        for lab in sorted(x for x in labels if x)
    )
    tail = f'<span style="color:#555">{html_lib.escape(note)}</span>' if note else ""
    return f'<div id="legend" style="font:13px sans-serif;padding:4px 0">{items}{tail}</div>'


def hidden(G: nx.MultiDiGraph, centre: str, depth: int, labels: set[str], rels: set[str], shown: list[str]):
    """What the node cap hid: {label: count} of the nodes in the uncapped neighbourhood not shown."""
    every, _, _ = neighbourhood(G, centre, depth, labels, rels, cap=10**9)
    out: dict[str, int] = {}
    for n in set(every) - set(shown):
        lab = G.nodes[n].get("label", "")
        out[lab] = out.get(lab, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def light_nx(g: Graph) -> nx.MultiDiGraph:
    """The graph view's networkx graph: ids, labels and display names only, relationships keyed by type
    (a few seconds on the full data, against ~15 s for Graph.nx() with every property, which would hold
    the interpreter while other pages run)."""
    G = nx.MultiDiGraph()
    for label, df in g.nodes.items():
        col = next((c for c in ("name", "title", "text") if c in df.columns), None)
        names = df[col].astype(str) if col else df["id"]
        G.add_nodes_from((i, {"label": label, "name": n}) for i, n in zip(df["id"], names, strict=True))
    for rel, df in g.edges.items():
        G.add_edges_from((a, b, rel, {}) for a, b in zip(df["src"], df["dst"], strict=True))
    return G


def embedded_view(
    G: nx.MultiDiGraph, centre: str, depth: int, labels: tuple, rels: tuple, cap: int, keep: tuple, page_urls
):
    """(html, nodes, rows, number of edges, cut) of a neighbourhood in the embedded snapshot (G: light_nx)."""
    nodes, edges, cut = neighbourhood(G, centre, depth, set(labels), set(rels), cap)
    html = render(G, nodes, edges, centre, dict(keep), dict(page_urls))
    return html, nodes, [G.nodes[n] | {"id": n} for n in nodes], len(edges), cut


def search(g: Graph, text: str, limit: int = 50) -> list[tuple[str, str, str]]:
    """Nodes whose name (title, text) or id contains `text`: (id, label, name), at most `limit`."""
    text = text.lower().strip()
    out: list[tuple[str, str, str]] = []
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


def default_centre(g: Graph) -> str:
    """DEFAULT_CENTRE when the build has it, else its first craft (or any node)."""
    if DEFAULT_CENTRE in g.label_index:
        return DEFAULT_CENTRE
    df = g.nodes.get("Craft")
    if df is not None and len(df):
        return str(df["id"].iloc[0])
    return next(iter(g.label_index))
