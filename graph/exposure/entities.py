"""Stage 3 of compiling the graph: the entities scored and the matrix that maps tasks to them.

Base entities are occupations and crafts with tasks of their own (a row of `A_base` holds the importance
shares of its tasks). Every other entity is a composition of base entities (`C`): a craft without tasks
through its occupations, an occupation without tasks through its crafts, a department through its crafts,
the workforce aggregates through occupations (employment-weighted where known) or crafts. `A = C @ A_base`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graph.exposure.evidence import WORKFORCE
from graph.exposure.frames import edge_frame, node_frame, num, source_list

Composition = dict[str, dict[str, float]]  # entity -> {base entity: weight}, rows sum to 1
ASSESSED = "assessed"
PARTLY = "partly assessed"
NOT_ASSESSED = "not assessed"
# An entity is "assessed" when capabilities reach at least this share of its task weight, "partly assessed"
# below it and "not assessed" at zero (then it gets no score at all, never a 0 with a band).
ASSESSED_MIN_COVERAGE = 0.5


@dataclass
class TaskMatrix:
    has_task: pd.DataFrame  # src, dst, importance (> 0 totals only)
    tasks: list[str]
    base_ids: list[str]
    A_base: sp.csr_matrix
    n_tasks: dict[str, int]
    coverage: dict[str, float]  # base entity -> share of its task weight that some capability reaches


@dataclass
class Entities:
    entities: pd.DataFrame  # id, label, name, basis, n_tasks, employment, soc_code, department, members
    A: sp.csr_matrix
    C: sp.csr_matrix
    compose_sources: dict[tuple[str, str], list[str]]


def task_matrix(edges: dict, effective_tasks: set[str], reached: set[str], notes: list[str]) -> TaskMatrix:
    """Base entities' task shares; `reached`: the tasks some capability reaches with a positive weight."""
    has_task = edge_frame(edges, "HAS_TASK", ("importance",))
    has_task = has_task[
        has_task["src_label"].isin(["Occupation", "Craft"]) | has_task["src"].str.match(r"^(onet|craft):")
    ]
    imp = [num(v) for v in has_task["importance"].tolist()]
    if any(v is None for v in imp):
        notes.append("HAS_TASK without importance counted with importance 1")
    has_task = has_task.assign(importance=[1.0 if v is None else max(v, 0.0) for v in imp])
    has_task = has_task.groupby(["src", "dst"], sort=True, as_index=False)["importance"].max()

    tasks = sorted(set(has_task["dst"].tolist()) | effective_tasks)
    t_idx = {t: i for i, t in enumerate(tasks)}
    tot = has_task.groupby("src")["importance"].transform("sum")
    has_task = has_task[tot > 0]
    base_ids = sorted(set(has_task["src"].tolist()))
    b_idx = {b: i for i, b in enumerate(base_ids)}
    A_base = sp.csr_matrix(
        (
            (has_task["importance"] / tot[tot > 0]).to_numpy(dtype=float),
            (has_task["src"].map(b_idx).to_numpy(dtype=np.int64), has_task["dst"].map(t_idx).to_numpy(dtype=np.int64)),
        ),
        shape=(len(base_ids), len(tasks)),
    )
    n_tasks = has_task.groupby("src").size().to_dict()
    hit = np.array([t in reached for t in tasks], dtype=float)
    cov = np.minimum(A_base @ hit, 1.0)
    coverage = {b: float(cov[i]) for i, b in enumerate(base_ids)}
    return TaskMatrix(has_task, tasks, base_ids, A_base, n_tasks, coverage)


def _compose_from(
    groups, other: str, comp: Composition, basis: dict[str, str], label: str, sources: dict, bases: set[str]
) -> None:
    """Entities without tasks of their own, composed from the base entities they are classified with."""
    for e, grp in groups:
        if e in comp:
            continue
        parts = {o: num(s, 0.0) for o, s in zip(grp[other].tolist(), grp["share"].tolist(), strict=True) if o in bases}
        tot = sum(parts.values())
        if tot > 0:
            comp[e] = {o: s / tot for o, s in parts.items() if s > 0}
            basis[e] = label
            for o, srcs in zip(grp[other].tolist(), grp["source_ids"].tolist(), strict=True):
                sources[(e, o)] = source_list(srcs)


def _mix(comp: Composition, members: dict[str, float]) -> dict[str, float]:
    tot = sum(members.values())
    out: dict[str, float] = defaultdict(float)
    for m, w in members.items():
        for b, v in comp.get(m, {}).items():
            out[b] += w / tot * v
    return dict(out)


def _row(id_: str, label: str, name: str, basis: str, **extra) -> dict:
    row = dict(id=id_, label=label, name=name, basis=basis, n_tasks=0, employment=None, soc_code=None)
    row.update(department=None, members=1)
    row.update(extra)
    return row


def coverage_status(coverage: float) -> str:
    if not coverage > 0:
        return NOT_ASSESSED
    return ASSESSED if coverage >= ASSESSED_MIN_COVERAGE else PARTLY


def _reason(row: dict) -> str:
    """Why an entity is not (fully) assessed, in plain words; empty when it is."""
    cov, label = row["coverage"], row["label"]
    if row["basis"] == "none":
        if label in ("Department", "Workforce"):
            return f"none of its {row['members_total']} members is assessed" if row["members_total"] else "no members"
        return "no tasks of its own and no occupation or craft to score it through"
    if not cov > 0:
        return "no capability in the catalog reaches any of its tasks"
    if cov < ASSESSED_MIN_COVERAGE:
        return f"capabilities in the catalog reach {cov:.0%} of its task weight; the rest has not been assessed"
    return ""


class _Builder:
    """Collects entity rows and their compositions in the order the engine has always used."""

    def __init__(self, nodes: dict, edges: dict, tm: TaskMatrix, names: dict[str, str]):
        occ_df = node_frame(nodes, "Occupation", ("title", "soc_code", "employment"))
        self.occ_ids = list(occ_df["id"])
        self.craft_ids = list(node_frame(nodes, "Craft", ("name",))["id"])
        self.dept_ids = list(node_frame(nodes, "Department", ("name",))["id"])
        self.occ_emp = {o: num(e) for o, e in zip(occ_df["id"].tolist(), occ_df["employment"].tolist(), strict=True)}
        self.occ_soc = {
            o: (str(s) if s else o.removeprefix("onet:"))
            for o, s in zip(occ_df["id"].tolist(), occ_df["soc_code"].tolist(), strict=True)
        }
        self.names, self.tm = names, tm
        in_dept = edge_frame(edges, ("IN", "IN_DEPARTMENT"))
        depts = set(self.dept_ids)
        self.craft_dept = {
            c: d for c, d in zip(in_dept["src"].tolist(), in_dept["dst"].tolist(), strict=True) if d in depts
        }
        self.comp: Composition = {}
        self.basis: dict[str, str] = {}
        self.sources: dict[tuple[str, str], list[str]] = {}
        self.rows: list[dict] = []
        self._compose_base(edges)

    def _compose_base(self, edges: dict) -> None:
        bases = set(self.tm.base_ids)
        for e in [*self.occ_ids, *self.craft_ids]:
            if e in bases:
                self.comp[e] = {e: 1.0}
                self.basis[e] = "tasks"
        classified = edge_frame(edges, "CLASSIFIED_AS", ("share", "source_ids"))
        classified = classified[classified["src"].isin(self.craft_ids) & classified["dst"].isin(self.occ_ids)]
        # a craft without tasks of its own: its occupations; an occupation without tasks: its crafts
        by_craft = classified.groupby("src", sort=True)
        _compose_from(by_craft, "dst", self.comp, self.basis, "occupations", self.sources, bases)
        by_occ = classified.groupby("dst", sort=True)
        _compose_from(by_occ, "src", self.comp, self.basis, "crafts", self.sources, bases)

    def occupations_and_crafts(self) -> None:
        for o in self.occ_ids:
            self.rows.append(
                _row(
                    o,
                    "Occupation",
                    self.names.get(o, o),
                    self.basis.get(o, "none"),
                    n_tasks=self.tm.n_tasks.get(o, 0),
                    employment=self.occ_emp.get(o),
                    soc_code=self.occ_soc[o],
                )
            )
        for c in self.craft_ids:
            self.rows.append(
                _row(
                    c,
                    "Craft",
                    self.names.get(c, c),
                    self.basis.get(c, "none"),
                    n_tasks=self.tm.n_tasks.get(c, 0),
                    department=self.craft_dept.get(c),
                )
            )

    def coverage_of(self, e: str) -> float:
        return float(sum(w * self.tm.coverage.get(b, 0.0) for b, w in self.comp.get(e, {}).items()))

    def assessed(self, e: str) -> bool:
        return e in self.comp and self.coverage_of(e) > 0

    def departments(self, headcount: dict[str, float]) -> None:
        """A department mixes its assessed crafts weighted by their national payroll headcount (graph.jobs,
        point estimate) when every one of them has a headcount above 0; otherwise with equal weights (a
        catalog-only build has no headcounts). `basis` says which."""
        for d in self.dept_ids:
            in_dept = [c for c in self.craft_ids if self.craft_dept.get(c) == d and c in self.comp]
            members = {c: 1.0 for c in in_dept if self.assessed(c)}
            weighted = bool(members) and all(headcount.get(c, 0.0) > 0 for c in members)
            if weighted:
                members = {c: headcount[c] for c in members}
            if members:
                self.comp[d] = _mix(self.comp, members)
            basis = ("crafts (headcount-weighted)" if weighted else "crafts (equal weights)") if members else "none"
            self.rows.append(
                _row(
                    d,
                    "Department",
                    self.names.get(d, d),
                    basis,
                    department=d,
                    members=len(members),
                    members_total=len(in_dept),
                )
            )

    def workforce(self) -> None:
        scored_occ = [o for o in self.occ_ids if o in self.comp]
        for wid, everyone in (
            ("workforce:all-occupations", scored_occ),
            ("workforce:arts-media-27", [o for o in scored_occ if self.occ_soc[o].startswith("27-")]),
        ):
            subset = [o for o in everyone if self.assessed(o)]
            all_emp = [self.occ_emp[o] for o in everyone if self.occ_emp.get(o) and self.occ_emp[o] > 0]
            with_emp = {o: self.occ_emp[o] for o in subset if self.occ_emp.get(o) and self.occ_emp[o] > 0}
            if with_emp:
                members, wbasis = with_emp, "occupations (employment-weighted)"
            else:
                members, wbasis = {o: 1.0 for o in subset}, "occupations (equal weights: no employment data)"
            if members:
                self.comp[wid] = _mix(self.comp, members)
            employment = float(sum(with_emp.values())) if with_emp else None
            basis = wbasis if members else "none"
            row = _row(wid, "Workforce", WORKFORCE[wid], basis, employment=employment, members=len(members))
            row.update(members_total=len(everyone), employment_all=float(sum(all_emp)) if all_emp else None)
            self.rows.append(row)
        all_crafts = [c for c in self.craft_ids if c in self.comp]
        scored_crafts = {c: 1.0 for c in all_crafts if self.assessed(c)}
        if scored_crafts:
            self.comp["workforce:crafts"] = _mix(self.comp, scored_crafts)
        basis = "crafts (equal weights)" if scored_crafts else "none"
        wid = "workforce:crafts"
        row = _row(wid, "Workforce", WORKFORCE[wid], basis, members=len(scored_crafts), members_total=len(all_crafts))
        self.rows.append(row)

    def _coverage_columns(self) -> None:
        """Coverage of every row; entities nothing reaches leave the composition (no score, not a 0)."""
        for row in self.rows:
            row.setdefault("members_total", row["members"])
            row.setdefault("employment_all", row["employment"])
            row["coverage"] = self.coverage_of(row["id"]) if row["id"] in self.comp else 0.0
            row["coverage_status"] = coverage_status(row["coverage"]) if row["basis"] != "none" else NOT_ASSESSED
            row["coverage_reason"] = _reason(row)
            if row["coverage_status"] == NOT_ASSESSED:
                self.comp.pop(row["id"], None)

    def result(self) -> Entities:
        self._coverage_columns()
        entities = pd.DataFrame(self.rows)
        e_idx = {e: i for i, e in enumerate(entities["id"].tolist())}
        b_idx = {b: i for i, b in enumerate(self.tm.base_ids)}
        rows, cols, vals = [], [], []
        for e, parts in self.comp.items():
            for b, w in parts.items():
                rows.append(e_idx[e])
                cols.append(b_idx[b])
                vals.append(w)
        C = sp.csr_matrix((vals, (rows, cols)), shape=(len(entities), len(self.tm.base_ids)))
        A = (C @ self.tm.A_base).tocsr()
        A.sort_indices()
        return Entities(entities=entities, A=A, C=C, compose_sources=self.sources)


def craft_headcounts(nodes: dict, edges: dict) -> dict[str, float]:
    """Craft → national payroll headcount (graph.jobs point estimate); empty without OEWS industry data."""
    from graph.jobs import craft_headcounts as headcounts

    if nodes.get("JobsEstimate") is None or "Occupation" not in nodes:
        return {}
    hc = headcounts((nodes, edges))
    if not len(hc):
        return {}
    us = hc[(hc["area_id"] == "area:us") & hc["headcount"].notna()]
    return {c: float(h) for c, h in zip(us["craft_id"].tolist(), us["headcount"].tolist(), strict=True)}


def scored_entities(nodes: dict, edges: dict, tm: TaskMatrix, names: dict[str, str]) -> Entities:
    b = _Builder(nodes, edges, tm, names)
    b.occupations_and_crafts()
    b.departments(craft_headcounts(nodes, edges))
    b.workforce()
    return b.result()
