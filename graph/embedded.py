"""The embedded Cypher engine: LadybugDB (the maintained fork of Kuzu), read-only for users.

The build creates `graph.lbug` inside the snapshot from the same Arrow tables it writes as parquet
(node and relationship tables declared from graph/schema.py). Users query it read-only, with a
timeout and a row cap. Dialect differences from Neo4j are listed in docs/cypher.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import ladybug
import pyarrow as pa

from graph.schema import NODES, RELS

DB_FILE = "graph.lbug"
LB_TYPES = {"str": "STRING", "date": "STRING", "float": "DOUBLE", "int": "INT64", "bool": "BOOLEAN", "list": "STRING[]"}
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_ROW_CAP = 10_000

# Clauses that change data or schema. Checked on the query text with strings and comments removed,
# so `RETURN 'CREATE'` is fine; the database is also opened read-only as a second guard.
WRITE_CLAUSES = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|ALTER|COPY|LOAD|INSTALL|ATTACH|IMPORT|EXPORT|CHECKPOINT|FOREACH)\b",
    re.IGNORECASE,
)
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)


class QueryError(Exception):
    """A user query that could not run: refused, failed, or timed out. The message is for the user."""


def write_clause(query: str) -> str | None:
    """The first write clause in a query (outside strings and comments), or None."""
    m = WRITE_CLAUSES.search(_STRINGS.sub(" ", query))
    return m.group(1).upper() if m else None


def create_database(path: Path, nodes: dict[str, pa.Table], edges: dict[str, pa.Table]) -> None:
    """Declare every label and type of the schema and bulk-copy the tables in."""
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    try:
        for n in NODES:
            cols = ", ".join(f"`{p.name}` {LB_TYPES[p.type]}" for p in n.all_props if p.name != "id")
            conn.execute(f"CREATE NODE TABLE {n.name}(id STRING PRIMARY KEY, {cols})")
        for r in RELS:
            pairs = ", ".join(f"FROM {a} TO {b}" for a, b in r.pairs)
            cols = "".join(f", `{p.name}` {LB_TYPES[p.type]}" for p in r.all_props)
            conn.execute(f"CREATE REL TABLE {r.name}({pairs}{cols})")
        for label, table in nodes.items():
            if table.num_rows:
                _copy(conn, label, table, None)
        for rel, table in edges.items():
            for (a, b), part in _by_pair(table):
                props = [c for c in part.column_names if c not in ("src", "dst", "src_label", "dst_label")]
                rows = part.select(["src", "dst", *props]).rename_columns(["from", "to", *props])
                _copy(conn, rel, rows, (a, b))
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


@dataclass
class Result:
    columns: list[str]
    rows: list[list]
    truncated: bool


class EmbeddedCypher:
    """Read-only Cypher on a snapshot's LadybugDB file."""

    def __init__(self, snap: Path):
        self.path = snap / DB_FILE
        self._db = ladybug.Database(str(self.path), read_only=True)
        self._conn = ladybug.Connection(self._db)

    def run(
        self,
        query: str,
        params: dict | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        row_cap: int = DEFAULT_ROW_CAP,
    ) -> Result:
        clause = write_clause(query)
        if clause:
            raise QueryError(f"refused: {clause} would change the graph; queries here are read-only")
        self._conn.set_query_timeout(int(timeout_s * 1000))
        try:
            res = self._conn.execute(query, params or {})
        except RuntimeError as e:
            msg = str(e)
            if "interrupted" in msg.lower() or "timeout" in msg.lower():
                raise QueryError(f"the query took longer than {timeout_s:g} s and was stopped") from None
            raise QueryError(msg) from None
        last = res[-1] if isinstance(res, list) else res
        columns = last.get_column_names()
        rows: list[list] = []
        truncated = False
        while last.has_next():
            if len(rows) >= row_cap:
                truncated = True
                break
            rows.append(cast(list, last.get_next()))  # rows come as lists (the default)
        last.close()
        return Result(columns, rows, truncated)

    def close(self) -> None:
        self._conn.close()
        self._db.close()
