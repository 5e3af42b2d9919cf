"""Judgement uncertainty: the curated numbers are drawn, not taken as known.

The curators' link weights and limitation severities are judgements; each carries the curator's own
`confidence` (in [0, 1]). Per Monte Carlo draw, a judgement is drawn from a logit-normal distribution whose
median is the curated value and whose spread (sd in logit units) falls linearly with the confidence:

    logit(x_d) = logit(x) + sigma(c) * xi,   sigma(c) = SIGMA_SURE + (SIGMA_UNSURE - SIGMA_SURE) * (1 - c)

so a claim made with confidence 0.5 (the default when none is given) has sigma = 0.55: a curated weight of
0.30 spans about 0.17-0.46 over the 80 % band. The level -> maturity table is a judgement too: each draw
shifts it by a common logit offset with sd TABLE_SHIFT_SD (production use = 0.70 spans about 0.58-0.80).
Half-lives already vary per draw (config.half_life_sd). O*NET task importances are measured, not judged,
and are not drawn.

The link weights of one capability share one draw (a curator who overrates a capability overrates it on
every task); each limitation link has its own. Every item has its own random stream
(graph.exposure.maturity.stream), so adding a claim leaves every other claim's draws unchanged, and the draws
do not depend on the scenario (computed once per engine and seed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

SIGMA_SURE = 0.1  # logit sd of a claim made with full confidence
SIGMA_UNSURE = 1.0  # logit sd of a claim made with no confidence at all
TABLE_SHIFT_SD = 0.4  # logit sd of the common shift of the level -> maturity table
_EPS = 1e-4


def sigma(confidence: np.ndarray) -> np.ndarray:
    c = np.clip(np.nan_to_num(np.asarray(confidence, dtype=float), nan=0.5), 0.0, 1.0)
    return SIGMA_SURE + (SIGMA_UNSURE - SIGMA_SURE) * (1.0 - c)


ROW_BLOCK = 256  # rows of draws computed at a time (keeps the float64 temporaries small)


def draw_around(
    values: np.ndarray, confidence: np.ndarray, keys: list[str], seed: int, n_draws: int, dtype=np.float64
) -> np.ndarray:
    """(n, n_draws) logit-normal draws with median `values`, as `dtype` (computed in float64, then cast);
    values of exactly 0 stay 0."""
    from graph.exposure.maturity import stream

    v = np.asarray(values, dtype=float)
    z = special.logit(np.clip(v, _EPS, 1.0 - _EPS))
    sd = sigma(confidence)
    by_key: dict[str, np.ndarray] = {}  # a key's draws are the same wherever it repeats (terms: their capability's)
    for key in keys:
        if key not in by_key:
            by_key[key] = stream(seed, "judgement|" + key).standard_normal(n_draws)
    out = np.empty((len(v), n_draws), dtype=dtype)
    for a in range(0, len(v), ROW_BLOCK):  # element by element as one (n, n_draws) expression would give
        b = min(a + ROW_BLOCK, len(v))
        xi = np.array([by_key[k] for k in keys[a:b]]).reshape(b - a, n_draws)
        block = special.expit(z[a:b, None] + sd[a:b, None] * xi)
        block[v[a:b] <= 0] = 0.0
        out[a:b] = block
    return out


@dataclass
class Judgement:
    """One engine's judgement draws for a seed: term weights, limitation severities, the table shift."""

    weights: np.ndarray  # (U, n_draws) float32: the weight of each unique (capability, weight, confidence) term
    severities: np.ndarray  # (n_lim_links, n_draws): severity of each capability-limitation link
    table_shift: np.ndarray  # (n_draws,): logit shift of the level -> maturity table

    @classmethod
    def fixed(cls, u_w: np.ndarray, sev0: np.ndarray, n_draws: int) -> Judgement:
        """The curated values in every draw (no judgement uncertainty)."""
        return cls(
            np.repeat(u_w[:, None], n_draws, axis=1).astype(np.float32),
            np.repeat(np.asarray(sev0, dtype=float)[:, None], n_draws, axis=1),
            np.zeros(n_draws),
        )


def draw_judgement(engine, seed: int, n_draws: int) -> Judgement:
    """Judgement draws for every term and limitation link of the engine's graph."""
    st = engine.structure
    cm = engine.compiled
    # one draw per capability, shared by all its links: a curator who overrates what a capability can do
    # overrates it on every task (the widest choice for aggregates), and a higher curated weight is higher
    # in every draw
    term_keys = [f"w|{cm.caps[c]}" for c in st.u_cap]
    weights = draw_around(st.u_w, st.u_conf, term_keys, seed, n_draws, dtype=np.float32)
    ll = cm.lim_links
    lim_keys = [f"s|{c}|{lim}" for c, lim in zip(ll["capability"].tolist(), ll["limitation"].tolist(), strict=True)]
    conf = ll["confidence"].to_numpy(dtype=float) if "confidence" in ll else np.full(len(ll), 0.5)
    severities = draw_around(engine.lim_arrays.sev0, conf, lim_keys, seed, n_draws)
    from graph.exposure.maturity import stream

    shift = TABLE_SHIFT_SD * stream(seed, "judgement|level-table").standard_normal(n_draws)
    return Judgement(weights, severities, shift)
