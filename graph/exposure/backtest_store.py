"""The backtest's results stored with a snapshot, and whether they still describe it.

A full backtest takes about 20 s (its variants several minutes), too slow for every build, so it is stored
by an explicit command, `craftgraph backtest --store`: the results go to `<snapshot>/backtest.json` and the
snapshot's manifest records them under "backtest" (method version, catalog hash, when, by what). A build
carries stored results over, without rerunning anything, from the previous snapshot or from the project's
`docs/backtest.json` when they were computed with the same method version on the same catalog (same hash).

Stored results are **stale** when their method version is not the engine's (METHOD_VERSION) or their catalog
hash is not the snapshot's; the explorer page and `craftgraph backtest --status` say so, and say what to run.
Light imports only (no scipy): the build and the explorer read this.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from graph import snapshot
from graph.exposure.config import METHOD_VERSION

STORE_FILE = "backtest.json"
DOCS_RESULTS = Path(__file__).resolve().parents[2] / "docs" / "backtest.json"
STORE_COMMAND = "craftgraph backtest --variants --store"


def manifest_catalog_hash(manifest: dict) -> str | None:
    """The catalog hash of a snapshot, from its manifest (recorded at build; older manifests: from the
    sha256 of the catalog files among its inputs, the entries without a public source)."""
    if manifest.get("catalog_hash"):
        return str(manifest["catalog_hash"])
    inputs = manifest.get("inputs")
    if not inputs:
        return None
    return snapshot.files_digest([(Path(f["path"]).name, f["sha256"]) for f in inputs if not f.get("source")])


@dataclass(frozen=True)
class Status:
    state: str  # "current", "stale" or "missing"
    message: str  # one plain sentence: what the stored results are, and what to run when they are not current

    @property
    def usable(self) -> bool:
        return self.state != "missing"


def status(results: dict | None, snapshot_catalog_hash: str | None) -> Status:
    """Whether stored results describe this engine and this snapshot's catalog."""
    if not results:
        return Status("missing", f"No backtest is stored with this snapshot: run `{STORE_COMMAND}`.")
    reasons = []
    if results.get("method_version") != METHOD_VERSION:
        reasons.append(f"it scored method {results.get('method_version')}, the engine is now {METHOD_VERSION}")
    stored_hash = results.get("catalog_hash")
    if snapshot_catalog_hash and stored_hash != snapshot_catalog_hash:
        reasons.append(
            f"it ran on catalog {str(stored_hash or 'unknown')[:12]}, this snapshot was built from catalog "
            f"{snapshot_catalog_hash[:12]}"
        )
    when = results.get("created", "an unknown date")
    if reasons:
        why = "; ".join(reasons)
        return Status("stale", f"The stored backtest (of {when}) is out of date: {why}. Run `{STORE_COMMAND}`.")
    return Status("current", f"Backtest of {when}, method {METHOD_VERSION}, on this snapshot's catalog.")


def read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load(snap: Path) -> tuple[dict | None, Status]:
    """The results stored with a snapshot, and their status."""
    res = read(snap / STORE_FILE)
    try:
        manifest = snapshot.read_manifest(snap)
    except (OSError, ValueError):
        manifest = {}
    return res, status(res, manifest_catalog_hash(manifest))


def _write_json(path: Path, obj: dict) -> None:
    """Write atomically (a temporary file renamed into place)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _record(results: dict, origin: str) -> dict:
    return {
        "file": STORE_FILE,
        "method_version": results.get("method_version"),
        "catalog_hash": results.get("catalog_hash"),
        "created": results.get("created"),
        "adopted": results.get("adopted"),
        "origin": origin,
        "stored": datetime.now(UTC).isoformat(timespec="seconds"),
    }


class StoreRefused(Exception):
    """Results that would be stale the moment they are stored (another catalog)."""


def store(home: Path, results: dict) -> Path:
    """Store results with the current snapshot of `home` (under the home's lock) and record them in its
    manifest. Refused when they ran on another catalog than the snapshot's."""
    with snapshot.home_lock(home):
        snap = snapshot.current_dir(home)
        manifest = snapshot.read_manifest(snap)
        want = manifest_catalog_hash(manifest)
        if want and results.get("catalog_hash") != want:
            raise StoreRefused(
                f"the backtest ran on catalog {str(results.get('catalog_hash'))[:12]}, but the current snapshot "
                f"{snap.name} was built from catalog {want[:12]}: build from this catalog first "
                "(`craftgraph build`), or run the backtest on the snapshot's catalog"
            )
        _write_json(snap / STORE_FILE, results)
        manifest["backtest"] = _record(results, "craftgraph backtest --store")
        _write_json(snap / "manifest.json", manifest)
    return snap / STORE_FILE


def carry_over(tmp: Path, manifest: dict, candidates: list[Path]) -> str | None:
    """At build: copy the first stored results among `candidates` that are current for this build (same
    method version, same catalog hash) into the new snapshot folder `tmp`, and record them in `manifest`.
    Returns where they came from, or None."""
    want = manifest_catalog_hash(manifest)
    for path in candidates:
        res = read(path)
        if res and want and status(res, want).state == "current":
            shutil.copyfile(path, tmp / STORE_FILE)
            manifest["backtest"] = _record(res, f"carried over from {path}")
            return str(path)
    return None
