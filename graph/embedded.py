"""The embedded Cypher engine: LadybugDB (the maintained fork of Kuzu), read-only for users.

The build creates `graph.lbug` inside the snapshot from the same Arrow tables it writes as parquet
(node and relationship tables declared from graph/schema.py). Users query it through graph.sandbox: a
worker process per session that checks each query's plan, with a timeout, a row cap and a memory
ceiling (docs/decisions/user-cypher.md). Dialect differences from Neo4j are listed in docs/cypher.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import ladybug
import pyarrow as pa

from graph.cypher_policy import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S
from graph.sandbox import CypherSandbox, QueryError, Result
from graph.schema import NODES, RELS

DB_FILE = "graph.lbug"
LB_TYPES = {"str": "STRING", "date": "STRING", "float": "DOUBLE", "int": "INT64", "bool": "BOOLEAN", "list": "STRING[]"}

__all__ = [
    "DB_FILE",
    "DEFAULT_ROW_CAP",
    "DEFAULT_TIMEOUT_S",
    "EmbeddedCypher",
    "QueryError",
    "Result",
    "create_database",
]


# Node tables copied per opening of the database: each one holds ~16 MB of index pages until the database
# closes, so reopening every few tables halves the build's peak memory (at ~0.1 s a reopening).
NODE_TABLES_PER_OPEN = 4


def create_database(path: Path, nodes: dict[str, pa.Table], edges: dict[str, pa.Table]) -> None:
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
    labels = [label for label, table in nodes.items() if table.num_rows]
    for i in range(0, len(labels), NODE_TABLES_PER_OPEN):
        with _opened(path) as conn:
            for label in labels[i : i + NODE_TABLES_PER_OPEN]:
                _copy(conn, label, nodes[label], None)
    with _opened(path) as conn:
        for rel, table in edges.items():
            for (a, b), part in _by_pair(table):
                props = [c for c in part.column_names if c not in ("src", "dst", "src_label", "dst_label")]
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
    import pyarrow.compute as pc

    out = []
    for a, b in labels:
        mask = pc.and_(pc.equal(table.column("src_label"), a), pc.equal(table.column("dst_label"), b))
        out.append(((a, b), table.filter(mask)))
    return out


class EmbeddedCypher(CypherSandbox):
    """Read-only Cypher on a snapshot's LadybugDB file, answered by a sandboxed worker process."""

    def __init__(self, snap: Path, memory_mb: int | None = None):
        super().__init__(snap, memory_mb)
        self.path = snap / DB_FILE
