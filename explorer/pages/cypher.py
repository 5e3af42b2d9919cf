"""Cypher console: read-only, with parameters, a timeout and a row cap; results as a table and CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from explorer.state import load_or_explain, neo4j_status
from graph.embedded import QueryError

QUERIES = Path(__file__).resolve().parents[2] / "graph" / "queries"


def examples() -> dict[str, str]:
    out = {}
    for p in sorted(QUERIES.glob("*.cypher")):
        out[p.stem] = p.read_text()
    return out


def run_query(text: str, params: dict, timeout_s: float, row_cap: int, use_neo4j: bool) -> tuple[pd.DataFrame, bool]:
    if use_neo4j:
        from graph.neo4j_store import connect_env

        with connect_env() as store:
            res = store.query(text, params, timeout_s=timeout_s, row_cap=row_cap)
    else:
        res = load_or_explain().run(text, params, timeout_s=timeout_s, row_cap=row_cap)
    return pd.DataFrame(res.rows, columns=res.columns), res.truncated


def page() -> None:
    st.title("Cypher console")
    st.caption("Read-only: queries that would change the graph are refused. Pass values as parameters.")
    g = load_or_explain()
    if g is None:
        return
    ok, status = neo4j_status()
    st.caption(status)
    ex = examples()
    choice = st.selectbox("Example queries (graph/queries)", ["(write your own)", *ex])
    default = ex.get(choice, "MATCH (t:Tool)-[:PROVIDES]->(c:Capability)\nRETURN t.name, c.name LIMIT 25")
    text = st.text_area("Cypher", default, height=180, key=f"cypher-{choice}")
    params_text = st.text_area("Parameters (JSON object)", "{}", height=68)
    c1, c2, c3 = st.columns(3)
    timeout_s = c1.number_input("Timeout (s)", 1.0, 120.0, 10.0)
    row_cap = int(c2.number_input("Row cap", 1, 50_000, 1_000))
    use_neo4j = c3.toggle("Run on Neo4j", value=False, disabled=not ok)
    if st.button("Run", type="primary"):
        try:
            params = json.loads(params_text or "{}")
            if not isinstance(params, dict):
                raise ValueError("parameters must be a JSON object")
        except ValueError as e:
            st.error(f"Parameters: {e}")
            return
        try:
            df, truncated = run_query(text, params, timeout_s, row_cap, use_neo4j)
        except QueryError as e:
            st.error(str(e))
            return
        except Exception as e:  # noqa: BLE001 - Neo4j errors are shown, not raised
            st.error(f"{type(e).__name__}: {e}")
            return
        if truncated:
            st.warning(f"Only the first {row_cap} rows are shown: raise the row cap to see more.")
        st.dataframe(df.astype(str), hide_index=True)
        st.download_button("Download CSV", df.to_csv(index=False), "query.csv", "text/csv")
