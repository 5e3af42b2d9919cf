"""Exposure scores for the pages: league tables, series by scenario, explanations, forecast paths, scenario
changes. Frames in, frames out, memoized per build (explorer.cache); no Streamlit.

Preset scenarios are read from the snapshot's ExposureScore nodes when the build wrote them (no engine
needed, so the first page stays fast); custom scenarios are computed by the engine.
"""

from __future__ import annotations

import pandas as pd

from explorer.cache import Build, memoized
from explorer.scenario import SCENARIO_NAMES, YEARS, Spec, make_scenario, spec
from graph import views
from graph.exposure.evidence import WORKFORCE
from graph.schema import SCORE_SHARE_COLUMNS


def _api():
    """The engine's API, imported on first use: the preset scores come from the snapshot, so the first page
    never loads scipy."""
    from graph.exposure import api

    return api


SCORE_LABEL = "ExposureScore"  # precomputed by the build for the preset scenarios
VALUE_COLUMNS = SCORE_SHARE_COLUMNS
STATUS_COLUMNS = ("coverage_status", "coverage_reason")
LEAGUE_COLUMNS = (
    "rank",
    "entity_id",
    "name",
    "department",
    "soc_code",
    "year",
    "scenario",
    "median",
    "low",
    "high",
    "automation",
    "augmentation",
    "potential",
    "technical_median",
    "coverage",
    "coverage_status",
    "coverage_reason",
    "basis",
    "method_version",
)
SERIES_COLUMNS = ("entity_id", "name", "year", "scenario", *VALUE_COLUMNS, *STATUS_COLUMNS)


@memoized
def summary(b: Build, sc: Spec) -> pd.DataFrame:
    """One row per scored entity and year: median, low, high, mean, automation, augmentation, potential,
    plus department (crafts and departments) and soc_code (occupations)."""
    if not sc.custom:
        pre = snapshot_scores(b, sc.base)
        if pre is not None:
            return pre
    eng = b.engine()
    with b.engine_lock:
        s = _api().exposure(eng, level="all", scenario=make_scenario(sc)).copy()
    ents = eng.compiled.entities.set_index("id")
    s["department"] = s["entity_id"].map(ents["department"]).where(lambda x: x.notna(), None)
    s["soc_code"] = s["entity_id"].map(ents["soc_code"]).where(lambda x: x.notna(), None)
    s["scenario"] = sc.label
    s["source"] = "computed"
    return s


def _entity_names(b: Build) -> dict[str, str]:
    names = dict(WORKFORCE)
    for label, col in (("Craft", "name"), ("Occupation", "title"), ("Department", "name")):
        n = b.graph.nodes.get(label)
        if n is not None:
            names.update(zip(n["id"], n[col], strict=True))
    return names


def snapshot_scores(b: Build, scenario: str) -> pd.DataFrame | None:
    """The build's precomputed scores of a preset scenario, shaped like the engine's summary (None if none)."""
    g = b.graph
    df = g.nodes.get(SCORE_LABEL)
    if df is None or not len(df):
        return None
    df = df[df["scenario"] == scenario]
    if not len(df):
        return None
    names = _entity_names(b)
    ind = g.edges.get("IN_DEPARTMENT")
    dept = dict(zip(ind["src"], ind["dst"], strict=False)) if ind is not None else {}
    occ = g.nodes.get("Occupation")
    soc = dict(zip(occ["id"], occ["soc_code"], strict=True)) if occ is not None else {}
    out = pd.DataFrame(
        {
            "entity_id": df["entity_id"].to_numpy(),
            "label": df["entity_label"].to_numpy(),
            "name": df["entity_id"].map(lambda i: names.get(i, i)).to_numpy(),
            "basis": df["basis"].to_numpy(),
            "year": df["year"].astype(int).to_numpy(),
            "scenario": scenario,
        }
    )
    for c in VALUE_COLUMNS:
        out[c] = df[c].astype(float).to_numpy()
    for c in STATUS_COLUMNS:
        out[c] = df[c].fillna("").to_numpy()
    out["method_version"] = df["method_version"].to_numpy()
    out["department"] = [
        dept.get(i) if lab == "Craft" else (i if lab == "Department" else None)
        for i, lab in zip(out["entity_id"], out["label"], strict=True)
    ]
    out["soc_code"] = out["entity_id"].map(soc).where(lambda x: x.notna(), None)
    out["source"] = "snapshot"
    return out.sort_values(["year", "label", "entity_id"], kind="stable").reset_index(drop=True)


@memoized
def department_names(b: Build) -> dict[str, str]:
    df = b.graph.nodes.get("Department")
    return {} if df is None else dict(zip(df["id"], df["name"], strict=True))


@memoized
def league(b: Build, sc: Spec, year: int, label: str = "Craft") -> pd.DataFrame:
    """Entities of one label ranked by median exposure in a year."""
    s = summary(b, sc)
    d = s[(s["label"] == label) & (s["year"] == year)].copy()
    dept = department_names(b)
    d["department"] = d["department"].map(lambda x: dept.get(x, x) if isinstance(x, str) else "")
    d = d.sort_values(["median", "name"], ascending=[False, True], na_position="last")
    # only assessed entities are ranked; a craft nothing reaches has no rank and no score, never a 0
    d.insert(0, "rank", [i + 1 if ok else None for i, ok in enumerate(d["median"].notna())])
    return d[[c for c in LEAGUE_COLUMNS if c in d.columns]].reset_index(drop=True)


@memoized
def entity_series(b: Build, entity_id: str, scs: tuple[Spec, ...]) -> pd.DataFrame:
    """Exposure by year for one entity under each scenario."""
    parts = [summary(b, sc) for sc in scs]
    out = pd.concat([s[s["entity_id"] == entity_id] for s in parts], ignore_index=True)
    return out[list(SERIES_COLUMNS)].reset_index(drop=True)


@memoized
def scenario_range(b: Build, year: int, label: str = "Craft") -> pd.DataFrame:
    """Per entity of `label`: the lowest and highest median over the preset scenarios in `year`
    (entity_id, range_low, range_high; NaN when not assessed)."""
    parts = [league(b, spec(name), year, label)[["entity_id", "median"]] for name in SCENARIO_NAMES]
    both = pd.concat(parts, ignore_index=True)
    g = both.groupby("entity_id", sort=False)["median"]
    return pd.DataFrame({"range_low": g.min(), "range_high": g.max()}).reset_index()


def series_range(series: pd.DataFrame, year: int) -> tuple[float, float]:
    """(lowest, highest) median over the scenarios in an entity_series frame, in `year`."""
    m = series.loc[series["year"] == year, "median"].dropna()
    return (float(m.min()), float(m.max())) if len(m) else (float("nan"), float("nan"))


def scenario_change(b: Build, base: Spec, custom: Spec, year: int, label: str = "Craft") -> pd.DataFrame:
    """Every entity's median exposure under the base and the custom scenario in a year, and the change."""
    a = league(b, base, year, label)
    c = league(b, custom, year, label)
    m = a[["entity_id", "name", "department", "median", "low", "high"]].merge(
        c[["entity_id", "median", "low", "high"]], on="entity_id", suffixes=("_base", "_custom")
    )
    m = m.rename(columns={"median_base": "baseline", "median_custom": "custom"})
    m["change"] = m["custom"] - m["baseline"]
    return m.sort_values(["change", "name"], ascending=[False, True]).reset_index(drop=True)


@memoized
def explanation(b: Build, entity_id: str, year: int, sc: Spec) -> dict[str, pd.DataFrame]:
    """total, by_capability, by_task, by_tool, by_limitation, links (see graph/exposure/explain.py)."""
    eng = b.engine()
    with b.engine_lock:
        return _api().explain(eng, entity=entity_id, year=year, scenario=make_scenario(sc)).frames()


@memoized
def forecast_path(b: Build, entity_id: str, sc: Spec, threshold: float) -> pd.DataFrame:
    """The capability -> task links in the order they cross `threshold`, with a short label for charts."""
    eng = b.engine()
    with b.engine_lock:
        fc = _api().forecast(eng, entity=entity_id, thresholds=(threshold,), scenario=make_scenario(sc)).copy()
    fc["label"] = [f"{c} → {_short(t)}" for c, t in zip(fc["capability_name"], fc["task"], strict=True)]
    return fc


def crossing_threshold(b: Build, entity_id: str, sc: Spec, thresholds: tuple[float, ...]) -> float:
    """The highest threshold at which some link of the entity crosses within the horizon (the lowest when
    none does), so the forecast path opens on something that moves."""
    for th in sorted(thresholds, reverse=True):
        fc = forecast_path(b, entity_id, sc, th)
        if len(fc) and fc["t_median"].le(YEARS[-1] + 1).any():  # inf: never crosses
            return th
    return min(thresholds)


def _short(text: str, n: int = 70) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


HEADLINE_YEAR = views.HEADLINE_YEAR


def default_year(b: Build) -> int:
    """The year the pages open on: HEADLINE_YEAR (within the engine's years), never before the as-of year
    (graph.views: the same rule as the first page's view written at build time)."""
    return views.default_year(as_of_year(b))


@memoized
def as_of_year(b: Build) -> int:
    """The year of the graph's as-of date (the latest source access, milestone or tool date), read from
    the tables without compiling the engine."""
    g = b.graph
    return views.as_of_year(g.nodes.get("Source"), g.nodes.get("Milestone"), g.edges.get("PROVIDES"))
