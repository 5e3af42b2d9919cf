"""Published exposure indices next to CraftGraph's scores (comparison only: they never set a link or a
weight). Memoized per build (explorer.cache); no Streamlit."""

from __future__ import annotations

import pandas as pd

from explorer import scores
from explorer.cache import Build, memoized
from explorer.scenario import Spec, make_scenario, spec
from graph.exposure import api
from graph.exposure.compare import study_scores as engine_study_scores

SIDE_BY_SIDE = ["study_name", "study", "measure", "score", "level", "percentile_study"]


@memoized
def study_scores(b: Build) -> pd.DataFrame:
    """Every study's score per occupation (and measure), with the study's name."""
    eng = b.engine()
    with b.engine_lock:
        s = engine_study_scores(eng.run(make_scenario(spec()))).copy()
    s["study_name"] = s["study"].map(lambda x: eng.study_names.get(x, x))
    return s


@memoized
def compare(b: Build, year: int, sc: Spec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(correlations, disagreements) between CraftGraph's occupation scores and each study."""
    eng = b.engine()
    with b.engine_lock:
        return api.compare(eng, year=year, scenario=make_scenario(sc))


def literature_for(b: Build, occ_id: str, year: int, scenario: str) -> pd.DataFrame | None:
    """The study scores for one occupation with their percentile among the study's occupations, next to
    CraftGraph's score and percentile (None when no study rates it)."""
    allscores = study_scores(b)
    if not len(allscores):
        return None
    pct_study = allscores.groupby(["study", "measure"])["score"].rank(pct=True)
    mine = allscores.assign(percentile_study=pct_study)
    mine = mine[mine["occupation"] == occ_id]
    if not len(mine):
        return None
    lg = scores.league(b, spec(scenario), year, "Occupation").dropna(subset=["median"])
    lg = lg.assign(percentile_craftgraph=lg["median"].rank(pct=True))
    ours = lg[lg["entity_id"] == occ_id]
    out = mine[SIDE_BY_SIDE].copy()
    out["craftgraph"] = float(ours["median"].iloc[0]) if len(ours) else float("nan")
    out["percentile_craftgraph"] = float(ours["percentile_craftgraph"].iloc[0]) if len(ours) else float("nan")
    out["year"] = year
    out["scenario"] = scenario
    return out.reset_index(drop=True)
