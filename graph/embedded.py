"""The embedded Cypher engine: LadybugDB (the maintained fork of Kuzu), read-only for users.

A snapshot's database, `graph.lbug`, is created on first use from the snapshot's own parquet tables
(`ensure_database`; node and relationship tables declared from graph/schema.py): a build does not pay for
it unless asked (`craftgraph build --with-cypher-db`), since only user Cypher reads it
(docs/decisions/lazy-cypher-database.md). Users query it through graph.sandbox: a worker process per
session that checks each query's plan, with a timeout, a row cap and a memory ceiling
(docs/decisions/user-cypher.md). Dialect differences from Neo4j are listed in docs/cypher.md.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import ladybug
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graph.cypher_policy import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S
from graph.sandbox import CypherSandbox, QueryError, Result
from graph.schema import NODES, RELS

DB_FILE = "graph.lbug"
LOCK_FILE = ".graph.lbug.lock"  # held while the database is created (two first uses make one database)
TMP_PREFIX = ".graph.lbug.tmp-"  # a creation's own folder; renamed into place when complete
LOCK_WAIT_S = 600.0
NOTICE = "creating the Cypher database for this snapshot (once)…"
LB_TYPES = {"str": "STRING", "date": "STRING", "float": "DOUBLE", "int": "INT64", "bool": "BOOLEAN", "list": "STRING[]"}
END_COLUMNS = ("src", "dst", "src_label", "dst_label")

__all__ = [
    "DB_FILE",
    "DEFAULT_ROW_CAP",
    "DEFAULT_TIMEOUT_S",
    "NOTICE",
    "EmbeddedCypher",
    "QueryError",
    "Result",
    "create_database",
    "create_from_tables",
    "database_ready",
    "ensure_database",
]

Notice = Callable[[str], None]


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Node tables copied per opening of the database: each one holds ~16 MB of index pages until the database
# closes, so reopening every few tables halves the peak memory (at ~0.1 s a reopening).
NODE_TABLES_PER_OPEN = 4


def database_ready(snap: Path) -> bool:
    """Whether the snapshot's Cypher database exists (it is created whole or not at all)."""
    return (Path(snap) / DB_FILE).exists()


def ensure_database(snap: Path, notice: Notice | None = _to_stderr, wait_s: float = LOCK_WAIT_S) -> Path:
    """The snapshot's Cypher database, created first from its tables when it has none (saying so once
    through `notice`). Atomic: built in a folder of this process's own and renamed into place, under the
    snapshot's lock, so concurrent first uses make one database and a failed creation leaves none."""
    snap = Path(snap)
    path = snap / DB_FILE
    if path.exists():
        return path
    try:
        with _snapshot_lock(snap, wait_s):
            if path.exists():  # another process created it while this one waited
                return path
            if notice:
                notice(NOTICE)
            create_in_child(snap)
    except OSError as e:
        raise QueryError(
            f"could not create the Cypher database in {snap}: {e.strerror or e} "
            "(`craftgraph build --with-cypher-db` creates it at build time)"
        ) from None
    return path


def create_in_child(snap: Path) -> None:
    """`create_from_tables(snap)` in a short-lived process of its own (`python -m graph.embedded SNAP`), so
    LadybugDB's copy (~500 MB on the full data) is not kept by a long-running process such as the
    explorer's server; its error, if any, as a QueryError."""
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    args = [sys.executable, "-m", "graph.embedded", str(snap)]
    done = subprocess.run(args, env=env, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        why = lines[-1] if lines else f"exit {done.returncode}"
        raise QueryError(f"could not create the Cypher database of {snap}: {why}")


@contextlib.contextmanager
def _snapshot_lock(snap: Path, wait_s: float) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the rename below still makes a creation whole
        yield
        return
    fd = os.open(snap / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise QueryError(f"another process is still creating the Cypher database of {snap}") from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # releases the lock


def create_from_tables(snap: Path) -> Path:
    """Create `snap`'s database from its parquet tables, whole or not at all (the caller holds the lock,
    or owns `snap`, as a build does its temporary folder)."""
    path = snap / DB_FILE
    for stale in snap.glob(f"{TMP_PREFIX}*"):  # left by a creation that died (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    tmp = snap / f"{TMP_PREFIX}{os.getpid()}"
    tmp.mkdir()
    try:
        create_database(tmp / DB_FILE, _ParquetTables(snap / "nodes"), _ParquetTables(snap / "edges"))
        os.replace(tmp / DB_FILE, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


class _ParquetTables:
    """A snapshot folder's parquet tables by name, each read when asked for (one at a time in memory)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.parquet"))

    def rows(self, name: str) -> int:
        return pq.ParquetFile(self.folder / f"{name}.parquet").metadata.num_rows

    def table(self, name: str) -> pa.Table:
        return pq.read_table(self.folder / f"{name}.parquet")


def create_database(path: Path, nodes: _ParquetTables, edges: _ParquetTables) -> None:
    """Declare every label and type of the schema and bulk-copy the tables in. Checkpointed when the
    database closes (a checkpoint after each COPY took a third of the time)."""
    with _opened(path) as conn:
        for n in NODES:
            cols = ", ".join(f"`{p.name}` {LB_TYPES[p.type]}" for p in n.all_props if p.name != "id")
            conn.execute(f"CREATE NODE TABLE {n.name}(id STRING PRIMARY KEY, {cols})")
        for r in RELS:
            pairs = ", ".join(f"FROM {a} TO {b}" for a, b in r.pairs)
            cols = "".join(f", `{p.name}` {LB_TYPES[p.type]}" for p in r.all_props)
            conn.execute(f"CREATE REL TABLE {r.name}({pairs}{cols})")
    labels = [label for label in nodes.names() if nodes.rows(label)]
    for i in range(0, len(labels), NODE_TABLES_PER_OPEN):
        with _opened(path) as conn:
            for label in labels[i : i + NODE_TABLES_PER_OPEN]:
                _copy(conn, label, nodes.table(label), None)
    with _opened(path) as conn:
        for rel in edges.names():
            for (a, b), part in _by_pair(edges.table(rel)):
                props = [c for c in part.column_names if c not in END_COLUMNS]
                rows = part.select(["src", "dst", *props]).rename_columns(["from", "to", *props])
                _copy(conn, rel, rows, (a, b))


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[ladybug.Connection]:
    db = ladybug.Database(str(path), auto_checkpoint=False)
    conn = ladybug.Connection(db)
    try:
        yield conn
    finally:
        conn.close()
        db.close()


def _copy(conn: ladybug.Connection, name: str, table: pa.Table, pair: tuple[str, str] | None) -> None:
    rows = table  # noqa: F841 - COPY FROM reads the local variable `rows` by name
    opts = f" (from='{pair[0]}', to='{pair[1]}')" if pair else ""
    conn.execute(f"COPY {name} FROM rows{opts}")


def _by_pair(table: pa.Table):
    if table.num_rows == 0:
        return []
    labels = sorted(set(zip(table.column("src_label").to_pylist(), table.column("dst_label").to_pylist(), strict=True)))
    out = []
    for a, b in labels:
        mask = pc.and_(pc.equal(table.column("src_label"), a), pc.equal(table.column("dst_label"), b))
        out.append(((a, b), table.filter(mask)))
    return out


class EmbeddedCypher(CypherSandbox):
    """Read-only Cypher on a snapshot's LadybugDB file, answered by a sandboxed worker process. The
    database is created before the first query when the snapshot has none yet (`ensure_database`; the
    one-line notice goes to `notice`, stderr by default)."""

    def __init__(self, snap: Path, memory_mb: int | None = None, notice: Notice | None = _to_stderr):
        super().__init__(snap, memory_mb)
        self.path = snap / DB_FILE
        self.notice = notice

    def _worker(self):
        if not self.path.exists():
            ensure_database(self.snap, self.notice)
        return super()._worker()


if __name__ == "__main__":  # create_in_child's process
    create_from_tables(Path(sys.argv[1]))
