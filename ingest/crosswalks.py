"""Occupation code crosswalks: O*NET-SOC 2019 ↔ SOC 2018 ↔ SOC 2010 ↔ ISCO-08, and O*NET-SOC 2010.

Every public source joins on one key, the O*NET-SOC 2019 code of an Occupation node. Files
(under `<root>/crosswalks/`):

- `2019_to_SOC_Crosswalk.csv` (O*NET Resource Center): O*NET-SOC 2019 → SOC 2018, many to one.
- `2010_to_2019_Crosswalk.csv` (O*NET Resource Center): O*NET-SOC 2010 → O*NET-SOC 2019.
- `soc2010_soc2018.csv` (a CSV re-typing of the BLS SOC 2010 → 2018 crosswalk): many to many.
- `isco_soc_crosswalk.xls` (BLS, sheet `2010 SOC to ISCO-08`; an .xlsx copy also works): SOC 2010 → ISCO-08. There is no
  official SOC 2018 → ISCO-08 table, so ISCO codes are reached through SOC 2010.

SOC 2010 (6-digit) → O*NET-SOC 2019, used for studies rated on SOC 2010 (Felten et al.):
first through BLS SOC 2010 → SOC 2018, then every O*NET-SOC 2019 code of those SOC 2018 codes;
when a code is not in the BLS table (e.g. the broad group 19-1020 some studies use), through the
O*NET-SOC 2010 codes that start with it and the O*NET 2010 → 2019 crosswalk.

On Occupation nodes (folded into the O*NET rows by ingest.registry.read_all): soc2018,
soc2010_codes (both routes, sorted) and isco08_codes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from graph.tables import WHERE, Problem, TableBuilder, Tables
from ingest import onet
from ingest.base import Context, finish
from ingest.checks import ONET_SOC, ONET_SOC_RE, SOC, SOC_RE, Pattern, Read, TableSpec
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE

NAME = "crosswalks"
ORIGIN = "crosswalks"
DIR = "crosswalks"
F_2019_SOC = f"{DIR}/2019_to_SOC_Crosswalk.csv"
F_2010_2019 = f"{DIR}/2010_to_2019_Crosswalk.csv"
F_SOC10_18 = f"{DIR}/soc2010_soc2018.csv"
F_ISCO = f"{DIR}/isco_soc_crosswalk.xls"
ISCO_SHEET = "2010 SOC to ISCO-08"
ISCO_RE = re.compile(r"^\d{3,4}$")  # two rows match a 3-digit ISCO minor group (the file says so)
ISCO = Pattern(ISCO_RE, "an ISCO-08 code (4 digits, or 3 for a minor group)")
O19, O10 = "O*NET-SOC 2019 Code", "O*NET-SOC 2010 Code"
SPECS = {
    F_2019_SOC: TableSpec(
        (O19, "O*NET-SOC 2019 Title", "2018 SOC Code"), {O19: ONET_SOC, "2018 SOC Code": SOC}, (O19,)
    ),
    F_2010_2019: TableSpec((O10, O19), {O10: ONET_SOC, O19: ONET_SOC}, (O10, O19)),
    F_SOC10_18: TableSpec(("soc2010", "soc2018"), {"soc2010": SOC, "soc2018": SOC}, ("soc2010", "soc2018")),
    F_ISCO: TableSpec(
        ("2010 SOC Code", "ISCO-08 Code"),
        {"2010 SOC Code": SOC, "ISCO-08 Code": ISCO},
        ("2010 SOC Code", "ISCO-08 Code"),
        sheet=ISCO_SHEET,
    ),
}


@dataclass
class Crosswalks:
    onet_soc2018: dict[str, str] = field(default_factory=dict)  # O*NET-SOC 2019 → SOC 2018
    onet_title: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (title, where)
    onet2010_to_2019: dict[str, list[str]] = field(default_factory=dict)
    soc2010_to_2018: dict[str, list[str]] = field(default_factory=dict)
    soc2010_to_isco: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)

    @cached_property
    def soc2018_to_onet(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for code, soc in sorted(self.onet_soc2018.items()):
            out[soc].append(code)
        return dict(out)

    @property
    def onet2019_codes(self) -> set[str]:
        return set(self.onet_soc2018)

    @property
    def onet2010_codes(self) -> set[str]:
        return set(self.onet2010_to_2019)

    @property
    def soc2010_codes(self) -> set[str]:
        return set(self.soc2010_to_2018) | {c[:7] for c in self.onet2010_to_2019}

    @property
    def soc2018_codes(self) -> set[str]:
        return set(self.onet_soc2018.values()) | {s for v in self.soc2010_to_2018.values() for s in v}

    def soc2010_to_onet(self, soc2010: str) -> tuple[list[str], str | None]:
        """O*NET-SOC 2019 codes for a 6-digit SOC 2010 code, and the route taken
        (`bls` via SOC 2018, `onet` via O*NET-SOC 2010, or None when there is none)."""
        by_soc = self.soc2018_to_onet
        codes = sorted({c for s in self.soc2010_to_2018.get(soc2010, ()) for c in by_soc.get(s, ())})
        if codes:
            return codes, "bls"
        codes = sorted({c for o10, tos in self.onet2010_to_2019.items() if o10.startswith(soc2010 + ".") for c in tos})
        if not codes and soc2010.endswith("0"):  # a broad group code (e.g. 19-1020): its detailed codes
            prefix = soc2010[:6]
            codes = sorted({c for o10, tos in self.onet2010_to_2019.items() if o10.startswith(prefix) for c in tos})
        return (codes, "onet") if codes else ([], None)

    def onet_soc2010(self) -> dict[str, list[str]]:
        """O*NET-SOC 2019 code → SOC 2010 codes (both routes)."""
        out: dict[str, set[str]] = defaultdict(set)
        by18: dict[str, set[str]] = defaultdict(set)
        for s10, s18s in self.soc2010_to_2018.items():
            for s18 in s18s:
                by18[s18].add(s10)
        for code, s18 in self.onet_soc2018.items():
            out[code] |= by18.get(s18, set())
        for o10, tos in self.onet2010_to_2019.items():
            for c in tos:
                out[c].add(o10[:7])
        return {k: sorted(v) for k, v in out.items()}

    def vintage_of(self, code: str) -> str | None:
        """Which vintage(s) a code belongs to, for error messages about wrong-vintage codes."""
        if ONET_SOC_RE.match(code):
            in19, in10 = code in self.onet_soc2018, code in self.onet2010_to_2019
            return "O*NET-SOC 2019" if in19 else ("O*NET-SOC 2010" if in10 else None)
        if SOC_RE.match(code):
            in18, in10 = code in self.soc2018_codes, code in self.soc2010_codes
            if in18 and not in10:
                return "SOC 2018"
            if in10 and not in18:
                return "SOC 2010"
            return "SOC 2010/2018" if in10 else None
        return None


def isco_file(root: Path) -> str:
    """The BLS workbook is .xls; a re-saved .xlsx copy is read the same way."""
    alt = F_ISCO + "x"
    return alt if not (root / F_ISCO).exists() and (root / alt).exists() else F_ISCO


def load(root: Path, problems: list[Problem]) -> Crosswalks:
    cw = Crosswalks()
    got = _read(root, F_2019_SOC, F_2019_SOC, problems, cw)
    if got is not None:  # O*NET-SOC 2019 → SOC 2018, with the occupation's title
        df = got.frame
        for code, title, soc, line in zip(
            df[O19], df["O*NET-SOC 2019 Title"], df["2018 SOC Code"], df[LINE], strict=True
        ):
            cw.onet_soc2018[code] = soc
            cw.onet_title[code] = (title, got.fp.where(int(line)))
    for spec, rel, into in (
        (F_2010_2019, F_2010_2019, cw.onet2010_to_2019),
        (F_SOC10_18, F_SOC10_18, cw.soc2010_to_2018),
        (F_ISCO, isco_file(root), cw.soc2010_to_isco),
    ):
        got = _read(root, spec, rel, problems, cw)
        if got is not None:
            a, b = SPECS[spec].columns
            for x, y in zip(got.frame[a], got.frame[b], strict=True):
                into.setdefault(x, []).append(y)
    return cw


def _read(root: Path, spec: str, rel: str, problems: list[Problem], cw: Crosswalks) -> Read | None:
    """File `rel` read and checked by SPECS[spec]; its row count goes to cw.files."""
    got = SPECS[spec].read(root / rel, problems)
    if got is not None:
        cw.files[rel] = got.rows
    return got


def of(ctx: Context) -> Crosswalks:
    """The crosswalks of this run (read once)."""
    return ctx.cached("crosswalks", lambda: load(ctx.root, ctx.problems))


def read(ctx: Context) -> tuple[Tables, dict]:
    cw = of(ctx)
    entry = new_entry(ORIGIN, "O*NET-SOC 2019 / SOC 2018 / SOC 2010 / ISCO-08", "Occupation code crosswalks")
    for rel, n in cw.files.items():
        record_file(entry, ctx.root, rel, n)
    core = onet.core_of(ctx)
    onet_codes = core.codes if core is not None else cw.onet2019_codes
    soc10 = cw.onet_soc2010()
    tb = TableBuilder()
    with_isco = 0
    for code in sorted(cw.onet2019_codes & onet_codes):
        title, where = cw.onet_title[code]
        s10 = soc10.get(code, [])
        isco = sorted({i for s in s10 for i in cw.soc2010_to_isco.get(s, ())})
        with_isco += bool(isco)
        tb.node(
            "Occupation",
            {
                "id": f"onet:{code}",
                "soc_code": code,
                "title": title,
                "soc2018": cw.onet_soc2018[code],
                "soc2010_codes": s10 or None,
                "isco08_codes": isco or None,
                "origin": ORIGIN,
                WHERE: where,
            },
        )
    n = len(onet_codes) or 1
    entry["match"] = {
        "onet_to_soc2018": round(len(cw.onet2019_codes & onet_codes) / n, 4),
        "onet_to_soc2010": round(sum(1 for c in onet_codes if soc10.get(c)) / n, 4),
        "onet_to_isco08": round(with_isco / n, 4),
    }
    missing = sorted(onet_codes - cw.onet2019_codes)
    extra = sorted(cw.onet2019_codes - onet_codes)
    if missing:
        entry["notes"].append(f"{len(missing)} O*NET occupations are not in {F_2019_SOC}: {', '.join(missing[:20])}")
    if extra:
        entry["notes"].append(
            f"{len(extra)} crosswalk codes are not O*NET occupations of this release: {', '.join(extra[:20])}"
        )
    entry["notes"].append(
        "ISCO-08 reached through SOC 2010 (BLS publishes ISCO-08 ↔ SOC 2010 only); "
        "SOC 2010 ↔ 2018 is a third-party CSV re-typing of the BLS crosswalk"
    )
    entry["totals"] = {
        "onet2019_codes": len(cw.onet_soc2018),
        "soc2018_codes": len(set(cw.onet_soc2018.values())),
        "onet2010_codes": len(cw.onet2010_to_2019),
        "soc2010_codes": len(cw.soc2010_to_2018),
        "isco_pairs": sum(len(v) for v in cw.soc2010_to_isco.values()),
    }
    t = finish(tb)
    t.notes += [f"{ORIGIN}: {x}" for x in entry["notes"]]
    return t, entry
