"""The `craftgraph` command line."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from pathlib import Path

from graph import snapshot
from graph.tables import InputError

DEFAULT_CATALOG = Path("data/catalog")


def _progress_printer(quiet: bool):
    start = time.perf_counter()

    def show(msg: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - start:6.1f}s] {msg}", file=sys.stderr, flush=True)

    return show


def _home(args) -> Path:
    return Path(args.home) if getattr(args, "home", None) else snapshot.default_home()


def _catalog_path(p: str | None) -> Path:
    if p:
        return Path(p)
    if DEFAULT_CATALOG.is_dir():
        return DEFAULT_CATALOG
    here = Path(__file__).resolve().parents[1] / "data" / "catalog"
    return here


def cmd_validate(args) -> int:
    from graph.pipeline import collect

    catalog = _catalog_path(args.path)
    try:
        tables, _ = collect(catalog, Path(args.sources) if args.sources else None, _progress_printer(args.quiet))
    except InputError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        print(f"validate: {len(e.problems)} problem(s) found; nothing was built", file=sys.stderr)
        return 1
    counts = tables.counts()
    print(f"{catalog}: valid ({sum(counts['nodes'].values())} nodes, {sum(counts['edges'].values())} relationships)")
    for note in tables.notes:
        print(f"note: {note}")
    return 0


def cmd_build(args) -> int:
    from graph.pipeline import build

    home = _home(args)
    try:
        manifest = build(
            _catalog_path(args.catalog),
            home=home,
            sources=Path(args.sources) if args.sources else None,
            progress=_progress_printer(args.quiet),
        )
    except InputError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        print(f"build: {len(e.problems)} problem(s) found; the previous snapshot is unchanged", file=sys.stderr)
        return 1
    c = manifest["counts"]
    print(f"built {manifest['build_id']} in {home}")
    print(f"  {c['total_nodes']} nodes, {c['total_edges']} relationships, content hash {manifest['content_hash']}")
    for note in manifest["notes"]:
        print(f"  note: {note}")
    if "changes" in manifest:
        print(f"  changes since {manifest['previous_build_id']}:")
        for line in manifest["changes"]:
            print(f"    {line}")
    return 0


def cmd_stats(args) -> int:
    snap = snapshot.current_dir(_home(args))
    m = snapshot.read_manifest(snap)
    out = {
        "build_id": m["build_id"],
        "created": m["created"],
        "content_hash": m["content_hash"],
        "schema_version": m["schema_version"],
        "counts": m["counts"],
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"build {m['build_id']} ({m['created']})\ncontent hash {m['content_hash']}")
    for kind in ("nodes", "edges"):
        print(f"{kind}:")
        for name, n in m["counts"][kind].items():
            print(f"  {name:<16} {n:>8}")
    return 0


def parse_params(items: list[str]) -> dict:
    """`k=v` pairs; values are read as JSON when they parse (numbers, true, lists), else as text."""
    params = {}
    for item in items or []:
        if "=" not in item:
            raise SystemExit(f"--param needs k=v, got {item!r}")
        k, v = item.split("=", 1)
        try:
            params[k] = json.loads(v)
        except json.JSONDecodeError:
            params[k] = v
    return params


def emit(columns: list[str], rows: list[list], fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=2, default=str), file=out)
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
        out.write(buf.getvalue())
    else:
        cells = [[str(c) for c in columns]] + [["" if v is None else str(v) for v in r] for r in rows]
        widths = [min(60, max(len(row[i]) for row in cells)) for i in range(len(columns))]
        for j, row in enumerate(cells):
            print("  ".join(v[:60].ljust(w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)
            if j == 0:
                print("  ".join("-" * w for w in widths), file=out)


def cmd_query(args) -> int:
    from graph.embedded import QueryError

    params = parse_params(args.param)
    res = None
    try:
        if args.neo4j:
            from graph.neo4j_store import Neo4jError, Neo4jUnavailable, connect

            try:
                with connect(args) as store:
                    res = store.query(args.cypher, params, timeout_s=args.timeout, row_cap=args.max_rows)
            except Neo4jUnavailable as e:
                if args.no_fallback:
                    print(f"query: {e}", file=sys.stderr)
                    return 2
                print(f"query: {e}; answering from the embedded snapshot instead", file=sys.stderr)
            except Neo4jError as e:
                print(f"query: {e}", file=sys.stderr)
                return 2
        if res is None:
            from graph.store import load

            res = load(_home(args)).run(args.cypher, params, timeout_s=args.timeout, row_cap=args.max_rows)
    except QueryError as e:
        print(f"query: {e}", file=sys.stderr)
        return 2
    emit(res.columns, res.rows, args.format)
    if res.truncated:
        print(f"(stopped at {args.max_rows} rows; raise --max-rows to see more)", file=sys.stderr)
    return 0


def cmd_schema(args) -> int:
    from graph.schema import data_dictionary

    text = data_dictionary()
    path = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
    if args.write:
        path.write_text(text)
        print(f"wrote {path}")
    elif args.check:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is stale: run `craftgraph schema --write`", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
    else:
        print(text, end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="craftgraph",
        description="CraftGraph: a research knowledge graph of AI tools and the entertainment crafts they touch.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def home_arg(sp):
        sp.add_argument("--home", help="snapshot directory (default: $CRAFTGRAPH_HOME or a per-user data directory)")

    sp = sub.add_parser("validate", help="check the catalog (and public sources) without building")
    sp.add_argument("path", nargs="?", help="catalog directory (default: data/catalog)")
    sp.add_argument("--sources", help="also read public sources from this directory (laid out like ../shared/data)")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    sp.set_defaults(func=cmd_validate)

    sp = sub.add_parser("build", help="build a snapshot of the graph (atomic; the previous one stays on failure)")
    sp.add_argument("--catalog", help="catalog directory (default: data/catalog)")
    sp.add_argument("--sources", help="public sources directory, laid out like ../shared/data")
    home_arg(sp)
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    sp.set_defaults(func=cmd_build)

    sp = sub.add_parser("stats", help="build id, content hash and counts of the current snapshot")
    sp.add_argument("--json", action="store_true", help="print JSON")
    home_arg(sp)
    sp.set_defaults(func=cmd_stats)

    sp = sub.add_parser("query", help="run a read-only Cypher query (embedded store, or Neo4j with --neo4j)")
    sp.add_argument("cypher", help="the Cypher text")
    sp.add_argument("--param", action="append", metavar="K=V", help="query parameter (repeatable)")
    sp.add_argument("--format", choices=("table", "json", "csv"), default="table")
    sp.add_argument("--timeout", type=float, default=30.0, help="seconds before the query is stopped (default 30)")
    sp.add_argument("--max-rows", type=int, default=10_000, help="row cap (default 10000)")
    sp.add_argument("--neo4j", action="store_true", help="query the Neo4j server (NEO4J_URI, ...)")
    sp.add_argument(
        "--no-fallback",
        action="store_true",
        help="with --neo4j: fail when the server cannot be reached (default: say so and use the embedded store)",
    )
    home_arg(sp)
    _neo4j_args(sp)
    sp.set_defaults(func=cmd_query)

    sp = sub.add_parser("schema", help="print the data dictionary generated from graph/schema.py")
    g = sp.add_mutually_exclusive_group()
    g.add_argument("--write", action="store_true", help="write docs/schema.md")
    g.add_argument("--check", action="store_true", help="fail if docs/schema.md is stale")
    sp.set_defaults(func=cmd_schema)

    for register in _plugins():
        register(sub)
    return p


def _neo4j_args(sp) -> None:
    sp.add_argument("--uri", help="Neo4j URI (default: $NEO4J_URI)")
    sp.add_argument("--username", help="Neo4j user (default: $NEO4J_USERNAME or neo4j)")
    sp.add_argument("--password", help="Neo4j password (default: $NEO4J_PASSWORD)")
    sp.add_argument("--database", help="Neo4j database (default: $NEO4J_DATABASE or neo4j)")


PLUGINS = (
    "graph.neo4j_cli",
    "graph.exposure.cli",
    "graph.catalog_report",
    "graph.export",
    "graph.suggest",
    "graph.cookbook",
    "ingest.fetch_cli",
    "explorer.launch",
)


def _plugins():
    """Commands that live next to the code they drive, each module with a `register(subparsers)`."""
    import importlib

    for name in PLUGINS:
        yield importlib.import_module(name).register


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except snapshot.SnapshotError as e:
        print(f"{args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
