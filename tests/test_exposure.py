"""Exposure engine: hand-computed results on tiny graphs, the maturity fit, scenarios, explanations,
forecast paths, comparison, snapshot tables and the CLI handlers. (Properties: test_exposure_properties.py)"""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from graph.exposure import api
from graph.exposure.config import LEVEL_MATURITY, MethodConfig, level_logit
from graph.exposure.explain import explain
from graph.exposure.forecast import crossing_times, forecast, quantiles_inf
from graph.exposure.frames import decimal_year
from graph.exposure.scenarios import parse_capability_override, parse_limitation_override
from graph.exposure.score import Engine, entity_exposure
from graph.exposure.synthetic import small_graph
from graph.schema import NODE_BY_NAME, REL_BY_NAME, check_value, id_matches

DRAWS = 200


def hand_graph(**kw):
    """craft:x does t1 (importance 1), t2 (0.5) and t3 (0.5, no capability). cap:a does half of t1
    (automate); cap:b does 0.4 of t1 (augment) and 0.6 of dwa:d1 (automate); t2 involves d1 and d2."""
    args = dict(
        caps={"cap:a": [("commercial", "2023-06")], "cap:b": [("demo", "2024-03")]},
        links=[
            ("cap:a", "task:craft:x.t1", 0.5, "automate"),
            ("cap:b", "task:craft:x.t1", 0.4, "augment"),
            ("cap:b", "dwa:d1", 0.6, "automate"),
        ],
        crafts={"craft:x": [("task:craft:x.t1", 1.0), ("task:craft:x.t2", 0.5), ("task:craft:x.t3", 0.5)]},
        involves=[("task:craft:x.t2", "dwa:d1"), ("task:craft:x.t2", "dwa:d2")],
        occupations={"onet:27-0001.00": [("task:craft:x.t2", 1.0)]},
        classified=[("craft:y", "onet:27-0001.00", 1.0), ("craft:x", "onet:27-0002.00", 1.0)],
        departments={"dept:d": ["craft:x", "craft:y"]},
        tools=[("tool:ta", "cap:a", "2023-09"), ("tool:tb", "cap:b", None)],
    )
    args.update(kw)
    return small_graph(**args)  # craft:y has no tasks of its own


@pytest.fixture(scope="module")
def hand():
    """Hand-computed checks of the formulas: the curated judgements are taken as given (judgement=False);
    test_judgement_* cover the draws."""
    nodes, edges = hand_graph()
    return Engine(nodes, edges, MethodConfig(draws=DRAWS, judgement=False))


# ------------------------------------------------------------------------------------------ exposure


def test_hand_computed_exposure(hand):
    cm = hand.compiled
    ei = cm.entity_index
    Md = np.zeros((len(cm.caps), 1))
    Md[cm.cap_index["cap:a"]] = 0.8
    Md[cm.cap_index["cap:b"]] = 0.5
    E, Ea = entity_exposure(hand.structure, Md, hand.config.max_share)
    e1 = 1 - (1 - 0.5 * 0.8) * (1 - 0.4 * 0.5)  # 0.52
    e2 = 0.6 / 2 * 0.5  # cap:b reaches t2 through one of its two DWAs: w = 0.6 / 2
    x = 0.5 * e1 + 0.25 * e2 + 0.25 * 0.0
    assert E[ei["craft:x"], 0] == pytest.approx(x, abs=1e-12)
    h_a, h_b = -math.log(1 - 0.4), -math.log(1 - 0.2)
    auto = 0.5 * e1 * h_a / (h_a + h_b) + 0.25 * e2
    assert Ea[ei["craft:x"], 0] == pytest.approx(auto, abs=1e-12)
    # craft:y has no tasks: its occupation's; the occupation without tasks: its craft's
    assert E[ei["craft:y"], 0] == pytest.approx(e2, abs=1e-12)
    assert E[ei["onet:27-0002.00"], 0] == pytest.approx(x, abs=1e-12)
    assert E[ei["dept:d"], 0] == pytest.approx((x + e2) / 2, abs=1e-12)
    assert E[ei["workforce:crafts"], 0] == pytest.approx((x + e2) / 2, abs=1e-12)
    ents = cm.entities.set_index("id")
    assert ents.loc["craft:y", "basis"] == "occupations" and ents.loc["onet:27-0002.00", "basis"] == "crafts"
    # potential = full maturity
    pot = dict(zip(cm.entities["id"], hand.potential(), strict=True))
    assert pot["craft:x"] == pytest.approx(0.5 * (1 - 0.5 * 0.6) + 0.25 * 0.3, abs=1e-12)


def test_summary_agrees_with_reference_and_is_in_range(hand):
    run = hand.run("expected", draws=DRAWS, seed=1)
    s = run.summary()
    assert set(s["year"]) == set(range(2024, 2036))
    assert (s[["median", "low", "high", "mean", "automation", "augmentation"]].dropna() >= 0).all().all()
    assert (s["low"] <= s["median"] + 1e-9).all() and (s["median"] <= s["high"] + 1e-9).all()
    np.testing.assert_allclose(s["automation"] + s["augmentation"], s["mean"], atol=1e-6)
    y = 3
    E, _ = entity_exposure(hand.structure, run.Md[y], hand.config.max_share, run.judgement.weights)
    row = s[(s["entity_id"] == "craft:x") & (s["year"] == run.years[y])].iloc[0]
    assert row["median"] == pytest.approx(np.median(E[hand.compiled.entity_index["craft:x"]]), abs=1e-6)


def test_limitations_damp_by_kind(hand):
    lims = [
        ("cap:a", "lim:t1", "technical", 0.5, None),
        ("cap:a", "lim:t2", "technical", 0.2, None),
        ("cap:a", "lim:l", "legal", 0.1, None),
    ]
    nodes, edges = hand_graph(limitations=lims)
    ca = 0
    for combine, factor in (("max_within_kind", 0.5 * 0.9), ("product", 0.5 * 0.8 * 0.9)):
        eng = Engine(nodes, edges, MethodConfig(draws=50, limitation_combine=combine, judgement=False))
        run = eng.run("expected", draws=50)
        ca = eng.compiled.cap_index["cap:a"]
        np.testing.assert_allclose(run.Md[:, ca, :], run.M[:, ca, :] * factor, rtol=1e-12)
    # the fast scenario lifts half of legal severity by 2030: 0.1 -> 0.05
    eng = Engine(nodes, edges, MethodConfig(draws=50, judgement=False))
    fast = eng.run("fast", draws=50)
    y = fast.years.index(2031)
    np.testing.assert_allclose(fast.Md[y, ca], fast.M[y, ca] * 0.5 * 0.95, rtol=1e-12)
    # removing a limitation by override
    sc = api.make_scenario("expected", remove=["lim:t1"])
    run = eng.run(sc, draws=50)
    np.testing.assert_allclose(run.Md[:, ca], run.M[:, ca] * 0.8 * 0.9, rtol=1e-12)
    sc = api.make_scenario("expected", remove=["lim:t1@2030"])
    run = eng.run(sc, draws=50)
    y29, y30 = run.years.index(2029), run.years.index(2030)
    np.testing.assert_allclose(run.Md[y29, ca], run.M[y29, ca] * 0.45, rtol=1e-12)
    np.testing.assert_allclose(run.Md[y30, ca], run.M[y30, ca] * 0.72, rtol=1e-12)


def test_technical_limitation_fades_with_half_life():
    nodes, edges = hand_graph(limitations=[("cap:a", "lim:t", "technical", 0.4, 2.0)])
    eng = Engine(nodes, edges, MethodConfig(draws=20, half_life_sd=0.0, as_of=2025.5, judgement=False))
    run = eng.run("expected", draws=20)
    sev = run.severities_at(np.array([2025.0, 2027.5, 2029.5]))[:, 0, :]
    np.testing.assert_allclose(sev[0], 0.4)  # the past keeps today's severity
    np.testing.assert_allclose(sev[1], 0.2)  # one half-life later
    np.testing.assert_allclose(sev[2], 0.1)
    slow = eng.run("slow", draws=20).severities_at(np.array([2028.5]))[0, 0]
    np.testing.assert_allclose(slow, 0.2)  # 1.5x the half-life


# ------------------------------------------------------------------------------------------ maturity


def _date(t: float) -> str:
    y = int(t)
    doy = (t - y) * 365.25
    d = pd.Timestamp(year=y, month=1, day=1) + pd.Timedelta(days=doy)
    return d.strftime("%Y-%m-%d")


def test_fit_recovers_a_logistic_through_its_milestones():
    t50, s = 2024.0, 0.8
    mss = [(lv, _date(t50 + s * level_logit(lv))) for lv in LEVEL_MATURITY]
    nodes, edges = hand_graph(caps={"cap:a": mss, "cap:b": [("demo", "2024-03")]})
    cfg = MethodConfig(date_noise_years=0.02, prior_log_s_sd=5.0, prior_t50_sd=50.0, pool=False, tool_evidence=False)
    eng = Engine(nodes, edges, cfg)
    q = eng.fit.quality.set_index("capability")
    assert q.loc["cap:a", "t50"] == pytest.approx(t50, abs=0.01)
    assert q.loc["cap:a", "years_per_logit"] == pytest.approx(s, abs=0.01)
    assert q.loc["cap:a", "rmse_years"] < 0.01
    assert q.loc["cap:a", "n_levels"] == 6 and q.loc["cap:a", "next_level"] == ""
    assert q.loc["cap:b", "evidence"].startswith("one level")


def test_censoring_and_pooling():
    caps = {
        f"cap:c{i}": [
            ("research", f"{2018 + i}-01"),
            ("commercial", f"{2021 + i}-01"),
            ("production_used", f"{2022 + i}-06"),
        ]
        for i in range(4)
    }
    caps["cap:one"] = [("commercial", "2024-06")]
    caps["cap:none"] = []
    nodes, edges = hand_graph(caps=caps, links=[("cap:one", "task:craft:x.t1", 0.5, "automate")], tools=[])
    eng = Engine(nodes, edges, MethodConfig(draws=DRAWS))
    prior = eng.fit.prior
    assert prior.pooled_from == 4
    q = eng.fit.quality.set_index("capability")
    # the pooled pace is the pace of the well-observed capabilities
    assert prior.log_s_mean == pytest.approx(
        np.log(q.loc[[f"cap:c{i}" for i in range(4)], "years_per_logit"]).mean(), abs=0.15
    )
    # one milestone: censored at the next level (not production_used by the as-of date)
    one = q.loc["cap:one"]
    assert one["next_level"] == "production_used"
    assert one["maturity_as_of"] < LEVEL_MATURITY["production_used"] + 0.05
    # no evidence: not even at research level today
    assert q.loc["cap:none", "maturity_as_of"] < 0.1


def test_capability_override_by_and_not_before(hand):
    cm = hand.compiled
    a = cm.cap_index["cap:a"]
    base = hand.run("expected", draws=DRAWS)
    sc = api.make_scenario("expected", reach=["cap:a=industry_standard@2028-06"])
    run = hand.run(sc, draws=DRAWS)
    y28 = run.years.index(2028)
    assert (run.M[:, a] >= base.M[:, a] - 1e-12).all()
    assert np.all(run.M[y28, a] >= LEVEL_MATURITY["industry_standard"] - 1e-9)
    past = [i for i, y in enumerate(run.years) if y + 0.5 <= cm.as_of]
    np.testing.assert_array_equal(run.M[past, a], base.M[past, a])  # the past does not change
    delay = hand.run(api.make_scenario("expected", delay=["cap:a=production_used@2034"]), draws=DRAWS)
    assert (delay.M[:, a] <= base.M[:, a] + 1e-12).all()
    y33 = delay.years.index(2033)
    not_yet = base.maturity_at(np.array([cm.as_of]))[0][0, a] < LEVEL_MATURITY["production_used"]
    assert not_yet.any() and (~not_yet).any()  # draws already past the level today are left alone
    assert np.all(delay.M[y33, a][not_yet] <= LEVEL_MATURITY["production_used"] + 1e-9)


def test_scenarios_agree_on_the_past_and_order_the_future(hand):
    runs = {s: hand.run(s, draws=DRAWS) for s in ("slow", "expected", "fast")}
    cm = hand.compiled
    y_now = [i for i, y in enumerate(runs["slow"].years) if y + 0.5 <= cm.as_of]
    for s in ("expected", "fast"):
        np.testing.assert_allclose(runs[s].M[y_now], runs["slow"].M[y_now])
    s = {k: r.summary().set_index(["entity_id", "year"]) for k, r in runs.items()}
    last = (
        s["slow"].loc[("craft:x", 2035), "median"],
        s["expected"].loc[("craft:x", 2035), "median"],
        s["fast"].loc[("craft:x", 2035), "median"],
    )
    assert last[0] < last[1] < last[2]


def test_parsing_overrides():
    o = parse_capability_override("cap:x=production_used@2026-06")
    assert (o.capability, o.level, o.mode) == ("cap:x", "production_used", "by")
    assert o.date == pytest.approx(2026 + 5.5 / 12)
    lo = parse_limitation_override("lim:y=0.2@2027", "set")
    assert (lo.limitation, lo.severity, lo.from_date) == ("lim:y", 0.2, 2027.5)
    with pytest.raises(ValueError):
        parse_capability_override("cap:x=soon@2026")
    with pytest.raises(ValueError):
        parse_limitation_override("lim:y=2", "set")
    assert decimal_year("2024") == (2024.5, 1 / 12)


# ------------------------------------------------------------------------------------------ explain / forecast


def test_explanation_accounts_for_the_total(hand):
    lims = [
        ("cap:a", "lim:t1", "technical", 0.5, 3.0),
        ("cap:a", "lim:t2", "technical", 0.2, None),
        ("cap:b", "lim:l", "legal", 0.3, None),
    ]
    nodes, edges = hand_graph(limitations=lims)
    eng = Engine(nodes, edges, MethodConfig(draws=DRAWS))
    run = eng.run("expected", draws=DRAWS)
    for ent in ("craft:x", "craft:y", "dept:d", "onet:27-0002.00", "workforce:crafts"):
        x = explain(run, ent, 2027)
        t = x.total.iloc[0]
        assert t["sum_of_contributions"] == pytest.approx(t["mean"], abs=1e-12)
        for part in (x.by_capability, x.by_task, x.by_tool, x.links):
            assert part["contribution"].sum() == pytest.approx(t["mean"], abs=1e-12)
        assert x.by_capability["automation"].sum() + x.by_capability["augmentation"].sum() == pytest.approx(t["mean"])
        assert t["sum_of_held_back"] == pytest.approx(t["held_back"], abs=1e-12)
        s = run.summary()
        assert t["median"] == pytest.approx(s[(s.entity_id == ent) & (s.year == 2027)]["median"].iloc[0], abs=1e-6)
    x = explain(run, "craft:x", 2027)
    held = x.by_limitation.set_index("limitation")["held_back"]
    # with judgement draws lim:t2 binds only in the draws where it comes out above lim:t1
    assert held.get("lim:t2", 0.0) < held["lim:t1"]
    fixed = Engine(nodes, edges, MethodConfig(draws=DRAWS, judgement=False)).run("expected", draws=DRAWS)
    # with the curated severities lim:t2 never binds (lim:t1 is more severe, same kind): it holds nothing back
    assert "lim:t2" not in set(explain(fixed, "craft:x", 2027).by_limitation["limitation"])
    link = x.links[(x.links["capability"] == "cap:b") & (x.links["task_id"] == "task:craft:x.t2")].iloc[0]
    assert link["path"] == "dwa" and link["via"] == "dwa:d1" and link["sources"] == ["src:test"]
    assert set(x.by_tool["tool"]) == {"tool:ta", "tool:tb"}
    with pytest.raises(KeyError):
        explain(run, "craft:nope", 2027)


def test_forecast_orders_links_by_crossing_date(hand):
    run = hand.run("expected", draws=DRAWS)
    f = forecast(run, "craft:x", thresholds=(0.1, 0.3))
    assert list(f.columns[:2]) == ["threshold", "order"]
    for _, g in f.groupby("threshold"):
        assert g["t_median"].is_monotonic_increasing
    # a link whose weight is below the threshold cannot cross it
    assert not ((f["threshold"] == 0.3) & (f["weight"] < 0.3)).any()
    t = crossing_times(np.array([[0.0, 0.5, 0.0], [0.2, 0.6, 0.05], [0.4, 0.7, 0.05]]), np.array([0.0, 1.0, 2.0]), 0.3)
    np.testing.assert_allclose(t, [1.5, 0.0, np.inf])
    assert quantiles_inf(np.array([1.0, 2.0, np.inf, np.inf]), (0.5,)) == [float("inf")]


# ------------------------------------------------------------------------------------------ compare


def test_compare_spearman_with_n():
    occs = {f"onet:27-{1000 + i}.00": [(f"task:onet:{i}", 1.0)] for i in range(6)}
    occs["onet:11-2000.00"] = [("task:onet:99", 1.0)]
    occs["onet:11-3000.00"] = [("task:onet:98", 1.0)]  # nothing reaches it: not assessed, not compared
    links = [("cap:a", f"task:onet:{i}", 0.1 + 0.1 * i, "automate") for i in range(6)]
    links.append(("cap:a", "task:onet:99", 0.7, "automate"))
    ratings = [("study:s", "beta", o, float(i)) for i, o in enumerate(occs)]  # same order as our weights
    ratings += [("study:t", "task_score", f"task:onet:{i}", float(-i)) for i in range(6)]
    nodes, edges = hand_graph(
        caps={"cap:a": [("commercial", "2023-06")]},
        links=links,
        crafts={},
        occupations=occs,
        classified=[],
        departments={},
        tools=[],
        ratings=ratings,
    )
    eng = Engine(nodes, edges, MethodConfig(draws=DRAWS))
    corr, dis = api.compare(eng, year=2026)
    c = corr.set_index(["study", "basis", "subset"])
    assert c.loc[("study:s", "potential", "all"), "n"] == 7
    assert c.loc[("study:s", "current", "all"), "n_scored_by_craftgraph"] == 7
    assert c.loc[("study:s", "potential", "soc27"), "n"] == 6
    assert c.loc[("study:s", "potential", "soc27"), "spearman"] == pytest.approx(1.0)
    assert c.loc[("study:t", "potential", "soc27"), "spearman"] == pytest.approx(-1.0)
    assert c.loc[("study:t", "current", "all"), "level"] == "task"
    assert len(dis) and set(dis["direction"]) <= {"CraftGraph higher", "study higher"}


# ------------------------------------------------------------------------------------------ tables / api / cli


def test_score_tables_follow_the_schema_and_are_deterministic():
    nodes, edges = hand_graph()
    n1, e1 = api.score_tables(nodes, edges, "build-1", draws=100, seed=3)
    n2, e2 = api.score_tables(nodes, edges, "build-1", draws=100, seed=3)
    pd.testing.assert_frame_equal(n1["ExposureScore"], n2["ExposureScore"])
    pd.testing.assert_frame_equal(e1["HAS_SCORE"], e2["HAS_SCORE"])
    df = n1["ExposureScore"]
    assert df["id"].is_unique and len(df) == 3 * 12 * 8  # 8 entities with a basis (workforce:all, 27 and crafts)
    label = NODE_BY_NAME["ExposureScore"]
    for r in df.head(40).to_dict("records"):
        assert id_matches("ExposureScore", r["id"])
        for p in label.all_props:
            assert check_value(p, r.get(p.name)) is None, (p.name, r.get(p.name))
    rel = REL_BY_NAME["HAS_SCORE"]
    pairs = set(zip(e1["HAS_SCORE"]["src_label"], e1["HAS_SCORE"]["dst_label"], strict=True))
    assert pairs <= set(rel.pairs)
    assert (df["build_id"] == "build-1").all() and (df["method_version"] == api.METHOD_VERSION).all()


def test_past_years_reused_across_scenarios_only_where_the_same():
    """Every scenario agrees on the years up to the as-of date: a run reuses another's results there and
    gives what it gives alone; a scenario that changes the past (a limitation removed throughout) is not
    given another's results."""
    lims = [("cap:a", "lim:t1", "technical", 0.5, None), ("cap:a", "lim:l", "legal", 0.1, None)]
    nodes, edges = hand_graph(limitations=lims)

    def summary(*scenarios):
        eng = Engine(nodes, edges, MethodConfig(draws=100))
        for sc in scenarios:
            s = eng.run(sc, draws=100, seed=5).summary()
        return eng, s

    removed = api.make_scenario("expected", remove=["lim:t1"])
    for first, then in (("slow", "fast"), ("expected", removed)):
        eng, both = summary(first, then)
        _, alone = summary(then)
        pd.testing.assert_frame_equal(both, alone, check_exact=True)
        assert eng._past is not None and len(eng._past[1]) >= 1  # years before the as-of date were kept


def test_score_units_round_as_python_does():
    """The vectorised rounding gives round(x, 6) clipped by min/max bit for bit, halfway cases and -0.0
    included, and None for what is missing or not finite."""
    rng = np.random.default_rng(7)
    halves = (rng.integers(-(10**6), 2 * 10**6, 20_000) + 0.5) / 1e6
    x = np.concatenate(
        [rng.random(20_000), rng.normal(0, 2, 2_000), halves, np.nextafter(halves, 2), np.nextafter(halves, -2)]
    )
    x = np.concatenate([x, [np.nan, np.inf, -np.inf, -0.0, -1e-9, -4e-7, 5e-7, 1e300, -1e300, 0.9999995]])
    got = api._units(pd.Series(x)).tolist()
    want = [None if not math.isfinite(f) else min(max(round(f, 6), 0.0), 1.0) for f in x.tolist()]
    assert [None if math.isnan(v) else v.hex() for v in got] == [None if v is None else v.hex() for v in want]
    assert str(api._units(pd.Series([None, 0.25], dtype=object)).tolist()) == "[nan, 0.25]"


def test_score_ids_made_per_entity_are_score_id():
    ents = ["craft:picture-editor", "onet:27-1011.00", "..odd Σ id!", "Dept:ÉTÉ", "-x", "a.b"]
    for scenario in ("expected", "fast+lapsed-at-expiry", "Ünïcode scénario"):
        years = [2024, 2035, 2030, 2026, 2027, 2031]
        want = [api.score_id(e, scenario, y) for e, y in zip(ents, years, strict=True)]
        assert api._score_ids(ents, scenario, years) == want


def test_table_frames_from_rows_and_from_columns_agree():
    from graph.tables import _frame, columns_frame

    cols = ["id", "n", "ids", "w", "empty", "_where"]
    rows = [{"id": "a", "n": 1, "ids": ["s1"], "w": float("nan")}, {"id": "b", "w": 0.5, "_where": "f.csv:3"}]
    by_rows = _frame(rows, cols)
    by_cols = columns_frame({c: [r.get(c) for r in rows] for c in ("id", "n", "ids", "w", "_where")}, cols)
    for df in (by_rows, by_cols):
        assert df.to_dict("records") == [
            {"id": "a", "n": 1, "ids": ["s1"], "w": None, "empty": None, "_where": None},
            {"id": "b", "n": None, "ids": None, "w": 0.5, "empty": None, "_where": "f.csv:3"},
        ]
        assert type(df.loc[0, "n"]) is int and all(d == np.dtype(object) for d in df.dtypes)
    with pytest.raises(ValueError, match="not in the schema"):
        _frame([{"id": "a", "bogus": 1}], cols)
    assert list(_frame([], cols).columns) == cols


def test_api_frames(hand):
    nodes, edges = hand_graph()
    g = SimpleNamespace(nodes=nodes, edges=edges)
    ex = api.exposure(g, level="craft", year=2028, draws=DRAWS)
    assert set(ex["entity_id"]) == {"craft:x", "craft:y"} and (ex["year"] == 2028).all()
    assert len(api.exposure(g, level="occupation", draws=DRAWS)) == 2 * 12
    assert set(api.exposure(g, level="task", year=2028, draws=DRAWS)["task_id"]) == {
        "task:craft:x.t1",
        "task:craft:x.t2",
    }
    assert api.engine(g) is api.engine(g)
    assert {"capability", "maturity", "damped"} <= set(api.maturity(g, draws=DRAWS).columns)
    assert set(api.scenarios()["scenario"]) == {"slow", "expected", "fast"}
    assert len(api.fit_quality(g)) == 2
    with pytest.raises(ValueError):
        api.explain(g, craft="craft:x", occupation="onet:27-0001.00")


@pytest.fixture
def run_cli(monkeypatch):
    """`craftgraph ARGS...` through the real app, scoring the hand-made graph instead of a snapshot."""
    from cli.commands import exposure as commands
    from cli.main import main

    nodes, edges = hand_graph()
    g = SimpleNamespace(nodes=nodes, edges=edges)
    monkeypatch.setattr(commands, "load_graph", lambda home: g)
    return lambda *argv: main([*argv, "--draws", str(DRAWS)])


def test_cli_commands(hand, run_cli, capsys):
    assert run_cli("exposure", "--level", "craft", "--year", "2028", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["entity_id"] for r in rows} == {"craft:x", "craft:y"}
    assert all({"technical_median", "coverage", "coverage_status", "coverage_reason"} <= set(r) for r in rows)
    assert run_cli("exposure", "--year", "2030", "--at-expiry", "lapsed", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)
    assert run_cli("exposure", "--level", "department", "--all-years", "--format", "csv") == 0
    assert capsys.readouterr().out.startswith("entity_id,")
    assert run_cli("explain", "--craft", "craft:x", "--year", "2028", "--top", "5") == 0
    out = capsys.readouterr().out
    assert "sum of contributions" in out and "capability:" in out
    assert run_cli("explain", "--craft", "craft:nope", "--year", "2028", "--part", "all") == 2
    assert capsys.readouterr().err.startswith("explain: ")
    assert run_cli("forecast", "--craft", "craft:x", "--threshold", "0.1", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)[0]["threshold"] == 0.1
    assert run_cli("compare", "--top", "5") == 0
    assert "no study ratings" in capsys.readouterr().out
    assert run_cli("bands", "--year", "2030", "--format", "json") == 0
    b = json.loads(capsys.readouterr().out)
    assert {r["entity_id"] for r in b} == {"craft:x", "craft:y"}
    assert all(abs(r["timing_share"] + r["judgement_share"] - 1) < 1e-9 for r in b)
    assert run_cli("maturity", "--year", "2027", "--reach", "cap:a=production_used@2027") == 0
    assert "cap:a" in capsys.readouterr().out


def test_cli_usage_mistakes(run_cli, capsys):
    assert run_cli("explain") == 2  # no entity
    assert run_cli("explain", "--craft", "craft:x", "--occupation", "onet:27-0001.00") == 2
    assert "cannot be used together" in capsys.readouterr().err
    assert run_cli("exposure", "--at-expiry", "forever") == 1
    assert "at_expiry is one of" in capsys.readouterr().err
    assert run_cli("exposure", "--reach", "nonsense") == 1  # a scenario override that does not parse
    err = capsys.readouterr().err
    assert err.startswith("exposure: ") and err.count("\n") == 1
    assert run_cli("backtest", "--selection-only", "--write", "docs") == 2  # nothing held back to write
    assert "nothing to --store or --write" in capsys.readouterr().err


def test_every_capability_fit_of_the_repository_catalog_converges(catalog_home):
    """Each curve converges, or is prior-only with its reason; a non-converged fit fails here."""
    from graph import store

    q = api.fit_quality(store.load(catalog_home))
    bad = q.loc[~q["converged"], ["capability", "fit_status"]]
    assert bad.empty, bad.to_string()
    prior_only = q[q["n_levels"] == 0]
    assert prior_only["fit_status"].str.startswith("prior only:").all()
    assert q.loc[q["n_levels"] > 0, "fit_status"].str.startswith("converged").all()


def test_a_fit_that_cannot_converge_is_reported(monkeypatch):
    """The convergence check is real: with a polish that stops at once and a crude start it reports failure."""
    from graph.exposure import maturity as mt

    monkeypatch.setattr(mt, "_newton_polish", lambda theta, args, steps=10: (theta + 0.5, mt._hessian(theta, args)))
    cfg = api.MethodConfig()
    obs = [("research", 2020.5, 0.0, "a"), ("commercial", 2023.5, 0.0, "b")]
    prior = mt.default_prior(2025.0, cfg)
    _, _, _, ok = mt._fit_one(obs, "production_used", 2025.0, prior, cfg)
    assert not ok


# ------------------------------------------------------------------------------------------ coverage, terms


def test_unreached_entities_are_not_assessed_never_zero():
    """A craft nothing reaches gets no score (NaN) and a reason; aggregates leave it out and say so."""
    nodes, edges = hand_graph(
        crafts={
            "craft:x": [("task:craft:x.t1", 1.0), ("task:craft:x.t3", 1.0)],
            "craft:grip": [("task:craft:grip.t1", 1.0)],
            "craft:rigger": [("task:craft:rigger.t1", 1.0)],
        },
        departments={"dept:d": ["craft:x", "craft:grip"], "dept:g": ["craft:rigger"]},
    )
    eng = Engine(nodes, edges, MethodConfig(draws=DRAWS))
    ents = eng.compiled.entities.set_index("id")
    assert ents.loc["craft:grip", "coverage_status"] == "not assessed"
    assert "no capability" in ents.loc["craft:grip", "coverage_reason"]
    assert ents.loc["craft:x", "coverage"] == pytest.approx(0.5)
    assert ents.loc["craft:x", "coverage_status"] == "assessed"
    assert ents.loc["dept:d", "members"] == 1 and ents.loc["dept:d", "members_total"] == 2
    assert ents.loc["dept:g", "coverage_status"] == "not assessed"
    assert ents.loc["workforce:crafts", "members"] == ents.loc["workforce:crafts", "members_total"] - 2
    s = eng.run("expected", years=(2026,), draws=DRAWS).summary().set_index("entity_id")
    assert np.isnan(s.loc["craft:grip", "median"]) and np.isnan(s.loc["dept:g", "high"])
    # the department is its assessed craft alone, not diluted by a false zero
    assert s.loc["dept:d", "median"] == pytest.approx(s.loc["craft:x", "median"])
    n, _ = api.score_tables(nodes, edges, "b", years=(2026,), draws=50)
    grip = n["ExposureScore"].set_index("entity_id").loc["craft:grip"]
    assert (grip["coverage_status"] == "not assessed").all() and grip["median"].isna().all()


def _with_terms(nodes, **terms):
    lim = nodes["Limitation"].copy()
    for k, v in terms.items():
        lim[k] = v
    return {**nodes, "Limitation": lim}


def test_legal_terms_act_while_in_force_and_at_expiry_as_the_scenario_says():
    nodes, edges = hand_graph(limitations=[("cap:a", "lim:contract", "legal", 0.6, None)])
    years = (2025, 2026, 2028, 2030)
    dated = _with_terms(nodes, in_force_from="2026-01-01", in_force_until="2027-07-31", jurisdiction="US")
    eng = Engine(dated, edges, MethodConfig(draws=DRAWS))

    def craft(scenario):
        s = eng.run(scenario, years=years, draws=DRAWS).summary()
        return s[s["entity_id"] == "craft:x"].set_index("year")

    renewed = craft("expected")
    lapsed = craft(api.make_scenario("expected", at_expiry="lapsed"))
    stronger = craft(api.make_scenario("expected", at_expiry="strengthened"))
    # before the instrument is in force the term does not act: permitted = technical
    assert renewed.loc[2025, "median"] == pytest.approx(renewed.loc[2025, "technical_median"])
    # in force: the term holds the permitted reach below the technical reach
    assert renewed.loc[2026, "median"] < renewed.loc[2026, "technical_median"] - 1e-3
    # after expiry: renewed keeps it, lapsed drops it, strengthened tightens it
    assert lapsed.loc[2030, "median"] == pytest.approx(lapsed.loc[2030, "technical_median"])
    assert lapsed.loc[2030, "median"] > renewed.loc[2030, "median"] + 1e-3
    assert stronger.loc[2030, "median"] < renewed.loc[2030, "median"] - 1e-3
    assert lapsed.loc[2026, "median"] == pytest.approx(renewed.loc[2026, "median"])
    # technical reach does not depend on what happens to contracts
    assert lapsed.loc[2030, "technical_median"] == pytest.approx(renewed.loc[2030, "technical_median"])
    with pytest.raises(ValueError, match="at_expiry"):
        api.make_scenario("expected", at_expiry="forever")


def test_legal_terms_are_dated_by_the_instruments_that_ground_them():
    """A legal limitation grounded on an agreement (directly or through a clause) and its successor is in force
    from the first one's effective date to the successor's expiry; a bill without effect dates nothing."""
    from graph.exposure.evidence import instrument_terms

    nodes, edges = hand_graph(limitations=[("cap:a", "lim:contract", "legal", 0.6, None)])
    nodes = {
        **nodes,
        "Instrument": pd.DataFrame(
            {
                "id": ["inst:a-2024", "inst:a-2027", "inst:bill"],
                "effective": ["2024-08-01", "2027-08-01", None],
                "expiry": ["2027-07-31", "2030-07-31", None],
                "jurisdiction": ["US", "US", "US"],
            }
        ),
    }
    edges = {
        **edges,
        "GROUNDS": pd.DataFrame(
            {
                "src": ["inst:a-2024", "clause:a-2027.1", "inst:bill"],
                "dst": ["lim:contract"] * 3,
                "src_label": ["Instrument", "Clause", "Instrument"],
                "dst_label": ["Limitation"] * 3,
            }
        ),
        "IN_INSTRUMENT": pd.DataFrame(
            {"src": ["clause:a-2027.1"], "dst": ["inst:a-2027"], "src_label": ["Clause"], "dst_label": ["Instrument"]}
        ),
    }
    t = instrument_terms(nodes, edges)["lim:contract"]
    assert t["in_force_from"] == pytest.approx(2024 + 7 / 12, abs=3e-3)  # 2024-08-01
    assert t["in_force_until"] == pytest.approx(2030 + 7 / 12, abs=3e-3)  # 2030-07-31
    assert t["instruments"] == ["inst:a-2024", "inst:a-2027"]
    eng = Engine(nodes, edges, MethodConfig(draws=DRAWS))
    lapsed = eng.run(api.make_scenario("expected", at_expiry="lapsed"), years=(2029, 2031), draws=DRAWS).summary()
    renewed = eng.run("expected", years=(2029, 2031), draws=DRAWS).summary()
    x = lambda s, y: s[(s.entity_id == "craft:x") & (s.year == y)]["median"].iloc[0]  # noqa: E731
    assert x(lapsed, 2029) == pytest.approx(x(renewed, 2029))  # still in force under the successor
    assert x(lapsed, 2031) > x(renewed, 2031) + 1e-3  # the successor expired in 2030 and lapsed


def test_inherited_paths_are_discounted_when_broad_and_blocked_when_excluded():
    # dwa:d1 is involved by task t2 only; dwa:wide by 40 tasks of other occupations too
    wide = [(f"task:onet:w{i}", "dwa:wide") for i in range(40)]
    occs = {"onet:27-0001.00": [("task:craft:x.t2", 1.0)], "onet:11-0001.00": [(t, 1.0) for t, _ in wide]}
    base = dict(
        links=[("cap:a", "dwa:wide", 0.5, "augment"), ("cap:b", "dwa:d1", 0.6, "automate")],
        involves=[("task:craft:x.t2", "dwa:d1"), ("task:craft:x.t3", "dwa:wide"), *wide],
        occupations=occs,
    )
    nodes, edges = hand_graph(**base)
    links = Engine(nodes, edges, MethodConfig(draws=20)).compiled.links.set_index(["capability", "task_id"])
    assert links.loc[("cap:b", "task:craft:x.t2"), "weight"] == pytest.approx(0.6)  # specific: no discount
    assert links.loc[("cap:a", "task:craft:x.t3"), "weight"] == pytest.approx(0.5 * np.sqrt(25 / 41))
    off = Engine(nodes, edges, MethodConfig(draws=20, activity_broad_tasks=None)).compiled.links
    assert off.set_index(["capability", "task_id"]).loc[("cap:a", "task:craft:x.t3"), "weight"] == pytest.approx(0.5)
    blocked = pd.DataFrame(
        {"src": ["cap:b"], "dst": ["task:craft:x.t2"], "src_label": ["Capability"], "dst_label": ["Task"]}
    )
    eng = Engine(nodes, {**edges, "NOT_VIA_ACTIVITY": blocked}, MethodConfig(draws=20))
    pairs = set(zip(eng.compiled.links["capability"], eng.compiled.links["task_id"], strict=True))
    assert ("cap:b", "task:craft:x.t2") not in pairs and ("cap:a", "task:craft:x.t3") in pairs


def test_diagnostics_path_shares_and_ranking_sensitivity():
    from graph.exposure import diagnostics

    nodes, edges = hand_graph()
    shares = diagnostics.path_shares(Engine(nodes, edges, MethodConfig(draws=50)), year=2030, draws=50)
    assert shares["share"].sum() == pytest.approx(1.0)
    assert set(shares["path"]) <= set(diagnostics.PATH_LABELS.values())
    sens = diagnostics.ranking_sensitivity(nodes, edges, year=2030, draws=50)
    assert len(sens) == len(diagnostics.sensitivity_variants()) and sens["crafts"].gt(0).all()


def test_explanations_name_their_sources_readably():
    nodes, edges = hand_graph()
    x = api.explain(Engine(nodes, edges, MethodConfig(draws=20)), craft="craft:x", year=2028)
    refs = [r for rs in x.links["sources_refs"] for r in rs]
    assert refs and all(r.startswith("test") and "<https://example.org>" in r for r in refs)


def test_stall_share_holds_back_only_the_future_of_capabilities_waiting_at_an_adoption_level():
    """cap:a is at commercial (next: production use, an adoption level), cap:b at demo: a stall share delays
    cap:a's future in some draws and changes nothing else, nor anything up to the as-of date."""
    nodes, edges = hand_graph()
    plain = Engine(nodes, edges, MethodConfig(draws=DRAWS, judgement=False, stall_share=0.0))
    stall = Engine(nodes, edges, MethodConfig(draws=DRAWS, judgement=False, stall_share=0.6, stall_years=5.0))
    a, b = plain.compiled.cap_index["cap:a"], plain.compiled.cap_index["cap:b"]
    rp, rs = plain.run("expected", draws=DRAWS, seed=3), stall.run("expected", draws=DRAWS, seed=3)
    past = rp.times <= plain.compiled.as_of
    assert past.any() and (~past).any()
    assert np.array_equal(rp.M[past], rs.M[past])
    assert np.array_equal(rp.M[:, b], rs.M[:, b])
    assert (rs.M[~past, a] <= rp.M[~past, a]).all()
    assert np.median(rs.M[-1, a]) < np.median(rp.M[-1, a])
    # the split of the band: timing at its best estimate has no stall either
    assert np.array_equal(
        plain.run("expected", draws=DRAWS, seed=3, vary="judgement").M,
        stall.run("expected", draws=DRAWS, seed=3, vary="judgement").M,
    )
