"""Explanations: an entity's exposure split into contributions by capability, task, tool and limitation.

Accounting (docs/method.md §5), per Monte Carlo draw, then averaged over draws:
- a task's exposure e_k = 1 - exp(-H_k), H_k = sum_c h_ck, h_ck = -log(1 - w_ck M'_c). Each
  capability link gets e_k * h_ck / H_k: its share of the task's hazard. The shares add up to e_k.
- an entity's exposure E = sum_k a_k e_k, so link (c, k) contributes a_k e_k h_ck / H_k; these add up
  to E in every draw, hence their means add up to the mean of E (the `mean` column of the summary).
- tools: a capability's contribution is split equally among the tools that provide it (an accounting
  convention: maturity is fitted per capability, not per tool).
- limitations: what they hold back is E(without limitations) - E. Per task the difference is split
  among links by their share of the hazard difference, and within a link among the capability's
  binding limitations (the most severe of each kind; every one under config.limitation_combine="product")
  by their share of -log(1 - severity). These add up exactly to the total held back. A limitation that
  does not bind gets zero: removing it alone would change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graph.exposure.frames import join_sources, source_list
from graph.exposure.score import Run, quantiles


@dataclass
class Explanation:
    total: pd.DataFrame  # one row: median, low, high, mean, sum of contributions, without limitations, held back
    links: pd.DataFrame  # one row per (component, task, capability, mode)
    by_capability: pd.DataFrame
    by_task: pd.DataFrame
    by_tool: pd.DataFrame
    by_limitation: pd.DataFrame

    def frames(self) -> dict[str, pd.DataFrame]:
        return {k: getattr(self, k) for k in ("total", "by_capability", "by_task", "by_tool", "by_limitation", "links")}


def _year_arrays(run: Run, year: int) -> tuple[np.ndarray, np.ndarray, float]:
    t = year + 0.5
    if year in run.years:
        y = run.years.index(year)
        return run.M[y], run.Md[y], t
    M, Md = run.maturity_at(np.array([t]))
    return M[0], Md[0], t


def link_stats(run: Run, year: int, task_idx: np.ndarray, a: np.ndarray, chunk: int = 2000) -> dict:
    """Per-link means of contributions and held-back parts, per-limitation held-back parts, and the
    entity's total per draw (with and without limitations), computed in chunks of tasks."""
    cm = run.engine.compiled
    ms = run.engine.config.max_share
    M, Md, t = _year_arrays(run, year)
    n_d = M.shape[1]
    local = {int(k): i for i, k in enumerate(task_idx)}
    links = cm.links[cm.links["task"].isin(task_idx)].copy()
    links["lt"] = links["task"].map(local)
    links = links.sort_values(["lt", "cap", "mode"], kind="stable").reset_index(drop=True)
    lt = links["lt"].to_numpy(dtype=np.int64)
    caps = links["cap"].to_numpy(dtype=np.int64)
    w = run.link_weights(links)  # (n_terms, n_draws): judgement draws of the weights
    n_terms = len(links)
    # limitation shares: -log(1 - sev_j) / sum over the capability's limitations, per draw
    ll = cm.lim_links
    n_lim = len(ll)
    sev = run.severities_at(np.array([t]))[0] if n_lim else np.zeros((0, n_d))
    lk = -np.log1p(-sev) * run.binding(sev)  # only the binding limitation of each group holds back
    lim_cap = ll["cap"].to_numpy(dtype=np.int64) if n_lim else np.zeros(0, np.int64)
    tot = run.engine.lim_matrix @ lk if n_lim else np.zeros((len(cm.caps), n_d))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(tot[lim_cap] > 0, lk / tot[lim_cap], 0.0) if n_lim else lk
    lims_of_cap: dict[int, list[int]] = {}
    for j, c in enumerate(lim_cap):
        lims_of_cap.setdefault(int(c), []).append(j)
    pair_term, pair_lim = [], []
    for term, c in enumerate(caps):
        for j in lims_of_cap.get(int(c), ()):
            pair_term.append(term)
            pair_lim.append(j)
    pair_term = np.array(pair_term, dtype=np.int64)
    pair_lim = np.array(pair_lim, dtype=np.int64)

    E = np.zeros(n_d)
    E0 = np.zeros(n_d)
    contrib_mean = np.zeros(n_terms)
    held_mean = np.zeros(n_terms)
    e_mean = np.zeros(len(task_idx))
    held_lim = np.zeros(n_lim)
    bounds = np.searchsorted(lt, np.arange(0, len(task_idx) + chunk, chunk))
    for ci, k0 in enumerate(range(0, len(task_idx), chunk)):
        k1 = min(k0 + chunk, len(task_idx))
        s0, s1 = int(bounds[ci]), int(bounds[ci + 1]) if ci + 1 < len(bounds) else n_terms
        ltc = lt[s0:s1] - k0
        T = sp.csr_matrix((np.ones(s1 - s0), (ltc, np.arange(s1 - s0))), shape=(k1 - k0, s1 - s0))
        h = -np.log1p(-np.minimum(w[s0:s1] * Md[caps[s0:s1]], ms))
        h0 = -np.log1p(-np.minimum(w[s0:s1] * M[caps[s0:s1]], ms))
        H, H0 = T @ h, T @ h0
        e, e0 = -np.expm1(-H), -np.expm1(-H0)
        # tasks without links have e = 0 and add nothing
        E += a[k0:k1] @ e
        E0 += a[k0:k1] @ e0
        e_mean[k0:k1] = e.mean(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            contrib = np.where(H[ltc] > 0, e[ltc] * h / H[ltc], 0.0)
            dH = H0 - H
            held = np.where(dH[ltc] > 0, (e0 - e)[ltc] * (h0 - h) / dH[ltc], 0.0)
        contrib_mean[s0:s1] = contrib.mean(axis=1)
        held_mean[s0:s1] = held.mean(axis=1)
        sel = (pair_term >= s0) & (pair_term < s1)
        if sel.any():
            pt, pl = pair_term[sel], pair_lim[sel]
            part = (held[pt - s0] * ratio[pl]).mean(axis=1) * a[lt[pt]]
            held_lim += np.bincount(pl, weights=part, minlength=n_lim)
    return dict(
        links=links,
        lt=lt,
        caps=caps,
        M=M,
        Md=Md,
        t=t,
        sev=sev,
        E=E,
        E0=E0,
        contrib_mean=contrib_mean,
        held_mean=held_mean,
        e_mean=e_mean,
        held_lim=held_lim,
    )


def explain(run: Run, entity_id: str, year: int) -> Explanation:
    eng = run.engine
    cm = eng.compiled
    idx = cm.entity_index
    if entity_id not in idx:
        raise KeyError(f"no scored entity {entity_id!r} (a Craft, Occupation, Department or workforce:* id)")
    e_i = idx[entity_id]
    a_row = cm.A.getrow(e_i)
    task_idx = a_row.indices
    a = a_row.data
    d = link_stats(run, year, task_idx, a)
    links, lt = d["links"], d["lt"]
    E, E0 = d["E"], d["E0"]
    has_basis = bool(eng.structure.has_basis[e_i])
    lo, hi = eng.config.band
    q = quantiles(E[None, :], (lo, 0.5, hi))

    # ---- limitations ---------------------------------------------------------------------------------
    ll = cm.lim_links
    acc: dict[str, dict] = {}
    for j in np.flatnonzero(d["held_lim"] != 0) if len(ll) else []:
        r = ll.iloc[int(j)]
        x = acc.setdefault(
            r["limitation"],
            dict(
                limitation=r["limitation"],
                name=r["name"],
                kind=r["kind"],
                held_back=0.0,
                severity_today=0.0,
                severity=0.0,
                capabilities=set(),
                sources=set(),
            ),
        )
        x["held_back"] += float(d["held_lim"][j])
        x["severity_today"] = max(x["severity_today"], float(r["severity"]))
        x["severity"] = max(x["severity"], float(d["sev"][j].mean()))
        x["capabilities"].add(r["capability"])
        x["sources"].update(source_list(r["source_ids"]))
    by_limitation = pd.DataFrame(
        [
            {**x, "capabilities": ";".join(sorted(x["capabilities"])), "sources": sorted(x["sources"])}
            for x in acc.values()
        ],
        columns=["limitation", "name", "kind", "held_back", "severity_today", "severity", "capabilities", "sources"],
    )
    if len(by_limitation):
        by_limitation = by_limitation.sort_values(
            ["held_back", "limitation"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)
    held_total = float(E0.mean() - E.mean())
    by_limitation["share_of_held_back"] = by_limitation["held_back"] / held_total if held_total > 0 else 0.0

    # ---- link rows, expanded over the entity's components -------------------------------------------
    comp_row = cm.C.getrow(e_i)
    comp = (sp.diags(comp_row.toarray().ravel()) @ cm.A_base).tocoo()
    ct = pd.DataFrame({"b": comp.row, "task": comp.col, "importance_share": comp.data})
    terms = pd.DataFrame({"term": np.arange(len(links)), "task": links["task"].to_numpy()})
    j = ct.merge(terms, on="task", sort=True)
    tm = j["term"].to_numpy(dtype=np.int64)
    keys = list(zip(links["capability"], links["task_id"], links["mode"], strict=True))
    details = {k: cm.path_detail(*k) for k in {keys[t] for t in tm}}
    mat_mean = d["M"][d["caps"]].mean(axis=1) if len(lt) else np.zeros(0)
    dmat_mean = d["Md"][d["caps"]].mean(axis=1) if len(lt) else np.zeros(0)
    base_ids = [cm.base_ids[b] for b in j["b"]]
    imp_j = j["importance_share"].to_numpy(dtype=float)
    lf = pd.DataFrame(
        {
            "component": base_ids,
            "component_name": [cm.names.get(b, b) for b in base_ids],
            "task_id": [keys[t][1] for t in tm],
            "task": [cm.task_text.get(keys[t][1], "") for t in tm],
            "importance_share": imp_j,
            "capability": [keys[t][0] for t in tm],
            "capability_name": [cm.cap_names.get(keys[t][0], keys[t][0]) for t in tm],
            "mode": [keys[t][2] for t in tm],
            "weight": links["weight"].to_numpy(dtype=float)[tm],
            "path": [details[keys[t]][0] for t in tm],
            "via": [details[keys[t]][1] for t in tm],
            "maturity": mat_mean[tm],
            "damped_maturity": dmat_mean[tm],
            "task_exposure": d["e_mean"][lt[tm]] if len(tm) else np.zeros(0),
            "contribution": imp_j * d["contrib_mean"][tm],
            "held_back": imp_j * d["held_mean"][tm],
            "sources": [
                join_sources(details[keys[t]][2], cm.compose_sources.get((entity_id, b), []))
                for t, b in zip(tm, base_ids, strict=True)
            ],
        }
    )
    if len(lf):
        lf = lf.sort_values(
            ["contribution", "task_id", "capability", "component"], ascending=[False, True, True, True], kind="stable"
        ).reset_index(drop=True)
    denom = float(lf["contribution"].sum()) if len(lf) else 0.0
    recs = lf.to_dict("records")

    # ---- by capability ---------------------------------------------------------------------------------
    tools = cm.tools
    tools_of: dict[str, list[dict]] = {}
    for t in tools.to_dict("records"):
        tools_of.setdefault(t["capability"], []).append(t)
    ev_src: dict[str, set] = {}
    for c, srcs in zip(cm.evidence["capability"], cm.evidence["source_ids"], strict=True):
        ev_src.setdefault(c, set()).update(source_list(srcs))
    cap_acc: dict[str, dict] = {}
    for r in recs:
        x = cap_acc.setdefault(
            r["capability"],
            dict(
                capability=r["capability"],
                name=r["capability_name"],
                contribution=0.0,
                automation=0.0,
                augmentation=0.0,
                held_back=0.0,
                tasks=set(),
                maturity=r["maturity"],
                damped_maturity=r["damped_maturity"],
                sources=set(),
            ),
        )
        x["contribution"] += r["contribution"]
        x["automation" if r["mode"] == "automate" else "augmentation"] += r["contribution"]
        x["held_back"] += r["held_back"]
        x["tasks"].add(r["task_id"])
        x["sources"].update(r["sources"])
    by_capability = _ranked(
        pd.DataFrame(
            [
                dict(
                    capability=x["capability"],
                    name=x["name"],
                    contribution=x["contribution"],
                    automation=x["automation"],
                    augmentation=x["augmentation"],
                    held_back=x["held_back"],
                    n_tasks=len(x["tasks"]),
                    maturity=x["maturity"],
                    damped_maturity=x["damped_maturity"],
                    tools=";".join(sorted(str(t["name"]) for t in tools_of.get(x["capability"], []))),
                    link_sources=sorted(x["sources"]),
                    maturity_sources=sorted(ev_src.get(x["capability"], set())),
                )
                for x in cap_acc.values()
            ],
            columns=[
                "capability",
                "name",
                "contribution",
                "automation",
                "augmentation",
                "held_back",
                "n_tasks",
                "maturity",
                "damped_maturity",
                "tools",
                "link_sources",
                "maturity_sources",
            ],
        ),
        denom,
    )

    # ---- by task --------------------------------------------------------------------------------------
    task_acc: dict[str, dict] = {}
    for r in recs:
        x = task_acc.setdefault(
            r["task_id"],
            dict(
                task_id=r["task_id"],
                task=r["task"],
                imp={},
                task_exposure=r["task_exposure"],
                contribution=0.0,
                held_back=0.0,
                capabilities=set(),
                sources=set(),
            ),
        )
        x["imp"][r["component"]] = r["importance_share"]
        x["contribution"] += r["contribution"]
        x["held_back"] += r["held_back"]
        x["capabilities"].add(r["capability"])
        x["sources"].update(r["sources"])
    by_task = _ranked(
        pd.DataFrame(
            [
                dict(
                    task_id=x["task_id"],
                    task=x["task"],
                    importance_share=sum(x["imp"].values()),
                    task_exposure=x["task_exposure"],
                    contribution=x["contribution"],
                    held_back=x["held_back"],
                    capabilities=";".join(sorted(x["capabilities"])),
                    sources=sorted(x["sources"]),
                )
                for x in task_acc.values()
            ],
            columns=[
                "task_id",
                "task",
                "importance_share",
                "task_exposure",
                "contribution",
                "held_back",
                "capabilities",
                "sources",
            ],
        ),
        denom,
    )

    # ---- by tool (equal split of each capability's contribution) ---------------------------------------
    tool_acc: dict[str, dict] = {}
    for r in by_capability.itertuples(index=False):
        tl = tools_of.get(r.capability, [])
        live = [t for t in tl if str(t["status"]) != "research"]
        use = live or tl or [dict(tool="(no tool in the catalog)", name="(no tool in the catalog)", source_ids=[])]
        share = r.contribution / len(use)
        for t in use:
            x = tool_acc.setdefault(
                t["tool"], dict(tool=t["tool"], name=t["name"], contribution=0.0, capabilities=set(), sources=set())
            )
            x["contribution"] += share
            x["capabilities"].add(r.capability)
            x["sources"].update(source_list(t["source_ids"]))
    by_tool = _ranked(
        pd.DataFrame(
            [
                dict(
                    tool=x["tool"],
                    name=x["name"],
                    contribution=x["contribution"],
                    capabilities=";".join(sorted(x["capabilities"])),
                    sources=sorted(x["sources"]),
                )
                for x in tool_acc.values()
            ],
            columns=["tool", "name", "contribution", "capabilities", "sources"],
        ),
        denom,
    )

    nan = float("nan")
    total = pd.DataFrame(
        [
            dict(
                entity_id=entity_id,
                name=cm.names.get(entity_id, entity_id),
                year=year,
                scenario=run.scenario.name,
                median=float(q[1][0]) if has_basis else nan,
                low=float(q[0][0]) if has_basis else nan,
                high=float(q[2][0]) if has_basis else nan,
                mean=float(E.mean()) if has_basis else nan,
                sum_of_contributions=denom,
                without_limitations=float(E0.mean()) if has_basis else nan,
                held_back=held_total if has_basis else nan,
                sum_of_held_back=float(by_limitation["held_back"].sum()) if len(by_limitation) else 0.0,
                basis=cm.entities.loc[e_i, "basis"],
                n_components=len(comp_row.indices),
            )
        ]
    )
    return Explanation(total, lf, by_capability, by_task, by_tool, by_limitation)


def _ranked(df: pd.DataFrame, denom: float) -> pd.DataFrame:
    if not len(df):
        return df.assign(share=pd.Series(dtype=float))
    df = df.sort_values(["contribution", df.columns[0]], ascending=[False, True], kind="stable").reset_index(drop=True)
    df["share"] = df["contribution"] / denom if denom > 0 else 0.0
    return df
