"""`craftgraph sources check`: every cited URL tested (status, redirects, content type, content hash)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import options, output
from cli.errors import CommandError


class CheckFormat(StrEnum):
    table = "table"
    json = "json"


def check(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            metavar="PATTERN",
            show_default=False,
            help="source ids or sources file names to check (glob, repeatable), e.g. 'src:m-*' or sources.tools.csv",
        ),
    ] = None,
    hashes: Annotated[
        Path | None,
        typer.Option(
            "--hashes",
            metavar="FILE",
            show_default=False,
            help="stored fingerprints (default: source_hashes.csv beside the catalog directory)",
        ),
    ] = None,
    update: Annotated[
        bool, typer.Option("--update", help="record what was found as the new fingerprints (accepts changes)")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", metavar="N", help="hosts checked at once", min=1, max=16)] = 4,
    timeout: Annotated[float, typer.Option("--timeout", metavar="S", help="connect/read timeout per request")] = 15.0,
    pause: Annotated[
        float, typer.Option("--pause", metavar="S", help="seconds between two requests to one host", min=0.0)
    ] = 1.0,
    format: Annotated[CheckFormat, typer.Option("--format", help="output format")] = CheckFormat.table,
    catalog: options.Catalog = None,
) -> None:
    """test every source URL: dead, redirected, changed pages and archive links"""
    from graph.tables import InputError
    from ingest import source_check as sc

    cat = options.catalog(catalog)
    problems: list = []
    sources = sc.select(sc.read_sources(cat, problems), only or [])
    if problems:
        raise InputError(problems)
    if not sources:
        raise CommandError(f"no source matches {', '.join(only or [])!r}" if only else "the catalog lists no sources")
    store = hashes or cat.parent / "source_hashes.csv"
    stored = sc.read_hashes(store)
    if format == CheckFormat.table:
        output.note(f"checking {len(sources)} source(s), {workers} host(s) at a time")
    checks = sc.check_sources(
        sources, stored, workers=workers, timeout=timeout, deadline=4 * timeout, per_host_interval=pause
    )
    found = sc.summary(checks)
    if update:
        n = sc.write_hashes(store, stored, checks, sc.today())
        output.note(f"{n} fingerprint(s) recorded in {store}")
    if format == CheckFormat.json:
        output.line(output.json_text({"summary": found, "sources": sc.as_records(checks)}))
        return
    flagged = [c for c in checks if c.findings]
    if flagged:
        output.table(
            ["source", "findings", "status", "url", "ends at / error", "archive"],
            [
                (
                    c.id,
                    ", ".join(c.findings),
                    c.status or "",
                    c.url,
                    c.error or (c.final_url if c.final_url != c.url else ""),
                    c.archive or "",
                )
                for c in flagged
            ],
        )
    output.line(", ".join(f"{k}: {v}" for k, v in found.items()))
    new = sum(1 for c in checks if c.id not in stored)
    if new and not update:
        output.note(f"{new} source(s) have no stored fingerprint yet: run with --update to record them")
