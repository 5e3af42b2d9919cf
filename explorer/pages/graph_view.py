"""Graph: by default a craft's story (craft → tasks → capabilities → tools, limitations on the side, each
column capped and the caps said); or a neighbourhood around any node, with label and relationship filters
and a node cap. Click a node to centre a neighbourhood on it, double-click to open its page; hover an edge
for what it says. The neighbourhood reads the embedded snapshot, or Neo4j when configured and reachable.
Offline: vis-network is inlined, nothing is loaded from a CDN."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import lookup, nav, neighbourhood, neo4j_status, story, ui
from explorer.cache import Build
from explorer.neighbourhood import HIDDEN_LABELS, HIDDEN_RELS, PAGE_OF, title_of
from explorer.ui import table
from explorer.widgets import bound, param, pick, set_param, store_toggle
from graph.schema import NODES, RELS

PAGE_URLS = {label: nav.PAGES[page].url_path for label, (page, _) in PAGE_OF.items()}
VIEWS = ["Craft story", "Neighbourhood"]
STORY_NOTE = "Craft → tasks → capabilities → tools; limitations on the right. Hover an edge for what it says."


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
    return b.memo(("graph-view", *args), lambda: neighbourhood.embedded_view(light_graph(b), *args, page_urls))


def light_graph(b: Build):
    """The networkx graph the neighbourhood view walks (built once per build, on first use)."""
    return b.memo(("light-nx",), lambda: neighbourhood.light_nx(b.graph))


def node_links(rows: list[dict]) -> None:
    st.subheader("Open a node's page")
    linkable = [r for r in rows if r.get("label") in PAGE_OF]
    cols = st.columns(3)
    for i, r in enumerate(linkable[:30]):
        page, param = PAGE_OF[r["label"]]
        nav.link(page, f"{r['label']}: {title_of(r, r['id'])}", cols[i % 3], **{param: r["id"]})


def story_view(b: Build) -> None:
    """The chosen craft's story (the craft is shared with the Craft page through the URL)."""
    crafts = lookup.names(b, "Craft")
    c1, c2 = st.columns([3, 2])
    craft = pick("Craft", crafts, "craft", neighbourhood.default_centre(b.graph), container=c1, show_id=False)
    if craft is None:
        return
    per = int(bound(c2.select_slider, "Show up to (per column)", [5, 8, 12, 20, 40], "per", value=12))
    keep = (("view", "Neighbourhood"), ("depth", "1"))
    page_urls = tuple(sorted(PAGE_URLS.items()))
    html, s = b.memo(("graph-story", craft, per, keep), lambda: _story_html(b, craft, per, keep, page_urls))
    hidden = s.hidden()
    if hidden:
        st.warning(
            f"Showing {s.summary()}: the ones carrying the most exposure weight. Hidden: "
            + ", ".join(f"{n} {story.PLURAL[lab]}" for lab, n in hidden.items())
            + ". Raise “Show up to” to see more.",
            icon=":material/visibility_off:",
        )
    else:
        st.caption(f"Showing all of the story: {s.summary()}.")
    if s.unreached_tasks:
        st.caption(f"{s.unreached_tasks} of the craft's tasks are reached by no capability in the catalog (not shown).")
    if s.G.number_of_nodes() == 1:
        st.info(
            "No capability in the catalog reaches this craft's tasks: it is not assessed, so there is no story yet."
        )
    st.caption("Click a node to explore around it; double-click to open its page.")
    st.iframe(html, height=640)
    node_links([s.G.nodes[n] | {"id": n} for n in s.G.nodes])


def _story_html(b: Build, craft: str, per: int, keep: tuple, page_urls: tuple):
    s = story.craft_story(b.graph, craft, per_column=per)
    nodes = list(s.G.nodes)
    html = neighbourhood.render(s.G, nodes, list(s.G.edges(keys=True)), craft, dict(keep), dict(page_urls), STORY_NOTE)
    return html, s


def main() -> None:
    b = ui.page(
        "Graph",
        "A craft's story (its tasks, the capabilities that reach them, the tools that provide them and the "
        "limitations holding them back), or the neighbourhood of any node.",
    )
    if b is None:
        return
    default_view = VIEWS[1] if param("node") else VIEWS[0]
    view = bound(st.segmented_control, "View", VIEWS, "view", default=default_view, required=True)
    if view == VIEWS[0]:
        story_view(b)
        return
    if not b.has(("light-nx",)):
        with st.spinner("Preparing the graph view (once)…"):
            light_graph(b)
    G = light_graph(b)
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
    keep = (("view", VIEWS[1]), ("depth", str(depth)), ("cap", str(cap)))
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
