"""Data shared by every page, loaded once per snapshot and cached across sessions."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

import graph
from graph import snapshot
from graph.store import Graph


def home() -> Path:
    return snapshot.default_home()


@st.cache_resource(show_spinner="Loading the graph…")
def _graph(build_id: str, path: str) -> Graph:
    return Graph(Path(path))


def get_graph() -> Graph:
    """The current snapshot; a new build is picked up on the next rerun."""
    snap = snapshot.current_dir(home())
    return _graph(snap.name, str(snap))


@st.cache_data(ttl=30, show_spinner=False)
def neo4j_status() -> tuple[bool, str]:
    """Whether a Neo4j server is configured and reachable, and a line to show."""
    if not os.environ.get("NEO4J_URI"):
        return False, "Neo4j not configured (set NEO4J_URI); using the embedded store."
    try:
        from graph.neo4j_store import Neo4jError, connect_env

        with connect_env() as store:
            store.ping()
        return True, f"Neo4j at {os.environ['NEO4J_URI']}"
    except ImportError:
        return False, "Neo4j support is not installed; using the embedded store."
    except Exception as e:  # noqa: BLE001 - any failure means: fall back, and say why
        kind = "Neo4j is unreachable" if not isinstance(e, Neo4jError) else str(e)
        return False, f"{kind} ({os.environ['NEO4J_URI']}); using the embedded store."


def names(g: Graph, label: str, col: str = "name") -> dict[str, str]:
    df = g.nodes.get(label)
    if df is None:
        return {}
    return dict(zip(df["id"], df[col], strict=True))


def pick(label: str, options: dict[str, str], key: str, default: str | None = None) -> str | None:
    """A selectbox over ids shown by name, mirrored in the URL query parameter `key`."""
    if not options:
        st.info(f"No {label} in this build.")
        return None
    ids = sorted(options, key=lambda i: str(options[i]).lower())
    wanted = st.query_params.get(key, default)
    index = ids.index(wanted) if wanted in ids else 0
    chosen = st.selectbox(label, ids, index=index, format_func=lambda i: f"{options[i]}  ({i})", key=f"pick-{key}")
    st.query_params[key] = chosen
    return chosen


def sources_table(g: Graph, source_ids) -> None:
    """The sources behind a set of facts, as a table with links."""
    ids = sorted({s for sids in source_ids for s in (sids or [])})
    df = g.nodes.get("Source")
    if df is None or not ids:
        st.caption("No sources.")
        return
    rows = df[df["id"].isin(ids)][["id", "title", "publisher", "date", "url", "kind", "vendor_claim"]]
    st.dataframe(rows, hide_index=True, column_config={"url": st.column_config.LinkColumn("url")})


def load_or_explain() -> Graph | None:
    try:
        return get_graph()
    except snapshot.SnapshotError as e:
        st.error(f"{e}. Build one with `craftgraph build`.")
        return None
