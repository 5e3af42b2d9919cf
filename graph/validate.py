"""Checks of merged node and edge tables against the schema: every problem, with file and row.

Row-level cell checks of the catalog happen while reading (ingest/catalog.py); here we check what
needs the whole graph: unique ids, required properties and types of every table (public sources
included), relationship ends that resolve, allowed label pairs, sources behind every claim,
duplicate relationships, the rules that join a clause to its instrument (graph/contracts.py), those
of the AI-type hierarchy (graph/ai_types.py), and the claim dates and the basis of severities, half-lives
and weights (graph/provenance.py, which also fills the derived claim dates).
"""

from __future__ import annotations

import pandas as pd

from graph.ai_types import check_ai_types
from graph.contracts import check_contracts
from graph.provenance import check_bases, check_claim_dates
from graph.schema import NODE_BY_NAME, REL_BY_NAME, check_value, id_matches
from graph.tables import WHERE, Problem, Tables

# Labels whose nodes only public datasets supply (apart from the curated occupations).
PUBLIC_ONLY = {"WorkActivity", "AIModel", "Incident", "Study", "Industry", "Area"}


def _loc(where: object, fallback: str) -> tuple[str, int | None]:
    if isinstance(where, str) and ":" in where:
        file, _, line = where.rpartition(":")
        if line.isdigit():
            return file, int(line)
    return (where if isinstance(where, str) and where else fallback), None


def validate_tables(t: Tables, problems: list[Problem], public: bool) -> list[str]:
    """Append problems to `problems`; drop (and return notes about) edges that point at public-data
    nodes when the build has no public data. Returns the notes for the manifest."""
    ids: dict[str, set[str]] = {}
    for label, df in t.nodes.items():
        found = _validate_nodes(label, df, problems)
        if found is not None:
            ids[label] = found
    sources = ids.get("Source", set())
    for label, df in t.nodes.items():
        if "source_ids" in df.columns:
            _check_source_refs(df, sources, problems, label)
    _check_works_in(t, problems)  # before a build without public data drops the links to Industry
    notes: list[str] = []
    for rel in list(t.edges):
        _validate_edges(t, rel, ids, public, problems, notes)
    check_contracts(t, problems)
    check_ai_types(t, problems)
    check_bases(t, problems)
    notes += check_claim_dates(t, problems)
    return notes


def _validate_nodes(label: str, df: pd.DataFrame, problems: list[Problem]) -> set[str] | None:
    """Columns, duplicate ids, values and id patterns of one label; its ids (None for an unknown label)."""
    spec = NODE_BY_NAME.get(label)
    if spec is None:
        problems.append(Problem(label, None, "label", "unknown node label"))
        return None
    _check_columns(df, [p.name for p in spec.all_props], label, problems)
    dup = df["id"].duplicated(keep="first")
    for _, row in df[dup].iterrows():
        f, line = _loc(row.get(WHERE), label)
        first = df.loc[df["id"] == row["id"], WHERE].iloc[0]
        problems.append(Problem(f, line, "id", f"duplicate {label} id {row['id']!r} (first at {first})"))
    for p in spec.all_props:
        if p.name in df.columns:
            _check_column(df, p, label, problems)
    bad_ids = df[[not (isinstance(i, str) and id_matches(label, i)) for i in df["id"]]]
    for _, row in bad_ids.iterrows():
        if row["id"] is not None:
            f, line = _loc(row.get(WHERE), label)
            problems.append(Problem(f, line, "id", f"{row['id']!r} does not match {spec.id_pattern}"))
    return set(df["id"].dropna())


def _validate_edges(
    t: Tables, rel: str, ids: dict[str, set[str]], public: bool, problems: list[Problem], notes: list[str]
) -> None:
    """Ends, values, sources and duplicates of one relationship type; in a build without public data,
    drops (with a note) the relationships whose missing ends are public-data nodes."""
    df = t.edges[rel]
    rel_spec = REL_BY_NAME.get(rel)
    if rel_spec is None:
        problems.append(Problem(rel, None, "type", "unknown relationship type"))
        return
    cols = ["src", "dst", "src_label", "dst_label"] + [p.name for p in rel_spec.all_props]
    _check_columns(df, cols, rel, problems)
    keep, dropped = _check_ends(df, rel, set(rel_spec.pairs), ids, public, problems)
    if dropped:
        notes.append(
            f"{dropped} {rel} relationship(s) to O*NET tasks, DWAs or public-data nodes left out: "
            "this build has no public sources (use --sources)"
        )
        t.edges[rel] = df.iloc[keep].reset_index(drop=True)
        df = t.edges[rel]
    for p in rel_spec.all_props:
        if p.name in df.columns:
            _check_column(df, p, rel, problems)
    if rel_spec.claim and "source_ids" in df.columns:
        _check_source_refs(df, ids.get("Source", set()), problems, rel)
    key = ["src", "dst", *rel_spec.key]
    dup = df.duplicated(subset=key, keep="first")
    for _, row in df[dup].iterrows():
        f, line = _loc(row.get(WHERE), rel)
        problems.append(Problem(f, line, rel, f"duplicate relationship {row['src']} -[{rel}]-> {row['dst']}"))


def _check_ends(
    df: pd.DataFrame,
    rel: str,
    pairs: set[tuple[str, str]],
    ids: dict[str, set[str]],
    public: bool,
    problems: list[Problem],
) -> tuple[list[int], int]:
    """(rows to keep, rows dropped as public-only in a build without public data). Rows with an allowed
    pair and both ends known pass in one sweep; only the others are looked at one by one."""
    empty: set[str] = set()
    cols = [df[c].tolist() for c in ("src", "dst", "src_label", "dst_label")]
    fine = [
        (a, b) in pairs and s in ids.get(a, empty) and d in ids.get(b, empty) for s, d, a, b in zip(*cols, strict=True)
    ]
    if all(fine):
        return list(range(len(df))), 0
    wheres = df[WHERE].tolist() if WHERE in df.columns else [None] * len(df)
    keep: list[int] = []
    dropped = 0
    for i, ok in enumerate(fine):
        if ok:
            keep.append(i)
            continue
        r = {"src": cols[0][i], "dst": cols[1][i]}
        f, line = _loc(wheres[i], rel)
        pair = (cols[2][i], cols[3][i])
        if pair not in pairs:
            problems.append(Problem(f, line, rel, f"{pair[0]} → {pair[1]} is not allowed for {rel}"))
            continue
        missing_end = [
            (end, lab) for end, lab in (("src", pair[0]), ("dst", pair[1])) if r[end] not in ids.get(lab, ())
        ]
        if missing_end and not public and all(_public_only(lab, r[end]) for end, lab in missing_end):
            dropped += 1
            continue
        for end, lab in missing_end:
            problems.append(Problem(f, line, rel, f"{r[end]!r} ({end}) is not a known {lab}"))
        keep.append(i)
    return keep, dropped


def _public_only(label: str, node_id: str) -> bool:
    return label in PUBLIC_ONLY or (label == "Task" and node_id.startswith("task:onet:"))


def _check_columns(df: pd.DataFrame, allowed: list[str], what: str, problems: list[Problem]) -> None:
    for c in df.columns:
        if c not in allowed and c != WHERE:
            problems.append(Problem(what, None, c, "unknown property (not in graph/schema.py)"))


def _check_column(df: pd.DataFrame, prop, what: str, problems: list[Problem]) -> None:
    wheres = df[WHERE] if WHERE in df.columns else [None] * len(df)
    for i, err in _bad_values(prop, df[prop.name].tolist()):
        f, line = _loc(wheres[i] if isinstance(wheres, list) else wheres.iat[i], what)
        problems.append(Problem(f, line, prop.name, err))


def _bad_values(prop, values: list) -> list[tuple[int, str]]:
    """(position, why) of every value of a column that `check_value` refuses. Most columns are shown
    good as a whole (`_all_good`); only the others are looked at value by value, where the verdict on a
    text, number or flag is remembered per (type, value): a public column repeats a few values many times."""
    if _all_good(prop, values):
        return []
    seen: dict[tuple[type, object], str | None] = {}
    plain_text = prop.type == "str" and not prop.choices and prop.name != "url"
    limit = prop.max_length or float("inf")
    out = []
    for i, value in enumerate(values):
        if plain_text and value.__class__ is str and value and len(value) <= limit:
            continue  # the common case, decided here as check_value would
        try:
            key = (value.__class__, value)
            err = seen[key]
        except KeyError:
            err = seen[key] = _check_one(prop, value)
        except TypeError:  # a list (unhashable)
            err = _check_one(prop, value)
        if err:
            out.append((i, err))
    return out


def _all_good(prop, values: list) -> bool:
    """True when `check_value` accepts every value, shown with whole-column operations: a column of one
    kind of value (and None) whose distinct values pass, or numbers within range. False means "look at
    each value" (`_bad_values` then finds the bad ones and says why), not that one is bad."""
    kinds = set(map(type, values))
    if type(None) in kinds:
        if prop.required:
            return False
        kinds.discard(type(None))
        values = [v for v in values if v is not None]
    if not values:
        return True
    if kinds == {str} and prop.type in ("str", "date"):
        distinct = set(values)
        if prop.type == "str" and not prop.choices and prop.name != "url":  # plain text: only length matters
            if prop.required and "" in distinct:
                return False
            return not prop.max_length or max(map(len, distinct)) <= prop.max_length
        return not any(check_value(prop, v) for v in distinct)
    if kinds <= {list, tuple} and prop.type == "list":  # lists are often one shared object: each checked once
        return not any(check_value(prop, v) for v in {id(v): v for v in values}.values())
    if prop.choices or prop.name == "url":
        return False
    if (prop.type == "float" and kinds <= {float, int}) or (prop.type == "int" and kinds == {int}):
        return _numbers_good(prop, values, float in kinds)
    return kinds == {bool} and prop.type == "bool" and not prop.range


def _numbers_good(prop, values: list, floats: bool) -> bool:
    """Numbers (no None, no bool): good unless one is NaN (missing) where one is required, or out of range."""
    if floats and any(v != v for v in values):
        if prop.required:
            return False
        values = [v for v in values if v == v]
        if not values:
            return True
    if prop.range:
        lo, hi = prop.range
        return lo <= min(values) and max(values) <= hi
    return True


def _check_one(prop, value: object) -> str | None:
    if value is not None and not isinstance(value, (list, tuple)) and pd.isna(value):
        value = None
    return check_value(prop, value)


def _check_source_refs(df: pd.DataFrame, sources: set[str], problems: list[Problem], what: str) -> None:
    wheres = df[WHERE] if WHERE in df.columns else [None] * len(df)
    for value, where in zip(df["source_ids"], wheres, strict=True):
        for sid in value or ():
            if sid not in sources:
                f, line = _loc(where, what)
                problems.append(Problem(f, line, "source_ids", f"{sid!r} is not a known Source id"))


def _check_works_in(t: Tables, problems: list[Problem]) -> None:
    """A craft's curated industries: at least one `main`, and never a code together with a code above it
    (512100 and 512110 would count the same jobs twice)."""
    wi = t.edges.get("WORKS_IN")
    if wi is None or wi.empty:
        return
    wheres = wi[WHERE] if WHERE in wi.columns else [None] * len(wi)
    by_craft: dict[str, list[tuple[str, object, object]]] = {}
    for c, d, r, w in zip(wi["src"], wi["dst"], wi["role"], wheres, strict=True):
        by_craft.setdefault(c, []).append((str(d).removeprefix("naics:"), r, w))
    for craft, links in by_craft.items():
        if not any(r == "main" for _, r, _ in links):
            f, line = _loc(links[0][2], "WORKS_IN")
            problems.append(Problem(f, line, "role", f"{craft} has industries but none with role main"))
        for code, _, w in links:
            for other, _, _ in links:
                if other != code and code.startswith(other.rstrip("0")):
                    f, line = _loc(w, "WORKS_IN")
                    problems.append(
                        Problem(f, line, "industry_id", f"{craft}: naics:{code} lies within naics:{other}, also linked")
                    )
