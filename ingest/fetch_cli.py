"""`craftgraph fetch`: download the public datasets from their publishers, hash-checked."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs


def default_dest() -> Path:
    return Path(platformdirs.user_cache_dir("craftgraph", appauthor=False)) / "sources"


def cmd_fetch(args) -> int:
    from graph.cli import _progress_printer
    from ingest.fetch import FetchError, fetch

    dest = Path(args.dest) if args.dest else default_dest()
    try:
        result = fetch(
            dest, sources=args.source or None, base_url=args.base_url, progress=_progress_printer(args.quiet)
        )
    except FetchError as e:
        print(f"fetch: {e}", file=sys.stderr)
        return 1
    except ValueError as e:
        print(f"fetch: {e}", file=sys.stderr)
        return 2
    downloaded = sum(1 for r in result.values() if r["status"] == "downloaded")
    print(f"{len(result)} file(s) in {dest} ({downloaded} downloaded, {len(result) - downloaded} already cached)")
    print(f"build with them: craftgraph build --sources {dest}")
    return 0


def register(sub) -> None:
    sp = sub.add_parser("fetch", help="download the public datasets (O*NET, BLS, studies) into a cache, hash-checked")
    sp.add_argument("--dest", help=f"where to put them (default: {default_dest()})")
    sp.add_argument("--source", action="append", help="only this source id or file path (repeatable)")
    sp.add_argument("--base-url", help="download from this mirror instead of the publishers (same layout)")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    sp.set_defaults(func=cmd_fetch)
