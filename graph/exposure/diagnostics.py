"""Diagnostics of the method on a graph: how much craft exposure arrives through each kind of path, and how
sensitive the craft ranking is to each assumption (docs/method.md §0)."""

from __future__ import annotations

import pandas as pd
from scipy import stats

from graph.exposure.config import EXPOSURE_2_0, LEVEL_MATURITY, MethodConfig
from graph.exposure.explain import explain
from graph.exposure.score import Engine

PATH_LABELS = {"direct": "direct", "dwa": "through a work activity", "same_as": "through an equivalent task"}


def path_shares(engine: Engine, year: int = 2030, scenario: str = "expected", draws: int = 300) -> pd.DataFrame:
    """Share of the summed exposure of all assessed crafts that arrives through each kind of path."""
    run = engine.run(scenario, years=(year,), draws=draws)
    ents = engine.compiled.entities
    crafts = ents[(ents["label"] == "Craft") & (ents["coverage_status"] != "not assessed")]["id"]
    links = pd.concat([explain(run, c, year).links for c in crafts], ignore_index=True)
    by = links.groupby("path")["contribution"].sum()
    out = (by / by.sum()).rename("share").reset_index()
    out["path"] = out["path"].map(lambda p: PATH_LABELS.get(p, p))
    return out


def sensitivity_variants(draws: int = 300) -> dict[str, MethodConfig]:
    higher = {k: min(0.97, v * 1.3) for k, v in LEVEL_MATURITY.items()}
    return {
        "no judgement draws (curated values as known)": MethodConfig(draws=draws, judgement=False),
        "no specificity discount of broad activities": MethodConfig(draws=draws, activity_broad_tasks=None),
        "limitations multiply (DESIGN.md product)": MethodConfig(draws=draws, limitation_combine="product"),
        "level -> maturity table 30% higher": MethodConfig(draws=draws, level_maturity=higher),
        "no tools as maturity evidence": MethodConfig(draws=draws, tool_evidence=False),
        "no pooling of priors": MethodConfig(draws=draws, pool=False),
        "exposure-2.0 curves (noise 0.5 y, narrower pace prior, levels 0.60/0.90)": MethodConfig(
            draws=draws, **EXPOSURE_2_0
        ),
    }


def ranking_sensitivity(nodes: dict, edges: dict, year: int = 2030, draws: int = 300) -> pd.DataFrame:
    """Spearman correlation of the craft ranking (median, `expected`) between the default method and the
    method with one assumption changed."""

    def medians(cfg: MethodConfig) -> pd.Series:
        s = Engine(nodes, edges, cfg).run("expected", years=(year,), draws=draws).summary()
        s = s[(s["label"] == "Craft") & s["median"].notna()]
        return s.set_index("entity_id")["median"]

    base = medians(MethodConfig(draws=draws))
    rows = []
    for name, cfg in sensitivity_variants(draws).items():
        v = medians(cfg)
        idx = base.index.intersection(v.index)
        rho = float(stats.spearmanr(base[idx], v[idx]).statistic) if len(idx) > 2 else float("nan")
        rows.append(dict(assumption=name, spearman=rho, crafts=len(idx), year=year))
    return pd.DataFrame(rows)
