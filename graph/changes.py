"""What changed in the catalog between two builds (or two catalog directories): tools, milestones, crafts,
clauses and the other curated entities added, removed or changed (which fields), and claim relationships
added or removed. `craftgraph changes` prints it; each build stores it in diff.json (graph/diff.py); the
"what changed" section of docs/curation.md is written from it (`craftgraph changes --write docs/curation.md`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from graph.schema import REL_BY_NAME

# Curated entities whose changes a reader of the catalog cares about, in the order shown.
CHANGE_LABELS = (
    "Tool",
    "Milestone",
    "Craft",
    "Clause",
    "Instrument",
    "Limitation",
    "Capability",
    "JobRole",
    "Vendor",
    "Source",
)
TITLE = {"Milestone": "description", "Source": "title"}  # the column that names a node (default: name)
# A re-check or a re-citation is not a change of fact (a change of sources shows as the claim relationships
# and the citations changing); nor is a known-on date that is only the day a source was read (its basis
# `accessed`, graph/provenance.py).
IGNORED = {"origin", "_where", "checked_on", "source_ids", "accessed", "known_on_basis"}
START, END = "<!-- catalog-changes:start -->", "<!-- catalog-changes:end -->"


def _norm(v: object) -> object:
    if v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and v == ""):
        return None
    if hasattr(v, "tolist"):  # a numpy array (parquet lists) or scalar
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return tuple(v) if v else None
    if isinstance(v, float):
        return round(v, 9)
    return v


def _rows(df: pd.DataFrame | None) -> dict[str, dict]:
    if df is None or df.empty:
        return {}
    cols = [c for c in df.columns if c not in IGNORED]
    if "origin" in df.columns:
        df = df[df["origin"].isin(["catalog", None]) | df["origin"].isna()]
    bound = (df["known_on_basis"] == "accessed").tolist() if "known_on_basis" in df.columns else [False] * len(df)
    rows = {}
    for r, is_bound in zip(df[cols].to_dict("records"), bound, strict=True):
        rows[r["id"]] = {c: (None if c == "known_on" and is_bound else _norm(r[c])) for c in cols}
    return rows


def node_changes(label: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> dict:
    """Added, removed and changed nodes of one label (each with its id, title and, when changed, fields)."""
    a, b = _rows(old), _rows(new)
    title = TITLE.get(label, "name")

    def named(i: str, row: dict) -> dict:
        return {"id": i, "title": str(row.get(title) or "")}

    changed = []
    for i in sorted(set(a) & set(b)):
        fields = sorted(k for k in set(a[i]) | set(b[i]) if a[i].get(k) != b[i].get(k))
        if fields:
            changed.append({**named(i, b[i]), "fields": fields})
    return {
        "added": [named(i, b[i]) for i in sorted(set(b) - set(a))],
        "removed": [named(i, a[i]) for i in sorted(set(a) - set(b))],
        "changed": changed,
    }


def _edge_keys(rel: str, df: pd.DataFrame | None) -> set:
    if df is None or df.empty:
        return set()
    cols = ["src", "dst", *REL_BY_NAME[rel].key]
    return set(df[cols].itertuples(index=False, name=None))


def catalog_changes(old: tuple[dict, dict], new: tuple[dict, dict], limit: int | None = None) -> dict:
    """Changes from `old` to `new`, each (nodes, edges) frames by label / type. With `limit`, at most that
    many entries per list (the counts are always whole)."""
    (on, oe), (nn, ne) = old, new
    out: dict = {"nodes": {}, "relationships": {}}
    for label in CHANGE_LABELS:
        c = node_changes(label, on.get(label), nn.get(label))
        counts = {k: len(v) for k, v in c.items()}
        if any(counts.values()):
            out["nodes"][label] = {"counts": counts, **{k: v[:limit] if limit else v for k, v in c.items()}}
    for rel in sorted(set(oe) | set(ne)):
        spec = REL_BY_NAME.get(rel)
        if spec is None or not spec.claim:
            continue
        a, b = _edge_keys(rel, oe.get(rel)), _edge_keys(rel, ne.get(rel))
        if a != b:
            out["relationships"][rel] = {"added": len(b - a), "removed": len(a - b)}
    return out


def read_side(snap: Path) -> tuple[dict, dict]:
    """The node tables of CHANGE_LABELS and the claim relationship tables of a snapshot directory."""
    import pyarrow.parquet as pq

    nodes = {
        label: pq.read_table(p).to_pandas()
        for label in CHANGE_LABELS
        if (p := snap / "nodes" / f"{label}.parquet").exists()
    }
    edges = {
        rel: pq.read_table(p, columns=["src", "dst", *spec.key]).to_pandas()
        for rel, spec in REL_BY_NAME.items()
        if spec.claim and (p := snap / "edges" / f"{rel}.parquet").exists()
    }
    return nodes, edges


def compare_snapshots(old: Path, new: Path, limit: int = 25) -> dict:
    """catalog_changes between two snapshot directories (for diff.json)."""
    return catalog_changes(read_side(old), read_side(new), limit=limit)


def summary_lines(changes: dict) -> list[str]:
    """One line per label and relationship type that changed."""
    lines = []
    for label, c in changes["nodes"].items():
        n = c["counts"]
        lines.append(f"{label}: {n['added']} added, {n['removed']} removed, {n['changed']} changed")
    for rel, c in changes["relationships"].items():
        lines.append(f"{rel}: +{c['added']} -{c['removed']}")
    return lines or ["no change in the catalog"]


def _md_item(e: dict) -> str:
    title = re.sub(r"\s+", " ", e["title"]).strip()
    title = title if len(title) <= 90 else title[:87] + "..."
    fields = f" ({', '.join(e['fields'])})" if e.get("fields") else ""
    return f"`{e['id']}` {title}{fields}".rstrip()


def markdown(changes: dict, since: str, to: str, per_list: int = 12) -> str:
    """The "what changed in the catalog" section: counts and the first entries of each list."""
    out = [f"Changes from `{since}` to `{to}`.", ""]
    if not changes["nodes"] and not changes["relationships"]:
        return "\n".join([*out, "No change in the catalog."]) + "\n"
    out += ["| kind | added | removed | changed |", "|---|---:|---:|---:|"]
    for label, c in changes["nodes"].items():
        n = c["counts"]
        out.append(f"| {label} | {n['added']} | {n['removed']} | {n['changed']} |")
    for rel, c in changes["relationships"].items():
        out.append(f"| {rel} (relationships) | {c['added']} | {c['removed']} | |")
    for label, c in changes["nodes"].items():
        for what in ("added", "removed", "changed"):
            items = c[what]
            if not items:
                continue
            more = c["counts"][what] - min(len(items), per_list)
            out += ["", f"**{label}, {what}** ({c['counts'][what]}):", ""]
            out += [f"- {_md_item(e)}" for e in items[:per_list]]
            if more > 0:
                out.append(f"- … and {more} more")
    return "\n".join(out) + "\n"


def write_section(doc: Path, text: str) -> None:
    """Replace the text between the START and END markers of `doc` (ValueError when they are missing)."""
    body = doc.read_text(encoding="utf-8")
    i, j = body.find(START), body.find(END)
    if i < 0 or j < i:
        raise ValueError(f"{doc} has no {START} … {END} markers")
    doc.write_text(body[: i + len(START)] + "\n" + text + body[j:], encoding="utf-8")
