"""Node and edge tables: what every ingest module produces and the build merges.

Nodes: one pandas frame per label, columns `id` plus the label's properties.
Edges: one frame per relationship type, columns `src`, `dst`, `src_label`, `dst_label` plus the
type's properties. While building, frames also carry `_where` (file:row) so that a problem found
after merging (a dangling reference, a duplicate) still names the file and row it came from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from graph.schema import EDGE_END_COLUMNS, NODE_BY_NAME, REL_BY_NAME

WHERE = "_where"


@dataclass
class Problem:
    """One thing wrong with an input: file, row (or line), field, and what is wrong."""

    file: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        loc = f"{self.file}:{self.row}" if self.row is not None else self.file
        return f"{loc}: {self.field}: {self.message}"


class InputError(Exception):
    """Raised with every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:200])
        more = f"\n  ... and {len(problems) - 200} more" if len(problems) > 200 else ""
        super().__init__(f"{len(problems)} problem(s) in the input:\n{shown}{more}")


@dataclass
class Tables:
    nodes: dict[str, pd.DataFrame] = field(default_factory=dict)
    edges: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # documented handling, goes to the manifest

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": {k: len(v) for k, v in sorted(self.nodes.items())},
            "edges": {k: len(v) for k, v in sorted(self.edges.items())},
        }


def add_problem(problems: list[Problem], row: dict, field: str, message: str) -> None:
    """A problem at a row's `file:line` (from its WHERE cell), or at its id when it has none."""
    where = row.get(WHERE)
    if isinstance(where, str) and where.rpartition(":")[2].isdigit():
        file, _, line = where.rpartition(":")
        problems.append(Problem(file, int(line), field, message))
    else:
        problems.append(Problem(str(row.get("id")), None, field, message))


class TableBuilder:
    """Collects rows per label and type, then turns them into frames with every schema column."""

    def __init__(self) -> None:
        self._nodes: dict[str, list[dict]] = defaultdict(list)
        self._edges: dict[str, list[dict]] = defaultdict(list)

    def node(self, label: str, row: dict) -> None:
        self._nodes[label].append(row)

    def edge(self, rel: str, src: str, src_label: str, dst: str, dst_label: str, **props: object) -> None:
        self._edges[rel].append({"src": src, "dst": dst, "src_label": src_label, "dst_label": dst_label, **props})

    def tables(self) -> Tables:
        t = Tables()
        for label, rows in self._nodes.items():
            t.nodes[label] = _frame(rows, _node_cols(label))
        for rel, rows in self._edges.items():
            t.edges[rel] = _frame(rows, _edge_cols(rel))
        return t


def _node_cols(label: str) -> list[str]:
    return [p.name for p in NODE_BY_NAME[label].all_props] + [WHERE]


def _edge_cols(rel: str) -> list[str]:
    return [*EDGE_END_COLUMNS] + [p.name for p in REL_BY_NAME[rel].all_props] + [WHERE]


def _frame(rows: list[dict], cols: list[str]) -> pd.DataFrame:
    unknown = set().union(*rows) - set(cols)
    if unknown:
        raise ValueError(f"columns not in the schema: {sorted(unknown)}")
    # object dtype keeps whole numbers whole and lists as lists; missing values are None
    if not rows:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    df = pd.DataFrame(rows, columns=cols, dtype=object)  # (a key a row lacks is NaN here, None below)
    return df.where(df.notna(), None)


def columns_frame(columns: dict[str, list], cols: list[str], n: int | None = None) -> pd.DataFrame:
    """The frame _frame makes of rows, made of equally long value lists by column (a column not given is
    all None); `n` rows (default: the length of the lists given)."""
    unknown = set(columns) - set(cols)
    if unknown:
        raise ValueError(f"columns not in the schema: {sorted(unknown)}")
    if n is None:
        n = len(next(iter(columns.values()))) if columns else 0
    df = pd.DataFrame({c: pd.Series(columns[c] if c in columns else [None] * n, dtype=object) for c in cols})
    return df.where(df.notna(), None)


def node_columns(label: str, columns: dict[str, list], n: int | None = None) -> pd.DataFrame:
    """A label's frame with every schema column in schema order, from value lists by column (the frame
    TableBuilder makes of the same rows)."""
    return columns_frame(columns, _node_cols(label), n)


def edge_columns(rel: str, columns: dict[str, list], n: int | None = None) -> pd.DataFrame:
    """A relationship type's frame with every schema column, from value lists by column."""
    return columns_frame(columns, _edge_cols(rel), n)


def merge(parts: list[Tables]) -> Tables:
    """Concatenate tables of several sources (no de-duplication: the build validates)."""
    out = Tables()
    for part in parts:
        for kind_out, kind_in in ((out.nodes, part.nodes), (out.edges, part.edges)):
            for k, df in kind_in.items():
                kind_out[k] = df if k not in kind_out else pd.concat([kind_out[k], df], ignore_index=True)
        out.notes += part.notes
    return out
