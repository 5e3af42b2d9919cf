"""How failures reach the user: one place that turns an exception into lines on stderr and an exit code.

Every known failure prints as `command: message` on one line; bad input (InputError) first lists each
problem as `file:row: field: what is wrong`, then the one-line summary. Exit codes (unchanged from the
argparse CLI): 1 for bad input, a failed fetch, a failed Neo4j load or a failed check; 2 for a usage
mistake, a missing snapshot, a refused or failed query, an unknown id, or an optional package that is
not installed (the message names the extra to install). Anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from cli import output
from graph import extras


class CommandError(Exception):
    """A failure the user can act on, raised by a command: printed as `command: message`."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


# What is left after a command that builds found bad input (said after the problems).
INPUT_OUTCOME = {
    "validate": "nothing was built",
    "build": "the previous snapshot is unchanged",
    "explore": "no snapshot was built",
}

# Commands that exit 1, not 2, when Neo4j fails: for them Neo4j is the job, not one way to answer.
NEO4J_JOB = {"load"}


def _listed(items: list, summary: str) -> list[str]:
    return [str(p) for p in items] + [summary]


def _table(command: str) -> list[tuple[type[BaseException], int, Callable[[BaseException], list[str]]]]:
    """(exception type, exit code, lines to print) in the order they are tried."""
    from graph.embedded import QueryError
    from graph.neo4j_store import Neo4jError
    from graph.snapshot import SnapshotError
    from graph.tables import InputError
    from ingest.fetch import FetchError

    def input_lines(e):
        outcome = INPUT_OUTCOME.get(command, "nothing was changed")
        return _listed(e.problems, f"{command}: {len(e.problems)} problem(s) found; {outcome}")

    def fetch_lines(e):
        summary = getattr(e, "summary", None)
        if summary:  # one line per source and a hint (the per-file details are on the exception)
            return [f"{command}: {line}" for line in summary]
        failures = getattr(e, "failures", None)
        if not failures:
            return [f"{command}: {e}"]
        return _listed(
            failures, f"{command}: {len(failures)} file(s) could not be fetched; nothing was cached for them"
        )

    def one_line(e):
        return [f"{command}: {' '.join(str(e).split())}"]

    return [
        (CommandError, 0, one_line),  # the command chose the exit code
        (InputError, 1, input_lines),
        (FetchError, 1, fetch_lines),
        (Neo4jError, 1 if command in NEO4J_JOB else 2, one_line),
        (QueryError, 2, one_line),
        (SnapshotError, 2, one_line),
    ]


def report(command: str, exc: BaseException) -> int | None:
    """Print a known failure for the user and return its exit code; None for anything else (a bug)."""
    missing = extras.missing(exc) if isinstance(exc, ImportError) else None
    if missing:  # an optional part (pyproject extra) that is not installed
        output.error(f"{command}: {missing}")
        return 2
    for kind, code, lines in _table(command):
        if isinstance(exc, kind):
            for text in lines(exc):
                output.error(text)
            return exc.exit_code if isinstance(exc, CommandError) else code
    return None
