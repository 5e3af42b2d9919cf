"""Forecast paths: how exposure arrives for a craft, link by link.

For each capability -> task link of the entity, the share of the task the capability can do is
x_ck(t) = w_ck * M'_c(t) (metric "task_share"), or its weight in the entity's score a_k * w_ck * M'_c(t)
(metric "entity_share"). For every draw we find the first month x crosses each threshold; the path
lists the links in order of the median crossing date, with the 80% band of dates, the share of draws
that cross before the horizon, the tools that carry the capability, the limitations that hold it back
and how many years they delay the crossing (median date with limitations minus without).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.exposure.config import DEFAULT_THRESHOLDS
from graph.exposure.frames import format_year, join_sources
from graph.exposure.score import Run


def crossing_times(x: np.ndarray, grid: np.ndarray, threshold: float) -> np.ndarray:
    """First time each series crosses the threshold, linearly interpolated on the grid.

    x: (n_t, n_series). Returns (n_series,): grid[0] if already above at the start, inf if never.
    """
    above = x >= threshold
    first = np.argmax(above, axis=0)
    never = ~above.any(axis=0)
    out = np.full(x.shape[1], np.inf)
    at_start = (first == 0) & ~never
    out[at_start] = grid[0]
    mid = ~never & ~at_start
    if mid.any():
        j = first[mid]
        cols = np.flatnonzero(mid)
        x0, x1 = x[j - 1, cols], x[j, cols]
        frac = np.where(x1 > x0, (threshold - x0) / np.where(x1 > x0, x1 - x0, 1.0), 1.0)
        out[cols] = grid[j - 1] + np.clip(frac, 0.0, 1.0) * (grid[j] - grid[j - 1])
    return out


def forecast(
    run: Run,
    entity_id: str,
    thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS,
    metric: str = "task_share",
    start: float = 2024.0,
    end: float = 2036.0,
    step: float = 1.0 / 12.0,
) -> pd.DataFrame:
    eng = run.engine
    cm = eng.compiled
    idx = cm.entity_index
    if entity_id not in idx:
        raise KeyError(f"no scored entity {entity_id!r}")
    if metric not in ("task_share", "entity_share"):
        raise ValueError("metric is task_share or entity_share")
    a_row = cm.A.getrow(idx[entity_id])
    imp = dict(zip(a_row.indices.tolist(), a_row.data.tolist(), strict=True))
    links = cm.links[cm.links["task"].isin(list(imp))].reset_index(drop=True)
    cols = [
        "threshold",
        "order",
        "capability",
        "capability_name",
        "task_id",
        "task",
        "mode",
        "weight",
        "importance_share",
        "date",
        "date_low",
        "date_high",
        "t_median",
        "t_low",
        "t_high",
        "p_by_end",
        "date_without_limitations",
        "delay_years",
        "path",
        "via",
        "tools",
        "limitations",
        "sources",
    ]
    if not len(links):
        return pd.DataFrame(columns=cols)
    caps = np.unique(links["cap"].to_numpy())
    local = {c: i for i, c in enumerate(caps)}
    grid = np.arange(start, end + step / 2, step)
    M, Md = run.maturity_at(grid, caps)  # (n_t, n_caps_local, n_draws)
    lo, hi = eng.config.band
    tools = cm.tools
    ll = cm.lim_links
    rows = []
    for r in links.itertuples(index=False):
        ci = local[r.cap]
        scale = r.weight * (imp[r.task] if metric == "entity_share" else 1.0)
        x = Md[:, ci, :] * scale
        x0 = M[:, ci, :] * scale
        tl = tools[tools["capability"] == r.capability]
        lims = ll[ll["capability"] == r.capability]
        kind, via, srcs = cm.path_detail(r.capability, r.task_id, r.mode)
        for th in thresholds:
            if scale < th:
                continue  # cannot cross even at full maturity
            t = crossing_times(x, grid, th)
            t0 = crossing_times(x0, grid, th)
            q = quantiles_inf(t, (lo, 0.5, hi))
            med0 = quantiles_inf(t0, (0.5,))[0]
            delay = float(q[1] - med0) if np.isfinite(q[1]) and np.isfinite(med0) else np.nan
            rows.append(
                dict(
                    threshold=th,
                    capability=r.capability,
                    capability_name=cm.cap_names.get(r.capability, r.capability),
                    task_id=r.task_id,
                    task=cm.task_text.get(r.task_id, ""),
                    mode=r.mode,
                    weight=r.weight,
                    importance_share=imp[r.task],
                    date=_label(q[1], start, end),
                    date_low=_label(q[0], start, end),
                    date_high=_label(q[2], start, end),
                    t_median=float(q[1]),
                    t_low=float(q[0]),
                    t_high=float(q[2]),
                    p_by_end=float(np.isfinite(t).mean()),
                    date_without_limitations=_label(med0, start, end),
                    delay_years=delay,
                    path=kind,
                    via=via,
                    tools=";".join(sorted(tl["name"].astype(str))),
                    limitations=";".join(
                        f"{n} ({k}, {s:.2f})"
                        for n, k, s in zip(lims["name"], lims["kind"], lims["severity"], strict=True)
                    ),
                    sources=join_sources(srcs, *tl["source_ids"], *lims["source_ids"]),
                )
            )
    out = pd.DataFrame(rows, columns=[c for c in cols if c != "order"])
    out = out.sort_values(["threshold", "t_median", "t_high", "capability", "task_id"], kind="stable").reset_index(
        drop=True
    )
    out.insert(1, "order", out.groupby("threshold").cumcount() + 1)
    out.attrs.update(entity_id=entity_id, scenario=run.scenario.name, metric=metric)
    return out


def quantiles_inf(x: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """Quantiles (linear interpolation) of values that may be +inf ("never"): inf where it reaches one."""
    xs = np.sort(np.asarray(x, dtype=float))
    n = len(xs)
    out = []
    for q in qs:
        h = (n - 1) * q
        i = int(np.floor(h))
        j = min(i + 1, n - 1)
        f = h - i
        if f == 0 or xs[i] == xs[j]:
            out.append(float(xs[i]))
        elif np.isinf(xs[j]):
            out.append(float("inf"))
        else:
            out.append(float(xs[i] + f * (xs[j] - xs[i])))
    return out


def _label(t: float, start: float, end: float) -> str:
    if not np.isfinite(t):
        return f"after {int(end) - 1}"
    if t <= start:
        return f"by {int(start)}"
    return format_year(t)
