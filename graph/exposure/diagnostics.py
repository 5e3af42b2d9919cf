"""Diagnostics of the method on a graph: how much craft exposure arrives through each kind of path, and how
sensitive the craft ranking is to each assumption (docs/method.md §0)."""

from __future__ import annotations

import pandas as pd
from scipy import stats

from graph.exposure.config import EXPOSURE_2_0, EXPOSURE_2_2, LEVEL_MATURITY, MethodConfig
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
        "exposure-2.2 curves (no stall, dating noise 2 y)": MethodConfig(draws=draws, **EXPOSURE_2_2),
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


def headline_figures(engine: Engine) -> dict:
    """The method's headline figures of docs/method.md §0 (expected scenario unless said): converged fits, the
    all-occupations aggregate in 2026, the median 2035 craft band width, how often the slow and fast medians fall
    inside the expected 2035 band, and technical minus permitted reach in 2030 (points, median and largest)."""
    q = engine.fit.quality
    runs = {sc: engine.run(sc).summary() for sc in ("expected", "slow", "fast")}

    def crafts(df: pd.DataFrame, year: int) -> pd.DataFrame:
        sel = df[(df["label"] == "Craft") & (df["year"] == year) & df["median"].notna()]
        return sel.set_index("entity_id")

    s = runs["expected"]
    wf = s[(s["entity_id"] == "workforce:all-occupations") & (s["year"] == 2026)]
    e35, e30 = crafts(s, 2035), crafts(s, 2030)

    def inside(sc: str) -> pd.Series:
        m = crafts(runs[sc], 2035)["median"].reindex(e35.index)
        return (m >= e35["low"]) & (m <= e35["high"])

    gap = 100 * (e30["technical_median"] - e30["median"])
    return {
        "fits_converged": f"{int(q['converged'].sum())} of {len(q)}",
        "all_occupations_2026_pct": [round(100 * float(wf.iloc[0][k]), 1) for k in ("median", "low", "high")]
        if len(wf)
        else None,
        "craft_band_width_2035_points": round(100 * float((e35["high"] - e35["low"]).median()), 1),
        "slow_inside_share": round(float(inside("slow").mean()), 2),
        "fast_inside_share": round(float(inside("fast").mean()), 2),
        "both_outside_share": round(float((~inside("slow") & ~inside("fast")).mean()), 2),
        "technical_minus_permitted_2030_points": [round(float(gap.median()), 1), round(float(gap.max()), 1)],
        "craft_median_2030_pct": round(100 * float(e30["median"].median()), 1),
    }
