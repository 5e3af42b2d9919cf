"""A synthetic graph with the shape of the full data, for benchmarks and scale tests.

Default scale: ~1,000 occupations, ~19,000 O*NET tasks, ~2,000 DWAs, ~150 capabilities, ~100 crafts with
~1,000 craft tasks, 15 departments, 3 studies. Frames carry only the columns the engine reads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.schema import MILESTONE_LEVELS


def _edges(src, dst, src_label, dst_label, **props) -> pd.DataFrame:
    return pd.DataFrame({"src": src, "dst": dst, "src_label": src_label, "dst_label": dst_label, **props})


def synthetic_graph(
    n_occ: int = 1000,
    n_tasks: int = 19000,
    n_dwa: int = 2000,
    n_caps: int = 150,
    n_crafts: int = 100,
    n_depts: int = 15,
    n_tools: int = 400,
    n_lims: int = 200,
    seed: int = 7,
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    rng = np.random.default_rng(seed)
    src = ["src:synthetic"]
    nodes: dict[str, pd.DataFrame] = {}
    edges: dict[str, pd.DataFrame] = {}

    occ = [f"onet:{(27 if i % 10 == 0 else 11 + i % 40):02d}-{1000 + i:04d}.00" for i in range(n_occ)]
    nodes["Occupation"] = pd.DataFrame(
        {
            "id": occ,
            "title": [f"Occupation {i}" for i in range(n_occ)],
            "soc_code": [o[5:] for o in occ],
            "employment": np.where(rng.random(n_occ) < 0.9, rng.lognormal(9, 1.5, n_occ).round(), np.nan),
        }
    )
    tasks = [f"task:onet:{i}" for i in range(n_tasks)]
    dwas = [f"dwa:4.A.{i // 100}.I{i % 100:02d}.D{i:04d}" for i in range(n_dwa)]
    caps = [f"cap:c{i:03d}" for i in range(n_caps)]
    crafts = [f"craft:k{i:03d}" for i in range(n_crafts)]
    depts = [f"dept:d{i:02d}" for i in range(n_depts)]
    ctasks = [f"task:craft:k{i // 10:03d}.t{i % 10}" for i in range(n_crafts * 10)]
    nodes["Task"] = pd.DataFrame({"id": tasks + ctasks, "text": [f"task {t}" for t in tasks + ctasks]})
    nodes["WorkActivity"] = pd.DataFrame({"id": dwas, "level": "dwa", "title": dwas})
    nodes["Capability"] = pd.DataFrame({"id": caps, "name": [f"capability {i}" for i in range(n_caps)]})
    nodes["Craft"] = pd.DataFrame({"id": crafts, "name": [f"craft {i}" for i in range(n_crafts)]})
    nodes["Department"] = pd.DataFrame({"id": depts, "name": [f"department {i}" for i in range(n_depts)]})
    nodes["Source"] = pd.DataFrame({"id": src, "accessed": ["2025-10-01"]})

    # occupations' tasks (each O*NET task belongs to one occupation, as in O*NET)
    owner = np.sort(rng.integers(0, n_occ, n_tasks))
    edges["HAS_TASK"] = pd.concat(
        [
            _edges([occ[i] for i in owner], tasks, "Occupation", "Task", importance=rng.uniform(0.3, 1.0, n_tasks)),
            _edges(
                [crafts[i // 10] for i in range(len(ctasks))],
                ctasks,
                "Craft",
                "Task",
                importance=rng.uniform(0.3, 1.0, len(ctasks)),
            ),
        ],
        ignore_index=True,
    )
    # tasks involve 1-2 DWAs (about 1.2 on average)
    n_inv = 1 + (rng.random(n_tasks + len(ctasks)) < 0.2)
    inv_t = np.repeat(np.arange(n_tasks + len(ctasks)), n_inv)
    inv_d = rng.integers(0, n_dwa, len(inv_t))
    all_tasks = tasks + ctasks
    edges["INVOLVES"] = _edges([all_tasks[i] for i in inv_t], [dwas[i] for i in inv_d], "Task", "WorkActivity")
    # capabilities perform ~15 DWAs each, plus a few craft tasks directly
    per = 15
    pc = np.repeat(np.arange(n_caps), per)
    pdw = rng.integers(0, n_dwa, len(pc))
    direct_c = rng.integers(0, n_caps, 300)
    direct_t = rng.integers(0, len(ctasks), 300)
    edges["PERFORMS"] = pd.concat(
        [
            _edges(
                [caps[i] for i in pc],
                [dwas[i] for i in pdw],
                "Capability",
                "WorkActivity",
                weight=rng.choice([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], len(pc)),
                mode=rng.choice(["automate", "augment"], len(pc)),
                source_ids=[src] * len(pc),
            ),
            _edges(
                [caps[i] for i in direct_c],
                [ctasks[i] for i in direct_t],
                "Capability",
                "Task",
                weight=rng.choice([0.2, 0.4, 0.6], 300),
                mode=rng.choice(["automate", "augment"], 300),
                source_ids=[src] * 300,
            ),
        ],
        ignore_index=True,
    ).drop_duplicates(["src", "dst", "mode"])
    # craft tasks: same as an O*NET task now and then
    sa = rng.choice(len(ctasks), len(ctasks) // 3, replace=False)
    edges["SAME_AS"] = _edges(
        [ctasks[i] for i in sa],
        [tasks[i] for i in rng.integers(0, n_tasks, len(sa))],
        "Task",
        "Task",
        source_ids=[src] * len(sa),
    )
    # crafts: occupations and departments
    edges["CLASSIFIED_AS"] = _edges(
        crafts,
        [occ[i] for i in rng.integers(0, n_occ, n_crafts)],
        "Craft",
        "Occupation",
        share=1.0,
        source_ids=[src] * n_crafts,
    )
    edges["IN"] = _edges(crafts, [depts[i % n_depts] for i in range(n_crafts)], "Craft", "Department")

    # maturity evidence
    ms_rows, marks = [], []
    for c in range(n_caps):
        t50 = rng.uniform(2022, 2030)
        s = rng.lognormal(0, 0.4)
        k = rng.integers(0, 6)
        levels = sorted(rng.choice(len(MILESTONE_LEVELS), k, replace=False))
        for lv in levels:
            z = np.log([0.03, 0.08, 0.18, 0.35, 0.6, 0.9][lv] / (1 - [0.03, 0.08, 0.18, 0.35, 0.6, 0.9][lv]))
            t = t50 + s * z + rng.normal(0, 0.4)
            if t > 2025.75:
                continue
            y, m = int(t), int((t - int(t)) * 12) + 1
            mid = f"ms:c{c:03d}-{lv}"
            ms_rows.append({"id": mid, "date": f"{y}-{m:02d}", "level": MILESTONE_LEVELS[lv], "source_ids": src})
            marks.append((mid, caps[c]))
    nodes["Milestone"] = pd.DataFrame(ms_rows)
    edges["MARKS"] = _edges([m for m, _ in marks], [c for _, c in marks], "Milestone", "Capability")
    tools = [f"tool:t{i:03d}" for i in range(n_tools)]
    nodes["Tool"] = pd.DataFrame(
        {
            "id": tools,
            "name": tools,
            "status": "active",
            "first_release": [f"{rng.integers(2020, 2026)}" for _ in tools],
        }
    )
    tc = rng.integers(0, n_caps, n_tools * 2)
    edges["PROVIDES"] = _edges(
        [tools[i // 2] for i in range(len(tc))],
        [caps[i] for i in tc],
        "Tool",
        "Capability",
        since=None,
        source_ids=[src] * len(tc),
    ).drop_duplicates(["src", "dst"])
    lims = [f"lim:l{i:03d}" for i in range(n_lims)]
    kinds = rng.choice(["technical", "legal", "economic"], n_lims, p=[0.6, 0.25, 0.15])
    nodes["Limitation"] = pd.DataFrame(
        {
            "id": lims,
            "name": lims,
            "kind": kinds,
            "severity": rng.uniform(0.05, 0.6, n_lims).round(2),
            "half_life_years": np.where(kinds == "technical", rng.uniform(1, 6, n_lims).round(1), np.nan),
        }
    )
    lc = rng.integers(0, n_caps, n_lims * 2)
    edges["CONSTRAINED_BY"] = _edges(
        [caps[i] for i in lc],
        [lims[i // 2] for i in range(len(lc))],
        "Capability",
        "Limitation",
        severity=None,
        source_ids=[src] * len(lc),
    ).drop_duplicates(["src", "dst"])
    # studies
    studies = ["study:alpha", "study:beta", "study:gamma"]
    nodes["Study"] = pd.DataFrame({"id": studies, "name": studies})
    r_rows = []
    for st in studies:
        for o in occ:
            r_rows.append((st, o, float(rng.random()), "score"))
    edges["RATES"] = pd.DataFrame(r_rows, columns=["src", "dst", "score", "measure"]).assign(
        src_label="Study", dst_label="Occupation"
    )
    return nodes, edges


def small_graph(
    caps: dict[str, list[tuple[str, str]]],
    links: list[tuple[str, str, float, str]],
    crafts: dict[str, list[tuple[str, float]]],
    involves: list[tuple[str, str]] = (),
    limitations: list[tuple[str, str, str, float, float | None]] = (),
    occupations: dict[str, list[tuple[str, float]]] | None = None,
    classified: list[tuple[str, str, float]] = (),
    departments: dict[str, list[str]] | None = None,
    tools: list[tuple[str, str, str | None]] = (),
    same_as: list[tuple[str, str]] = (),
    ratings: list[tuple[str, str, str, float]] = (),
    accessed: str = "2025-10-01",
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """A small graph through graph.tables.TableBuilder (schema-checked columns), for tests and examples.

    caps: {cap id: [(milestone level, date), ...]}; links: (cap, task or dwa id, weight, mode);
    crafts / occupations: {id: [(task id, importance), ...]}; involves: (task, dwa);
    limitations: (cap, lim id, kind, severity, half_life or None); classified: (craft, occupation, share);
    departments: {dept id: [craft ids]}; tools: (tool id, cap id, since or None); same_as: (task, task);
    ratings: (study id, measure, occupation or task id, score).
    """
    from graph.tables import TableBuilder

    src = ["src:test"]
    tb = TableBuilder()
    tb.node(
        "Source",
        dict(
            id="src:test",
            url="https://example.org",
            title="test",
            publisher="test",
            kind="other",
            accessed=accessed,
            origin="test",
        ),
    )
    for c, mss in caps.items():
        tb.node("Capability", dict(id=c, name=c, description=c, origin="test"))
        for i, (level, date) in enumerate(mss):
            mid = f"ms:{c[4:]}-{i}"
            tb.node("Milestone", dict(id=mid, date=date, level=level, description=mid, origin="test", source_ids=src))
            tb.edge("MARKS", mid, "Milestone", c, "Capability")
    tasks, dwas = set(), set()
    for c, target, w, mode in links:
        label = "WorkActivity" if target.startswith("dwa:") else "Task"
        (dwas if label == "WorkActivity" else tasks).add(target)
        tb.edge("PERFORMS", c, "Capability", target, label, weight=w, mode=mode, rationale="test", source_ids=src)
    for t, d in involves:
        tasks.add(t)
        dwas.add(d)
        tb.edge("INVOLVES", t, "Task", d, "WorkActivity")
    for a, b in same_as:
        tasks.update((a, b))
        tb.edge("SAME_AS", a, "Task", b, "Task", source_ids=src)
    craft_ids = set(crafts) | {c for c, _, _ in classified} | {c for m in (departments or {}).values() for c in m}
    for c in sorted(craft_ids):
        tb.node("Craft", dict(id=c, name=c, origin="test"))
    for label, group in (("Craft", crafts), ("Occupation", occupations or {})):
        for ent, ts in group.items():
            for t, imp in ts:
                tasks.add(t)
                tb.edge("HAS_TASK", ent, label, t, "Task", importance=imp)
    occ_ids = set(occupations or {}) | {o for _, o, _ in classified}
    occ_ids |= {target for _, _, target, _ in ratings if target.startswith("onet:")}
    for o in sorted(occ_ids):
        tb.node("Occupation", dict(id=o, soc_code=o[5:], title=o, origin="test"))
    for c, o, share in classified:
        tb.edge("CLASSIFIED_AS", c, "Craft", o, "Occupation", share=share, source_ids=src)
    for d, members in (departments or {}).items():
        tb.node("Department", dict(id=d, name=d, origin="test"))
        for c in members:
            tb.edge("IN_DEPARTMENT", c, "Craft", d, "Department")
    for t in sorted(tasks | {target for _, _, target, _ in ratings if target.startswith("task:")}):
        tb.node("Task", dict(id=t, text=t, kind="craft" if t.startswith("task:craft:") else "core", origin="test"))
    for d in sorted(dwas):
        tb.node("WorkActivity", dict(id=d, level="dwa", title=d, origin="test"))
    for c, lim, kind, sev, hl in limitations:
        tb.node(
            "Limitation",
            dict(id=lim, name=lim, kind=kind, severity=sev, justification="test", half_life_years=hl, origin="test"),
        )
        tb.edge("CONSTRAINED_BY", c, "Capability", lim, "Limitation", source_ids=src)
    for tool, c, since in tools:
        tb.node("Tool", dict(id=tool, name=tool, status="active", origin="test"))
        tb.edge("PROVIDES", tool, "Tool", c, "Capability", since=since, source_ids=src)
    for study in sorted({s for s, _, _, _ in ratings}):
        tb.node("Study", dict(id=study, name=study, origin="test"))
    for study, measure, target, score in ratings:
        label = "Occupation" if target.startswith("onet:") else "Task"
        tb.edge("RATES", study, "Study", target, label, score=score, measure=measure)
    t = tb.tables()
    nodes = {k: v.drop_duplicates("id").reset_index(drop=True) for k, v in t.nodes.items()}
    return nodes, t.edges
