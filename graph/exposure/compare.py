"""Comparison with the literature: CraftGraph's occupation exposure against each study in the graph.

For every (study, measure) of Study-RATES: Spearman's rank correlation (with n and p) between the study's
score and CraftGraph's occupation exposure, over all matched occupations and over arts, design,
entertainment, sports and media occupations (SOC 27-xxxx). Task-level ratings are first averaged to
occupations with the occupation's task importances (the same weights CraftGraph uses). Two CraftGraph
measures are compared: `current` (median exposure in the chosen year) and `potential` (every linked
capability fully mature and unconstrained: closest in spirit to the studies' "could be exposed").
Disagreements are listed by the gap between percentile ranks; they are findings to explain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.exposure.score import Run

MIN_N = 3


def study_scores(run: Run) -> pd.DataFrame:
    """Every study's score per occupation: study, measure, occupation, score, level (occupation|task)."""
    cm = run.engine.compiled
    nodes_rates = run.engine.rates
    if nodes_rates is None or not len(nodes_rates):
        return pd.DataFrame(columns=["study", "measure", "occupation", "score", "level", "n_tasks"])
    r = nodes_rates
    occ = r[r["dst"].str.startswith("onet:")]
    out = [
        pd.DataFrame(
            {
                "study": occ["src"],
                "measure": occ["measure"].astype(str),
                "occupation": occ["dst"],
                "score": pd.to_numeric(occ["score"], errors="coerce"),
                "level": "occupation",
                "n_tasks": np.nan,
            }
        )
    ]
    task = r[r["dst"].str.startswith("task:")]
    if len(task):
        # importance-weighted mean over each occupation's rated tasks
        t_idx = {t: i for i, t in enumerate(cm.tasks)}
        A = cm.A_base.tocoo()
        own = pd.DataFrame({"occupation": [cm.base_ids[i] for i in A.row], "task": A.col, "imp": A.data})
        own = own[own["occupation"].str.startswith("onet:")]
        tr = pd.DataFrame(
            {
                "study": task["src"],
                "measure": task["measure"].astype(str),
                "task": task["dst"].map(t_idx),
                "score": pd.to_numeric(task["score"], errors="coerce"),
            }
        )
        tr = tr.dropna(subset=["task", "score"]).astype({"task": np.int64})
        j = own.merge(tr, on="task")
        if len(j):
            j["ws"] = j["imp"] * j["score"]
            g = j.groupby(["study", "measure", "occupation"], as_index=False).agg(
                ws=("ws", "sum"), imp=("imp", "sum"), n_tasks=("task", "size")
            )
            g["score"] = g["ws"] / g["imp"]
            g["level"] = "task"
            out.append(g[["study", "measure", "occupation", "score", "level", "n_tasks"]])
    return pd.concat(out, ignore_index=True).dropna(subset=["score"])


def compare(run: Run, year: int | None = None, top: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(correlations, disagreements)."""
    eng = run.engine
    cm = eng.compiled
    year = year if year is not None else int(np.floor(cm.as_of))
    if year not in run.years:
        raise ValueError(f"year {year} is not in the run ({run.years[0]}-{run.years[-1]})")
    summ = run.summary()
    ours = summ[(summ["label"] == "Occupation") & (summ["year"] == year)][["entity_id", "name", "median", "potential"]]
    ours = ours.rename(columns={"entity_id": "occupation", "name": "title", "median": "current"})
    soc = dict(zip(cm.entities["id"], cm.entities["soc_code"], strict=True))
    scores = study_scores(run)
    corr_rows, dis_rows = [], []
    names = eng.study_names
    # Occupation-level ratings and task ratings aggregated to occupations are compared separately:
    # pooling them would count every occupation twice.
    for (study, measure, _level), g in scores.groupby(["study", "measure", "level"], sort=True):
        m = ours.merge(g, on="occupation")
        for basis in ("current", "potential"):
            mm = m.dropna(subset=[basis, "score"])
            for subset, sel in (
                ("all", np.ones(len(mm), bool)),
                ("soc27", mm["occupation"].map(lambda o: str(soc.get(o, "")).startswith("27-")).to_numpy()),
            ):
                part = mm[sel]
                n = len(part)
                rho, p = (np.nan, np.nan)
                if n >= MIN_N and part[basis].nunique() > 1 and part["score"].nunique() > 1:
                    from scipy import stats  # ~1 s to import: only when a comparison is computed

                    res = stats.spearmanr(part[basis], part["score"])
                    rho, p = float(res.statistic), float(res.pvalue)
                corr_rows.append(
                    dict(
                        study=study,
                        study_name=names.get(study, study),
                        measure=measure,
                        basis=basis,
                        subset=subset,
                        year=year,
                        scenario=run.scenario.name,
                        n=n,
                        spearman=rho,
                        p_value=p,
                        level=";".join(sorted(set(part["level"]))) if n else "",
                        n_scored_by_study=len(g),
                        n_scored_by_craftgraph=int(ours[basis].notna().sum()),
                    )
                )
        # Disagreements among the occupations CraftGraph covers (potential > 0): with hundreds of
        # uncovered occupations tied at zero, a tiny spill-over score would otherwise rank high.
        mm = m.dropna(subset=["current", "score"])
        mm = mm[mm["potential"] > 0]
        if len(mm) >= MIN_N:
            mm = mm.assign(rank_craftgraph=mm["current"].rank(pct=True), rank_study=mm["score"].rank(pct=True))
            mm["rank_gap"] = mm["rank_craftgraph"] - mm["rank_study"]
            mm = mm.reindex(mm["rank_gap"].abs().sort_values(ascending=False, kind="stable").index).head(top)
            for r in mm.itertuples(index=False):
                dis_rows.append(
                    dict(
                        study=study,
                        measure=measure,
                        level=_level,
                        occupation=r.occupation,
                        title=r.title,
                        craftgraph=r.current,
                        study_score=r.score,
                        rank_craftgraph=r.rank_craftgraph,
                        rank_study=r.rank_study,
                        rank_gap=r.rank_gap,
                        direction="CraftGraph higher" if r.rank_gap > 0 else "study higher",
                    )
                )
    corr = pd.DataFrame(
        corr_rows,
        columns=[
            "study",
            "study_name",
            "measure",
            "basis",
            "subset",
            "year",
            "scenario",
            "n",
            "spearman",
            "p_value",
            "level",
            "n_scored_by_study",
            "n_scored_by_craftgraph",
        ],
    )
    dis = pd.DataFrame(
        dis_rows,
        columns=[
            "study",
            "measure",
            "occupation",
            "title",
            "craftgraph",
            "study_score",
            "rank_craftgraph",
            "rank_study",
            "rank_gap",
            "direction",
        ],
    )
    return corr, dis
