"""Capability maturity over time: a logistic curve per capability, fitted through its dated evidence.

Model (docs/method.md §2). Maturity M_c(t) = 1 / (1 + exp(-(t - t50_c) / s_c)): t50_c is the date maturity
reaches 0.5, s_c > 0 the years per logit unit (the curve's time scale; k = 1/s is the usual rate).
Each milestone level L has a maturity m_L (config.LEVEL_MATURITY) and logit z_L. The date a capability
first reaches level L is, by the curve, t50 + s * z_L, so the dates of the levels it has reached are a
linear regression on z_L:

    d_L = t50 + s * z_L + noise,   noise ~ N(0, tau^2 + precision variance of the date)

- d_L is the earliest evidence at level L or above (reaching a higher level implies the lower ones).
- The next level not yet reached by the as-of date A is a right-censored observation: P(d > A).
- Priors: t50 ~ N(mu_t, sd_t), log s ~ N(mu_u, sd_u); pooled across capabilities (empirical Bayes) so a
  capability with one milestone borrows its pace from the others.
- MAP by scipy.optimize (BFGS, analytic gradient); uncertainty from the Laplace approximation (normal
  with the inverse Hessian as covariance) of (t50, log s); draws are taken from it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from graph.exposure.config import ADOPTION_LEVELS, MethodConfig, level_logit
from graph.exposure.frames import format_year
from graph.exposure.model import Compiled
from graph.schema import MILESTONE_LEVELS


@dataclass
class Prior:
    t50_mean: float
    t50_sd: float
    log_s_mean: float
    log_s_sd: float
    pooled_from: int = 0


@dataclass
class Fit:
    mean: np.ndarray  # (n_caps, 2): t50, log s
    cov: np.ndarray  # (n_caps, 2, 2)
    prior: Prior
    quality: pd.DataFrame  # one row per capability
    observations: pd.DataFrame  # the level dates used in the fit


def level_observations(ev: pd.DataFrame) -> tuple[list[tuple[str, float, float, str]], str | None]:
    """From one capability's evidence: (level, date, variance, item) for each level reached, and the
    next level not yet reached."""
    order = {lv: i for i, lv in enumerate(MILESTONE_LEVELS)}
    obs = []
    highest = -1
    if len(ev):
        ranks = ev["level"].map(order).to_numpy()
        ts = ev["t"].to_numpy(dtype=float)
        var = ev["var"].to_numpy(dtype=float)
        items = ev["item"].to_numpy()
        highest = int(ranks.max())
        for lv in MILESTONE_LEVELS:
            r = order[lv]
            if not (ranks == r).any():
                continue  # no evidence at exactly this level: it is only bounded (left-censored); skipped
            idx = np.flatnonzero(ranks >= r)
            j = idx[int(np.argmin(ts[idx]))]  # earliest evidence at this level or above
            obs.append((lv, float(ts[j]), float(var[j]), str(items[j])))
    nxt = MILESTONE_LEVELS[highest + 1] if highest + 1 < len(MILESTONE_LEVELS) else None
    return obs, nxt


def noise_logcdf_and_ratio(q: float, df: float | None) -> tuple[float, float]:
    """log F(q) and f(q) / F(q) of the standardised dating noise (normal, or Student t with df)."""
    if df is None:
        logcdf = float(special.log_ndtr(q))
        return logcdf, float(np.exp(-0.5 * q * q - 0.5 * np.log(2 * np.pi) - logcdf))
    logcdf = float(np.log(max(special.stdtr(df, q), 1e-300)))
    logpdf = (
        special.gammaln((df + 1) / 2) - special.gammaln(df / 2) - 0.5 * np.log(df * np.pi)
        - (df + 1) / 2 * np.log1p(q * q / df)
    )  # fmt: skip
    return logcdf, float(np.exp(logpdf - logcdf))


def _negloglik(theta, z, d, var, zc, as_of, tau_c, prior: Prior, df: float | None = None, df_c: float | None = None):
    """Negative log-posterior and its gradient. df: tails of the observed dates' noise, df_c: of the censoring
    term with scale tau_c (None: normal)."""
    t50, u = theta
    s = np.exp(u)
    val = 0.0
    g = np.zeros(2)
    if len(z):
        r = d - (t50 + s * z)
        if df is None:
            val += float(np.sum(r * r / (2 * var)))
            w = r / var
        else:  # Student t with scale sqrt(var)
            val += float(np.sum((df + 1) / 2 * np.log1p(r * r / (df * var))))
            w = (df + 1) * r / (df * var + r * r)
        g[0] -= float(np.sum(w))
        g[1] -= float(np.sum(w * s * z))
    if zc is not None:
        q = (t50 + s * zc - as_of) / tau_c
        logcdf, ratio = noise_logcdf_and_ratio(q, df_c)
        val -= logcdf
        g[0] -= ratio / tau_c
        g[1] -= ratio * s * zc / tau_c
    val += (t50 - prior.t50_mean) ** 2 / (2 * prior.t50_sd**2) + (u - prior.log_s_mean) ** 2 / (2 * prior.log_s_sd**2)
    g[0] += (t50 - prior.t50_mean) / prior.t50_sd**2
    g[1] += (u - prior.log_s_mean) / prior.log_s_sd**2
    return val, g


def _fit_one(obs, nxt, as_of: float, prior: Prior, config: MethodConfig):
    table = config.level_maturity
    tau2 = config.date_noise_years**2
    z = np.array([level_logit(o[0], table) for o in obs])
    d = np.array([o[1] for o in obs])
    var = np.array([tau2 + o[2] for o in obs])
    zc = level_logit(nxt, table) if nxt is not None else None
    sharp = config.censoring_noise_years
    tau_c, df_c = (config.date_noise_years, config.date_noise_df) if sharp is None else (sharp, None)
    args = (z, d, var, zc, as_of, tau_c, prior, config.date_noise_df, df_c)
    x0 = np.array([prior.t50_mean, prior.log_s_mean])
    if len(obs):  # start on the prior slope through the earliest observation
        x0[0] = d[0] - np.exp(prior.log_s_mean) * z[0]
    from scipy import optimize  # (here: a build whose fits come ready never loads it, ~0.1 s)

    res = optimize.minimize(_negloglik, x0, args=args, jac=True, method="BFGS", options={"gtol": 1e-8})
    theta, H = _newton_polish(res.x, args)
    grad = _negloglik(theta, *args)[1]
    converged = bool(np.max(np.abs(grad)) < GRAD_TOL and np.all(np.linalg.eigvalsh(H) > 0))
    try:
        cov = np.linalg.inv(H)
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        cov = np.diag([prior.t50_sd**2, prior.log_s_sd**2])
    resid = d - (theta[0] + np.exp(theta[1]) * z) if len(obs) else np.array([])
    return theta, cov, resid, converged


GRAD_TOL = 1e-6  # a fit has converged when every gradient component is below this (units: per year)


def _hessian(theta: np.ndarray, args: tuple) -> np.ndarray:
    """Hessian of the negative log-posterior by central differences of the analytic gradient."""
    h = np.array([1e-4, 1e-5])
    H = np.zeros((2, 2))
    for i in range(2):
        e = np.zeros(2)
        e[i] = h[i]
        H[:, i] = (_negloglik(theta + e, *args)[1] - _negloglik(theta - e, *args)[1]) / (2 * h[i])
    return 0.5 * (H + H.T)


def _newton_polish(theta: np.ndarray, args: tuple, steps: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """A few Newton steps from the BFGS solution: BFGS stops on precision loss well before a tight gradient
    tolerance, while the log-posterior is smooth and nearly quadratic at its mode. Returns (theta, Hessian)."""
    H = _hessian(theta, args)
    for _ in range(steps):
        val, g = _negloglik(theta, *args)
        if np.max(np.abs(g)) < GRAD_TOL:
            break
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        for _half in range(20):  # backtrack until the objective does not increase
            cand = theta - step
            if _negloglik(cand, *args)[0] <= val + 1e-12 * max(1.0, abs(val)):  # relative float noise
                theta = cand
                break
            step = step / 2
        H = _hessian(theta, args)
    return theta, H


def default_prior(as_of: float, config: MethodConfig) -> Prior:
    return Prior(as_of + config.prior_t50_offset, config.prior_t50_sd, config.prior_log_s_mean, config.prior_log_s_sd)


def pooled_prior(first: list[tuple], as_of: float, config: MethodConfig) -> Prior:
    """Empirical-Bayes prior from a first pass: pace from capabilities with two or more levels."""
    base = default_prior(as_of, config)
    if not config.pool:
        return base
    u_hat, u_var, t_hat = [], [], []
    for theta, cov, n_levels in first:
        if n_levels >= 1:
            t_hat.append(theta[0])
        if n_levels >= 2:
            u_hat.append(theta[1])
            u_var.append(cov[1, 1])
    out = Prior(base.t50_mean, base.t50_sd, base.log_s_mean, base.log_s_sd, 0)
    if len(u_hat) >= config.pool_min_capabilities:
        u, v = np.array(u_hat), np.array(u_var)
        w = 1.0 / v
        mean_fe = np.sum(w * u) / np.sum(w)
        # DerSimonian-Laird between-capability variance
        qstat = np.sum(w * (u - mean_fe) ** 2)
        denom = np.sum(w) - np.sum(w**2) / np.sum(w)
        tau2 = max(0.0, (qstat - (len(u) - 1)) / denom) if denom > 0 else 0.0
        wr = 1.0 / (v + tau2)
        lo, hi = config.pool_log_s_sd_range
        out.log_s_mean = float(np.sum(wr * u) / np.sum(wr))
        out.log_s_sd = float(np.clip(np.sqrt(tau2), lo, hi))
        out.pooled_from = len(u)
    if len(t_hat) >= config.pool_min_capabilities:
        out.t50_mean = float(np.mean(t_hat))
        out.t50_sd = float(max(np.std(t_hat, ddof=1), config.pool_t50_sd_min))
    return out


@dataclass
class PreparedFit:
    """Fits made ahead (the build makes them in a worker process from the catalog alone, while it reads the
    public sources), with what they were fitted to."""

    caps: list[str]
    cap_names: dict[str, str]
    evidence: pd.DataFrame
    as_of: float
    config: str  # repr of the MethodConfig
    fit: Fit

    def fits(self, compiled: Compiled) -> bool:
        """Whether these fits were made from exactly the inputs `compiled` gives the fit."""
        ev, other = self.evidence, compiled.evidence
        return (
            self.caps == compiled.caps
            and self.cap_names == compiled.cap_names
            and self.as_of == compiled.as_of
            and self.config == repr(compiled.config)
            and list(ev.columns) == list(other.columns)
            and list(ev.dtypes) == list(other.dtypes)
            and ev.equals(other)
        )


def prepare_fit(caps: list[str], cap_names: dict[str, str], ev: pd.DataFrame, as_of: float, config) -> PreparedFit:
    return PreparedFit(caps, cap_names, ev, as_of, repr(config), fit_evidence(caps, cap_names, ev, as_of, config))


def fit_capabilities(compiled: Compiled, prepared: Callable[[], PreparedFit | None] | None = None) -> Fit:
    """Every capability's fit. `prepared` gives fits made ahead (or None): used when they were made from the
    same inputs (bit for bit), else the capabilities are fitted here."""
    ready = prepared() if prepared is not None else None
    if ready is not None and ready.fits(compiled):
        return ready.fit
    return fit_evidence(compiled.caps, compiled.cap_names, compiled.evidence, compiled.as_of, compiled.config)


def fit_one(obs: list, nxt: str | None, as_of: float, prior: Prior, config: MethodConfig):
    """One capability's MAP and Laplace covariance: (theta, cov, residuals, converged)."""
    return _fit_one(obs, nxt, as_of, prior, config)


def fit_evidence(
    caps: list[str], cap_names: dict[str, str], ev: pd.DataFrame, as_of: float, config: MethodConfig
) -> Fit:
    """Fit every capability to the evidence rows given (column `cap` indexes `caps`), censored at `as_of`.
    The backtest (graph/exposure/backtest.py) calls this with the evidence known at each cutoff."""
    n = len(caps)
    by_cap = {c: g for c, g in ev.groupby("cap", sort=True)}
    empty = ev.iloc[:0]
    per_cap = [level_observations(by_cap.get(c, empty)) for c in range(n)]
    n_ms = ev[ev["kind"] == "milestone"].groupby("cap").size()
    n_tl = ev[ev["kind"] == "tool"].groupby("cap").size()
    prior0 = default_prior(as_of, config)
    first = []
    for obs, nxt in per_cap:
        theta, cov, _, _ = _fit_one(obs, nxt, as_of, prior0, config)
        first.append((theta, cov, len(obs)))
    prior = pooled_prior(first, as_of, config)
    mean = np.zeros((n, 2))
    cov = np.zeros((n, 2, 2))
    q_rows, o_rows = [], []
    for c, (obs, nxt) in enumerate(per_cap):
        theta, cv, resid, ok = _fit_one(obs, nxt, as_of, prior, config)
        mean[c], cov[c] = theta, cv
        s = float(np.exp(theta[1]))
        n_obs = len(obs)
        if n_obs == 0:
            evidence = "none (prior only; censored: not yet at research level)"
        elif n_obs == 1:
            evidence = "one level (pace from the pooled prior)"
        else:
            evidence = f"{n_obs} levels"
        shrink = 1.0 - cv[1, 1] / prior.log_s_sd**2  # share of the pace's uncertainty removed by the data
        z_now = (as_of - theta[0]) / s
        q_rows.append(
            dict(
                capability=caps[c],
                name=cap_names.get(caps[c], caps[c]),
                n_milestones=int(n_ms.get(c, 0)),
                n_tools=int(n_tl.get(c, 0)),
                n_levels=n_obs,
                highest_level=obs[-1][0] if obs else "",
                next_level=nxt or "",
                evidence=evidence,
                t50=float(theta[0]),
                t50_date=format_year(theta[0]),
                t50_sd=float(np.sqrt(cv[0, 0])),
                years_per_logit=s,
                rate_k=1.0 / s,
                log_s_sd=float(np.sqrt(cv[1, 1])),
                pace_data_share=float(np.clip(shrink, 0.0, 1.0)),
                rmse_years=float(np.sqrt(np.mean(resid**2))) if len(resid) else float("nan"),
                max_abs_residual_years=float(np.max(np.abs(resid))) if len(resid) else float("nan"),
                maturity_as_of=float(special.expit(z_now)),
                converged=ok,
                fit_status=_fit_status(ok, n_obs, cv, prior),
            )
        )
        for (lv, d, var, item), r in zip(obs, resid, strict=True):
            o_rows.append(
                dict(
                    capability=caps[c],
                    level=lv,
                    date=format_year(d),
                    t=d,
                    sd=float(np.sqrt(var)),
                    item=item,
                    fitted=d - r,
                    residual_years=float(r),
                )
            )
    quality = pd.DataFrame(q_rows)
    observations = pd.DataFrame(
        o_rows, columns=["capability", "level", "date", "t", "sd", "item", "fitted", "residual_years"]
    )
    return Fit(mean=mean, cov=cov, prior=prior, quality=quality, observations=observations)


def _fit_status(converged: bool, n_obs: int, cov: np.ndarray, prior: Prior) -> str:
    """How to read a fit: converged on evidence, prior only (and why), or not converged (and why)."""
    if not converged:
        return "not converged: the gradient at the solution is not below tolerance; check the evidence dates"
    if n_obs == 0:
        return "prior only: no dated milestone or tool for this capability (censored below research level)"
    if n_obs == 1:
        return "converged; pace from the pooled prior (one level of evidence)"
    return "converged"


def stream(seed: int, key: str) -> np.random.Generator:
    """A random stream per (seed, item): adding an item leaves every other item's draws unchanged."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(key.encode("utf-8"))])


def draw_parameters(fit: Fit, caps: list[str], n_draws: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(t50, s) draws, each (n_caps, n_draws), from the Laplace posterior of each capability."""
    n = len(caps)
    t50 = np.empty((n, n_draws))
    s = np.empty((n, n_draws))
    for c, cap in enumerate(caps):
        xi = stream(seed, "cap|" + cap).standard_normal((2, n_draws))
        L = np.linalg.cholesky(fit.cov[c])
        th = fit.mean[c][:, None] + L @ xi
        t50[c] = th[0]
        s[c] = np.exp(th[1])
    return t50, s


def log_sf(x: np.ndarray, df: float | None) -> np.ndarray:
    """log P(noise > x) of the standardised dating noise (normal, or Student t with df)."""
    if df is None:
        return special.log_ndtr(-x)
    return np.log(np.maximum(special.stdtr(df, -x), 1e-300))


def stall_probability(t50: np.ndarray, s: np.ndarray, z_next: float, as_of: float, config: MethodConfig) -> np.ndarray:
    """Per draw of (t50, s): the posterior probability that a capability still below the level of logit z_next at
    the as-of date has stalled, pi / (pi + (1 - pi) S), where S is the curve's chance (with the dating noise)
    that the level has not come by then. The longer the wait against the curve, the smaller S."""
    pi = config.stall_share
    sf = np.exp(log_sf((as_of - (t50 + s * z_next)) / config.date_noise_years, config.date_noise_df))
    return pi / (pi + (1.0 - pi) * sf)


def stall_delays(
    t50: np.ndarray,
    s: np.ndarray,
    caps: list[str],
    next_levels: list[str],
    as_of: float,
    config: MethodConfig,
    seed: int,
) -> np.ndarray | None:
    """(n_caps, n_draws) years by which each draw's future is delayed by a stall (0: not stalled), for the
    capabilities whose next level is an adoption level; None when the method has no stall (stall_share 0)."""
    if not config.stall_share:
        return None
    delay = np.zeros_like(t50)
    n = t50.shape[1]
    for c, (cap, nxt) in enumerate(zip(caps, next_levels, strict=True)):
        if nxt not in ADOPTION_LEVELS:
            continue
        q = stall_probability(t50[c], s[c], level_logit(nxt, config.level_maturity), as_of, config)
        rng = stream(seed, "stall|" + cap)
        stalled = rng.random(n) < q
        delay[c] = np.where(stalled, config.stall_years * rng.standard_exponential(n), 0.0)
    return delay


def logit_path(
    t: np.ndarray,
    t50: np.ndarray,
    s: np.ndarray,
    as_of: float,
    pace: np.ndarray,
    delay: np.ndarray | None = None,
) -> np.ndarray:
    """logit M at times t (n_t,) for parameters (n_caps, n_draws) and pace (n_draws,) -> (n_t, n_caps, n_draws).

    Before the as-of date the fitted curve; after it the slope is multiplied by the pace (scenario x common
    shock), so every scenario agrees on the past and differs only in the future. `delay` (n_caps, n_draws):
    years a stalled draw waits after the as-of date before its curve moves on (stall_delays).
    """
    t = np.asarray(t, dtype=float)[:, None, None]
    z_as_of = (as_of - t50) / s
    future = np.maximum(t - as_of, 0.0) if delay is None else np.maximum(t - as_of - delay[None], 0.0)
    past = np.minimum(t - as_of, 0.0)
    z = (past + pace[None, None, :] * future) / s[None]
    z += z_as_of[None]  # (in place: one array of this size, not two; a + b == b + a exactly)
    return z
