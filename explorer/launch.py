"""Starting the explorer: `start_explorer` is what `craftgraph explore` runs (app.py on the embedded snapshot).

When the home has no snapshot yet, one is built first (from the catalog, and the public sources when
given). `streamlit run app.py` does the same on its first page, reading CRAFTGRAPH_CATALOG and
CRAFTGRAPH_SOURCES for the inputs; `start_explorer` passes its arguments to the app through those variables.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import webbrowser
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
CATALOG_ENV = "CRAFTGRAPH_CATALOG"  # read by graph.pipeline.default_catalog (graph.settings)
SOURCES_ENV = "CRAFTGRAPH_SOURCES"

# Streamlit settings the explorer always wants: no telemetry, no file watcher in production, and a
# clear port. Anything here can be overridden with extra `-- --server.x y` arguments.
STREAMLIT_FLAGS = (
    "--browser.gatherUsageStats",
    "false",
    "--server.fileWatcherType",
    "none",
    "--server.runOnSave",
    "false",
    "--runner.postScriptGC",  # as .streamlit/config.toml: no full collection after every run
    "false",
    "--runner.magicEnabled",  # and no magic (no page writes a bare expression)
    "false",
)
Progress = Callable[[str], None]
DEFAULT_PORT = 8501  # Streamlit's
CONSOLE_BROWSERS = ("www-browser", "links", "elinks", "lynx", "w3m")  # would take over the terminal
BROWSER_WAIT_S = 60.0  # how long the browser opener waits for the server to answer


class AppMissing(FileNotFoundError):
    """app.py is not there (an installed package without the source checkout)."""


_FIRST_BUILD = threading.Lock()


def ensure_snapshot(
    home: Path, catalog: Path | None = None, sources: Path | None = None, progress: Progress | None = None
) -> tuple[Path, bool]:
    """graph.pipeline.ensure_snapshot, without importing the build (pandas, pyarrow: 1-2 s before the server
    starts) when `home` already has a current snapshot, found the light way (explorer.quick)."""
    from explorer import quick

    snap = quick.current_snapshot(home)
    if snap is not None:
        return snap, False
    from graph.pipeline import ensure_snapshot as build_when_missing

    return build_when_missing(home, catalog, sources, progress)


def ensure_snapshot_once(home: Path) -> Path:
    """`ensure_snapshot` for the app: sessions that open at once wait for one build instead of each
    starting their own."""
    with _FIRST_BUILD:
        return ensure_snapshot(home)[0]


def streamlit_command(
    port: int | None = None, address: str | None = None, headless: bool = True, extra: Sequence[str] = ()
) -> list[str]:
    """`python -m streamlit run app.py` with the explorer's settings."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), *STREAMLIT_FLAGS]
    cmd += ["--server.headless", "true" if headless else "false"]
    if port:
        cmd += ["--server.port", str(port)]
    if address:
        cmd += ["--server.address", address]
    return cmd + list(extra)


def explorer_url(port: int, address: str | None = None) -> str:
    """The address to open: the host listened on, or localhost when listening on every interface."""
    host = address if address and address not in ("0.0.0.0", "::") else "localhost"
    return f"http://{host}:{port}"


def free_port(start: int = DEFAULT_PORT, tries: int = 20) -> int:
    """The first port from `start` that nothing listens on (Streamlit's default when free), so that the
    address printed is the one served."""
    for port in range(start, start + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    return start


def browser_choice(
    wanted: bool | None,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    find: Callable[[], object] = webbrowser.get,
) -> tuple[bool, str]:
    """(open a browser?, why not): `wanted` True/False is the user's --browser/--no-browser; None decides
    by what is there: a graphical session (macOS, Windows, or DISPLAY / WAYLAND_DISPLAY elsewhere, or
    $BROWSER set) with a browser Python's webbrowser module can start, and not a console browser."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if wanted is False:
        return False, "--no-browser"
    graphical = platform in ("darwin", "win32") or any(env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))
    if not graphical and not wanted:
        return False, "no display (a server or SSH session?)"
    try:
        found = find()
    except webbrowser.Error:
        return False, "no web browser found"
    if getattr(found, "name", "") in CONSOLE_BROWSERS and not env.get("BROWSER"):
        return False, f"only a console browser ({found.name}) found"
    return True, ""


def open_when_ready(
    url: str,
    open_url: Callable[[str], object] = webbrowser.open,
    wait_s: float = BROWSER_WAIT_S,
    say: Progress | None = None,
) -> threading.Thread:
    """Open `url` in a browser from a background thread once the server answers its health check."""

    def run() -> None:
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        if not open_url(url) and say:
                            say(f"could not open a browser: open {url} yourself")
                        return
            except OSError:
                pass
            time.sleep(0.3)
        if say:
            say(f"the explorer did not answer within {wait_s:g} s; it may still be starting: {url}")

    th = threading.Thread(target=run, name="craftgraph-open-browser", daemon=True)
    th.start()
    return th


def start_explorer(
    home: Path,
    *,
    catalog: Path | None = None,
    sources: Path | None = None,
    port: int | None = None,
    address: str | None = None,
    open_browser: bool | None = None,
    check: bool = False,
    in_subprocess: bool = False,
    prewarm: bool = True,
    streamlit_args: Sequence[str] = (),
    progress: Progress | None = None,
    say: Progress = lambda msg: print(msg, file=sys.stderr),
) -> int:
    """`craftgraph explore`: make sure `home` has a snapshot (building one from `catalog` and `sources`
    when it has none), then serve the explorer on it until interrupted (or, with `check`, return).

    Serves in this process by default: the explorer's modules and the snapshot load in a background
    thread while the server starts (`prewarm`). Returns the exit code (0, or the child's with
    `in_subprocess`). `open_browser`: True/False, or None to open one where a browser can be shown
    (`browser_choice`); the address is printed either way. Raises AppMissing without app.py, and the
    build's InputError (every problem) when the inputs do not validate."""
    if not APP.exists():
        raise AppMissing(f"the app is missing ({APP}); run from a source checkout")
    snap, built = ensure_snapshot(home, catalog, sources, progress)
    say(("built " if built else "using ") + f"snapshot {snap.name} in {home}")
    if check:
        return 0
    env = {"CRAFTGRAPH_HOME": str(home)}
    if catalog:
        env[CATALOG_ENV] = str(catalog.resolve())
    if sources:
        env[SOURCES_ENV] = str(sources.resolve())
    port = port or free_port()
    url = explorer_url(port, address)
    show, why_not = browser_choice(open_browser)
    if show:
        say(f"explorer: {url} (opening it in your browser; Ctrl-C stops the explorer)")
        open_when_ready(url, say=say)
    else:
        say(f"explorer: {url} (open this address in a web browser; not opened: {why_not}; Ctrl-C stops it)")
    cmd = streamlit_command(port, address, headless=True, extra=streamlit_args)
    try:
        if in_subprocess:
            return subprocess.call(cmd, env={**os.environ, **env}, cwd=str(APP.parent))
        os.environ.update(env)
        os.chdir(APP.parent)
        if prewarm:
            threading.Thread(target=prewarm_app, args=(home,), name="craftgraph-explore-prewarm", daemon=True).start()
        from streamlit.web import cli as streamlit_cli

        streamlit_cli.main(args=cmd[3:], prog_name="streamlit", standalone_mode=False)
    except KeyboardInterrupt:
        pass
    return 0


FIRST_PAGE_WAIT_S = 60.0


def prewarm_app(home: Path, wait_s: float = FIRST_PAGE_WAIT_S) -> None:
    """Import the explorer's modules and load the current snapshot and its first page's scores into the
    explorer's cache (the same process serves the app, so its sessions find them there). Waits (up to
    `wait_s`) until the app shell has served a first page: that page reads a small view without the graph
    (explorer.quick), and loading the graph meanwhile would only hold the interpreter while it renders."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and not _first_page_served():
        time.sleep(0.2)
    quick = sys.modules.get("explorer.quick")
    if quick is not None:  # as the app shell's own load: once the first page is drawn and no page runs
        quick.wait_until_idle()
    try:
        if str(APP.parent) not in sys.path:
            sys.path.insert(0, str(APP.parent))
        import explorer.charts
        import explorer.ui
        import explorer.widgets  # noqa: F401
        from explorer import cache, scores
        from explorer.scenario import spec
        from graph import snapshot

        b = cache.build(snapshot.current_dir(home))
        scores.summary(b, spec("expected"))
    except Exception:  # the page reports any problem itself
        pass


def _first_page_served() -> bool:
    """Whether the app shell in this process has run a page (explorer.quick.prewarm was called)."""
    quick = sys.modules.get("explorer.quick")
    return bool(quick is not None and getattr(quick, "_warming", None))
