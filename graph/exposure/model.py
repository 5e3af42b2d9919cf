"""Compile the graph's node and edge frames into the arrays the engine computes on.

Input: plain `nodes` / `edges` dicts of pandas frames, as `graph.store.Graph` holds them (or as
`ingest.tables.TableBuilder` makes them). Nothing here depends on the store.

Output (`Compiled`):
- the capabilities, their dated evidence (milestones, and tools offering them) and limitations;
- effective capability -> task links (direct, through an O*NET work activity, or through a SAME_AS task),
  with every path kept for explanations;
- the entities scored (occupations, crafts, departments, workforce aggregates) as rows of one sparse
  matrix `A` (entity x task) whose row holds the share of the entity's work each task stands for.
  Every entity score is `A @ task_exposure`, so aggregates and fallbacks are linear and decompose exactly.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graph.exposure.config import MethodConfig, level_logit
from graph.schema import DATE_RE, MILESTONE_LEVELS

MODES = ("automate", "augment")
WORKFORCE = {
    "workforce:all-occupations": "All occupations in the graph",
    "workforce:arts-media-27": "Arts, design, entertainment, sports and media occupations (SOC 27)",
    "workforce:crafts": "All crafts in the catalog",
}


# ----------------------------------------------------------------------------------------------- helpers


def decimal_year(value: object) -> tuple[float, float] | None:
    """A partial ISO date as (decimal year at the middle of the period, variance from its precision)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip()
    if not DATE_RE.match(s):
        return None
    parts = [int(p) for p in s.split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5, 1.0 / 12.0  # uniform over the year
    if len(parts) == 2:
        return parts[0] + (parts[1] - 0.5) / 12.0, (1.0 / 12.0) ** 2 / 12.0
    y, m, d = parts
    return y + (m - 1) / 12.0 + (d - 0.5) / 365.25, 0.0


def format_year(t: float) -> str:
    """A decimal year as YYYY-MM (for reports)."""
    if t is None or not np.isfinite(t):
        return ""
    y = math.floor(t)
    m = min(12, int((t - y) * 12) + 1)
    return f"{y:04d}-{m:02d}"


def source_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    try:
        return [str(v) for v in value if v is not None and str(v)]
    except TypeError:
        return [str(value)]


def join_sources(*lists: object) -> list[str]:
    out: set[str] = set()
    for lst in lists:
        out.update(source_list(lst))
    return sorted(out)


def _num(value: object, default: float | None = None) -> float | None:
    if value is None:
        return default
    try:
        f = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(f) else f


def node_frame(nodes: dict, label: str, cols: tuple[str, ...] = ()) -> pd.DataFrame:
    df = nodes.get(label)
    if df is None:
        df = pd.DataFrame(columns=["id", *cols])
    df = df.copy()
    for c in ("id", *cols):
        if c not in df.columns:
            df[c] = None
    return df.sort_values("id", kind="stable").reset_index(drop=True)


def edge_frame(edges: dict, rel: str | tuple[str, ...], cols: tuple[str, ...] = ()) -> pd.DataFrame:
    rels = (rel,) if isinstance(rel, str) else rel
    parts = [edges[r] for r in rels if r in edges and edges[r] is not None]
    base = ["src", "dst", "src_label", "dst_label", *cols]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=base)
    df = df.copy()
    for c in base:
        if c not in df.columns:
            df[c] = None
    return df.sort_values(["src", "dst"], kind="stable").reset_index(drop=True)


def _name_map(df: pd.DataFrame, col: str) -> dict[str, str]:
    return {i: (str(n) if n is not None else i) for i, n in zip(df["id"], df[col], strict=True)}


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
        for i, key in enumerate(zip(self.paths["capability"], self.paths["task_id"], self.paths["mode"], strict=True)):
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
        for i, key in enumerate(zip(w["capability"], w["task_id"], w["mode"], strict=True)):
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


def compile_graph(nodes: dict, edges: dict, config: MethodConfig | None = None) -> Compiled:
    config = config or MethodConfig()
    notes: list[str] = []

    cap_df = node_frame(nodes, "Capability", ("name",))
    caps = list(cap_df["id"])
    cap_idx = {c: i for i, c in enumerate(caps)}
    names: dict[str, str] = {}
    cap_names = _name_map(cap_df, "name")
    names.update(cap_names)

    tool_df = node_frame(nodes, "Tool", ("name", "status", "first_release"))
    names.update(_name_map(tool_df, "name"))
    lim_df = node_frame(nodes, "Limitation", ("name", "kind", "severity", "half_life_years"))
    names.update(_name_map(lim_df, "name"))
    craft_df = node_frame(nodes, "Craft", ("name",))
    names.update(_name_map(craft_df, "name"))
    occ_df = node_frame(nodes, "Occupation", ("title", "soc_code", "employment"))
    names.update(_name_map(occ_df, "title"))
    dept_df = node_frame(nodes, "Department", ("name",))
    names.update(_name_map(dept_df, "name"))
    task_df = node_frame(nodes, "Task", ("text",))
    task_text = _name_map(task_df, "text")
    names.update(WORKFORCE)
    src_df = node_frame(nodes, "Source", ("accessed", "date"))

    # --- evidence of maturity -------------------------------------------------------------------
    ms_df = node_frame(nodes, "Milestone", ("date", "level", "source_ids"))
    marks = edge_frame(edges, "MARKS")
    ms_props = ms_df.set_index("id")
    ev_rows = []
    for m_id, c_id in zip(marks["src"], marks["dst"], strict=True):
        if c_id not in cap_idx or m_id not in ms_props.index:
            continue
        row = ms_props.loc[m_id]
        dy = decimal_year(row["date"])
        if dy is None or row["level"] not in MILESTONE_LEVELS:
            notes.append(f"milestone {m_id}: no usable date or level, skipped")
            continue
        ev_rows.append(
            dict(
                capability=c_id,
                level=row["level"],
                t=dy[0],
                var=dy[1],
                kind="milestone",
                item=m_id,
                date=str(row["date"]),
                source_ids=source_list(row["source_ids"]),
            )
        )
    provides = edge_frame(edges, "PROVIDES", ("level", "since", "source_ids"))
    tool_props = tool_df.set_index("id")
    tool_rows = []
    for r in provides.itertuples(index=False):
        if r.dst not in cap_idx:
            continue
        status = tool_props["status"].get(r.src) if r.src in tool_props.index else None
        # only PROVIDES.since dates the capability: a tool's first release may predate its AI features
        since = r.since
        tool_rows.append(
            dict(
                capability=r.dst,
                tool=r.src,
                name=names.get(r.src, r.src),
                status=status,
                since=since,
                level=r.level,
                source_ids=source_list(r.source_ids),
            )
        )
        lvl = config.tool_level_by_status.get(str(status)) if config.tool_evidence else None
        dy = decimal_year(since)
        if lvl and dy is not None:
            ev_rows.append(
                dict(
                    capability=r.dst,
                    level=lvl,
                    t=dy[0],
                    var=dy[1],
                    kind="tool",
                    item=r.src,
                    date=str(since),
                    source_ids=source_list(r.source_ids),
                )
            )
    tools = pd.DataFrame(tool_rows, columns=["capability", "tool", "name", "status", "since", "level", "source_ids"])
    evidence = pd.DataFrame(ev_rows, columns=["capability", "level", "t", "var", "kind", "item", "date", "source_ids"])
    evidence["cap"] = evidence["capability"].map(cap_idx).astype(int)
    evidence["z"] = [level_logit(lv, config.level_maturity) for lv in evidence["level"]]
    evidence = evidence.sort_values(["cap", "t", "kind", "item"], kind="stable").reset_index(drop=True)

    # --- the as-of date: the latest date the graph knows (deterministic) --------------------------
    if config.as_of is not None:
        as_of = float(config.as_of)
    else:
        dates = [decimal_year(v) for v in [*src_df["accessed"], *evidence["date"]]]
        ts = [d[0] for d in dates if d is not None]
        as_of = max(ts) if ts else 2025.5
        notes.append(f"as-of date {as_of:.2f} (latest source access, milestone or tool date)")

    # --- limitations ------------------------------------------------------------------------------
    lim_props = lim_df.set_index("id")
    cons = edge_frame(edges, "CONSTRAINED_BY", ("severity", "source_ids"))
    lim_rows = []
    for r in cons.itertuples(index=False):
        if r.src not in cap_idx or r.dst not in lim_props.index:
            continue
        lp = lim_props.loc[r.dst]
        sev = _num(r.severity, _num(lp["severity"]))
        if sev is None:
            notes.append(f"limitation {r.dst} on {r.src}: no severity, ignored")
            continue
        kind = lp["kind"] if lp["kind"] in ("technical", "legal", "economic") else "technical"
        lim_rows.append(
            dict(
                cap=cap_idx[r.src],
                capability=r.src,
                limitation=r.dst,
                name=names.get(r.dst, r.dst),
                kind=kind,
                severity=min(max(sev, 0.0), 1.0),
                half_life=_num(lp["half_life_years"]),
                source_ids=join_sources(r.source_ids, lp.get("source_ids")),
            )
        )
    lim_links = (
        pd.DataFrame(
            lim_rows, columns=["cap", "capability", "limitation", "name", "kind", "severity", "half_life", "source_ids"]
        )
        .sort_values(["cap", "kind", "limitation"], kind="stable")
        .drop_duplicates(["cap", "limitation"])
    )
    lim_links = lim_links.reset_index(drop=True)
    # limitation groups: the links whose severities combine by max (one group per capability and kind), or
    # one group per link when they all multiply (config.limitation_combine == "product")
    if config.limitation_combine == "product":
        lim_links["group"] = np.arange(len(lim_links))
    else:
        lim_links["group"] = lim_links.groupby(["cap", "kind"], sort=True).ngroup() if len(lim_links) else []
    tl = edge_frame(edges, "HAS_LIMITATION", ("severity", "source_ids"))
    tool_lims = pd.DataFrame(
        {
            "tool": tl["src"],
            "limitation": tl["dst"],
            "severity": tl["severity"],
            "source_ids": [source_list(s) for s in tl["source_ids"]],
        }
    )

    # --- capability -> task links -----------------------------------------------------------------
    perf = edge_frame(edges, "PERFORMS", ("weight", "mode", "source_ids"))
    perf = perf[perf["src"].isin(cap_idx)].copy()
    perf["weight"] = [min(max(_num(w, 0.0), 0.0), 1.0) for w in perf["weight"]]
    perf["mode"] = [m if m in MODES else "automate" for m in perf["mode"]]
    is_wa = perf["dst_label"].eq("WorkActivity") | perf["dst"].str.match(r"^(dwa|iwa|gwa):")
    direct = perf[~is_wa]
    to_wa = perf[is_wa]

    part_of = edge_frame(edges, "PART_OF")
    children: dict[str, list[str]] = defaultdict(list)
    for c, p in zip(part_of["src"], part_of["dst"], strict=True):
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

    wa_rows = []
    for r in to_wa.itertuples(index=False):
        for d in descendants(r.dst):
            wa_rows.append((r.src, r.mode, d, r.weight, r.dst, tuple(source_list(r.source_ids))))
    cap_wa = pd.DataFrame(wa_rows, columns=["capability", "mode", "wa", "weight", "linked_to", "source_ids"])
    # one weight per (capability, mode, activity): the largest claim
    cap_wa = cap_wa.sort_values(
        ["capability", "mode", "wa", "weight", "linked_to"], ascending=[True, True, True, False, True]
    ).drop_duplicates(["capability", "mode", "wa"])

    involves = edge_frame(edges, "INVOLVES").drop_duplicates(["src", "dst"])
    inv = pd.DataFrame({"task": involves["src"], "wa": involves["dst"]})
    inv["n_wa"] = inv.groupby("task")["wa"].transform("size")

    path_cols = ["capability", "task_id", "mode", "weight", "kind", "via", "source_ids"]
    direct_paths = pd.DataFrame(
        {
            "capability": direct["src"].to_numpy(),
            "task_id": direct["dst"].to_numpy(),
            "mode": direct["mode"].to_numpy(),
            "weight": direct["weight"].to_numpy(dtype=float),
            "kind": "direct",
            "via": "",
            "source_ids": [source_list(s) for s in direct["source_ids"]],
        },
        columns=path_cols,
    )
    direct_paths = direct_paths.sort_values(
        ["capability", "task_id", "mode", "weight"], ascending=[True, True, True, False]
    ).drop_duplicates(["capability", "task_id", "mode"])
    wa_join = cap_wa.merge(inv, on="wa")
    if len(wa_join):
        wa_join["share"] = wa_join["weight"] / wa_join["n_wa"]
        dwa_paths = (
            wa_join.groupby(["capability", "task", "mode"], sort=True)["share"]
            .sum()
            .clip(upper=1.0)
            .rename("weight")
            .reset_index()
            .rename(columns={"task": "task_id"})
        )
        dwa_paths["kind"] = "dwa"
        dwa_paths["via"] = ""  # filled on demand (Compiled.path_detail)
        dwa_paths["source_ids"] = None
        dwa_paths = dwa_paths[path_cols]
    else:
        dwa_paths = pd.DataFrame(columns=path_cols)
    wa_join = wa_join.rename(columns={"task": "task_id"})
    base_paths = pd.concat([direct_paths, dwa_paths], ignore_index=True)
    # only the best base path per (capability, task, mode) is passed on through SAME_AS
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
    same_sources = {}
    for a_, b_, srcs in zip(same["src"], same["dst"], same["source_ids"], strict=True):
        same_sources[(a_, b_)] = same_sources[(b_, a_)] = source_list(srcs)
    if len(pairs) and len(best_base):
        sa = (
            best_base[["capability", "task_id", "mode", "weight"]]
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
            },
            columns=path_cols,
        )
    else:
        sa_paths = pd.DataFrame(columns=path_cols)
    paths = pd.concat([base_paths, sa_paths], ignore_index=True)
    paths["weight"] = paths["weight"].astype(float)
    kind_rank = {"direct": 0, "dwa": 1, "same_as": 2}
    paths["_rank"] = paths["kind"].map(kind_rank)
    paths = paths.sort_values(
        ["capability", "task_id", "mode", "weight", "_rank", "via"],
        ascending=[True, True, True, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    paths["effective"] = ~paths.duplicated(["capability", "task_id", "mode"])
    paths = paths.drop(columns="_rank")

    # --- tasks and entities ---------------------------------------------------------------------------
    has_task = edge_frame(edges, "HAS_TASK", ("importance",))
    has_task = has_task[
        has_task["src_label"].isin(["Occupation", "Craft"]) | has_task["src"].str.match(r"^(onet|craft):")
    ]
    imp = [_num(v) for v in has_task["importance"]]
    if any(v is None for v in imp):
        notes.append("HAS_TASK without importance counted with importance 1")
    has_task = has_task.assign(importance=[1.0 if v is None else max(v, 0.0) for v in imp])
    has_task = has_task.groupby(["src", "dst"], sort=True, as_index=False)["importance"].max()

    task_set = set(has_task["dst"]) | set(paths.loc[paths["effective"], "task_id"])
    tasks = sorted(task_set)
    t_idx = {t: i for i, t in enumerate(tasks)}

    links = paths[paths["effective"] & (paths["weight"] > 0)].copy()
    links["cap"] = links["capability"].map(cap_idx).astype(int)
    links["task"] = links["task_id"].map(t_idx).astype(int)
    links = links.reset_index(drop=True)[
        ["cap", "task", "capability", "task_id", "mode", "weight", "kind", "via", "source_ids"]
    ]

    # base entities: occupations and crafts with tasks of their own
    tot = has_task.groupby("src")["importance"].transform("sum")
    has_task = has_task[tot > 0]
    base_ids = sorted(set(has_task["src"]))
    b_idx = {b: i for i, b in enumerate(base_ids)}
    A_base = sp.csr_matrix(
        (
            (has_task["importance"] / tot[tot > 0]).to_numpy(dtype=float),
            (has_task["src"].map(b_idx).to_numpy(dtype=np.int64), has_task["dst"].map(t_idx).to_numpy(dtype=np.int64)),
        ),
        shape=(len(base_ids), len(tasks)),
    )
    n_tasks = has_task.groupby("src").size().to_dict()

    occ_ids = list(occ_df["id"])
    craft_ids = list(craft_df["id"])
    dept_ids = list(dept_df["id"])
    occ_emp = {o: _num(e) for o, e in zip(occ_df["id"], occ_df["employment"], strict=True)}
    occ_soc = {
        o: (str(s) if s else o.removeprefix("onet:")) for o, s in zip(occ_df["id"], occ_df["soc_code"], strict=True)
    }
    classified = edge_frame(edges, "CLASSIFIED_AS", ("share", "source_ids"))
    classified = classified[classified["src"].isin(craft_ids) & classified["dst"].isin(occ_ids)]
    in_dept = edge_frame(edges, ("IN", "IN_DEPARTMENT"))
    craft_dept = {c: d for c, d in zip(in_dept["src"], in_dept["dst"], strict=True) if d in set(dept_ids)}

    comp: dict[str, dict[str, float]] = {}  # entity -> {base entity: weight}, rows sum to 1
    basis: dict[str, str] = {}
    compose_sources: dict[tuple[str, str], list[str]] = {}
    for e in [*occ_ids, *craft_ids]:
        if e in b_idx:
            comp[e] = {e: 1.0}
            basis[e] = "tasks"
    # a craft without tasks of its own: its occupations; an occupation without tasks: its crafts
    for c, grp in classified.groupby("src", sort=True):
        if c in comp:
            continue
        parts = {o: _num(s, 0.0) for o, s in zip(grp["dst"], grp["share"], strict=True) if o in b_idx}
        tot = sum(parts.values())
        if tot > 0:
            comp[c] = {o: s / tot for o, s in parts.items() if s > 0}
            basis[c] = "occupations"
            for o, srcs in zip(grp["dst"], grp["source_ids"], strict=True):
                compose_sources[(c, o)] = source_list(srcs)
    for o, grp in classified.groupby("dst", sort=True):
        if o in comp:
            continue
        parts = {c: _num(s, 0.0) for c, s in zip(grp["src"], grp["share"], strict=True) if c in b_idx}
        tot = sum(parts.values())
        if tot > 0:
            comp[o] = {c: s / tot for c, s in parts.items() if s > 0}
            basis[o] = "crafts"
            for c, srcs in zip(grp["src"], grp["source_ids"], strict=True):
                compose_sources[(o, c)] = source_list(srcs)

    def flat(e: str) -> dict[str, float]:
        return comp.get(e, {})

    def mix(members: dict[str, float]) -> dict[str, float]:
        tot = sum(members.values())
        out: dict[str, float] = defaultdict(float)
        for m, w in members.items():
            for b, v in flat(m).items():
                out[b] += w / tot * v
        return dict(out)

    ent_rows = []
    for o in occ_ids:
        ent_rows.append(
            dict(
                id=o,
                label="Occupation",
                name=names.get(o, o),
                basis=basis.get(o, "none"),
                n_tasks=n_tasks.get(o, 0),
                employment=occ_emp.get(o),
                soc_code=occ_soc[o],
                department=None,
                members=1,
            )
        )
    for c in craft_ids:
        ent_rows.append(
            dict(
                id=c,
                label="Craft",
                name=names.get(c, c),
                basis=basis.get(c, "none"),
                n_tasks=n_tasks.get(c, 0),
                employment=None,
                soc_code=None,
                department=craft_dept.get(c),
                members=1,
            )
        )
    for d in dept_ids:
        members = {c: 1.0 for c in craft_ids if craft_dept.get(c) == d and c in comp}
        if members:
            comp[d] = mix(members)
        ent_rows.append(
            dict(
                id=d,
                label="Department",
                name=names.get(d, d),
                basis="crafts" if members else "none",
                n_tasks=0,
                employment=None,
                soc_code=None,
                department=d,
                members=len(members),
            )
        )
    # whole-workforce aggregates
    scored_occ = [o for o in occ_ids if o in comp]
    for wid, subset in (
        ("workforce:all-occupations", scored_occ),
        ("workforce:arts-media-27", [o for o in scored_occ if occ_soc[o].startswith("27-")]),
    ):
        with_emp = {o: occ_emp[o] for o in subset if occ_emp.get(o) and occ_emp[o] > 0}
        if with_emp:
            members, wbasis = with_emp, "occupations (employment-weighted)"
        else:
            members, wbasis = {o: 1.0 for o in subset}, "occupations (equal weights: no employment data)"
        if members:
            comp[wid] = mix(members)
        ent_rows.append(
            dict(
                id=wid,
                label="Workforce",
                name=WORKFORCE[wid],
                basis=wbasis if members else "none",
                n_tasks=0,
                employment=float(sum(with_emp.values())) if with_emp else None,
                soc_code=None,
                department=None,
                members=len(members),
            )
        )
    scored_crafts = {c: 1.0 for c in craft_ids if c in comp}
    if scored_crafts:
        comp["workforce:crafts"] = mix(scored_crafts)
    ent_rows.append(
        dict(
            id="workforce:crafts",
            label="Workforce",
            name=WORKFORCE["workforce:crafts"],
            basis="crafts (equal weights)" if scored_crafts else "none",
            n_tasks=0,
            employment=None,
            soc_code=None,
            department=None,
            members=len(scored_crafts),
        )
    )
    entities = pd.DataFrame(ent_rows)
    e_idx = {e: i for i, e in enumerate(entities["id"])}
    rows, cols, vals = [], [], []
    for e, parts in comp.items():
        for b, w in parts.items():
            rows.append(e_idx[e])
            cols.append(b_idx[b])
            vals.append(w)
    C = sp.csr_matrix((vals, (rows, cols)), shape=(len(entities), len(base_ids)))
    A = (C @ A_base).tocsr()
    A.sort_indices()

    return Compiled(
        config=config,
        as_of=as_of,
        caps=caps,
        cap_names=cap_names,
        evidence=evidence,
        lim_links=lim_links,
        tasks=tasks,
        task_text=task_text,
        links=links,
        paths=paths,
        entities=entities,
        A=A,
        C=C,
        A_base=A_base,
        base_ids=base_ids,
        tools=tools,
        tool_lims=tool_lims,
        compose_sources=compose_sources,
        names=names,
        wa_paths=wa_join,
        same_sources=same_sources,
        notes=notes,
    )
