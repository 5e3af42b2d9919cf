"""The start page's search: job titles (O*NET titles, alternate and reported titles), crafts, union locals,
tools and capabilities, each leading to the page that shows it. The index is built once per build
(explorer.cache); no Streamlit."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from explorer.cache import Build, memoized


class Hit(NamedTuple):
    text: str  # what matched (a name or a job title)
    kind: str  # "Craft", "Job title", "Union local", "Tool", "Capability"
    page: str  # a key of explorer.nav.PAGES
    param: str  # the page's query parameter
    target: str  # the id the page opens
    target_name: str  # the name of what opens (the occupation of a job title)


KIND_ORDER = {"Craft": 0, "Job title": 1, "Union local": 2, "Tool": 3, "Capability": 4}


def _frame(b: Build, label: str) -> pd.DataFrame | None:
    df = b.graph.nodes.get(label)
    return df if df is not None and len(df) else None


def _titles(v) -> list[str]:
    if isinstance(v, str):
        return [t.strip() for t in v.split(";") if t.strip()]
    if v is None or isinstance(v, float):
        return []
    try:
        return [str(t) for t in v if t]
    except TypeError:
        return []


def _occupation_hits(df: pd.DataFrame) -> list[Hit]:
    out: list[Hit] = []
    for r in df.to_dict("records"):
        title = str(r.get("title") or r["id"])
        names = [title, *_titles(r.get("alternate_titles")), *_titles(r.get("reported_titles"))]
        for t in dict.fromkeys(names):
            out.append(Hit(t, "Job title", "occupation", "occupation", r["id"], title))
    return out


def _local_hits(b: Build, df: pd.DataFrame) -> list[Hit]:
    """A local leads to its own page (its crafts, areas, headcounts and exposure)."""
    out = []
    for r in df.to_dict("records"):
        number = r.get("number")
        num = f" Local {number}" if isinstance(number, (str, int)) and str(number) else ""
        text = f"{r.get('name') or r['id']} ({r.get('union_name') or ''}{num})".replace("( ", "(")
        out.append(Hit(text, "Union local", "local", "local", r["id"], str(r.get("name") or r["id"])))
    return out


@memoized
def index(b: Build) -> tuple[Hit, ...]:
    """Every searchable name of the build."""
    hits: list[Hit] = []
    for label, kind, page in (
        ("Craft", "Craft", "craft"),
        ("Tool", "Tool", "tool"),
        ("Capability", "Capability", "capability"),
    ):
        df = _frame(b, label)
        if df is not None:
            hits += [Hit(str(n), kind, page, page, i, str(n)) for i, n in zip(df["id"], df["name"], strict=True)]
    occ = _frame(b, "Occupation")
    if occ is not None:
        hits += _occupation_hits(occ)
    loc = _frame(b, "UnionLocal")
    if loc is not None:
        hits += _local_hits(b, loc)
    return tuple(hits)


def search(b: Build, text: str, limit: int = 20) -> list[Hit]:
    """Hits whose text contains every word of `text` (case-insensitive): whole-word starts first, then
    crafts before job titles, locals, tools and capabilities."""
    words = text.lower().split()
    if not words:
        return []
    found = [h for h in index(b) if all(w in h.text.lower() for w in words)]

    def rank(h: Hit) -> tuple:
        low = h.text.lower()
        return (not low.startswith(words[0]), KIND_ORDER.get(h.kind, 9), len(low), low)

    found.sort(key=rank)
    seen: set[tuple[str, str]] = set()
    out = []
    for h in found:  # one hit per (kind, target): the best-matching title of an occupation
        if (h.kind, h.target) in seen:
            continue
        seen.add((h.kind, h.target))
        out.append(h)
        if len(out) >= limit:
            break
    return out
