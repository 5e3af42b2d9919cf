"""`craftgraph explore`: start the Streamlit explorer (app.py) on the embedded snapshot."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import options, output
from cli.errors import CommandError


def explore(
    port: Annotated[
        int | None,
        typer.Option(
            "--port", metavar="PORT", show_default=False, help="port to serve on (default: Streamlit's, 8501)"
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address", metavar="HOST", show_default=False, help="address to listen on (default: all interfaces)"
        ),
    ] = None,
    home: options.Home = None,
    catalog: options.Catalog = None,
    sources: options.Sources = None,
    browser: Annotated[
        bool | None,
        typer.Option(
            "--browser/--no-browser",
            show_default=False,
            help="open a web browser on the explorer (default: when a display and a browser are there; "
            "the address is printed either way)",
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="make sure a snapshot exists (building it), then exit")
    ] = False,
    quiet: options.Quiet = False,
    in_subprocess: Annotated[
        bool,
        typer.Option("--subprocess", help="run `streamlit run app.py` as a child process (default: in this process)"),
    ] = False,
    no_prewarm: Annotated[
        bool,
        typer.Option(
            "--no-prewarm", help="do not load the explorer's modules and the snapshot while the server starts"
        ),
    ] = False,
    streamlit_args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="STREAMLIT_ARGS", show_default=False, help="further arguments for `streamlit run`, after `--`"
        ),
    ] = None,
) -> None:
    """start the Streamlit explorer on the embedded snapshot (building one first if there is none)

    With NEO4J_URI set and reachable, the Cypher console and graph view can also read from Neo4j; otherwise
    the embedded store is used. --catalog and --sources are used only when there is no snapshot yet.
    """
    from explorer import quick
    from explorer.launch import AppMissing, start_explorer

    home = home or quick.home()  # as options.home, without importing graph.snapshot (pandas) before serving
    progress = output.Progress(quiet)

    def say(message: str) -> None:  # the snapshot is ready: the build's progress display ends here
        progress.stop()
        output.note(message, style="")

    try:
        with progress:
            code = start_explorer(
                home,
                catalog=catalog,
                sources=sources,
                port=port,
                address=address,
                open_browser=browser,
                check=check,
                in_subprocess=in_subprocess,
                prewarm=not no_prewarm,
                streamlit_args=streamlit_args or (),
                progress=progress,
                say=say,
            )
    except AppMissing as e:
        raise CommandError(str(e)) from None
    if code:
        raise typer.Exit(code)
