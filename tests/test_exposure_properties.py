"""Properties of the exposure engine on random small graphs (hypothesis):
scores stay in [0, 1]; raising a maturity or a link weight never lowers exposure; removing a limitation
never lowers it; contributions account for the total; same inputs and seed give identical results."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.exposure import api
from graph.exposure.config import MethodConfig
from graph.exposure.explain import explain
from graph.exposure.score import Engine
from graph.exposure.synthetic import small_graph
from graph.schema import LIMITATION_KINDS, MILESTONE_LEVELS

DRAWS = 48
YEARS = (2024, 2027, 2030, 2035)
CFG = MethodConfig(draws=DRAWS)
TOL = 2e-6  # the summaries run in float32
# a few examples per property keep the file fast; EXPOSURE_EXAMPLES=200 for a thorough run
SETTINGS = settings(
    max_examples=int(os.environ.get("EXPOSURE_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

CAPS = ["cap:a", "cap:b", "cap:c"]
TASKS = ["task:craft:x.t1", "task:craft:x.t2", "task:craft:y.t1", "task:onet:1"]
DWAS = ["dwa:d1", "dwa:d2"]


@st.composite
def graphs(draw):
    caps = {}
    for c in CAPS[: draw(st.integers(1, 3))]:
        n = draw(st.integers(0, 3))
        caps[c] = [
            (draw(st.sampled_from(MILESTONE_LEVELS)), f"{draw(st.integers(2018, 2025))}-{draw(st.integers(1, 12)):02d}")
            for _ in range(n)
        ]
    weight = st.floats(0.05, 1.0).map(lambda x: round(x, 3))
    links = []
    for c in caps:
        for target in draw(st.lists(st.sampled_from(TASKS + DWAS), min_size=1, max_size=3, unique=True)):
            links.append((c, target, draw(weight), draw(st.sampled_from(["automate", "augment"]))))
    lims = []
    for i, c in enumerate(caps):
        for j in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(LIMITATION_KINDS))
            hl = draw(st.one_of(st.none(), st.floats(0.5, 8.0))) if kind == "technical" else None
            lims.append((c, f"lim:l{i}{j}", kind, round(draw(st.floats(0.0, 0.95)), 3), hl))
    spec = dict(
        caps=caps,
        links=links,
        limitations=lims,
        crafts={"craft:x": [(TASKS[0], draw(weight)), (TASKS[1], draw(weight))], "craft:y": [(TASKS[2], 1.0)]},
        occupations={"onet:27-0001.00": [(TASKS[3], 1.0), (TASKS[0], draw(weight))]},
        involves=[(t, d) for t in TASKS for d in DWAS if draw(st.booleans())],
        classified=[("craft:z", "onet:27-0001.00", 1.0)],
        departments={"dept:d": ["craft:x", "craft:y", "craft:z"]},
    )
    return spec


def summary(spec, scenario="expected", seed=0) -> pd.DataFrame:
    nodes, edges = small_graph(**spec)
    return Engine(nodes, edges, CFG).run(scenario, years=YEARS, draws=DRAWS, seed=seed).summary()


def assert_not_lower(after: pd.DataFrame, before: pd.DataFrame) -> None:
    cols = ["median", "low", "high", "mean"]
    a = after.set_index(["entity_id", "year"])[cols]
    b = before.set_index(["entity_id", "year"])[cols].loc[a.index]
    diff = (a - b).to_numpy()
    assert np.all(np.nan_to_num(diff, nan=0.0) >= -TOL), float(np.nanmin(diff))


@SETTINGS
@given(graphs())
def test_scores_in_unit_interval(spec):
    s = summary(spec, "fast")
    v = s[["median", "low", "high", "mean", "automation", "augmentation", "potential"]].to_numpy(dtype=float)
    v = v[~np.isnan(v)]
    assert np.all(v >= 0.0) and np.all(v <= 1.0 + 1e-9)
    assert np.all(s["low"].dropna() <= s["median"].dropna() + 1e-9)
    assert np.all(s["mean"].dropna() <= s["potential"].dropna() + 1e-6)


@SETTINGS
@given(graphs(), st.data())
def test_raising_a_link_weight_never_lowers_exposure(spec, data):
    i = data.draw(st.integers(0, len(spec["links"]) - 1))
    c, t, w, m = spec["links"][i]
    higher = dict(
        spec,
        links=[*spec["links"][:i], (c, t, min(1.0, w + data.draw(st.floats(0.0, 0.9))), m), *spec["links"][i + 1 :]],
    )
    assert_not_lower(summary(higher), summary(spec))


@SETTINGS
@given(graphs(), st.data())
def test_raising_a_maturity_never_lowers_exposure(spec, data):
    cap = data.draw(st.sampled_from(sorted(spec["caps"])))
    level = data.draw(st.sampled_from(MILESTONE_LEVELS))
    date = f"{data.draw(st.integers(2020, 2034))}-06"
    nodes, edges = small_graph(**spec)
    eng = Engine(nodes, edges, CFG)
    base = eng.run("expected", years=YEARS, draws=DRAWS).summary()
    raised = eng.run(api.make_scenario("expected", reach=[f"{cap}={level}@{date}"]), years=YEARS, draws=DRAWS)
    assert_not_lower(raised.summary(), base)


@SETTINGS
@given(graphs(), st.data())
def test_removing_a_limitation_never_lowers_exposure(spec, data):
    if not spec["limitations"]:
        return
    i = data.draw(st.integers(0, len(spec["limitations"]) - 1))
    without = dict(spec, limitations=[*spec["limitations"][:i], *spec["limitations"][i + 1 :]])
    scenario = data.draw(st.sampled_from(["slow", "expected", "fast"]))
    if data.draw(st.booleans()):  # the limitation leaves the graph
        assert_not_lower(summary(without, scenario), summary(spec, scenario))
    else:  # a scenario override removes it (from a date)
        nodes, edges = small_graph(**spec)
        eng = Engine(nodes, edges, CFG)
        lim = spec["limitations"][i][1] + data.draw(st.sampled_from(["", "@2024", "@2029-06"]))
        removed = eng.run(api.make_scenario(scenario, remove=[lim]), years=YEARS, draws=DRAWS).summary()
        assert_not_lower(removed, eng.run(scenario, years=YEARS, draws=DRAWS).summary())


@SETTINGS
@given(graphs(), st.sampled_from(YEARS))
def test_contributions_account_for_the_total(spec, year):
    nodes, edges = small_graph(**spec)
    run = Engine(nodes, edges, CFG).run("expected", years=YEARS, draws=DRAWS)
    for ent in ("craft:x", "craft:z", "dept:d", "onet:27-0001.00"):
        x = explain(run, ent, year)
        t = x.total.iloc[0]
        if not np.isfinite(t["mean"]):  # not assessed: no score and nothing to account for
            assert all(part["contribution"].sum() == 0 for part in (x.links, x.by_capability, x.by_task))
            continue
        for part in (x.links, x.by_capability, x.by_task, x.by_tool):
            assert abs(part["contribution"].sum() - t["mean"]) < 1e-9
        assert abs(t["sum_of_held_back"] - t["held_back"]) < 1e-9
        assert t["held_back"] >= -1e-12


@SETTINGS
@given(graphs(), st.integers(0, 2**31 - 1))
def test_same_inputs_and_seed_give_identical_results(spec, seed):
    a = summary(spec, "fast", seed)
    nodes, edges = small_graph(**spec)
    # the same graph with every frame's rows in another order
    shuffled_n = {k: v.sample(frac=1.0, random_state=1).reset_index(drop=True) for k, v in nodes.items()}
    shuffled_e = {k: v.sample(frac=1.0, random_state=2).reset_index(drop=True) for k, v in edges.items()}
    b = Engine(shuffled_n, shuffled_e, CFG).run("fast", years=YEARS, draws=DRAWS, seed=seed).summary()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
