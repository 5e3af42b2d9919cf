"""The `craftgraph` root app: every command, registered explicitly, and the console script's `main()`."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from cli import errors
from cli.commands import contracts, curation, explore, exposure, fetch, neo4j, query, snapshot, sources


class CraftGraphGroup(TyperGroup):
    """Commands listed in the order registered; known failures of any command reported by cli.errors."""

    def list_commands(self, ctx: Any) -> list[str]:  # click's Context (typer keeps its own copy of click)
        return list(self.commands)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as e:
            code = errors.report(ctx.invoked_subcommand or ctx.info_name or "craftgraph", e)
            if code is None:
                raise
            raise typer.Exit(code) from None


app = typer.Typer(
    name="craftgraph",
    cls=CraftGraphGroup,
    help="CraftGraph: a research knowledge graph of AI tools and the entertainment crafts they touch.",
    epilog="Every command has --help. Reference: docs/cli.md.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def command(name: str, function: Callable[..., None]) -> None:
    """Register `function` as `craftgraph NAME`; the first line of its docstring is the one-line help."""
    short = (inspect.getdoc(function) or name).split("\n", 1)[0]
    app.command(name, short_help=short)(function)


# Build and inspect the graph
command("validate", snapshot.validate)
command("build", snapshot.build)
command("stats", snapshot.stats)
command("snapshots", snapshot.snapshots)
command("query", query.query)
command("schema", snapshot.schema)
# Exposure
command("exposure", exposure.exposure)
command("explain", exposure.explain)
command("forecast", exposure.forecast)
command("compare", exposure.compare)
command("maturity", exposure.maturity)
command("bands", exposure.bands)
command("backtest", exposure.backtest)
command("jobs", exposure.jobs)
# Contracts and bargaining
command("brief", contracts.brief)
# Neo4j, the explorer, the cookbook
command("load", neo4j.load)
command("explore", explore.explore)
command("cookbook", query.cookbook)
# Data in and out, curation
command("export", curation.export)
command("fetch", fetch.fetch)
command("catalog-report", curation.catalog_report)
command("changes", curation.changes)
command("suggest-links", curation.suggest_links)
sources_app = typer.Typer(
    name="sources",
    cls=CraftGraphGroup,
    help="Check the catalog's sources (the monthly curation routine, docs/curation.md).",
    no_args_is_help=True,
)
sources_app.command("check", short_help=(sources.check.__doc__ or "").split("\n", 1)[0])(sources.check)
app.add_typer(sources_app, name="sources", short_help="check the catalog's source URLs")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command line (default: sys.argv) and return its exit code (the console script exits with it)."""
    command = typer.main.get_command(app)
    try:
        command.main(args=list(argv) if argv is not None else None, prog_name="craftgraph")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except ValueError as e:
        loaded = sys.modules.get("graph.settings")  # (not imported here for this: start-up stays light)
        if loaded is None or not isinstance(e, loaded.SettingsError):
            raise
        print(f"craftgraph: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
