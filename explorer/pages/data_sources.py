"""Data and sources: the build manifest, source versions and licences, every table, the data dictionary."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from explorer.state import choice, load_or_explain, neo4j_status, table
from graph.export import LICENCES
from graph.schema import data_dictionary


def page() -> None:
    st.title("Data and sources")
    g = load_or_explain()
    if g is None:
        return
    m = g.manifest
    c1, c2, c3 = st.columns(3)
    c1.metric("Build", m["build_id"])
    c2.metric("Nodes", f"{m['counts']['total_nodes']:,}")
    c3.metric("Relationships", f"{m['counts']['total_edges']:,}")
    st.caption(
        f"Created {m['created']} · content hash {m['content_hash']} · schema {m.get('schema_version', '')} · "
        f"snapshot {g.path}"
    )
    st.caption(neo4j_status()[1])
    if m.get("changes"):
        st.subheader(f"What changed since {m.get('previous_build_id')}")
        st.write("\n".join(f"- {line}" for line in m["changes"]))
    st.subheader("Counts")
    counts = [{"kind": k, "name": n, "count": v} for k in ("nodes", "edges") for n, v in m["counts"][k].items()]
    table(pd.DataFrame(counts), "counts")
    if m.get("public_sources"):
        st.subheader("Public sources in this build")
        ps = m["public_sources"]
        if isinstance(ps, dict):
            rows = [{"source": k, **(v if isinstance(v, dict) else {"value": v})} for k, v in ps.items()]
            table(pd.DataFrame(rows).astype(str), "public-sources")
        else:
            st.json(ps, expanded=False)
    if m.get("notes"):
        st.subheader("Notes")
        st.write("\n".join(f"- {n}" for n in m["notes"]))
    st.subheader("Input files")
    table(pd.DataFrame(m["inputs"]), "input-files")
    st.subheader("Cited sources")
    src = g.nodes.get("Source", pd.DataFrame())
    table(
        src.drop(columns=["origin", "source_ids"], errors="ignore"),
        "sources",
        column_config={"url": st.column_config.LinkColumn("url")},
    )

    st.subheader("Browse a table")
    kinds = [f"node:{n}" for n in sorted(g.nodes)] + [f"edge:{n}" for n in sorted(g.edges)]
    which = choice(
        "Table",
        kinds,
        "table",
        "node:Craft" if "node:Craft" in kinds else kinds[0],
        fmt=lambda k: ("Nodes: " if k.startswith("node:") else "Relationships: ") + k.split(":", 1)[1],
    )
    kind, name = which.split(":", 1)
    df = (g.nodes if kind == "node" else g.edges)[name]
    st.caption(f"{len(df):,} rows")
    shown = df.head(5000)
    if len(df) > len(shown):
        st.caption("The first 5,000 rows are shown; the CSV has every row.")
    st.dataframe(_printable(shown), hide_index=True)
    from explorer.state import csv_bytes

    st.download_button(
        "Download CSV",
        csv_bytes(df),
        f"{kind}-{name}.csv",
        "text/csv",
        key="dl-browse",
        on_click="ignore",
        icon=":material/download:",
        type="tertiary",
    )

    st.subheader("Licences and attribution")
    st.markdown(LICENCES)
    with st.expander("Data dictionary"):
        st.markdown(data_dictionary())
    st.download_button(
        "Download manifest (JSON)",
        json.dumps(m, indent=2),
        "manifest.json",
        "application/json",
        key="dl-manifest",
        on_click="ignore",
    )


def _printable(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object and out[c].map(lambda v: isinstance(v, (list, tuple))).any():
            out[c] = out[c].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out
