"""Neo4j as the explorer sees it, in one place: configured or not, reachable or not, which build it holds,
whether that is the embedded snapshot's build. Checked at most every 30 s per process (a short connection
timeout), so a page never waits long on a server that is down. No Streamlit."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import cachetools

from graph import settings, snapshot

CONNECT_TIMEOUT_S = 3.0
CHECK_EVERY_S = 30


@dataclass(frozen=True)
class Status:
    ok: bool  # reachable (the Cypher console and the graph view may read from it)
    message: str  # a line to show
    build: str | None = None  # the build loaded in Neo4j
    in_sync: bool = False  # ... is the embedded snapshot's build, fully loaded


_CACHE: cachetools.TTLCache = cachetools.TTLCache(maxsize=4, ttl=CHECK_EVERY_S)
_LOCK = threading.Lock()


def _key() -> tuple:
    return settings.current().neo4j_uri, str(snapshot.default_home())


@cachetools.cached(_CACHE, lock=_LOCK, key=_key)
def status() -> Status:
    """The server's status; checked at most every 30 s (per URI and snapshot home)."""
    uri = settings.current().neo4j_uri
    if not uri:
        return Status(False, "Neo4j not configured (set NEO4J_URI to use a server); using the embedded store.")
    try:
        from graph.neo4j_store import connect
    except ImportError:
        return Status(False, "Neo4j support is not installed; using the embedded store.")
    try:
        with connect(connection_timeout=CONNECT_TIMEOUT_S, retry_time=0.0) as s:
            loaded = s.loaded_build()
    except Exception as e:  # any failure means "use the embedded store", said in one line
        return Status(False, f"Neo4j is unavailable: {_one_line(e)}. Using the embedded store.")
    if not loaded:
        return Status(True, f"Neo4j at {uri} (no CraftGraph build loaded: run `craftgraph load`)")
    loaded_id = loaded.get("id") or loaded.get("build_id")
    note = " (still loading)" if loaded.get("loading") else ""
    try:
        current = snapshot.current_dir(snapshot.default_home()).name
    except snapshot.SnapshotError:
        current = None
    if current and loaded_id != current:
        note += f"; the embedded snapshot is {current}: run `craftgraph load` to bring Neo4j up to date"
    in_sync = bool(current and loaded_id == current and not loaded.get("loading"))
    return Status(True, f"Neo4j at {uri}, build {loaded_id}{note}", loaded_id, in_sync)


def clear() -> None:
    """Forget the last check (tests, or after changing NEO4J_*)."""
    with _LOCK:
        _CACHE.clear()


def _one_line(e: Exception) -> str:
    text = str(e) or type(e).__name__
    return re.sub(r"\s+", " ", text).strip()[:300]


@contextlib.contextmanager
def store() -> Iterator:
    """A connected graph.neo4j_store.Neo4jStore (short timeout, no retries)."""
    from graph.neo4j_store import connect

    with connect(connection_timeout=CONNECT_TIMEOUT_S, retry_time=0.0) as s:
        yield s
