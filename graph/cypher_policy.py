"""What user Cypher may do, decided from the engine's own plan (docs/decisions/user-cypher.md).

Both stores are asked to EXPLAIN the query first; the operators of the plan they return are checked
against allow-lists of read operators (and of table functions / procedures). Anything not listed, such
as file or URL loading (`LOAD FROM`, `LOAD CSV`, `COPY`), settings (`CALL timeout=...`),
administration (`SHOW USERS`, `TERMINATE TRANSACTIONS`, `dbms.*`) or an operator a newer engine adds,
is refused. The limits every user query runs under are validated here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# --- limits ---------------------------------------------------------------------------------

DEFAULT_TIMEOUT_S = 30.0
MIN_TIMEOUT_S = 0.1
MAX_TIMEOUT_S = 600.0
DEFAULT_ROW_CAP = 10_000
MAX_ROW_CAP = 1_000_000


class PolicyError(ValueError):
    """A query or a limit that user Cypher may not use. The message is one line, for the user."""


def check_limits(timeout_s: object, row_cap: object) -> tuple[float, int]:
    """(timeout, row cap) when both are within bounds, else PolicyError with a one-line message."""
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, int | float) or timeout_s != timeout_s:
        raise PolicyError(f"the timeout must be a number of seconds, got {timeout_s!r}")
    if not MIN_TIMEOUT_S <= timeout_s <= MAX_TIMEOUT_S:
        raise PolicyError(
            f"the timeout must be between {MIN_TIMEOUT_S:g} and {MAX_TIMEOUT_S:g} seconds, got {timeout_s:g}"
        )
    if isinstance(row_cap, bool) or not isinstance(row_cap, int):
        raise PolicyError(f"the row cap must be a whole number, got {row_cap!r}")
    if not 1 <= row_cap <= MAX_ROW_CAP:
        raise PolicyError(f"the row cap must be between 1 and {MAX_ROW_CAP:,}, got {row_cap:,}")
    return float(timeout_s), row_cap


# --- embedded store (LadybugDB) -------------------------------------------------------------


# Physical operators of a read query. Writes, COPY, LOAD FROM (a table function), ATTACH, USE,
# INSTALL/LOAD EXTENSION, EXPORT/IMPORT, transactions and `CALL setting=value` (STANDALONE_CALL) are
# other operators, and so refused; the database is also opened read-only.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


EMBEDDED_OPERATORS = _words(
    """
    RESULT_COLLECTOR PROJECTION FILTER FLATTEN LIMIT SKIP MULTIPLICITY_REDUCER EMPTY_RESULT
    SCAN_NODE_TABLE SCAN_REL_TABLE PRIMARY_KEY_SCAN_NODE_TABLE QUERY_PRIMARY_KEY_LOOKUP COUNT_REL_TABLE
    HASH_JOIN_BUILD HASH_JOIN_PROBE INTERSECT_BUILD INTERSECT CROSS_PRODUCT SEMI_MASKER
    AGGREGATE AGGREGATE_FINALIZE AGGREGATE_SCAN ORDER_BY ORDER_BY_MERGE ORDER_BY_SCAN TOP_K TOP_K_SCAN
    UNION_ALL_SCAN UNWIND RECURSIVE_EXTEND PATH_PROPERTY_PROBE DUMMY_SINK DUMMY_SIMPLE_SINK
    TABLE_FUNCTION_CALL
    """
)
# Table functions (`CALL f()` and internal scans). File readers (READ_CSV_*, READ_PARQUET, READ_JSON,
# READ_PANDAS, ...), settings (CURRENT_SETTING), warnings (which quote file lines) and in-memory graph
# projections are not listed.
EMBEDDED_FUNCTIONS = frozenset(
    {"READ_FTABLE", "SHOW_TABLES", "TABLE_INFO", "SHOW_CONNECTION", "DB_VERSION", "SHOW_FUNCTIONS", "SHOW_INDEXES"}
)
_LB_OPERATOR = re.compile(r"│\s*([A-Z][A-Z0-9_]*)\[\d+\]\s*│")
_LB_FUNCTION = re.compile(r"Function:\s*(\S+)")


def embedded_plan_problem(plan_text: str) -> str | None:
    """Why LadybugDB's EXPLAIN text shows a query users may not run, or None.

    Text a query carries into the plan (a string literal) can only add names, never hide one of the
    engine's operators, so an injected name can only make a query refused."""
    ops = _LB_OPERATOR.findall(plan_text)
    if not ops:
        return "the engine returned no plan for this query"
    for op in ops:
        if op not in EMBEDDED_OPERATORS:
            return _embedded_reason(op)
    for fn in _LB_FUNCTION.findall(plan_text):
        if fn.upper() not in EMBEDDED_FUNCTIONS:
            return _embedded_function_reason(fn)
    return None


def _embedded_reason(op: str) -> str:
    if op == "STANDALONE_CALL":
        return "changing a setting (CALL name=value) is not allowed"
    if op in {"COPY_TO", "COPY_FROM", "EXPORT_DATABASE", "IMPORT_DATABASE", "ATTACH_DATABASE", "USE_DATABASE"}:
        return f"{op.replace('_', ' ')} reads or writes files, which user queries may not do"
    if "EXTENSION" in op:
        return "installing or loading extensions is not allowed"
    return f"the plan uses {op}, which is not a read operator user queries may use"


def _embedded_function_reason(fn: str) -> str:
    if fn.upper().startswith(("READ_", "SCAN_", "PANDAS", "PYARROW", "POLARS", "ARROW")):
        return "loading files, URLs or in-process data (LOAD FROM ...) is not allowed"
    allowed = ", ".join(sorted(EMBEDDED_FUNCTIONS - {"READ_FTABLE"}))
    return f"the table function {fn} is not allowed (allowed: {allowed})"


# The keywords that make LadybugDB's binder open a file or an extension while it plans a query. They are
# refused before the engine plans anything, so that a system without the sandbox's file restrictions
# (docs/decisions/user-cypher.md) never lets the planner touch a file; the decision itself is the plan's.
FILE_KEYWORDS = frozenset({"LOAD", "COPY", "ATTACH", "INSTALL", "UNINSTALL", "IMPORT", "EXPORT"})
_TOKEN = re.compile(
    r"""(?P<skip>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/)"""
    r"|(?P<num>0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<word>[^\W\d]\w*)",
    re.DOTALL,
)


def keywords(query: str) -> Iterable[str]:
    """The bare words of a query, upper-cased, split as Cypher lexers split them: strings, quoted names
    and comments are skipped, and a number ends where letters start (`1LOAD` is `1` then `LOAD`)."""
    for m in _TOKEN.finditer(query):
        if m.lastgroup == "word":
            yield m.group().upper()


def file_keyword(query: str) -> str | None:
    """The first word of `query` that loads files or extensions (see FILE_KEYWORDS), or None."""
    return next((w for w in keywords(query) if w in FILE_KEYWORDS), None)


# --- Neo4j ----------------------------------------------------------------------------------

# Operators of read plans in Neo4j 5 (slotted and pipelined runtimes; names as EXPLAIN reports them,
# with any `@database` suffix removed). Writes, LoadCSV, administration and transaction commands
# (Show*/Terminate*), CALL {...} IN TRANSACTIONS and anything a newer server adds are not listed.
NEO4J_OPERATORS = _words(
    """
    ProduceResults EmptyResult Projection Filter Limit Skip ExhaustiveLimit Top Top1WithTies PartialTop
    Sort PartialSort Distinct OrderedDistinct Aggregation OrderedAggregation EagerAggregation Eager
    AllNodesScan NodeByLabelScan UnionNodeByLabelsScan IntersectionNodeByLabelsScan SubtractionNodeByLabelsScan
    NodeByIdSeek NodeByElementIdSeek
    NodeIndexSeek NodeUniqueIndexSeek NodeIndexSeekByRange NodeUniqueIndexSeekByRange NodeIndexScan
    NodeIndexContainsScan NodeIndexEndsWithScan MultiNodeIndexSeek AssertingMultiNodeIndexSeek
    DirectedRelationshipTypeScan UndirectedRelationshipTypeScan DirectedAllRelationshipsScan
    UndirectedAllRelationshipsScan DirectedRelationshipByIdSeek UndirectedRelationshipByIdSeek
    DirectedRelationshipByElementIdSeek UndirectedRelationshipByElementIdSeek
    DirectedRelationshipIndexSeek UndirectedRelationshipIndexSeek DirectedRelationshipIndexScan
    UndirectedRelationshipIndexScan DirectedRelationshipIndexSeekByRange UndirectedRelationshipIndexSeekByRange
    DirectedRelationshipIndexContainsScan UndirectedRelationshipIndexContainsScan
    DirectedRelationshipIndexEndsWithScan UndirectedRelationshipIndexEndsWithScan
    DirectedUnionRelationshipTypesScan UndirectedUnionRelationshipTypesScan
    Expand(All) Expand(Into) OptionalExpand(All) OptionalExpand(Into) VarLengthExpand(All) VarLengthExpand(Into)
    VarLengthExpand(Pruning) VarLengthExpand(Pruning,BFS) BFSPruningVarExpand BFSPruningVarLengthExpand
    ShortestPath StatefulShortestPath(All) StatefulShortestPath(Into) Repeat(Trail) Repeat(Walk) NullifyMetadata
    Trail Argument ArgumentTracker CartesianProduct Apply SemiApply AntiSemiApply LetSemiApply LetAntiSemiApply
    SelectOrSemiApply SelectOrAntiSemiApply LetSelectOrSemiApply LetSelectOrAntiSemiApply RollUpApply
    ConditionalApply AntiConditionalApply Optional NodeHashJoin ValueHashJoin
    NodeLeftOuterHashJoin NodeRightOuterHashJoin Union OrderedUnion Unwind PartitionedUnwind
    CacheProperties NodeCountFromCountStore RelationshipCountFromCountStore
    ProjectEndpoints AssertSameNode AssertSameRelationship SubqueryForeach TransactionApply
    ProcedureCall ShowIndexes ShowConstraints EmptyRow
    """
)
# Procedures a user may CALL: read-only introspection of the graph's own schema.
NEO4J_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
    }
)
_PROC = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*\(")


def neo4j_plan_problem(plan: dict | None, query_type: str | None) -> str | None:
    """Why Neo4j's EXPLAIN plan (the summary's `plan` dict) shows a query users may not run, or None."""
    if query_type in ("w", "rw"):
        return "this query would change the graph; queries here are read-only"
    if not plan:
        return "the server returned no plan for this query"
    stack = [plan]
    while stack:
        node = stack.pop()
        stack.extend(node.get("children") or [])
        op = str(node.get("operatorType", "")).split("@", 1)[0]
        if op not in NEO4J_OPERATORS:
            return _neo4j_reason(op)
        if op == "TransactionApply":
            return "CALL { ... } IN TRANSACTIONS is not allowed"
        if op == "ProcedureCall":
            details = str((node.get("args") or {}).get("Details", ""))
            m = _PROC.match(details)
            name = m.group(1) if m else details
            if name not in NEO4J_PROCEDURES:
                return f"the procedure {name} is not allowed (allowed: {', '.join(sorted(NEO4J_PROCEDURES))})"
    if query_type not in (None, "r"):
        return "this query would change the graph or the server's schema; queries here are read-only"
    return None


def _neo4j_reason(op: str) -> str:
    if op == "LoadCSV":
        return "LOAD CSV makes the server read a file or URL, which user queries may not do"
    if op.startswith(("Show", "Terminate", "Administration", "Create", "Drop", "Alter", "Grant", "Deny", "Revoke")):
        return f"schema and administration commands ({op}) are not allowed"
    return f"the plan uses {op}, which is not a read operator user queries may use"


# --- parameters -----------------------------------------------------------------------------

MAX_PARAM_DEPTH = 32
MAX_PARAM_ITEMS = 100_000


def check_params(params: dict) -> dict:
    """`params` when it is a map of plain values (text, numbers, booleans, null, lists and maps of those)
    nested at most MAX_PARAM_DEPTH deep and holding at most MAX_PARAM_ITEMS values; else PolicyError."""
    if not isinstance(params, dict):
        raise PolicyError("query parameters must be a map of names to values")
    count = 0
    stack: list[tuple[str, object, int]] = [(str(k), v, 1) for k, v in params.items()]
    for k in params:
        if not isinstance(k, str):
            raise PolicyError(f"parameter names must be text, got {k!r}")
    while stack:
        name, value, depth = stack.pop()
        count += 1
        if count > MAX_PARAM_ITEMS:
            raise PolicyError(f"the parameters hold more than {MAX_PARAM_ITEMS:,} values")
        if depth > MAX_PARAM_DEPTH:
            raise PolicyError(f"parameter {name} is nested more than {MAX_PARAM_DEPTH} levels deep")
        if isinstance(value, list | tuple):
            stack.extend((name, v, depth + 1) for v in value)
        elif isinstance(value, dict):
            stack.extend((name, v, depth + 1) for v in value.values())
        elif value is not None and not isinstance(value, str | int | float | bool):
            raise PolicyError(f"parameter {name} holds a {type(value).__name__}, not a plain value")
    return params


def parse_param_value(text: str) -> object:
    """A parameter value typed by a user: JSON when it parses (numbers, true, lists, maps), else the text.
    Nesting deeper than MAX_PARAM_DEPTH is a PolicyError (never a RecursionError)."""
    import json

    if json_depth(text) > MAX_PARAM_DEPTH:
        raise PolicyError(f"a parameter value is nested more than {MAX_PARAM_DEPTH} levels deep")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return text


def json_depth(text: str) -> int:
    """The bracket depth of JSON text (strings skipped), without parsing it."""
    depth = deepest = 0
    in_str = escaped = False
    for ch in text:
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest
