"""Stage 1 of compiling the graph: names, dated evidence of maturity, the as-of date and limitations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.exposure.config import MethodConfig, level_logit
from graph.exposure.frames import decimal_year, edge_frame, join_sources, name_map, node_frame, num, source_list
from graph.schema import MILESTONE_LEVELS

WORKFORCE = {
    "workforce:all-occupations": "All occupations in the graph",
    "workforce:arts-media-27": "Arts, design, entertainment, sports and media occupations (SOC 27)",
    "workforce:crafts": "All crafts in the catalog",
}
EVIDENCE_COLS = ["capability", "level", "t", "var", "kind", "item", "date", "source_ids"]
TOOL_COLS = ["capability", "tool", "name", "status", "since", "level", "source_ids"]
LIM_COLS = [
    "cap",
    "capability",
    "limitation",
    "name",
    "kind",
    "severity",
    "half_life",
    "in_force_from",
    "in_force_until",
    "jurisdiction",
    "confidence",
    "source_ids",
]
LIM_TERMS = ("in_force_from", "in_force_until", "jurisdiction")


def display_names(nodes: dict) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(every node's display name, capability names, task texts)."""
    names: dict[str, str] = {}
    cap_names = name_map(node_frame(nodes, "Capability", ("name",)), "name")
    names.update(cap_names)
    for label, col in (
        ("Tool", "name"),
        ("Limitation", "name"),
        ("Craft", "name"),
        ("Occupation", "title"),
        ("Department", "name"),
    ):
        names.update(name_map(node_frame(nodes, label, (col,)), col))
    task_text = name_map(node_frame(nodes, "Task", ("text",)), "text")
    names.update(WORKFORCE)
    return names, cap_names, task_text


def _milestone_rows(nodes: dict, edges: dict, cap_idx: dict[str, int], notes: list[str]) -> list[dict]:
    ms = node_frame(nodes, "Milestone", ("date", "level", "source_ids"))
    ids, dates, levels, srcs = (ms[c].tolist() for c in ("id", "date", "level", "source_ids"))
    ms_props = {
        i: {"date": d, "level": lv, "source_ids": s} for i, d, lv, s in zip(ids, dates, levels, srcs, strict=True)
    }
    marks = edge_frame(edges, "MARKS")
    rows = []
    for m_id, c_id in zip(marks["src"].tolist(), marks["dst"].tolist(), strict=True):
        if c_id not in cap_idx or m_id not in ms_props:
            continue
        row = ms_props[m_id]
        dy = decimal_year(row["date"])
        if dy is None or row["level"] not in MILESTONE_LEVELS:
            notes.append(f"milestone {m_id}: no usable date or level, skipped")
            continue
        rows.append(
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
    return rows


def _tool_rows(
    nodes: dict, edges: dict, cap_idx: dict[str, int], names: dict[str, str], config: MethodConfig
) -> tuple[list[dict], list[dict]]:
    """(tool offers, evidence rows dated by PROVIDES.since)."""
    tools = node_frame(nodes, "Tool", ("name", "status", "first_release"))
    tool_status = dict(zip(tools["id"].tolist(), tools["status"].tolist(), strict=True))
    provides = edge_frame(edges, "PROVIDES", ("level", "since", "source_ids"))
    tool_rows, ev_rows = [], []
    for r in provides.itertuples(index=False):
        if r.dst not in cap_idx:
            continue
        status = tool_status.get(r.src)
        # only PROVIDES.since dates the capability: a tool's first release may predate its AI features
        tool_rows.append(
            dict(
                capability=r.dst,
                tool=r.src,
                name=names.get(r.src, r.src),
                status=status,
                since=r.since,
                level=r.level,
                source_ids=source_list(r.source_ids),
            )
        )
        lvl = config.tool_level_by_status.get(str(status)) if config.tool_evidence else None
        dy = decimal_year(r.since)
        if lvl and dy is not None:
            ev_rows.append(
                dict(
                    capability=r.dst,
                    level=lvl,
                    t=dy[0],
                    var=dy[1],
                    kind="tool",
                    item=r.src,
                    date=str(r.since),
                    source_ids=source_list(r.source_ids),
                )
            )
    return tool_rows, ev_rows


def maturity_evidence(
    nodes: dict, edges: dict, cap_idx: dict[str, int], names: dict[str, str], config: MethodConfig, notes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dated evidence per capability from milestones and tools, the tools offering each capability)."""
    ev_rows = _milestone_rows(nodes, edges, cap_idx, notes)
    tool_rows, tool_ev = _tool_rows(nodes, edges, cap_idx, names, config)
    ev_rows.extend(tool_ev)
    tools = pd.DataFrame(tool_rows, columns=TOOL_COLS)
    evidence = pd.DataFrame(ev_rows, columns=EVIDENCE_COLS)
    evidence["cap"] = evidence["capability"].map(cap_idx).astype(int)
    evidence["z"] = [level_logit(lv, config.level_maturity) for lv in evidence["level"].tolist()]
    evidence = evidence.sort_values(["cap", "t", "kind", "item"], kind="stable").reset_index(drop=True)
    return evidence, tools


def as_of_date(nodes: dict, evidence: pd.DataFrame, config: MethodConfig, notes: list[str]) -> float:
    """The as-of date: the configured one, else the latest date the graph knows (deterministic)."""
    if config.as_of is not None:
        return float(config.as_of)
    src_df = node_frame(nodes, "Source", ("accessed", "date"))
    dates = [decimal_year(v) for v in [*src_df["accessed"], *evidence["date"]]]
    ts = [d[0] for d in dates if d is not None]
    as_of = max(ts) if ts else 2025.5
    notes.append(f"as-of date {as_of:.2f} (latest source access, milestone or tool date)")
    return as_of


def instrument_terms(nodes: dict, edges: dict) -> dict[str, dict]:
    """For each legal limitation grounded on instruments (directly or through their clauses): when it is in
    force. The union of the instruments' terms that have taken effect: from the earliest effective date to the
    latest expiry (no expiry when any of them has none, e.g. a statute), and their jurisdictions. A limitation
    grounded only on bills or instruments without an effective date gets nothing here (it acts as curated)."""
    inst = node_frame(nodes, "Instrument", ("effective", "expiry", "jurisdiction")).set_index("id")
    if not len(inst):
        return {}
    clause_inst = dict(zip(*(edge_frame(edges, "IN_INSTRUMENT")[c] for c in ("src", "dst")), strict=True))
    by_lim: dict[str, set[str]] = {}
    for src, lim in zip(*(edge_frame(edges, "GROUNDS")[c] for c in ("src", "dst")), strict=True):
        i = src if src in inst.index else clause_inst.get(src)
        if i in inst.index:
            by_lim.setdefault(lim, set()).add(i)
    out = {}
    for lim, ids in by_lim.items():
        rows = inst.loc[sorted(ids)]
        rows = rows[[decimal_year(e) is not None for e in rows["effective"].tolist()]]
        if not len(rows):
            continue
        ends = [_term_date(e, start=False) for e in rows["expiry"].tolist()]
        out[lim] = dict(
            in_force_from=min(_term_date(e, start=True) for e in rows["effective"].tolist()),
            in_force_until=float("nan") if any(np.isnan(ends)) else max(ends),
            jurisdiction="; ".join(sorted({str(j) for j in rows["jurisdiction"] if isinstance(j, str)})) or None,
            instruments=sorted(rows.index),
        )
    return out


def _limitation_rows(
    nodes: dict, edges: dict, cap_idx: dict[str, int], names: dict[str, str], notes: list[str]
) -> list[dict]:
    lim_props = node_frame(nodes, "Limitation", ("name", "kind", "severity", "half_life_years", *LIM_TERMS))
    by_id = lim_props.set_index("id").to_dict("index")  # a dict per limitation: read once per constraint below
    terms = instrument_terms(nodes, edges)
    cons = edge_frame(edges, "CONSTRAINED_BY", ("severity", "source_ids", "confidence"))
    rows = []
    for r in cons.itertuples(index=False):
        if r.src not in cap_idx or r.dst not in by_id:
            continue
        lp = by_id[r.dst]
        sev = num(r.severity, num(lp["severity"]))
        if sev is None:
            notes.append(f"limitation {r.dst} on {r.src}: no severity, ignored")
            continue
        kind = lp["kind"] if lp["kind"] in ("technical", "legal", "economic") else "technical"
        rows.append(
            dict(
                cap=cap_idx[r.src],
                capability=r.src,
                limitation=r.dst,
                name=names.get(r.dst, r.dst),
                kind=kind,
                severity=min(max(sev, 0.0), 1.0),
                half_life=num(lp["half_life_years"]),
                **_terms_of(lp, terms.get(r.dst) if kind == "legal" else None),
                confidence=num(r.confidence, 0.5),
                source_ids=join_sources(r.source_ids, lp.get("source_ids")),
            )
        )
    return rows


def _terms_of(lp: dict, from_instruments: dict | None) -> dict:
    """A legal limitation's dates: its own when the catalog gives them, else its instruments'."""
    own = dict(
        in_force_from=_term_date(lp["in_force_from"], start=True),
        in_force_until=_term_date(lp["in_force_until"], start=False),
        jurisdiction=lp["jurisdiction"] if isinstance(lp["jurisdiction"], str) else None,
    )
    if from_instruments and np.isnan(own["in_force_from"]) and np.isnan(own["in_force_until"]):
        return {k: from_instruments[k] for k in own}
    return own


def _term_date(value: object, start: bool) -> float:
    """A legal term's first (start=True) or last day as a decimal year; NaN when not given."""
    dy = decimal_year(value)
    if dy is None:
        return float("nan")
    half = float(np.sqrt(12.0 * dy[1])) / 2.0 if dy[1] > 0 else 0.0  # half the period a partial date spans
    return dy[0] - half if start else dy[0] + half


def limitation_links(
    nodes: dict, edges: dict, cap_idx: dict[str, int], names: dict[str, str], config: MethodConfig, notes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(capability limitations with their combination groups, tool limitations)."""
    lim_links = (
        pd.DataFrame(_limitation_rows(nodes, edges, cap_idx, names, notes), columns=LIM_COLS)
        .sort_values(["cap", "kind", "limitation"], kind="stable")
        .drop_duplicates(["cap", "limitation"])
        .reset_index(drop=True)
    )
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
            "source_ids": [source_list(s) for s in tl["source_ids"].tolist()],
        }
    )
    return lim_links, tool_lims
