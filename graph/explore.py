"""`craftgraph explore`: start the Streamlit explorer (app.py) on the embedded snapshot.

When the home has no snapshot yet, one is built first (from the catalog, and the public sources when
given). `streamlit run app.py` does the same on its first page, reading CRAFTGRAPH_CATALOG and
CRAFTGRAPH_SOURCES for the inputs; this command passes its flags to the app through those variables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from graph import snapshot
from graph.pipeline import ensure_snapshot

APP = Path(__file__).resolve().parents[1] / "app.py"
CATALOG_ENV = "CRAFTGRAPH_CATALOG"
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
)


def streamlit_command(
    port: int | None = None, address: str | None = None, headless: bool = True, extra: list[str] | None = None
) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        *STREAMLIT_FLAGS,
        "--server.headless",
        "true" if headless else "false",
    ]
    if port:
        cmd += ["--server.port", str(port)]
    if address:
        cmd += ["--server.address", address]
    return cmd + list(extra or [])


def cmd_explore(args) -> int:
    from graph.cli import _progress_printer
    from graph.tables import InputError

    home = Path(args.home) if args.home else snapshot.default_home()
    catalog = Path(args.catalog) if args.catalog else None
    sources = Path(args.sources) if args.sources else None
    if not APP.exists():
        print(f"explore: the app is missing ({APP}); run from a source checkout", file=sys.stderr)
        return 2
    try:
        snap, built = ensure_snapshot(home, catalog, sources, _progress_printer(args.quiet))
    except InputError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        print(f"explore: no snapshot in {home} and the build found {len(e.problems)} problem(s)", file=sys.stderr)
        return 1
    print(("built " if built else "using ") + f"snapshot {snap.name} in {home}", file=sys.stderr)
    if args.check:
        return 0
    env = {"CRAFTGRAPH_HOME": str(home)}
    if catalog:
        env[CATALOG_ENV] = str(catalog.resolve())
    if sources:
        env[SOURCES_ENV] = str(sources.resolve())
    cmd = streamlit_command(args.port, args.address, headless=not args.browser, extra=args.streamlit_args)
    if args.subprocess:
        try:
            return subprocess.call(cmd, env={**os.environ, **env}, cwd=str(APP.parent))
        except KeyboardInterrupt:
            return 0
    # In this process: the explorer's modules and the snapshot load in a background thread while the
    # server starts and the browser fetches the page, so the first page does not wait for them.
    os.environ.update(env)
    os.chdir(APP.parent)
    if not args.no_prewarm:
        threading.Thread(target=prewarm, args=(home,), name="craftgraph-explore-prewarm", daemon=True).start()
    from streamlit.web import cli as streamlit_cli

    try:
        streamlit_cli.main(args=cmd[3:], prog_name="streamlit", standalone_mode=False)
    except KeyboardInterrupt:
        return 0
    return 0


def prewarm(home: Path) -> None:
    """Import the explorer's modules and load the current snapshot into the app's shared caches."""
    import time

    from streamlit import runtime

    deadline = time.monotonic() + 60
    while not runtime.exists():  # the app's caches belong to the server's runtime: wait for it
        if time.monotonic() > deadline:
            return
        time.sleep(0.02)
    try:
        if str(APP.parent) not in sys.path:
            sys.path.insert(0, str(APP.parent))
        import explorer.charts
        import explorer.pages.exposure_pages  # noqa: F401
        from explorer import data, state

        data.quiet_background_thread()
        snap = snapshot.current_dir(home)
        state._graph(snap.name, str(snap))
        data.summary(snap.name, str(snap), data.spec("expected"))
    except Exception:
        pass


def register(sub) -> None:
    sp = sub.add_parser(
        "explore",
        help="start the Streamlit explorer on the embedded snapshot (building one first if there is none)",
        description="Start the CraftGraph explorer (Streamlit). With NEO4J_URI set and reachable, the "
        "Cypher console and graph view can also read from Neo4j; otherwise the embedded store is used.",
    )
    sp.add_argument("--port", type=int, help="port to serve on (default: Streamlit's, 8501)")
    sp.add_argument("--address", help="address to listen on (default: all interfaces)")
    sp.add_argument("--home", help="snapshot directory (default: $CRAFTGRAPH_HOME or a per-user data directory)")
    sp.add_argument("--catalog", help="catalog to build from when there is no snapshot (default: data/catalog)")
    sp.add_argument("--sources", help="public sources to build with when there is no snapshot")
    sp.add_argument("--browser", action="store_true", help="open a web browser on start")
    sp.add_argument("--check", action="store_true", help="make sure a snapshot exists (building it), then exit")
    sp.add_argument("-q", "--quiet", action="store_true", help="no build progress lines")
    sp.add_argument(
        "--subprocess",
        action="store_true",
        help="run `streamlit run app.py` as a child process (default: in this process)",
    )
    sp.add_argument(
        "--no-prewarm",
        action="store_true",
        help="do not load the explorer's modules and the snapshot while the server starts",
    )
    sp.add_argument(
        "streamlit_args",
        nargs="*",
        metavar="-- STREAMLIT_ARGS",
        help="further arguments for `streamlit run`, after `--`",
    )
    sp.set_defaults(func=cmd_explore)
