"""`craftgraph load`: the current snapshot into Neo4j (batched UNWIND/MERGE; see docs/cypher.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import options, output
from cli.errors import CommandError
from cli.options import Neo4jFlags
from graph.defaults import NEO4J_BATCH_SIZE as DEFAULT_BATCH_SIZE


def load(
    home: options.Home = None,
    snapshot_dir: Annotated[
        Path | None,
        typer.Option(
            "--snapshot",
            metavar="DIR",
            show_default=False,
            help="load this snapshot directory instead of the current one",
        ),
    ] = None,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size",
            metavar="N",
            min=1,
            help="rows per transaction (chosen by benchmarks/neo4j_load.py)",
        ),
    ] = DEFAULT_BATCH_SIZE,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="load nothing: show the loaded build and compare Neo4j's counts with the snapshot's"
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="load even when it would delete more than half of the server's graph"),
    ] = False,
    quiet: options.Quiet = False,
    uri: options.Uri = None,
    username: options.Username = None,
    password: options.Password = None,
    database: options.Database = None,
) -> None:
    """load the current snapshot into Neo4j (idempotent; a failed load deletes nothing)

    Create the constraints and indexes of graph/schema.py, then load the current snapshot into Neo4j in
    batches (MERGE on ids and relationship keys). Only after every batch committed are nodes and
    relationships the snapshot no longer holds removed. A load that would delete more than half of the
    server's CraftGraph nodes is refused, naming them, unless --force. Connection: NEO4J_URI,
    NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE, or the flags below.
    """
    from graph import neo4j_store, snapshot

    snap = _snapshot_dir(snapshot_dir, home)
    manifest = snapshot.read_manifest(snap)
    with neo4j_store.connect(Neo4jFlags(uri, username, password, database)) as store:
        if check:
            _check(store, manifest)
            return
        with output.Progress(quiet) as progress:
            report = neo4j_store.load_snapshot(
                store, snap, batch_size=batch_size, progress=_events(progress), force=force
            )
        diffs = neo4j_store.count_differences(manifest["counts"], store.counts())
    s = report.seconds
    output.line(f"loaded {report.build_id} into {store.settings.uri} (database {store.settings.database})")
    output.line(
        f"  {report.nodes} nodes in {s['nodes']:.2f} s ({report.node_rate:,.0f}/s), "
        f"{report.relationships} relationships in {s['relationships']:.2f} s ({report.rel_rate:,.0f}/s), "
        f"{report.batches} batches of up to {batch_size}"
    )
    output.line(
        f"  removed {report.deleted_nodes} stale nodes and {report.deleted_relationships} stale relationships; "
        f"total {s['total']:.2f} s"
    )
    if diffs:
        raise CommandError("Neo4j's counts differ from the snapshot's: " + "; ".join(diffs), exit_code=1)


def _snapshot_dir(given: Path | None, home: Path | None) -> Path:
    from graph import snapshot

    if given is None:
        return snapshot.current_dir(options.home(home))
    if not (given / "manifest.json").exists():
        raise snapshot.SnapshotError(f"{given} is not a snapshot (no manifest.json)")
    return given


def _events(progress: output.Progress):
    """The load's events as progress: counted batches for nodes and relationships, steps for the rest."""

    def show(ev) -> None:
        if ev.stage in ("nodes", "relationships"):
            progress.count(ev.stage, ev.stage_done, ev.stage_total, f"{ev.name}, batch {ev.batch}")
        elif ev.message:
            progress(ev.message)

    return show


def _check(store, manifest: dict) -> None:
    from graph import neo4j_store

    loaded = store.loaded_build()
    if loaded is None or not loaded.get("id"):
        output.line(f"{store.settings.uri}: no CraftGraph build loaded")
    else:
        output.line(f"{store.settings.uri}: build {loaded.get('id')} loaded at {loaded.get('loaded_at')}")
    if loaded and loaded.get("loading"):
        output.line(f"  an unfinished load of {loaded['loading']} started at {loaded.get('loading_started')}")
    diffs = neo4j_store.count_differences(manifest["counts"], store.counts())
    if diffs:
        output.line(f"counts differ from snapshot {manifest['build_id']}:")
        for d in diffs:
            output.line(f"  {d}")
        raise typer.Exit(1)
    same = loaded is not None and loaded.get("id") == manifest["build_id"] and not loaded.get("loading")
    output.line(
        f"counts match snapshot {manifest['build_id']}" + ("" if same else " (but it is not the recorded build)")
    )
    if not same:
        raise typer.Exit(1)
