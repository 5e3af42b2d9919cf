"""Small helpers shared by the engine's stages: partial ISO dates, source lists and node/edge frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from graph.schema import DATE_RE


def decimal_year(value: object) -> tuple[float, float] | None:
    """A partial ISO date as (decimal year at the middle of the period, variance from its precision)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip()
    if not DATE_RE.match(s):
        return None
    parts = [int(p) for p in s.split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5, 1.0 / 12.0  # uniform over the year
    if len(parts) == 2:
        return parts[0] + (parts[1] - 0.5) / 12.0, (1.0 / 12.0) ** 2 / 12.0
    y, m, d = parts
    return y + (m - 1) / 12.0 + (d - 0.5) / 365.25, 0.0


def format_year(t: float) -> str:
    """A decimal year as YYYY-MM (for reports)."""
    if t is None or not np.isfinite(t):
        return ""
    y = math.floor(t)
    m = min(12, int((t - y) * 12) + 1)
    return f"{y:04d}-{m:02d}"


def source_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    try:
        return [str(v) for v in value if v is not None and str(v)]
    except TypeError:
        return [str(value)]


def join_sources(*lists: object) -> list[str]:
    out: set[str] = set()
    for lst in lists:
        out.update(source_list(lst))
    return sorted(out)


def num(value: object, default: float | None = None) -> float | None:
    if value is None:
        return default
    try:
        f = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(f) else f


def node_frame(nodes: dict, label: str, cols: tuple[str, ...] = ()) -> pd.DataFrame:
    df = nodes.get(label)
    if df is None:
        df = pd.DataFrame(columns=["id", *cols])
    df = df.copy()
    for c in ("id", *cols):
        if c not in df.columns:
            df[c] = None
    return df.sort_values("id", kind="stable").reset_index(drop=True)


def edge_frame(edges: dict, rel: str | tuple[str, ...], cols: tuple[str, ...] = ()) -> pd.DataFrame:
    rels = (rel,) if isinstance(rel, str) else rel
    parts = [edges[r] for r in rels if r in edges and edges[r] is not None]
    base = ["src", "dst", "src_label", "dst_label", *cols]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=base)
    df = df.copy()
    for c in base:
        if c not in df.columns:
            df[c] = None
    return df.sort_values(["src", "dst"], kind="stable").reset_index(drop=True)


def name_map(df: pd.DataFrame, col: str) -> dict[str, str]:
    return {i: (str(n) if n is not None else i) for i, n in zip(df["id"].tolist(), df[col].tolist(), strict=True)}
