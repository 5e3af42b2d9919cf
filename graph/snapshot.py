"""Snapshots: the versioned file set a build writes and the stores read.

Layout of the home (CRAFTGRAPH_HOME, else a per-user data directory):

    home/
      current                 name of the current snapshot (replaced atomically)
      snapshots/<build_id>/
        manifest.json         build id, created, inputs with sha256, counts, content hash, notes
        nodes/<Label>.parquet edges/<TYPE>.parquet
        graph.lbug            the embedded Cypher database (LadybugDB), created from the tables on first
                              use (graph.embedded.ensure_database) or by `build --with-cypher-db`
        backtest.json         the forecast backtest's results, when stored (graph/exposure/backtest_store.py)

A build writes into snapshots/.tmp-<time>-<host>-<pid> (its own: `SnapshotWriter`) and renames it when
complete; `current` is switched last, so a failed build leaves the previous snapshot current and whole.
Writers hold the home's lock (`home_lock`, an advisory lock on home/.lock) while they finish and publish a
snapshot, so two builds into one home publish one after the other; a build removes only the temporary
folders of processes that are no longer running.

Retention: a build keeps the newest KEEP_SNAPSHOTS snapshots ($CRAFTGRAPH_KEEP_SNAPSHOTS, default 3) and
never removes the current one; `craftgraph snapshots` lists them and `craftgraph snapshots use ID` makes
one of them current again (the same atomic switch of `current`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import platformdirs
import pyarrow as pa
import pyarrow.parquet as pq

from graph import settings
from graph.schema import EDGE_END_COLUMNS, NODE_BY_NAME, REL_BY_NAME, Prop

KEEP_SNAPSHOTS = 3
LOCK_FILE = ".lock"
DEFAULT_LOCK_WAIT_S = 600.0  # how long a build waits for another build into the same home
TMP_PREFIX = ".tmp-"

ARROW_TYPES = {
    "str": pa.string(),
    "date": pa.string(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
    "list": pa.list_(pa.string()),
}


class SnapshotError(Exception):
    pass


@contextlib.contextmanager
def home_lock(
    home: Path, wait_s: float = DEFAULT_LOCK_WAIT_S, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the home's write lock for the block: wait (saying so through `on_wait`) while another process
    holds it, and raise SnapshotError when it is still held after `wait_s` seconds. The lock is released
    when the block ends or the process dies."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; one writer at a time is the user's job
        yield
        return
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(home / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fcntl, fd):
            holder = _lock_holder(fd)
            if on_wait:
                on_wait(f"waiting for another build into {home} ({holder}) to finish")
            deadline = time.monotonic() + wait_s
            while not _try_lock(fcntl, fd):
                if time.monotonic() > deadline:
                    raise SnapshotError(
                        f"another build into {home} ({holder}) is still running after {wait_s:g} s; "
                        "the current snapshot is unchanged: try again when it is done"
                    )
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {_now()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _try_lock(fcntl, fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock_holder(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode(errors="replace").strip() or "holder unknown"
    except OSError:
        return "holder unknown"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def temporary_dir(home: Path, created: datetime) -> Path:
    """A temporary snapshot folder name of this process's own (time, host and pid in the name)."""
    host = "".join(c for c in socket.gethostname() if c.isalnum())[:20] or "host"
    return home / "snapshots" / f"{TMP_PREFIX}{created.strftime('%Y%m%dT%H%M%S%fZ')}-{host}-{os.getpid()}"


def default_home() -> Path:
    env = settings.current().home
    return env if env else Path(platformdirs.user_data_dir("craftgraph", appauthor=False))


def keep_snapshots() -> int:
    """How many snapshots a build keeps: $CRAFTGRAPH_KEEP_SNAPSHOTS, else KEEP_SNAPSHOTS."""
    return settings.current().keep_snapshots or KEEP_SNAPSHOTS


def catalog_only(manifest: dict) -> bool:
    """Whether the snapshot was built from the curated catalog alone (no public datasets)."""
    return bool(manifest.get("catalog_only", not manifest.get("public_sources")))


CATALOG_ONLY_BANNER = (
    "Catalog-only build: this snapshot has no public datasets (O*NET, BLS, ...), so occupations, tasks and "
    "scores cover the curated catalog only and are much lower than the full-data numbers. "
    "`craftgraph fetch` then `craftgraph build` gives the full graph."
)


def catalog_only_banner(manifest: dict) -> str:
    """The warning that briefs and other outputs of a catalog-only snapshot carry ("" for a full build)."""
    return CATALOG_ONLY_BANNER if catalog_only(manifest) else ""


def current_id(home: Path) -> str | None:
    """The build id `current` names, or None."""
    pointer = home / "current"
    return pointer.read_text().strip() if pointer.exists() else None


def list_snapshots(home: Path) -> list[dict]:
    """Every complete snapshot of `home`, oldest first: id, created, sources, counts, hash, current."""
    cur = current_id(home)
    out = []
    for snap in snapshot_dirs(home):
        m = read_manifest(snap)
        c = m.get("counts", {})
        out.append(
            {
                "id": m["build_id"],
                "created": m.get("created"),
                "sources": "catalog only" if catalog_only(m) else ", ".join(sorted(m.get("public_sources") or {})),
                "nodes": c.get("total_nodes"),
                "relationships": c.get("total_edges"),
                "content_hash": m.get("content_hash"),
                "current": m["build_id"] == cur,
            }
        )
    return out


def find_snapshot(home: Path, ref: str) -> Path:
    """The snapshot whose build id is `ref` or starts with it (unique); SnapshotError otherwise."""
    snaps = snapshot_dirs(home)
    hits = [p for p in snaps if p.name == ref] or [p for p in snaps if ref and p.name.startswith(ref)]
    if len(hits) != 1:
        known = ", ".join(p.name for p in snaps) or "none"
        what = "matches several snapshots" if hits else "is not a snapshot"
        raise SnapshotError(f"{ref!r} {what} of {home} (there: {known})")
    return hits[0]


def use(home: Path, ref: str) -> Path:
    """Make the snapshot `ref` (a build id or a unique prefix) current, atomically (under the home's lock,
    so no build publishes meanwhile); return it."""
    with home_lock(home):
        snap = find_snapshot(home, ref)
        _switch_current(home, snap.name)
    return snap


def _switch_current(home: Path, build_id: str) -> None:
    pointer_tmp = home / f".current.tmp-{os.getpid()}"
    pointer_tmp.write_text(build_id + "\n")
    os.replace(pointer_tmp, home / "current")


def current_dir(home: Path | None = None) -> Path:
    home = home or default_home()
    pointer = home / "current"
    if not pointer.exists():
        raise SnapshotError(f"no snapshot in {home}: run `craftgraph build` first")
    snap = home / "snapshots" / pointer.read_text().strip()
    if not (snap / "manifest.json").exists():
        raise SnapshotError(f"the current snapshot {snap} is missing or incomplete")
    return snap


def snapshot_dirs(home: Path) -> list[Path]:
    """Complete snapshots, oldest first."""
    root = home / "snapshots"
    if not root.exists():
        return []
    snaps = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").exists()]
    return sorted(snaps, key=lambda p: read_manifest(p)["created"])


def read_manifest(snap: Path) -> dict:
    return json.loads((snap / "manifest.json").read_text())


def arrow_schema(props: list[Prop], ends: bool) -> pa.Schema:
    fields = [pa.field(c, pa.string()) for c in EDGE_END_COLUMNS] if ends else []
    fields += [pa.field(p.name, ARROW_TYPES[p.type]) for p in props]
    return pa.schema(fields)


def to_arrow(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    cols = {}
    for f in schema:
        if f.name not in df.columns:
            cols[f.name] = pa.nulls(len(df), type=f.type)
            continue
        cols[f.name] = _column(df[f.name], f.type)
    return pa.table(cols, schema=schema)


def _column(values: pd.Series, typ: pa.DataType) -> pa.Array:
    """A frame's column as an Arrow array of the schema's type; None, NaN and NA become nulls."""
    if pa.types.is_list(typ):
        return pa.array([v if isinstance(v, (list, tuple)) else None for v in values], type=typ)
    try:  # straight from the column's memory (no Python list): the same values, in a fraction of the time
        return pa.Array.from_pandas(values, type=typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects (or floats to truncate): value by value
        pass
    if pa.types.is_integer(typ):
        return pa.array([None if _missing(v) else int(v) for v in values], type=typ)
    return pa.array(values.astype(object).where(values.notna(), None).tolist(), type=typ)


def _missing(v: object) -> bool:
    return v is None or (not isinstance(v, (list, tuple, str)) and bool(pd.isna(v)))


def columns_to_arrow(columns: Mapping[str, Any], schema: pa.Schema) -> pa.Table:
    """to_arrow of value lists by column (the frame graph.tables.columns_frame makes of them, without making
    it): a column not given is all null, None and NaN are nulls."""
    unknown = set(columns) - set(schema.names)
    if unknown:
        raise ValueError(f"columns not in the schema: {sorted(unknown)}")
    n = len(next(iter(columns.values()))) if columns else 0
    cols = [
        pa.array(columns[f.name], type=f.type, from_pandas=True) if f.name in columns else pa.nulls(n, type=f.type)
        for f in schema
    ]
    return pa.table(cols, schema=schema)


def node_table(label: str, df: pd.DataFrame) -> pa.Table:
    return to_arrow(df, _node_schema(label)).sort_by("id")


def node_table_of_columns(label: str, columns: Mapping[str, Any]) -> pa.Table:
    """node_table of value lists by column."""
    return columns_to_arrow(columns, _node_schema(label)).sort_by("id")


def edge_table(rel: str, df: pd.DataFrame) -> pa.Table:
    return to_arrow(df, _edge_schema(rel)).sort_by(_edge_order(rel))


def edge_table_of_columns(rel: str, columns: Mapping[str, Any]) -> pa.Table:
    """edge_table of value lists by column."""
    return columns_to_arrow(columns, _edge_schema(rel)).sort_by(_edge_order(rel))


def _node_schema(label: str) -> pa.Schema:
    return arrow_schema(list(NODE_BY_NAME[label].all_props), ends=False)


def _edge_schema(rel: str) -> pa.Schema:
    return arrow_schema(list(REL_BY_NAME[rel].all_props), ends=True)


def _edge_order(rel: str) -> list[tuple[str, str]]:
    return [(c, "ascending") for c in ("src", "dst", *REL_BY_NAME[rel].key)]


def table_digest(t: pa.Table) -> str:
    """A digest of a table's content (schema and rows in order) that does not depend on the parquet
    writer: the Arrow IPC stream of the table in one chunk."""
    sink = pa.BufferOutputStream()
    t = t.combine_chunks()
    with pa.ipc.new_stream(sink, t.schema) as writer:
        writer.write_table(t)
    return hashlib.sha256(sink.getvalue()).hexdigest()


STAMP = "build_id"  # derived rows carry the id of the build that made them; not part of the content


def content_hash(
    nodes: dict[str, pa.Table], edges: dict[str, pa.Table], known: dict[tuple[str, str], str] | None = None
) -> str:
    """A hash over every table's content (without build stamps): same inputs, same hash. `known`: digests
    already taken ((kind, name) -> content_digest of that table), of tables given or no longer held."""
    h = hashlib.sha256()
    known = known or {}
    for kind, tables in (("nodes", nodes), ("edges", edges)):
        for name in sorted(set(tables) | {n for k, n in known if k == kind}):
            digest = known.get((kind, name)) or content_digest(tables[name])
            h.update(f"{kind}/{name}:{digest}\n".encode())
    return h.hexdigest()


def content_digest(t: pa.Table) -> str:
    """table_digest of a table without its build stamp."""
    return table_digest(t.drop_columns([STAMP]) if STAMP in t.column_names else t)


def files_digest(entries: list[tuple[str, str]]) -> str:
    """One hash over (file name, sha256) pairs, in name order."""
    h = hashlib.sha256()
    for name, sha in sorted(entries):
        h.update(f"{name}:{sha}\n".encode())
    return h.hexdigest()


def catalog_hash(catalog: Path) -> str:
    """A hash over the catalog's CSV files (names and contents), recorded in the manifest: stored results
    derived from the catalog alone (the backtest) are current for a snapshot when their hash is its."""
    files = sorted(f for f in catalog.glob("*.csv") if f.is_file())
    return files_digest([(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files])


def stamp(tables: dict[str, pa.Table], build_id: str) -> dict[str, pa.Table]:
    """Set the build id on every table that has a build stamp column."""
    out = {}
    for name, t in tables.items():
        if STAMP in t.column_names:
            i = t.column_names.index(STAMP)
            t = t.set_column(i, t.schema.field(i), pa.array([build_id] * t.num_rows, type=pa.string()))
        out[name] = t
    return out


def write_tables(snap: Path, nodes: dict[str, pa.Table], edges: dict[str, pa.Table]) -> None:
    for kind, tables in (("nodes", nodes), ("edges", edges)):
        (snap / kind).mkdir(parents=True, exist_ok=True)  # (both folders, even for no table)
        for name in sorted(tables):
            write_table(snap, kind, name, tables[name])


def write_table(snap: Path, kind: str, name: str, t: pa.Table) -> None:
    """One table into snap/kind/name.parquet ("nodes" or "edges")."""
    (snap / kind).mkdir(parents=True, exist_ok=True)
    pq.write_table(t, snap / kind / f"{name}.parquet")


class SnapshotWriter:
    """A build's temporary snapshot folder (`folder`), written in two parts. The tables that carry no build
    stamp (every table but the derived ones) do not depend on the build id, so `write_ahead` writes them,
    and takes their content digests, in a thread of their own while the build computes the scores (Arrow's
    writer does its work without the GIL), and `let_go` drops them from the build's memory once written;
    `write_rest` writes the others once the build id is known. `rows`: the row count of every table written.
    Leaving the block waits for that thread and removes the folder, unless it was published (renamed)."""

    def __init__(self, home: Path):
        self.home = home
        self.folder = temporary_dir(home, datetime.now(UTC))
        self.rows: dict[str, dict[str, int]] = {"nodes": {}, "edges": {}}
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="craftgraph-write")
        self._ahead: dict[tuple[str, str], Future[str]] = {}

    def write_ahead(self, nodes: dict[str, pa.Table], edges: dict[str, pa.Table]) -> None:
        for kind, tables in (("nodes", nodes), ("edges", edges)):
            for name, t in tables.items():
                if STAMP not in t.column_names:
                    self._ahead[(kind, name)] = self._pool.submit(self._write_one, kind, name, t)
                    self.rows[kind][name] = t.num_rows

    def let_go(self, nodes: dict[str, pa.Table], edges: dict[str, pa.Table]) -> None:
        """Remove the tables written ahead from `nodes` and `edges`, once written (their digests and row
        counts are kept here): what the build no longer needs, ~35 MB of a full build, is freed before its
        peak. A table whose write failed stays (the failure is raised when the snapshot is finished)."""
        wait(self._ahead.values())
        for kind, tables in (("nodes", nodes), ("edges", edges)):
            for name in [n for n in tables if (kind, n) in self._ahead]:
                if self._ahead[(kind, name)].exception() is None:
                    del tables[name]

    def _write_one(self, kind: str, name: str, t: pa.Table) -> str:
        write_table(self.folder, kind, name, t)
        return content_digest(t)

    def digests(self) -> dict[tuple[str, str], str]:
        """(kind, name) -> content digest of every table written ahead, once written; a write's error
        (OSError for a full disk) is raised here."""
        return {k: f.result() for k, f in self._ahead.items()}

    def write_rest(self, nodes: dict[str, pa.Table], edges: dict[str, pa.Table]) -> None:
        """Write the tables not written ahead (the stamped ones: give them stamped), after those."""
        self.digests()
        rest = [
            {k: t for k, t in tables.items() if (kind, k) not in self._ahead}
            for kind, tables in (("nodes", nodes), ("edges", edges))
        ]
        write_tables(self.folder, rest[0], rest[1])
        for kind, tables in zip(("nodes", "edges"), rest, strict=True):
            self.rows[kind].update({k: t.num_rows for k, t in tables.items()})

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)  # (nothing there once published)


def publish(home: Path, tmp: Path, build_id: str) -> Path:
    """Rename the finished temporary snapshot into place and switch `current` atomically."""
    final = home / "snapshots" / build_id
    os.replace(tmp, final)
    _switch_current(home, build_id)
    _prune(home, keep=final)
    return final


def _prune(home: Path, keep: Path) -> None:
    """Old snapshots beyond keep_snapshots() (never `keep` nor the current one), and temporary folders
    left by builds that died (called under the home's lock: a live build's folder carries the pid of a
    running process on this host)."""
    cur = current_id(home)
    snaps = snapshot_dirs(home)
    for old in snaps[: -keep_snapshots()]:
        if old != keep and old.name != cur:
            shutil.rmtree(old, ignore_errors=True)
    for stale in (home / "snapshots").glob(f"{TMP_PREFIX}*"):
        if not _owner_alive(stale.name):
            shutil.rmtree(stale, ignore_errors=True)


def _owner_alive(name: str) -> bool:
    """Whether the temporary folder `name` belongs to a running process on this host."""
    parts = name.rsplit("-", 2)
    host = "".join(c for c in socket.gethostname() if c.isalnum())[:20] or "host"
    if len(parts) != 3 or parts[1] != host or not parts[2].isdigit():
        return False
    pid = int(parts[2])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_tables(snap: Path) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    nodes = {p.stem: _frame(pq.read_table(p)) for p in sorted((snap / "nodes").glob("*.parquet"))}
    edges = {p.stem: _frame(pq.read_table(p)) for p in sorted((snap / "edges").glob("*.parquet"))}
    return nodes, edges


def _frame(t: pa.Table) -> pd.DataFrame:
    df = t.to_pandas()
    for f in t.schema:  # lists come back as numpy arrays; plain lists are easier to use
        if pa.types.is_list(f.type):
            df[f.name] = [list(v) if v is not None else [] for v in t.column(f.name).to_pylist()]
    return df
