"""`craftgraph catalog-report | suggest-links | export`: for curators, and the snapshot for other tools."""

from __future__ import annotations

import csv
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import options, output
from graph.export import FORMATS

ExportFormat = StrEnum("ExportFormat", {name: name for name in FORMATS})  # type: ignore[misc]  # graph.export owns the list


def catalog_report(json: options.Json = False, home: options.Home = None) -> None:
    """coverage and gaps of the curated catalog (for curators)"""
    from graph.catalog_report import report
    from graph.store import load

    sections = report(load(options.home(home)))
    if json:
        output.line(output.json_text({k: v.to_dict("records") for k, v in sections.items()}))
        return
    for name, df in sections.items():
        output.line(f"\n## {name.replace('_', ' ')} ({len(df)})")
        if len(df):
            output.table(list(df.columns), list(df.itertuples(index=False, name=None)))
        else:
            output.line("(none)")


def suggest_links(
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="review file")] = Path(
        "review/suggested_links.csv"
    ),
    per_capability: Annotated[
        int, typer.Option("--per-capability", metavar="N", help="candidates per capability")
    ] = 15,
    min_score: Annotated[float, typer.Option("--min-score", metavar="X", help="lowest similarity kept")] = 0.05,
    home: options.Home = None,
) -> None:
    """rank candidate capability → task/DWA links into a review file"""
    from graph.safe_text import csv_frame
    from graph.store import load
    from graph.suggest import suggest

    found = suggest(load(options.home(home)), per_capability=per_capability, min_score=min_score)
    out.parent.mkdir(parents=True, exist_ok=True)
    csv_frame(found).to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL)  # formula-neutral for spreadsheets
    output.line(f"{len(found)} candidate link(s) for {found['capability_id'].nunique()} capabilities written to {out}")
    output.line("review them: fill weight, mode, rationale and source_ids, drop score and text, and move the rows")
    output.line("you accept into data/catalog/capability_tasks.<part>.csv; nothing else enters the graph")


def export(
    dest: Annotated[Path, typer.Argument(metavar="DEST", help="output directory")],
    format: Annotated[ExportFormat, typer.Option("--format", help="file format")],
    home: options.Home = None,
) -> None:
    """write the current snapshot as csv, parquet, graphml or neo4j-import files

    With the data dictionary, the licences and the snapshot's manifest.
    """
    from graph.export import export as export_snapshot
    from graph.store import load

    g = load(options.home(home))
    fmt = str(format)
    written = export_snapshot(g, fmt, dest)
    output.line(f"exported {g.build_id} as {fmt} to {written}")
