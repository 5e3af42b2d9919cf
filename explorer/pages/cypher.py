"""Cypher console: read-only, with parameters, a timeout and a row cap; results as a table and CSV.

Runs on the embedded snapshot (LadybugDB), or on Neo4j (READ access mode) when it is configured and
reachable. The query, its parameters and the store are kept in the URL so a result can be linked."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from explorer.state import csv_bytes, load_or_explain, neo4j_status, neo4j_store, store_toggle
from graph.embedded import QueryError

QUERIES = Path(__file__).resolve().parents[2] / "graph" / "queries"
DEFAULT_QUERY = "MATCH (t:Tool)-[:PROVIDES]->(c:Capability)\nRETURN t.name AS tool, c.name AS capability\nLIMIT 25"


def examples() -> dict[str, str]:
    return {p.stem: p.read_text() for p in sorted(QUERIES.glob("*.cypher"))}


def header(text: str) -> str:
    """The comment lines at the top of a .cypher file (what it answers, its parameters)."""
    lines = []
    for line in text.splitlines():
        if line.strip().startswith("//"):
            lines.append(line.strip()[2:].strip())
        elif line.strip():
            break
    return "\n".join(lines)


def run_query(g, text: str, params: dict, timeout_s: float, row_cap: int, use_neo4j: bool) -> tuple[pd.DataFrame, bool]:
    if use_neo4j:
        with neo4j_store() as store:
            res = store.query(text, params, timeout_s=timeout_s, row_cap=row_cap)
    else:
        res = g.run(text, params, timeout_s=timeout_s, row_cap=row_cap)
    return pd.DataFrame(res.rows, columns=res.columns), res.truncated


def _display(df: pd.DataFrame) -> pd.DataFrame:
    """Values as text for display (lists, maps and nodes do not fit Arrow's typed columns)."""
    return df.map(
        lambda v: (
            json.dumps(v, default=str, ensure_ascii=False)
            if isinstance(v, (list, dict))
            else ("" if v is None else str(v))
        )
    )


def page() -> None:
    st.title("Cypher console")
    st.caption(
        "Read-only: queries that would change the graph are refused. Pass values as parameters "
        "(`$name` in the query, a JSON object below)."
    )
    g = load_or_explain()
    if g is None:
        return
    ok, status = neo4j_status()
    (st.caption if ok or "not configured" in status else st.warning)(status)
    ex = examples()
    qp = st.query_params
    options = ["(write your own)", *ex]
    wanted = qp.get("example")
    choice = st.selectbox(
        "Example queries (graph/queries)",
        options,
        index=options.index(wanted) if wanted in options else 0,
        key="cypher-example",
    )
    if choice != "(write your own)":
        st.query_params["example"] = choice
        if header(ex[choice]):
            st.caption(header(ex[choice]))
    elif "example" in qp:
        del st.query_params["example"]
    default = qp.get("q") if choice == "(write your own)" and qp.get("q") else ex.get(choice, DEFAULT_QUERY)
    text = st.text_area("Cypher", default, height=180, key=f"cypher-text-{choice}")
    params_text = st.text_area("Parameters (JSON object)", qp.get("params", "{}"), height=68, key="cypher-params")
    c1, c2, c3 = st.columns(3)
    timeout_s = c1.number_input("Timeout (s)", 1.0, 120.0, 10.0, key="cypher-timeout")
    row_cap = int(c2.number_input("Row cap", 1, 50_000, 1_000, key="cypher-cap"))
    use_neo4j = store_toggle("Run on Neo4j", "cypher-neo4j", container=c3)
    run = st.button("Run", type="primary", key="cypher-run")
    link = (qp.get("q"), qp.get("params"), qp.get("example"))
    auto = qp.get("run") == "1" and st.session_state.get("_cypher-linked") != link
    st.session_state["_cypher-linked"] = link
    if run or auto:
        execute(g, text, params_text, timeout_s, row_cap, use_neo4j)
    show_result()


def execute(g, text: str, params_text: str, timeout_s: float, row_cap: int, use_neo4j: bool) -> None:
    st.session_state.pop("cypher-result", None)
    try:
        params = json.loads(params_text or "{}")
        if not isinstance(params, dict):
            raise ValueError("parameters must be a JSON object")
    except ValueError as e:
        st.error(f"Parameters: {e}")
        return
    # keep the query in the URL: the link re-runs it
    st.query_params["q"] = text
    st.query_params["run"] = "1"
    if params:
        st.query_params["params"] = json.dumps(params)
    elif "params" in st.query_params:
        del st.query_params["params"]
    try:
        with st.spinner("Running…"):
            df, truncated = run_query(g, text, params, timeout_s, row_cap, use_neo4j)
    except QueryError as e:
        st.error(str(e))
        return
    except Exception as e:
        st.error(f"{type(e).__name__}: {e}")
        return
    st.session_state["cypher-result"] = (_display(df), truncated, row_cap, use_neo4j)
    st.session_state["_cypher-linked"] = (
        st.query_params.get("q"),
        st.query_params.get("params"),
        st.query_params.get("example"),
    )


def show_result() -> None:
    if "cypher-result" not in st.session_state:
        return
    df, truncated, row_cap, use_neo4j = st.session_state["cypher-result"]
    st.caption(f"{len(df)} row(s) from {'Neo4j' if use_neo4j else 'the embedded snapshot'}")
    if truncated:
        st.warning(f"Only the first {row_cap} rows are shown: raise the row cap to see more.")
    st.dataframe(df, hide_index=True, key="cypher-table")
    st.download_button(
        "Download CSV",
        csv_bytes(df),
        "query.csv",
        "text/csv",
        key="dl-query",
        on_click="ignore",
        icon=":material/download:",
    )
