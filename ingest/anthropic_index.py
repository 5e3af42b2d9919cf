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
from pathlib import Path

from graph.tables import WHERE, Problem, TableBuilder, Tables
from ingest.public import LINE, Context, FileProblems, check_unique, finish, new_entry, read_table, record_file
from ingest.studies import Resolver, StudyMeta, study_node

NAME = "anthropic_index"
ORIGIN = "aei-2025-02-10"
DIR = "anthropic_economic_index/release_2025_02_10"
F_MAP = f"{DIR}/onet_task_mappings.csv"
F_TASKS = f"{DIR}/onet_task_statements.csv"
NOT_A_TASK = {"none"}
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


def read(root: Path, problems: list[Problem]) -> Tables:
    return read_with_info(root, problems)[0]


def read_with_info(root: Path, problems: list[Problem], ctx: Context | None = None) -> tuple[Tables, dict]:
    ctx = ctx or Context(root, problems)
    entry = new_entry(ORIGIN, "release_2025_02_10", META.name)
    tb = TableBuilder()
    core = ctx.onet
    fpm = FileProblems(root / F_MAP, problems)
    fps = FileProblems(root / F_TASKS, problems)
    mp = read_table(fpm.path, ["task_name", "pct"], problems)
    st = read_table(fps.path, ["O*NET-SOC Code", "Task ID", "Task"], problems)
    if mp is None or st is None or core is None:
        return Tables(), entry
    record_file(entry, root, F_MAP, len(mp))
    record_file(entry, root, F_TASKS, len(st))
    mp = check_unique(mp, ["task_name"], fpm)
    st = check_unique(st, ["Task ID"], fps)

    # O*NET-SOC 2010 codes of the statements → 2019 (checked once per code)
    resolver = Resolver(ctx, "O*NET-SOC 2010")
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

    task_score: dict[str, float] = defaultdict(float)
    task_where: dict[str, str] = {}
    occ_score: dict[str, float] = defaultdict(float)
    occ_where: dict[str, str] = {}
    total = mapped_task = mapped_occ = 0.0
    names = names_task = names_occ = 0
    skipped = []
    unknown_text = []
    by_id = by_text_n = 0
    for name, pct, line in zip(mp["task_name"], mp["pct"], mp[LINE], strict=True):
        line = int(line)
        try:
            share = float(pct)
        except ValueError:
            fpm.add(line, "pct", f"expected a number, got {pct!r}")
            continue
        if share < 0 or share > 100:
            fpm.add(line, "pct", f"{share} is outside 0–100 (percent of conversations)")
            continue
        if name in NOT_A_TASK:
            skipped.append(f"{name} ({share:.3f}%)")
            continue
        total += share
        names += 1
        rows = by_text.get(name)
        if not rows:
            unknown_text.append(name)
            continue
        where = fpm.where(line)
        part = share / len(rows)
        hit_t = hit_o = False
        for code10, tid in rows:
            codes19 = succ.get(code10) or []
            # occupation level
            if codes19:
                for c in codes19:
                    occ_score[c] += part / len(codes19)
                    occ_where.setdefault(c, where)
                mapped_occ += part
                hit_o = True
            # task level
            if tid in task_occ and (not codes19 or task_occ[tid] in codes19):
                targets = [tid]
                by_id += 1
            else:
                targets = [t for c in codes19 for t in now_by_text.get((c, name), ())]
                by_text_n += bool(targets)
            if targets:
                for t in targets:
                    task_score[t] += part / len(targets)
                    task_where.setdefault(t, where)
                mapped_task += part
                hit_t = True
        names_task += hit_t
        names_occ += hit_o

    for t, v in sorted(task_score.items(), key=lambda kv: int(kv[0])):
        tb.edge(
            "RATES",
            META.id,
            "Study",
            f"task:onet:{t}",
            "Task",
            score=round(v, 8),
            measure="aei_task_share",
            **{WHERE: task_where[t]},
        )
    for c, v in sorted(occ_score.items()):
        tb.edge(
            "RATES",
            META.id,
            "Study",
            f"onet:{c}",
            "Occupation",
            score=round(v, 8),
            measure="aei_occ_share",
            **{WHERE: occ_where[c]},
        )

    task_rate = names_task / names if names else None
    entry["match"] = {
        "task_texts_to_statements": round((names - len(unknown_text)) / names, 4) if names else None,
        "task_texts_to_tasks": round(task_rate, 4) if task_rate is not None else None,
        "task_share_to_tasks": round(mapped_task / total, 4) if total else None,
        "task_texts_to_occupations": round(names_occ / names, 4) if names else None,
        "occupation_share_mapped": round(mapped_occ / total, 4) if total else None,
        "statement_codes_routes": dict(resolver.routes),
        "statements_matched_by_task_id": by_id,
        "statements_matched_by_text": by_text_n,
    }
    entry["totals"] = {"task_texts": names, "tasks_rated": len(task_score), "occupations_rated": len(occ_score)}
    entry["notes"].append(
        f"task level: {names_task} of {names} task texts reach a task of O*NET {core.version} "
        f"({mapped_task:.2f} of {total:.2f} percentage points); O*NET 20.1 tasks dropped since then are unmatched"
    )
    if skipped:
        entry["notes"].append(f"left out (not a task): {', '.join(skipped)}")
    if unknown_text:
        entry["notes"].append(
            f"{len(unknown_text)} task texts not in onet_task_statements.csv: {'; '.join(unknown_text[:5])}"
        )
    study_node(tb, META, task_rate, ORIGIN, fpm.where(1), ctx, entry)
    t = finish(tb)
    t.notes += [f"{ORIGIN}: {x}" for x in entry["notes"]]
    return t, entry
