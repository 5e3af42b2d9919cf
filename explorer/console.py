"""The Cypher console's logic: the example queries (graph/queries), parameters, running a read-only query on
the embedded snapshot or on Neo4j, and the result as text for display. No Streamlit."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from explorer import neo4j_status
from graph.cypher_policy import MAX_PARAM_DEPTH, check_params, json_depth
from graph.embedded import EmbeddedCypher
from graph.store import Graph

QUERIES = Path(__file__).resolve().parents[1] / "graph" / "queries"
DEFAULT_QUERY = "MATCH (t:Tool)-[:PROVIDES]->(c:Capability)\nRETURN t.name AS tool, c.name AS capability\nLIMIT 25"
OWN = "(write your own)"


def examples() -> dict[str, str]:
    """The example queries by name (file stem)."""
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


def parse_params(text: str) -> dict:
    """Query parameters from a JSON object; ValueError (one line) when it is not one, or nests too deep."""
    if json_depth(text or "") > MAX_PARAM_DEPTH:
        raise ValueError(f"nested more than {MAX_PARAM_DEPTH} levels deep")
    params = json.loads(text or "{}")
    if not isinstance(params, dict):
        raise ValueError("parameters must be a JSON object")
    return check_params(params)


def run_query(
    g: Graph | EmbeddedCypher, text: str, params: dict, timeout_s: float, row_cap: int, use_neo4j: bool
) -> tuple[pd.DataFrame, bool]:
    """(rows, truncated) of a read-only query on Neo4j or the embedded snapshot (`g`: the session's own
    EmbeddedCypher, see Graph.session)."""
    if use_neo4j:
        with neo4j_status.store() as store:
            res = store.query(text, params, timeout_s=timeout_s, row_cap=row_cap)
    else:
        res = g.run(text, params, timeout_s=timeout_s, row_cap=row_cap)
    return pd.DataFrame(res.rows, columns=res.columns), res.truncated


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Values as text for display (lists, maps and nodes do not fit Arrow's typed columns)."""
    return df.map(
        lambda v: (
            json.dumps(v, default=str, ensure_ascii=False)
            if isinstance(v, (list, dict))
            else ("" if v is None else str(v))
        )
    )
