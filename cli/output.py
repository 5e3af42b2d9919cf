"""Terminal output for every command: results on stdout, messages and progress on stderr.

On a terminal, tables are rich tables that wrap their cells to the terminal's width and long steps show a
live progress display; when stdout (or stderr) is not a terminal, the same output comes as plain lines
that other programs can read. `json` and `csv` formats are never decorated.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import sys
import time
from collections.abc import Sequence
from enum import StrEnum
from types import TracebackType
from typing import Any

from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from graph.safe_text import csv_frame, csv_rows

PLAIN_CELL = 60  # widest cell in a plain (not a terminal) table; longer text is cut with "..."

# file=None: each console writes to whatever sys.stdout / sys.stderr is at the time (tests swap them).
stdout = Console(soft_wrap=True, highlight=False)
stderr = Console(stderr=True, soft_wrap=True, highlight=False)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def line(text: str = "") -> None:
    """One line of a command's result on stdout (never wrapped, never styled)."""
    stdout.print(text, markup=False)


def raw(text: str) -> None:
    """Text on stdout exactly as given (a generated document)."""
    sys.stdout.write(text)


def note(text: str, *, style: str = "yellow") -> None:
    """One line for the user on stderr: a warning, a hint, or where the output went."""
    stderr.print(Text(text, style=style if stderr.is_terminal else ""), soft_wrap=True)


def error(text: str) -> None:
    note(text, style="bold red")


# ------------------------------------------------------------------------------------------ tables


def _listlike(value: Any) -> bool:
    return isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray"


def cell(value: Any, float_format: str | None = None) -> str:
    """Text of one table cell: lists joined with `;`, missing values empty, floats as asked."""
    if value is None:
        return ""
    if _listlike(value):
        return ";".join(map(str, value))
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return format(value, float_format) if float_format else str(value)
    return str(value)


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, float_format: str | None = None) -> None:
    """A table on stdout: wrapped to the terminal's width there, else plain aligned columns."""
    text_rows = [[cell(v, float_format) for v in r] for r in rows]
    if stdout.is_terminal:
        t = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False, pad_edge=False)
        for i, c in enumerate(columns):
            numeric = bool(rows) and all(_number(r[i]) for r in rows)
            t.add_column(str(c), overflow="fold", justify="right" if numeric else "left")
        for r in text_rows:
            t.add_row(*r)
        stdout.print(t)
        return
    for text in plain_table([str(c) for c in columns], text_rows):
        line(text)


def _number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def plain_table(columns: list[str], rows: list[list[str]]) -> list[str]:
    """Aligned columns with a dashed rule under the header; cells longer than PLAIN_CELL are cut."""
    cut = [[v if len(v) <= PLAIN_CELL else v[: PLAIN_CELL - 3] + "..." for v in r] for r in [columns, *rows]]
    widths = [max(len(r[i]) for r in cut) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cut]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _json_default(o: Any) -> Any:
    if hasattr(o, "item") and callable(o.item):  # numpy scalars
        v = o.item()
        return None if isinstance(v, float) and not math.isfinite(v) else v
    if hasattr(o, "tolist"):
        return o.tolist()
    return str(o)


def _finite(v: Any) -> Any:
    return None if isinstance(v, float) and not math.isfinite(v) else v


def json_text(value: Any) -> str:
    return json.dumps(value, indent=2, default=_json_default)


def records(df) -> list[dict]:
    """A DataFrame's rows as JSON-ready dicts (NaN and infinities become null)."""
    return [{k: _finite(v) for k, v in r.items()} for r in df.to_dict("records")]


def rows(columns: Sequence[str], data: Sequence[Sequence[Any]], fmt: OutputFormat | str) -> None:
    """Query results (column names and row lists) in the chosen format."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.json:
        line(json_text([dict(zip(columns, r, strict=True)) for r in data]))
    elif fmt is OutputFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows(csv_rows(data))  # formula-neutral: graph.safe_text
        sys.stdout.write(buf.getvalue())
    else:
        table(columns, data)


def frame(df, fmt: OutputFormat | str, columns: Sequence[str] | None = None) -> None:
    """A DataFrame in the chosen format; the table shows `columns` (those present), floats to 3 places."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.json:
        line(json_text(records(df)))
        return
    if fmt is OutputFormat.csv:
        d = df.copy()
        for c in d.columns:
            if d[c].map(_listlike).any():
                d[c] = d[c].map(lambda v: cell(v) if _listlike(v) else v)
        csv_frame(d).to_csv(sys.stdout, index=False)  # formula-neutral: graph.safe_text
        return
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    if not len(df):
        line("(no rows)")
        return
    table(cols, list(df[cols].itertuples(index=False, name=None)), float_format=".3f")


# ---------------------------------------------------------------------------------------- progress


class _Count(MofNCompleteColumn):
    """`done/total` for counted work, nothing for a step of unknown length."""

    def render(self, task: Task) -> Text:
        return Text("") if task.total is None else super().render(task)


class Progress:
    """Progress of a long command on stderr; nothing when quiet.

    Call it with a message when a new step starts (`progress("reading the catalog")`) and use `count()` for
    work with a known size. On a terminal a live display shows the current step, bars for counted work and
    the elapsed time; elsewhere each step is one line `[  1.2s] message` (counted work at most once a second).
    """

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.start = time.perf_counter()
        self.live: RichProgress | None = None
        self.step: TaskID | None = None
        self.bars: dict[str, TaskID] = {}
        self.last_line = 0.0

    def __enter__(self) -> Progress:
        if not self.quiet and stderr.is_terminal:
            self.live = RichProgress(
                SpinnerColumn(finished_text="✓"),
                TextColumn("{task.description}"),
                BarColumn(),
                _Count(),
                TimeElapsedColumn(),
                console=stderr,
                transient=True,
            )
            self.live.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def stop(self) -> None:
        """End the live display (what follows prints as plain lines); safe to call twice."""
        if self.live is not None:
            self.live.stop()
            self.live = None

    def _elapsed(self) -> str:
        return f"[{time.perf_counter() - self.start:6.1f}s]"

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        if self.live is None:
            stderr.print(f"{self._elapsed()} {message}", markup=False)
            return
        self.live.console.print(Text(f"{self._elapsed()} {message}", style="dim"))
        if self.step is None:
            self.step = self.live.add_task(message, total=None)
        self.live.update(self.step, description=message)

    def count(self, stage: str, done: int, total: int, label: str = "") -> None:
        """`done` of `total` units of `stage` (e.g. relationships loaded) are finished."""
        if self.quiet:
            return
        if self.live is None:
            now = time.perf_counter()
            if done == total or now - self.last_line >= 1.0:
                self.last_line = now
                suffix = f" ({label})" if label else ""
                stderr.print(f"{self._elapsed()} {stage} {done}/{total}{suffix}", markup=False)
            return
        if stage not in self.bars:
            self.bars[stage] = self.live.add_task(stage, total=total)
        description = f"{stage}: {label}" if label else stage
        self.live.update(self.bars[stage], completed=done, total=total, description=description)
