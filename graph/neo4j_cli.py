"""`craftgraph load`: the current snapshot into Neo4j (batched UNWIND/MERGE; see docs/cypher.md)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from graph import neo4j_store, snapshot


def register(subparsers) -> None:
    from graph.cli import _neo4j_args

    sp = subparsers.add_parser(
        "load",
        help="load the current snapshot into Neo4j (idempotent; a failed load deletes nothing)",
        description=(
            "Create the constraints and indexes of graph/schema.py, then load the current snapshot into Neo4j "
            "in batches (MERGE on ids and relationship keys). Only after every batch committed are nodes and "
            "relationships the snapshot no longer holds removed. Connection: NEO4J_URI, NEO4J_USERNAME, "
            "NEO4J_PASSWORD, NEO4J_DATABASE, or the flags below."
        ),
    )
    sp.add_argument("--home", help="snapshot directory (default: $CRAFTGRAPH_HOME or a per-user data directory)")
    sp.add_argument("--snapshot", help="load this snapshot directory instead of the current one")
    sp.add_argument(
        "--batch-size",
        type=int,
        default=neo4j_store.DEFAULT_BATCH_SIZE,
        metavar="N",
        help=f"rows per transaction (default {neo4j_store.DEFAULT_BATCH_SIZE}, chosen by benchmarks/neo4j_load.py)",
    )
    sp.add_argument(
        "--check",
        action="store_true",
        help="load nothing: show the loaded build and compare Neo4j's counts with the snapshot's",
    )
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    _neo4j_args(sp)
    sp.set_defaults(func=cmd_load)


def _snapshot_dir(args) -> Path:
    if args.snapshot:
        snap = Path(args.snapshot)
        if not (snap / "manifest.json").exists():
            raise snapshot.SnapshotError(f"{snap} is not a snapshot (no manifest.json)")
        return snap
    home = Path(args.home) if args.home else snapshot.default_home()
    return snapshot.current_dir(home)


def cmd_load(args) -> int:
    snap = _snapshot_dir(args)
    manifest = snapshot.read_manifest(snap)
    if args.batch_size < 1:
        print("load: --batch-size must be at least 1", file=sys.stderr)
        return 2
    try:
        with neo4j_store.connect(args) as store:
            if args.check:
                return _check(store, manifest)
            with _Progress(args.quiet, manifest) as show:
                report = neo4j_store.load_snapshot(store, snap, batch_size=args.batch_size, progress=show)
            diffs = neo4j_store.count_differences(manifest["counts"], store.counts())
    except neo4j_store.Neo4jError as e:
        print(f"load: {e}", file=sys.stderr)
        return 1
    s = report.seconds
    print(f"loaded {report.build_id} into {store.settings.uri} (database {store.settings.database})")
    print(
        f"  {report.nodes} nodes in {s['nodes']:.2f} s ({report.node_rate:,.0f}/s), "
        f"{report.relationships} relationships in {s['relationships']:.2f} s ({report.rel_rate:,.0f}/s), "
        f"{report.batches} batches of up to {args.batch_size}"
    )
    print(
        f"  removed {report.deleted_nodes} stale nodes and {report.deleted_relationships} stale relationships; "
        f"total {s['total']:.2f} s"
    )
    if diffs:
        print("load: Neo4j's counts differ from the snapshot's: " + "; ".join(diffs), file=sys.stderr)
        return 1
    return 0


def _check(store: neo4j_store.Neo4jStore, manifest: dict) -> int:
    loaded = store.loaded_build()
    if loaded is None or not loaded.get("id"):
        print(f"{store.settings.uri}: no CraftGraph build loaded")
        if loaded and loaded.get("loading"):
            print(f"  an unfinished load of {loaded['loading']} started at {loaded.get('loading_started')}")
    else:
        print(f"{store.settings.uri}: build {loaded.get('id')} loaded at {loaded.get('loaded_at')}")
        if loaded.get("loading"):
            print(f"  an unfinished load of {loaded['loading']} started at {loaded.get('loading_started')}")
    diffs = neo4j_store.count_differences(manifest["counts"], store.counts())
    if diffs:
        print(f"counts differ from snapshot {manifest['build_id']}:")
        for d in diffs:
            print(f"  {d}")
        return 1
    same = loaded is not None and loaded.get("id") == manifest["build_id"] and not loaded.get("loading")
    print(f"counts match snapshot {manifest['build_id']}" + ("" if same else " (but it is not the recorded build)"))
    return 0 if same else 1


class _Progress:
    """A rich progress display on a terminal, else one stderr line per table and stage."""

    def __init__(self, quiet: bool, manifest: dict):
        self.quiet = quiet
        self.counts = manifest["counts"]
        self.start = time.perf_counter()
        self.rich = None
        self.tasks: dict[str, int] = {}
        self.last_line = 0.0

    def __enter__(self):
        if not self.quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.rich = Progress(
                TextColumn("{task.description:<36}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self.rich.__enter__()
        return self

    def __exit__(self, *exc):
        if self.rich is not None:
            self.rich.__exit__(*exc)
        return False

    def _line(self, msg: str) -> None:
        print(f"[{time.perf_counter() - self.start:6.1f}s] {msg}", file=sys.stderr, flush=True)

    def __call__(self, ev: neo4j_store.LoadEvent) -> None:
        if self.quiet:
            return
        if self.rich is not None:
            if ev.stage in ("nodes", "relationships"):
                if ev.stage not in self.tasks:
                    self.tasks[ev.stage] = self.rich.add_task(ev.stage, total=ev.stage_total)
                self.rich.update(self.tasks[ev.stage], completed=ev.stage_done, description=f"{ev.stage}: {ev.name}")
            elif ev.message:
                self.rich.console.print(ev.message)
            return
        if ev.stage in ("nodes", "relationships"):
            now = time.perf_counter()
            if ev.stage_done == ev.stage_total or now - self.last_line >= 1.0:
                self.last_line = now
                self._line(f"{ev.stage} {ev.stage_done}/{ev.stage_total} ({ev.name}, batch {ev.batch})")
        elif ev.message:
            self._line(ev.message)
