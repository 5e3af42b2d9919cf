"""Method constants and the tunable configuration of the exposure engine.

Everything that is an assumption of the method lives here, with a plain-language reason, so that
docs/method.md, the code and a user's sensitivity run all point at the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from graph.schema import MILESTONE_LEVELS

METHOD_VERSION = "exposure-2.3"

YEARS: tuple[int, ...] = tuple(range(2024, 2036))  # 2024..2035 inclusive
# Forecast paths: the exposure thresholds whose crossing dates are reported by default.
DEFAULT_THRESHOLDS: tuple[float, ...] = (0.1, 0.25, 0.5)
# A year Y is evaluated at its middle (1 July): t = Y + YEAR_POINT.
YEAR_POINT = 0.5

# Maturity reached when a capability first reaches each milestone level. Roughly one logit unit
# apart up to commercial; the last two steps are wider (production use 0.70, industry standard 0.995, since
# exposure-2.1): routine use comes much later than a launch. The spacing of the upper levels was chosen by the
# forecast backtest on its early cutoffs (docs/decisions/forecast-calibration.md), not by any exposure study.
LEVEL_MATURITY: dict[str, float] = {
    "research": 0.03,  # shown in a paper or lab demo; cannot be used on a production
    "demo": 0.08,  # public demo or wait-list
    "commercial_beta": 0.18,  # anyone can try it; quality and terms unsettled
    "commercial": 0.35,  # on sale under commercial terms
    "production_used": 0.70,  # used on a released production
    "industry_standard": 0.995,  # the routine way the work is done
}
assert tuple(LEVEL_MATURITY) == MILESTONE_LEVELS
# The adoption levels: a capability whose next level is one of these may stall (MethodConfig.stall_share).
ADOPTION_LEVELS: tuple[str, ...] = ("commercial", "production_used", "industry_standard")


def level_logit(level: str, table: dict[str, float] | None = None) -> float:
    m = (table or LEVEL_MATURITY)[level]
    return float(np.log(m / (1.0 - m)))


@dataclass(frozen=True)
class MethodConfig:
    """Assumptions of the method. Change them to run a sensitivity analysis."""

    level_maturity: dict[str, float] = field(default_factory=lambda: dict(LEVEL_MATURITY))
    # Dating noise of a level's date around the curve (years; the sd of a normal, the scale of a Student t):
    # "first" is arguable, curation lags, and capabilities stall and jump in ways a logistic curve with fixed
    # level spacing does not describe. 1.5 years since exposure-2.3 (2 in 2.2, 1 in 2.1, 0.5 before): with the
    # stall share below taking the long waits, the dates can count for a little more.
    date_noise_years: float = 1.5
    # Tails of the dating noise: None for normal, else the degrees of freedom of a Student t. 2 since
    # exposure-2.1 (normal before): with heavier tails a level that is late against the curve reads as a
    # stall, not as imminent. Both chosen by the forecast backtest on its early cutoffs, among the settings
    # that keep the censoring's meaning (docs/decisions/forecast-calibration.md).
    date_noise_df: float | None = 2.0
    # Sharpness of "not reached yet" (the next level, censored at the as-of date): None uses the dating noise
    # above; a number uses normal noise with that scale (years). Heavy tails on the censoring term make it
    # nearly free for the curve to run past a level the record does not show; normal noise keeps that costly
    # while the observed dates keep their heavy tails. 1 year since exposure-2.2 (None before): it lets the
    # dates' scale grow to 2 years, which the backtest's early cutoffs favour, and a capability without dated
    # evidence still fits below research level (docs/decisions/forecast-calibration.md).
    censoring_noise_years: float | None = 1.0
    # Stall at the adoption levels (a "cure" share): a capability whose next level is commercial, production use
    # or industry standard has stalled with prior probability `stall_share`; a stalled capability's future is
    # delayed by an exponential time of mean `stall_years` from the as-of date (memoryless: how long it has been
    # stalled does not shorten what remains). The posterior stall probability grows as the curve's chance of
    # still being below the next level shrinks, pi / (pi + (1 - pi) P(not yet | curve)): a long wait at a level
    # reads as a stall, not as the next level coming due. The fit itself is unchanged (maturity up to the as-of
    # date is the same); only the forecast after it. 0: no stall (exposure-2.2 and before). 0.75 and 6 years
    # since exposure-2.3, chosen by the forecast backtest on its early cutoffs (docs/decisions/stall-share.md).
    # The backtest's horizons (12 and 24 months) pin the share better than the length, which matters for the
    # later years; and part of what reads as a stall is the catalog recording production use late or not at all.
    stall_share: float = 0.75
    stall_years: float = 6.0
    # Prior on the slope parameter s (years per logit unit of maturity), before pooling.
    prior_log_s_mean: float = 0.0  # s = 1 year per logit unit
    prior_log_s_sd: float = 1.0  # 0.5 before exposure-2.1
    # Prior on t50 (the date maturity reaches 0.5), relative to the as-of date, before pooling.
    prior_t50_offset: float = 2.0
    prior_t50_sd: float = 5.0
    # Pooling (empirical Bayes) of the priors across capabilities with enough milestones.
    pool: bool = True
    pool_min_capabilities: int = 3
    pool_log_s_sd_range: tuple[float, float] = (0.6, 1.2)  # (0.2, 0.8) before exposure-2.1
    pool_t50_sd_min: float = 2.0
    # Tools as evidence: a tool offering the capability since a date shows this level by then.
    tool_evidence: bool = True
    tool_level_by_status: dict[str, str] = field(
        default_factory=lambda: {"active": "commercial_beta", "discontinued": "commercial_beta", "research": "research"}
    )
    # How a capability's limitations combine: "max_within_kind" (default): within a kind (technical, legal,
    # economic) the most severe binds, and the kinds multiply: damping = prod_kind (1 - max_l sev_l).
    # "product": DESIGN.md's prod_l (1 - sev_l) over every limitation (compounds quickly when many apply).
    limitation_combine: str = "max_within_kind"
    # Common (field-wide) pace shock per draw: log-normal sd of the pace multiplier.
    pace_sd: float = 0.25
    # Uncertainty of technical half-lives: log-normal sd of a per-limitation multiplier.
    half_life_sd: float = 0.3
    # Specificity of inherited links: a capability's claim on an O*NET work activity reaches every task that
    # involves the activity, at weight / (activities the task involves). An activity involved in more than
    # this many tasks is described so broadly that the claim covers only some of its instances: its share is
    # further multiplied by sqrt(activity_broad_tasks / tasks involving it). None: no discount.
    # 25 is about the 90th percentile of tasks per DWA in O*NET 30.1 (median 8).
    activity_broad_tasks: int | None = 25
    # Judgement uncertainty: draw curated link weights, severities and the level -> maturity table per draw
    # around their curated values, with a spread set by the curators' confidence (graph/exposure/judgement.py).
    judgement: bool = True
    # Central band reported: 80% (10th to 90th percentile of the draws).
    band: tuple[float, float] = (0.10, 0.90)
    draws: int = 1000
    seed: int = 0
    as_of: float | None = None  # decimal year; None: latest date in the graph (deterministic)
    # Upper clip of w*M' in a task's noisy-OR (avoids log(0) when w = M' = 1).
    max_share: float = 1.0 - 1e-9

    def __post_init__(self) -> None:
        if not 0.0 <= self.stall_share < 1.0:
            raise ValueError(f"stall_share must be in [0, 1), not {self.stall_share}")
        if not self.stall_years > 0.0:
            raise ValueError(f"stall_years must be above 0, not {self.stall_years}")

    def with_(self, **kw) -> MethodConfig:
        return replace(self, **kw)


# The defaults of earlier method versions, kept so the backtest and the sensitivity runs can compare against them.
EXPOSURE_2_2 = dict(stall_share=0.0, date_noise_years=2.0)
EXPOSURE_2_1 = dict(date_noise_years=1.0, censoring_noise_years=None, stall_share=0.0)
EXPOSURE_2_0 = dict(
    stall_share=0.0,
    censoring_noise_years=None,
    level_maturity={**LEVEL_MATURITY, "production_used": 0.60, "industry_standard": 0.90},
    date_noise_years=0.5,
    date_noise_df=None,
    prior_log_s_sd=0.5,
    pool_log_s_sd_range=(0.2, 0.8),
)
