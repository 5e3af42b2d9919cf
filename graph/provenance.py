"""When each claim became public (`known_on`) and when it was checked (`checked_on`), and where its
severities, half-lives and weights come from (sourced or curator judgement). docs/decisions/claim-dates.md.

A claim is a catalog node row or a claim relationship that cites at least one source. Its dates are
derived from what it cites, so the catalog needs no date column per row:

- known_on: the claim's own event date (a milestone's date, a role's evidence date, an instrument's
  signing, a capability's `since`), or later when every cited source has a publication date and the
  earliest is after it; without an event date, the earliest publication date among its sources.
- checked_on: the latest `accessed` date among its sources.

A row may override either with an optional `known_on` / `checked_on` column. `known_on` (below) is the
one place the rule lives: the backtest's "known from" dates use it too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
import pandas as pd

from graph.schema import DATE_RE, DATED_LABELS, REL_BY_NAME
from graph.tables import Problem, add_problem

# The property that dates the fact itself, where a row has one (by label or relationship type).
EVENT_DATE = {"Milestone": "date", "JobRole": "evidence_date", "Instrument": "signed", "PROVIDES": "since"}
# Claims checked on or after this day (the first curation round after the rule) must have a known-on date;
# older ones are counted in a note.
RULE_START = "2026-12-07"

DateKey = Callable[[object], float | None]


class HasFrames(Protocol):
    nodes: dict[str, pd.DataFrame]
    edges: dict[str, pd.DataFrame]


def date_end(value: object) -> float | None:
    """A sortable number for the last day a (partial) ISO date can mean; None for no valid date.
    `2024` sorts as 2024-12-31, `2024-03` as 2024-03-31: a year-only date is known only once it is over."""
    return _date_end(value) if isinstance(value, str) else None


@lru_cache(maxsize=4096)  # a build asks for the same few hundred dates ~80,000 times
def _date_end(value: str) -> float | None:
    if not DATE_RE.match(value):
        return None
    parts = [int(p) for p in value.split("-")]
    year, month, day = parts[0], parts[1] if len(parts) > 1 else 12, parts[2] if len(parts) > 2 else 31
    return year * 10000 + month * 100 + day


def _ok(value: object, key: DateKey) -> bool:
    k = key(value)
    return k is not None and not (isinstance(k, float) and math.isnan(k))


def known_on(event: object, published: Sequence[object], key: DateKey = date_end) -> object:
    """The date a fact became public: `event` (its own date, or None) unless every cited source has a
    publication date and the earliest is later; without an event date, the earliest publication date
    (None when no source has one). `key` orders dates (the backtest passes its decimal-year period end)."""
    dated = [p for p in published if _ok(p, key)]
    first = min(dated, key=key) if dated else None  # type: ignore[arg-type]
    if not _ok(event, key):
        return first
    if first is not None and len(dated) == len(published) and key(first) > key(event):  # type: ignore[operator]
        return first
    return event


def checked_on(accessed: Sequence[object]) -> str | None:
    """The latest valid `accessed` date, or None."""
    dated = [a for a in accessed if _ok(a, date_end)]
    return max(dated, key=date_end) if dated else None  # type: ignore[arg-type,return-value]


# ------------------------------------------------------------------------------------------ claims


def claim_frames(t: HasFrames) -> Iterator[tuple[str, pd.DataFrame, pd.Series]]:
    """(kind, frame, mask of its claim rows): catalog nodes of dated labels and claim relationships that
    cite at least one source."""
    for label in sorted(DATED_LABELS & set(t.nodes)):
        df = t.nodes[label]
        if "source_ids" in df.columns and "known_on" in df.columns:
            mask = df["source_ids"].map(_has_sources) & (df.get("origin", pd.Series("", index=df.index)) == "catalog")
            yield label, df, mask
    for rel in sorted(t.edges):
        spec = REL_BY_NAME.get(rel)
        df = t.edges[rel]
        if spec is not None and spec.claim and "source_ids" in df.columns and "known_on" in df.columns:
            yield rel, df, df["source_ids"].map(_has_sources)


def _has_sources(value: object) -> bool:
    return isinstance(value, (list, tuple)) and len(value) > 0


def _source_dates(t: HasFrames) -> tuple[dict[str, object], dict[str, object]]:
    src = t.nodes.get("Source")
    if src is None or src.empty:
        return {}, {}
    pub = dict(zip(src["id"], src.get("date", pd.Series(None, index=src.index)), strict=True))
    acc = dict(zip(src["id"], src.get("accessed", pd.Series(None, index=src.index)), strict=True))
    return pub, acc


def _event_dates(t: HasFrames) -> dict[str, object]:
    """Event date of every node whose label has one, by id (relationships made from a node's row, like a
    role's GROWS_FROM, take their source node's event date)."""
    out: dict[str, object] = {}
    for label, col in EVENT_DATE.items():
        df = t.nodes.get(label)
        if df is not None and col in df.columns:
            out.update(zip(df["id"], df[col], strict=True))
    return out


def fill_claim_dates(t: HasFrames) -> None:
    """Set known_on, checked_on and known_on_basis on every claim, from its sources where the row gives no
    override (in place). Where no cited source has a publication date and the claim has no date of its own,
    known_on is the checked-on date with basis `accessed`: an upper bound (the fact was public by then)."""
    pub, acc = _source_dates(t)
    node_events = _event_dates(t)
    for kind, df, mask in claim_frames(t):
        if "known_on_basis" not in df.columns:
            df["known_on_basis"] = None
        rows = np.flatnonzero(mask.to_numpy(dtype=bool))
        if not len(rows):
            continue
        own = EVENT_DATE.get(kind)
        if own and own in df.columns:
            events = df[own].tolist()
        elif kind in t.nodes:
            events = [None] * len(df)
        else:  # a relationship made from a node's row takes that node's event date
            events = [node_events.get(s) for s in df["src"].tolist()]
        cols = {c: df[c].tolist() for c in ("checked_on", "known_on", "known_on_basis")}
        _fill_rows(rows.tolist(), df["source_ids"].tolist(), events, cols, pub, acc)
        for c, values in cols.items():
            df[c] = pd.Series(values, index=df.index, dtype=object)


def _fill_rows(rows: list[int], sids: list, events: list, cols: dict[str, list], pub: dict, acc: dict) -> None:
    """fill_claim_dates for the given rows (positions) of one frame's columns, in place."""
    checked, known, basis = cols["checked_on"], cols["known_on"], cols["known_on_basis"]
    for i in rows:
        if _missing(checked[i]):
            checked[i] = checked_on([acc.get(s) for s in sids[i]])
        if not _missing(known[i]):
            basis[i] = "override"
            continue
        event = events[i]
        date = known_on(event, [pub.get(s) for s in sids[i]])
        if not _missing(date):
            known[i], basis[i] = date, ("event" if date == event else "published")
        elif not _missing(checked[i]):
            known[i], basis[i] = checked[i], "accessed"


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


COVERAGE_COUNTS = ["claims", "known_on", "known_by_access", "checked_on"]


def date_coverage(t: HasFrames) -> pd.DataFrame:
    """Per kind of claim: claims, how many have a known-on and a checked-on date, how many of the known-on
    dates are only the access bound (no dated source), and the shares known and dated."""
    rows = []
    for kind, df, mask in claim_frames(t):
        claims = df[mask]
        if claims.empty:
            continue
        basis = claims["known_on_basis"] if "known_on_basis" in claims.columns else pd.Series(None, index=claims.index)
        rows.append(
            {
                "claim": kind,
                "claims": len(claims),
                "known_on": int((~claims["known_on"].map(_missing)).sum()),
                "known_by_access": int((basis == "accessed").sum()),
                "checked_on": int((~claims["checked_on"].map(_missing)).sum()),
            }
        )
    out = pd.DataFrame(rows, columns=["claim", *COVERAGE_COUNTS])
    if not out.empty:
        out.loc[len(out)] = ["(all)", *out[COVERAGE_COUNTS].sum().tolist()]
    out["share_known"] = (out["known_on"] / out["claims"].clip(lower=1)).round(3)
    out["share_dated"] = ((out["known_on"] - out["known_by_access"]) / out["claims"].clip(lower=1)).round(3)
    return out


def check_claim_dates(t: HasFrames, problems: list[Problem]) -> list[str]:
    """Fill the claim dates; a claim checked on or after RULE_START without a known-on date is a problem,
    older ones are counted in a note."""
    fill_claim_dates(t)
    undated = 0
    rule = date_end(RULE_START) or 0
    for kind, df, mask in claim_frames(t):
        bound_only = df["known_on"].map(_missing) | (df["known_on_basis"] == "accessed")
        rows = df[mask & bound_only]
        late = [not _missing(c) and (date_end(c) or 0) >= rule for c in rows["checked_on"].tolist()]
        undated += len(late) - sum(late)
        for row in rows[np.array(late, dtype=bool)].to_dict("records"):
            add_problem(
                problems,
                row,
                "known_on",
                f"{kind} claim has no known-on date but the day a source was read: cite a source with a "
                "publication `date` or give the row a known_on column",
            )
    cov = date_coverage(t)
    total = int(cov["claims"].iloc[-1]) if not cov.empty else 0
    if not undated:
        return []
    return [
        f"{undated} of {total} claims cite no dated source: their known-on date is the day a source was read, "
        f"an upper bound (checked before {RULE_START}; see catalog-report)"
    ]


# ------------------------------------------------------------------------------------------ bases


def check_bases(t: HasFrames, problems: list[Problem]) -> None:
    """Every severity, half-life and weight is sourced or a judgement with a written rationale. Links
    without a basis column are judgements (filled in place); their rationale is the row's justification or
    rationale."""
    lim = t.nodes.get("Limitation")
    if lim is not None and "half_life_basis" in lim.columns:
        for row in lim.to_dict("records"):
            _check_limitation(row, problems)
    for rel in ("HAS_LIMITATION", "CONSTRAINED_BY"):
        df = t.edges.get(rel)
        if df is not None and "severity_basis" in df.columns:
            for i, row in zip(df.index, df.to_dict("records"), strict=True):
                _check_link_severity(df, i, row, problems)
    perf = t.edges.get("PERFORMS")
    if perf is not None and "weight_basis" in perf.columns:
        perf["weight_basis"] = [("judgement" if _missing(v) else v) for v in perf["weight_basis"]]


def _check_limitation(row: dict, problems: list[Problem]) -> None:
    if _missing(row.get("half_life_years")):
        if not _missing(row.get("half_life_basis")) or not _missing(row.get("half_life_rationale")):
            add_problem(problems, row, "half_life_basis", "a basis or rationale without a half_life_years")
        return
    if _missing(row.get("half_life_basis")):
        add_problem(problems, row, "half_life_basis", "a half-life needs a basis: sourced or judgement")
    elif row["half_life_basis"] == "judgement" and _missing(row.get("half_life_rationale")):
        add_problem(problems, row, "half_life_rationale", "a half-life judgement needs a written rationale")


def _check_link_severity(df: pd.DataFrame, i: object, row: dict, problems: list[Problem]) -> None:
    if _missing(row.get("severity")):
        if not _missing(row.get("severity_basis")):
            add_problem(problems, row, "severity_basis", "a severity_basis without a severity")
        return
    if _missing(row.get("severity_basis")):
        df.at[i, "severity_basis"] = "judgement"
    if df.at[i, "severity_basis"] == "judgement" and _missing(row.get("justification")):
        add_problem(problems, row, "justification", "a severity set by judgement needs a justification")


def basis_counts(t: HasFrames) -> pd.DataFrame:
    """How many severities, half-lives and weights are sourced and how many are judgement."""
    rows = []
    specs = (
        ("limitation severity", t.nodes.get("Limitation"), "severity", "severity_basis"),
        ("limitation half-life", t.nodes.get("Limitation"), "half_life_years", "half_life_basis"),
        ("tool severity override", t.edges.get("HAS_LIMITATION"), "severity", "severity_basis"),
        ("capability severity override", t.edges.get("CONSTRAINED_BY"), "severity", "severity_basis"),
        ("task link weight", t.edges.get("PERFORMS"), "weight", "weight_basis"),
    )
    for what, df, value, basis in specs:
        if df is None or value not in df.columns:
            continue
        set_rows = df[~df[value].map(_missing)]
        b = set_rows[basis] if basis in set_rows.columns else pd.Series("judgement", index=set_rows.index)
        b = b.map(lambda v: "judgement" if _missing(v) else v)
        rows.append({"figure": what, "set": len(set_rows), "sourced": int((b == "sourced").sum())})
    out = pd.DataFrame(rows, columns=["figure", "set", "sourced"])
    out["judgement"] = out["set"] - out["sourced"]
    return out


# ------------------------------------------------------------------------------------------ evidence line


def evidence_summary(sources: pd.DataFrame) -> dict:
    """What a set of cited sources amounts to: how many, per grade, the span of their publication dates and
    the latest day one was read (`sources`: Source rows with grade, date, accessed)."""
    from graph.schema import GRADES

    grades = sources["grade"] if "grade" in sources.columns else pd.Series(None, index=sources.index)
    counts = {g: int((grades == g).sum()) for g in GRADES}
    ungraded = len(sources) - sum(counts.values())
    dates = [d for d in sources.get("date", pd.Series(dtype=object)) if _ok(d, date_end)]
    return {
        "sources": len(sources),
        "grades": {**counts, **({"ungraded": ungraded} if ungraded else {})},
        "published_from": min(dates, key=date_end) if dates else None,  # type: ignore[arg-type]
        "published_to": max(dates, key=date_end) if dates else None,  # type: ignore[arg-type]
        "checked_on": checked_on(list(sources.get("accessed", pd.Series(dtype=object)))),
    }


def evidence_line(summary: dict) -> str:
    """One line: 'Evidence: 12 sources (2 primary, 8 secondary, 1 vendor, 1 aggregator); published 2023-05
    to 2026-02; last checked 2026-12-06.'"""
    n = summary["sources"]
    if not n:
        return "Evidence: no sources cited."
    mix = ", ".join(f"{v} {k}" for k, v in summary["grades"].items() if v)
    parts = [f"Evidence: {n} source{'s' if n != 1 else ''} ({mix})"]
    a, b = summary["published_from"], summary["published_to"]
    if a:
        parts.append(f"published {a}" if a == b else f"published {a} to {b}")
    if summary["checked_on"]:
        parts.append(f"last checked {summary['checked_on']}")
    return "; ".join(parts) + "."
