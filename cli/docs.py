"""docs/cli.md, generated from the app with typer's Markdown docs (what `typer cli.main utils docs` writes).

python -m cli.docs            # regenerate docs/cli.md
python -m cli.docs --check    # exit 1 when docs/cli.md is stale (tests/test_cli.py does the same)
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from typer.cli import get_docs_for_click
from typer.core import MARKUP_MODE_KEY

from cli.main import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
NOTE = (
    "<!-- Generated from the app (cli/) by `python -m cli.docs`; do not edit by hand: a test fails when this "
    "file is stale. -->\n\n"
)


def render() -> str:
    """The command reference as Markdown: every command with its arguments, options and defaults."""
    command = typer.main.get_command(app)
    ctx = typer.Context(command, info_name="craftgraph", obj={MARKUP_MODE_KEY: app.rich_markup_mode})
    body = get_docs_for_click(obj=command, ctx=ctx, name="craftgraph", title="`craftgraph` command reference")
    return NOTE + body.strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        if not DOC.exists() or DOC.read_text() != text:
            print(f"{DOC} is stale: run `python -m cli.docs`", file=sys.stderr)
            return 1
        print(f"{DOC} is up to date")
        return 0
    DOC.write_text(text)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
