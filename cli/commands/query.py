"""`craftgraph query | cookbook`: read-only Cypher on the embedded snapshot or on Neo4j.

Both commands answer through `answer()`: with `--neo4j` they ask the server and, when it cannot be
reached, say so and answer from the embedded snapshot (unless `--no-fallback`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from cli import options, output
from cli.errors import CommandError
from cli.options import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Neo4jFlags
from graph.cypher_policy import PolicyError, parse_param_value


def parse_params(items: list[str] | None) -> dict:
    """`k=v` pairs; values are read as JSON when they parse (numbers, true, lists), else as text."""
    params = {}
    for item in items or []:
        if "=" not in item:
            raise CommandError(f"--param needs k=v, got {item!r}", exit_code=1)
        k, v = item.split("=", 1)
        try:
            params[k] = parse_param_value(v)  # JSON when it parses; nesting bounded (one-line error)
        except PolicyError as e:
            raise CommandError(f"--param {k}: {e}", exit_code=1) from None
    return params


def answer(
    text: Callable[[str], str],
    params: dict,
    *,
    command: str,
    home: Path | None,
    neo4j: bool,
    no_fallback: bool,
    flags: Neo4jFlags,
    timeout: float,
    max_rows: int,
):
    """Run the query (its text for a store: `text("neo4j")` / `text("embedded")`) and return its Result."""
    if neo4j:
        from graph.neo4j_store import Neo4jUnavailable, connect

        try:
            with connect(flags) as store:
                return store.query(text("neo4j"), params, timeout_s=timeout, row_cap=max_rows)
        except Neo4jUnavailable as e:
            if no_fallback:
                raise
            output.note(f"{command}: {e}; answering from the embedded snapshot instead")
    from graph.store import load

    g = load(options.home(home))
    try:
        return g.run(text("embedded"), params, timeout_s=timeout, row_cap=max_rows)
    finally:
        g.close()


def show(result, fmt: output.OutputFormat, max_rows: int) -> None:
    output.rows(result.columns, result.rows, fmt)
    if result.truncated:
        output.note(f"(stopped at {max_rows} rows; raise --max-rows to see more)")


def query(
    cypher: Annotated[str, typer.Argument(metavar="CYPHER", help="the Cypher text")],
    param: options.Params = None,
    format: options.Format = output.OutputFormat.table,
    timeout: options.Timeout = DEFAULT_TIMEOUT,
    max_rows: options.MaxRows = DEFAULT_MAX_ROWS,
    neo4j: options.UseNeo4j = False,
    no_fallback: options.NoFallback = False,
    home: options.Home = None,
    uri: options.Uri = None,
    username: options.Username = None,
    password: options.Password = None,
    database: options.Database = None,
) -> None:
    """run a read-only Cypher query (embedded store, or Neo4j with --neo4j)

    Write clauses are refused. With --neo4j, when the server cannot be reached the command says so and
    answers from the embedded snapshot, unless --no-fallback.
    """
    result = answer(
        lambda _store: cypher,
        parse_params(param),
        command="query",
        home=home,
        neo4j=neo4j,
        no_fallback=no_fallback,
        flags=Neo4jFlags(uri, username, password, database),
        timeout=timeout,
        max_rows=max_rows,
    )
    show(result, format, max_rows)


def cookbook(
    write: Annotated[bool, typer.Option("--write", help="write docs/cookbook.md")] = False,
    check: Annotated[bool, typer.Option("--check", help="fail if docs/cookbook.md is stale")] = False,
    list_: Annotated[bool, typer.Option("--list", help="list the queries and the question each answers")] = False,
    run: Annotated[
        str | None,
        typer.Option("--run", metavar="NAME", help="run one query (parameters default to its header's examples)"),
    ] = None,
    param: options.Params = None,
    format: options.Format = output.OutputFormat.table,
    timeout: options.Timeout = DEFAULT_TIMEOUT,
    max_rows: options.MaxRows = DEFAULT_MAX_ROWS,
    neo4j: options.UseNeo4j = False,
    no_fallback: options.NoFallback = False,
    home: options.Home = None,
    uri: options.Uri = None,
    username: options.Username = None,
    password: options.Password = None,
    database: options.Database = None,
) -> None:
    """the Cypher cookbook (docs/cookbook.md): list, run, or regenerate it from graph/queries/*.cypher

    The researcher questions in graph/queries/*.cypher. Without options, print docs/cookbook.md as it would
    be generated. --param, --format, --timeout, --max-rows and --neo4j apply to --run.
    """
    from graph import cookbook as book
    from graph import queries

    chosen = options.one_of(write=write, check=check, list=list_, run=run)
    if chosen == "write":
        book.DOC.parent.mkdir(parents=True, exist_ok=True)
        book.DOC.write_text(book.render())
        output.line(f"wrote {book.DOC}")
    elif chosen == "check":
        if not book.check(book.DOC):
            raise CommandError(f"{book.DOC} is stale: run `craftgraph cookbook --write`", exit_code=1)
        output.line(f"{book.DOC} is up to date")
    elif chosen == "list":
        for q in book.ordered(queries.load_all()):
            flag = "  [public data]" if book.needs_public_data(q) else ""
            output.line(f"{q.name:<40} {book.question(q)}{flag}")
    elif run:  # chosen == "run"
        q = _named_query(run, param, neo4j)
        params = {**q.example_params(), **parse_params(param)}
        flags = Neo4jFlags(uri, username, password, database)
        result = answer(
            q.text,
            params,
            command="cookbook",
            home=home,
            neo4j=neo4j,
            no_fallback=no_fallback or "embedded" not in q.stores,  # a Neo4j-only query has nothing to fall back to
            flags=flags,
            timeout=timeout,
            max_rows=max_rows,
        )
        show(result, format, max_rows)
    else:
        output.raw(book.render())


def _named_query(name: str, param: list[str] | None, neo4j: bool):
    """The named query, checked against the parameters and the store asked for."""
    from graph import queries

    try:
        q = queries.get(name)
    except KeyError as e:
        raise CommandError(e.args[0]) from None
    unknown = set(parse_params(param)) - {p.name for p in q.params}
    if unknown:
        raise CommandError(f"{q.name} has no parameter(s) {', '.join(sorted(unknown))}")
    store = "neo4j" if neo4j else "embedded"
    if store not in q.stores:
        raise CommandError(f"{q.name} does not run on the {store} store")
    return q
