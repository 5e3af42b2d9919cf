"""Cell checks shared by the public sources, and declarative per-file specs built from them.

A TableSpec says what one file must hold: its columns, a pattern per code column, a unique key.
`spec.read(path, problems)` reads the file with the shared reader, then checks every pattern and
the key, reporting each bad row (file, line, field) and leaving it out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from graph.tables import Problem
from ingest.reader import LINE, FileProblems, read_table

ONET_SOC_RE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
SOC_RE = re.compile(r"^\d{2}-\d{4}$")


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    what: str  # what a matching cell is, for the problem: "an O*NET-SOC code (NN-NNNN.NN)"


ONET_SOC = Pattern(ONET_SOC_RE, "an O*NET-SOC code (NN-NNNN.NN)")
SOC = Pattern(SOC_RE, "a 6-digit SOC code (NN-NNNN)")


class Read(NamedTuple):
    frame: pd.DataFrame  # the rows that passed the checks
    rows: int  # data rows in the file (before the checks), for the manifest
    fp: FileProblems


@dataclass(frozen=True)
class TableSpec:
    """One file's columns and checks: read → each pattern (in order) → unique key."""

    columns: tuple[str, ...]
    patterns: Mapping[str, Pattern] = field(default_factory=dict)
    unique: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    sheet: str | None = None
    index_col_unnamed: bool = False  # a header whose first cell is empty (a saved pandas index)

    def read(self, path: Path, problems: list[Problem]) -> Read | None:
        fp = FileProblems(path, problems)
        df = read_table(
            fp, self.columns, optional=self.optional, sheet=self.sheet, index_col_unnamed=self.index_col_unnamed
        )
        return None if df is None else Read(self.check(df, fp), len(df), fp)

    def check(self, df: pd.DataFrame, fp: FileProblems) -> pd.DataFrame:
        for col, pattern in self.patterns.items():
            df = check_pattern(df, col, pattern.regex, fp, pattern.what)
        return check_unique(df, self.unique, fp) if self.unique else df


def check_unique(df: pd.DataFrame, key: Sequence[str], fp: FileProblems) -> pd.DataFrame:
    """Report every row whose key repeats an earlier row's; return the frame without them."""
    dup = df.duplicated(subset=list(key), keep="first")
    if not dup.any():
        return df
    first = df[~dup].set_index(list(key))[LINE]
    for _, row in df[dup].iterrows():
        k = tuple(row[c] for c in key)
        at = first.get(k if len(k) > 1 else k[0])
        fp.add(
            int(row[LINE]),
            "+".join(key),
            f"duplicate key {'/'.join(k)} (first at line {at}); each must appear once",
        )
    return df[~dup]


def check_pattern(df: pd.DataFrame, col: str, rx: re.Pattern[str], fp: FileProblems, what: str) -> pd.DataFrame:
    """Report every row whose `col` does not match `rx`; return the frame without them. Each distinct
    value is matched once (codes repeat); the rows are only looked at when some value fails."""
    bad = {v for v in pd.unique(df[col].to_numpy(dtype=object)) if not rx.match(v)}
    if not bad:
        return df
    ok = ~df[col].isin(bad)
    for _, row in df[~ok].iterrows():
        fp.add(int(row[LINE]), col, f"{row[col]!r} is not {what}")
    return df[ok]


def check_known(df: pd.DataFrame, col: str, known: set[str], fp: FileProblems, what: str) -> pd.DataFrame:
    """Report every row whose `col` is not in `known` ("... is not {what}"); return the others."""
    ok = df[col].isin(known)
    for _, row in df[~ok].iterrows():
        fp.add(int(row[LINE]), col, f"{row[col]!r} is not {what}")
    return df[ok]


def parse_float(
    value: str, fp: FileProblems, line: int, col: str, specials: dict[str, str] | None = None
) -> tuple[float | None, str | None]:
    """A number from a cell; (None, key) for a documented special marker, e.g. BLS `*` and `#`."""
    if value == "":
        return None, None
    if specials and value in specials:
        return None, value
    try:
        v = float(value.replace(",", ""))
    except ValueError:
        fp.add(line, col, f"expected a number, got {value!r}")
        return None, None
    if v != v:
        return None, None
    return v, None


def records(df: pd.DataFrame) -> list[dict]:
    """df.to_dict("records") (the same dicts of plain Python values), several times faster."""
    cols = list(df.columns)
    return [dict(zip(cols, vals, strict=True)) for vals in zip(*(df[c].tolist() for c in cols), strict=True)]


def where_col(df: pd.DataFrame, fp: FileProblems) -> list[str]:
    """`file:line` of every row, for the tables' WHERE column."""
    return [f"{fp.name}:{n}" for n in df[LINE]]
