"""What every public source shares: the Source protocol, the Context of one run, where the data lives,
progress reporting, and finishing a source's tables.

A source is a module (ingest/onet.py, ingest/bls.py, ...) with

    NAME: str                                    registry key and manifest key
    read(ctx: Context) -> tuple[Tables, dict]    its node/edge tables and its manifest entry

Problems go to `ctx.problems`, never raised one by one: the caller raises InputError with all of them.
Sources that others join onto (O*NET, the crosswalks) keep what they parsed in the Context
(`ctx.cached`), so it is read once per run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import pandas as pd

from graph import settings
from graph.schema import NODE_BY_NAME, REL_BY_NAME
from graph.tables import Problem, TableBuilder, Tables

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CATALOG = REPO / "data" / "catalog"

# Progress: a callable taking one line of text. Without one, lines go to the `ingest.*` loggers at INFO.
Progress = Callable[[str], None]
T = TypeVar("T")


def reporter(progress: Progress | None, name: str) -> Progress:
    """`progress` itself, or the INFO method of logger `name`."""
    return progress if progress is not None else logging.getLogger(name).info


def shared_data_dir() -> Path:
    """Where the shared public data lives: $CRAFTGRAPH_SHARED_DATA, else ../shared/data next to the repo."""
    return settings.current().shared_data or (REPO / ".." / "shared" / "data").resolve()


@dataclass
class Context:
    """One run over a public-data root: where it is, where problems go, which catalog and O*NET release."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    catalog: Path | None = None
    onet_release: str | None = None  # e.g. "db_30_1_excel"; default: $CRAFTGRAPH_ONET_RELEASE, else newest text
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)

    @property
    def catalog_dir(self) -> Path:
        return self.catalog if self.catalog is not None else DEFAULT_CATALOG

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """make() once per run (the O*NET core, the crosswalks, the catalog's source ids)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


@runtime_checkable
class Source(Protocol):
    """A public source module (see the module docstring)."""

    NAME: str

    def read(self, ctx: Context) -> tuple[Tables, dict]: ...


def finish(tb: TableBuilder) -> Tables:
    """tb.tables() with whole-number properties kept whole: pandas turns an int column with missing
    values into floats (5 → 5.0), which the schema's `int` check refuses."""
    t = tb.tables()
    restore_ints(t)
    return t


def restore_ints(t: Tables) -> None:
    for kind, specs in ((t.nodes, NODE_BY_NAME), (t.edges, REL_BY_NAME)):
        for name, df in kind.items():
            spec = specs.get(name)
            if spec is None:
                continue
            for p in spec.all_props:
                if p.type == "int" and p.name in df.columns:
                    if df[p.name].dtype == object and set(map(type, df[p.name].tolist())) <= {int, type(None)}:
                        continue  # whole already (columns built from Python ints)
                    values = [_whole(v) for v in df[p.name].astype(object)]
                    df[p.name] = pd.Series(values, index=df.index, dtype=object)


def _whole(v: object) -> object:
    if isinstance(v, float):
        return None if v != v else (int(v) if v.is_integer() else v)
    return v
