"""Exposure data for the explorer: the engine once per snapshot, results cached per question.

Every function takes the snapshot's build id and path (strings, so Streamlit can hash them) and returns
pandas frames. The engine (graph.exposure) is held once per build for every session (cache_resource);
results are cached per (build, scenario, year, entity) for every session (cache_data). The engine's own
run cache is not thread-safe, so calls into it are serialised with a lock; each is well under a second.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from graph.store import Graph

# graph.exposure (numpy/scipy, ~0.5 s to import) is imported on first use, so that the first page, which
# reads the build's precomputed scores, does not wait for it. These mirror graph/exposure/config.py and
# scenarios.py (tests/test_app.py checks that they agree).
SCENARIO_NAMES = ("slow", "expected", "fast")
YEARS = tuple(range(2024, 2036))
WORKFORCE_NAMES = {  # the engine's names may differ in wording; only the ids matter
    "workforce:all-occupations": "All occupations in the graph",
    "workforce:arts-media-27": "Arts, design, entertainment, sports and media occupations (SOC 27)",
    "workforce:crafts": "All crafts in the catalog",
}


def api():
    from graph.exposure import api as exposure_api

    return exposure_api


SCORE_LABEL = "ExposureScore"  # precomputed by the build for the preset scenarios

# A scenario as plain, hashable text (what graph.exposure.api.make_scenario reads):
# (base, reach, delay, remove, keep) with reach/delay `cap:x=LEVEL@DATE` and remove/keep `lim:x`.
ScenarioSpec = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]

THRESHOLDS = (0.1, 0.25, 0.5)


def spec(base: str = "expected", reach=(), delay=(), remove=(), keep=()) -> ScenarioSpec:
    return (base, tuple(reach), tuple(delay), tuple(remove), tuple(keep))


def is_custom(sc: ScenarioSpec) -> bool:
    return any(sc[1:])


def make_scenario(sc: ScenarioSpec):
    """The graph.exposure Scenario for a spec."""
    from graph.exposure import SCENARIOS

    base, reach, delay, remove, keep = sc
    if not is_custom(sc):
        return SCENARIOS[base]
    return api().make_scenario(
        base, reach=list(reach), delay=list(delay), remove=list(remove), keep=list(keep), name=f"{base}+custom"
    )


def scenario_label(sc: ScenarioSpec) -> str:
    return sc[0] + ("+custom" if is_custom(sc) else "")


# ------------------------------------------------------------------------------------------ engine


@dataclass
class EngineBox:
    engine: object  # graph.exposure.Engine
    lock: threading.Lock


_ENGINES: dict[str, EngineBox] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(build_id: str, path: str) -> EngineBox:
    """The exposure engine of a build, compiled once per process (every session shares it).

    Kept in a plain registry rather than st.cache_resource so that a background thread can start
    compiling it (prewarm) while the first page renders."""
    with _ENGINES_LOCK:
        box = _ENGINES.get(build_id)
        if box is None:
            g = _graph(build_id, path)
            box = EngineBox(api().engine(g), threading.Lock())
            for old in [b for b in _ENGINES if b != build_id]:
                del _ENGINES[old]
            _ENGINES[build_id] = box
        return box


def quiet_background_thread() -> None:
    """Streamlit warns "missing ScriptRunContext" when a cached function runs outside a script thread
    (harmless here: only shared caches are filled). Silence that one warning."""
    import logging

    class NoContextWarning(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return "missing ScriptRunContext" not in record.getMessage()

    log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    if not any(isinstance(f, NoContextWarning) for f in log.filters):
        log.addFilter(NoContextWarning())


def engine_ready(build_id: str) -> bool:
    return build_id in _ENGINES


def prewarm(build_id: str, path: str) -> None:
    """Compile the engine (and the networkx view) in a background thread, once per build, so the first
    craft or graph page does not wait for them."""
    if build_id in _ENGINES or getattr(prewarm, "started", None) == build_id:
        return
    prewarm.started = build_id

    def work():
        try:
            quiet_background_thread()
            _engine(build_id, path)
            _graph(build_id, path).nx()  # the graph view's networkx graph (seconds on the full data)
        except Exception:
            pass

    threading.Thread(target=work, name="craftgraph-prewarm", daemon=True).start()


def _graph(build_id: str, path: str) -> Graph:
    from explorer.state import _graph as cached_graph

    return cached_graph(build_id, path)


def engine(g: Graph) -> EngineBox:
    return _engine(g.build_id, str(g.path))


def _run(build_id: str, path: str, sc: ScenarioSpec):
    """(box, run); the run is created under the lock (the engine's run cache is a plain dict). Use it
    under `box.lock` as well: a Run computes lazily."""
    box = _engine(build_id, path)
    with box.lock:
        run = box.engine.run(make_scenario(sc))
    return box, run


def key(g: Graph) -> tuple[str, str]:
    return g.build_id, str(g.path)


# ------------------------------------------------------------------------------------------ scores


@st.cache_resource(show_spinner="Computing exposure…", max_entries=32)
def summary(build_id: str, path: str, sc: ScenarioSpec) -> pd.DataFrame:
    """One row per scored entity and year: median, low, high, mean, automation, augmentation, potential,
    plus department (crafts and departments) and soc_code (occupations).

    Shared by every session without a copy (cache_resource): read it, never modify it in place.

    Preset scenarios are read from the snapshot's ExposureScore nodes when the build wrote them with this
    method version (no engine needed: the first page stays fast); custom scenarios are computed."""
    if not is_custom(sc):
        pre = _snapshot_scores(build_id, path, sc[0])
        if pre is not None:
            return pre
    box = _engine(build_id, path)
    with box.lock:
        s = api().exposure(box.engine, level="all", scenario=make_scenario(sc)).copy()
    ents = box.engine.compiled.entities.set_index("id")
    s["department"] = s["entity_id"].map(ents["department"]).where(lambda x: x.notna(), None)
    s["soc_code"] = s["entity_id"].map(ents["soc_code"]).where(lambda x: x.notna(), None)
    s["scenario"] = scenario_label(sc)
    s["source"] = "computed"
    return s


def _snapshot_scores(build_id: str, path: str, scenario: str) -> pd.DataFrame | None:
    g = _graph(build_id, path)
    df = g.nodes.get(SCORE_LABEL)
    if df is None or not len(df):
        return None
    df = df[df["scenario"] == scenario]
    if not len(df):
        return None
    names = dict(WORKFORCE_NAMES)
    for label, col in (("Craft", "name"), ("Occupation", "title"), ("Department", "name")):
        n = g.nodes.get(label)
        if n is not None:
            names.update(zip(n["id"], n[col], strict=True))
    dept = {}
    ind = g.edges.get("IN_DEPARTMENT")
    if ind is not None:
        dept = dict(zip(ind["src"], ind["dst"], strict=False))
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
    for c in ("median", "low", "high", "mean", "automation", "augmentation", "potential"):
        out[c] = df[c].astype(float).to_numpy()
    out["method_version"] = df["method_version"].to_numpy()
    out["department"] = [
        dept.get(i) if lab == "Craft" else (i if lab == "Department" else None)
        for i, lab in zip(out["entity_id"], out["label"], strict=True)
    ]
    out["soc_code"] = out["entity_id"].map(soc).where(lambda x: x.notna(), None)
    out["source"] = "snapshot"
    return out.sort_values(["year", "label", "entity_id"], kind="stable").reset_index(drop=True)


def summary_all(build_id: str, path: str, scs: list[ScenarioSpec]) -> pd.DataFrame:
    return pd.concat([summary(build_id, path, sc) for sc in scs], ignore_index=True)


@st.cache_data(show_spinner=False, max_entries=64)
def league(build_id: str, path: str, sc: ScenarioSpec, year: int, label: str = "Craft") -> pd.DataFrame:
    s = summary(build_id, path, sc)
    d = s[(s["label"] == label) & (s["year"] == year)].copy()
    dept = department_names(build_id, path)
    d["department"] = d["department"].map(lambda x: dept.get(x, x) if isinstance(x, str) else "")
    d = d.sort_values(["median", "name"], ascending=[False, True], na_position="last")
    d.insert(0, "rank", range(1, len(d) + 1))
    cols = [
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
        "basis",
        "method_version",
    ]
    return d[[c for c in cols if c in d.columns]].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=16)
def department_names(build_id: str, path: str) -> dict[str, str]:
    g = _graph(build_id, path)
    df = g.nodes.get("Department")
    return {} if df is None else dict(zip(df["id"], df["name"], strict=True))


def entity_series(build_id: str, path: str, entity_id: str, scs: list[ScenarioSpec]) -> pd.DataFrame:
    """Exposure by year for one entity under each scenario."""
    return _entity_series(build_id, path, entity_id, tuple(scs))


@st.cache_data(show_spinner=False, max_entries=512)
def _entity_series(build_id: str, path: str, entity_id: str, scs: tuple[ScenarioSpec, ...]) -> pd.DataFrame:
    parts = []
    for sc in scs:
        s = summary(build_id, path, sc)
        parts.append(s[s["entity_id"] == entity_id])
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return out[
        [
            "entity_id",
            "name",
            "year",
            "scenario",
            "median",
            "low",
            "high",
            "mean",
            "automation",
            "augmentation",
            "potential",
        ]
    ].reset_index(drop=True)


# ------------------------------------------------------------------------------------------ explanations


@st.cache_data(show_spinner="Explaining the score…", max_entries=128)
def explanation(build_id: str, path: str, entity_id: str, year: int, sc: ScenarioSpec) -> dict[str, pd.DataFrame]:
    """total, by_capability, by_task, by_tool, by_limitation, links (see graph/exposure/explain.py)."""
    box = _engine(build_id, path)
    with box.lock:
        return api().explain(box.engine, entity=entity_id, year=year, scenario=make_scenario(sc)).frames()


@st.cache_data(show_spinner="Working out the forecast path…", max_entries=128)
def forecast_path(build_id: str, path: str, entity_id: str, sc: ScenarioSpec, threshold: float) -> pd.DataFrame:
    box = _engine(build_id, path)
    with box.lock:
        fc = api().forecast(box.engine, entity=entity_id, thresholds=(threshold,), scenario=make_scenario(sc))
    fc = fc.copy()
    fc["label"] = [f"{c} → {_short(t)}" for c, t in zip(fc["capability_name"], fc["task"], strict=True)]
    return fc


def _short(text: str, n: int = 70) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------------------------------ maturity


@st.cache_data(show_spinner=False, max_entries=128)
def maturity_curve(
    build_id: str,
    path: str,
    capability: str,
    scs: tuple[ScenarioSpec, ...],
    start: float | None = None,
    end: float = 2036.0,
) -> pd.DataFrame:
    """Maturity of one capability on a monthly grid: undamped and damped by limitations, median and 80% band."""
    box = _engine(build_id, path)
    eng = box.engine
    cm = eng.compiled
    if capability not in cm.cap_index:
        return pd.DataFrame(columns=["t", "series", "scenario", "median", "low", "high"])
    c = cm.cap_index[capability]
    ev = cm.evidence[cm.evidence["capability"] == capability]
    first = float(ev["t"].min()) if len(ev) else cm.as_of - 2
    start = start if start is not None else float(np.floor(min(first, cm.as_of) - 1))
    grid = np.arange(start, end + 1e-9, 1.0 / 12.0)
    lo, hi = eng.config.band
    rows = []
    for sc in scs:
        with box.lock:
            run = eng.run(make_scenario(sc))
            M, Md = run.maturity_at(grid, np.array([c]))
        for series, arr in (("maturity", M[:, 0, :]), ("damped by limitations", Md[:, 0, :])):
            q = np.quantile(arr, [lo, 0.5, hi], axis=1)
            rows.append(
                pd.DataFrame(
                    {
                        "t": grid,
                        "series": series,
                        "scenario": scenario_label(sc),
                        "median": q[1],
                        "low": q[0],
                        "high": q[2],
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


@st.cache_data(show_spinner=False, max_entries=16)
def maturity_fit(build_id: str, path: str) -> pd.DataFrame:
    """Fit quality per capability: levels used, t50 date, pace, maturity today."""
    return api().fit_quality(_engine(build_id, path).engine)


@st.cache_data(show_spinner=False, max_entries=16)
def evidence(build_id: str, path: str, capability: str) -> pd.DataFrame:
    """The dated evidence the capability's curve is fitted through (milestones and tools), with the
    maturity of each level, for plotting."""
    eng = _engine(build_id, path).engine
    ev = eng.compiled.evidence
    ev = ev[ev["capability"] == capability].copy()
    lm = eng.config.level_maturity
    ev["maturity"] = ev["level"].map(lm)
    g = _graph(build_id, path)
    desc = {}
    for label, col in (("Milestone", "description"), ("Tool", "name")):
        df = g.nodes.get(label)
        if df is not None:
            desc.update(dict(zip(df["id"], df[col], strict=True)))
    ev["description"] = ev["item"].map(lambda i: desc.get(i, i))
    return ev[["item", "kind", "date", "t", "level", "maturity", "description", "source_ids"]].sort_values("t")


@st.cache_data(show_spinner=False, max_entries=16)
def as_of(build_id: str, path: str) -> float:
    return float(_engine(build_id, path).engine.compiled.as_of)


# ------------------------------------------------------------------------------------------ reach


@st.cache_data(show_spinner=False, max_entries=16)
def capability_reach(build_id: str, path: str) -> pd.DataFrame:
    """Which crafts each capability reaches: capability, craft, craft name, tasks, the tasks' share of the
    craft's work, mode."""
    eng = _engine(build_id, path).engine
    cm = eng.compiled
    ents = cm.entities
    crafts = ents.index[ents["label"] == "Craft"].to_numpy()
    A = cm.A.tocsr()
    rows = []
    links = cm.links
    for e in crafts:
        row = A.getrow(int(e))
        share = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        part = links[links["task"].isin(list(share))]
        for r in part.itertuples(index=False):
            rows.append(
                dict(
                    capability=r.capability,
                    craft=ents.at[e, "id"],
                    craft_name=ents.at[e, "name"],
                    task_id=r.task_id,
                    mode=r.mode,
                    weight=float(r.weight),
                    task_share=share[int(r.task)],
                )
            )
    df = pd.DataFrame(rows, columns=["capability", "craft", "craft_name", "task_id", "mode", "weight", "task_share"])
    return df


def crafts_reached(build_id: str, path: str, capabilities: list[str]) -> pd.DataFrame:
    r = capability_reach(build_id, path)
    r = r[r["capability"].isin(capabilities)]
    if not len(r):
        return pd.DataFrame(columns=["craft", "craft_name", "tasks", "share_of_work", "capabilities", "modes"])
    g = (
        r.drop_duplicates(["craft", "task_id"])
        .groupby(["craft", "craft_name"], as_index=False)
        .agg(tasks=("task_id", "nunique"), share_of_work=("task_share", "sum"))
    )
    caps = r.groupby("craft")["capability"].agg(lambda s: ";".join(sorted(set(s))))
    modes = r.groupby("craft")["mode"].agg(lambda s: ";".join(sorted(set(s))))
    g["capabilities"] = g["craft"].map(caps)
    g["modes"] = g["craft"].map(modes)
    return g.sort_values(["share_of_work", "craft_name"], ascending=[False, True]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------ literature


@st.cache_data(show_spinner=False, max_entries=16)
def study_scores(build_id: str, path: str) -> pd.DataFrame:
    from graph.exposure.compare import study_scores as scores

    box, run = _run(build_id, path, spec())
    with box.lock:
        s = scores(run).copy()
    s["study_name"] = s["study"].map(lambda x: box.engine.study_names.get(x, x))
    return s


@st.cache_data(show_spinner="Comparing with published indices…", max_entries=16)
def literature(build_id: str, path: str, year: int, sc: ScenarioSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    box = _engine(build_id, path)
    with box.lock:
        return api().compare(box.engine, year=year, scenario=make_scenario(sc))


# ------------------------------------------------------------------------------------------ scenarios


@st.cache_data(show_spinner=False, max_entries=8)
def scenario_table() -> pd.DataFrame:
    return api().scenarios()


def scenario_change(
    build_id: str, path: str, base: ScenarioSpec, custom: ScenarioSpec, year: int, label: str = "Craft"
) -> pd.DataFrame:
    """Every craft's median exposure under the base and the custom scenario in a year, and the change."""
    a = league(build_id, path, base, year, label)
    b = league(build_id, path, custom, year, label)
    m = a[["entity_id", "name", "department", "median", "low", "high"]].merge(
        b[["entity_id", "median", "low", "high"]], on="entity_id", suffixes=("_base", "_custom")
    )
    m = m.rename(columns={"median_base": "baseline", "median_custom": "custom"})
    m["change"] = m["custom"] - m["baseline"]
    return m.sort_values(["change", "name"], ascending=[False, True]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------ misc


def years() -> list[int]:
    return list(YEARS)


@st.cache_data(show_spinner=False, max_entries=16)
def default_year(build_id: str, path: str) -> int:
    """The year of the graph's as-of date (the latest source access, milestone or tool date), read from
    the tables without compiling the engine."""
    g = _graph(build_id, path)
    years_seen: list[int] = []
    for frame, col in (
        (g.nodes.get("Source"), "accessed"),
        (g.nodes.get("Milestone"), "date"),
        (g.edges.get("PROVIDES"), "since"),
    ):
        if frame is not None and col in frame.columns:
            years_seen += [int(str(v)[:4]) for v in frame[col] if isinstance(v, str) and str(v)[:4].isdigit()]
    y = max(years_seen) if years_seen else YEARS[0]
    return min(max(y, YEARS[0]), YEARS[-1])


def all_sources(*values) -> list[str]:
    out: set[str] = set()
    for v in values:
        if isinstance(v, pd.Series):
            for x in v:
                out.update(_source_list(x))
        else:
            out.update(_source_list(v))
    return sorted(out)


def _source_list(v) -> list[str]:
    from explorer.state import source_ids_of

    return source_ids_of([v])


def method_version() -> str:
    from graph.exposure.config import METHOD_VERSION

    return METHOD_VERSION


def snapshot_path(g: Graph) -> Path:
    return Path(g.path)
