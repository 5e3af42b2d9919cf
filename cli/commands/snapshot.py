"""`craftgraph validate | build | stats | schema`: check the inputs, build a snapshot, describe it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import options, output
from cli.errors import CommandError

SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "schema.md"


def validate(
    path: Annotated[
        Path | None,
        typer.Argument(metavar="PATH", show_default=False, help="catalog directory (default: data/catalog)"),
    ] = None,
    sources: options.Sources = None,
    quiet: options.Quiet = False,
) -> None:
    """check the catalog (and public sources) without building

    Reports every problem as `file:row: field: what is wrong` and exits 1 when there is any.
    """
    from graph.pipeline import collect

    catalog = options.catalog(path)
    with output.Progress(quiet) as progress:
        tables, _ = collect(catalog, sources, progress)
    counts = tables.counts()
    nodes, rels = sum(counts["nodes"].values()), sum(counts["edges"].values())
    output.line(f"{catalog}: valid ({nodes} nodes, {rels} relationships)")
    for note in tables.notes:
        output.line(f"note: {note}")


def build(
    catalog: options.Catalog = None,
    sources: options.Sources = None,
    home: options.Home = None,
    quiet: options.Quiet = False,
) -> None:
    """build a snapshot of the graph (atomic; the previous one stays on failure)

    Same inputs give the same content hash; prints what changed since the last build.
    """
    from graph.pipeline import build as build_snapshot

    home = options.home(home)
    with output.Progress(quiet) as progress:
        manifest = build_snapshot(options.catalog(catalog), home=home, sources=sources, progress=progress)
    c = manifest["counts"]
    output.line(f"built {manifest['build_id']} in {home}")
    output.line(
        f"  {c['total_nodes']} nodes, {c['total_edges']} relationships, content hash {manifest['content_hash']}"
    )
    for note in manifest["notes"]:
        output.line(f"  note: {note}")
    if "changes" in manifest:
        output.line(f"  changes since {manifest['previous_build_id']}:")
        for change in manifest["changes"]:
            output.line(f"    {change}")


def stats(json: options.Json = False, home: options.Home = None) -> None:
    """build id, content hash and counts of the current snapshot"""
    from graph import snapshot

    m = snapshot.read_manifest(snapshot.current_dir(options.home(home)))
    if json:
        keys = ("build_id", "created", "content_hash", "schema_version", "counts")
        output.line(output.json_text({k: m[k] for k in keys}))
        return
    output.line(f"build {m['build_id']} ({m['created']})")
    output.line(f"content hash {m['content_hash']}")
    for kind in ("nodes", "edges"):
        output.line(f"{kind}:")
        for name, n in m["counts"][kind].items():
            output.line(f"  {name:<16} {n:>8}")


def schema(
    write: Annotated[bool, typer.Option("--write", help="write docs/schema.md")] = False,
    check: Annotated[bool, typer.Option("--check", help="fail if docs/schema.md is stale")] = False,
) -> None:
    """print the data dictionary generated from graph/schema.py"""
    from graph.schema import data_dictionary

    options.one_of(write=write, check=check)
    text = data_dictionary()
    if write:
        SCHEMA_DOC.write_text(text)
        output.line(f"wrote {SCHEMA_DOC}")
    elif check:
        if not SCHEMA_DOC.exists() or SCHEMA_DOC.read_text() != text:
            raise CommandError(f"{SCHEMA_DOC} is stale: run `craftgraph schema --write`", exit_code=1)
        output.line(f"{SCHEMA_DOC} is up to date")
    else:
        output.raw(text)
