"""The glossary: every measure, status and study code the explorer shows, in plain words, in one place.

The pages take their metric tooltips (`help`) and table column help from here, the Glossary page lists it
all, and docs/glossary.md is generated from it (`python -m explorer.glossary --write`; a test keeps it in
step). No Streamlit.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from graph.exposure.scenarios import SCENARIOS

NOT_ASSESSED = "not assessed"  # graph.exposure.entities.NOT_ASSESSED (not imported: it loads scipy)
DOC = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"


@dataclass(frozen=True)
class Term:
    key: str  # the code as it appears in the data, a CSV header or the URL (e.g. `gpt4_beta`)
    name: str  # what the pages call it
    text: str  # what it means, in plain words
    group: str


def _t(group: str, rows: list[tuple[str, str, str]]) -> list[Term]:
    return [Term(k, n, t, group) for k, n, t in rows]


EXPOSURE = "Exposure"
COVERAGE = "Coverage: assessed or not"
TIME = "Over time: scenarios, forecasts, uncertainty"
STUDIES = "Published studies (comparison only)"
CATALOG = "The graph: what the catalog records"
JOBS = "Jobs, wages and unions"
BARGAINING = "Contracts and bargaining"
GROUPS = (EXPOSURE, COVERAGE, TIME, STUDIES, CATALOG, JOBS, BARGAINING)

TERMS: list[Term] = [
    *_t(
        EXPOSURE,
        [
            (
                "median",
                "Exposure (median)",
                "The share of a craft's (or occupation's) work, weighted by how important each task is, that AI "
                "capabilities can do or assist in that year, after the limitations that hold them back (legal, "
                "contractual, technical, economic): the permitted reach. The median of 1,000 Monte Carlo draws. "
                "Not a probability of job loss, nor a wage or employment effect.",
            ),
            (
                "band",
                "80% band",
                "The range within which 80% of the draws fall (10th to 90th percentile). It reflects both when "
                "capabilities mature (timing) and how sure the curators are of each link (judgement).",
            ),
            ("low", "Low (10th percentile)", "The lower end of the 80% band."),
            ("high", "High (90th percentile)", "The upper end of the 80% band."),
            ("mean", "Mean", "The average of the draws; the automation and augmentation parts add up to it."),
            (
                "automation",
                "Through automation",
                "Points of the mean exposure that come through links where AI does the task itself.",
            ),
            (
                "augmentation",
                "Through augmentation",
                "Points of the mean exposure that come through links where AI assists a person doing the task.",
            ),
            (
                "potential",
                "At full maturity",
                "The exposure if every linked capability were fully mature and nothing held it back: a ceiling, "
                "not a forecast.",
            ),
            (
                "technical_median",
                "Technical reach",
                "What AI could do without legal and contractual terms (median); the gap to the exposure "
                "(permitted reach) is what contracts and laws hold back.",
            ),
            ("technical_low", "Technical low", "The lower end of the technical reach's 80% band."),
            ("technical_high", "Technical high", "The upper end of the technical reach's 80% band."),
            (
                "permitted_reach",
                "Permitted reach",
                "The exposure with legal and contractual terms applied: what AI is allowed to do. The pages' "
                "headline exposure.",
            ),
            (
                "contribution",
                "Contribution",
                "The part of the score a task, capability or tool accounts for; the rows add up to the mean.",
            ),
            ("held_back", "Held back", "Points of exposure a limitation holds back in that year."),
            (
                "without_limitations",
                "Without limitations",
                "The exposure if no limitation applied (capabilities as mature as they are in that year).",
            ),
            ("task_exposure", "Task exposure", "How much of one task AI can do or assist in that year (0–100%)."),
            (
                "importance_share",
                "Share of the craft's work",
                "A task's importance as a share of all the craft's tasks (the weights behind the exposure).",
            ),
            (
                "share_of_work",
                "Share of work",
                "The share of a craft's work (task importance) that the tasks in question stand for.",
            ),
            (
                "weight",
                "Weight",
                "How much of a task a capability can do at full maturity (0–100%), as the curators judged it.",
            ),
            ("mode", "Mode", "automate (AI does the task) or augment (AI assists a person doing it)."),
            ("rank", "Rank", "Position by median exposure among the assessed entities (1 = most exposed)."),
            (
                "workforce",
                "All crafts (equal weights)",
                "The average exposure of the assessed crafts, each counted once.",
            ),
            ("baseline", "Baseline", "The median exposure in the preset scenario the custom scenario starts from."),
            ("custom", "With your changes", "The median exposure in your custom scenario."),
            ("change", "Change", "With your changes minus the baseline, in percentage points."),
        ],
    ),
    *_t(
        COVERAGE,
        [
            (
                "coverage",
                "Coverage",
                "The share of the task weight that some capability in the catalog reaches. It says how much of "
                "the work the score speaks for.",
            ),
            (
                "coverage_status",
                "Assessed?",
                "assessed (capabilities reach 50% or more of the task weight), partly assessed (less than 50%) or "
                "not assessed (none): a not-assessed entity has no score, which is not a 0%.",
            ),
            ("assessed", "Assessed", "Capabilities in the catalog reach at least half of the task weight."),
            (
                "partly assessed",
                "Partly assessed",
                "Capabilities reach some, but less than half, of the task weight: read the score with care.",
            ),
            (
                "not assessed",
                "Not assessed",
                "No capability in the catalog reaches the tasks: no score (shown as not assessed, never as 0%). "
                "Reached is a proxy for examined: the catalog does not record tasks examined and found out of "
                "reach.",
            ),
            ("coverage_reason", "Why not assessed", "Why the entity has no score, or only part of one."),
            (
                "basis",
                "Basis",
                "What the score rests on: the entity's own tasks, or the crafts classified under an occupation.",
            ),
            ("method_version", "Method", "The version of the exposure method that computed the score."),
        ],
    ),
    *_t(
        TIME,
        [
            *[(name, f"{name.capitalize()} scenario", s.description) for name, s in SCENARIOS.items()],
            (
                "scenario",
                "Scenario",
                "How fast capabilities mature and limitations fade: slow, expected or fast (or your custom one).",
            ),
            (
                "scenario_range",
                "Scenario range",
                "The lowest and highest median exposure across the slow, expected and fast scenarios in the "
                "year shown: how much the answer depends on the pace of AI, beside the band's uncertainty "
                "within one scenario.",
            ),
            ("range_low", "Scenarios: lowest", "The lowest median exposure over the preset scenarios in that year."),
            ("range_high", "Scenarios: highest", "The highest median exposure over the preset scenarios in that year."),
            (
                "default_year",
                "Default year",
                "The pages open on a year where the scenarios differ (2030 by default), not the current year, "
                "when they are still alike.",
            ),
            (
                "maturity",
                "Maturity",
                "How far a capability has come, from research (0%) to industry standard (100%), in that year.",
            ),
            ("damped_maturity", "Maturity after limits", "The maturity after the limitations damp it."),
            (
                "level",
                "Milestone level",
                "research, demo, commercial beta, commercial, production used, industry standard: the dated "
                "steps a capability's maturity curve is fitted to.",
            ),
            (
                "threshold",
                "Threshold",
                "The share of a task a capability must be able to do for the forecast path to count the link as "
                "crossed.",
            ),
            (
                "forecast_path",
                "Forecast path",
                "The order and dates in which a craft's capability → task links cross the threshold (median date "
                "with its 80% band; after 2035 when fewer than half the draws cross by then).",
            ),
            ("p_by_end", "Chance by 2036", "The share of draws in which the link crosses the threshold by 2036."),
            (
                "band_width",
                "Band width",
                "The width of the 80% band in points, with both timing and judgement varied.",
            ),
            (
                "band_width_timing_only",
                "Timing spread",
                "The band's width when only timing varies (when capabilities mature, their pace, how fast "
                "limitations fade) and the curated judgements are held fixed.",
            ),
            (
                "band_width_judgement_only",
                "Judgement spread",
                "The band's width when only the curators' judgements vary (link weights, limitation severities, "
                "the level → maturity table), drawn around the curated value according to their confidence.",
            ),
            ("timing_share", "Timing share", "The share of the band's variance that comes from timing."),
            ("judgement_share", "Judgement share", "The share of the band's variance that comes from judgement."),
            (
                "confidence",
                "Confidence",
                "The curators' confidence in a link (0–1); lower confidence widens the judgement spread.",
            ),
        ],
    ),
    *_t(
        STUDIES,
        [
            (
                "study",
                "Published study",
                "An exposure study CraftGraph compares its scores with. The studies never set a link, weight or "
                "setting in CraftGraph; their scores are shown side by side, in their own units.",
            ),
            (
                "gpt4_alpha",
                "GPTs are GPTs: GPT-4 rating, α",
                "Eloundou et al. (2023), GPT-4's rating: the weighted share of an occupation's tasks where a "
                "language model alone would cut the time they take by at least half (direct exposure, E1). 0–1.",
            ),
            (
                "gpt4_beta",
                "GPTs are GPTs: GPT-4 rating, β",
                "Eloundou et al. (2023), GPT-4's rating: direct exposure (E1) plus half the tasks that need "
                "software built on a language model (E2). The study's headline measure. 0–1.",
            ),
            (
                "gpt4_gamma",
                "GPTs are GPTs: GPT-4 rating, γ",
                "Eloundou et al. (2023), GPT-4's rating: direct exposure (E1) plus all the tasks that need "
                "software built on a language model (E2). 0–1.",
            ),
            ("human_alpha", "GPTs are GPTs: human rating, α", "As gpt4_alpha, rated by the study's human annotators."),
            ("human_beta", "GPTs are GPTs: human rating, β", "As gpt4_beta, rated by the study's human annotators."),
            ("human_gamma", "GPTs are GPTs: human rating, γ", "As gpt4_gamma, rated by the study's human annotators."),
            (
                "aioe",
                "AI Occupational Exposure (Felten et al. 2021)",
                "How strongly an occupation's abilities relate to ten areas of AI progress; a standardized index "
                "(mean 0, standard deviation 1 across occupations), not a share.",
            ),
            (
                "lm_aioe",
                "Language-model AIOE (Felten et al. 2023)",
                "The AIOE index weighted towards language modelling; standardized, not a share.",
            ),
            (
                "img_aioe",
                "Image-generation AIOE (Felten et al. 2023)",
                "The AIOE index weighted towards image generation; standardized, not a share.",
            ),
            (
                "aei_task_share",
                "Anthropic Economic Index: task share",
                "The percent of sampled Claude.ai conversations (Dec 2024 – Jan 2025) that map to the task. A task "
                "absent from the release is below the index's reporting threshold, not zero.",
            ),
            (
                "aei_occ_share",
                "Anthropic Economic Index: occupation share",
                "The percent of sampled Claude.ai conversations that map to the occupation's tasks: usage, "
                "not capability.",
            ),
            ("score", "Study score", "The study's own score for the occupation, in the study's units."),
            (
                "percentile_study",
                "Percentile in the study",
                "Where the occupation ranks among all the occupations the study scores (100% = highest).",
            ),
            ("craftgraph", "CraftGraph", "CraftGraph's median exposure for the occupation (year and scenario shown)."),
            (
                "percentile_craftgraph",
                "Percentile in CraftGraph",
                "Where the occupation ranks among all the occupations CraftGraph scores (100% = highest).",
            ),
            (
                "spearman",
                "Spearman correlation",
                "How alike two rankings are, from −1 (reversed) through 0 (unrelated) to 1 (the same order).",
            ),
        ],
    ),
    *_t(
        CATALOG,
        [
            ("craft", "Craft", "A job as the industry names it (e.g. VFX compositor, boom operator), with its tasks."),
            ("task", "Task", "A piece of a craft's (or an O*NET occupation's) work, with its importance."),
            (
                "capability",
                "Capability",
                "Something AI can do (e.g. rotoscoping, voice cloning), dated by milestones along its maturity.",
            ),
            ("tool", "Tool", "An AI product or model that provides capabilities."),
            (
                "limitation",
                "Limitation",
                "What holds a capability back: legal or contractual (laws, union agreements, consent rules), "
                "technical or economic; each with a severity.",
            ),
            ("vendor_claim", "Vendor claim?", "The fact rests on the vendor's own statement."),
            ("source", "Source", "Where a fact comes from; every fact in the graph carries at least one."),
            ("department", "Department", "The production department a craft belongs to (Camera, Sound, VFX...)."),
            (
                "occupation",
                "Occupation",
                "An O*NET-SOC occupation: the US statistical job classification crafts are classified under.",
            ),
            ("soc_code", "SOC code", "Standard Occupational Classification code (O*NET-SOC 2019)."),
            ("job_zone", "Job zone", "O*NET's 1–5 scale of preparation an occupation needs."),
        ],
    ),
    *_t(
        JOBS,
        [
            ("union_local", "Union local", "A local of a union (e.g. IATSE Local 600) and the crafts it represents."),
            (
                "headcount",
                "Headcount",
                "Payroll jobs from BLS OEWS: a floor, since OEWS leaves out the self-employed.",
            ),
            ("median_wage", "Median wage", "The median annual wage in US dollars (BLS OEWS)."),
            ("employment", "Employment", "Jobs in the occupation (BLS OEWS), across all industries."),
        ],
    ),
    *_t(
        BARGAINING,
        [
            (
                "instrument",
                "Instrument",
                "A collective agreement, side letter, statute, regulation, bill or code of practice with AI terms.",
            ),
            ("clause", "Clause", "One section of an instrument: what it requires, from when to when, what it covers."),
            (
                "exposed_path",
                "Exposed path",
                "A capability → task link whose share of the task crosses the threshold (25% by default) by 2036, "
                "at the engine's median date.",
            ),
            (
                "covered",
                "Covered",
                "A clause in force names the path's task or craft, reaches its capability or AI type and requires "
                "something binding (consent, pay, a prohibition, jurisdiction over the work, bargaining...).",
            ),
            (
                "partly covered",
                "Partly covered",
                "Only a clause with weaker duties (notice, consultation, disclosure) or a law that names no craft "
                "reaches the path.",
            ),
            ("not covered", "Not covered", "No clause in force reaches both the path's work and its technology."),
        ],
    ),
]
BY_KEY: dict[str, Term] = {t.key: t for t in TERMS}


def term(key: str) -> Term | None:
    return BY_KEY.get(key)


def help_text(key: str, default: str = "") -> str:
    """The tooltip for a code (column, measure, status, scenario name), or `default`."""
    t = BY_KEY.get(key)
    return t.text if t else default


def name_of(key: str) -> str:
    t = BY_KEY.get(key)
    return t.name if t else key


def markdown(keys: list[str] | None = None, heading_level: int = 2) -> str:
    """The glossary (or the given terms) as Markdown, by group; the code in backticks beside each name.
    Asterisks are escaped so "O*NET" stays as written."""
    chosen = [BY_KEY[k] for k in keys] if keys else TERMS
    out: list[str] = []
    for group in GROUPS:
        terms = [t for t in chosen if t.group == group]
        if not terms:
            continue
        out += ["", f"{'#' * heading_level} {group}", ""]
        out += [f"- **{t.name}** (`{t.key}`): {t.text.replace('*', chr(92) + '*')}" for t in terms]
    return "\n".join(out).strip() + "\n"


def bullets(keys: list[str]) -> str:
    """The given terms as a Markdown list (for a page's "what these numbers mean")."""
    return "\n".join(f"- **{t.name}**: {t.text.replace('*', chr(92) + '*')}" for k in keys if (t := BY_KEY.get(k)))


def document() -> str:
    return (
        "# Glossary\n\n"
        "Every measure, status and study code the explorer and the exports use. Generated from "
        "`explorer/glossary.py` (`python -m explorer.glossary --write`); the explorer's tooltips and its "
        "Glossary page read the same text.\n\n" + markdown()
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Print or write docs/glossary.md")
    ap.add_argument("--write", action="store_true", help=f"write {DOC}")
    args = ap.parse_args(argv)
    if args.write:
        DOC.write_text(document())
    else:
        sys.stdout.write(document())
    return 0


if __name__ == "__main__":
    sys.exit(main())
