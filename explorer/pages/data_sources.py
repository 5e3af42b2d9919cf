"""Data and sources: the build manifest, the public datasets in it, the evidence grades and claim dates of the
catalog, every table, the licences (each once, with O*NET's attribution as O*NET requires it), the data
dictionary."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from explorer import neo4j_status, ui
from explorer.cache import Build, memoized
from explorer.formatting import join_lists
from explorer.ui import download_csv, table
from explorer.widgets import choice
from graph.catalog_report import aggregator_only, freshness_summary, grade_mix
from graph.export import onet_attribution, onet_version
from graph.provenance import basis_counts, date_coverage
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
        st.subheader("Public datasets in this build")
        if isinstance(ps, dict):
            table(public_sources_frame(ps), "public-sources")
            with st.expander("Everything the build recorded about them (files, hashes, match rates)"):
                st.json(ps, expanded=False)
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


@memoized
def _evidence(b: Build) -> dict[str, pd.DataFrame]:
    g = b.graph
    agg = aggregator_only(g)
    return {
        "grades": grade_mix(g),
        "aggregator_only": agg[agg["claim"] == "(all)"],
        "known_on": date_coverage(g),
        "domains": freshness_summary(g),
        "bases": basis_counts(g),
    }


def evidence(b: Build) -> None:
    """The grade mix of the sources, the claims resting on aggregators only, claim dates and figure bases."""
    st.subheader("Evidence grades and claim dates")
    e = _evidence(b)
    agg = e["aggregator_only"]
    share = float(agg["share"].iloc[0]) if len(agg) else 0.0
    known = e["known_on"]
    dated_share = float(known["share_dated"].iloc[-1]) if len(known) else 0.0
    st.caption(
        f"Every source has an evidence grade (primary, secondary, vendor, aggregator). {share:.1%} of claims rest "
        f"on aggregator sources only. Every claim has a known-on date (when the fact became public): for "
        f"{dated_share:.1%} it is the fact's own date or its sources' publication date; for the rest, whose "
        "sources are undated, it is the day a source was read (the fact was public by then). Rules: "
        "docs/curation.md."
    )
    table(e["grades"], "grade-mix")
    with st.expander("Known-on dates by kind of claim, freshest and stalest domains, severities and weights"):
        table(e["known_on"], "claim-dates")
        table(e["domains"], "domain-freshness")
        table(e["bases"], "figure-bases")


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
    c1, c2 = st.columns([3, 1])
    c1.caption(f"{len(df):,} rows")
    ids = c2.toggle("Show ids", value=False, key="browse-ids", help="The CSV always has them")
    shown = df.head(BROWSE_ROWS)
    if len(df) > len(shown):
        st.caption(f"The first {BROWSE_ROWS:,} rows are shown; the CSV has every row.")
    if ids:
        st.dataframe(join_lists(shown, "; "), hide_index=True)
    else:
        table(shown, f"{kind}-{name}", download=False)
    download_csv(df, f"{kind}-{name}.csv", "dl-browse")


def public_sources_frame(ps: dict) -> pd.DataFrame:
    """One row per public dataset: what it is, its version, files and rows read, notes."""
    rows = []
    for key, v in ps.items():
        v = v if isinstance(v, dict) else {"title": str(v)}
        counts = v.get("rows") if isinstance(v.get("rows"), dict) else {}
        notes = v.get("notes") if isinstance(v.get("notes"), list) else []
        rows.append(
            {
                "dataset": v.get("title") or key,
                "version": v.get("version"),
                "files": len(v.get("files") or []),
                "rows_read": int(sum(x for x in counts.values() if isinstance(x, (int, float)))),
                "notes": "; ".join(map(str, notes)),
                "source_id": v.get("source") or key,
            }
        )
    return pd.DataFrame(rows)


def licence_rows(manifest: dict) -> pd.DataFrame:
    """The licence and citation of each public dataset in this build (data/sources.yaml), each once."""
    from ingest import sources_file

    ps = manifest.get("public_sources")
    used = {v.get("source") for v in ps.values() if isinstance(v, dict)} if isinstance(ps, dict) else set()
    try:
        listed = sources_file.load().sources
    except (OSError, ValueError):
        return pd.DataFrame()
    return pd.DataFrame(
        [
            {"dataset": s.title, "licence": s.licence, "citation": s.citation, "source_id": s.id}
            for s in listed
            if s.id in used
        ]
    )


def licences(b: Build) -> None:
    """Each licence once: the catalog's, O*NET's attribution (verbatim), then one row per public dataset in
    the build."""
    st.subheader("Licences and attribution")
    st.markdown(
        "The curated catalog is written by the CraftGraph team; every fact names its sources (the cited "
        "sources above). Vendor statements are marked as vendor claims."
    )
    version = onet_version(b.graph.manifest)
    if version or not b.graph.manifest.get("public_sources"):
        with st.container(border=True, key="onet-attribution"):
            st.markdown(onet_attribution(version).replace("*", "\\*"))  # escaped: "O*NET" as written
    rows = licence_rows(b.graph.manifest)
    if len(rows):
        table(rows, "licences")


def main() -> None:
    b = ui.page("Data and sources", "What this build contains, where every fact comes from, and the licences.")
    if b is None:
        return
    build_facts(b)
    inputs(b)
    evidence(b)
    browse(b)
    licences(b)
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
