"""The engine's memory-saving forms give bitwise the numbers of the whole-array forms: draws evaluated in
chunks, maturity made a year at a time, judgement draws made in row blocks (docs/decisions/build-memory.md)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from graph.exposure import judgement, maturity, score
from graph.exposure.config import MethodConfig
from graph.exposure.score import Engine, draw_chunks, quantiles, signature_exposure, signature_total
from graph.exposure.synthetic import synthetic_graph

DRAWS = 300  # not a multiple of the chunk below: the last chunk is a short one


@pytest.fixture(scope="module")
def eng():
    nodes, edges = synthetic_graph(
        n_occ=60, n_tasks=900, n_dwa=120, n_caps=24, n_crafts=12, n_depts=3, n_tools=40, n_lims=30, seed=3
    )
    e = Engine(nodes, edges, MethodConfig(draws=DRAWS))
    a, _, m = e.structure.blocks
    assert a.stop > a.start and m.stop > m.start  # automation-only and mixed signatures both present
    assert (e.lim_arrays.kind == "legal").any()  # so the technical maturity is its own array
    return e


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(score, "DRAW_CHUNK", 64)


def test_draw_chunks_cover_every_draw_once():
    for n, size in ((300, 64), (256, 256), (5, 64), (0, 64)):
        cols = np.concatenate([np.arange(n)[c] for c in draw_chunks(n, size)])
        assert np.array_equal(cols, np.arange(n))


def whole_year(eng, run, y):
    """One year evaluated on whole arrays (the form before chunking): entity draws and automation means."""
    st = eng.structure
    ms = np.float32(min(eng.config.max_share, 1.0 - 1e-6))
    W = run.judgement.weights
    e, e_auto = signature_exposure(st, run.Md[y].astype(np.float32), ms, auto_mean=True, W=W)
    E = st.A_sig32 @ e
    E_tech = st.A_sig32 @ signature_total(st, run.Md_tech[y].astype(np.float32), ms, W=W)
    return E, st.A_sig @ e_auto, E_tech


@pytest.mark.usefixtures("small_chunks")
def test_chunked_evaluation_is_bitwise_the_whole_one(eng):
    run = eng.run("fast", years=(2024, 2027, 2031), seed=11)
    out = run.evaluate()
    lo, hi = eng.config.band
    has = eng.structure.has_basis
    for y in range(len(run.years)):
        E, auto, E_tech = whole_year(eng, run, y)
        q = quantiles(E, (lo, 0.5, hi))
        tq = quantiles(E_tech, (lo, 0.5, hi))
        expect = {
            "low": q[0],
            "median": q[1],
            "high": q[2],
            "mean": E.mean(axis=1, dtype=np.float64),
            "automation": auto,
            "technical_low": tq[0],
            "technical_median": tq[1],
            "technical_high": tq[2],
        }
        for k, v in expect.items():
            assert np.array_equal(out[k][y][has], v[has]), (k, y)
        assert not np.array_equal(tq[1], q[1])  # the technical pass is a pass of its own here


@pytest.mark.usefixtures("small_chunks")
def test_chunked_draws_kept_are_the_whole_ones(eng):
    run = eng.run("expected", years=(2026, 2030), seed=5)
    E, Ea = run.entity_draws()
    st = eng.structure
    ms = np.float32(min(eng.config.max_share, 1.0 - 1e-6))
    has = st.has_basis
    for y in range(2):
        e, e_auto = signature_exposure(st, run.Md[y].astype(np.float32), ms, W=run.judgement.weights)
        assert np.array_equal(E[y][has], (st.A_sig32 @ e)[has])
        assert np.array_equal(Ea[y][has], (st.A_sig32 @ e_auto)[has])


def test_chunk_size_does_not_change_results(eng, monkeypatch):
    got = []
    for size in (1, 64, 10_000):
        monkeypatch.setattr(score, "DRAW_CHUNK", size)
        eng.forget_draws()
        run = eng.run("slow", years=(2025, 2029), seed=2)
        got.append((run.evaluate(), eng.potential(run.judgement.weights)))
    for out, pot in got[1:]:
        assert np.array_equal(pot, got[0][1], equal_nan=True)
        for k in out:
            assert np.array_equal(out[k], got[0][0][k], equal_nan=True), k


def test_maturity_a_year_at_a_time_is_the_years_at_once(eng):
    lazy = eng.run("fast", seed=4)
    whole = score.Run(eng, lazy.scenario, lazy.years, lazy.n_draws, lazy.seed)  # (not the cached run)
    assert "_damped" not in lazy.__dict__
    for y in range(len(lazy.years)):
        Md, Md_tech = lazy._year_maturity(y)
        assert np.array_equal(Md, whole.Md[y]) and np.array_equal(Md_tech, whole.Md_tech[y])
    assert "_damped" not in lazy.__dict__  # (not made for the whole years by asking year by year)
    assert np.array_equal(whole.M, special.expit(whole.logit_at(whole.times)))
    M, Md = whole.maturity_at(whole.times)
    assert np.array_equal(M, whole.M) and np.array_equal(Md, whole.Md)


def test_logit_path_in_place_is_the_expression():
    rng = np.random.default_rng(0)
    t = np.array([2023.5, 2026.9, 2031.5])
    t50, s, pace = rng.normal(2028, 3, (7, 50)), rng.lognormal(0, 0.5, (7, 50)), rng.lognormal(0, 0.3, 50)
    as_of = 2026.9
    tt = t[:, None, None]
    expr = (as_of - t50) / s + (np.minimum(tt - as_of, 0.0) + pace * np.maximum(tt - as_of, 0.0)) / s
    assert np.array_equal(maturity.logit_path(t, t50, s, as_of, pace), expr)


def test_judgement_draws_in_row_blocks(monkeypatch):
    rng = np.random.default_rng(1)
    values = np.r_[0.0, rng.random(40)]
    conf = rng.random(41)
    keys = [f"k{i % 9}" for i in range(41)]  # keys repeat: their rows share one draw
    monkeypatch.setattr(judgement, "ROW_BLOCK", 100)
    whole = judgement.draw_around(values, conf, keys, 3, 50)
    monkeypatch.setattr(judgement, "ROW_BLOCK", 6)
    blocks = judgement.draw_around(values, conf, keys, 3, 50)
    assert np.array_equal(whole, blocks)
    assert np.array_equal(judgement.draw_around(values, conf, keys, 3, 50, dtype=np.float32), whole.astype(np.float32))
    assert np.array_equal(whole[0], np.zeros(50)) and np.array_equal(whole[1] > whole[10], whole[1] > whole[10])
    assert np.array_equal(special.logit(whole[1]) - special.logit(values[1]) > 0, whole[1] > values[1])
    same = [i for i in range(1, 41) if keys[i] == keys[1]]
    z = [(special.logit(whole[i]) - special.logit(values[i])) / judgement.sigma(conf[i : i + 1]) for i in same]
    np.testing.assert_allclose(z[0], z[-1], rtol=1e-6, atol=1e-6)  # one standard-normal draw per key


def test_years_queued_on_threads_are_the_years_in_turn(eng):
    from concurrent.futures import ThreadPoolExecutor

    eng.forget_draws()
    in_turn = eng.run("expected", seed=8).evaluate()
    eng.forget_draws()  # (the past years again: each run evaluates its own, none is copied from the first)
    run = eng.run("expected", seed=8)
    with ThreadPoolExecutor(2) as pool:
        finish = run.start_evaluation(pool=pool)
        queued = finish()
    assert len(run.years) > 2
    for k in in_turn:
        assert np.array_equal(queued[k], in_turn[k], equal_nan=True), k
    E, _ = eng.run("fast", seed=8).entity_draws()  # (draws kept: the years in turn; queued below)
    eng.forget_draws()
    kept = eng.run("fast", seed=8)
    with ThreadPoolExecutor(2) as pool:
        kept.start_evaluation(keep_draws=True, pool=pool)()
    assert np.array_equal(kept.entity_draws()[0], E, equal_nan=True)
