"""Options that several commands share, declared once (as `Annotated` types) with their help text.

A value left out falls back to the settings: the environment variable named in the help, else the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import CommandError
from cli.output import OutputFormat
from graph.cypher_policy import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S

NEO4J_PANEL = "Neo4j connection"

Home = Annotated[
    Path | None,
    typer.Option(
        "--home",
        metavar="DIR",
        show_default=False,
        help="snapshot directory (default: $CRAFTGRAPH_HOME or a per-user data directory)",
    ),
]
Catalog = Annotated[
    Path | None,
    typer.Option("--catalog", metavar="DIR", show_default=False, help="catalog directory (default: data/catalog)"),
]
Sources = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        metavar="DIR",
        show_default=False,
        help="public sources directory, laid out like the `craftgraph fetch` cache",
    ),
]
Quiet = Annotated[bool, typer.Option("-q", "--quiet", help="no progress display")]
Json = Annotated[bool, typer.Option("--json", help="print JSON")]
Format = Annotated[OutputFormat, typer.Option("--format", help="output format")]

# Queries (query, cookbook)
Params = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        metavar="K=V",
        show_default=False,
        help="query parameter (repeatable); the value is read as JSON when it parses, else as text",
    ),
]
Timeout = Annotated[float, typer.Option("--timeout", metavar="S", help="seconds before the query is stopped")]
MaxRows = Annotated[int, typer.Option("--max-rows", metavar="N", help="row cap")]
UseNeo4j = Annotated[
    bool, typer.Option("--neo4j", help="ask the Neo4j server (NEO4J_URI, ...) instead of the snapshot")
]
NoFallback = Annotated[
    bool,
    typer.Option(
        "--no-fallback",
        help="with --neo4j: fail when the server cannot be reached (default: say so and use the embedded store)",
    ),
]
DEFAULT_TIMEOUT = DEFAULT_TIMEOUT_S
DEFAULT_MAX_ROWS = DEFAULT_ROW_CAP

# Neo4j connection (query, cookbook, load)
Uri = Annotated[
    str | None,
    typer.Option(
        "--uri", metavar="URI", show_default=False, rich_help_panel=NEO4J_PANEL, help="Neo4j URI (default: $NEO4J_URI)"
    ),
]
Username = Annotated[
    str | None,
    typer.Option(
        "--username",
        metavar="USER",
        show_default=False,
        rich_help_panel=NEO4J_PANEL,
        help="Neo4j user (default: $NEO4J_USERNAME or neo4j)",
    ),
]
Password = Annotated[
    str | None,
    typer.Option(
        "--password",
        metavar="PASSWORD",
        show_default=False,
        rich_help_panel=NEO4J_PANEL,
        help="Neo4j password (default: $NEO4J_PASSWORD)",
    ),
]
Database = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="NAME",
        show_default=False,
        rich_help_panel=NEO4J_PANEL,
        help="Neo4j database (default: $NEO4J_DATABASE or neo4j)",
    ),
]


@dataclass(frozen=True)
class Neo4jFlags:
    """The connection flags as given (None where left out); graph.neo4j_store fills in the rest."""

    uri: str | None = None
    username: str | None = None
    password: str | None = None
    database: str | None = None


# ------------------------------------------------------------------------------------ defaults


def home(value: Path | None) -> Path:
    from graph import snapshot

    return value or snapshot.default_home()


def catalog(value: Path | None) -> Path:
    """The catalog directory: the one given, else data/catalog here, else the one shipped with CraftGraph."""
    from graph.pipeline import resolve_catalog

    return resolve_catalog(value)


def one_of(**given: object) -> str | None:
    """The name of the one option given among mutually exclusive ones (None if none); an error if more."""
    chosen = [name for name, v in given.items() if v]
    if len(chosen) > 1:
        flags = " and ".join("--" + n.replace("_", "-") for n in chosen)
        raise CommandError(f"{flags} cannot be used together")
    return chosen[0] if chosen else None
