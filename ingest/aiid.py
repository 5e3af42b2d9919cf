"""AI Incident Database (Responsible AI Collaborative) → Incident nodes.

Files: `<root>/aiid/aiid_incidents_<YYYY-MM-DD>.csv` (AIID's own incidents table from a weekly
backup: `incident_id`, `date`, `title`, ...) and/or `aiid_incidents_extract_<date>.csv` (a
third-party reshaped extract: `incident_id`, `incident_date`, `title`, ...). AIID's own export is
preferred (newest first); the extract is read only when no such file is present. CC BY-SA 4.0.

Only incidents a curated mapping names become nodes: `incident_id` in the catalog's
incident_limitations*.csv (ILLUSTRATES edges, with a rationale and sources). Ids `incident:<n>`;
url `https://incidentdatabase.ai/cite/<n>`.
"""

from __future__ import annotations

import re
from pathlib import Path

from graph.schema import DATE_RE
from graph.tables import WHERE, Problem, TableBuilder, Tables
from ingest.base import Context, finish
from ingest.catalog_links import cite, mapping_ids
from ingest.checks import check_unique, records
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE, FileProblems, read_table

NAME = "aiid"
DIR = "aiid"
SOURCE_ID = "src:pd-aiid"
MAPPING = "incident_limitations"
FILE_RE = re.compile(r"^aiid_incidents_(extract_)?(\d{4}-\d{2}-\d{2})\.csv$")
CITE_URL = "https://incidentdatabase.ai/cite/{}"


def find_file(root: Path) -> tuple[str, str, bool] | None:
    """(relative path, snapshot date, is_extract) of the file to read."""
    d = root / DIR
    if not d.is_dir():
        return None
    found = [(m[1] is None, m[2], p.name) for p in d.iterdir() if (m := FILE_RE.match(p.name))]
    if not found:
        return None
    native, date, name = max(found)
    return f"{DIR}/{name}", date, not native


def read(ctx: Context) -> tuple[Tables, dict]:
    root, problems = ctx.root, ctx.problems
    found = find_file(root)
    if found is None:
        problems.append(Problem(str(root / DIR), None, "path", "no aiid_incidents_<date>.csv found"))
        return Tables(), new_entry("aiid", "", "AI Incident Database (not found)")
    rel, date, extract = found
    origin = f"aiid-{date}"
    entry = new_entry(origin, date, "AI Incident Database incidents" + (" (third-party extract)" if extract else ""))
    date_col = "incident_date" if extract else "date"
    fp = FileProblems(root / rel, problems)
    df = read_table(fp, ["incident_id", date_col, "title"])
    if df is None:
        return Tables(), entry
    record_file(entry, root, rel, len(df))
    df = check_unique(df, ["incident_id"], fp)
    by_id = {r["incident_id"]: r for r in records(df)}
    wanted = mapping_ids(ctx.catalog_dir, MAPPING, "incident_id", problems)
    tb = TableBuilder()
    sources = cite(ctx, SOURCE_ID, entry) if wanted else None
    for ident, refs in sorted(wanted.items(), key=lambda kv: kv[0]):
        n = ident.removeprefix("incident:")
        r = by_id.get(n)
        if r is None:
            for f, line in refs:
                problems.append(Problem(f, line, "incident_id", f"{ident!r} is not in {rel}"))
            continue
        d = r[date_col] or None
        if d and not DATE_RE.match(d):
            fp.add(int(r[LINE]), date_col, f"expected YYYY-MM-DD, got {d!r}")
            d = None
        tb.node(
            "Incident",
            {
                "id": f"incident:{n}",
                "title": r["title"],
                "date": d,
                "url": CITE_URL.format(n),
                "source_ids": sources,
                "origin": origin,
                WHERE: fp.where(int(r[LINE])),
            },
        )
    t = finish(tb)
    k = len(t.nodes.get("Incident", []))
    entry["totals"] = {"incidents_in_file": len(df), "incidents_mapped": len(wanted), "incident_nodes": k}
    entry["notes"].append(
        f"only incidents named in the catalog's {MAPPING}*.csv become Incident nodes: {k} of {len(df)}"
    )
    if extract:
        entry["notes"].append("read the third-party extract: AIID's own export was not found")
    t.notes += [f"{origin}: {x}" for x in entry["notes"]]
    return t, entry
