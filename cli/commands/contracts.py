"""`craftgraph brief`: the bargaining brief of a craft, or the gaps table across all crafts.

The data comes from graph.bargaining (the coverage rule: docs/bargaining-brief.md), the text from
explorer.bargaining (Markdown, printable HTML, JSON).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import options, output
from cli.commands.exposure import Scenario, Year, load_graph
from cli.errors import CommandError
from graph.defaults import BRIEF_JURISDICTION as DEFAULT_JURISDICTION
from graph.defaults import BRIEF_THRESHOLD as DEFAULT_THRESHOLD


class BriefFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"
    csv = "csv"


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--on {value!r}: give a date as YYYY-MM-DD") from None


def brief(
    craft: Annotated[
        str | None, typer.Option("--craft", metavar="ID", show_default=False, help="craft id, e.g. craft:colorist")
    ] = None,
    gaps: Annotated[
        bool, typer.Option("--gaps", help="the gaps table across all crafts instead of one craft's brief")
    ] = False,
    format: Annotated[
        BriefFormat, typer.Option("--format", help="md, html (printable), json; csv for --gaps")
    ] = BriefFormat.md,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", show_default=False, help="clauses in force on this date (default today)"),
    ] = None,
    jurisdiction: Annotated[
        str,
        typer.Option(
            "--jurisdiction", metavar="CODE", help="count instruments of this jurisdiction (US takes in US-CA); all"
        ),
    ] = DEFAULT_JURISDICTION,
    threshold: Annotated[
        float,
        typer.Option("--threshold", metavar="X", help="a path is exposed when its share of the task crosses X by 2036"),
    ] = DEFAULT_THRESHOLD,
    top: Annotated[
        int | None, typer.Option("--top", metavar="N", show_default=False, help="with --gaps: the first N rows")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", show_default=False, help="write to FILE instead of stdout")
    ] = None,
    year: Year = None,
    scenario: Scenario = "expected",
    home: options.Home = None,
) -> None:
    """a craft's bargaining brief: exposed paths covered or not by clauses in force; or --gaps for all crafts

    Each exposed capability -> task path is marked covered, partly covered or not covered by a clause in
    force (rule: docs/bargaining-brief.md); the brief adds the clauses that end before a path matures,
    comparable provisions other unions won and the new roles growing from the craft. `--gaps` lists, across
    all crafts, the exposed paths no clause covers, most jobs first, then earliest date.
    """
    from explorer import bargaining as render
    from graph import bargaining

    if not 0 < threshold <= 1:
        raise CommandError("--threshold: give a share between 0 and 1")
    chosen = options.one_of(craft=craft, gaps=gaps)
    if chosen is None:
        raise CommandError("give --craft ID (one craft's brief) or --gaps (all crafts)")
    g = load_graph(home)
    when = _date(on)
    if gaps:
        result = bargaining.gaps(g, on=when, scenario=scenario, threshold=threshold, where=jurisdiction)
        text = _gaps_text(result, format, top, render)
    else:
        if format == BriefFormat.csv:
            raise CommandError("--format csv is for --gaps; a craft's brief is md, html or json")
        try:
            b = bargaining.craft_brief(
                g, str(craft), on=when, year=year, scenario=scenario, threshold=threshold, where=jurisdiction
            )
        except KeyError as e:
            raise CommandError(f"{e.args[0]} (see `craftgraph query` or the explorer for craft ids)") from None
        text = {"md": render.brief_markdown, "html": render.brief_html, "json": render.brief_json}[format.value](b)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        output.note(f"wrote {out}", style="green")
        return
    output.raw(text)


def _gaps_text(result, format: BriefFormat, top: int | None, render) -> str:
    if format == BriefFormat.md:
        return render.gaps_markdown(result, top)
    if format == BriefFormat.html:
        return render.gaps_html(result, top)
    if format == BriefFormat.json:
        return output.json_text(render.gaps_dict(result, top))
    import io

    rows = result.gaps.head(top) if top else result.gaps
    buf = io.StringIO()
    cols = [*render.GAP_FIELDS, "date", "date_low", "date_high", "status"]
    rows[[c for c in cols if c in rows.columns]].to_csv(buf, index=False)
    return buf.getvalue()
