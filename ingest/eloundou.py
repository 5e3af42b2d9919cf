"""Eloundou, Manning, Mishkin, Rock (2023/2024), "GPTs are GPTs" → Study `study:eloundou-2023`,
RATES Occupation and Task.

Files (`<root>/eloundou_gpts_are_gpts/`): `occ_level.csv` (923 occupations, O*NET-SOC 2019 codes,
O*NET 27.2) and `full_labelset.tsv` (19,265 task labels; first column an unnamed index).

Measures, in the study's units (0–1): at the occupation level `gpt4_alpha|beta|gamma` (dv_rating_*)
and `human_alpha|beta|gamma` (human_rating_*): the core-2/supplemental-1 weighted share of the
occupation's tasks exposed. At the task level the same names score the task's label: E1 → 1 for
alpha, beta and gamma; E2 → 0 / 0.5 / 1; E0 → 0 (GPT-4 label `gpt4_exposure`, human label
`human_exposure_agg`). The file's own alpha/beta/gamma columns must agree with the GPT-4 label.

Tasks are matched by Task ID to the O*NET release read (29.1 by default): tasks dropped or
renumbered since O*NET 27.2 are unmatched (the manifest counts them), and a Task ID whose occupation
differs from the file's is unmatched too (the ID was reused).

Task labels are checked per distinct combination and turned into RATES column by column; a file with a
label to report goes row by row (`_labels_ok`), which names each row and field.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from graph.tables import WHERE, TableBuilder, Tables, edge_columns
from ingest import onet
from ingest.base import Context, restore_ints
from ingest.checks import check_unique, records
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE, FileProblems, read_table
from ingest.studies import Resolver, StudyMeta, combine, match_rate, study_node

NAME = "eloundou"
ORIGIN = "eloundou-2023"
DIR = "eloundou_gpts_are_gpts"
F_OCC = f"{DIR}/occ_level.csv"
F_TASK = f"{DIR}/full_labelset.tsv"
META = StudyMeta(
    id="study:eloundou-2023",
    name="GPTs are GPTs: LLM exposure of occupations and tasks (Eloundou, Manning, Mishkin, Rock)",
    year=2023,
    url="https://arxiv.org/abs/2303.10130",
    citation=(
        "Eloundou T, Manning S, Mishkin P, Rock D (2024). GPTs are GPTs: Labor market impact potential of "
        "LLMs. Science 384(6702). arXiv 2303.10130 (2023). Data: github.com/openai/GPTs-are-GPTs (MIT)"
    ),
    units=(
        "share of the occupation's tasks exposed to LLMs, 0–1, core 2 : supplemental 1 weighted "
        "(alpha = E1, beta = E1 + 0.5·E2, gamma = E1 + E2); task level: the task's label scored the same way"
    ),
    code_vintage="O*NET-SOC 2019 (O*NET 27.2 tasks)",
    source_id="src:pd-eloundou-2023",
)
OCC_MEASURES = {
    "dv_rating_alpha": "gpt4_alpha",
    "dv_rating_beta": "gpt4_beta",
    "dv_rating_gamma": "gpt4_gamma",
    "human_rating_alpha": "human_alpha",
    "human_rating_beta": "human_beta",
    "human_rating_gamma": "human_gamma",
}
LABEL_SCORES = {"E0": (0.0, 0.0, 0.0), "E1": (1.0, 1.0, 1.0), "E2": (0.0, 0.5, 1.0)}
TASK_COLS = ["O*NET-SOC Code", "Task ID", "gpt4_exposure", "human_exposure_agg", "alpha", "beta", "gamma"]


def read(ctx: Context) -> tuple[Tables, dict]:
    entry = new_entry(ORIGIN, "openai/GPTs-are-GPTs @ 0471612", META.name)
    tb = TableBuilder()
    core = onet.core_of(ctx)
    resolver = Resolver(ctx, "O*NET-SOC 2019")
    occ_rate = _occupations(ctx, resolver, tb, entry, core)
    fp = FileProblems(ctx.root / F_TASK, ctx.problems)
    tasks = read_table(fp, TASK_COLS, index_col_unnamed=True)
    task_rates = None
    if tasks is not None and core is not None:
        task_rates = _tasks(ctx, tasks, fp, core, tb, entry)
    entry["match"]["routes"] = dict(resolver.routes)
    study_node(tb, META, occ_rate, ORIGIN, fp.where(1), ctx, entry)
    t = tb.tables()
    if task_rates is not None:  # after the occupations' RATES, as tb.edge would have put them
        have = t.edges.pop("RATES", None)
        rates = task_rates if have is None else pd.concat([have, task_rates], ignore_index=True)
        t.edges = {"RATES": rates, **t.edges}
    restore_ints(t)
    t.notes += [f"{ORIGIN}: {x}" for x in entry["notes"]]
    return t, entry


def _occupations(
    ctx: Context, resolver: Resolver, tb: TableBuilder, entry: dict, core: onet.Core | None
) -> float | None:
    """RATES Occupation edges from occ_level.csv (the mean where several codes land on one); the match rate."""
    fp = FileProblems(ctx.root / F_OCC, ctx.problems)
    occ = read_table(fp, ["O*NET-SOC Code", *OCC_MEASURES])
    if occ is None:
        return None
    record_file(entry, ctx.root, F_OCC, len(occ))
    occ = check_unique(occ, ["O*NET-SOC Code"], fp)
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    wheres: dict[str, str] = {}
    matched = 0
    unmatched = []
    for r in records(occ):
        line = int(r[LINE])
        targets = resolver.resolve(r["O*NET-SOC Code"], fp, line, "O*NET-SOC Code")
        if targets is None:
            continue
        if not targets:
            unmatched.append(r["O*NET-SOC Code"])
            continue
        matched += 1
        vals = {m: v for col, m in OCC_MEASURES.items() if (v := _unit(r[col], fp, line, col)) is not None}
        for t in targets:
            wheres.setdefault(t, fp.where(line))
            for measure, v in vals.items():
                scores[(t, measure)].append(v)
    for (t, measure), v in sorted(combine(scores, "mean").items()):
        tb.edge(
            "RATES",
            META.id,
            "Study",
            f"onet:{t}",
            "Occupation",
            score=round(v, 6),
            measure=measure,
            **{WHERE: wheres[t]},
        )
    occ_rate = match_rate(matched, len(occ))
    entry["match"]["occupations"] = round(occ_rate, 4) if occ_rate is not None else None
    entry["totals"]["occupations_rated"] = len(wheres)
    if unmatched:
        entry["notes"].append(
            f"{len(unmatched)} occupation codes not in O*NET {core.version if core else ''}: "
            + ", ".join(unmatched[:20])
        )
    return occ_rate


def _tasks(
    ctx: Context, tasks: pd.DataFrame, fp: FileProblems, core: onet.Core, tb: TableBuilder, entry: dict
) -> pd.DataFrame | None:
    """RATES Task edges from full_labelset.tsv, matched by Task ID to the O*NET release read: as a frame
    when every label is right, else (row by row, each problem reported) added to `tb`."""
    record_file(entry, ctx.root, F_TASK, len(tasks))
    tasks["Task ID"] = [re.sub(r"\.0$", "", t) for t in tasks["Task ID"]]
    tasks = check_unique(tasks, ["Task ID"], fp)
    task_occ = dict(zip(core.tasks["Task ID"], core.tasks["O*NET-SOC Code"], strict=True))
    if _all_labels_ok(tasks, fp):
        frame, matched, reused = _task_rates(tasks, task_occ, fp)
    else:
        frame, (matched, reused) = None, _task_rows(tasks, task_occ, fp, tb)
    rate = match_rate(matched, len(tasks))
    entry["match"]["tasks"] = round(rate, 4) if rate is not None else None
    entry["totals"]["tasks_rated"] = matched
    entry["notes"].append(
        f"task level: {matched} of {len(tasks)} labelled tasks (O*NET 27.2) found by Task ID "
        f"in O*NET {core.version}; "
        "the rest were dropped or renumbered in later releases"
    )
    if reused:
        entry["notes"].append(f"{reused} Task IDs belong to another occupation in O*NET {core.version}: left out")
    return frame


LABEL_COLS = ["gpt4_exposure", "human_exposure_agg", "alpha", "beta", "gamma"]


def _all_labels_ok(tasks: pd.DataFrame, fp: FileProblems) -> bool:
    """Whether _labels_ok passes every row: checked once per distinct Task ID form and label combination."""
    if not all(t.isdigit() for t in pd.unique(tasks["Task ID"].to_numpy(dtype=object))):
        return False
    scratch = FileProblems(fp.path, [])
    combos = tasks[LABEL_COLS].drop_duplicates()
    return all(
        _labels_ok(dict(zip(LABEL_COLS, c, strict=True)) | {"Task ID": "1"}, scratch, 0)
        for c in combos.itertuples(index=False)
    )


def _task_rates(tasks: pd.DataFrame, task_occ: dict[str, str], fp: FileProblems) -> tuple[pd.DataFrame, int, int]:
    """The RATES edges of the tasks found (rows whose labels are known good), with the counts matched
    and reused: what _task_rows adds, as one frame."""
    cols: dict[str, list] = {"dst": [], "score": [], "measure": [], WHERE: []}
    matched = reused = 0
    measures = [f"{who}_{name}" for who in ("gpt4", "human") for name in ("alpha", "beta", "gamma")]
    rows = zip(*(tasks[c].tolist() for c in ("Task ID", "O*NET-SOC Code", *LABEL_COLS[:2], LINE)), strict=True)
    for tid, code, g, h, line in rows:
        if tid not in task_occ:
            continue
        if task_occ[tid] != code:
            reused += 1
            continue
        matched += 1
        cols["dst"] += [f"task:onet:{tid}"] * 6
        cols["score"] += [*LABEL_SCORES[g], *LABEL_SCORES[h]]
        cols["measure"] += measures
        cols[WHERE] += [fp.where(line)] * 6
    n = len(cols["dst"])
    ends = {"src": [META.id] * n, "src_label": ["Study"] * n, "dst_label": ["Task"] * n}
    return edge_columns("RATES", ends | cols, n), matched, reused


def _task_rows(tasks: pd.DataFrame, task_occ: dict[str, str], fp: FileProblems, tb: TableBuilder) -> tuple[int, int]:
    """The tasks row by row, each label problem reported; RATES edges added to `tb`; (matched, reused)."""
    matched = 0
    reused = 0
    for r in records(tasks):
        line = int(r[LINE])
        tid = r["Task ID"]
        if not _labels_ok(r, fp, line) or tid not in task_occ:
            continue
        if task_occ[tid] != r["O*NET-SOC Code"]:
            reused += 1
            continue
        matched += 1
        where = fp.where(line)
        for who, lab in (("gpt4", r["gpt4_exposure"]), ("human", r["human_exposure_agg"])):
            for name, v in zip(("alpha", "beta", "gamma"), LABEL_SCORES[lab], strict=True):
                tb.edge(
                    "RATES",
                    META.id,
                    "Study",
                    f"task:onet:{tid}",
                    "Task",
                    score=v,
                    measure=f"{who}_{name}",
                    **{WHERE: where},
                )
    return matched, reused


def _labels_ok(r: dict, fp: FileProblems, line: int) -> bool:
    """A digit Task ID, known labels, and alpha/beta/gamma columns that agree with the GPT-4 label."""
    if not r["Task ID"].isdigit():
        fp.add(line, "Task ID", f"{r['Task ID']!r} is not a Task ID (digits)")
        return False
    g = r["gpt4_exposure"]
    bad = False
    for col in ("gpt4_exposure", "human_exposure_agg"):
        if r[col] not in LABEL_SCORES:
            fp.add(line, col, f"{r[col]!r} is not an exposure label (E0, E1, E2)")
            bad = True
    if bad:
        return False
    for col, want in zip(("alpha", "beta", "gamma"), LABEL_SCORES[g], strict=True):
        got = _unit(r[col], fp, line, col)
        if got is not None and abs(got - want) > 1e-9:
            fp.add(line, col, f"{got} disagrees with gpt4_exposure {g} (expected {want})")
            bad = True
    return not bad


def _unit(value: str, fp: FileProblems, line: int, col: str) -> float | None:
    if value == "":
        return None
    try:
        v = float(value)
    except ValueError:
        fp.add(line, col, f"expected a number, got {value!r}")
        return None
    if not -1e-9 <= v <= 1 + 1e-9:
        fp.add(line, col, f"{v} is outside [0, 1]")
        return None
    return min(max(v, 0.0), 1.0)
