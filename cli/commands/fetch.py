"""`craftgraph fetch`: download the public datasets from their publishers, hash-checked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import options, output
from cli.errors import CommandError


def fetch(
    dest: Annotated[
        Path | None,
        typer.Option(
            "--dest", metavar="DIR", show_default=False, help="where to put them (default: a per-user cache directory)"
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source", metavar="ID", show_default=False, help="only this source id or file path (repeatable)"
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", metavar="URL", help="download from this mirror instead of the publishers (same layout)"
        ),
    ] = None,
    quiet: options.Quiet = False,
) -> None:
    """download the public datasets (O*NET, BLS, studies) into a cache, hash-checked"""
    from graph.settings import fetch_cache as default_dest
    from ingest.fetch import fetch as fetch_files

    dest = dest or default_dest()
    try:
        with output.Progress(quiet) as progress:
            result = fetch_files(dest, sources=source or None, base_url=base_url, progress=progress)
    except ValueError as e:
        raise CommandError(str(e)) from None
    downloaded = sum(1 for r in result.values() if r["status"] == "downloaded")
    output.line(f"{len(result)} file(s) in {dest} ({downloaded} downloaded, {len(result) - downloaded} already cached)")
    if dest == default_dest():
        output.line("`craftgraph build` finds them there (no --sources needed)")
    else:
        output.line(f"build with them: craftgraph build --sources {dest}")
