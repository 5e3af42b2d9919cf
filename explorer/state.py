"""Data shared by every page, loaded once per snapshot and cached across sessions; small UI helpers."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from graph import settings, snapshot
from graph.store import Graph

NEO4J_CONNECT_TIMEOUT_S = 3.0


def home() -> Path:
    return snapshot.default_home()


@st.cache_resource(show_spinner="No snapshot yet: building the graph (once)…")
def _build_first(home_path: str) -> str:
    """Build a snapshot when the home has none (once per process, whatever the number of sessions)."""
    from graph.pipeline import ensure_snapshot

    snap, _ = ensure_snapshot(Path(home_path))
    return snap.name


@st.cache_resource(show_spinner="Loading the graph…", max_entries=2)
def _graph(build_id: str, path: str) -> Graph:
    return Graph(Path(path))


def get_graph() -> Graph:
    """The current snapshot; a new build is picked up on the next rerun. Builds one if there is none."""
    h = home()
    try:
        snap = snapshot.current_dir(h)
    except snapshot.SnapshotError:
        _build_first(str(h))
        snap = snapshot.current_dir(h)
    return _graph(snap.name, str(snap))


def prewarm_engine() -> None:
    """Compile the exposure engine of the current snapshot in the background, if the graph is loaded."""
    try:
        snap = snapshot.current_dir(home())
    except snapshot.SnapshotError:
        return
    from explorer import data

    data.prewarm(snap.name, str(snap))


def load_or_explain() -> Graph | None:
    try:
        return get_graph()
    except snapshot.SnapshotError as e:
        st.error(f"{e}. Build one with `craftgraph build`.")
    except Exception as e:
        problems = getattr(e, "problems", None)
        if problems:
            st.error(
                f"There is no snapshot yet and building one found {len(problems)} problem(s). "
                "Fix them (or run `craftgraph build --catalog DIR`) and reload."
            )
            st.code("\n".join(map(str, problems[:200])), language=None)
        else:
            st.error(f"Could not load the graph: {type(e).__name__}: {e}")
    return None


# ----------------------------------------------------------------------------------------- Neo4j


def neo4j_configured() -> bool:
    return bool(settings.current().neo4j_uri)


def neo4j_status() -> tuple[bool, str]:
    """Whether a Neo4j server is configured and reachable, and a line to show."""
    info = neo4j_info()
    return info["ok"], info["message"]


def store_toggle(label: str, key: str, container=None) -> bool:
    """A toggle "read from Neo4j", mirrored in the URL as store=neo4j|embedded. On by default when Neo4j
    is reachable and holds the same build as the embedded snapshot; disabled (with the reason) when it
    is not reachable."""
    ok, status = neo4j_status()
    wanted = st.query_params.get("store")
    default = ok and (wanted == "neo4j" or (wanted is None and neo4j_default()))
    skey = f"{key}-{default}"  # a link that names the store sets the toggle
    value = (container or st).toggle(label, value=default, disabled=not ok, help=status, key=skey)
    use = bool(ok and value)
    if ok:
        if st.query_params.get("store") != ("neo4j" if use else "embedded"):
            st.query_params["store"] = "neo4j" if use else "embedded"
    elif "store" in st.query_params:
        del st.query_params["store"]
    return use


def neo4j_default() -> bool:
    """Read from Neo4j by default when it is reachable and holds the same build as the embedded snapshot."""
    return bool(neo4j_info()["in_sync"])


@st.cache_data(ttl=30, show_spinner=False)
def neo4j_info() -> dict:
    """{ok, message, build, in_sync}: checked at most every 30 s (a short connection timeout)."""
    uri = settings.current().neo4j_uri
    out = {"ok": False, "build": None, "in_sync": False}
    if not uri:
        return out | {"message": "Neo4j not configured (set NEO4J_URI to use a server); using the embedded store."}
    try:
        from graph.neo4j_store import connect
    except ImportError:
        return out | {"message": "Neo4j support is not installed; using the embedded store."}
    try:
        with connect(connection_timeout=NEO4J_CONNECT_TIMEOUT_S, retry_time=0.0) as store:
            loaded = store.loaded_build()
    except Exception as e:
        return out | {"message": f"Neo4j is unavailable: {_one_line(e)}. Using the embedded store."}
    if not loaded:
        return out | {"ok": True, "message": f"Neo4j at {uri} (no CraftGraph build loaded: run `craftgraph load`)"}
    loaded_id = loaded.get("id") or loaded.get("build_id")
    note = " (still loading)" if loaded.get("loading") else ""
    try:
        current = snapshot.current_dir(home()).name
    except snapshot.SnapshotError:
        current = None
    if current and loaded_id != current:
        note += f"; the embedded snapshot is {current}: run `craftgraph load` to bring Neo4j up to date"
    in_sync = bool(current and loaded_id == current and not loaded.get("loading"))
    return {"ok": True, "build": loaded_id, "in_sync": in_sync, "message": f"Neo4j at {uri}, build {loaded_id}{note}"}


def _one_line(e: Exception) -> str:
    text = str(e) or type(e).__name__
    return re.sub(r"\s+", " ", text).strip()[:300]


@contextlib.contextmanager
def neo4j_store():
    from graph.neo4j_store import connect

    with connect(connection_timeout=NEO4J_CONNECT_TIMEOUT_S, retry_time=0.0) as store:
        yield store


# ----------------------------------------------------------------------------------------- helpers


def names(g: Graph, label: str, col: str = "name") -> dict[str, str]:
    return _names(g.build_id, label, col, g)


@st.cache_data(show_spinner=False, hash_funcs={Graph: lambda g: g.build_id})
def _names(build_id: str, label: str, col: str, g: Graph) -> dict[str, str]:
    df = g.nodes.get(label)
    if df is None or col not in df.columns:
        return {}
    return {i: (n if isinstance(n, str) else i) for i, n in zip(df["id"], df[col], strict=True)}


def node(g: Graph, node_id: str) -> dict:
    """A node's properties (with its label), from a per-build index (Graph.node filters a whole frame)."""
    label = g.label_index.get(node_id)
    if label is None:
        return {}
    return dict(_records(g.build_id, label, g).get(node_id, {}), label=label)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs={Graph: lambda g: g.build_id})
def _records(build_id: str, label: str, g: Graph) -> dict[str, dict]:
    df = g.nodes.get(label)
    if df is None:
        return {}
    return {r["id"]: r for r in df.to_dict("records")}


def neighbours(g: Graph, rel: str, node_id: str, direction: str = "out") -> list[str]:
    """Ids at the other end of `rel` relationships from (out) or to (in) a node, from a per-build index."""
    return _adjacency(g.build_id, rel, direction, g).get(node_id, [])


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs={Graph: lambda g: g.build_id})
def _adjacency(build_id: str, rel: str, direction: str, g: Graph) -> dict[str, list[str]]:
    df = g.edges.get(rel)
    out: dict[str, list[str]] = {}
    if df is None:
        return out
    a, b = ("src", "dst") if direction == "out" else ("dst", "src")
    for x, y in zip(df[a], df[b], strict=True):
        out.setdefault(x, []).append(y)
    return out


def query_param(key: str, default=None):
    return st.query_params.get(key, default)


def synced(widget, label: str, options: list, key: str, default=None, **kw):
    """A widget over `options` whose value is mirrored in the URL query parameter `key` (as str(value)).

    A link that carries `?key=value` sets the widget; the user's changes update the URL, so any view can
    be copied and shared. Values not among the options are ignored."""
    options = list(options)
    by_str = {str(o): o for o in options}
    skey, seen = f"w-{key}", f"_qp-{key}"
    qp = st.query_params.get(key)
    if qp in by_str and (skey not in st.session_state or qp != st.session_state.get(seen)):
        st.session_state[skey] = by_str[qp]
    elif st.session_state.get(skey) not in options:
        st.session_state[skey] = default if default in options else options[0]
    else:
        st.session_state[skey] = st.session_state[skey]  # keep the value across pages (widget state is per page)
    value = widget(label, options, key=skey, **kw)
    st.session_state[seen] = str(value)
    if st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)
    return value


def pick(
    label: str, options: dict[str, str], key: str, default: str | None = None, container=None, show_id: bool = True
) -> str | None:
    """A selectbox over ids shown by name, mirrored in the URL query parameter `key`."""
    if not options:
        st.info(f"No {label.lower()} in this build.")
        return None
    ids = sorted(options, key=lambda i: str(options[i]).lower())
    fmt = (lambda i: f"{options[i]}  ({i})") if show_id else (lambda i: str(options[i]))
    return synced((container or st).selectbox, label, ids, key, default, format_func=fmt)


def choice(label: str, values: list, key: str, default=None, container=None, fmt=None, kind: str = "select"):
    """A selectbox, radio or select slider over plain values, mirrored in the URL query parameter `key`."""
    box = container or st
    kw = {"format_func": fmt} if fmt else {}
    if kind == "radio":
        return synced(box.radio, label, values, key, default, horizontal=True, **kw)
    if kind == "slider":
        return synced(box.select_slider, label, values, key, default, **kw)
    if kind == "segmented":
        return synced(
            lambda lab, opts, **k: box.segmented_control(lab, opts, required=True, **k),
            label,
            values,
            key,
            default,
            **kw,
        )
    return synced(box.selectbox, label, values, key, default, **kw)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "table"


def table(df: pd.DataFrame, name: str, *, key: str | None = None, download: bool = True, **kw) -> None:
    """A table with a CSV download of exactly what it shows (lists joined with `;`); the CSV is made when
    the button is clicked, not on every rerun."""
    st.dataframe(df, hide_index=kw.pop("hide_index", True), **kw)
    if download:
        st.download_button(
            "Download CSV",
            lambda: csv_bytes(df),
            f"{slug(name)}.csv",
            "text/csv",
            key=key or f"dl-{slug(name)}",
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
        )


def csv_bytes(df: pd.DataFrame) -> bytes:
    out = df.copy()
    for c in out.columns:
        if out[c].map(lambda v: isinstance(v, (list, tuple))).any():
            out[c] = out[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out.to_csv(index=False).encode("utf-8")


def source_ids_of(values) -> list[str]:
    out: set[str] = set()
    for v in values:
        if v is None:
            continue
        if isinstance(v, str):
            out.update(s.strip() for s in v.split(";") if s.strip())
        elif isinstance(v, float):
            continue
        else:
            try:
                out.update(str(s) for s in v if s)
            except TypeError:
                continue
    return sorted(out)


def sources_frame(g: Graph, source_ids) -> pd.DataFrame:
    ids = source_ids_of(source_ids)
    df = g.nodes.get("Source")
    cols = ["id", "title", "publisher", "date", "url", "kind", "vendor_claim"]
    if df is None or not ids:
        return pd.DataFrame(columns=cols)
    return df[df["id"].isin(ids)][[c for c in cols if c in df.columns]].reset_index(drop=True)


def sources_table(g: Graph, source_ids, name: str = "sources", key: str | None = None) -> None:
    """The sources behind a set of facts, as a table with links and a CSV download."""
    rows = sources_frame(g, source_ids)
    if not len(rows):
        st.caption("No sources.")
        return
    table(rows, name, key=key, column_config={"url": st.column_config.LinkColumn("url")})


def pct(x) -> str:
    try:
        if x is None or x != x:
            return "–"
        return f"{100 * float(x):.0f}%"
    except (TypeError, ValueError):
        return "–"
