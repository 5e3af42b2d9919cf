"""Cypher console: read-only, with parameters, a timeout and a row cap; results as a table and CSV.

Runs on the embedded snapshot (LadybugDB), or on Neo4j (READ access mode) when it is configured and
reachable. The query, its parameters and the store are kept in the URL so a result can be linked."""

from __future__ import annotations

import json

import streamlit as st

from explorer import console, neo4j_status, ui
from explorer.cache import Build
from explorer.ui import download_csv
from explorer.widgets import param, set_param, store_toggle
from graph.embedded import NOTICE, EmbeddedCypher, QueryError, database_ready

RESULT = "cypher-result"
LINKED = "_cypher-linked"
SESSION = "_cypher-session"


def session_cypher(b: Build) -> EmbeddedCypher:
    """This browser session's own query engine on the build (a worker process of its own, so one user's
    slow query never holds up another's); replaced when the build changes."""
    held = st.session_state.get(SESSION)
    if held is not None and held[0] == b.graph.path:
        return held[1]
    if held is not None:
        held[1].close()
    runner = b.graph.session()
    st.session_state[SESSION] = (b.graph.path, runner)
    return runner


def pick_example(examples: dict[str, str]) -> str:
    """The example selectbox (URL: example=NAME); its name, or console.OWN."""
    options = [console.OWN, *examples]
    wanted = param("example")
    name = st.selectbox(
        "Example queries (graph/queries)",
        options,
        index=options.index(wanted) if wanted in options else 0,
        key="cypher-example",
    )
    set_param("example", None if name == console.OWN else name)
    if name != console.OWN and console.header(examples[name]):
        st.caption(console.header(examples[name]))
    return name


def execute(b: Build, text: str, params_text: str, timeout_s: float, row_cap: int, use_neo4j: bool) -> None:
    """Run the query, keep it in the URL (the link re-runs it) and the result in the session."""
    st.session_state.pop(RESULT, None)
    try:
        params = console.parse_params(params_text)
    except ValueError as e:
        st.error(f"Parameters: {e}")
        return
    set_param("q", text)
    set_param("run", "1")
    set_param("params", json.dumps(params) if params else None)
    creating = not use_neo4j and not database_ready(b.graph.path)  # the first query on this snapshot
    try:
        with st.spinner(f"Running… ({NOTICE})" if creating else "Running…"):
            df, truncated = console.run_query(session_cypher(b), text, params, timeout_s, row_cap, use_neo4j)
    except QueryError as e:
        st.error(str(e))
        return
    except Exception as e:  # a driver or server error, shown on the page
        st.error(f"{type(e).__name__}: {e}")
        return
    st.session_state[RESULT] = (console.as_text(df), truncated, row_cap, use_neo4j)
    st.session_state[LINKED] = linked()


def linked() -> tuple:
    return param("q"), param("params"), param("example")


def show_result() -> None:
    if RESULT not in st.session_state:
        return
    df, truncated, row_cap, use_neo4j = st.session_state[RESULT]
    st.caption(f"{len(df)} row(s) from {'Neo4j' if use_neo4j else 'the embedded snapshot'}")
    if truncated:
        st.warning(f"Only the first {row_cap} rows are shown: raise the row cap to see more.")
    st.dataframe(df, hide_index=True, key="cypher-table")
    download_csv(df, "query.csv", "dl-query", type="secondary")


def main() -> None:
    b = ui.page(
        "Cypher console",
        "Read-only: queries that would change the graph are refused. Pass values as parameters "
        "(`$name` in the query, a JSON object below).",
    )
    if b is None:
        return
    s = neo4j_status.status()
    (st.caption if s.ok or "not configured" in s.message else st.warning)(s.message)
    examples = console.examples()
    name = pick_example(examples)
    own = param("q") if name == console.OWN else None
    text = st.text_area(
        "Cypher", own or examples.get(name, console.DEFAULT_QUERY), height=180, key=f"cypher-text-{name}"
    )
    params_text = st.text_area("Parameters (JSON object)", param("params", "{}"), height=68, key="cypher-params")
    c1, c2, c3 = st.columns(3)
    timeout_s = c1.number_input("Timeout (s)", 1.0, 120.0, 10.0, key="cypher-timeout")
    row_cap = int(c2.number_input("Row cap", 1, 50_000, 1_000, key="cypher-cap"))
    use_neo4j = store_toggle("Run on Neo4j", "cypher-neo4j", container=c3)
    run = st.button("Run", type="primary", key="cypher-run")
    auto = param("run") == "1" and st.session_state.get(LINKED) != linked()
    st.session_state[LINKED] = linked()
    if run or auto:
        execute(b, text, params_text, timeout_s, row_cap, use_neo4j)
    show_result()


main()
