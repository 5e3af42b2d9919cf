"""Catalog text made inert where it leaves CraftGraph: links, CSV cells and Markdown.

Catalog fields are written by curators, and read by people in spreadsheets, Markdown viewers and
browsers; a field must never become a formula, a script link or HTML there.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from graph.schema import is_web_url

if TYPE_CHECKING:
    import pandas as pd

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
__all__ = ["csv_cell", "csv_frame", "csv_rows", "is_web_url", "md_text"]
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#!|~])")


def csv_cell(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe (shown as text,
    not part of the value in Excel, LibreOffice and Google Sheets); every other value is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_rows(rows):
    """Rows (lists) with every cell passed through csv_cell."""
    return [[csv_cell(v) for v in row] for row in rows]


def csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells (and column names) are formula-neutral."""
    import pandas as pd  # here, so that the command line starts without pandas

    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].map(csv_cell)
    out.columns = [csv_cell(c) for c in out.columns]
    return out


def md_text(value: object) -> str:
    """Text for Markdown: one line, Markdown syntax backslash-escaped and HTML's <, > and & as entities,
    so that a catalog field is shown as written and is never markup, a link or HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(("" if value is None else str(value)).split()))
    return html.escape(text, quote=False)
