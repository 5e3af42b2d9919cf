"""The Neo4j store: connection settings, read-only user queries, and the batched snapshot load.

Settings follow the Neo4j convention (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE),
overridden by the CLI flags --uri --username --password --database.

    from graph.neo4j_store import connect, load_snapshot
    with connect() as store:                      # or connect(args) from argparse
        res = store.query("MATCH (t:Tool) RETURN t.name LIMIT 5")   # READ access mode, timeout, row cap
        load_snapshot(store, snapshot.current_dir())                # see docs/cypher.md, "Loading"

Load design (justified in docs/cypher.md): every node and relationship carries in `loaded_build` the build id of the
snapshot that last wrote it. A load MERGEs everything on its key (node id; relationship ends plus
RelType.key) and sets its properties from the snapshot (`SET x = row`, so stale properties vanish),
one transaction per batch, each batch checked to have written every row. Only when every batch has
committed are the nodes and relationships stamped with another build deleted (in batches), and then the
single `(:CraftGraphBuild)` node records the loaded build. A failed load never deletes anything: the
previous graph stays queryable (with the batches that did commit updated in place), and the next load
completes it.

Every failure reaches the user as a Neo4jError subclass whose message is one plain line.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graph import extras, settings, snapshot
from graph.cypher_policy import PolicyError, check_limits, check_params, neo4j_plan_problem
from graph.defaults import NEO4J_BATCH_SIZE
from graph.embedded import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, QueryError, Result
from graph.schema import EDGE_END_COLUMNS, NODE_BY_NAME, NODES, REL_BY_NAME, RELS, neo4j_schema_statements

# The driver logs its retries as warnings; with no handler configured anywhere, Python would print them
# raw on stderr. Failures reach the user through Neo4jError messages instead. (Handlers an application
# configures on the root logger still receive them.)
logging.getLogger("neo4j").addHandler(logging.NullHandler())

BUILD_LABEL = "CraftGraphBuild"  # the one bookkeeping node; not part of the schema, not counted
LOCK_LABEL = "CraftGraphLock"  # the load lock (one node, locked by the load under way); not counted
BOOKKEEPING_LABELS = frozenset({BUILD_LABEL, LOCK_LABEL})
DEFAULT_LOCK_WAIT_S = 300.0  # how long a load waits for another load into the same database
STAMP = "loaded_build"  # the property every loaded node and relationship carries (the snapshot build_id)
DEFAULT_BATCH_SIZE = NEO4J_BATCH_SIZE
DEFAULT_CLEANUP_BATCH = 10_000
DEFAULT_MAX_DELETE_SHARE = 0.5  # a load that would delete more of the server's graph is refused unless forced
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
START_HINT = 'start a local one with: eval "$(scripts/neo4j-server start)"'


# --- errors ---------------------------------------------------------------------------------


class Neo4jError(Exception):
    """Anything that went wrong talking to Neo4j. The message is one line, for the user."""


class Neo4jConfigError(Neo4jError):
    """No server configured, or a setting the driver refuses (bad URI, unknown database)."""


class Neo4jUnavailable(Neo4jError):
    """The server cannot be reached, or went away during the work."""


class Neo4jAuthError(Neo4jError):
    """The server refused the username or password."""


class Neo4jQueryError(Neo4jError, QueryError):
    """A user query that Neo4j refused, failed or stopped (also a graph.embedded.QueryError)."""


class LoadError(Neo4jError):
    """A load that did not complete. Nothing was deleted; the previous graph is still queryable."""


class LoadRefused(LoadError):
    """A load that would delete too much of the server's graph; nothing was written."""


class ShortBatch(Exception):
    """A load batch wrote fewer rows than it was given (raised inside the transaction: rollback)."""

    def __init__(self, missing: int):
        super().__init__(f"{missing} rows not written")
        self.missing = missing


NOTHING_DELETED = "nothing was deleted: the previous graph is still queryable and the next load completes it"


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _server_message(e: Exception) -> str:
    msg = getattr(e, "message", None) or str(e)
    return _one_line(msg)


def translate(e: Exception, settings: Settings, doing: str = "") -> Neo4jError:
    """The user-facing Neo4jError for a driver exception (or the error itself if already ours)."""
    from neo4j import exceptions as nex

    if isinstance(e, Neo4jError):
        return e
    where = f"Neo4j at {settings.uri}"
    ctx = f" while {doing}" if doing else ""
    if isinstance(e, nex.AuthError):
        return Neo4jAuthError(
            f"{where} refused the login of user {settings.username!r}: wrong username or password "
            "(check NEO4J_USERNAME / NEO4J_PASSWORD or --username / --password)"
        )
    if isinstance(e, (nex.ServiceUnavailable, nex.SessionExpired, nex.IncompleteCommit, ConnectionError, OSError)):
        return Neo4jUnavailable(
            f"cannot reach {where}{ctx}: the server is down or unreachable "
            f"(check `scripts/neo4j-server status` or NEO4J_URI); {_short_reason(e)}"
        )
    if isinstance(e, nex.ConfigurationError | ValueError | TypeError) and not isinstance(e, nex.Neo4jError):
        return Neo4jConfigError(f"bad Neo4j settings ({settings.uri}): {_one_line(str(e))}")
    if isinstance(e, nex.Neo4jError):
        code = e.code or ""
        if code.endswith("DatabaseNotFound"):
            return Neo4jConfigError(f"{where} has no database {settings.database!r} (check NEO4J_DATABASE)")
        return Neo4jError(f"{where} failed{ctx}: {_server_message(e)} [{code}]")
    if isinstance(e, nex.DriverError):
        return Neo4jError(f"Neo4j driver error{ctx}: {_one_line(str(e))}")
    return Neo4jError(f"unexpected error{ctx}: {type(e).__name__}: {_one_line(str(e))}")


def _short_reason(e: Exception) -> str:
    text = " ".join((str(e) or type(e).__name__).split())
    m = re.search(r"\(reason (.+?)\)?$", text)
    if m:
        text = m.group(1).rstrip(")")
    text = _one_line(text, 120)
    return text[0].lower() + text[1:] if text else type(e).__name__


def plain(v):
    """A driver value as plain Python, shaped like the embedded store's: nodes and relationships
    as dicts with _ID/_LABEL (and _SRC/_DST), paths as {_NODES, _RELS}, temporal values as ISO text."""
    from neo4j import graph as ng

    if isinstance(v, ng.Node):
        return {"_ID": v.element_id, "_LABEL": next(iter(sorted(v.labels)), None), **dict(v.items())}
    if isinstance(v, ng.Relationship):
        return {
            "_SRC": v.start_node.element_id if v.start_node else None,
            "_DST": v.end_node.element_id if v.end_node else None,
            "_LABEL": v.type,
            "_ID": v.element_id,
            **dict(v.items()),
        }
    if isinstance(v, ng.Path):
        return {"_NODES": [plain(n) for n in v.nodes], "_RELS": [plain(r) for r in v.relationships]}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return v


# --- settings and connection ----------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    uri: str
    username: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str = "neo4j"

    @classmethod
    def resolve(cls, args=None, env: dict | None = None) -> Settings:
        """Flags (an argparse namespace or any object with uri/username/password/database) over
        NEO4J_* environment variables. Raises Neo4jConfigError when no URI is configured."""
        s = settings.current() if env is None else settings.Settings.from_mapping(env)

        def pick(name: str, value: str | None) -> str | None:
            v = getattr(args, name, None) if args is not None else None
            return v if v else value

        uri = pick("uri", s.neo4j_uri)
        if not uri:
            raise Neo4jConfigError(f"no Neo4j server configured: set NEO4J_URI or pass --uri ({START_HINT})")
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in BOLT_SCHEMES:
            raise Neo4jConfigError(
                f"NEO4J_URI {uri!r} is not a Bolt URI: use bolt://host:port or neo4j://host:port (or +s / +ssc)"
            )
        return cls(
            uri=uri,
            username=pick("username", s.neo4j_username) or "neo4j",
            password=pick("password", s.neo4j_password) or "",
            database=pick("database", s.neo4j_database) or "neo4j",
        )


def configured(env: dict | None = None) -> bool:
    """True when NEO4J_URI is set (tests and the app use this to decide whether to try Neo4j)."""
    s = settings.current() if env is None else settings.Settings.from_mapping(env)
    return bool(s.neo4j_uri)


@contextlib.contextmanager
def connect(
    args=None,
    *,
    settings: Settings | None = None,
    connection_timeout: float = 5.0,
    retry_time: float = 10.0,
) -> Iterator[Neo4jStore]:
    """A Neo4jStore on a verified connection; closes the driver on exit.

    `retry_time` bounds the driver's retries of transient failures (a batch whose server went away
    is retried for this long, then the load fails)."""
    settings = settings or Settings.resolve(args)
    try:
        from neo4j import GraphDatabase
    except ImportError as e:
        raise Neo4jUnavailable(extras.missing(e) or str(e)) from None
    try:
        driver = GraphDatabase.driver(
            settings.uri,
            auth=(settings.username, settings.password),
            connection_timeout=connection_timeout,
            connection_acquisition_timeout=connection_timeout + 5,
            max_transaction_retry_time=retry_time,
            user_agent="craftgraph",
        )
    except Exception as e:
        raise translate(e, settings, "connecting") from None
    try:
        try:
            driver.verify_connectivity()
        except Exception as e:
            raise translate(e, settings, "connecting") from None
        store = Neo4jStore(driver, settings)
        store.check_database()
        yield store
    finally:
        with contextlib.suppress(Exception):
            driver.close()


class Neo4jStore:
    def __init__(self, driver, settings: Settings):
        self.driver = driver
        self.settings = settings

    # sessions

    def _session(self, read: bool, **kw):
        from neo4j import READ_ACCESS, WRITE_ACCESS

        return self.driver.session(
            database=self.settings.database, default_access_mode=READ_ACCESS if read else WRITE_ACCESS, **kw
        )

    def read(self, cypher: str, params: dict | None = None) -> list[dict]:
        """Internal read (counts, checks): all rows as dicts."""
        try:
            with self._session(read=True) as s:
                return s.execute_read(lambda tx: [r.data() for r in tx.run(cypher, params or {})])
        except Exception as e:
            raise translate(e, self.settings, "reading") from None

    def write(self, cypher: str, params: dict | None = None, doing: str = "writing") -> list[dict]:
        """Internal write in one managed (retried) transaction: all rows as dicts."""
        try:
            with self._session(read=False) as s:
                return s.execute_write(lambda tx: [r.data() for r in tx.run(cypher, params or {})])
        except Exception as e:
            raise translate(e, self.settings, doing) from None

    def write_batch(self, cypher: str, params: dict, expected: int, doing: str) -> None:
        """One load batch in one managed transaction: the statement returns `written`; when it is not
        `expected`, the transaction is rolled back and ShortBatch raised (a batch is never half-applied)."""

        def work(tx):
            rec = tx.run(cypher, params).single()
            written = rec["written"] if rec else 0
            if written != expected:
                raise ShortBatch(expected - written)

        try:
            with self._session(read=False) as s:
                s.execute_write(work)
        except ShortBatch:
            raise
        except Exception as e:
            raise translate(e, self.settings, doing) from None

    def run_autocommit(self, cypher: str, params: dict | None = None, doing: str = "writing") -> dict:
        """An implicit transaction (needed by CALL {...} IN TRANSACTIONS); returns the summary counters."""
        try:
            with self._session(read=False) as s:
                summary = s.run(cypher, params or {}).consume()
                return vars(summary.counters)
        except Exception as e:
            raise translate(e, self.settings, doing) from None

    def check_database(self) -> None:
        self.read("RETURN 1 AS ok")

    # user queries

    def query(
        self,
        cypher: str,
        params: dict | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        row_cap: int = DEFAULT_ROW_CAP,
    ) -> Result:
        """A user query, checked and run under a hard deadline. Raises Neo4jQueryError (also a QueryError)
        with a one-line message for the user.

        In one explicit READ transaction with the server-side timeout (so the driver never retries it,
        whatever the error): the server EXPLAINs the query and its plan is checked against the read
        allow-list (graph.cypher_policy: no LOAD CSV, no procedures outside the list, no SHOW/TERMINATE
        commands), then the query runs and at most `row_cap` rows are read. Rows stop being read at the
        deadline even if the server has not stopped the transaction yet."""
        from neo4j import exceptions as nex

        try:
            timeout_s, row_cap = check_limits(timeout_s, row_cap)
            params = check_params(params or {})
        except PolicyError as e:
            raise Neo4jQueryError(str(e)) from None
        deadline = time.monotonic() + timeout_s
        try:
            with (
                self._session(read=True, fetch_size=min(max(row_cap + 1, 100), 10_000)) as s,
                s.begin_transaction(timeout=timeout_s) as tx,
            ):
                summary = tx.run("EXPLAIN " + cypher, params).consume()
                problem = neo4j_plan_problem(summary.plan, summary.query_type)
                if problem:
                    raise Neo4jQueryError(f"refused: {problem}")
                return _read_rows(tx.run(cypher, params), row_cap, deadline, timeout_s)
        except Neo4jError:
            raise
        except nex.Neo4jError as e:
            raise _query_error(e, timeout_s) or translate(e, self.settings, "running the query") from None
        except Exception as e:
            raise translate(e, self.settings, "running the query") from None

    # inspection

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and relationships per type (from the count store), without CraftGraphBuild."""
        labels = [r["label"] for r in self.read("CALL db.labels() YIELD label RETURN label")]
        types = [r["relationshipType"] for r in self.read("CALL db.relationshipTypes() YIELD relationshipType")]
        nodes = {}
        for label in sorted(set(labels) - BOOKKEEPING_LABELS):
            nodes[label] = self.read(f"MATCH (n:`{label}`) RETURN count(n) AS n")[0]["n"]
        edges = {}
        for t in sorted(types):
            edges[t] = self.read(f"MATCH ()-[r:`{t}`]->() RETURN count(r) AS n")[0]["n"]
        return {"nodes": {k: v for k, v in nodes.items() if v}, "edges": {k: v for k, v in edges.items() if v}}

    def loaded_build(self) -> dict | None:
        """The CraftGraphBuild record (build id, content hash, loaded_at; `loading` while a load is
        under way or after one failed), or None when nothing was loaded."""
        rows = self.read(f"MATCH (b:{BUILD_LABEL}) RETURN properties(b) AS b")
        return rows[0]["b"] if rows else None

    def duplicate_relationships(self) -> dict[str, int]:
        """Relationships that repeat another of the same type, ends and key properties (RelType.key), by
        type: what two loads taking the CREATE path at once would leave. Empty when there are none."""
        out = {}
        for rel in RELS:
            rows = self.read(_duplicates_query(rel.name, rel.key, "RETURN sum(size(xs) - 1) AS extra"))
            extra = rows[0]["extra"] if rows else 0
            if extra:
                out[rel.name] = extra
        return out

    def repair_duplicate_relationships(self, batch: int = DEFAULT_CLEANUP_BATCH) -> dict[str, int]:
        """Delete every duplicate relationship, keeping one of each group; by type, how many went."""
        gone = {}
        for rel, extra in self.duplicate_relationships().items():
            spec = REL_BY_NAME[rel]
            counters = self.run_autocommit(
                _duplicates_query(rel, spec.key, f"UNWIND xs[1..] AS dup {_DELETE_IN_BATCHES}"),
                {"batch": batch},
                doing=f"removing duplicate {rel} relationships",
            )
            gone[rel] = counters.get("relationships_deleted", extra)
        return gone

    def constraints(self) -> list[str]:
        return [r["name"] for r in self.read("SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name")]

    def indexes(self) -> list[dict]:
        return self.read("SHOW INDEXES YIELD name, state, type RETURN name, state, type ORDER BY name")


def _read_rows(res, row_cap: int, deadline: float, timeout_s: float) -> Result:
    columns = list(res.keys())
    rows: list[list] = []
    truncated = False
    for rec in res:
        if time.monotonic() > deadline:
            raise Neo4jQueryError(f"the query took longer than {timeout_s:g} s and was stopped")
        if len(rows) >= row_cap:
            truncated = True
            break
        rows.append([plain(v) for v in rec.values()])
    return Result(columns, rows, truncated)


def _query_error(e, timeout_s: float) -> Neo4jQueryError | None:
    """The one-line message for a server error on a user query (None: not a query error)."""
    code = e.code or ""
    if code.endswith("Statement.AccessMode") or "read access mode" in (e.message or ""):
        return Neo4jQueryError("refused: this query would change the graph; queries here are read-only")
    if "TransactionTimedOut" in code or code.endswith("Transaction.TransactionTimedOutClientConfiguration"):
        return Neo4jQueryError(f"the query took longer than {timeout_s:g} s and was stopped")
    if "MemoryPoolOutOfMemoryError" in code or "OutOfMemory" in code:
        return Neo4jQueryError(f"the query needed more memory than the server allows: {_server_message(e)}")
    if code.startswith(("Neo.ClientError.Statement", "Neo.ClientError.Procedure", "Neo.ClientError.Transaction")):
        return Neo4jQueryError(f"Neo4j: {_server_message(e)}")
    if code.startswith("Neo.ClientError.Security") and code != "Neo.ClientError.Security.Unauthorized":
        return Neo4jQueryError(f"refused by Neo4j: {_server_message(e)}")
    return None


_DELETE_IN_BATCHES = "CALL (dup) { DELETE dup } IN TRANSACTIONS OF $batch ROWS"


def _duplicates_query(rel: str, key: tuple[str, ...], tail: str) -> str:
    keys = "".join(f", x.`{k}` AS k{i}" for i, k in enumerate(key))
    return f"MATCH (a)-[x:`{rel}`]->(b) WITH a, b{keys}, collect(x) AS xs WHERE size(xs) > 1 {tail}"


def count_differences(expected: dict, actual: dict) -> list[str]:
    """Where Neo4j's counts differ from a manifest's counts (zero counts are ignored)."""
    out = []
    for kind in ("nodes", "edges"):
        a = {k: v for k, v in expected.get(kind, {}).items() if v}
        b = {k: v for k, v in actual.get(kind, {}).items() if v}
        for name in sorted(set(a) | set(b)):
            if a.get(name, 0) != b.get(name, 0):
                out.append(f"{name}: snapshot {a.get(name, 0)}, Neo4j {b.get(name, 0)}")
    return out


# --- load -----------------------------------------------------------------------------------


@dataclass
class LoadEvent:
    """What the loader reports after each step; `after_batch` gets one per committed batch."""

    stage: str  # lock | schema | repair | nodes | relationships | cleanup | record | done
    name: str = ""  # label or relationship type
    batch: int = 0  # 1-based batch number within the stage
    rows: int = 0  # rows in this batch
    stage_done: int = 0  # rows done in the stage so far
    stage_total: int = 0
    message: str = ""


@dataclass
class LoadReport:
    build_id: str
    content_hash: str
    nodes: int
    relationships: int
    batches: int
    deleted_nodes: int
    deleted_relationships: int
    seconds: dict[str, float]
    counts: dict
    repaired_duplicates: dict[str, int] = field(default_factory=dict)

    @property
    def node_rate(self) -> float:
        return self.nodes / max(self.seconds.get("nodes", 0.0), 1e-9)

    @property
    def rel_rate(self) -> float:
        return self.relationships / max(self.seconds.get("relationships", 0.0), 1e-9)


def node_statement(label: str) -> str:
    return (
        f"UNWIND $rows AS row MERGE (n:`{label}` {{id: row.id}}) "
        f"SET n = row, n.{STAMP} = $build RETURN count(n) AS written"
    )


def rel_statement(rel: str, src_label: str, dst_label: str, create: bool = False) -> str:
    """MERGE on both ends and the type's key properties; CREATE when the database held no relationship
    at the start of the load (a first load: nothing to match, and CREATE skips MERGE's lookup)."""
    key = REL_BY_NAME[rel].key if rel in REL_BY_NAME else ()
    keymap = " {" + ", ".join(f"`{k}`: row.props.`{k}`" for k in key) + "}" if key else ""
    verb = "CREATE" if create else "MERGE"
    return (
        f"UNWIND $rows AS row MATCH (a:`{src_label}` {{id: row.src}}) MATCH (b:`{dst_label}` {{id: row.dst}}) "
        f"{verb} (a)-[r:`{rel}`{keymap if not create else ''}]->(b) SET r = row.props, r.{STAMP} = $build "
        "RETURN count(r) AS written"
    )


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if v is not None}


def _node_batches(path: Path, batch_size: int) -> Iterator[list[dict]]:
    pf = pq.ParquetFile(path)
    for rb in pf.iter_batches(batch_size=batch_size):
        yield [_clean(r) for r in rb.to_pylist()]


def _edge_groups(path: Path) -> list[tuple[str, str, pa.Table]]:
    """An edge table split by (source label, target label), so each MATCH uses one id constraint."""
    t = pq.read_table(path)
    if t.num_rows == 0:
        return []
    pairs = sorted(set(zip(t.column("src_label").to_pylist(), t.column("dst_label").to_pylist(), strict=True)))
    out = []
    for a, b in pairs:
        mask = pc.and_(pc.equal(t.column("src_label"), a), pc.equal(t.column("dst_label"), b))
        out.append((a, b, t.filter(mask)))
    return out


def _edge_batches(t: pa.Table, batch_size: int) -> Iterator[list[dict]]:
    props = [c for c in t.column_names if c not in EDGE_END_COLUMNS]
    for off in range(0, t.num_rows, batch_size):
        part = t.slice(off, batch_size)
        for_rows = part.select(["src", "dst", *props]).to_pylist()
        yield [{"src": r.pop("src"), "dst": r.pop("dst"), "props": _clean(r)} for r in for_rows]


def _check_stamp_free(snap: Path) -> None:
    for p in [*sorted((snap / "nodes").glob("*.parquet")), *sorted((snap / "edges").glob("*.parquet"))]:
        if STAMP in pq.read_schema(p).names:
            raise LoadError(f"{p}: has a `{STAMP}` column, which the Neo4j load reserves for its build stamp")


def ensure_schema(store: Neo4jStore, progress: Callable[[LoadEvent], None] | None = None) -> list[str]:
    """Constraints and indexes from graph/schema.py (idempotent), then wait until they are online."""
    stmts = [
        *neo4j_schema_statements(),
        f"CREATE CONSTRAINT craftgraphbuild_id IF NOT EXISTS FOR (b:{BUILD_LABEL}) REQUIRE b.id IS UNIQUE",
    ]
    for s in stmts:
        try:
            store.run_autocommit(s, doing="creating constraints and indexes")
        except Neo4jError as e:
            if isinstance(e, Neo4jUnavailable | Neo4jAuthError):
                raise
            raise LoadError(f"could not create the schema ({s}): {e}") from None
    store.run_autocommit("CALL db.awaitIndexes(300)", doing="waiting for indexes")
    if progress:
        progress(LoadEvent("schema", message=f"{len(stmts)} constraints and indexes in place"))
    return stmts


@contextlib.contextmanager
def load_lock(store: Neo4jStore, wait_s: float = DEFAULT_LOCK_WAIT_S, progress=None) -> Iterator[None]:
    """Hold the database's load lock for the duration of the block; LoadError if another load holds it
    for longer than `wait_s`.

    The lock is the write lock on the single `(:CraftGraphLock {name: 'load'})` node, taken by a write
    transaction that stays open for the whole load and is rolled back at the end. The server releases it
    when that transaction ends in any way, including when the loading process dies or the server restarts,
    so a crashed load never leaves the database locked."""
    _ensure_lock_node(store)
    _wait_for_lock(store, wait_s, progress)
    # Another load can take the lock between the probe and here: then this waits for it, and says so.
    said = threading.Timer(0.5, _say_waiting, (store, wait_s, progress)) if progress else None
    try:
        session = store._session(read=False)
        tx = session.begin_transaction()
        if said:
            said.start()
        tx.run(f"MATCH (l:{LOCK_LABEL} {{name: 'load'}}) SET l.held = true").consume()
    except Exception as e:
        raise translate(e, store.settings, "taking the load lock") from None
    finally:
        if said:
            said.cancel()
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            tx.close()
        with contextlib.suppress(Exception):
            session.close()


def _ensure_lock_node(store: Neo4jStore) -> None:
    stmt = f"CREATE CONSTRAINT craftgraphlock_name IF NOT EXISTS FOR (l:{LOCK_LABEL}) REQUIRE l.name IS UNIQUE"
    for attempt in range(3):  # two loads creating the constraint at the same moment: one may be told to retry
        try:
            store.run_autocommit(stmt, doing="creating the load lock")
            store.write(f"MERGE (l:{LOCK_LABEL} {{name: 'load'}})", doing="creating the load lock")
            return
        except (Neo4jUnavailable, Neo4jAuthError):
            raise
        except Neo4jError:
            if attempt == 2:
                raise
            time.sleep(0.5)


def _wait_for_lock(store: Neo4jStore, wait_s: float, progress) -> None:
    """Return once the lock is free (checked by a transaction that takes it and rolls back, stopped by the
    server after `wait_s`); LoadError when another load held it all that time."""
    from neo4j import exceptions as nex

    def probe(timeout: float) -> bool:
        try:
            with store._session(read=False) as s, s.begin_transaction(timeout=timeout) as tx:
                tx.run(f"MATCH (l:{LOCK_LABEL} {{name: 'load'}}) SET l.held = true").consume()
                tx.rollback()
            return True
        except nex.Neo4jError as e:
            if any(w in (e.code or "") for w in ("TransactionTimedOut", "LockClientStopped", "Terminated")):
                return False
            raise translate(e, store.settings, "waiting for the load lock") from None
        except Exception as e:
            raise translate(e, store.settings, "waiting for the load lock") from None

    if probe(1.0):
        return
    who = _say_waiting(store, wait_s, progress)
    if wait_s <= 1.0 or not probe(wait_s - 1.0):
        raise LoadError(
            f"another `craftgraph load` is writing to this database{who} and did not finish within {wait_s:g} s; "
            "nothing was changed: run the load again when it is done"
        )


def _say_waiting(store: Neo4jStore, wait_s: float, progress) -> str:
    """Tell `progress` that this load waits for another one (named when its marker says which); return that
    name's phrase for messages."""
    marker = store.loaded_build() or {}
    who = f" (load of {marker['loading']} since {marker.get('loading_started')})" if marker.get("loading") else ""
    if progress:
        progress(LoadEvent("lock", message=f"waiting up to {wait_s:g} s for another load into this database{who}"))
    return who


def would_delete(store: Neo4jStore, snap: Path, chunk: int = 20_000) -> tuple[dict[str, int], int]:
    """What a load of `snap` would delete: ({label: nodes whose id the snapshot does not hold}, the
    number of CraftGraph nodes on the server now). Looked up by id through the uniqueness constraints."""
    server = {k: v for k, v in store.counts()["nodes"].items() if k in NODE_BY_NAME}
    gone = {}
    for label, n in server.items():
        path = snap / "nodes" / f"{label}.parquet"
        ids = pq.read_table(path, columns=["id"]).column("id").to_pylist() if path.exists() else []
        kept = 0
        for i in range(0, len(ids), chunk):
            rows = store.read(
                f"UNWIND $ids AS id MATCH (n:`{label}` {{id: id}}) RETURN count(n) AS n", {"ids": ids[i : i + chunk]}
            )
            kept += rows[0]["n"]
        if n - kept > 0:
            gone[label] = n - kept
    return gone, sum(server.values())


def guard_deletions(store: Neo4jStore, snap: Path, max_share: float = DEFAULT_MAX_DELETE_SHARE) -> None:
    """Raise LoadRefused, naming what would go, when loading `snap` would delete more than `max_share`
    of the CraftGraph nodes on the server."""
    gone, total = would_delete(store, snap)
    n = sum(gone.values())
    if total and n > max_share * total:
        what = ", ".join(f"{label} {k:,}" for label, k in sorted(gone.items(), key=lambda x: -x[1]))
        raise LoadRefused(
            f"refused: loading {snap.name} would delete {n:,} of the {total:,} nodes in {store.settings.database} "
            f"({n / total:.0%}, more than {max_share:.0%}): {what}; the graph there is unchanged; --force loads anyway"
        )


def load_snapshot(
    store: Neo4jStore,
    snap: Path,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[LoadEvent], None] | None = None,
    after_batch: Callable[[LoadEvent], None] | None = None,
    cleanup_batch: int = DEFAULT_CLEANUP_BATCH,
    lock_wait_s: float = DEFAULT_LOCK_WAIT_S,
    force: bool = False,
    max_delete_share: float = DEFAULT_MAX_DELETE_SHARE,
) -> LoadReport:
    """Load snapshot `snap` into Neo4j (see the module docstring), holding the database's load lock, so
    that two loads at once run one after the other. Raises LoadError (or another Neo4jError) on any
    failure; nothing is deleted unless every batch committed. Unless `force`, a load that would delete
    more than `max_delete_share` of the server's CraftGraph nodes is refused (LoadRefused) before
    anything is written (checked under the load lock, against what the load would really replace)."""
    if batch_size < 1:
        raise LoadError("the batch size must be at least 1")
    manifest = snapshot.read_manifest(snap)
    _check_stamp_free(snap)
    emit = progress or (lambda _e: None)
    with load_lock(store, lock_wait_s, emit):
        if not force:  # under the lock: a load that finished meanwhile is what this one would replace
            guard_deletions(store, snap, max_delete_share)
        return _load_locked(store, snap, manifest, batch_size, emit, after_batch, cleanup_batch)


def _load_locked(
    store: Neo4jStore,
    snap: Path,
    manifest: dict,
    batch_size: int,
    emit: Callable[[LoadEvent], None],
    after_batch: Callable[[LoadEvent], None] | None,
    cleanup_batch: int,
) -> LoadReport:
    build = manifest["build_id"]
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    ensure_schema(store, emit)
    # mark the load as under way (on the record of the loaded build, or on a new record if there is none)
    store.write(
        f"OPTIONAL MATCH (b:{BUILD_LABEL}) WITH collect(b) AS found "
        f"FOREACH (b IN CASE WHEN size(found) = 0 THEN [1] ELSE [] END | CREATE (:{BUILD_LABEL})) "
        f"WITH 1 AS one MATCH (b:{BUILD_LABEL}) SET b.loading = $build, b.loading_started = $now",
        {"build": build, "now": _now()},
        doing="marking the load",
    )
    seconds["schema"] = time.perf_counter() - t0
    batches = 0

    def run_batch(stage: str, name: str, stmt: str, rows: list[dict], done: int, total: int, what: str) -> int:
        nonlocal batches
        batches += 1
        where = f"{stage} batch {batches} ({name}, rows {done + 1}-{done + len(rows)} of {total})"
        try:
            store.write_batch(stmt, {"rows": rows, "build": build}, len(rows), doing=f"loading {where}")
        except ShortBatch as e:
            raise LoadError(
                f"load of {build} failed at {where}: {e.missing} of {len(rows)} rows could not be written ({what}); "
                f"the batch was rolled back and {NOTHING_DELETED}"
            ) from None
        except Neo4jError as e:
            raise type(e)(f"{e}; load of {build} stopped, {NOTHING_DELETED}") from None
        ev = LoadEvent(stage, name, batches, len(rows), done + len(rows), total)
        emit(ev)
        if after_batch:
            after_batch(ev)
        return len(rows)

    # nodes
    t1 = time.perf_counter()
    node_files = sorted((snap / "nodes").glob("*.parquet"))
    node_total = sum(pq.ParquetFile(p).metadata.num_rows for p in node_files)
    done = 0
    for p in node_files:
        label = p.stem
        if label not in NODE_BY_NAME:
            raise LoadError(f"{p}: label {label} is not in graph/schema.py")
        stmt = node_statement(label)
        for rows in _node_batches(p, batch_size):
            done += run_batch("nodes", label, stmt, rows, done, node_total, "duplicate ids in the snapshot?")
    seconds["nodes"] = time.perf_counter() - t1

    # relationships: CREATE on a database that holds none (snapshots have no duplicate relationships),
    # MERGE otherwise, so that a reload, or a load after a failed one, never duplicates. Decided under the
    # load lock, so two loads cannot both see an empty database. Duplicates left by an older version
    # (loads without the lock) would make MERGE write two rows for one: they are removed first.
    fresh = not store.read("MATCH ()-[r]->() RETURN 1 AS x LIMIT 1")
    repaired = {} if fresh else store.repair_duplicate_relationships(cleanup_batch)
    if repaired:
        emit(LoadEvent("repair", message=f"removed {sum(repaired.values())} duplicate relationships: {repaired}"))
    how = "created (the database holds none)" if fresh else "merged with those already there"
    emit(LoadEvent("relationships", message=f"relationships will be {how}"))
    t2 = time.perf_counter()
    edge_files = sorted((snap / "edges").glob("*.parquet"))
    rel_total = sum(pq.ParquetFile(p).metadata.num_rows for p in edge_files)
    done = 0
    for p in edge_files:
        rel = p.stem
        if rel not in REL_BY_NAME:
            raise LoadError(f"{p}: relationship type {rel} is not in graph/schema.py")
        for a, b, t in _edge_groups(p):
            stmt = rel_statement(rel, a, b, create=fresh)
            for rows in _edge_batches(t, batch_size):
                done += run_batch(
                    "relationships", f"{rel} {a}->{b}", stmt, rows, done, rel_total, "an end node is missing"
                )
    seconds["relationships"] = time.perf_counter() - t2

    # cleanup: only now, with every batch committed, remove what the snapshot no longer holds
    t3 = time.perf_counter()
    emit(LoadEvent("cleanup", message="removing relationships and nodes the snapshot no longer holds"))
    params = {
        "build": build,
        "labels": [n.name for n in NODES],
        "types": [r.name for r in RELS],
        "batch": cleanup_batch,
    }
    try:
        rc = store.run_autocommit(
            f"MATCH ()-[r]->() WHERE r.{STAMP} <> $build OR (r.{STAMP} IS NULL AND type(r) IN $types) "
            "CALL (r) { DELETE r } IN TRANSACTIONS OF $batch ROWS",
            params,
            doing="removing stale relationships",
        )
        nc = store.run_autocommit(
            f"MATCH (n) WHERE NOT n:{BUILD_LABEL} AND (n.{STAMP} <> $build OR "
            f"(n.{STAMP} IS NULL AND any(l IN labels(n) WHERE l IN $labels))) "
            "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch ROWS",
            params,
            doing="removing stale nodes",
        )
    except Neo4jError as e:
        raise type(e)(
            f"load of {build}: every batch committed but removing stale data failed ({e}); run the load again to finish"
        ) from None
    deleted_rels = rc.get("relationships_deleted", 0)
    deleted_nodes = nc.get("nodes_deleted", 0)
    emit(LoadEvent("cleanup", message=f"removed {deleted_nodes} nodes and {deleted_rels} relationships"))
    seconds["cleanup"] = time.perf_counter() - t3

    # record the build
    store.write(
        f"MATCH (b:{BUILD_LABEL}) DELETE b "
        f"WITH count(*) AS gone CREATE (:{BUILD_LABEL} {{id: $build, content_hash: $hash, loaded_at: $now, "
        "snapshot_created: $created, schema_version: $schema, total_nodes: $tn, total_edges: $te})",
        {
            "build": build,
            "hash": manifest.get("content_hash"),
            "now": _now(),
            "created": manifest.get("created"),
            "schema": manifest.get("schema_version"),
            "tn": manifest["counts"].get("total_nodes"),
            "te": manifest["counts"].get("total_edges"),
        },
        doing="recording the loaded build",
    )
    seconds["total"] = time.perf_counter() - t0
    emit(LoadEvent("done", message=f"loaded {build}"))
    return LoadReport(
        build_id=build,
        content_hash=manifest.get("content_hash", ""),
        nodes=node_total,
        relationships=rel_total,
        batches=batches,
        deleted_nodes=deleted_nodes,
        deleted_relationships=deleted_rels,
        seconds=seconds,
        counts=manifest["counts"],
        repaired_duplicates=repaired,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
