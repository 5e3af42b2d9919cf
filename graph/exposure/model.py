"""Compile the graph's node and edge frames into the arrays the engine computes on.

Input: plain `nodes` / `edges` dicts of pandas frames, as `graph.store.Graph` holds them (or as
`graph.tables.TableBuilder` makes them). Nothing here depends on the store.

Output (`Compiled`):
- the capabilities, their dated evidence (milestones, and tools offering them) and limitations;
- effective capability -> task links (direct, through an O*NET work activity, or through a SAME_AS task),
  with every path kept for explanations;
- the entities scored (occupations, crafts, departments, workforce aggregates) as rows of one sparse
  matrix `A` (entity x task) whose row holds the share of the entity's work each task stands for.
  Every entity score is `A @ task_exposure`, so aggregates and fallbacks are linear and decompose exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import scipy.sparse as sp

from graph.exposure.config import MethodConfig
from graph.exposure.entities import scored_entities, task_matrix
from graph.exposure.evidence import as_of_date, display_names, limitation_links, maturity_evidence
from graph.exposure.frames import join_sources, node_frame, source_list
from graph.exposure.link_paths import link_paths

LINK_COLS = ["cap", "task", "capability", "task_id", "mode", "weight", "kind", "via", "source_ids", "confidence"]


# ----------------------------------------------------------------------------------------------- compiled


@dataclass
class Compiled:
    config: MethodConfig
    as_of: float
    caps: list[str]
    cap_names: dict[str, str]
    evidence: pd.DataFrame  # capability, cap, level, z, t, var, kind, item, date, source_ids
    lim_links: pd.DataFrame  # cap, capability, limitation, name, kind, severity, half_life, source_ids
    tasks: list[str]
    task_text: dict[str, str]
    links: pd.DataFrame  # effective links: cap, task, capability, task_id, mode, weight, kind, via, source_ids
    paths: pd.DataFrame  # every path, winning or not (same columns + effective)
    entities: pd.DataFrame  # id, label, name, basis, n_tasks, employment, soc_code, department
    A: sp.csr_matrix  # entity x task: share of the entity's work each task stands for
    C: sp.csr_matrix  # entity x base entity: composition weights (A = C @ A_base)
    A_base: sp.csr_matrix  # base entity x task: importance shares of the entity's own tasks
    base_ids: list[str]
    tools: pd.DataFrame  # capability, tool, name, status, since, level, source_ids
    tool_lims: pd.DataFrame  # tool, limitation, severity, source_ids
    compose_sources: dict[tuple[str, str], list[str]]  # (entity, component) -> sources (CLASSIFIED_AS)
    names: dict[str, str]
    wa_paths: pd.DataFrame  # capability, mode, wa, weight, linked_to, source_ids, task_id, n_wa, share
    same_sources: dict[tuple[str, str], list[str]]
    notes: list[str] = field(default_factory=list)

    @cached_property
    def _path_index(self) -> dict[tuple[str, str, str], list[int]]:
        """(capability, task, mode) -> rows of `paths`, best first."""
        out: dict[tuple[str, str, str], list[int]] = {}
        for i, key in enumerate(zip(*(self.paths[c].tolist() for c in ("capability", "task_id", "mode")), strict=True)):
            out.setdefault(key, []).append(i)
        return out

    @cached_property
    def _wa_records(self) -> list[dict]:
        return self.wa_paths.to_dict("records")

    @cached_property
    def _wa_index(self) -> dict[tuple[str, str, str], list[int]]:
        out: dict[tuple[str, str, str], list[int]] = {}
        w = self.wa_paths
        if not len(w):
            return out
        for i, key in enumerate(zip(w["capability"].tolist(), w["task_id"].tolist(), w["mode"].tolist(), strict=True)):
            out.setdefault(key, []).append(i)
        return out

    def path_detail(self, capability: str, task_id: str, mode: str) -> tuple[str, str, list[str]]:
        """(kind, via, sources) of the effective path from a capability to a task."""
        rows = self._path_index.get((capability, task_id, mode))
        if not rows:
            return "", "", []
        r = self._path_records[rows[0]]
        return self._detail(capability, task_id, mode, r["kind"], r["via"], r["source_ids"])

    @cached_property
    def _path_records(self) -> list[dict]:
        return self.paths.to_dict("records")

    def _detail(self, capability, task_id, mode, kind, via, sources) -> tuple[str, str, list[str]]:
        if kind == "direct":
            return kind, "", source_list(sources)
        if kind == "dwa":
            rows = [self._wa_records[i] for i in self._wa_index.get((capability, task_id, mode), [])]
            rows.sort(key=lambda r: r["wa"])
            via_txt = ";".join(
                r["wa"] if r["linked_to"] == r["wa"] else f"{r['wa']} (in {r['linked_to']})" for r in rows
            )
            return kind, via_txt, join_sources(*[list(r["source_ids"]) for r in rows])
        # same_as: the other task's best direct or DWA path
        other = via
        base = [self._path_records[i] for i in self._path_index.get((capability, other, mode), [])]
        base = [b for b in base if b["kind"] in ("direct", "dwa")]
        if not base:
            return kind, f"same as {other}", self.same_sources.get((task_id, other), [])
        b = base[0]
        k2, via2, src2 = self._detail(capability, other, mode, b["kind"], b["via"], b["source_ids"])
        via_txt = f"same as {other}" + (f" > {via2}" if via2 else f" ({k2})")
        return kind, via_txt, join_sources(src2, self.same_sources.get((task_id, other), []))

    @property
    def entity_index(self) -> dict[str, int]:
        return {e: i for i, e in enumerate(self.entities["id"])}

    @property
    def cap_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.caps)}


@dataclass
class MaturityInputs:
    """What the maturity fits read (stage 1): capabilities, names, dated evidence, the as-of date. Only
    catalog tables feed it (capabilities, milestones, tools, sources), so the build fits ahead from them."""

    caps: list[str]
    cap_idx: dict[str, int]
    names: dict[str, str]
    cap_names: dict[str, str]
    task_text: dict[str, str]
    evidence: pd.DataFrame
    tools: pd.DataFrame
    as_of: float


def maturity_inputs(nodes: dict, edges: dict, config: MethodConfig, notes: list[str]) -> MaturityInputs:
    caps = list(node_frame(nodes, "Capability", ("name",))["id"])
    cap_idx = {c: i for i, c in enumerate(caps)}
    names, cap_names, task_text = display_names(nodes)
    evidence, tools = maturity_evidence(nodes, edges, cap_idx, names, config, notes)
    as_of = as_of_date(nodes, evidence, config, notes)
    return MaturityInputs(caps, cap_idx, names, cap_names, task_text, evidence, tools, as_of)


def compile_graph(nodes: dict, edges: dict, config: MethodConfig | None = None) -> Compiled:
    """Compile the graph in three stages: evidence and limitations, link paths, entities."""
    config = config or MethodConfig()
    notes: list[str] = []
    m = maturity_inputs(nodes, edges, config, notes)
    caps, cap_idx, names, evidence, as_of = m.caps, m.cap_idx, m.names, m.evidence, m.as_of
    lim_links, tool_lims = limitation_links(nodes, edges, cap_idx, names, config, notes)

    lp = link_paths(edges, cap_idx, config.activity_broad_tasks)
    effective = lp.paths[lp.paths["effective"]]
    reached = set(effective.loc[effective["weight"] > 0, "task_id"].tolist())
    tm = task_matrix(edges, set(effective["task_id"].tolist()), reached, notes)
    t_idx = {t: i for i, t in enumerate(tm.tasks)}
    links = lp.paths[lp.paths["effective"] & (lp.paths["weight"] > 0)].copy()
    links["cap"] = links["capability"].map(cap_idx).astype(int)
    links["task"] = links["task_id"].map(t_idx).astype(int)
    links = links.reset_index(drop=True)[LINK_COLS]

    ent = scored_entities(nodes, edges, tm, names)
    return Compiled(
        config=config,
        as_of=as_of,
        caps=caps,
        cap_names=m.cap_names,
        evidence=evidence,
        lim_links=lim_links,
        tasks=tm.tasks,
        task_text=m.task_text,
        links=links,
        paths=lp.paths,
        entities=ent.entities,
        A=ent.A,
        C=ent.C,
        A_base=tm.A_base,
        base_ids=tm.base_ids,
        tools=m.tools,
        tool_lims=tool_lims,
        compose_sources=ent.compose_sources,
        names=names,
        wa_paths=lp.wa_paths,
        same_sources=lp.same_sources,
        notes=notes,
    )
