"""What the explorer's first page shows, computed at build time from the snapshot's own tables and written
next to them (`views/start.json`), so the first page reads one small file instead of loading the graph.

Everything here is derived from the snapshot (the preset scores the build wrote as ExposureScore nodes,
the crafts' names and departments, the dates that set the as-of year); `explorer.scores` uses the same
`as_of_year` and `default_year`, and a test checks the lists agree with the pages' own league table.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Light to import (json and pathlib only): the explorer's first page reads `read_start` without pandas,
# numpy or pyarrow; the functions that compute import them.

VIEWS_DIR = "views"
START_FILE = "start.json"
START_VERSION = 1
HEADLINE_YEAR = 2030  # the pages open on a year where the scenarios differ (at the as-of year they coincide)
TOP_N = 10
SCENARIO = "expected"


def as_of_year(source: pd.DataFrame | None, milestone: pd.DataFrame | None, provides: pd.DataFrame | None) -> int:
    """The year of the graph's as-of date: the latest source access, milestone or tool date (within YEARS)."""
    from graph.exposure.config import YEARS

    seen: list[int] = []
    for frame, col in ((source, "accessed"), (milestone, "date"), (provides, "since")):
        if frame is not None and col in frame.columns:
            seen += [int(v[:4]) for v in frame[col] if isinstance(v, str) and v[:4].isdigit()]
    y = max(seen) if seen else YEARS[0]
    return min(max(y, YEARS[0]), YEARS[-1])


def default_year(as_of: int) -> int:
    """The year the pages open on: HEADLINE_YEAR (within YEARS), never before the as-of year."""
    from graph.exposure.config import YEARS

    return min(max(HEADLINE_YEAR, as_of, YEARS[0]), YEARS[-1])


def _read(snap: Path, kind: str, name: str, columns: list[str]) -> pd.DataFrame | None:
    p = snap / kind / f"{name}.parquet"
    if not p.exists():
        return None
    import pyarrow.parquet as pq

    have = set(pq.read_schema(p).names)
    return pq.read_table(p, columns=[c for c in columns if c in have]).to_pandas()


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)


def craft_scores(scores: pd.DataFrame, year: int) -> pd.DataFrame:
    """The crafts' preset-scenario scores in a year, ranked as the league table ranks them."""
    d = scores[(scores["entity_label"] == "Craft") & (scores["scenario"] == SCENARIO) & (scores["year"] == year)]
    return d.sort_values(["median", "name"], ascending=[False, True], na_position="last")


def start_view(snap: Path) -> dict | None:
    """The first page's lists for a written snapshot (None when the build wrote no scores)."""
    scores = _read(
        snap, "nodes", "ExposureScore", ["entity_id", "entity_label", "scenario", "year", "median", "low", "high"]
    )
    crafts = _read(snap, "nodes", "Craft", ["id", "name"])
    if scores is None or crafts is None or not len(scores):
        return None
    names = dict(zip(crafts["id"], crafts["name"], strict=True))
    scores = scores.assign(year=scores["year"].astype(int), name=scores["entity_id"].map(names))
    as_of = as_of_year(
        _read(snap, "nodes", "Source", ["accessed"]),
        _read(snap, "nodes", "Milestone", ["date"]),
        _read(snap, "edges", "PROVIDES", ["since"]),
    )
    year = default_year(as_of)
    now, then = craft_scores(scores, year), craft_scores(scores, as_of)
    scored = now.dropna(subset=["median"])
    top = [
        {"id": r.entity_id, "name": r.name, "median": _num(r.median), "low": _num(r.low), "high": _num(r.high)}
        for r in scored.head(TOP_N).itertuples()
    ]
    moved = scored[["entity_id", "name", "median"]].merge(
        then[["entity_id", "median"]], on="entity_id", suffixes=("", "_then")
    )
    moved = moved.assign(change=moved["median"] - moved["median_then"]).dropna(subset=["change"])
    moved = moved.sort_values(["change", "name"], ascending=[False, True]).head(TOP_N)
    fastest = [
        {"id": r.entity_id, "name": r.name, "from": _num(r.median_then), "to": _num(r.median)}
        for r in moved.itertuples()
    ]
    return {
        "version": START_VERSION,
        "scenario": SCENARIO,
        "as_of_year": as_of,
        "year": year,
        "crafts": len(now),
        "assessed": len(scored),
        "top": top,
        "fastest": fastest,
    }


def write(snap: Path) -> None:
    """Write views/start.json into a snapshot being built (nothing when it has no scores)."""
    view = start_view(snap)
    if view is None:
        return
    (snap / VIEWS_DIR).mkdir(exist_ok=True)
    (snap / VIEWS_DIR / START_FILE).write_text(json.dumps(view, indent=1, ensure_ascii=False) + "\n")


def read_start(snap: Path) -> dict | None:
    """The snapshot's first-page view, or None (an older snapshot, or a build without scores)."""
    p = snap / VIEWS_DIR / START_FILE
    try:
        view = json.loads(p.read_text())
    except (OSError, ValueError):
        return None
    return view if isinstance(view, dict) and view.get("version") == START_VERSION else None
