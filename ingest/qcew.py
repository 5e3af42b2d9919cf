"""BLS QCEW quarterly industry slices for NAICS 512110 (motion picture and video production), 2010 Q1 on
→ QcewRecord nodes per (industry, area, ownership, quarter), with Area nodes for the nation, states,
metro areas and counties.

Files: `<root>/bls_qcew_512110/qcew_<year>_q1-q<n>_naics512110.csv`, one per year (BLS's
`<year>.q1-q4 512110 ... .csv` in `<year>_qtrly_by_industry.zip`, renamed). Two header layouts: the
over-the-year percent columns end in `_pct` up to 2015 (and that header repeats
`oty_taxable_qtrly_wages_chg`) and in `_pct_chg` from 2016; neither is read, so both layouts read alike,
and a file whose header has neither is reported as an unknown layout.

Suppressed cells: disclosure_code `N` (withheld to protect an employer) or `-` (no figures) come with
zeros in the file; such rows become no node (a zero would read as "no jobs") and are counted in the
manifest; QcewRecord.disclosed is true on every node. Area codes: `US000` nation, `SS000` state,
`CXXXX` metro (CBSA = XXXX0), otherwise a county FIPS; other codes (`USCMS`, `USNMS`, `SS999`
unknown-county) are skipped and counted. QCEW counts UI-covered payroll jobs: no self-employed, no
loan-out companies.

The rows of a good file are turned into nodes column by column (`_fast_rows`); a file with a row that
needs a word (a year not the file's, a figure that is not a number) goes row by row (`_row`), which
reports each in order.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import compress
from pathlib import Path

import pandas as pd

from graph.tables import WHERE, Problem, TableBuilder, Tables, edge_columns, node_columns
from ingest.base import Context, restore_ints
from ingest.checks import Pattern, TableSpec, parse_float
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE, FileProblems

NAME = "qcew"
DIR = "bls_qcew_512110"
ORIGIN = "bls-qcew-512110"
SOURCE_IDS = ["src:pd-bls-qcew"]
NAICS_VERSION = "2022"  # 512110 is unchanged from NAICS 2007 through 2022
FILE_RE = re.compile(r"^qcew_(\d{4})_q1-q([1-4])_naics(\d{6})\.csv$")
COLUMNS = (
    "area_fips",
    "own_code",
    "industry_code",
    "year",
    "qtr",
    "disclosure_code",
    "area_title",
    "industry_title",
    "qtrly_estabs_count",
    "month1_emplvl",
    "month2_emplvl",
    "month3_emplvl",
    "total_qtrly_wages",
    "avg_wkly_wage",
)
LAYOUTS = {"oty_month1_emplvl_pct": "2010-2015 (_pct)", "oty_month1_emplvl_pct_chg": "2016 on (_pct_chg)"}
SPEC = TableSpec(
    COLUMNS,
    {
        "own_code": Pattern(re.compile(r"^\d$"), "an ownership code (0-9)"),
        "industry_code": Pattern(re.compile(r"^\d{6}$"), "a 6-digit NAICS code"),
        "year": Pattern(re.compile(r"^\d{4}$"), "a year"),
        "qtr": Pattern(re.compile(r"^[1-4]$"), "a quarter (1-4)"),
        "disclosure_code": Pattern(re.compile(r"^[N-]?$"), "a disclosure code (empty, N or -)"),
    },
    ("area_fips", "own_code", "industry_code", "year", "qtr"),
    optional=tuple(LAYOUTS),
)
INTS = (
    ("qtrly_estabs_count", "establishments"),
    ("month1_emplvl", "month1_employment"),
    ("month2_emplvl", "month2_employment"),
    ("month3_emplvl", "month3_employment"),
)


def area_of(fips: str) -> tuple[str, str] | None:
    """(area id, kind) of a QCEW area code, or None for the codes not kept."""
    if fips == "US000":
        return "area:us", "nation"
    if re.fullmatch(r"\d{2}000", fips):
        return f"area:state-{fips[:2]}", "state"
    if re.fullmatch(r"C\d{4}", fips):
        return f"area:metro-{fips[1:]}0", "metro"
    if re.fullmatch(r"\d{5}", fips) and not fips.endswith("999"):
        return f"area:county-{fips}", "county"
    return None


def industry_row(code: str, title: str) -> dict:
    """A 6-digit NAICS industry; its parent is the 5-digit level with a trailing zero (512110 → 512100)."""
    parent = code[:4].ljust(6, "0") if code[4:] != "00" else None
    return {
        "id": f"naics:{code}",
        "name": title,
        "naics_code": code,
        "naics_version": NAICS_VERSION,
        "parent_code": parent,
        "origin": ORIGIN,
        "source_ids": SOURCE_IDS,
    }


def find_files(root: Path) -> list[str]:
    d = root / DIR
    return sorted(f"{DIR}/{p.name}" for p in d.iterdir() if FILE_RE.match(p.name)) if d.is_dir() else []


def read(ctx: Context) -> tuple[Tables, dict]:
    entry = new_entry(ORIGIN, "", "BLS QCEW quarterly employment and wages, NAICS 512110")
    files = find_files(ctx.root)
    if not files:
        ctx.problems.append(Problem(str(ctx.root / DIR), None, "path", "no qcew_<year>_q1-q<n>_naics<code>.csv found"))
        return Tables(), entry
    counts: Counter[str] = Counter()
    areas: dict[str, dict] = {}
    industries: dict[str, str] = {}
    layouts: dict[str, str] = {}
    out: dict[str, list] = {c: [] for c in COLLECTED}
    for rel in files:
        got = SPEC.read(ctx.root / rel, ctx.problems)
        if got is None:
            continue
        record_file(entry, ctx.root, rel, got.rows)
        layouts[rel] = _layout(got.frame, got.fp)
        year = int(FILE_RE.match(rel.rsplit("/", 1)[1])[1])  # type: ignore[index]
        df = _disclosed(got.frame, counts)
        if not _fast_rows(df, got.fp, year, counts, areas, out):
            for r in _records(df):
                _row(r, got.fp, year, counts, areas, out)
        for code, title in zip(*_firsts(df, "industry_code", "industry_title"), strict=True):
            industries.setdefault(code, title)
    years = sorted({int(FILE_RE.match(f.rsplit("/", 1)[1])[1]) for f in files})  # type: ignore[index]
    entry["version"] = f"{years[0]}-{years[-1]}"
    entry["layouts"] = layouts
    entry["totals"] = dict(sorted(counts.items()))
    entry["notes"] += [
        "rows with disclosure code N or - (figures withheld, zeros in the file) are counted, not kept",
        "QCEW counts UI-covered payroll jobs by industry, not by craft; no self-employed, no loan-outs",
    ]
    t = _tables(out, industries, areas)
    t.notes += [f"{ORIGIN}: {x}" for x in entry["notes"]]
    return t, entry


def _tables(out: dict[str, list], industries: dict[str, str], areas: dict[str, dict]) -> Tables:
    """The QcewRecord rows collected (with their FOR_AREA and FOR_INDUSTRY), the industries and areas."""
    tb = TableBuilder()
    for code, title in sorted(industries.items()):
        tb.node("Industry", industry_row(code, title))
    for row in areas.values():
        tb.node("Area", row)
        if row["kind"] == "county" and f"area:state-{row['code'][:2]}" in areas:
            tb.edge("WITHIN", row["id"], "Area", f"area:state-{row['code'][:2]}", "Area")
    t = tb.tables()
    n = len(out["id"])
    if n:
        const: dict[str, list] = {"disclosed": [True] * n, "origin": [ORIGIN] * n, "source_ids": [SOURCE_IDS] * n}
        node = {c: out[c] for c in (*RECORD, WHERE)} | const
        t.nodes = {"QcewRecord": node_columns("QcewRecord", node, n), **t.nodes}
        src = {"src": out["id"], "src_label": ["QcewRecord"] * n}
        to_area = {**src, "dst": out["area"], "dst_label": ["Area"] * n}
        to_industry = {**src, "dst": out["industry"], "dst_label": ["Industry"] * n}
        t.edges = {
            "FOR_AREA": edge_columns("FOR_AREA", to_area, n),
            "FOR_INDUSTRY": edge_columns("FOR_INDUSTRY", to_industry, n),
            **t.edges,
        }
    restore_ints(t)
    return t


def _layout(df, fp: FileProblems) -> str:
    """Which of the two BLS header layouts the file has (checked on the header the reader kept)."""
    present = [name for col, name in LAYOUTS.items() if (df[col] != "").any()] if len(df) else []
    if len(present) != 1 and len(df):
        fp.add(1, "header", "unknown QCEW layout: expected oty_month1_emplvl_pct (to 2015) or _pct_chg (2016 on)")
        return "unknown"
    return present[0] if present else "empty"


def _disclosed(df: pd.DataFrame, counts: Counter) -> pd.DataFrame:
    """The disclosed rows (the withheld ones only counted)."""
    for code, n in df["disclosure_code"][df["disclosure_code"] != ""].value_counts().items():
        counts[f"rows withheld (disclosure code {code})"] += int(n)
    return df[df["disclosure_code"] == ""]


def _firsts(df: pd.DataFrame, key: str, value: str) -> tuple[list, list]:
    """Each `key` once, with the `value` of its first row, in the order of first appearance."""
    first = df.drop_duplicates(key)
    return first[key].tolist(), first[value].tolist()


# The QcewRecord properties that vary by row, then what the collected columns add: the row's place and
# the ends of its FOR_AREA and FOR_INDUSTRY relationships.
RECORD = (
    *("id", "year", "quarter", "naics_code", "own_code", "establishments", "month1_employment"),
    *("month2_employment", "month3_employment", "employment", "total_wages", "avg_weekly_wage"),
)
COLLECTED = (*RECORD, WHERE, "area", "industry")


def _fast_rows(
    df: pd.DataFrame, fp: FileProblems, year: int, counts: Counter, areas: dict, out: dict[str, list]
) -> bool:
    """What `_row` makes of every row, column by column, added to `out`; False (nothing added) when a
    row needs a problem reported (its year is not the file's, a figure is not a number)."""
    years = [int(v) for v in pd.unique(df["year"].to_numpy(dtype=object))]
    nums = {c: _floats(df[c].tolist()) for c in COLUMNS[8:]}
    if any(y != year for y in years) or any(v is None for v in nums.values()):
        return False
    where = {f: area_of(f) for f in pd.unique(df["area_fips"].to_numpy(dtype=object))}
    kept = [where[f] is not None for f in df["area_fips"]]
    if not all(kept):
        counts["rows skipped (area code not a nation, state, metro or county)"] += kept.count(False)
        df = df[kept]
    for fips, title in zip(*_firsts(df, "area_fips", "area_title"), strict=True):
        aid, kind = where[fips]  # type: ignore[misc]
        areas.setdefault(aid, {"id": aid, "name": title, "kind": kind, "code": fips, "origin": ORIGIN})
    places = [where[f] for f in df["area_fips"]]
    counts.update(f"rows {kind}" for _, kind in places)  # type: ignore[misc]
    aids = [aid for aid, _ in places]  # type: ignore[misc]
    codes, owns, qtrs = df["industry_code"].tolist(), df["own_code"].tolist(), df["qtr"].tolist()
    parts = zip(codes, aids, owns, qtrs, strict=True)
    out["id"] += [f"qcew:{c}.{a.removeprefix('area:')}.own{o}.{year}q{q}" for c, a, o, q in parts]
    out["year"] += [year] * len(df)
    out["quarter"] += [int(q) for q in qtrs]
    out["naics_code"] += codes
    out["own_code"] += owns
    got = {c: list(compress(nums[c], kept)) for c in COLUMNS[8:]}  # type: ignore[arg-type]
    for c, p in INTS:
        out[p] += [None if v is None else int(v) for v in got[c]]
    months = zip(*(got[f"month{i}_emplvl"] for i in (1, 2, 3)), strict=True)
    out["employment"] += [round(sum(m) / 3, 1) if None not in m else None for m in months]
    out["total_wages"] += got["total_qtrly_wages"]
    out["avg_weekly_wage"] += got["avg_wkly_wage"]
    out[WHERE] += [fp.where(line) for line in df[LINE].tolist()]
    out["area"] += aids
    out["industry"] += [f"naics:{c}" for c in codes]
    return True


def _floats(cells: list[str]) -> list[float | None] | None:
    """parse_float of every cell, or None when one is not a number (then _row says which)."""
    try:
        values = [None if c == "" else float(c.replace(",", "")) for c in cells]
    except ValueError:
        return None
    return [None if v != v else v for v in values]  # NaN: no figure, as parse_float


def _records(df: pd.DataFrame) -> list[dict]:
    """The rows as dicts, without pandas' slow to_dict."""
    cols = [*COLUMNS, LINE]
    return [dict(zip(cols, vals, strict=True)) for vals in zip(*(df[c].tolist() for c in cols), strict=True)]


def _row(r: dict, fp: FileProblems, year: int, counts: Counter, areas: dict, out: dict[str, list]) -> None:
    """One row, the careful way: its problems reported, its record added to `out` when it makes one."""
    line = int(r[LINE])
    if int(r["year"]) != year:
        fp.add(line, "year", f"{r['year']} in the file of {year}")
        return
    area = area_of(r["area_fips"])
    if area is None:
        counts["rows skipped (area code not a nation, state, metro or county)"] += 1
        return
    aid, kind = area
    areas.setdefault(aid, {"id": aid, "name": r["area_title"], "kind": kind, "code": r["area_fips"], "origin": ORIGIN})
    row: dict = {
        "id": f"qcew:{r['industry_code']}.{aid.removeprefix('area:')}.own{r['own_code']}.{year}q{r['qtr']}",
        "year": year,
        "quarter": int(r["qtr"]),
        "naics_code": r["industry_code"],
        "own_code": r["own_code"],
        WHERE: fp.where(line),
        "area": aid,
        "industry": f"naics:{r['industry_code']}",
    }
    nums = {c: parse_float(r[c], fp, line, c)[0] for c in COLUMNS[8:]}
    row.update({p: _whole(nums[c]) for c, p in INTS})
    months = [nums[f"month{i}_emplvl"] for i in (1, 2, 3)]
    row["employment"] = round(sum(months) / 3, 1) if None not in months else None  # type: ignore[arg-type]
    row["total_wages"], row["avg_weekly_wage"] = nums["total_qtrly_wages"], nums["avg_wkly_wage"]
    counts[f"rows {kind}"] += 1
    for c in COLLECTED:
        out[c].append(row[c])


def _whole(v: float | None) -> int | None:
    return None if v is None else int(v)
