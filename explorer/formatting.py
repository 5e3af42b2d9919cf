"""Formatting shared by the pages and the downloads: percentages, file names, list cells, CSV. No Streamlit."""

from __future__ import annotations

import re

import pandas as pd

from graph.safe_text import csv_frame


def pct(x) -> str:
    """0.123 -> "12%"; "–" for a missing or non-numeric value."""
    try:
        if x is None or x != x:
            return "–"
        return f"{100 * float(x):.0f}%"
    except (TypeError, ValueError):
        return "–"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "table"


def join_lists(df: pd.DataFrame, sep: str = ";") -> pd.DataFrame:
    """A copy with list and tuple cells joined into text."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object and out[c].map(lambda v: isinstance(v, (list, tuple))).any():
            out[c] = out[c].map(lambda v: sep.join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV, lists joined with `;`, text that a spreadsheet would run as a formula
    (=, +, -, @ first) prefixed with an apostrophe."""
    return csv_frame(join_lists(df)).to_csv(index=False).encode("utf-8")
