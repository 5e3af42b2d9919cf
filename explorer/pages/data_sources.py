"""Data and sources: the build manifest, source versions and licences, every table, the data dictionary."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from explorer import neo4j_status, ui
from explorer.cache import Build
from explorer.formatting import join_lists
from explorer.ui import download_csv, table
from explorer.widgets import choice
from graph.export import LICENCES
from graph.schema import data_dictionary

BROWSE_ROWS = 5000


def build_facts(b: Build) -> None:
    m = b.graph.manifest
    c1, c2, c3 = st.columns(3)
    c1.metric("Build", m["build_id"])
    c2.metric("Nodes", f"{m['counts']['total_nodes']:,}")
    c3.metric("Relationships", f"{m['counts']['total_edges']:,}")
    st.caption(
        f"Created {m['created']} · content hash {m['content_hash']} · schema {m.get('schema_version', '')} · "
        f"snapshot {b.path}"
    )
    st.caption(neo4j_status.status().message)
    if m.get("changes"):
        st.subheader(f"What changed since {m.get('previous_build_id')}")
        st.write("\n".join(f"- {line}" for line in m["changes"]))
    st.subheader("Counts")
    counts = [{"kind": k, "name": n, "count": v} for k in ("nodes", "edges") for n, v in m["counts"][k].items()]
    table(pd.DataFrame(counts), "counts")


def inputs(b: Build) -> None:
    m = b.graph.manifest
    ps = m.get("public_sources")
    if ps:
        st.subheader("Public sources in this build")
        if isinstance(ps, dict):
            rows = [{"source": k, **(v if isinstance(v, dict) else {"value": v})} for k, v in ps.items()]
            table(join_lists(pd.DataFrame(rows), "; ").astype(str), "public-sources")
        else:
            st.json(ps, expanded=False)
    if m.get("notes"):
        st.subheader("Notes")
        st.write("\n".join(f"- {n}" for n in m["notes"]))
    st.subheader("Input files")
    table(pd.DataFrame(m["inputs"]), "input-files")
    st.subheader("Cited sources")
    src = b.graph.nodes.get("Source", pd.DataFrame())
    table(
        src.drop(columns=["origin", "source_ids"], errors="ignore"),
        "sources",
        column_config={"url": st.column_config.LinkColumn("url")},
    )


def browse(b: Build) -> None:
    st.subheader("Browse a table")
    g = b.graph
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
    shown = df.head(BROWSE_ROWS)
    if len(df) > len(shown):
        st.caption(f"The first {BROWSE_ROWS:,} rows are shown; the CSV has every row.")
    st.dataframe(join_lists(shown, "; "), hide_index=True)
    download_csv(df, f"{kind}-{name}.csv", "dl-browse")


def licences_markdown(text: str = LICENCES) -> str:
    """The licences as Markdown under the page's own heading: its title line dropped (said once), and
    Markdown's emphasis characters escaped so "O*NET" stays as written (the attribution O*NET requires)."""
    lines = text.strip().splitlines()
    if lines and lines[0].startswith("#"):
        lines = lines[1:]
    body = "\n".join(lines).strip()
    return body.replace("*", "\\*")


def main() -> None:
    b = ui.page("Data and sources", "What this build contains, where every fact comes from, and the licences.")
    if b is None:
        return
    build_facts(b)
    inputs(b)
    browse(b)
    st.subheader("Licences and attribution")
    st.markdown(licences_markdown())
    with st.expander("Data dictionary"):
        st.markdown(data_dictionary())
    st.download_button(
        "Download manifest (JSON)",
        json.dumps(b.graph.manifest, indent=2),
        "manifest.json",
        "application/json",
        key="dl-manifest",
        on_click="ignore",
    )


main()
