"""The bargaining brief and the gaps table as Markdown, printable HTML and JSON (graph.bargaining gathers
them). Plain functions, no Streamlit: the CLI (`craftgraph brief`) and the Contracts page both call them.
"""

from __future__ import annotations

import html
import json
import math

import pandas as pd

from explorer.brief import _html_table, _md_table, _pct, _pct1
from graph.bargaining import COVERED, NOT_COVERED, PARTLY, Brief, Gaps
from graph.pipeline import CATALOG_ONLY_NOTICE

RULE_DOC = "docs/bargaining-brief.md"
MAX_LABELS = 3  # clause labels listed in a table cell before "and N more"

PATH_COLS = {
    "capability_name": "capability",
    "task": "task",
    "contribution": "share of exposure",
    "date": "matures (median)",
    "status": "coverage",
    "by": "by (clauses in force)",
    "lapse": "ends before it matures",
}
GAP_COLS = {
    "craft": "craft",
    "jobs": "jobs (US)",
    "capability_name": "capability",
    "task": "task",
    "date": "matures (median)",
    "mode": "mode",
}
CLAUSE_COLS = {
    "label": "instrument and section",
    "name": "clause",
    "requires": "requires",
    "effective": "from",
    "expiry": "until",
    "jurisdiction": "where",
}
EXPIRING_COLS = {"label": "instrument and section", "name": "clause", "expiry": "until", "paths": "paths it covers"}
COMPARABLE_COLS = {
    "label": "instrument and section",
    "name": "clause",
    "requires": "requires",
    "status": "status",
    "match": "matches by",
    "capabilities": "capabilities of this craft it reaches",
}
ROLE_COLS = {
    "name": "role",
    "evidence_date": "evidence dated",
    "evidence": "evidence of hiring",
    "union_status": "union status",
    "locals": "locals",
}


def _jobs(v) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(f) else f"{f:,.0f}"


FMT = {
    "contribution": _pct1,
    "jobs": _jobs,
    "paths": lambda v: "; ".join(v) if isinstance(v, list) else str(v or ""),
    "status": lambda v: {COVERED: "✔ covered", PARTLY: "◐ partly covered", NOT_COVERED: "✘ not covered"}.get(v, v),
}


def _labels(ids: list[str], where: dict[str, tuple[str, str]]) -> str:
    """Clauses grouped by instrument: 'IATSE 2024 Basic Agreement: Art. 1, Art. 2; EU AI Act: Art. 50'."""
    groups: dict[str, list[str]] = {}
    for i in dict.fromkeys(ids):
        inst, section = where.get(i, (i, ""))
        sections = groups.setdefault(inst, [])
        if section and section not in sections:
            sections.append(section)
    parts = [f"{k}: {_few(v)}" if v else k for k, v in groups.items()]
    more = len(parts) - MAX_LABELS
    return "; ".join(parts[:MAX_LABELS]) + (f"; and {more} more" if more > 0 else "")


def _few(items: list[str], n: int = 3) -> str:
    return ", ".join(items[:n]) + (f" (+{len(items) - n} more)" if len(items) > n else "")


def _lapses(ids: list[str], until: dict[str, tuple[str, str]]) -> str:
    """The instruments whose clauses end before the path matures, with their end dates."""
    return "; ".join(dict.fromkeys(f"{until[i][0]} (until {until[i][1]})" for i in ids if i in until))


def _path_rows(b: Brief, rows: pd.DataFrame) -> pd.DataFrame:
    c = b.clauses
    labels = dict(zip(c["clause"], zip(c["instrument_short"], c["section"], strict=True), strict=True))
    out = rows.copy()
    out["by"] = [_labels(c or p, labels) for c, p in zip(out["covered_by"], out["partly_by"], strict=True)]
    until = dict(zip(c["clause"], zip(c["instrument_short"], c["expiry"], strict=True), strict=True))
    out["lapse"] = [_lapses(x, until) for x in out["expires_before"]]
    out["date"] = [d if isinstance(d, str) and d else "not by 2036" for d in out.get("date", [""] * len(out))]
    return out


def path_tables(b: Brief) -> dict[str, pd.DataFrame]:
    p = b.paths
    exposed = _path_rows(b, p[p["exposed"]])
    other = _path_rows(b, p[~p["exposed"]].head(10))
    return {
        "exposed": exposed,
        "gaps": exposed[exposed["status"] == NOT_COVERED].sort_values("t_median", kind="stable"),
        "other": other,
    }


def headline(b: Brief) -> str:
    n = b.counts()
    total = sum(n.values())
    jobs = f"{_jobs(b.jobs)} payroll jobs in the US (OEWS, a floor)" if b.jobs is not None else "no OEWS headcount"
    med = b.exposure.get("median")
    exp = f"exposure {_pct(med)} in {b.year}" if med is not None and med == med else f"no exposure score in {b.year}"
    return (
        f"{b.craft_name}: {jobs}; {exp} ({b.scenario} scenario). {total} capability → task paths reach "
        f"{_pct(b.threshold)} of their task by 2036: **{n[COVERED]} covered, {n[PARTLY]} partly covered, "
        f"{n[NOT_COVERED]} not covered** by a clause in force on {b.on.isoformat()} ({_where(b.jurisdiction)})."
    )


def _where(j: str) -> str:
    return "agreements and laws anywhere" if j == "all" else f"{j} agreements and laws"


RULE = (
    "Covered: a clause in force links the path's task or craft, reaches its capability or one of its AI types, "
    "and requires something binding (consent, compensation, a prohibition, jurisdiction over the work, human "
    "authorship, bargaining, training-data licensing). Partly covered: a clause reaches the path only law-wide "
    "(a statute with no craft named, binding requirement) or only with weaker duties (notice, consultation, "
    "disclosure, labelling, training). Not covered: neither. A clause that only defines terms covers nothing."
)


def _sections(b: Brief) -> list[tuple[str, str, pd.DataFrame, dict]]:
    t = path_tables(b)
    th = _pct(b.threshold)
    return [
        (
            "Exposed paths and their coverage",
            f"Capability → task paths whose share of the task crosses {th} by 2036 (median date), ranked by "
            f"their share of the craft's exposure in {b.year}, then date.",
            t["exposed"],
            PATH_COLS,
        ),
        ("Gaps: exposed paths no clause covers", "Earliest first.", t["gaps"], PATH_COLS),
        (
            "Clauses that end before the path matures",
            "Clauses giving (part of) the coverage whose term ends before the path's median date: the cover "
            "lapses unless the next agreement renews it.",
            b.expiring,
            EXPIRING_COLS,
        ),
        ("Clauses in force cited", "", b.clauses, CLAUSE_COLS),
        (
            "Comparable provisions other unions won",
            "Binding clauses of agreements that do not cover this craft but reach the same capability (first) or "
            "AI type as one of its paths.",
            b.comparable.head(15),
            COMPARABLE_COLS,
        ),
        ("New roles that grow from this craft", "", b.roles, ROLE_COLS),
        (
            "Other paths with the largest shares of exposure",
            f"Not crossing {th} of their task by 2036; shown for context.",
            t["other"],
            PATH_COLS,
        ),
    ]


def _meta(b: Brief) -> list[str]:
    meta = [f"craft {b.craft_id}"]
    if b.department:
        meta.append(f"department: {b.department}")
    meta += [f"clauses in force on {b.on.isoformat()}", f"scenario: {b.scenario}", f"threshold {_pct(b.threshold)}"]
    if b.build_id:
        meta.append(f"build {b.build_id}")
    return meta


def brief_markdown(b: Brief) -> str:
    out = [f"# {b.craft_name}: bargaining brief", "", " · ".join(_meta(b)), ""]
    if b.catalog_only:
        out += [f"> **{CATALOG_ONLY_NOTICE}**", ""]
    out += [headline(b), ""]
    for heading, intro, df, cols in _sections(b):
        out += [f"## {heading}", ""]
        if intro:
            out += [intro, ""]
        out += [_md_table(df, cols, FMT)]
    if b.evidence:  # counts, grade names and valid dates only: no escaping needed
        out += ["## Evidence", "", b.evidence, ""]
    out += ["## How coverage is decided", "", RULE, f"The rule in full: {RULE_DOC}.", ""]
    return "\n".join(out)


CSS = """
body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.85em;margin:.5em 0} th,td{border:1px solid #ccc;padding:3px 5px;
text-align:left;vertical-align:top} th{background:#f4f4f4} .meta{color:#666} .note{color:#555;font-size:.9em}
.banner{border:1px solid #d9a400;background:#fff8e1;padding:.5em} .headline{font-size:1.05em}
@page{size:A4 landscape;margin:12mm}
@media print{body{max-width:none;margin:0;font-size:10pt} h2{break-after:avoid} tr{break-inside:avoid}
a{color:inherit;text-decoration:none}}
"""


def _bold(text: str) -> str:
    t = html.escape(text)
    parts = t.split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))


def brief_html(b: Brief) -> str:
    esc = html.escape
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(b.craft_name)}: bargaining brief</title><style>{CSS}</style></head><body>",
        f"<h1>{esc(b.craft_name)}: bargaining brief</h1>",
        f'<p class="meta">{esc(" · ".join(_meta(b)))}</p>',
    ]
    if b.catalog_only:
        out.append(f'<p class="banner">{esc(CATALOG_ONLY_NOTICE)}</p>')
    out.append(f'<p class="headline">{_bold(headline(b))}</p>')
    for heading, intro, df, cols in _sections(b):
        out.append(f"<h2>{esc(heading)}</h2>")
        if intro:
            out.append(f'<p class="note">{esc(intro)}</p>')
        out.append(_html_table(df, cols, FMT))
    if b.evidence:
        out += ["<h2>Evidence</h2>", f'<p class="note">{esc(b.evidence)}</p>']
    out += [
        "<h2>How coverage is decided</h2>",
        f'<p class="note">{esc(RULE)} The rule in full: {esc(RULE_DOC)}.</p>',
        "</body></html>",
    ]
    return "\n".join(out)


def _plain(v):
    if isinstance(v, float):
        return None if not math.isfinite(v) else v
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "item"):
        return _plain(v.item())
    return v


def _records(df: pd.DataFrame, cols: list[str] | None = None) -> list[dict]:
    d = df[[c for c in cols if c in df.columns]] if cols else df
    return [{k: _plain(v) for k, v in r.items()} for r in d.to_dict("records")]


PATH_FIELDS = [
    "task_id",
    "task",
    "capability",
    "capability_name",
    "mode",
    "weight",
    "contribution",
    "date",
    "date_low",
    "date_high",
    "t_median",
    "exposed",
    "status",
    "covered_by",
    "partly_by",
    "expires_before",
]


def brief_dict(b: Brief) -> dict:
    return {
        "craft_id": b.craft_id,
        "craft": b.craft_name,
        "department": b.department,
        "clauses_in_force_on": b.on.isoformat(),
        "jurisdiction": b.jurisdiction,
        "year": b.year,
        "scenario": b.scenario,
        "threshold": b.threshold,
        "exposure": {k: _plain(v) for k, v in b.exposure.items()},
        "jobs": _plain(b.jobs),
        "catalog_only": b.catalog_only,
        "build_id": b.build_id,
        "counts": b.counts(),
        "paths": _records(b.paths, PATH_FIELDS),
        "clauses": _records(b.clauses),
        "expiring": _records(b.expiring),
        "comparable": _records(b.comparable),
        "roles": _records(b.roles),
        "evidence": b.evidence,
    }


def brief_json(b: Brief) -> str:
    return json.dumps(brief_dict(b), indent=2, ensure_ascii=False)


# ------------------------------------------------------------------------------------------ gaps


def gaps_headline(g: Gaps) -> str:
    n = g.counts()
    total = sum(n.values())
    share = {k: _pct(v / total) if total else "–" for k, v in n.items()}
    crafts = g.paths["craft_id"].nunique()
    return (
        f"{total} exposed capability → task paths in {crafts} crafts (share of the task ≥ {_pct(g.threshold)} by "
        f"2036, {g.scenario} scenario): {n[COVERED]} covered ({share[COVERED]}), {n[PARTLY]} partly covered "
        f"({share[PARTLY]}), **{n[NOT_COVERED]} not covered ({share[NOT_COVERED]})** by a clause in force on "
        f"{g.on.isoformat()} ({_where(g.jurisdiction)}). Gaps below, most jobs first, then earliest date."
    )


def gaps_markdown(g: Gaps, top: int | None = None) -> str:
    out = ["# Gaps: exposed paths no clause in force covers", ""]
    if g.catalog_only:
        out += [f"> **{CATALOG_ONLY_NOTICE}**", ""]
    rows = g.gaps.head(top) if top else g.gaps
    out += [gaps_headline(g), "", _md_table(rows, GAP_COLS, FMT), RULE, f"The rule in full: {RULE_DOC}.", ""]
    return "\n".join(out)


def gaps_html(g: Gaps, top: int | None = None) -> str:
    esc = html.escape
    rows = g.gaps.head(top) if top else g.gaps
    banner = f'<p class="banner">{esc(CATALOG_ONLY_NOTICE)}</p>' if g.catalog_only else ""
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>Gaps: exposed paths no clause covers</title><style>{CSS}</style></head><body>",
            "<h1>Gaps: exposed paths no clause in force covers</h1>",
            banner,
            f'<p class="headline">{_bold(gaps_headline(g))}</p>',
            _html_table(rows, GAP_COLS, FMT),
            f'<p class="note">{esc(RULE)} The rule in full: {esc(RULE_DOC)}.</p>',
            "</body></html>",
        ]
    )


GAP_FIELDS = ["craft_id", "craft", "jobs", "task_id", "task", "capability", "capability_name", "mode", "weight"]


def gaps_dict(g: Gaps, top: int | None = None) -> dict:
    rows = g.gaps.head(top) if top else g.gaps
    return {
        "clauses_in_force_on": g.on.isoformat(),
        "jurisdiction": g.jurisdiction,
        "scenario": g.scenario,
        "threshold": g.threshold,
        "catalog_only": g.catalog_only,
        "counts": g.counts(),
        "gaps": _records(rows, [*GAP_FIELDS, "date", "date_low", "date_high", "t_median"]),
    }
