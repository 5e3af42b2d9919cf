"""What the published exposure measures share: Study nodes, resolving a study's occupation codes
onto O*NET-SOC 2019 through the crosswalks, match rates, and RATES edges in the study's own units.

The study modules are ingest/eloundou.py, ingest/felten.py and ingest/anthropic_index.py.

Code vintages: a study declares the vintage it rates (`O*NET-SOC 2019`, `O*NET-SOC 2010`,
`SOC 2010`). A code of that vintage is mapped through the crosswalks; a code that belongs to
another vintage only (e.g. 15-1132.00, O*NET-SOC 2010, in a file declared O*NET-SOC 2019) is an
error naming file, row and field; a code that no crosswalk knows is counted as unmatched and listed
in the manifest. When several study codes land on one O*NET-SOC 2019 occupation (a merged code), an
index is averaged and a share is summed; when one code splits into several, an index is copied to
each and a share is divided evenly. Either way the manifest says how many.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TypeVar

from graph.tables import WHERE, TableBuilder
from ingest import crosswalks, onet
from ingest.base import Context
from ingest.catalog_links import cite
from ingest.checks import ONET_SOC_RE, SOC_RE
from ingest.reader import FileProblems

K = TypeVar("K", bound=Hashable)
VINTAGES = ("O*NET-SOC 2019", "O*NET-SOC 2010", "SOC 2010")


@dataclass(frozen=True)
class StudyMeta:
    id: str  # study:<slug>
    name: str
    year: int
    url: str
    citation: str
    units: str
    code_vintage: str
    source_id: str  # src:pd-... in data/catalog/sources.public.csv


def study_node(
    tb: TableBuilder, meta: StudyMeta, match_rate: float | None, origin: str, where: str, ctx: Context, entry: dict
) -> None:
    tb.node(
        "Study",
        {
            "id": meta.id,
            "name": meta.name,
            "year": meta.year,
            "url": meta.url,
            "citation": meta.citation,
            "units": meta.units,
            "code_vintage": meta.code_vintage,
            "match_rate": None if match_rate is None else round(match_rate, 4),
            "source_ids": cite(ctx, meta.source_id, entry),
            "origin": origin,
            WHERE: where,
        },
    )
    entry.setdefault("studies", {})[meta.id] = {
        "name": meta.name,
        "code_vintage": meta.code_vintage,
        "match_rate": None if match_rate is None else round(match_rate, 4),
        "units": meta.units,
    }


class Resolver:
    """Maps one study's occupation codes of a declared vintage onto O*NET-SOC 2019 occupations."""

    def __init__(self, ctx: Context, vintage: str):
        if vintage not in VINTAGES:
            raise ValueError(f"unknown code vintage {vintage!r}")
        self.vintage = vintage
        self.cw = crosswalks.of(ctx)
        core = onet.core_of(ctx)
        self.onet = core.codes if core is not None else set()
        self.routes: dict[str, int] = defaultdict(int)

    def resolve(self, code: str, fp: FileProblems, line: int, field: str) -> list[str] | None:
        """O*NET-SOC 2019 codes for `code`; [] when unmatched; None (and a problem) when the code is
        malformed or of the wrong vintage."""
        cw, v = self.cw, self.vintage
        if v.startswith("O*NET"):
            if not ONET_SOC_RE.match(code):
                fp.add(line, field, f"{code!r} is not an O*NET-SOC code (NN-NNNN.NN); this file is rated on {v}")
                return None
        elif not SOC_RE.match(code):
            hint = " (an O*NET-SOC code: wrong vintage?)" if ONET_SOC_RE.match(code) else ""
            fp.add(line, field, f"{code!r} is not a 6-digit SOC code (NN-NNNN){hint}; this file is rated on {v}")
            return None
        if v == "O*NET-SOC 2019":
            if code in self.onet:
                self.routes["direct"] += 1
                return [code]
            if code in cw.onet2010_to_2019 and code not in cw.onet_soc2018:
                succ = ", ".join(cw.onet2010_to_2019[code])
                fp.add(line, field, f"{code!r} is an O*NET-SOC 2010 code, not {v} (its 2019 successor: {succ})")
                return None
            self.routes["unmatched"] += 1
            return []
        if v == "O*NET-SOC 2010":
            if code in cw.onet2010_to_2019:
                self.routes["o*net 2010→2019"] += 1
                return [c for c in cw.onet2010_to_2019[code] if c in self.onet]
            if code in cw.onet_soc2018:
                fp.add(
                    line,
                    field,
                    f"{code!r} is an O*NET-SOC 2019 code that O*NET-SOC 2010 does not have; this file is rated on {v}",
                )
                return None
            self.routes["unmatched"] += 1
            return []
        # SOC 2010
        codes, route = cw.soc2010_to_onet(code)
        if route:
            self.routes[{"bls": "SOC 2010→2018 (BLS)→O*NET", "onet": "O*NET-SOC 2010→2019"}[route]] += 1
            return [c for c in codes if c in self.onet]
        if cw.vintage_of(code) == "SOC 2018":
            fp.add(line, field, f"{code!r} is a SOC 2018 code that SOC 2010 does not have; this file is rated on {v}")
            return None
        self.routes["unmatched"] += 1
        return []


def combine(values: dict[K, list[float]], how: str) -> dict[K, float]:
    """One score per target: `mean` for indices, `sum` for shares (already divided by the caller)."""
    if how == "mean":
        return {k: sum(v) / len(v) for k, v in values.items()}
    return {k: sum(v) for k, v in values.items()}


def match_rate(matched: int, total: int) -> float | None:
    return matched / total if total else None
