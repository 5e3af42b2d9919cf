"""Felten, Raj, Seamans: AI Occupational Exposure (AIOE) and its generative-AI variants → three
Study nodes, RATES Occupation.

Files (`<root>/felten_aioe/`):
- `AIOE_DataAppendix.xlsx`, sheet `Appendix A` (`SOC Code`, `AIOE`): study:felten-2021-aioe, measure `aioe`;
- `Language_Modeling_AIOE_and_AIIE.xlsx`, sheet `LM AIOE`: study:felten-2023-lm-aioe, measure `lm_aioe`;
- `Image_Generation_AIOE_and_AIIE.xlsx`, sheet `IG AIOE`: study:felten-2023-img-aioe, measure `img_aioe`.

Units: standardized indices (mean 0, sd 1 across the 774 occupations rated), not shares. Codes are
6-digit SOC 2010, mapped to O*NET-SOC 2019 through ingest.crosswalks (SOC 2010 → SOC 2018 (BLS) →
O*NET, or through O*NET-SOC 2010 for codes the BLS table lacks, e.g. the broad group 19-1020). An
O*NET occupation that several SOC 2010 codes map to (a merge, e.g. 15-1252 from 15-1132 and 15-1133)
gets their mean; one SOC 2010 code that splits gives each successor the same score.
"""

from __future__ import annotations

from collections import defaultdict

from graph.tables import WHERE, TableBuilder, Tables
from ingest.base import Context, finish
from ingest.checks import TableSpec
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE, FileProblems
from ingest.studies import Resolver, StudyMeta, combine, match_rate, study_node

NAME = "felten"
ORIGIN = "felten-aioe"
DIR = "felten_aioe"
CITE_2021 = (
    "Felten E, Raj M, Seamans R (2021). Occupational, industry, and geographic exposure to artificial "
    "intelligence: A novel dataset and its potential uses. Strategic Management Journal 42(12):2195–2217"
)
UNITS = "standardized index (mean 0, sd 1 across the 774 SOC 2010 occupations rated); relative, not a share"

MEASURES = (
    (
        f"{DIR}/AIOE_DataAppendix.xlsx",
        "Appendix A",
        "AIOE",
        "aioe",
        StudyMeta(
            id="study:felten-2021-aioe",
            name="AI Occupational Exposure (AIOE), Felten, Raj, Seamans",
            year=2021,
            url="https://github.com/AIOE-Data/AIOE",
            citation=CITE_2021,
            units=UNITS + "; 10 AI applications weighted equally",
            code_vintage="SOC 2010",
            source_id="src:pd-felten-2021-aioe",
        ),
    ),
    (
        f"{DIR}/Language_Modeling_AIOE_and_AIIE.xlsx",
        "LM AIOE",
        "Language Modeling AIOE",
        "lm_aioe",
        StudyMeta(
            id="study:felten-2023-lm-aioe",
            name="Language-modelling AIOE, Felten, Raj, Seamans",
            year=2023,
            url="https://ssrn.com/abstract=4375268",
            citation=(
                "Felten E, Raj M, Seamans R (2023). How will Language Modelers like ChatGPT Affect Occupations "
                "and Industries? SSRN 4375268. Data: github.com/AIOE-Data/AIOE"
            ),
            units=UNITS + "; reweighted toward the Language Modeling application",
            code_vintage="SOC 2010",
            source_id="src:pd-felten-2023-lm-aioe",
        ),
    ),
    (
        f"{DIR}/Image_Generation_AIOE_and_AIIE.xlsx",
        "IG AIOE",
        "Image Generation AIOE",
        "img_aioe",
        StudyMeta(
            id="study:felten-2023-img-aioe",
            name="Image-generation AIOE, Felten, Raj, Seamans",
            year=2023,
            url="https://ssrn.com/abstract=4414065",
            citation=(
                "Felten E, Raj M, Seamans R (2023). Occupational Heterogeneity in Exposure to Generative AI. "
                "SSRN 4414065. Data: github.com/AIOE-Data/AIOE"
            ),
            units=UNITS + "; reweighted toward the Generating Images application",
            code_vintage="SOC 2010",
            source_id="src:pd-felten-2023-img-aioe",
        ),
    ),
)


def read(ctx: Context) -> tuple[Tables, dict]:
    entry = new_entry(ORIGIN, "AIOE-Data/AIOE @ adca5fc", "Felten, Raj, Seamans AI Occupational Exposure")
    tb = TableBuilder()
    for rel, sheet, col, measure, meta in MEASURES:
        got = TableSpec(("SOC Code", col), unique=("SOC Code",), sheet=sheet).read(ctx.root / rel, ctx.problems)
        if got is None:
            continue
        record_file(entry, ctx.root, rel, got.rows)
        rate = _measure(ctx, got.frame, got.fp, col, measure, meta, tb, entry)
        study_node(tb, meta, rate, ORIGIN, got.fp.where(1), ctx, entry)
    t = finish(tb)
    t.notes += [f"{ORIGIN}: {x}" for x in entry["notes"]]
    return t, entry


def _measure(
    ctx: Context, df, fp: FileProblems, col: str, measure: str, meta: StudyMeta, tb: TableBuilder, entry: dict
) -> float | None:
    """RATES Occupation edges of one measure (the mean where several SOC 2010 codes land on one
    occupation); returns the share of the file's codes matched."""
    resolver = Resolver(ctx, "SOC 2010")
    scores: dict[str, list[float]] = defaultdict(list)
    wheres: dict[str, str] = {}
    matched, unmatched, merged = 0, [], 0
    for code, val, line in zip(df["SOC Code"], df[col], df[LINE], strict=True):
        line = int(line)
        try:
            v = float(val)
        except ValueError:
            fp.add(line, col, f"expected a number, got {val!r}")
            continue
        targets = resolver.resolve(code, fp, line, "SOC Code")
        if targets is None:
            continue
        if not targets:
            unmatched.append(code)
            continue
        matched += 1
        for t in targets:
            scores[t].append(v)
            wheres.setdefault(t, fp.where(line))
    for t, v in sorted(combine(scores, "mean").items()):
        merged += len(scores[t]) > 1
        tb.edge(
            "RATES",
            meta.id,
            "Study",
            f"onet:{t}",
            "Occupation",
            score=round(v, 6),
            measure=measure,
            **{WHERE: wheres[t]},
        )
    rate = match_rate(matched, len(df))
    entry["match"][measure] = {
        "codes": round(rate, 4) if rate is not None else None,
        "onet_occupations_rated": len(scores),
        "routes": dict(resolver.routes),
    }
    if unmatched:
        entry["notes"].append(f"{measure}: {len(unmatched)} SOC 2010 codes unmatched: {', '.join(unmatched[:20])}")
    if merged:
        entry["notes"].append(f"{measure}: {merged} O*NET occupations get the mean of several SOC 2010 codes")
    return rate
