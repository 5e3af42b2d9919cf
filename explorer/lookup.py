"""Catalog look-ups the pages share: names by id, a node's properties, neighbours, the sources behind a set
of facts. Per-build indices are memoized (explorer.cache); no Streamlit."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from explorer.cache import Build, memoized

SOURCE_COLUMNS = ["id", "title", "publisher", "date", "accessed", "url", "kind", "grade", "vendor_claim"]


def edges(b: Build, rel: str, columns=("src", "dst", "source_ids")) -> pd.DataFrame:
    """A relationship table, empty (with `columns`) when the build has none."""
    df = b.graph.edges.get(rel)
    return pd.DataFrame(columns=list(columns)) if df is None else df


@memoized
def names(b: Build, label: str, col: str = "name") -> dict[str, str]:
    """id -> display name (the id itself when the name is missing)."""
    df = b.graph.nodes.get(label)
    if df is None or col not in df.columns:
        return {}
    return {i: (n if isinstance(n, str) else i) for i, n in zip(df["id"], df[col], strict=True)}


@memoized
def _records(b: Build, label: str) -> dict[str, dict]:
    df = b.graph.nodes.get(label)
    return {} if df is None else {r["id"]: r for r in df.to_dict("records")}


def node(b: Build, node_id: str) -> dict:
    """A node's properties (with its label), from a per-build index (Graph.node filters a whole frame)."""
    label = b.graph.label_index.get(node_id)
    if label is None:
        return {}
    return dict(_records(b, label).get(node_id, {}), label=label)


@memoized
def _adjacency(b: Build, rel: str, direction: str) -> dict[str, list[str]]:
    df = b.graph.edges.get(rel)
    out: dict[str, list[str]] = {}
    if df is None:
        return out
    a, c = ("src", "dst") if direction == "out" else ("dst", "src")
    for x, y in zip(df[a], df[c], strict=True):
        out.setdefault(x, []).append(y)
    return out


def neighbours(b: Build, rel: str, node_id: str, direction: str = "out") -> list[str]:
    """Ids at the other end of `rel` relationships from (out) or to (in) a node."""
    return _adjacency(b, rel, direction).get(node_id, [])


def source_ids_of(values: Iterable) -> list[str]:
    """Source ids from `;`-joined strings and lists of ids (missing values skipped), sorted and unique."""
    out: set[str] = set()
    for v in values:
        if isinstance(v, str):
            out.update(s.strip() for s in v.split(";") if s.strip())
        elif v is not None and not isinstance(v, float):
            try:
                out.update(str(s) for s in v if s)
            except TypeError:
                continue
    return sorted(out)


def sources_of(df: pd.DataFrame | None, *cols: str) -> list:
    """Every value of the given columns (each a list or `;`-joined ids)."""
    if df is None or not len(df):
        return []
    return [v for c in cols if c in df.columns for v in df[c]]


def sources_frame(b: Build, source_ids: Iterable) -> pd.DataFrame:
    """The Source nodes behind a set of facts."""
    ids = source_ids_of(source_ids)
    df = b.graph.nodes.get("Source")
    if df is None or not ids:
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    return df[df["id"].isin(ids)][[c for c in SOURCE_COLUMNS if c in df.columns]].reset_index(drop=True)


def occupations_frame(b: Build, craft_id: str) -> pd.DataFrame:
    """The O*NET-SOC occupations a craft is classified as: occupation, share, title, soc_code."""
    ca = edges(b, "CLASSIFIED_AS", ("src", "dst", "share"))
    occ = ca[ca["src"] == craft_id][["dst", "share"]].rename(columns={"dst": "occupation"})
    on = b.graph.nodes.get("Occupation")
    if on is not None and len(occ):
        occ = occ.merge(on[["id", "title", "soc_code"]], left_on="occupation", right_on="id", how="left")
        occ = occ.drop(columns="id")
    return occ


def craft_sources(node_props: dict, ex: dict[str, pd.DataFrame]) -> list:
    """Every source behind a craft's score: its own, and those of its links, tools, limitations and the
    maturity evidence of its capabilities (ex: an explanation's frames)."""
    return [
        node_props.get("source_ids"),
        *sources_of(ex["links"], "sources"),
        *sources_of(ex["by_tool"], "sources"),
        *sources_of(ex["by_limitation"], "sources"),
        *sources_of(ex["by_capability"], "maturity_sources"),
    ]
