"""The maturity backtest: the cutoff rule (nothing after the cutoff leaks in) and calibration on a synthetic
catalog whose true curves are known (calibrated intervals recovered, a miscalibrated variant detected)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graph.exposure import backtest as bt
from graph.exposure.config import ADOPTION_LEVELS, MethodConfig, level_logit
from graph.exposure.maturity import logit_path, stall_delays, stall_probability
from graph.schema import MILESTONE_LEVELS

DATA_END = "2027-01-01"
# The synthetic catalog's own model: normal dating noise of 0.5 years, no common pace shock, no stall.
TRUE_MODEL = MethodConfig(
    pace_sd=0.0, date_noise_years=0.5, date_noise_df=None, censoring_noise_years=None, stall_share=0.0
)


def _day(t: float) -> str:
    ts = pd.Timestamp("2000-01-01") + pd.Timedelta(days=(t - 2000.0) * 365.25)
    return ts.strftime("%Y-%m-%d")


def _catalog(ms: list[tuple[str, str, str, str]], sources: dict[str, str | None]) -> tuple[dict, dict]:
    """nodes/edges from (milestone id, capability, level, date) rows; sources: id -> publication date.
    Every milestone rests on the source named in its id after '@' (or src:event when there is none)."""
    caps = sorted({c for _, c, _, _ in ms})
    nodes = {
        "Capability": pd.DataFrame({"id": caps, "name": caps, "domain": ["video"] * len(caps)}),
        "Milestone": pd.DataFrame(
            {
                "id": [m for m, *_ in ms],
                "date": [d for *_, d in ms],
                "level": [lv for _, _, lv, _ in ms],
                "source_ids": [[m.split("@")[1] if "@" in m else "src:event"] for m, *_ in ms],
            }
        ),
        "Source": pd.DataFrame(
            {
                "id": ["src:event", *sources],
                "date": [None, *sources.values()],
                "accessed": [DATA_END, *[None] * len(sources)],
            }
        ),
    }
    edges = {"MARKS": pd.DataFrame({"src": [m for m, *_ in ms], "dst": [c for _, c, _, _ in ms]})}
    return nodes, edges


# ------------------------------------------------------------------------------------------------ cutoff rule


def test_cutoff_rule_uses_event_dates_periods_and_source_publication() -> None:
    ms = [
        ("ms:a1", "cap:a", "research", "2021-03-10"),  # before the cutoff: known
        ("ms:a2", "cap:a", "demo", "2022-02"),  # after the cutoff: not known
        ("ms:b1", "cap:b", "research", "2022"),  # year-only: known only once 2022 is over
        ("ms:c1@src:late", "cap:c", "research", "2021-01-05"),  # event before, sole source published after
        ("ms:d1@src:early", "cap:d", "research", "2021-01-05"),  # source published in time
    ]
    nodes, edges = _catalog(ms, {"src:late": "2023-05", "src:early": "2021-02"})
    ev = bt.catalog_evidence(nodes, edges)
    at = lambda c: set(bt.known_at(ev.evidence, c)["item"])  # noqa: E731
    assert at(2022.0) == {"ms:a1", "ms:d1@src:early"}
    assert at(2022.5) == {"ms:a1", "ms:a2", "ms:d1@src:early"}
    assert at(2023.0) == {"ms:a1", "ms:a2", "ms:b1", "ms:d1@src:early"}
    assert "ms:c1@src:late" in at(2023.5)
    cf = bt.fit_at(ev, 2022.0, MethodConfig())
    assert list(cf.highest) == [0, -1, -1, 0]  # a at research (demo unknown), b and c unknown, d at research


def _synthetic(n_caps: int, seed: int, tau: float, stall: float = 0.0) -> tuple[dict, dict, dict]:
    """A catalog whose true curves are known: level dates t50 + s z_L + N(0, tau^2), recorded up to DATA_END.
    `stall`: the share of capabilities that stop for good at commercial (no later level ever comes)."""
    rng = np.random.default_rng(seed)
    ms, truth = [], {}
    end = 2027.0
    for i in range(n_caps):
        cap = f"cap:s{i:03d}"
        t50 = rng.uniform(2019.0, 2029.0)
        s = float(np.exp(rng.normal(0.4, 0.2)))
        stops = rng.random() < stall
        truth[cap] = (t50, s)
        for lv in MILESTONE_LEVELS:
            d = t50 + s * level_logit(lv) + rng.normal(0.0, tau)
            if stops and MILESTONE_LEVELS.index(lv) > MILESTONE_LEVELS.index("commercial"):
                break
            if 2012.0 < d < end:
                ms.append((f"ms:s{i:03d}-{lv}", cap, lv, _day(d)))
    nodes, edges = _catalog(ms, {})
    return nodes, edges, truth


def test_no_evidence_after_the_cutoff_leaks_into_its_predictions() -> None:
    nodes, edges, _ = _synthetic(12, seed=3, tau=0.5)
    ev = bt.catalog_evidence(nodes, edges)
    cut = (2023.0,)
    cfg = TRUE_MODEL
    before = bt.run(ev, cfg, cutoffs=cut, draws=100)
    # move every event after the cutoff by half a year: predictions made at the cutoff must not change
    later = ev.evidence["known_from"] > cut[0]
    assert later.any()
    moved = ev.evidence.copy()
    moved.loc[later, "t"] += 0.5
    moved.loc[later, "known_from"] += 0.5
    after = bt.run(bt.Evidence(ev.caps, ev.cap_names, ev.domains, moved, ev.data_end), cfg, cutoffs=cut, draws=100)
    assert len(before) and np.array_equal(before["p"].to_numpy(), after["p"].to_numpy())


# ---------------------------------------------------------------------------------------------- calibration


@pytest.fixture(scope="module")
def synthetic_evidence() -> bt.Evidence:
    nodes, edges, _ = _synthetic(40, seed=11, tau=0.5)
    return bt.catalog_evidence(nodes, edges)


def _coverage(ev: bt.Evidence, cfg: MethodConfig) -> tuple[float, float, int, float, float]:
    pred = bt.run(ev, cfg, cutoffs=(2021.5, 2022.5, 2023.5, 2024.5), draws=200)
    pit = pred.dropna(subset=["pit"])["pit"].to_numpy()
    cov80 = float(np.mean(np.abs(pit - 0.5) <= 0.4))
    cov50 = float(np.mean(np.abs(pit - 0.5) <= 0.25))
    s = bt.score(pred)
    return cov50, cov80, len(pit), s["brier"], s["bss_persistence"]


def test_backtest_recovers_calibrated_intervals_and_detects_a_miscalibrated_variant(synthetic_evidence) -> None:
    # the true model: tau 0.5, no common pace shock
    cov50, cov80, n, brier, bss = _coverage(synthetic_evidence, TRUE_MODEL)
    assert n >= 60
    se80, se50 = np.sqrt(0.8 * 0.2 / n), np.sqrt(0.25 / n)
    # PITs of the two horizons share a level, so allow a little more than 3 binomial standard errors
    assert abs(cov80 - 0.8) < 3.5 * se80, (cov80, n)
    assert abs(cov50 - 0.5) < 3.5 * se50, (cov50, n)
    assert bss > 0.0  # the known curves beat "no new level"
    # dating noise set far too small: intervals too narrow, coverage clearly below nominal
    _bad50, bad80, n_bad, bad_brier, _ = _coverage(synthetic_evidence, TRUE_MODEL.with_(date_noise_years=0.1))
    assert bad80 < 0.8 - 4 * np.sqrt(0.16 / n_bad), (bad80, n_bad)
    assert bad_brier > brier


@pytest.mark.parametrize(("df", "df_c"), [(None, None), (2.0, 2.0), (1.0, 1.0), (2.0, None)])
def test_fit_gradient_matches_the_objective_for_normal_and_t_noise(df, df_c) -> None:
    from graph.exposure.maturity import Prior, _negloglik

    prior = Prior(2025.0, 3.0, 0.0, 0.8)
    args = (
        np.array([-3.0, -1.5, 0.4]),
        np.array([2019.0, 2021.5, 2024.5]),
        np.array([0.3, 0.4, 0.5]),
        2.2,
        2025.0,
        0.7,
    )
    for theta in (np.array([2023.0, 0.2]), np.array([2027.0, -0.4])):
        _val, grad = _negloglik(theta, *args, prior, df, df_c)
        eps = 1e-6
        num = [(_negloglik(theta + e, *args, prior, df, df_c)[0] - _negloglik(theta - e, *args, prior, df, df_c)[0])
               / (2 * eps) for e in np.eye(2) * eps]  # fmt: skip
        assert np.allclose(grad, num, rtol=1e-5, atol=1e-6), (df, grad, num)


def test_heavier_tails_make_an_overdue_level_less_imminent() -> None:
    # the curve put the level a year before the cutoff and it has not come: how likely within 12 months?
    mu = np.full(50, 2023.0)
    p_normal = bt._level_cdf(mu, 0.5, 2024.0, np.array([2025.0]))[0]
    p_t2 = bt._level_cdf(mu, 0.5, 2024.0, np.array([2025.0]), df=2.0)[0]
    assert p_normal > 0.99 and p_t2 < 0.75


def test_choice_rule_rejects_a_variant_that_empties_the_censoring() -> None:
    base = MethodConfig()
    assert bt.censoring_maturity(base) < bt.CENSORING_MAX  # the engine's default keeps it
    loose = base.with_(censoring_noise_years=None)  # the default dating noise without the sharp censoring
    assert bt.censoring_maturity(loose) > bt.CENSORING_MAX
    # a variant scoring better on the early cutoffs is still not chosen when it fails the rule
    pred = pd.DataFrame(
        dict(cutoff=2022.0, horizon=1.0, capability=[f"c{i}" for i in range(40)], level="demo", outcome=0, p=0.5)
    )
    better = pred.assign(p=0.1)
    configs = {"default": base, "better": loose}
    assert bt.choose(pd.DataFrame(), {"default": pred, "better": better}, configs)[0] == "default"
    assert bt.choose(pd.DataFrame(), {"default": pred, "better": better}, {**configs, "better": base})[0] == "better"


def test_variants_are_compared_on_both_sets_of_cutoffs(synthetic_evidence) -> None:
    configs = {"default": TRUE_MODEL, "narrow": TRUE_MODEL.with_(date_noise_years=0.1)}
    table, preds = bt.compare_variants(synthetic_evidence, configs, draws=50)
    assert set(preds) == set(configs)
    assert set(zip(table["variant"], table["cutoffs"], strict=True)) == {
        (v, part) for v in configs for part in ("early", "late")
    }


def test_selection_only_runs_and_scores_no_held_back_cutoff(synthetic_evidence) -> None:
    configs = {"default": TRUE_MODEL, "narrow": TRUE_MODEL.with_(date_noise_years=0.1)}
    table, preds = bt.compare_variants(synthetic_evidence, configs, draws=50, selection_only=True)
    assert set(table["cutoffs"]) == {"early"}
    assert all(set(p["cutoff"]) <= set(bt.EARLY) for p in preds.values())
    assert bt.choose(table, preds)[0] == "default"  # the miscalibrated variant is not adopted


def test_sharp_censoring_keeps_an_unevidenced_capability_below_research_with_a_wide_dating_noise() -> None:
    wide = MethodConfig(date_noise_years=2.0, date_noise_df=2.0, censoring_noise_years=None)
    assert bt.censoring_maturity(wide) > bt.CENSORING_MAX
    assert bt.censoring_maturity(wide.with_(censoring_noise_years=1.0)) < bt.CENSORING_MAX


# ------------------------------------------------------------------------------------------- stall (cure) share


def test_stall_share_calibrates_a_catalog_whose_capabilities_stall_at_an_adoption_level() -> None:
    nodes, edges, _ = _synthetic(80, seed=5, tau=0.5, stall=0.5)
    ev = bt.catalog_evidence(nodes, edges)
    cuts = (2021.5, 2022.5, 2023.5, 2024.5)
    plain = bt.run(ev, TRUE_MODEL, cutoffs=cuts, draws=200)
    stall = bt.run(ev, TRUE_MODEL.with_(stall_share=0.5, stall_years=20.0), cutoffs=cuts, draws=200)
    adoption = plain["level"].isin(ADOPTION_LEVELS[1:])  # the levels a stalled capability never reaches
    assert adoption.sum() >= 60
    # the same predictions, and no change to the levels no stall applies to (research .. commercial next)
    assert plain[["cutoff", "capability", "level", "horizon"]].equals(
        stall[["cutoff", "capability", "level", "horizon"]]
    )
    below = ~plain["level"].isin(ADOPTION_LEVELS) & (plain["step"] == 1)
    assert np.allclose(plain.loc[below, "p"], stall.loc[below, "p"])
    # a stall can only lower the chance of a level, and here it lowers the Brier score clearly
    assert (stall["p"] <= plain["p"] + 1e-12).all()
    diff, se = bt.brier_difference(stall, plain)
    assert diff < -3 * se, (diff, se)
    # on the same kind of catalog without stalls, the stall share makes the forecasts worse, not better
    nodes, edges, _ = _synthetic(80, seed=5, tau=0.5)
    ev0 = bt.catalog_evidence(nodes, edges)
    p0 = bt.run(ev0, TRUE_MODEL, cutoffs=cuts, draws=200)
    s0 = bt.run(ev0, TRUE_MODEL.with_(stall_share=0.5, stall_years=20.0), cutoffs=cuts, draws=200)
    assert bt.brier_difference(s0, p0)[0] > 0


def test_stall_probability_grows_with_the_wait_and_delays_only_the_future() -> None:
    cfg = MethodConfig(stall_share=0.3)
    z = level_logit("production_used")
    # the same curve, asked at later and later dates: the longer the level is overdue, the likelier a stall
    t50, s = np.array([2020.0]), np.array([1.0])
    q = [float(stall_probability(t50, s, z, a, cfg)[0]) for a in (2019.0, 2021.0, 2023.0, 2026.0)]
    assert q[0] > 0.3 * 0.99 and bool(np.all(np.diff(q) > 0)) and q[-1] > 0.8
    assert stall_probability(t50, s, z, 2020.0, MethodConfig(stall_share=0.0))[0] == 0.0  # no share, no stall
    # stall delays: only capabilities waiting for an adoption level; none without a stall share
    t50, s = np.full((3, 400), 2020.0), np.ones((3, 400))
    caps, nxt = ["cap:a", "cap:b", "cap:c"], ["demo", "production_used", ""]
    assert stall_delays(t50, s, caps, nxt, 2024.0, MethodConfig(stall_share=0.0), seed=1) is None
    d = stall_delays(t50, s, caps, nxt, 2024.0, cfg, seed=1)
    assert d is not None and (d[0] == 0).all() and (d[2] == 0).all()
    assert 0.5 < np.mean(d[1] > 0) < 1.0 and d[1].max() > 3.0
    # a delayed draw agrees on the past and is lower (never higher) after the as-of date
    times = np.array([2022.0, 2024.0, 2025.0, 2030.0])
    pace = np.ones(400)
    z0 = logit_path(times, t50, s, 2024.0, pace)
    zd = logit_path(times, t50, s, 2024.0, pace, d)
    assert np.array_equal(z0[:2], zd[:2]) and (zd <= z0).all() and (zd[2:, 1] < z0[2:, 1]).any()


def test_config_rejects_a_stall_share_outside_its_range() -> None:
    for bad in (dict(stall_share=1.0), dict(stall_share=-0.1), dict(stall_years=0.0)):
        with pytest.raises(ValueError, match="stall_"):
            MethodConfig(**bad)
