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
    from graph.pipeline import BuildRefused, catalog_refusal, collect

    catalog = options.catalog(path)
    try:
        with output.Progress(quiet) as progress:
            tables, _ = collect(catalog, sources, progress)
    except BuildRefused:
        raise CommandError(str(catalog_refusal(catalog)), exit_code=1) from None
    counts = tables.counts()
    nodes, rels = sum(counts["nodes"].values()), sum(counts["edges"].values())
    output.line(f"{catalog}: valid ({nodes} nodes, {rels} relationships)")
    for note in tables.notes:
        output.line(f"note: {note}")


NoSources = Annotated[
    bool, typer.Option("--no-sources", help="build from the catalog alone, dropping the public sources")
]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="build even a catalog without a required kind, or a graph much smaller than the current snapshot",
    ),
]

WithCypherDb = Annotated[
    bool,
    typer.Option(
        "--with-cypher-db",
        help="create the embedded Cypher database now (by default, on the first Cypher query)",
    ),
]


def build(
    catalog: options.Catalog = None,
    sources: options.Sources = None,
    no_sources: NoSources = False,
    force: Force = False,
    with_cypher_db: WithCypherDb = False,
    home: options.Home = None,
    quiet: options.Quiet = False,
) -> None:
    """build a snapshot of the graph (atomic; the previous one stays on failure)

    Same inputs give the same content hash; prints what changed since the last build. Without --sources
    the public datasets are used when available ($CRAFTGRAPH_SOURCES, the current snapshot's sources, the
    shared data directory, the fetch cache); without them the build is catalog-only and says so in one
    line. Refused, with the current snapshot unchanged, unless --force: a catalog directory without
    catalog files or without a required kind, and a build that would drop more than half of any node
    label of the current snapshot.
    """
    from graph.pipeline import CATALOG_ONLY_NOTICE, choose_sources
    from graph.pipeline import build as build_snapshot

    options.one_of(sources=sources, no_sources=no_sources)
    home = options.home(home)
    chosen = choose_sources(home, sources, drop=no_sources)
    if quiet:  # the manifest records it; `craftgraph stats` shows it
        pass
    elif chosen.catalog_only:
        output.note(CATALOG_ONLY_NOTICE if not no_sources else "catalog-only build (--no-sources)")
    elif chosen.reason != "given":
        output.note(f"public sources: {chosen.path} ({chosen.reason})", style="")
    with output.Progress(quiet) as progress:
        manifest = build_snapshot(
            options.catalog(catalog),
            home=home,
            sources=chosen.path,
            progress=progress,
            force=force,
            sources_reason=chosen.reason,
            cypher_db=with_cypher_db,
        )
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
        output.line(output.json_text({**{k: m[k] for k in keys}, "catalog_only": snapshot.catalog_only(m)}))
        return
    if snapshot.catalog_only(m):
        output.line(f"catalog-only build: {CATALOG_ONLY_BANNER}")
    output.line(f"build {m['build_id']} ({m['created']})")
    output.line(f"content hash {m['content_hash']}")
    for kind in ("nodes", "edges"):
        output.line(f"{kind}:")
        for name, n in m["counts"][kind].items():
            output.line(f"  {name:<16} {n:>8}")


CATALOG_ONLY_BANNER = "no public datasets in this snapshot; numbers cover the curated catalog only"
SNAPSHOT_COLUMNS = ["current", "id", "created", "sources", "nodes", "relationships", "content_hash"]


def snapshots(
    action: Annotated[
        str,
        typer.Argument(metavar="[list|use]", help="list the snapshots (default), or `use ID` to make one current"),
    ] = "list",
    build_id: Annotated[
        str | None,
        typer.Argument(metavar="ID", show_default=False, help="with `use`: a build id (or a unique start of it)"),
    ] = None,
    json: options.Json = False,
    home: options.Home = None,
) -> None:
    """list the snapshots of the home, or make one current again (`snapshots use ID`)

    Lists id, time, sources, counts and content hash; `*` marks the current one. `use` switches the
    current snapshot atomically. Retention: a build keeps the newest 3 ($CRAFTGRAPH_KEEP_SNAPSHOTS) and
    never removes the current one.
    """
    from graph import snapshot

    home = options.home(home)
    if action == "use":
        if not build_id:
            raise CommandError("name the snapshot to use (an id from `craftgraph snapshots`)")
        snap = snapshot.use(home, build_id)
        output.line(f"{snap.name} is now the current snapshot of {home}")
        return
    if action != "list" or build_id:
        raise CommandError(f"unknown action {action!r}: `craftgraph snapshots` or `craftgraph snapshots use ID`")
    rows = snapshot.list_snapshots(home)
    if not rows:
        raise snapshot.SnapshotError(f"no snapshot in {home}: run `craftgraph build` first")
    if json:
        output.line(output.json_text(rows))
        return
    table = [["*" if r["current"] else "", *(r[c] for c in SNAPSHOT_COLUMNS[1:])] for r in rows]
    output.table(SNAPSHOT_COLUMNS, table)
    output.line(f"(a build keeps the newest {snapshot.keep_snapshots()} and never removes the current one)")


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
