"""A source's entry in the build manifest: version, files read (sha256, pinned or not), rows, totals,
match rates onto the O*NET-SOC 2019 key, and notes."""

from __future__ import annotations

from pathlib import Path

from pooch import file_hash

from ingest.sources_file import pinned_hashes


def new_entry(source: str, version: str, title: str) -> dict:
    return {
        "source": source,
        "version": version,
        "title": title,
        "files": [],
        "rows": {},  # data rows per file read
        "totals": {},  # named counts (tasks, dwas, ...)
        "match": {},  # match rates onto the O*NET-SOC 2019 key
        "notes": [],
    }


def record_file(entry: dict, root: Path, rel: str, rows: int | None = None) -> None:
    """Add a file the source read to its manifest entry, with its sha256 and whether it is the
    version pinned in data/sources.yaml."""
    path = root / rel
    if not path.exists():
        return
    digest = file_hash(str(path))
    pin = pinned_hashes().get(rel)
    entry["files"].append(
        {"path": rel, "sha256": digest, "bytes": path.stat().st_size, "pinned": None if pin is None else pin == digest}
    )
    if rows is not None:
        entry["rows"][rel] = rows
    if pin is not None and pin != digest:
        entry["notes"].append(f"{rel}: sha256 differs from the version pinned in data/sources.yaml")
