"""Rolling-origin backtest of capability maturity (docs/backtest.md).

At each cutoff C (every six months, 2021-07 .. 2025-07) every capability is refitted, pooling included, with only
the evidence known at C (`known_from`), and the fitted curves predict, for the next 12 and 24 months:
- the probability that each capability reaches each of its next levels (steps 1 and 2 above the highest level
  known at C), and
- the date of each such level (predictive distribution).
The predictions are scored against what the full catalog records (`truth_dates`), against two baselines:
persistence (no new level: p = 0) and the pooled prior alone (the capability's current level, censored at C,
with the pooled prior and none of its dated evidence).

Predictive model of a level date, per Laplace draw of (t50, log s) and a common pace shock psi (as the engine):
the curve reaches logit z at C + (t50 + s z - C) / psi; the date is that plus the dating noise (normal with sd
tau, or Student t with `date_noise_df` degrees of freedom and scale tau), truncated to after C (the level is not
reached by C). Levels are scored one by one (marginally). The fit's censoring term may use a sharper noise
(`censoring_noise_years`); the predictive uses the dating noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.exposure.config import (
    ADOPTION_LEVELS,
    EXPOSURE_2_0,
    EXPOSURE_2_1,
    EXPOSURE_2_2,
    MethodConfig,
    level_logit,
)
from graph.exposure.evidence import as_of_date, display_names, maturity_evidence
from graph.exposure.frames import decimal_year, node_frame
from graph.exposure.maturity import Prior, fit_evidence, fit_one, stall_probability, stream
from graph.exposure.maturity import log_sf as _log_sf
from graph.provenance import known_on
from graph.schema import MILESTONE_LEVELS

CUTOFFS: tuple[float, ...] = tuple(2021.5 + 0.5 * i for i in range(9))  # 2021-07 .. 2025-07 (1 Jan / 1 Jul)
EARLY: tuple[float, ...] = tuple(c for c in CUTOFFS if c <= 2023.5)  # variants are chosen on these
LATE: tuple[float, ...] = tuple(c for c in CUTOFFS if c >= 2024.0)  # and reported on these
HORIZONS: tuple[float, ...] = (1.0, 2.0)
STEPS = (1, 2)  # levels above the highest known at the cutoff that are predicted
BINS = np.array([0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0001])
RANK = {lv: i for i, lv in enumerate(MILESTONE_LEVELS)}
PREDICTION_COLUMNS = (
    "cutoff", "horizon", "capability", "domain", "level", "step", "p", "p_prior", "outcome", "date",
    "pit", "crps", "pit_prior", "crps_prior",
)  # fmt: skip


def cutoff_label(c: float) -> str:
    y = int(np.floor(c))
    return f"{y}-{1 if c - y < 0.25 else 7:02d}"


# ------------------------------------------------------------------------------------------ evidence as known


@dataclass
class Evidence:
    caps: list[str]
    cap_names: dict[str, str]
    domains: dict[str, str]
    evidence: pd.DataFrame  # maturity evidence + known_from (decimal year)
    data_end: float  # the catalog's as-of date: outcomes are observed up to here


def _period_end(value: object) -> float:
    """The end of the period a partial date names (a year-only date is known only once the year is over)."""
    dy = decimal_year(value)
    if dy is None:
        return float("nan")
    return dy[0] + (float(np.sqrt(12.0 * dy[1])) / 2.0 if dy[1] > 0 else 0.5 / 365.25)


def known_from(evidence: pd.DataFrame, source_dates: dict[str, object]) -> np.ndarray:
    """When each evidence row became knowable, by the catalog's one rule (graph.provenance.known_on): the end
    of its event's date period, or later when every one of its sources has a publication date
    (`source_dates`: id -> ISO date) and the earliest is after that. Sources without a publication date do not
    delay it (most are the event's own announcement or paper)."""
    out = np.empty(len(evidence))
    for i, (date, srcs) in enumerate(zip(evidence["date"], evidence["source_ids"], strict=True)):
        out[i] = _period_end(known_on(date, [source_dates.get(s) for s in srcs], key=_period_end))
    return out


def catalog_evidence(nodes: dict, edges: dict, config: MethodConfig | None = None) -> Evidence:
    config = config or MethodConfig()
    caps_df = node_frame(nodes, "Capability", ("name", "domain"))
    caps = list(caps_df["id"])
    cap_idx = {c: i for i, c in enumerate(caps)}
    names, cap_names, _ = display_names(nodes)
    notes: list[str] = []
    ev, _tools = maturity_evidence(nodes, edges, cap_idx, names, config, notes)
    src = node_frame(nodes, "Source", ("date",))
    ev["known_from"] = known_from(ev, dict(zip(src["id"], src["date"], strict=True)))
    domains = {
        c: (str(d) if isinstance(d, str) and d else "other") for c, d in zip(caps, caps_df["domain"], strict=True)
    }
    data_end = as_of_date(nodes, ev, config.with_(as_of=None), notes)
    return Evidence(caps, cap_names, domains, ev, data_end)


def known_at(evidence: pd.DataFrame, cutoff: float) -> pd.DataFrame:
    """The evidence rows known at the cutoff (the cutoff rule; tested)."""
    return evidence[evidence["known_from"] <= cutoff].reset_index(drop=True)


def truth_dates(evidence: pd.DataFrame, n_caps: int) -> np.ndarray:
    """(n_caps, n_levels): the date each level was first reached (earliest evidence at or above it), NaN never."""
    out = np.full((n_caps, len(MILESTONE_LEVELS)), np.nan)
    ranks = evidence["level"].map(RANK).to_numpy()
    for c, t, r in zip(evidence["cap"].to_numpy(), evidence["t"].to_numpy(dtype=float), ranks, strict=True):
        for k in range(r + 1):
            if not t >= out[c, k]:  # NaN or later
                out[c, k] = t
    return out


# ------------------------------------------------------------------------------------------------ predictions


def _level_cdf(
    mu: np.ndarray, tau: float, cutoff: float, y: np.ndarray, df: float | None = None, w: np.ndarray | None = None
) -> np.ndarray:
    """P(d <= y | d > cutoff) averaged over draws (weights w summing to 1, or equal); mu (n_draws,), y (n_y,) ->
    (n_y,). Stable in the tails."""
    a = (cutoff - mu) / tau
    b = (y[:, None] - mu[None, :]) / tau
    log_sf_a = _log_sf(a, df)
    log_sf_b = _log_sf(b, df)
    cdf = -np.expm1(np.minimum(log_sf_b - log_sf_a[None, :], 0.0))
    cdf = np.where(y[:, None] > cutoff, cdf, 0.0)
    return cdf.mean(axis=1) if w is None else cdf @ w


def _date_scores(
    mu: np.ndarray,
    tau: float,
    cutoff: float,
    window: float,
    y: float,
    df: float | None = None,
    w: np.ndarray | None = None,
) -> tuple[float, float]:
    """(PIT, CRPS) of the level date y given it fell in (cutoff, window]."""
    grid = np.linspace(cutoff, window, 241)[1:]
    F = _level_cdf(mu, tau, cutoff, np.append(grid, [y, window]), df, w)
    fw = max(F[-1], 1e-300)
    G = F[:-2] / fw
    pit = float(np.clip(F[-2] / fw, 0.0, 1.0))
    dx = (window - cutoff) / 240
    crps = float(np.sum((G - (grid >= y)) ** 2) * dx)
    return pit, crps


@dataclass
class CutoffFit:
    cutoff: float
    prior: Prior
    mean: np.ndarray
    cov: np.ndarray
    highest: np.ndarray  # rank of the highest level known per capability (-1: none)


def fit_at(ev: Evidence, cutoff: float, config: MethodConfig) -> CutoffFit:
    sub = known_at(ev.evidence, cutoff)
    fit = fit_evidence(ev.caps, ev.cap_names, sub, cutoff, config)
    highest = np.full(len(ev.caps), -1)
    for c, r in zip(sub["cap"], sub["level"].map(RANK), strict=True):
        highest[c] = max(highest[c], r)
    return CutoffFit(cutoff, fit.prior, fit.mean, fit.cov, highest)


def _prior_only(cf: CutoffFit, c: int, config: MethodConfig) -> tuple[np.ndarray, np.ndarray]:
    """The pooled-prior baseline: the current level censored at the cutoff, none of the dated evidence."""
    nxt = MILESTONE_LEVELS[cf.highest[c] + 1]
    theta, cov, _, _ = fit_one([], nxt, cf.cutoff, cf.prior, config)
    return theta, cov


def _mus(
    theta: np.ndarray, cov: np.ndarray, key: str, cutoff: float, z: float, psi: np.ndarray, seed: int
) -> np.ndarray:
    """Per Laplace draw of (t50, log s): the date the curve reaches logit z after the cutoff, with pace shock psi."""
    return _mus_and_draws(theta, cov, key, cutoff, z, psi, seed)[0]


def _mus_and_draws(
    theta: np.ndarray, cov: np.ndarray, key: str, cutoff: float, z: float, psi: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """_mus and the Laplace draws (2, n_draws) of (t50, log s) it used."""
    xi = stream(seed, key).standard_normal((2, len(psi)))
    th = theta[:, None] + np.linalg.cholesky(cov) @ xi
    return cutoff + (th[0] + np.exp(th[1]) * z - cutoff) / psi, th


def _with_stall(
    mu: np.ndarray, th: np.ndarray, nxt: str, key: str, cutoff: float, config: MethodConfig
) -> tuple[np.ndarray, np.ndarray | None]:
    """The predictive's draws with the stall (MethodConfig.stall_share) as a mixture: each draw unstalled with
    weight 1 - q and delayed by an exponential stall with weight q, q its posterior stall probability (the same
    model as the engine's stall_delays, without the sampling noise of drawing who stalls). (mu, None) when the
    capability's next level is not an adoption level or the method has no stall."""
    if not config.stall_share or nxt not in ADOPTION_LEVELS:
        return mu, None
    z_next = level_logit(nxt, config.level_maturity)
    q = stall_probability(th[0], np.exp(th[1]), z_next, cutoff, config)
    delay = config.stall_years * stream(config.seed, key + "|stall").standard_exponential(len(mu))
    return np.concatenate([mu, mu + delay]), np.concatenate([1.0 - q, q]) / len(mu)


def predict_cutoff(ev: Evidence, cf: CutoffFit, truth: np.ndarray, config: MethodConfig, draws: int) -> list[dict]:
    """One row per (capability, level step, horizon) whose outcome the catalog can tell (cutoff + h <= data end)."""
    cutoff, tau, df = cf.cutoff, config.date_noise_years, config.date_noise_df
    psi = np.exp(config.pace_sd * stream(config.seed, f"backtest-pace|{cutoff}").standard_normal(draws))
    rows = []
    for c, cap in enumerate(ev.caps):
        h0 = cf.highest[c]
        if h0 < 0 or h0 + 1 >= len(MILESTONE_LEVELS):
            continue  # not yet known at the cutoff (listed with hindsight), or already at the top level
        base = _prior_only(cf, c, config)
        for step in STEPS:
            r = h0 + step
            if r >= len(MILESTONE_LEVELS):
                break
            lv = MILESTONE_LEVELS[r]
            z = level_logit(lv, config.level_maturity)
            key = f"backtest|{cutoff}|{cap}|{lv}"
            mu, th = _mus_and_draws(cf.mean[c], cf.cov[c], key, cutoff, z, psi, config.seed)
            mu, w = _with_stall(mu, th, MILESTONE_LEVELS[h0 + 1], key, cutoff, config)
            # the baseline stays the pooled prior's curve, without the stall: the same yardstick for every variant
            mu0 = _mus(base[0], base[1], key + "|prior", cutoff, z, psi, config.seed)
            y = truth[c, r]
            for h in HORIZONS:
                win = cutoff + h
                if win > ev.data_end:
                    continue
                p, p0 = (
                    _level_cdf(mu, tau, cutoff, np.array([win]), df, w)[0],
                    _level_cdf(mu0, tau, cutoff, np.array([win]), df)[0],
                )
                hit = bool(np.isfinite(y) and y <= win)
                row = dict(
                    cutoff=cutoff,
                    horizon=h,
                    capability=cap,
                    domain=ev.domains[cap],
                    level=lv,
                    step=step,
                    p=float(p),
                    p_prior=float(p0),
                    outcome=int(hit),
                    date=float(y) if np.isfinite(y) else np.nan,
                    pit=np.nan,
                    crps=np.nan,
                    pit_prior=np.nan,
                    crps_prior=np.nan,
                )
                if hit and y > cutoff:  # the date, given the level came within the window
                    row["pit"], row["crps"] = _date_scores(mu, tau, cutoff, win, y, df, w)
                    row["pit_prior"], row["crps_prior"] = _date_scores(mu0, tau, cutoff, win, y, df)
                rows.append(row)
    return rows


def run(ev: Evidence, config: MethodConfig | None = None, cutoffs=CUTOFFS, draws: int = 400) -> pd.DataFrame:
    """Every prediction of the backtest, one row per (cutoff, capability, level, horizon)."""
    config = config or MethodConfig()
    truth = truth_dates(ev.evidence, len(ev.caps))
    rows: list[dict] = []
    for cutoff in cutoffs:
        rows += predict_cutoff(ev, fit_at(ev, cutoff, config), truth, config, draws)
    return pd.DataFrame(rows, columns=PREDICTION_COLUMNS)


# ---------------------------------------------------------------------------------------------------- scoring


def score(pred: pd.DataFrame) -> dict:
    """Brier, skill against both baselines, interval coverage and CRPS of one set of predictions."""
    if not len(pred):
        return dict(n=0)
    o = pred["outcome"].to_numpy(dtype=float)
    brier = float(np.mean((pred["p"] - o) ** 2))
    b_prior = float(np.mean((pred["p_prior"] - o) ** 2))
    b_persist = float(np.mean(o**2))  # persistence predicts p = 0
    dates = pred.dropna(subset=["pit"])
    pit = dates["pit"].to_numpy()
    return dict(
        n=len(pred),
        base_rate=float(o.mean()),
        brier=brier,
        brier_prior=b_prior,
        brier_persistence=b_persist,
        bss_prior=1.0 - brier / b_prior if b_prior > 0 else float("nan"),
        bss_persistence=1.0 - brier / b_persist if b_persist > 0 else float("nan"),
        n_dates=len(dates),
        coverage50=float(np.mean(np.abs(pit - 0.5) <= 0.25)) if len(pit) else float("nan"),
        coverage80=float(np.mean(np.abs(pit - 0.5) <= 0.40)) if len(pit) else float("nan"),
        crps_years=float(dates["crps"].mean()) if len(dates) else float("nan"),
        crps_years_prior=float(dates["crps_prior"].mean()) if len(dates) else float("nan"),
    )


def by_horizon(pred: pd.DataFrame, cutoffs=None) -> list[dict]:
    sel = pred if cutoffs is None else pred[pred["cutoff"].isin(cutoffs)]
    return [dict(horizon_months=round(h * 12), **score(sel[sel["horizon"] == h])) for h in HORIZONS]


def reliability(pred: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Predicted-probability bins against observed frequencies (optionally per domain)."""
    df = pred.assign(bin=pd.cut(pred["p"], BINS, right=False, labels=False))
    keys = ["bin"] if by is None else [by, "bin"]
    out = df.groupby(keys, observed=True).agg(n=("p", "size"), mean_p=("p", "mean"), observed=("outcome", "mean"))
    out = out.reset_index()
    out["bin"] = [f"{BINS[int(b)]:.2f}-{min(BINS[int(b) + 1], 1.0):.2f}" for b in out["bin"]]
    return out


def brier_difference(a: pd.DataFrame, b: pd.DataFrame) -> tuple[float, float]:
    """Mean paired Brier difference (a - b) over the same predictions, and its standard error."""
    key = ["cutoff", "horizon", "capability", "level"]
    m = a.merge(b, on=key, suffixes=("_a", "_b"))
    d = (m["p_a"] - m["outcome_a"]) ** 2 - (m["p_b"] - m["outcome_b"]) ** 2
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(max(len(d), 1)))


# --------------------------------------------------------------------------------------------------- variants


def variants(base: MethodConfig | None = None) -> dict[str, MethodConfig]:
    """The MethodConfig knobs compared: dating noise (scale and tails), the censoring's sharpness, pace prior and
    pooling, the spacing of the upper levels, the stall share at the adoption levels, and the defaults of
    exposure-2.1 and 2.0.

    A common logit shift or scaling of the level table changes no level-date prediction (it moves t50 and s
    only), so the table variants change the spacing of the last two levels."""
    base = base or MethodConfig()
    old = base.with_(**EXPOSURE_2_0)
    wide = dict(prior_log_s_sd=1.0, pool_log_s_sd_range=(0.6, 1.2))
    stall = {  # the stall (cure) share at the adoption levels: share and mean length tried (docs/decisions)
        f"stall {share:g} ({years:g} yr)": base.with_(stall_share=share, stall_years=years)
        for share, years in STALL_GRID
        if (share, years) != (base.stall_share, base.stall_years)
    }
    if base.stall_share:
        stall = {"exposure-2.2 defaults (no stall)": base.with_(**EXPOSURE_2_2), **stall}
    return {
        "default": base,
        "exposure-2.1 defaults": base.with_(**EXPOSURE_2_1),
        "exposure-2.0 defaults": old,
        "2.0 + tau 1.0 + pace prior wider": old.with_(date_noise_years=1.0, **wide),
        "normal noise": base.with_(date_noise_df=None),
        "upper levels 0.80/0.995": base.with_(level_maturity={**base.level_maturity, "production_used": 0.80}),
        **{f"tau {x:.1f}": base.with_(date_noise_years=x) for x in (1.0, 1.5, 2.0) if x != base.date_noise_years},
        "censoring as the dates (t, not sharp)": base.with_(censoring_noise_years=None),
        "sharp censoring 0.5 yr": base.with_(censoring_noise_years=0.5),
        "Cauchy noise (df 1)": base.with_(date_noise_df=1.0),
        "no pooling": base.with_(pool=False),
        "pace pooling stronger (sd from 0.2)": base.with_(pool_log_s_sd_range=(0.2, 1.2)),
        **stall,
    }


# (stall_share, stall_years) settings of the stall compared by variants()
STALL_GRID: tuple[tuple[float, float], ...] = (
    (0.25, 3.0),
    (0.5, 3.0),
    (0.75, 3.0),
    (0.5, 1.5),
    (0.5, 6.0),
    (0.75, 6.0),
    (0.5, 10.0),
)


def compare_variants(
    ev: Evidence, configs: dict[str, MethodConfig], draws: int = 400, selection_only: bool = False
) -> tuple[pd.DataFrame, dict]:
    """Score each variant on the early cutoffs (selection) and the late ones (report). `selection_only`: run and
    score the early cutoffs only (for choosing without seeing the held-back scores)."""
    rows, preds = [], {}
    parts = (("early", EARLY),) if selection_only else (("early", EARLY), ("late", LATE))
    for name, cfg in configs.items():
        pred = run(ev, cfg, cutoffs=EARLY if selection_only else CUTOFFS, draws=draws)
        preds[name] = pred
        for part, cuts in parts:
            for r in by_horizon(pred, cuts):
                rows.append(dict(variant=name, cutoffs=part, **r))
    return pd.DataFrame(rows), preds


CENSORING_MAX = 0.1  # a capability without dated evidence must fit below this maturity (research is 0.03)


def censoring_maturity(config: MethodConfig, as_of: float = 2026.0) -> float:
    """The maturity today of a capability with no dated evidence, fitted beside four that climbed three levels
    each and one at commercial: the censoring says it is not yet at research level, so a method that keeps
    the censoring's meaning fits it below CENSORING_MAX (tests/test_exposure.py checks the engine the same way)."""
    rows = [
        dict(cap=i, level=lv, t=float(t), var=0.0, item=f"ms:{i}-{lv}", kind="milestone")
        for i in range(4)
        for lv, t in (("research", 2018 + i), ("commercial", 2021 + i), ("production_used", 2022.5 + i))
    ]
    rows.append(dict(cap=4, level="commercial", t=2024.5, var=0.0, item="ms:one", kind="milestone"))
    caps = [f"cap:{i}" for i in range(6)]  # cap:5 has no evidence
    fit = fit_evidence(caps, {}, pd.DataFrame(rows), as_of, config)
    return float(fit.quality.set_index("capability").loc["cap:5", "maturity_as_of"])


def choose(
    table: pd.DataFrame, preds: dict[str, pd.DataFrame], configs: dict[str, MethodConfig] | None = None, z: float = 2.0
) -> tuple[str, list[str]]:
    """Adopt a variant only if its early-cutoff Brier beats the default's by more than z paired standard errors,
    and it keeps the censoring's meaning (censoring_maturity below CENSORING_MAX); the best such variant."""
    notes = []
    early = {k: v[v["cutoff"].isin(EARLY)] for k, v in preds.items()}
    best, best_gain = "default", 0.0
    for name, p in early.items():
        if name == "default":
            continue
        diff, se = brier_difference(p, early["default"])
        m = censoring_maturity(configs[name]) if configs else float("nan")
        ok = not m > CENSORING_MAX
        keeps = f"; a capability without evidence fits at maturity {m:.2f}" if configs else ""
        notes.append(
            f"{name}: early Brier difference vs default {diff:+.4f} (se {se:.4f}){keeps}"
            + ("" if ok else " (too high: not eligible)")
        )
        if ok and diff < -z * se and -diff > best_gain:
            best, best_gain = name, -diff
    return best, notes
