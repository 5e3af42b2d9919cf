"""`craftgraph catalog-report | changes | suggest-links | export`: for curators, and the snapshot for other tools."""

from __future__ import annotations

import csv
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import options, output
from cli.errors import CommandError
from graph.defaults import EXPORT_FORMATS as FORMATS

ExportFormat = StrEnum("ExportFormat", {name: name for name in FORMATS})  # type: ignore[misc]  # graph.defaults owns the list


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


class ChangesFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def changes(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="REF",
            show_default=False,
            help="a snapshot id (or its start) or a catalog directory (default: the snapshot before the current one)",
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="REF",
            show_default=False,
            help="the same, for the newer side (default: the current snapshot)",
        ),
    ] = None,
    format: Annotated[ChangesFormat, typer.Option("--format", help="output format")] = ChangesFormat.table,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            metavar="FILE",
            show_default=False,
            help="put the Markdown between the catalog-changes markers of FILE (e.g. docs/curation.md)",
        ),
    ] = None,
    home: options.Home = None,
) -> None:
    """what changed in the catalog: entities added, removed, changed; claims added, removed"""
    from graph import changes as ch

    h = options.home(home)
    old_name, old = _changes_side(since, h, previous=True)
    new_name, new = _changes_side(to, h, previous=False)
    found = ch.catalog_changes(old, new)
    if write is not None:
        try:
            ch.write_section(write, ch.markdown(found, old_name, new_name))
        except (OSError, ValueError) as e:
            raise CommandError(str(e)) from None
        output.note(f"wrote the changes from {old_name} to {new_name} into {write}")
    if format == ChangesFormat.json:
        output.line(output.json_text({"from": old_name, "to": new_name, **found}))
    elif format == ChangesFormat.markdown:
        output.raw(ch.markdown(found, old_name, new_name))
    elif write is None:
        output.line(f"changes from {old_name} to {new_name}")
        for text in ch.summary_lines(found):
            output.line(text)


def _changes_side(ref: str | None, home: Path, previous: bool) -> tuple[str, tuple[dict, dict]]:
    """(name, (nodes, edges)) of a snapshot or catalog directory; by default the current snapshot or the one
    before it."""
    from graph import changes as ch
    from graph import snapshot

    if ref and Path(ref).is_dir() and any(Path(ref).glob("*.csv")):
        return ref, _read_catalog_side(Path(ref))
    if ref:
        snap = snapshot.find_snapshot(home, ref)
    else:
        cur = snapshot.current_dir(home)
        snap = cur
        if previous:
            dirs = [d.name for d in snapshot.snapshot_dirs(home)]  # oldest first
            older = dirs[: dirs.index(cur.name)] if cur.name in dirs else []
            if not older:
                raise CommandError(f"{home} has one snapshot only: give --since (a snapshot id or a catalog directory)")
            snap = snapshot.find_snapshot(home, older[-1])
    return snap.name, ch.read_side(snap)


def _read_catalog_side(catalog: Path) -> tuple[dict, dict]:
    """A catalog directory read as a catalog-only build reads it (links to O*NET tasks left out, claim dates
    and default bases filled), leniently (an older catalog may lack columns added since); its problems are
    not reported: what changed is worth knowing even in a catalog that does not validate yet."""
    from graph.tables import merge
    from graph.validate import validate_tables
    from ingest.catalog import read_catalog

    problems: list = []
    t = merge([read_catalog(catalog, problems, lenient=True)])
    validate_tables(t, problems, public=False)
    return t.nodes, t.edges


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
