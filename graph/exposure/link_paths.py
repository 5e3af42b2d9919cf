"""Stage 2 of compiling the graph: every capability -> task path, and the effective (winning) one.

A capability reaches a task directly (PERFORMS to the task), through an O*NET work activity the task
INVOLVES (a PERFORMS to a DWA, IWA or GWA reaches every descendant activity; a task's share is the claim's
weight divided by the number of activities the task involves), or through a SAME_AS task (the other task's
best direct or activity path). The best path per (capability, task, mode) is the effective one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.exposure.frames import edge_frame, num, source_list

MODES = ("automate", "augment")
PATH_COLS = ["capability", "task_id", "mode", "weight", "kind", "via", "source_ids", "confidence"]
DEFAULT_CONFIDENCE = 0.5  # a claim without the curator's confidence counts as a coin-flip judgement
KIND_RANK = {"direct": 0, "dwa": 1, "same_as": 2}


@dataclass
class LinkPaths:
    paths: pd.DataFrame  # every path, winning or not: PATH_COLS + effective
    wa_paths: pd.DataFrame  # capability, mode, wa, weight, linked_to, source_ids, task_id, n_wa, share
    same_sources: dict[tuple[str, str], list[str]]


def _performs(edges: dict, cap_idx: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(direct capability -> task claims, capability -> work activity claims), weights clipped to [0, 1]."""
    perf = edge_frame(edges, "PERFORMS", ("weight", "mode", "source_ids", "confidence"))
    perf = perf[perf["src"].isin(cap_idx)].copy()
    perf["weight"] = [min(max(num(w, 0.0), 0.0), 1.0) for w in perf["weight"].tolist()]
    perf["confidence"] = [min(max(num(c, DEFAULT_CONFIDENCE), 0.0), 1.0) for c in perf["confidence"].tolist()]
    perf["mode"] = [m if m in MODES else "automate" for m in perf["mode"].tolist()]
    is_wa = perf["dst_label"].eq("WorkActivity") | perf["dst"].str.match(r"^(dwa|iwa|gwa):")
    return perf[~is_wa], perf[is_wa]


def _descendants_of(edges: dict):
    part_of = edge_frame(edges, "PART_OF")
    children: dict[str, list[str]] = defaultdict(list)
    for c, p in zip(part_of["src"].tolist(), part_of["dst"].tolist(), strict=True):
        children[p].append(c)

    def descendants(wa: str) -> list[str]:
        out, stack, seen = [], [wa], {wa}
        while stack:
            x = stack.pop()
            out.append(x)
            for ch in children.get(x, ()):
                if ch not in seen:
                    seen.add(ch)
                    stack.append(ch)
        return out

    return descendants


def _activity_claims(edges: dict, to_wa: pd.DataFrame) -> pd.DataFrame:
    """One weight per (capability, mode, activity): the largest claim on it or on an ancestor."""
    descendants = _descendants_of(edges)
    wa_rows = [
        (r.src, r.mode, d, r.weight, r.dst, tuple(source_list(r.source_ids)), r.confidence)
        for r in to_wa.itertuples(index=False)
        for d in descendants(r.dst)
    ]
    cols = ["capability", "mode", "wa", "weight", "linked_to", "source_ids", "confidence"]
    cap_wa = pd.DataFrame(wa_rows, columns=cols)
    return cap_wa.sort_values(
        ["capability", "mode", "wa", "weight", "linked_to"], ascending=[True, True, True, False, True]
    ).drop_duplicates(["capability", "mode", "wa"])


def _direct_paths(direct: pd.DataFrame) -> pd.DataFrame:
    paths = pd.DataFrame(
        {
            "capability": direct["src"].to_numpy(),
            "task_id": direct["dst"].to_numpy(),
            "mode": direct["mode"].to_numpy(),
            "weight": direct["weight"].to_numpy(dtype=float),
            "kind": "direct",
            "via": "",
            "source_ids": [source_list(s) for s in direct["source_ids"].tolist()],
            "confidence": direct["confidence"].to_numpy(dtype=float),
        },
        columns=PATH_COLS,
    )
    return paths.sort_values(
        ["capability", "task_id", "mode", "weight"], ascending=[True, True, True, False]
    ).drop_duplicates(["capability", "task_id", "mode"])


def _activity_paths(
    edges: dict, cap_wa: pd.DataFrame, broad_tasks: int | None, blocked: set[tuple[str, str]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(capability -> task paths through activities, the per-activity rows behind them).

    A task's share of a claim on an activity is weight / (activities the task involves), times the activity's
    specificity (1, or sqrt(broad_tasks / tasks involving it) for a broad activity); curated exclusions
    (capability, task) block the inherited path."""
    involves = edge_frame(edges, "INVOLVES").drop_duplicates(["src", "dst"])
    inv = pd.DataFrame({"task": involves["src"], "wa": involves["dst"]})
    inv["n_wa"] = inv.groupby("task")["wa"].transform("size")
    n_tasks = inv.groupby("wa")["task"].transform("size").to_numpy(dtype=float)
    inv["specificity"] = np.minimum(1.0, np.sqrt(broad_tasks / n_tasks)) if broad_tasks else 1.0
    wa_join = cap_wa.merge(inv, on="wa")
    if blocked and len(wa_join):
        keep = [
            (c, t) not in blocked for c, t in zip(wa_join["capability"].tolist(), wa_join["task"].tolist(), strict=True)
        ]
        wa_join = wa_join[keep].reset_index(drop=True)
    if len(wa_join):
        wa_join["share"] = wa_join["weight"] / wa_join["n_wa"] * wa_join["specificity"]
        wa_join["_cw"] = wa_join["share"] * wa_join["confidence"]
        g = wa_join.groupby(["capability", "task", "mode"], sort=True)[["share", "_cw"]].sum()
        dwa_paths = pd.DataFrame(
            {
                "weight": g["share"].clip(upper=1.0),
                # the path's confidence: its claims' confidences, weighted by what each contributes
                "confidence": (g["_cw"] / g["share"].where(g["share"] > 0)).fillna(DEFAULT_CONFIDENCE),
            }
        )
        dwa_paths = dwa_paths.reset_index().rename(columns={"task": "task_id"})
        wa_join = wa_join.drop(columns="_cw")
        dwa_paths["kind"] = "dwa"
        dwa_paths["via"] = ""  # filled on demand (Compiled.path_detail)
        dwa_paths["source_ids"] = None
        dwa_paths = dwa_paths[PATH_COLS]
    else:
        dwa_paths = pd.DataFrame(columns=PATH_COLS)
    return dwa_paths, wa_join.rename(columns={"task": "task_id"})


def _same_as_paths(edges: dict, base_paths: pd.DataFrame) -> tuple[pd.DataFrame, dict[tuple[str, str], list[str]]]:
    """Paths passed on through SAME_AS (only the best base path per capability, task and mode)."""
    best_base = base_paths.sort_values(
        ["capability", "task_id", "mode", "weight", "kind"], ascending=[True, True, True, False, False]
    ).drop_duplicates(["capability", "task_id", "mode"])
    same = edge_frame(edges, "SAME_AS", ("source_ids",))
    pairs = pd.concat(
        [
            pd.DataFrame({"task_id": same["src"], "other": same["dst"]}),
            pd.DataFrame({"task_id": same["dst"], "other": same["src"]}),
        ],
        ignore_index=True,
    ).drop_duplicates(["task_id", "other"])
    same_sources: dict[tuple[str, str], list[str]] = {}
    for a_, b_, srcs in zip(same["src"].tolist(), same["dst"].tolist(), same["source_ids"].tolist(), strict=True):
        same_sources[(a_, b_)] = same_sources[(b_, a_)] = source_list(srcs)
    if not (len(pairs) and len(best_base)):
        return pd.DataFrame(columns=PATH_COLS), same_sources
    sa = (
        best_base[["capability", "task_id", "mode", "weight", "confidence"]]
        .rename(columns={"task_id": "other"})
        .merge(pairs, on="other")
    )
    sa_paths = pd.DataFrame(
        {
            "capability": sa["capability"],
            "task_id": sa["task_id"],
            "mode": sa["mode"],
            "weight": sa["weight"].astype(float),
            "kind": "same_as",
            "via": sa["other"],
            "source_ids": None,
            "confidence": sa["confidence"].astype(float),
        },
        columns=PATH_COLS,
    )
    return sa_paths, same_sources


def _mark_effective(paths: pd.DataFrame) -> pd.DataFrame:
    """Best first per (capability, task, mode): highest weight, then direct > activity > same-as."""
    paths["weight"] = paths["weight"].astype(float)
    paths["_rank"] = paths["kind"].map(KIND_RANK)
    paths = paths.sort_values(
        ["capability", "task_id", "mode", "weight", "_rank", "via"],
        ascending=[True, True, True, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    paths["effective"] = ~paths.duplicated(["capability", "task_id", "mode"])
    return paths.drop(columns="_rank")


def blocked_paths(edges: dict) -> set[tuple[str, str]]:
    """Curated exclusions: (capability, task) pairs whose inherited paths were reviewed and blocked."""
    ex = edge_frame(edges, "NOT_VIA_ACTIVITY")
    return set(zip(ex["src"].tolist(), ex["dst"].tolist(), strict=True))


def link_paths(edges: dict, cap_idx: dict[str, int], broad_tasks: int | None = None) -> LinkPaths:
    direct, to_wa = _performs(edges, cap_idx)
    blocked = blocked_paths(edges)
    dwa_paths, wa_join = _activity_paths(edges, _activity_claims(edges, to_wa), broad_tasks, blocked)
    base_paths = pd.concat([_direct_paths(direct), dwa_paths], ignore_index=True)
    sa_paths, same_sources = _same_as_paths(edges, base_paths)
    if blocked and len(sa_paths):  # an exclusion blocks the path through an equivalent task too
        keep = [
            (c, t) not in blocked
            for c, t in zip(sa_paths["capability"].tolist(), sa_paths["task_id"].tolist(), strict=True)
        ]
        sa_paths = sa_paths[keep]
    paths = _mark_effective(pd.concat([base_paths, sa_paths], ignore_index=True))
    return LinkPaths(paths=paths, wa_paths=wa_join, same_sources=same_sources)
