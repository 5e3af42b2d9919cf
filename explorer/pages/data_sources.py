"""Data and sources: the build manifest, source versions and licences, the data dictionary."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from explorer.state import load_or_explain
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
    st.caption(f"Created {m['created']} · content hash {m['content_hash']}")
    if m.get("changes"):
        st.subheader(f"What changed since {m.get('previous_build_id')}")
        st.write("\n".join(f"- {line}" for line in m["changes"]))
    st.subheader("Counts")
    counts = [{"kind": k, "name": n, "count": v} for k in ("nodes", "edges") for n, v in m["counts"][k].items()]
    st.dataframe(pd.DataFrame(counts), hide_index=True)
    if m.get("public_sources"):
        st.subheader("Public sources in this build")
        st.json(m["public_sources"], expanded=False)
    if m.get("notes"):
        st.subheader("Notes")
        st.write("\n".join(f"- {n}" for n in m["notes"]))
    st.subheader("Input files")
    st.dataframe(pd.DataFrame(m["inputs"]), hide_index=True)
    st.subheader("Cited sources")
    src = g.nodes.get("Source", pd.DataFrame())
    st.dataframe(src.drop(columns=["origin", "source_ids"], errors="ignore"), hide_index=True,
                 column_config={"url": st.column_config.LinkColumn("url")})
    st.download_button("Download sources (CSV)", src.to_csv(index=False), "sources.csv", "text/csv")
    st.markdown(LICENCES)
    with st.expander("Data dictionary"):
        st.markdown(data_dictionary())
    st.download_button("Download manifest (JSON)", json.dumps(m, indent=2), "manifest.json", "application/json")
