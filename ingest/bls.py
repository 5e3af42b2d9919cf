"""BLS Occupational Employment and Wage Statistics (OEWS), national cross-industry estimates →
employment and wages on Occupation nodes.

File: `<root>/bls_oews/national_M<year>_dl.xlsx` (inside the publisher's `oesm<yy>nat.zip`). The
latest year present is read (its year goes to Occupation.wage_year and the manifest); older years
are listed in the manifest but not used.

Rows with O_GROUP `detailed` are SOC 2018 detailed occupations, except a dozen OEWS aggregates that
stand for several SOC codes (e.g. 13-1020 for 13-1021/13-1022/13-1023, 51-2028 for 51-2022/51-2023).
An aggregate is matched to the SOC 2018 codes of its broad group (same first five digits) that OEWS
does not publish on their own; the pairs go to the manifest.

Attribution (documented choice): an OEWS code's employment is split evenly across every O*NET-SOC
2019 occupation that maps to it (through the O*NET 2019 → SOC 2018 crosswalk, and the aggregate
rule); Occupation.employment_split records the divisor and Occupation.oews_code the code, so
employment × split gives back the OEWS figure. Summing Occupation.employment therefore never counts
a worker twice. Wages (per-worker figures) are copied to each of them, unsplit.

Special values: `*` (wage not available) and `**` (employment not available) → empty; `#` (wage at
or above the top code, $115.00/hour or $239,200/year in 2024–2025) → empty. Occupation.wage_note
says which, and so does the manifest. Occupations paid by the hour only (HOURLY = TRUE: actors,
dancers, musicians and singers, ...) have no annual wage; their hourly wages are set. OEWS leaves
out the self-employed, which matters for freelance-heavy entertainment crafts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from graph.tables import WHERE, Problem, TableBuilder, Tables
from ingest import crosswalks, onet
from ingest.base import Context, finish
from ingest.checks import SOC, TableSpec, parse_float, records
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE, FileProblems, read_rows, read_table

NAME = "bls"
DIR = "bls_oews"
FILE_RE = re.compile(r"^national_M(\d{4})_dl\.xlsx$")
COLS = ["OCC_CODE", "OCC_TITLE", "O_GROUP", "TOT_EMP", "A_MEAN", "A_MEDIAN", "H_MEAN", "H_MEDIAN"]
OPTIONAL = ["NAICS", "ANNUAL", "HOURLY"]
WAGE_SPECIALS = {"*": "not available", "#": "top-coded", "**": "not available"}
DEFAULT_TOPCODE = "$115.00 per hour or $239,200 per year"


def find_files(root: Path) -> list[tuple[int, str]]:
    d = root / DIR
    if not d.is_dir():
        return []
    return sorted((int(m[1]), f"{DIR}/{p.name}") for p in d.iterdir() if (m := FILE_RE.match(p.name)))


WAGES = (
    ("A_MEDIAN", "median_wage"),
    ("A_MEAN", "mean_wage"),
    ("H_MEDIAN", "median_hourly_wage"),
    ("H_MEAN", "mean_hourly_wage"),
)
DETAILED = TableSpec(tuple(COLS), {"OCC_CODE": SOC}, ("OCC_CODE",), optional=tuple(OPTIONAL))


@dataclass
class _Run:
    """One OEWS file being attributed to O*NET occupations."""

    fp: FileProblems
    year: int
    origin: str
    topcode: str
    by_soc: dict[str, list[str]]  # SOC 2018 → O*NET-SOC 2019 codes of this release
    aggregates: dict[str, list[str]]  # OEWS aggregate code → the SOC 2018 codes it stands for
    tb: TableBuilder = field(default_factory=TableBuilder)
    counts: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    attributed: float = 0.0
    matched_emp: float = 0.0
    unmatched: list[str] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # O*NET code → the OEWS code it takes figures from


def read(ctx: Context) -> tuple[Tables, dict]:
    files = find_files(ctx.root)
    if not files:
        ctx.problems.append(
            Problem(str(ctx.root / DIR), None, "path", "no national_M<year>_dl.xlsx found (BLS OEWS national file)")
        )
        return Tables(), new_entry("bls-oews", "", "BLS OEWS (not found)")
    year, rel = files[-1]
    origin = f"bls-oews-{year}"
    entry = new_entry(origin, f"May {year}", f"BLS OEWS national cross-industry estimates, May {year}")
    entry["year"] = year
    if len(files) > 1:
        entry["notes"].append(
            f"latest year used ({year}); also present, not used: {', '.join(r for _, r in files[:-1])}"
        )
    fp = FileProblems(ctx.root / rel, ctx.problems)
    df = read_table(fp, COLS, optional=OPTIONAL)
    if df is None:
        return Tables(), entry
    record_file(entry, ctx.root, rel, len(df))
    if not _national(df, fp):
        return Tables(), entry
    total = df[df["O_GROUP"] == "total"]
    det = DETAILED.check(df[df["O_GROUP"] == "detailed"], fp)

    cw = crosswalks.of(ctx)
    core = onet.core_of(ctx)
    onet_codes = core.codes if core is not None else cw.onet2019_codes
    by_soc = {s: [c for c in cs if c in onet_codes] for s, cs in cw.soc2018_to_onet.items()}
    aggregates = _aggregates(set(det["OCC_CODE"]), set(by_soc), fp, det)
    entry["oews_aggregates"] = dict(sorted(aggregates.items()))
    run = _Run(fp, year, origin, _topcode_text(fp.path) or DEFAULT_TOPCODE, by_soc, aggregates)
    for r in records(det):
        _attribute(run, r)
    _summarise(run, entry, det, total, onet_codes, cw.onet_soc2018)
    t = finish(run.tb)
    t.notes += [f"{origin}: {x}" for x in entry["notes"]]
    return t, entry


def _national(df, fp: FileProblems) -> bool:
    """The national cross-industry file has NAICS 000000 (or no NAICS column) on every row."""
    if (df["NAICS"] != "").any() and (df["NAICS"] != "000000").any():
        bad = df[df["NAICS"] != "000000"].iloc[0]
        fp.add(
            int(bad[LINE]), "NAICS", f"{bad['NAICS']!r}: not the national cross-industry file (NAICS 000000 expected)"
        )
        return False
    return True


def _attribute(run: _Run, r: dict) -> None:
    """One detailed OEWS row → an Occupation row (employment share, wages, note) per O*NET occupation."""
    code, line = r["OCC_CODE"], int(r[LINE])
    targets = sorted({c for s in run.aggregates.get(code, [code]) for c in run.by_soc.get(s, ())})
    emp, emp_flag = parse_float(r["TOT_EMP"], run.fp, line, "TOT_EMP", WAGE_SPECIALS)
    if not targets:
        run.unmatched.append(f"{code} {r['OCC_TITLE']} ({r['TOT_EMP']})")
        return
    vals, notes = _wages(run, r, line)
    if emp_flag:
        run.counts["TOT_EMP not available"] += 1
        notes.append("employment not available (BLS **)")
    share = None if emp is None else emp / len(targets)
    if emp is not None:
        run.matched_emp += emp
    for c in targets:
        if c in run.seen:
            run.fp.add(line, "OCC_CODE", f"O*NET occupation {c} already takes its figures from {run.seen[c]}")
            continue
        run.seen[c] = code
        if share is not None:
            run.attributed += share
        row = {
            "id": f"onet:{c}",
            "soc_code": c,
            "title": r["OCC_TITLE"],
            "employment": None if share is None else round(share, 4),
            "employment_split": len(targets),
            "oews_code": code,
            "wage_year": run.year,
            **vals,
            "wage_note": "; ".join(notes) or None,
            "origin": run.origin,
            WHERE: f"{run.fp.name}:{line}",
        }
        run.tb.node("Occupation", row)


def _wages(run: _Run, r: dict, line: int) -> tuple[dict[str, float | None], list[str]]:
    """The four wage figures of a row, and the notes that say why any is empty."""
    vals: dict[str, float | None] = {}
    flagged: dict[str, list[str]] = defaultdict(list)
    for col, prop in WAGES:
        v, flag = parse_float(r[col], run.fp, line, col, WAGE_SPECIALS)
        vals[prop] = v
        if flag:
            run.counts[f"{col} {flag}"] += 1
            hourly_only = r.get("HOURLY") == "TRUE" and col.startswith("A_")
            annual_only = r.get("ANNUAL") == "TRUE" and col.startswith("H_")
            if flag == "#" or not (hourly_only or annual_only):
                flagged[flag].append(prop.replace("_", " "))
    notes = []
    for flag, props in flagged.items():
        what = "wages" if len(props) == 4 else ", ".join(props)
        if flag == "#":
            notes.append(f"{what} top-coded by BLS (# = at or above {run.topcode})")
        else:
            notes.append(f"{what} not available (BLS *)")
    if r.get("HOURLY") == "TRUE":
        run.counts["hourly only"] += 1
        notes.insert(0, "BLS publishes hourly wages only for this occupation (no annual wage)")
    if r.get("ANNUAL") == "TRUE":
        run.counts["annual only"] += 1
        notes.insert(0, "BLS publishes annual wages only for this occupation (no hourly wage)")
    return vals, notes


def _summarise(run: _Run, entry: dict, det, total, onet_codes: set[str], onet_soc2018: dict[str, str]) -> None:
    """Totals, match rates and notes of the manifest entry."""
    det_emp = sum(v for v in (_num(x) for x in det["TOT_EMP"]) if v is not None)
    no_data = sorted(onet_codes - set(run.seen))
    entry["totals"] = {
        "oews_detailed_rows": len(det),
        "oews_total_employment": _num(total["TOT_EMP"].iloc[0]) if len(total) else None,
        "oews_detailed_employment": det_emp,
        "employment_attributed": round(run.attributed, 2),
        "occupations_with_figures": len(run.seen),
        **dict(sorted(run.counts.items())),
    }
    entry["match"] = {
        "oews_codes_matched": round((len(det) - len(run.unmatched)) / max(len(det), 1), 4),
        "oews_employment_matched": round(run.matched_emp / det_emp, 4) if det_emp else None,
        "onet_occupations_with_figures": round(len(run.seen) / max(len(onet_codes), 1), 4),
    }
    entry["unmatched_oews_codes"] = run.unmatched
    entry["onet_without_oews"] = sorted({onet_soc2018.get(c, c) for c in no_data})
    entry["notes"] += [
        "employment of an OEWS code split evenly across the O*NET-SOC occupations that share it "
        "(Occupation.employment_split, oews_code); totals are never double-counted",
        f"wages: `*` → empty (not available), `#` → empty (top-coded at {run.topcode}); "
        "Occupation.wage_note says which",
        "OEWS excludes the self-employed",
    ]
    if no_data:
        entry["notes"].append(
            f"{len(no_data)} O*NET occupations have no OEWS figures (military 55-*, fishing and hunting 45-3031, ...): "
            f"SOC {', '.join(entry['onet_without_oews'][:12])}"
        )
    if run.unmatched:
        entry["notes"].append(
            f"{len(run.unmatched)} OEWS detailed codes match no O*NET occupation: {'; '.join(run.unmatched[:10])}"
        )


def _num(v: str) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _aggregates(oews: set[str], socs: set[str], fp: FileProblems, det) -> dict[str, list[str]]:
    """OEWS codes that are not SOC 2018 detailed codes → the SOC 2018 codes they stand for."""
    agg = sorted(oews - socs)
    unpublished = sorted(socs - oews)
    out: dict[str, list[str]] = {}
    claimed: dict[str, str] = {}
    line_of = dict(zip(det["OCC_CODE"], det[LINE], strict=True))
    for a in agg:
        members = [s for s in unpublished if s[:6] == a[:6]]
        for s in members:
            if s in claimed:
                fp.add(int(line_of[a]), "OCC_CODE", f"{a} and {claimed[s]} both could stand for SOC {s}")
            claimed[s] = a
        if members:
            out[a] = members
    return out


def _topcode_text(path: Path) -> str | None:
    """The `#` threshold as the workbook's Field Descriptions sheet states it."""
    rows = read_rows(FileProblems(path, []), sheet="Field Descriptions")
    for _, row in rows or ():
        for v in row:
            m = re.search(r"greater than (.+?)\s*$", v.strip()) if v.strip().startswith("#") else None
            if m:
                return m[1]
    return None
