"""Anthropic Economic Index, first release (2025-02-10) → Study `study:anthropic-economic-index-2025-02`,
RATES Task and Occupation.

Files (`<root>/anthropic_economic_index/release_2025_02_10/`): `onet_task_mappings.csv`
(`task_name`, `pct`: lower-cased O*NET task text and the percent of sampled Claude.ai conversations,
Dec 2024 – Jan 2025, that map to it; sums to 100) and `onet_task_statements.csv` (the O*NET 20.1
task file Anthropic shipped as the join key; O*NET-SOC 2010 codes).

As AEI does, a task text's share is divided evenly across the task statements (occupations) with that
text. Each statement then lands on:
- the task level (`aei_task_share`, percent of conversations): the Task of the O*NET release read
  with the same Task ID, else a task with the same text in a 2019 successor occupation (divided
  evenly if several); statements that match neither are unmatched (the manifest gives the rate by
  task texts and by share);
- the occupation level (`aei_occ_share`, percent of conversations, summed over the occupation's
  tasks): O*NET-SOC 2010 → 2019 through the O*NET crosswalk, divided evenly when a code splits.
The `none` row (conversations AEI could not map to a task) is left out. A task missing from the
release means "below AEI's reporting threshold", not zero: absent tasks get no RATES edge.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph.tables import WHERE, TableBuilder, Tables
from ingest import onet
from ingest.base import Context, finish
from ingest.checks import TableSpec
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE, FileProblems
from ingest.studies import Resolver, StudyMeta, study_node

NAME = "anthropic_index"
ORIGIN = "aei-2025-02-10"
DIR = "anthropic_economic_index/release_2025_02_10"
F_MAP = f"{DIR}/onet_task_mappings.csv"
F_TASKS = f"{DIR}/onet_task_statements.csv"
NOT_A_TASK = {"none"}
MAP_SPEC = TableSpec(("task_name", "pct"), unique=("task_name",))
TASKS_SPEC = TableSpec(("O*NET-SOC Code", "Task ID", "Task"), unique=("Task ID",))
META = StudyMeta(
    id="study:anthropic-economic-index-2025-02",
    name="Anthropic Economic Index: task usage shares (Handa, Tamkin et al.)",
    year=2025,
    url="https://huggingface.co/datasets/Anthropic/EconomicIndex",
    citation=(
        "Handa K, Tamkin A, et al. (2025). Which Economic Tasks are Performed with AI? Evidence from Millions "
        "of Claude Conversations. arXiv 2503.04761. Data: Anthropic/EconomicIndex, release_2025_02_10 (CC-BY)"
    ),
    units=(
        "percent of sampled Claude.ai conversations (Dec 2024–Jan 2025) mapped to the task (task level) or "
        "to the occupation's tasks (occupation level); observed usage, not potential exposure; tasks below "
        "the reporting threshold are absent, not zero"
    ),
    code_vintage="O*NET-SOC 2010 (O*NET 20.1 task statements)",
    source_id="src:pd-anthropic-economic-index",
)


@dataclass
class _Index:
    """The task statements of the release (O*NET 20.1) and of the O*NET release read, for matching."""

    succ: dict[str, list[str] | None]  # O*NET-SOC 2010 code → 2019 codes (None: a bad code)
    by_text: dict[str, list[tuple[str, str]]]  # statement text (lower case) → [(2010 code, Task ID)]
    task_occ: dict[str, str]  # Task ID → O*NET-SOC 2019 code, in the release read
    now_by_text: dict[tuple[str, str], list[str]]  # (2019 code, text) → Task IDs, in the release read


@dataclass
class _Shares:
    """Conversation shares attributed to tasks and occupations, and what could not be."""

    task: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    task_where: dict[str, str] = field(default_factory=dict)
    occ: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    occ_where: dict[str, str] = field(default_factory=dict)
    total: float = 0.0
    mapped_task: float = 0.0
    mapped_occ: float = 0.0
    names: int = 0
    names_task: int = 0
    names_occ: int = 0
    by_id: int = 0
    by_text: int = 0
    skipped: list[str] = field(default_factory=list)
    unknown_text: list[str] = field(default_factory=list)


def read(ctx: Context) -> tuple[Tables, dict]:
    entry = new_entry(ORIGIN, "release_2025_02_10", META.name)
    core = onet.core_of(ctx)
    mp = MAP_SPEC.read(ctx.root / F_MAP, ctx.problems)
    st = TASKS_SPEC.read(ctx.root / F_TASKS, ctx.problems)
    if mp is None or st is None or core is None:
        return Tables(), entry
    record_file(entry, ctx.root, F_MAP, mp.rows)
    record_file(entry, ctx.root, F_TASKS, st.rows)
    resolver = Resolver(ctx, "O*NET-SOC 2010")
    index = _index(st.frame, st.fp, core, resolver)
    shares = _Shares()
    for name, pct, line in zip(mp.frame["task_name"], mp.frame["pct"], mp.frame[LINE], strict=True):
        _share(name, pct, int(line), mp.fp, index, shares)
    tb = TableBuilder()
    for t, v in sorted(shares.task.items(), key=lambda kv: int(kv[0])):
        edge = {"score": round(v, 8), "measure": "aei_task_share", WHERE: shares.task_where[t]}
        tb.edge("RATES", META.id, "Study", f"task:onet:{t}", "Task", **edge)
    for c, v in sorted(shares.occ.items()):
        edge = {"score": round(v, 8), "measure": "aei_occ_share", WHERE: shares.occ_where[c]}
        tb.edge("RATES", META.id, "Study", f"onet:{c}", "Occupation", **edge)
    task_rate = _summarise(shares, entry, resolver, core.version)
    study_node(tb, META, task_rate, ORIGIN, mp.fp.where(1), ctx, entry)
    tables = finish(tb)
    tables.notes += [f"{ORIGIN}: {x}" for x in entry["notes"]]
    return tables, entry


def _index(st, fps: FileProblems, core: onet.Core, resolver: Resolver) -> _Index:
    # O*NET-SOC 2010 codes of the statements → 2019 (checked once per code)
    succ: dict[str, list[str] | None] = {}
    for code, line in zip(st["O*NET-SOC Code"], st[LINE], strict=True):
        if code not in succ:
            succ[code] = resolver.resolve(code, fps, int(line), "O*NET-SOC Code")
    by_text: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, tid, text in zip(st["O*NET-SOC Code"], st["Task ID"], st["Task"], strict=True):
        by_text[text.lower()].append((code, tid.removesuffix(".0")))
    task_occ = dict(zip(core.tasks["Task ID"], core.tasks["O*NET-SOC Code"], strict=True))
    now_by_text: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code, tid, text in zip(core.tasks["O*NET-SOC Code"], core.tasks["Task ID"], core.tasks["Task"], strict=True):
        now_by_text[(code, text.lower())].append(tid)
    return _Index(succ, by_text, task_occ, now_by_text)


def _share(name: str, pct: str, line: int, fpm: FileProblems, index: _Index, s: _Shares) -> None:
    """One task text's share, split evenly over its statements, then onto occupations and tasks."""
    try:
        share = float(pct)
    except ValueError:
        fpm.add(line, "pct", f"expected a number, got {pct!r}")
        return
    if share < 0 or share > 100:
        fpm.add(line, "pct", f"{share} is outside 0–100 (percent of conversations)")
        return
    if name in NOT_A_TASK:
        s.skipped.append(f"{name} ({share:.3f}%)")
        return
    s.total += share
    s.names += 1
    rows = index.by_text.get(name)
    if not rows:
        s.unknown_text.append(name)
        return
    where = fpm.where(line)
    part = share / len(rows)
    hit_t = hit_o = False
    for code10, tid in rows:
        codes19 = index.succ.get(code10) or []
        if codes19:  # occupation level
            for c in codes19:
                s.occ[c] += part / len(codes19)
                s.occ_where.setdefault(c, where)
            s.mapped_occ += part
            hit_o = True
        targets = _task_targets(name, tid, codes19, index, s)
        if targets:
            for t in targets:
                s.task[t] += part / len(targets)
                s.task_where.setdefault(t, where)
            s.mapped_task += part
            hit_t = True
    s.names_task += hit_t
    s.names_occ += hit_o


def _task_targets(name: str, tid: str, codes19: list[str], index: _Index, s: _Shares) -> list[str]:
    """The task(s) of the release read that a statement is: by Task ID, else by text in its occupations."""
    if tid in index.task_occ and (not codes19 or index.task_occ[tid] in codes19):
        s.by_id += 1
        return [tid]
    targets = [t for c in codes19 for t in index.now_by_text.get((c, name), ())]
    s.by_text += bool(targets)
    return targets


def _summarise(s: _Shares, entry: dict, resolver: Resolver, version: str) -> float | None:
    """Match rates, totals and notes of the manifest entry; returns the task-level match rate."""
    names, total = s.names, s.total
    task_rate = s.names_task / names if names else None
    entry["match"] = {
        "task_texts_to_statements": round((names - len(s.unknown_text)) / names, 4) if names else None,
        "task_texts_to_tasks": round(task_rate, 4) if task_rate is not None else None,
        "task_share_to_tasks": round(s.mapped_task / total, 4) if total else None,
        "task_texts_to_occupations": round(s.names_occ / names, 4) if names else None,
        "occupation_share_mapped": round(s.mapped_occ / total, 4) if total else None,
        "statement_codes_routes": dict(resolver.routes),
        "statements_matched_by_task_id": s.by_id,
        "statements_matched_by_text": s.by_text,
    }
    entry["totals"] = {"task_texts": names, "tasks_rated": len(s.task), "occupations_rated": len(s.occ)}
    entry["notes"].append(
        f"task level: {s.names_task} of {names} task texts reach a task of O*NET {version} "
        f"({s.mapped_task:.2f} of {total:.2f} percentage points); O*NET 20.1 tasks dropped since then are unmatched"
    )
    if s.skipped:
        entry["notes"].append(f"left out (not a task): {', '.join(s.skipped)}")
    if s.unknown_text:
        entry["notes"].append(
            f"{len(s.unknown_text)} task texts not in onet_task_statements.csv: {'; '.join(s.unknown_text[:5])}"
        )
    return task_rate
