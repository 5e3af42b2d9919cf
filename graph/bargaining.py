"""The bargaining brief's data: which exposed capability -> task paths the clauses in force cover.

A path is one capability reaching one task of a craft (the exposure engine's links). Each path is marked
against every clause in force on a date (the rule, in full, in docs/bargaining-brief.md):

- a clause *reaches the work* of a path when it links the path's task ("task") or craft ("craft"); a
  clause of a law (statute, regulation, code of practice) with no craft or task links reaches everyone in
  its jurisdiction ("everyone"); an agreement clause with no craft or task links takes its agreement's
  crafts (those its other clauses link), else it reaches no craft in the catalog;
- it *reaches the technology* when it links the path's capability ("capability") or one of the AI types of
  the tools that provide the capability, or a broader type above one ("ai_type"); a clause with neither
  kind of link reaches any AI ("any");
- a clause that only defines terms covers nothing;
- **covered**: a clause reaching both, the work through the task or craft, with a binding requirement
  (BINDING); **partly covered**: only clauses that reach both but are law-wide, or whose requirements are
  all of a weaker kind (notice, consultation, disclosure...); **not covered**: no clause reaches both.

A path is *exposed* when the share of its task the capability does crosses the threshold (default 0.25)
by the end of the forecast horizon (the engine's median date). No Streamlit, no rendering here
(explorer/bargaining.py writes Markdown, HTML and JSON).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from graph.contracts import date_bounds, in_force
from graph.defaults import BRIEF_JURISDICTION, BRIEF_THRESHOLD
from graph.provenance import evidence_line, evidence_summary
from graph.schema import CONTRACT_KINDS

BINDING = (
    "consent",
    "compensation",
    "prohibition",
    "work_jurisdiction",
    "human_authorship",
    "bargaining",
    "training_data_licensing",
)
LAW_KINDS = ("statute", "regulation", "code_of_practice")  # a bill is never in force
COVERED, PARTLY, NOT_COVERED = "covered", "partly covered", "not covered"
STATUSES = (COVERED, PARTLY, NOT_COVERED)
DEFAULT_THRESHOLD = BRIEF_THRESHOLD
DEFAULT_JURISDICTION = BRIEF_JURISDICTION


@dataclass(frozen=True)
class ClauseInfo:
    """One clause with what it reaches and its instrument's standing."""

    id: str
    name: str
    section: str
    instrument: str
    instrument_name: str
    kind: str
    status: str
    jurisdiction: str
    effective: str
    expiry: str
    requires: tuple[str, ...]
    crafts: frozenset[str] = frozenset()
    tasks: frozenset[str] = frozenset()
    capabilities: frozenset[str] = frozenset()
    ai_types: frozenset[str] = frozenset()

    @property
    def binding(self) -> bool:
        return any(r in BINDING for r in self.requires)

    @property
    def only_defines(self) -> bool:
        return all(r == "definition" for r in self.requires)

    @property
    def is_agreement(self) -> bool:
        return self.kind in CONTRACT_KINDS

    def in_force(self, on: date) -> bool:
        return in_force(self.status, self.effective or None, self.expiry or None, on)

    def expiry_year(self) -> float:
        """The last day the clause applies, as a decimal year (inf: no end date)."""
        if not self.expiry:
            return math.inf
        d = date_bounds(self.expiry)[1]
        return d.year + (d.timetuple().tm_yday - 0.5) / 365.25

    def label(self) -> str:
        """Instrument (short name) and section, for tables."""
        return f"{short_name(self.instrument_name)} {self.section}".strip()


def short_name(name: str) -> str:
    """An instrument's name without its parenthesis (for table cells)."""
    return name.split(" (", 1)[0].strip()


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _listed(v: object) -> tuple[str, ...]:
    if isinstance(v, list | tuple | np.ndarray):
        return tuple(str(x) for x in v)
    s = _text(v)
    return tuple(x.strip() for x in s.split(";") if x.strip())


def _targets(edges: dict, rel: str, label: str | None = None) -> dict[str, set[str]]:
    """src -> {dst} of one relationship type (optionally only to nodes of one label)."""
    df = edges.get(rel)
    out: dict[str, set[str]] = {}
    if df is None or df.empty:
        return out
    if label is not None and "dst_label" in df.columns:
        df = df[df["dst_label"] == label]
    for s, d in zip(df["src"], df["dst"], strict=True):
        out.setdefault(s, set()).add(d)
    return out


def clause_infos(nodes: dict, edges: dict) -> list[ClauseInfo]:
    """Every clause with its links, its instrument's kind and status, and inherited agreement crafts."""
    clauses = nodes.get("Clause")
    insts = nodes.get("Instrument")
    if clauses is None or clauses.empty or insts is None:
        return []
    inst = {r["id"]: r for r in insts.to_dict("records")}
    parent = {s: next(iter(d)) for s, d in _targets(edges, "IN_INSTRUMENT").items()}
    covers = {lab: _targets(edges, "COVERS", lab) for lab in ("Craft", "Task", "Capability", "AIType")}
    unit: dict[str, set[str]] = {}  # an agreement's crafts: those any of its clauses links
    for cid, i in parent.items():
        unit.setdefault(i, set()).update(covers["Craft"].get(cid, set()))
    out = []
    for r in clauses.to_dict("records"):
        i = inst.get(parent.get(r["id"], ""), {})
        crafts, tasks = covers["Craft"].get(r["id"], set()), covers["Task"].get(r["id"], set())
        kind = _text(i.get("kind"))
        if not crafts and not tasks and kind in CONTRACT_KINDS:
            crafts = unit.get(_text(i.get("id")), set())
        out.append(
            ClauseInfo(
                id=r["id"],
                name=_text(r.get("name")),
                section=_text(r.get("section")),
                instrument=_text(i.get("id")),
                instrument_name=_text(i.get("name")),
                kind=kind,
                status=_text(i.get("status")),
                jurisdiction=_text(i.get("jurisdiction")),
                effective=_text(r.get("effective")),
                expiry=_text(r.get("expiry")),
                requires=_listed(r.get("requires")),
                crafts=frozenset(crafts),
                tasks=frozenset(tasks),
                capabilities=frozenset(covers["Capability"].get(r["id"], set())),
                ai_types=frozenset(covers["AIType"].get(r["id"], set())),
            )
        )
    return out


def capability_types(edges: dict) -> dict[str, frozenset[str]]:
    """capability -> the AI types held by at least half of the typed tools that provide it, with every
    broader type above them (a suite typed both speech synthesis and digital replica does not make its
    transcription feature a digital replica)."""
    parent = {s: next(iter(d)) for s, d in _targets(edges, "SUBTYPE_OF").items()}
    tool_types = _targets(edges, "IS_A")
    votes: dict[str, dict[str, int]] = {}
    n_tools: dict[str, int] = {}
    for tool, caps in _targets(edges, "PROVIDES").items():
        types = set()
        for t in tool_types.get(tool, set()):
            seen = 0
            while t and seen < 50:  # walk up to the root (the cap guards against a cycle)
                types.add(t)
                t, seen = parent.get(t, ""), seen + 1
        if not types:
            continue
        for c in caps:
            n_tools[c] = n_tools.get(c, 0) + 1
            for t in types:
                votes.setdefault(c, {})[t] = votes.get(c, {}).get(t, 0) + 1
    return {c: frozenset(t for t, n in v.items() if 2 * n >= n_tools[c]) for c, v in votes.items()}


def reach(c: ClauseInfo, craft: str, task: str, capability: str, types: frozenset[str]) -> tuple[str, str] | None:
    """(work, technology) by which the clause reaches the path, or None when it misses either."""
    if task in c.tasks:
        work = "task"
    elif craft in c.crafts:
        work = "craft"
    elif not c.crafts and not c.tasks and c.kind in LAW_KINDS:
        work = "everyone"
    else:
        return None
    if capability in c.capabilities:
        tech = "capability"
    elif c.ai_types & types:
        tech = "ai_type"
    elif not c.capabilities and not c.ai_types:
        tech = "any"
    else:
        return None
    return work, tech


def strength(c: ClauseInfo, work: str) -> str | None:
    """covered, partly covered or nothing, for a clause that reaches a path's work and technology: a
    law-wide clause counts (partly) only with a binding requirement."""
    if work in ("task", "craft"):
        return COVERED if c.binding else PARTLY
    return PARTLY if c.binding else None


def jurisdiction_code(text: str) -> str:
    """The ISO-style code that opens an instrument's jurisdiction ('US-CA (Hollywood ...)' -> 'US-CA')."""
    return text.split(" ", 1)[0].split("(", 1)[0].strip()


def in_jurisdiction(c: ClauseInfo, where: str) -> bool:
    """Whether the clause's instrument applies within `where` ('US' takes in US-CA; 'all': anywhere)."""
    if where == "all":
        return True
    code = jurisdiction_code(c.jurisdiction)
    return code == where or code.startswith(f"{where}-")


@dataclass
class PathCoverage:
    status: str
    covered_by: list[str] = field(default_factory=list)
    partly_by: list[str] = field(default_factory=list)


def path_coverage(
    clauses: list[ClauseInfo],
    craft: str,
    task: str,
    capability: str,
    types: frozenset[str],
    on: date,
    where: str = DEFAULT_JURISDICTION,
) -> PathCoverage:
    """The status of one path and the clauses in force (within `where`) that give it."""
    out = PathCoverage(NOT_COVERED)
    for c in clauses:
        if c.only_defines or not c.in_force(on) or not in_jurisdiction(c, where):
            continue
        r = reach(c, craft, task, capability, types)
        level = strength(c, r[0]) if r is not None else None
        if level is not None:
            (out.covered_by if level == COVERED else out.partly_by).append(c.id)
    out.status = COVERED if out.covered_by else PARTLY if out.partly_by else NOT_COVERED
    return out


def classify(
    paths: pd.DataFrame, clauses: list[ClauseInfo], cap_types: dict, on: date, where: str = DEFAULT_JURISDICTION
) -> pd.DataFrame:
    """`paths` (craft_id, task_id, capability[, t_median]) with status, covered_by, partly_by and
    expires_before (clauses giving the coverage whose end comes before the path's median date)."""
    by_id = {c.id: c for c in clauses}
    rows = []
    for r in paths.to_dict("records"):
        types = cap_types.get(r["capability"], frozenset())
        pc = path_coverage(clauses, r["craft_id"], r["task_id"], r["capability"], types, on, where)
        t = float(r.get("t_median", math.inf))
        lapse = [i for i in [*pc.covered_by, *pc.partly_by] if by_id[i].expiry_year() < t]
        rows.append(dict(status=pc.status, covered_by=pc.covered_by, partly_by=pc.partly_by, expires_before=lapse))
    extra = pd.DataFrame(rows, columns=["status", "covered_by", "partly_by", "expires_before"], index=paths.index)
    return pd.concat([paths, extra], axis=1)


# ------------------------------------------------------------------------------------------ a craft's paths


def _forecast_paths(graph, craft_id: str, scenario, threshold: float) -> pd.DataFrame:
    """The craft's links that can cross the threshold, one row per (task, capability), earliest date first."""
    from graph.exposure import api

    cols = ["task_id", "capability", "date", "date_low", "date_high", "t_median", "tools"]
    fc = api.forecast(graph, craft=craft_id, thresholds=(threshold,), scenario=scenario)
    if fc.empty:
        return pd.DataFrame(columns=[*cols, "task", "capability_name", "mode", "weight"])
    fc = fc.sort_values(["t_median", "t_high"], kind="stable").drop_duplicates(["task_id", "capability"])
    return fc[[*cols, "task", "capability_name", "mode", "weight"]].reset_index(drop=True)


def craft_paths(graph, craft_id: str, year: int | None, scenario, threshold: float) -> tuple[pd.DataFrame, dict]:
    """Every capability -> task path of the craft: contribution in `year` (explain) and the median date its
    share of the task crosses `threshold` (forecast); `exposed` when that date falls within the horizon.
    Also returns the craft's exposure total (median, low, high, year)."""
    from graph.exposure import api

    x = api.explain(graph, craft=craft_id, year=year, scenario=scenario)
    links = x.links
    keys = ["task_id", "capability"]
    if len(links):
        links = links.sort_values("contribution", ascending=False, kind="stable")
        first = links.drop_duplicates(keys)[[*keys, "task", "capability_name", "mode", "weight"]]
        contrib = links.groupby(keys, as_index=False)["contribution"].sum()
        paths = first.merge(contrib, on=keys)
    else:
        paths = pd.DataFrame(columns=[*keys, "task", "capability_name", "mode", "weight", "contribution"])
    fc = _forecast_paths(graph, craft_id, scenario, threshold)
    paths = paths.merge(fc, on=keys, how="outer", suffixes=("", "_fc"))
    for c in ("task", "capability_name", "mode", "weight"):
        paths[c] = paths[c].where(paths[c].notna(), paths[f"{c}_fc"])
    paths = paths.drop(columns=[f"{c}_fc" for c in ("task", "capability_name", "mode", "weight")])
    paths["contribution"] = paths["contribution"].astype(float).fillna(0.0)
    paths["t_median"] = paths["t_median"].astype(float).fillna(math.inf)
    paths["exposed"] = np.isfinite(paths["t_median"])
    paths["craft_id"] = craft_id
    paths = paths.sort_values(
        ["contribution", "t_median", "task_id", "capability"], ascending=[False, True, True, True]
    )
    total = x.total.iloc[0].to_dict()
    return paths.reset_index(drop=True), total


def _today(on: date | None) -> date:
    return on or date.today()


def _manifest_catalog_only(graph) -> bool:
    from graph import snapshot

    m = getattr(graph, "manifest", None)
    return isinstance(m, dict) and snapshot.catalog_only(m)


def _headcounts(graph, area: str) -> dict[str, float]:
    from graph import jobs

    hc = jobs.craft_headcounts(graph)
    if hc.empty:
        return {}
    hc = hc[hc["area_id"] == area]
    return dict(zip(hc["craft_id"], hc["headcount"].astype(float), strict=True))


# ------------------------------------------------------------------------------------------ the brief


@dataclass
class Brief:
    craft_id: str
    craft_name: str
    department: str
    on: date
    year: int
    scenario: str
    threshold: float
    exposure: dict  # median, low, high of the craft in `year`
    jobs: float | None  # US headcount (OEWS payroll jobs, a floor); None when the build has no OEWS
    paths: pd.DataFrame  # every path: coverage status, clauses, dates (see classify)
    clauses: pd.DataFrame  # the clauses the paths cite
    expiring: pd.DataFrame  # clauses giving coverage that end before a path they cover matures
    comparable: pd.DataFrame  # binding clauses of other unions' agreements on the same capabilities or AI types
    roles: pd.DataFrame  # new roles growing from the craft
    catalog_only: bool = False
    build_id: str = ""
    jurisdiction: str = DEFAULT_JURISDICTION
    evidence: str = ""  # one line: grade mix and dates of the sources of the craft and the clauses cited

    def counts(self) -> dict[str, int]:
        """Exposed paths by status."""
        exposed = self.paths[self.paths["exposed"]]
        return {s: int((exposed["status"] == s).sum()) for s in STATUSES}


def _names(nodes: dict, label: str, col: str = "name") -> dict[str, str]:
    df = nodes.get(label)
    if df is None or df.empty or col not in df.columns:
        return {}
    return {i: _text(n) for i, n in zip(df["id"], df[col], strict=True)}


def clause_frame(clauses: list[ClauseInfo], ids: list[str]) -> pd.DataFrame:
    """The clauses `ids` as table rows (plain labels, the id kept for links)."""
    by_id = {c.id: c for c in clauses}
    rows = [
        dict(
            clause=c.id,
            label=c.label(),
            name=c.name,
            instrument=c.instrument_name,
            instrument_short=short_name(c.instrument_name),
            section=c.section,
            kind=c.kind,
            jurisdiction=c.jurisdiction,
            requires=", ".join(c.requires),
            binding=c.binding,
            effective=c.effective,
            expiry=c.expiry,
        )
        for c in (by_id[i] for i in dict.fromkeys(ids) if i in by_id)
    ]
    cols = ["clause", "label", "name", "instrument", "instrument_short", "section", "kind", "jurisdiction", "requires"]
    return pd.DataFrame(rows, columns=[*cols, "binding", "effective", "expiry"])


def _expiring(paths: pd.DataFrame, clauses: list[ClauseInfo]) -> pd.DataFrame:
    by_id = {c.id: c for c in clauses}
    acc: dict[str, dict] = {}
    for r in paths[paths["exposed"]].to_dict("records"):
        for i in r["expires_before"]:
            x = acc.setdefault(i, dict(clause=i, label=by_id[i].label(), name=by_id[i].name, expiry=by_id[i].expiry))
            x.setdefault("paths", []).append(f"{r['capability_name']} → {r['task']} ({r['date']})")
    cols = ["clause", "label", "name", "expiry", "paths"]
    return pd.DataFrame(list(acc.values()), columns=cols).sort_values(["expiry", "clause"], kind="stable")


def comparable(
    clauses: list[ClauseInfo], craft_id: str, paths: pd.DataFrame, cap_types: dict, names: dict[str, str]
) -> pd.DataFrame:
    """Binding clauses of agreements that do not reach this craft but reach the same capability (first) or AI
    type as one of `paths`: what other unions won for the same technology."""
    from graph.contracts import LEGAL_EFFECT

    tasks = set(paths["task_id"])
    rows = []
    for c in clauses:
        if not c.is_agreement or c.status not in LEGAL_EFFECT or not c.binding:
            continue
        if craft_id in c.crafts or c.tasks & tasks:
            continue  # the craft's own agreement: already in the coverage table
        by_cap = sorted({p for p in paths["capability"] if p in c.capabilities})
        by_type = sorted({p for p in paths["capability"] if c.ai_types & cap_types.get(p, frozenset())})
        hit = by_cap or by_type
        if not hit:
            continue
        rows.append(
            dict(
                clause=c.id,
                label=c.label(),
                name=c.name,
                requires=", ".join(c.requires),
                status=c.status,
                expiry=c.expiry,
                match="capability" if by_cap else "AI type",
                capabilities=", ".join(names.get(x, x) for x in hit),
                n_paths=len(hit),
            )
        )
    cols = ["clause", "label", "name", "requires", "status", "expiry", "match", "capabilities", "n_paths"]
    df = pd.DataFrame(rows, columns=cols)
    if df.empty:
        return df
    df["_m"] = df["match"] != "capability"
    return df.sort_values(["_m", "n_paths", "clause"], ascending=[True, False, True]).drop(columns="_m")


def roles(nodes: dict, edges: dict, craft_id: str | None = None) -> pd.DataFrame:
    """New roles (all, or those growing from one craft) with their evidence, crafts and locals."""
    jr = nodes.get("JobRole")
    cols = ["role", "name", "evidence_date", "evidence_kind", "evidence", "union_status", "union_note", "crafts"]
    if jr is None or jr.empty:
        return pd.DataFrame(columns=[*cols, "locals"])
    crafts, locals_ = _targets(edges, "GROWS_FROM"), _targets(edges, "REPRESENTABLE_BY")
    craft_names, local_names = _names(nodes, "Craft"), _names(nodes, "UnionLocal")
    rows = []
    for r in jr.to_dict("records"):
        cs = sorted(crafts.get(r["id"], set()))
        if craft_id is not None and craft_id not in cs:
            continue
        rows.append(
            dict(
                role=r["id"],
                name=_text(r.get("name")),
                evidence_date=_text(r.get("evidence_date")),
                evidence_kind=_text(r.get("evidence_kind")).replace("_", " "),
                evidence=_text(r.get("evidence")),
                union_status=_text(r.get("union_status")).replace("_", " "),
                union_note=_text(r.get("union_note")),
                crafts=", ".join(craft_names.get(c, c) for c in cs),
                locals=", ".join(local_names.get(x, x) for x in sorted(locals_.get(r["id"], set()))),
            )
        )
    return pd.DataFrame(rows, columns=[*cols, "locals"]).sort_values(["evidence_date", "name"], kind="stable")


def craft_brief(
    graph,
    craft_id: str,
    on: date | None = None,
    year: int | None = None,
    scenario="expected",
    threshold: float = DEFAULT_THRESHOLD,
    area: str = "area:us",
    where: str = DEFAULT_JURISDICTION,
) -> Brief:
    """The bargaining brief of one craft (KeyError when the craft is not scored)."""
    nodes, edges = graph.nodes, graph.edges
    if craft_id not in set(nodes["Craft"]["id"]):
        raise KeyError(f"no craft {craft_id!r} in this build")
    on = _today(on)
    clauses = clause_infos(nodes, edges)
    cap_types = capability_types(edges)
    paths, total = craft_paths(graph, craft_id, year, scenario, threshold)
    paths = classify(paths, clauses, cap_types, on, where)
    cited = [i for r in paths.to_dict("records") for i in [*r["covered_by"], *r["partly_by"]]]
    shown = paths[paths["exposed"] | (paths.index < 10)]
    dept = _names(nodes, "Department")
    return Brief(
        craft_id=craft_id,
        craft_name=_names(nodes, "Craft").get(craft_id, craft_id),
        department=", ".join(dept.get(d, d) for d in sorted(_targets(edges, "IN_DEPARTMENT").get(craft_id, set()))),
        on=on,
        year=int(total["year"]),
        scenario=str(total["scenario"]),
        threshold=threshold,
        exposure={k: total.get(k) for k in ("median", "low", "high")},
        jobs=_headcounts(graph, area).get(craft_id),
        paths=paths,
        clauses=clause_frame(clauses, cited),
        expiring=_expiring(paths, clauses),
        comparable=comparable(clauses, craft_id, shown, cap_types, _names(nodes, "Capability")),
        roles=roles(nodes, edges, craft_id),
        catalog_only=_manifest_catalog_only(graph),
        build_id=str(getattr(graph, "build_id", "") or ""),
        jurisdiction=where,
        evidence=_evidence(nodes, [craft_id, *cited]),
    )


def _evidence(nodes: dict, ids: list[str]) -> str:
    """The evidence line (graph.provenance) of the sources the craft and clauses `ids` cite."""
    cited: set[str] = set()
    for label in ("Craft", "Clause"):
        df = nodes.get(label)
        if df is not None and "source_ids" in df.columns:
            for sids in df.loc[df["id"].isin(ids), "source_ids"]:
                cited.update(sids if isinstance(sids, (list, tuple)) else [])
    src = nodes.get("Source")
    rows = src[src["id"].isin(cited)] if src is not None else pd.DataFrame()
    return evidence_line(evidence_summary(rows))


# ------------------------------------------------------------------------------------------ gaps


@dataclass
class Gaps:
    paths: pd.DataFrame  # every exposed path of every craft, with its status and the craft's jobs
    on: date
    scenario: str
    threshold: float
    catalog_only: bool = False
    jurisdiction: str = DEFAULT_JURISDICTION

    @property
    def gaps(self) -> pd.DataFrame:
        """Exposed paths no clause in force covers, most jobs first, then earliest date."""
        g = self.paths[self.paths["status"] == NOT_COVERED]
        return g.sort_values(
            ["jobs", "t_median", "craft_id", "task_id", "capability"],
            ascending=[False, True, True, True, True],
            na_position="last",
            kind="stable",
        ).reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        return {s: int((self.paths["status"] == s).sum()) for s in STATUSES}


def gaps(
    graph,
    on: date | None = None,
    scenario="expected",
    threshold: float = DEFAULT_THRESHOLD,
    area: str = "area:us",
    where: str = DEFAULT_JURISDICTION,
) -> Gaps:
    """Every craft's exposed paths with their coverage, for the gaps table."""
    nodes, edges = graph.nodes, graph.edges
    on = _today(on)
    clauses = clause_infos(nodes, edges)
    cap_types = capability_types(edges)
    craft_names = _names(nodes, "Craft")
    frames = []
    for craft_id in sorted(craft_names):
        try:
            fc = _forecast_paths(graph, craft_id, scenario, threshold)
        except KeyError:
            continue  # not scored (no tasks)
        fc = fc[np.isfinite(fc["t_median"].astype(float))]
        if len(fc):
            frames.append(fc.assign(craft_id=craft_id, craft=craft_names[craft_id]))
    cols = ["craft_id", "craft", "task_id", "task", "capability", "capability_name", "mode", "weight", "date"]
    if not frames:
        paths = pd.DataFrame(columns=[*cols, "date_low", "date_high", "t_median", "tools"])
    else:
        paths = pd.concat(frames, ignore_index=True)
    paths = classify(paths, clauses, cap_types, on, where)
    jobs = _headcounts(graph, area)
    paths["jobs"] = [jobs.get(c, np.nan) for c in paths["craft_id"]]
    name = scenario if isinstance(scenario, str) else getattr(scenario, "name", str(scenario))
    return Gaps(paths, on, name, threshold, _manifest_catalog_only(graph), where)


# ------------------------------------------------------------------------------------------ tables for pages


def _plain_kind(v: object) -> str:
    return _text(v).replace("_", " ")


def instruments_table(nodes: dict, edges: dict, on: date | None = None) -> pd.DataFrame:
    """One row per instrument: kind, jurisdiction, status, dates, its clauses and how many are in force."""
    on = _today(on)
    insts = nodes.get("Instrument")
    cols = ["id", "name", "kind", "jurisdiction", "status", "effective", "expiry", "clauses", "in_force_today", "url"]
    if insts is None or insts.empty:
        return pd.DataFrame(columns=cols)
    infos = clause_infos(nodes, edges)
    n = pd.Series([c.instrument for c in infos]).value_counts() if infos else pd.Series(dtype=int)
    live = pd.Series([c.instrument for c in infos if c.in_force(on)]).value_counts() if infos else n
    out = insts.assign(
        kind=insts["kind"].map(_plain_kind),
        status=insts["status"].map(_plain_kind),
        clauses=[int(n.get(i, 0)) for i in insts["id"]],
        in_force_today=[int(live.get(i, 0)) for i in insts["id"]],
    )
    return out[cols].sort_values(["effective", "name"], na_position="last", kind="stable").reset_index(drop=True)


def _scope(c: ClauseInfo, craft_names: dict[str, str]) -> str:
    if c.tasks:
        return f"{len(c.tasks)} task(s)"
    if c.crafts:
        return ", ".join(sorted(craft_names.get(x, x) for x in c.crafts))
    return "everyone in its jurisdiction" if c.kind in LAW_KINDS else "no craft in the catalog"


def clauses_table(nodes: dict, edges: dict, on: date | None = None) -> pd.DataFrame:
    """One row per clause in plain labels: instrument, section, heading, summary, requirements, dates, in force
    today, and what it reaches (crafts, capabilities, AI types)."""
    on = _today(on)
    craft_names, cap_names, type_names = _names(nodes, "Craft"), _names(nodes, "Capability"), _names(nodes, "AIType")
    summaries = _names(nodes, "Clause", "summary")
    rows = [
        dict(
            id=c.id,
            instrument=short_name(c.instrument_name),
            section=c.section,
            name=c.name,
            summary=summaries.get(c.id, ""),
            requires=", ".join(r.replace("_", " ") for r in c.requires),
            binding=c.binding,
            effective=c.effective,
            expiry=c.expiry,
            in_force_today=c.in_force(on),
            crafts=_scope(c, craft_names),
            capabilities=", ".join(sorted(cap_names.get(x, x) for x in c.capabilities)),
            ai_types=", ".join(sorted(type_names.get(x, x) for x in c.ai_types)),
        )
        for c in clause_infos(nodes, edges)
    ]
    cols = ["id", "instrument", "section", "name", "summary", "requires", "binding", "effective", "expiry"]
    return pd.DataFrame(rows, columns=[*cols, "in_force_today", "crafts", "capabilities", "ai_types"])


def coverage_matrix(nodes: dict, edges: dict, on: date | None = None, in_force_only: bool = True) -> pd.DataFrame:
    """Crafts × instruments: how many clauses of the instrument reach the craft's work (craft or task links,
    an agreement's crafts for its unlinked clauses); "law-wide (n)" for a law's clauses that name no craft."""
    on = _today(on)
    craft_names = _names(nodes, "Craft")
    infos = [c for c in clause_infos(nodes, edges) if not c.only_defines and (c.in_force(on) or not in_force_only)]
    tasks_of = _targets(edges, "HAS_TASK")
    cols = list(dict.fromkeys(short_name(c.instrument_name) for c in infos))
    rows = []
    for craft, name in sorted(craft_names.items(), key=lambda x: x[1].lower()):
        own = tasks_of.get(craft, set())
        counts: dict[str, int] = {}
        wide: dict[str, int] = {}
        for c in infos:
            key = short_name(c.instrument_name)
            if craft in c.crafts or c.tasks & own:
                counts[key] = counts.get(key, 0) + 1
            elif not c.crafts and not c.tasks and c.kind in LAW_KINDS:
                wide[key] = wide.get(key, 0) + 1
        row = {"craft_id": craft, "craft": name}
        row.update({k: str(counts[k]) if k in counts else f"law-wide ({wide[k]})" if k in wide else "" for k in cols})
        rows.append(row)
    return pd.DataFrame(rows, columns=["craft_id", "craft", *cols])


def timeline_table(nodes: dict) -> pd.DataFrame:
    """Instruments with a start and an end date (ISO; empty for a law with no end) for a timeline."""
    insts = nodes.get("Instrument")
    cols = ["name", "kind", "status", "effective", "expiry", "start", "end"]
    if insts is None or insts.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for r in insts.to_dict("records"):
        eff, exp = _text(r.get("effective")), _text(r.get("expiry"))
        start = eff or _text(r.get("signed"))
        if not start:
            continue
        s = date_bounds(start)[0]
        e = date_bounds(exp)[1] if exp else None
        rows.append(
            dict(
                name=short_name(_text(r.get("name"))),
                kind=_plain_kind(r.get("kind")),
                status=_plain_kind(r.get("status")),
                effective=eff,
                expiry=exp,
                start=s.isoformat(),
                end=e.isoformat() if e else "",
            )
        )
    return pd.DataFrame(rows, columns=cols)
