"""The explorer's one cache: everything derived from a build, computed once per process, keyed by build id.

A `Build` holds the snapshot's graph, its exposure engine (compiled on first use) and an LRU memo of the
frames, indices and chart specs the pages derive from it. The two most recent builds are kept, so a new
`craftgraph build` is picked up on the next rerun and the old one is dropped. Every session shares it, and
so can a background thread (the prewarm in `craftgraph explore` and after the first page): no Streamlit
here. Cached values are shared, never copied: read them, do not modify them in place.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import cachetools

from graph import snapshot
from graph.store import Graph

MEMO_SIZE = 1024  # derived values per build (frames, indices, chart specs)
BUILDS_KEPT = 2

P = ParamSpec("P")
R = TypeVar("R")


class Build:
    """One snapshot, loaded: its graph, engine and memo."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.id: str = graph.build_id
        self.path = Path(graph.path)
        # The engine's run cache is a plain dict: every call into the engine holds this lock.
        self.engine_lock = threading.RLock()
        self._engine: Any = None
        self._memo: cachetools.LRUCache = cachetools.LRUCache(maxsize=MEMO_SIZE)
        self._memo_lock = threading.Lock()

    def engine(self):
        """The exposure engine (graph.exposure.Engine), compiled once."""
        with self.engine_lock:
            if self._engine is None:
                from graph.exposure import api

                self._engine = api.engine(self.graph)
            return self._engine

    @property
    def engine_compiled(self) -> bool:
        return self._engine is not None

    def memo(self, key: Hashable, compute: Callable[[], R]) -> R:
        """The value cached under `key`, computing it (outside the lock) when missing."""
        with self._memo_lock:
            try:
                return self._memo[key]
            except KeyError:
                pass
        value = compute()
        with self._memo_lock:
            return self._memo.setdefault(key, value)

    def has(self, key: Hashable) -> bool:
        """Whether a value is cached under `key`."""
        with self._memo_lock:
            return key in self._memo

    def clear(self) -> None:
        with self._memo_lock:
            self._memo.clear()


def memoized(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache `fn(build, *args)` in the build's memo, keyed by the function and its (hashable) arguments."""

    @functools.wraps(fn)
    def wrapper(b: Build, *args, **kwargs):
        key = (fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())))
        return b.memo(key, lambda: fn(b, *args, **kwargs))

    return wrapper  # type: ignore[return-value]


_BUILDS: cachetools.LRUCache = cachetools.LRUCache(maxsize=BUILDS_KEPT)
_BUILDS_LOCK = threading.Lock()


def _key(snap: Path) -> str:
    # The snapshot directory is named by its build id; the full path also tells apart two homes that
    # built the same catalog in the same second.
    return str(Path(snap).resolve())


def build(snap: Path) -> Build:
    """The loaded build of a snapshot directory (named by its build id)."""
    with _BUILDS_LOCK:
        b = _BUILDS.get(_key(snap))
        if b is None:
            b = Build(Graph(Path(snap)))
            _BUILDS[_key(snap)] = b
        return b


def loaded(snap: Path) -> bool:
    """Whether the build of this snapshot directory is already in the cache."""
    with _BUILDS_LOCK:
        return _key(snap) in _BUILDS


def current(home: Path | None = None) -> Build:
    """The current snapshot of `home` (default: $CRAFTGRAPH_HOME), loaded. Raises snapshot.SnapshotError."""
    return build(snapshot.current_dir(home or snapshot.default_home()))


def clear() -> None:
    """Forget every build (tests)."""
    with _BUILDS_LOCK:
        _BUILDS.clear()


def prewarm(b: Build, wait: Callable[[], None] | None = None) -> None:
    """Compile the exposure engine of a build in a background thread (once per build), after `wait()`
    returns (e.g. explorer.quick.wait_until_idle), so the first page that explains a score does not wait
    for it. (Not the graph view's networkx graph: building it holds the interpreter for seconds, slowing
    every page meanwhile; the graph view builds it when first asked.)"""
    with _BUILDS_LOCK:
        if getattr(b, "_prewarm_started", False):
            return
        b._prewarm_started = True  # type: ignore[attr-defined]

    def work() -> None:
        with contextlib.suppress(Exception):  # the page that needs the engine reports the error
            if wait is not None:
                wait()
            b.engine()

    threading.Thread(target=work, name="craftgraph-prewarm", daemon=True).start()
