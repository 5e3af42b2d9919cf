"""A craft brief: the answer to "how exposed is this craft, why, from which tools, by when, under which
scenario, according to which sources", as Markdown or a self-contained HTML page.

Plain functions, no Streamlit: `BriefData` in, text out. The exposure chart is an SVG drawn here (no
plotting library, no network), embedded in the HTML as inline SVG and in the Markdown as a data URI.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass, field, replace

import pandas as pd

from graph.exposure.backtest_report import calibration_line
from graph.provenance import evidence_line, evidence_summary
from graph.safe_text import is_web_url, md_text

SCENARIO_COLOURS = {"slow": "#4c78a8", "expected": "#f58518", "fast": "#e45756"}
OTHER_COLOURS = ("#54a24b", "#b279a2", "#9d755d", "#72b7b2")


@dataclass
class BriefData:
    craft_id: str
    craft_name: str
    year: int
    scenario: str
    series: pd.DataFrame  # year, scenario, median, low, high (every scenario to draw)
    department: str = ""
    description: str = ""
    summary: dict = field(default_factory=dict)  # median, low, high, automation, augmentation, potential
    tasks: pd.DataFrame | None = None  # task, contribution, share, task_exposure
    capabilities: pd.DataFrame | None = None  # name, contribution, share, tools
    tools: pd.DataFrame | None = None  # name, contribution, share
    limitations: pd.DataFrame | None = None  # name, kind, severity_today, held_back
    forecast: pd.DataFrame | None = None  # order, date, date_low, date_high, capability_name, task, mode, tools
    forecast_threshold: float | None = None
    occupations: pd.DataFrame | None = None  # title, soc_code, share
    sources: pd.DataFrame | None = None  # id, title, publisher, date, url, kind, vendor_claim
    scenario_description: str = ""
    build_id: str = ""
    method_version: str = ""
    created: str = ""
    notes: list[str] = field(default_factory=list)
    calibration: str | None = None  # the backtest's calibration line (None: the one in docs/backtest.json)
    banner: str = ""  # a warning above everything (graph.snapshot.catalog_only_banner)


# ------------------------------------------------------------------------------------------ chart


def _colour(scenario: str, i: int) -> str:
    return SCENARIO_COLOURS.get(str(scenario), OTHER_COLOURS[i % len(OTHER_COLOURS)])


def svg_exposure_chart(series: pd.DataFrame, title: str = "", width: int = 640, height: int = 300) -> str:
    """Median exposure by year with the 80% band, one colour per scenario, as standalone SVG text."""
    ml, mr, mt, mb = 52, 110, 28 if title else 12, 36
    pw, ph = width - ml - mr, height - mt - mb
    d = series.dropna(subset=["median"]) if len(series) else series
    esc = html.escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="11" role="img" '
        f'aria-label="{esc(title or "exposure over time")}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    if title:
        out.append(f'<text x="{ml}" y="17" font-size="13" font-weight="bold">{esc(title)}</text>')
    if not len(d):
        out.append(f'<text x="{ml + 10}" y="{mt + ph / 2}">No exposure scores for this craft.</text></svg>')
        return "\n".join(out)
    years = sorted({int(y) for y in d["year"]})
    y0, y1 = years[0], years[-1]
    top = max(0.1, float(pd.concat([d["high"], d["median"]]).max()))
    top = min(1.0, math.ceil(top * 10) / 10)

    def sx(year: float) -> float:
        return ml + (0.5 if y1 == y0 else (year - y0) / (y1 - y0)) * pw

    def sy(v: float) -> float:
        return mt + ph - (max(0.0, min(v, top)) / top) * ph

    # axes and grid
    for k in range(0, 6):
        v = top * k / 5
        y = sy(v)
        out.append(f'<line x1="{ml}" x2="{ml + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{ml - 6}" y="{y + 4:.1f}" text-anchor="end">{100 * v:.0f}%</text>')
    step = 1 if len(years) <= 12 else 2
    for yr in years[::step]:
        x = sx(yr)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{mt + ph}" y2="{mt + ph + 4}" stroke="#666"/>')
        out.append(f'<text x="{x:.1f}" y="{mt + ph + 16}" text-anchor="middle">{yr}</text>')
    out.append(f'<line x1="{ml}" x2="{ml + pw}" y1="{mt + ph}" y2="{mt + ph}" stroke="#666"/>')
    out.append(
        f'<text transform="translate(14,{mt + ph / 2}) rotate(-90)" text-anchor="middle">'
        "exposure (median, 80% band)</text>"
    )
    scenarios = list(dict.fromkeys(d["scenario"]))
    for i, sc in enumerate(scenarios):
        s = d[d["scenario"] == sc].sort_values("year")
        c = _colour(sc, i)
        upper = " ".join(f"{sx(r.year):.1f},{sy(r.high):.1f}" for r in s.itertuples())
        lower = " ".join(f"{sx(r.year):.1f},{sy(r.low):.1f}" for r in reversed(list(s.itertuples())))
        out.append(f'<polygon points="{upper} {lower}" fill="{c}" fill-opacity="0.15" stroke="none"/>')
        line = " ".join(f"{sx(r.year):.1f},{sy(r.median):.1f}" for r in s.itertuples())
        out.append(f'<polyline points="{line}" fill="none" stroke="{c}" stroke-width="2"/>')
        for r in s.itertuples():
            out.append(
                f'<circle cx="{sx(r.year):.1f}" cy="{sy(r.median):.1f}" r="2.5" fill="{c}">'
                f"<title>{esc(str(sc))} {r.year}: {100 * r.median:.1f}% "
                f"({100 * r.low:.1f}–{100 * r.high:.1f}%)</title></circle>"
            )
        ly = mt + 10 + 18 * i
        out.append(f'<line x1="{ml + pw + 12}" x2="{ml + pw + 30}" y1="{ly}" y2="{ly}" stroke="{c}" stroke-width="3"/>')
        out.append(f'<text x="{ml + pw + 34}" y="{ly + 4}">{esc(str(sc))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# ------------------------------------------------------------------------------------------ text


def _pct(v) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(f) else f"{100 * f:.0f}%"


def _pct1(v) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(f) else f"{100 * f:.1f}%"


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, (list, tuple)):
        return "; ".join(map(str, v))
    return str(v)


def _rows(df: pd.DataFrame | None, n: int | None = None) -> pd.DataFrame:
    if df is None or not len(df):
        return pd.DataFrame()
    return df.head(n) if n else df


def headline(b: BriefData) -> str:
    s = b.summary
    if not s or s.get("median") is None or (isinstance(s.get("median"), float) and math.isnan(s["median"])):
        why = s.get("coverage_reason") if s else None
        why = why if isinstance(why, str) and why else "no task of it is linked to an AI capability"
        return f"{b.craft_name} is **not assessed** in this build ({why}): it has no exposure score, not a 0 %."
    parts = [
        f"In {b.year}, under the *{b.scenario}* scenario, an estimated **{_pct(s['median'])}** of "
        f"{b.craft_name} work (importance-weighted tasks) is exposed to AI "
        f"(80% band {_pct(s.get('low'))}–{_pct(s.get('high'))})."
    ]
    if s.get("automation") is not None and s.get("augmentation") is not None:
        parts.append(
            f"Of the mean exposure, {_pct(s['automation'])} points come through automation and "
            f"{_pct(s['augmentation'])} through augmentation."
        )
    tech = s.get("technical_median")
    if isinstance(tech, float) and not math.isnan(tech):
        parts.append(
            f"Without legal and contractual terms (technical reach) it would be {_pct(tech)}; "
            f"{_pct(s['median'])} is the permitted reach, with them."
        )
    cov = s.get("coverage")
    if isinstance(cov, float) and not math.isnan(cov) and cov < 0.999:
        parts.append(
            f"The catalog's capabilities reach {_pct(cov)} of its task weight ({s.get('coverage_status', '')}); "
            "the rest of its work has not been assessed."
        )
    if s.get("potential") is not None and not (isinstance(s["potential"], float) and math.isnan(s["potential"])):
        parts.append(
            f"If every linked capability were fully mature and unconstrained, exposure would be {_pct(s['potential'])}."
        )
    return " ".join(parts)


def _display(df: pd.DataFrame, cols: dict[str, str], fmt: dict | None = None) -> pd.DataFrame:
    """The columns of `cols` that `df` has, formatted as text and renamed to their headings."""
    fmt = fmt or {}
    keys = [c for c in cols if c in df.columns]
    return pd.DataFrame({cols[c]: [fmt[c](v) if c in fmt else _cell(v) for v in df[c]] for c in keys})


def _md_table(df: pd.DataFrame, cols: dict[str, str], fmt: dict | None = None) -> str:
    if not len(df):
        return "_None in this build._\n"
    t = _display(df, cols, fmt)
    t = t.map(md_text)  # catalog text is never markup: HTML, links, pipes and newlines escaped
    return t.to_markdown(index=False, tablefmt="pipe", disable_numparse=True) + "\n"


SECTIONS = (
    ("tasks", "Most exposed tasks", {"task": "task", "task_exposure": "task exposure", "share": "share of the score"}),
    (
        "capabilities",
        "Capabilities behind it",
        {"name": "capability", "share": "share of the score", "damped_maturity": "maturity (damped)", "tools": "tools"},
    ),
    ("tools", "Top tools", {"name": "tool", "share": "share of the score", "capabilities": "capabilities"}),
    (
        "limitations",
        "Limitations holding it back",
        {"name": "limitation", "kind": "kind", "severity_today": "severity today", "held_back": "exposure held back"},
    ),
    (
        "forecast",
        "Forecast path: how exposure arrives",
        {
            "order": "#",
            "date": "date (median)",
            "date_low": "from",
            "date_high": "to",
            "capability_name": "capability",
            "task": "task",
            "mode": "mode",
            "tools": "tools",
        },
    ),
)
FORMATS = {
    "share": _pct,
    "task_exposure": _pct,
    "damped_maturity": _pct,
    "severity_today": lambda v: _cell(f"{float(v):.2f}" if v is not None and v == v else ""),
    "held_back": _pct1,
    "order": lambda v: str(int(v)),
}


def _section_intro(b: BriefData, key: str) -> str:
    if key == "forecast":
        th = f"{100 * b.forecast_threshold:.0f}%" if b.forecast_threshold else "the threshold"
        return (
            f"Each row is one capability → task link, in the order the share of the task the capability "
            f"can do crosses {th} (median date and 80% band of dates, {b.scenario} scenario)."
        )
    if key == "tools":
        return "A capability's contribution is split equally among the tools in the catalog that provide it."
    if key == "limitations":
        return "How many points of exposure each limitation holds back in " + str(b.year) + "."
    return ""


def _md_link(url: str) -> str:
    """An autolink for an http(s) URL; any other text is shown, escaped, never linked."""
    return f"<{url}>" if is_web_url(url) else md_text(url)


def brief_markdown(b: BriefData, embed_chart: bool = True) -> str:
    m = md_text
    out = [f"# {m(b.craft_name)}: AI exposure brief", ""]
    if b.banner:
        out += [f"> **Warning.** {b.banner}", ""]
    meta = [f"craft `{b.craft_id}`"]  # ids match the schema's id patterns: no backtick
    if b.department:
        meta.append(f"department: {m(b.department)}")
    meta += [f"year {b.year}", f"scenario: {m(b.scenario)}"]
    out += [" · ".join(meta), ""]
    if b.description:
        out += [m(b.description), ""]
    out += [headline(replace(b, craft_name=m(b.craft_name), scenario=m(b.scenario))), ""]
    if b.scenario_description:
        out += [f"*Scenario {m(b.scenario)}:* {m(b.scenario_description)}", ""]
    out += ["## Exposure over time", ""]
    svg = svg_exposure_chart(b.series, f"{b.craft_name}: exposure by scenario")
    if embed_chart:
        out += [f"![{m(b.craft_name)}: exposure by year and scenario]({svg_data_uri(svg)})", ""]
    table = b.series.copy()
    if len(table):
        table = table.sort_values(["scenario", "year"])
        out.append(
            _md_table(
                table,
                {"scenario": "scenario", "year": "year", "median": "median", "low": "low", "high": "high"},
                {"median": _pct, "low": _pct, "high": _pct},
            )
        )
    occ = _rows(b.occupations)
    if len(occ):
        out += [
            "## Occupations (O*NET-SOC)",
            "",
            _md_table(occ, {"title": "occupation", "soc_code": "SOC", "share": "share of the craft"}, {"share": _pct}),
        ]
    for key, heading, cols in SECTIONS:
        df = _rows(getattr(b, key), 25 if key == "forecast" else 12)
        out += [f"## {heading}", ""]
        intro = _section_intro(b, key)
        if intro:
            out += [intro, ""]
        out.append(_md_table(df, cols, FORMATS))
    out += ["## Sources", ""]
    src = _rows(b.sources)
    if len(src):
        out += [evidence_line(evidence_summary(src)), ""]  # counts, grade names and valid dates only
        for r in src.itertuples(index=False):
            claim = " (vendor's own claim)" if getattr(r, "vendor_claim", False) is True else ""
            date = f", {m(r.date)}" if _cell(getattr(r, "date", "")) else ""
            out.append(
                f"- [{m(r.id)}] {m(_cell(r.title))}. {m(_cell(r.publisher))}{date}. {_md_link(_cell(r.url))}{claim}"
            )
    else:
        out.append("_No sources cited._")
    out += ["", "## Method", "", _method_note(b), ""]
    return "\n".join(out)


def _method_note(b: BriefData) -> str:
    parts = [
        "Exposure is an importance-weighted mean over the craft's tasks of the share of each task that AI "
        "capabilities can do, given how mature each capability is (a logistic curve fitted through dated "
        "milestones) and damped by the limitations that hold it back; the band is the 10th–90th percentile of "
        "1,000 Monte Carlo draws.",
    ]
    stamp = ", ".join(
        x
        for x in (
            f"method {b.method_version}" if b.method_version else "",
            f"build {b.build_id}" if b.build_id else "",
            f"generated {b.created}" if b.created else "",
        )
        if x
    )
    if stamp:
        parts.append(f"CraftGraph {stamp}.")
    calibration = b.calibration if b.calibration is not None else calibration_line()
    if calibration:
        parts.append(calibration)
    parts += b.notes
    return " ".join(parts)


CSS = """
body{font-family:Helvetica,Arial,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.5em 0} th,td{border:1px solid #ddd;padding:4px 6px;
text-align:left;vertical-align:top} th{background:#f4f4f4} .meta{color:#666} .headline{font-size:1.1em}
ol.sources li{margin-bottom:.3em} .note{color:#555;font-size:.9em}
.banner{background:#fff4e5;border:1px solid #f0b46c;padding:.5em .8em}
"""


def _html_table(df: pd.DataFrame, cols: dict[str, str], fmt: dict | None = None) -> str:
    if not len(df):
        return "<p><em>None in this build.</em></p>"
    return _display(df, cols, fmt).to_html(index=False, escape=True, border=0)


def _md_inline(text: str) -> str:
    """The little Markdown the headline uses (**bold**, *italic*), escaped, as HTML."""
    import re

    t = html.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", t)


def brief_html(b: BriefData) -> str:
    esc = html.escape
    meta = [f"craft <code>{esc(b.craft_id)}</code>"]
    if b.department:
        meta.append(f"department: {esc(b.department)}")
    meta += [f"year {b.year}", f"scenario: {esc(b.scenario)}"]
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(b.craft_name)}: AI exposure brief</title><style>{CSS}</style></head><body>",
        f"<h1>{esc(b.craft_name)}: AI exposure brief</h1>",
        f'<p class="meta">{" · ".join(meta)}</p>',
    ]
    if b.banner:
        out.append(f'<p class="banner"><strong>Warning.</strong> {esc(b.banner)}</p>')
    if b.description:
        out.append(f"<p>{esc(b.description)}</p>")
    out.append(f'<p class="headline">{_md_inline(headline(b))}</p>')
    if b.scenario_description:
        out.append(f'<p class="note"><em>Scenario {esc(b.scenario)}:</em> {esc(b.scenario_description)}</p>')
    out += ["<h2>Exposure over time</h2>", svg_exposure_chart(b.series, f"{b.craft_name}: exposure by scenario")]
    occ = _rows(b.occupations)
    if len(occ):
        out += [
            "<h2>Occupations (O*NET-SOC)</h2>",
            _html_table(
                occ, {"title": "occupation", "soc_code": "SOC", "share": "share of the craft"}, {"share": _pct}
            ),
        ]
    for key, heading, cols in SECTIONS:
        df = _rows(getattr(b, key), 25 if key == "forecast" else 12)
        out.append(f"<h2>{esc(heading)}</h2>")
        intro = _section_intro(b, key)
        if intro:
            out.append(f'<p class="note">{esc(intro)}</p>')
        out.append(_html_table(df, cols, FORMATS))
    out.append("<h2>Sources</h2>")
    src = _rows(b.sources)
    if len(src):
        out.append(f'<p class="note">{esc(evidence_line(evidence_summary(src)))}</p>')
        items = []
        for r in src.itertuples(index=False):
            url = _cell(r.url)
            claim = " <em>(vendor's own claim)</em>" if getattr(r, "vendor_claim", False) is True else ""
            date = f", {esc(_cell(r.date))}" if _cell(getattr(r, "date", "")) else ""
            link = f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>' if is_web_url(url) else esc(url)
            items.append(
                f'<li id="{esc(r.id)}">[{esc(r.id)}] {esc(_cell(r.title))}. {esc(_cell(r.publisher))}{date}. '
                f"{link}{claim}</li>"
            )
        out.append(f'<ol class="sources">{"".join(items)}</ol>')
    else:
        out.append("<p><em>No sources cited.</em></p>")
    out += ["<h2>Method</h2>", f'<p class="note">{esc(_method_note(b))}</p>', "</body></html>"]
    return "\n".join(out)
