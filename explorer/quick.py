"""The explorer's fast path: what the app shell and the first page need, read without pandas, numpy,
pyarrow, networkx or pydantic (together 1.5–3 s of imports on the 2-core machine): where the current
snapshot is, its manifest, its first-page view (graph.views, written at build time), the catalog-only
banner, and a background thread that loads the rest once the first page is shown.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from graph import views

CATALOG_ONLY = (
    "**Catalog-only build**: this snapshot has no public datasets (O*NET, BLS, ...), so occupations, tasks "
    "and scores cover the curated catalog only and are much lower than the full-data numbers. "
    "Run `craftgraph fetch` then `craftgraph build` for the full graph."
)
# The background load waits until no page has run for this long: after the first page, while the browser
# fetches the page's widget code from this server and renders it, and while a visitor is clicking through,
# the load (~1 CPU s for the tables, ~4 for the exposure engine, holding the interpreter) would slow them.
IDLE_S = 2.0
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # the name Streamlit gives the thread that runs a page
_warm_lock = threading.Lock()
_warming: set[str] = set()


def home() -> Path:
    """$CRAFTGRAPH_HOME (an empty value counts as unset), else the per-user data directory: the rule of
    graph.snapshot.default_home, without importing pydantic (a test checks they agree)."""
    env = os.environ.get("CRAFTGRAPH_HOME", "")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("craftgraph", appauthor=False))


def current_snapshot(h: Path | None = None) -> Path | None:
    """The current snapshot directory (as graph.snapshot.current_dir), or None when there is none."""
    h = h or home()
    try:
        snap = h / "snapshots" / (h / "current").read_text().strip()
    except OSError:
        return None
    return snap if (snap / "manifest.json").exists() else None


def manifest(snap: Path) -> dict | None:
    try:
        return json.loads((snap / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def catalog_only(m: dict) -> bool:
    """Whether the snapshot was built from the curated catalog alone (no public datasets)."""
    return bool(m.get("catalog_only", not m.get("public_sources")))


def catalog_only_banner() -> None:
    """The app shell's one warning when the current snapshot was built from the catalog alone."""
    import streamlit as st

    snap = current_snapshot()
    m = manifest(snap) if snap else None
    if m is not None and catalog_only(m):
        st.warning(CATALOG_ONLY, icon=":material/warning:")


def start_view(snap: Path | None) -> dict | None:
    return views.read_start(snap) if snap else None


def skip_repl_check() -> None:
    """Skip Streamlit's one-time check, on a process's first element, that it is not run from a Python
    REPL (`inspect.stack()` over every loaded module: ~80 ms on the 2-core machine, on the first page's
    path). The app always runs under a Streamlit server, so the warning it guards never applies. A test
    checks the flag still exists in the pinned Streamlit."""
    import streamlit.delta_generator as dg

    dg._use_warning_has_been_displayed = True


def wait_until_idle(quiet_s: float = IDLE_S, poll_s: float = 0.1) -> None:
    """Return once no page has run in this process for `quiet_s` seconds (counted from the call)."""
    last_busy = time.monotonic()
    while time.monotonic() - last_busy < quiet_s:
        if any(t.name == SCRIPT_THREAD for t in threading.enumerate()):
            last_busy = time.monotonic()
        time.sleep(poll_s)


def prewarm() -> None:
    """Load the current build's tables, then compile its exposure engine, in a background thread once per
    snapshot, each step when no page has run for IDLE_S: the first page and a visitor's clicks do not wait
    for it, and the next pages find it done (a page that needs it sooner loads it itself; the work is
    shared, see explorer.cache)."""
    snap = current_snapshot()
    if snap is None:
        return
    with _warm_lock:
        if str(snap) in _warming:
            return
        _warming.add(str(snap))

    def work() -> None:
        wait_until_idle()
        try:
            from explorer import cache

            cache.prewarm(cache.build(snap), wait=wait_until_idle)
        except Exception:  # the page that needs it reports the error
            pass

    threading.Thread(target=work, name="craftgraph-load", daemon=True).start()
