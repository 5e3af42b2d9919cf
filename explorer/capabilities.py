"""Capability views for the pages: maturity curves and their evidence, fit quality, and which crafts each
capability reaches. Memoized per build (explorer.cache); no Streamlit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from explorer.cache import Build, memoized
from explorer.scenario import Spec, make_scenario
from graph.exposure import api

CURVE_COLUMNS = ["t", "series", "scenario", "median", "low", "high"]
REACH_COLUMNS = ["capability", "craft", "craft_name", "task_id", "mode", "weight", "task_share"]
REACHED_COLUMNS = ["craft", "craft_name", "tasks", "share_of_work", "capabilities", "modes"]


@memoized
def maturity_curve(
    b: Build, capability: str, scs: tuple[Spec, ...], start: float | None = None, end: float = 2036.0
) -> pd.DataFrame:
    """Maturity of one capability on a monthly grid: undamped and damped by limitations, median and 80% band."""
    eng = b.engine()
    cm = eng.compiled
    if capability not in cm.cap_index:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    c = cm.cap_index[capability]
    ev = cm.evidence[cm.evidence["capability"] == capability]
    first = float(ev["t"].min()) if len(ev) else cm.as_of - 2
    start = start if start is not None else float(np.floor(min(first, cm.as_of) - 1))
    grid = np.arange(start, end + 1e-9, 1.0 / 12.0)
    lo, hi = eng.config.band
    rows = []
    for sc in scs:
        with b.engine_lock:
            M, Md = eng.run(make_scenario(sc)).maturity_at(grid, np.array([c]))
        for series, arr in (("maturity", M[:, 0, :]), ("damped by limitations", Md[:, 0, :])):
            q = np.quantile(arr, [lo, 0.5, hi], axis=1)
            rows.append(
                pd.DataFrame(
                    {"t": grid, "series": series, "scenario": sc.label, "median": q[1], "low": q[0], "high": q[2]}
                )
            )
    return pd.concat(rows, ignore_index=True)


@memoized
def maturity_fit(b: Build) -> pd.DataFrame:
    """Fit quality per capability: levels used, t50 date, pace, maturity today."""
    eng = b.engine()
    with b.engine_lock:
        return api.fit_quality(eng)


@memoized
def evidence(b: Build, capability: str) -> pd.DataFrame:
    """The dated evidence the capability's curve is fitted through (milestones and tools), with the
    maturity of each level, for plotting."""
    eng = b.engine()
    ev = eng.compiled.evidence
    ev = ev[ev["capability"] == capability].copy()
    ev["maturity"] = ev["level"].map(eng.config.level_maturity)
    desc: dict[str, str] = {}
    for label, col in (("Milestone", "description"), ("Tool", "name")):
        df = b.graph.nodes.get(label)
        if df is not None:
            desc.update(zip(df["id"], df[col], strict=True))
    ev["description"] = ev["item"].map(lambda i: desc.get(i, i))
    return ev[["item", "kind", "date", "t", "level", "maturity", "description", "source_ids"]].sort_values("t")


@memoized
def as_of(b: Build) -> float:
    return float(b.engine().compiled.as_of)


@memoized
def capability_reach(b: Build) -> pd.DataFrame:
    """Which crafts each capability reaches: capability, craft, craft name, task, mode, link weight, and the
    task's share of the craft's work."""
    cm = b.engine().compiled
    ents = cm.entities
    crafts = ents.index[ents["label"] == "Craft"].to_numpy()
    A = cm.A.tocsr()
    rows = []
    for e in crafts:
        row = A.getrow(int(e))
        share = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        part = cm.links[cm.links["task"].isin(list(share))]
        rows += [
            dict(
                capability=r.capability,
                craft=ents.at[e, "id"],
                craft_name=ents.at[e, "name"],
                task_id=r.task_id,
                mode=r.mode,
                weight=float(r.weight),
                task_share=share[int(r.task)],
            )
            for r in part.itertuples(index=False)
        ]
    return pd.DataFrame(rows, columns=REACH_COLUMNS)


@memoized
def crafts_reached(b: Build, capabilities: tuple[str, ...]) -> pd.DataFrame:
    """Crafts with tasks these capabilities can do, the share of the craft's work those tasks stand for,
    and which capabilities and modes reach them."""
    r = capability_reach(b)
    r = r[r["capability"].isin(capabilities)]
    if not len(r):
        return pd.DataFrame(columns=REACHED_COLUMNS)
    g = (
        r.drop_duplicates(["craft", "task_id"])
        .groupby(["craft", "craft_name"], as_index=False)
        .agg(tasks=("task_id", "nunique"), share_of_work=("task_share", "sum"))
    )
    g["capabilities"] = g["craft"].map(r.groupby("craft")["capability"].agg(lambda s: ";".join(sorted(set(s)))))
    g["modes"] = g["craft"].map(r.groupby("craft")["mode"].agg(lambda s: ";".join(sorted(set(s)))))
    return g.sort_values(["share_of_work", "craft_name"], ascending=[False, True]).reset_index(drop=True)
