"""O*NET database → Occupation, Task and WorkActivity nodes; HAS_TASK, INVOLVES, PART_OF.

Layout: `<root>/onet/db_<major>_<minor>_text/*.txt` (the publisher's tab-delimited text release,
UTF-8, CRLF) or `<root>/onet/db_<major>_<minor>_excel/*.xlsx` (the Excel release: the same tables,
plus title columns). The newest text release is read unless another is chosen
(`Context(onet_release="db_30_1_excel")`, or the environment variable CRAFTGRAPH_ONET_RELEASE); the
form is detected from the directory's files. The occupations and tasks (`Core`) are what every other
source joins on: `core_of(ctx)` reads them once per run.

Mapping into the schema (documented choices):
- Occupation Data → Occupation `onet:<O*NET-SOC code>` (title, description); Job Zones → job_zone;
  Technology Skills → technology_skills (the software examples, file order, de-duplicated);
  Alternate Titles → alternate_titles; Sample of Reported Titles → reported_titles;
  Emerging Tasks → emerging_tasks (a list of statements on the occupation, not Task nodes: they have
  no Task ID and no ratings, and as nodes they would change importance-weighted means).
- Task Statements → Task `task:onet:<Task ID>`, kind core / supplemental; Task Type `n/a`
  (tasks not yet rated by incumbents; empty in the Excel form) → kind core. Occupation-HAS_TASK->Task
  with importance: from Task Ratings (scale IM, 1–5 → (IM − 1) / 4) when that file is present,
  else core 1.0 : supplemental 0.5 (the 2 : 1 weighting Eloundou et al. use); importance_basis says
  which (`task_ratings` or `core_supplemental`).
- Tasks to DWAs → Task-INVOLVES->WorkActivity; DWA Reference → `dwa:<DWA ID>` PART_OF `iwa:<IWA ID>`;
  IWA Reference → `iwa:<IWA ID>` PART_OF `gwa:<Element ID>`; Content Model Reference gives the GWA
  titles (only the GWAs that IWAs point to become nodes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graph import settings
from graph.tables import WHERE, Problem, TableBuilder, Tables, edge_columns, node_columns
from ingest.base import Context, restore_ints
from ingest.checks import ONET_SOC, Pattern, TableSpec, check_known, check_unique, where_col
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE, FileProblems, read_table

NAME = "onet"
ENV_RELEASE = "CRAFTGRAPH_ONET_RELEASE"
RELEASE_RE = re.compile(r"^db_(\d+)_(\d+)_(text|excel)$")
EXT = {"text": ".txt", "excel": ".xlsx"}
IMPORTANCE = {"Core": 1.0, "Supplemental": 0.5, "n/a": 1.0}
KIND = {"Core": "core", "Supplemental": "supplemental", "n/a": "core"}
CODE = "O*NET-SOC Code"
IN_OCCUPATION_DATA = "an occupation in Occupation Data"

OCC_COLS = [CODE, "Title", "Description"]
TASK_COLS = [CODE, "Task ID", "Task", "Task Type"]
SPECS = {
    "Occupation Data": TableSpec(tuple(OCC_COLS), {CODE: ONET_SOC}, unique=(CODE,)),
    "Task Statements": TableSpec(
        tuple(TASK_COLS), {"Task ID": Pattern(re.compile(r"^\d+$"), "a Task ID (digits)")}, unique=("Task ID",)
    ),
    "Content Model Reference": TableSpec(("Element ID", "Element Name"), unique=("Element ID",)),
    "IWA Reference": TableSpec(("Element ID", "IWA ID", "IWA Title"), unique=("IWA ID",)),
    "DWA Reference": TableSpec(("Element ID", "IWA ID", "DWA ID", "DWA Title"), unique=("DWA ID",)),
    "Tasks to DWAs": TableSpec((CODE, "Task ID", "DWA ID"), unique=("Task ID", "DWA ID")),
}
# Files that give an occupation a list of text values: (file, column, Occupation property)
LISTS = (
    ("Technology Skills", "Example", "technology_skills"),
    ("Alternate Titles", "Alternate Title", "alternate_titles"),
    ("Sample of Reported Titles", "Reported Job Title", "reported_titles"),
    ("Emerging Tasks", "Task", "emerging_tasks"),
)


@dataclass
class Core:
    """The occupations and tasks of one O*NET release: what every other source joins on."""

    version: str  # "29.1"
    form: str  # "text" or "excel"
    rel: str  # "onet/db_29_1_text"
    root: Path
    occupations: pd.DataFrame = field(repr=False)
    tasks: pd.DataFrame = field(repr=False)

    @property
    def source_id(self) -> str:
        return f"onet-{self.version}"

    @property
    def codes(self) -> set[str]:
        return set(self.occupations[CODE])

    @property
    def task_ids(self) -> set[str]:
        return set(self.tasks["Task ID"])

    def rel_of(self, table: str) -> str:
        return f"{self.rel}/{table}{EXT[self.form]}"

    def path(self, table: str) -> Path:
        return self.root / self.rel_of(table)


def core_of(ctx: Context) -> Core | None:
    """The O*NET core of this run (read once; None when there is no usable release)."""
    return ctx.cached("onet", lambda: load_core(ctx.root, ctx.problems, release=ctx.onet_release))


def find_release(root: Path, problems: list[Problem], release: str | None = None) -> tuple[str, str, str] | None:
    """(relative dir, version, form) of the O*NET release to read."""
    base = root / "onet"
    release = release or settings.current().onet_release or None
    if not base.is_dir():
        problems.append(Problem(str(base), None, "path", "O*NET directory not found (expected onet/db_<x>_<y>_text)"))
        return None
    found = []
    for d in base.iterdir():
        m = RELEASE_RE.match(d.name)
        if d.is_dir() and m:
            found.append((int(m[1]), int(m[2]), m[3], d.name))
    if release:
        hit = [f for f in found if f[3] == release]
        if not hit:
            names = ", ".join(sorted(f[3] for f in found)) or "none"
            problems.append(Problem(str(base / release), None, "path", f"O*NET release not found (present: {names})"))
            return None
        chosen = hit[0]
    else:
        if not found:
            problems.append(Problem(str(base), None, "path", "no O*NET release directory (db_<x>_<y>_text or _excel)"))
            return None
        # newest text release first (the publisher's primary form), else newest Excel release
        chosen = max(found, key=lambda f: (f[2] == "text", f[0], f[1]))
    major, minor, form, name = chosen
    return f"onet/{name}", f"{major}.{minor}", form


def load_core(root: Path, problems: list[Problem], release: str | None = None) -> Core | None:
    found = find_release(root, problems, release)
    if found is None:
        return None
    rel, version, form = found
    core = Core(
        version, form, rel, root, pd.DataFrame(columns=[*OCC_COLS, LINE]), pd.DataFrame(columns=[*TASK_COLS, LINE])
    )
    occ = SPECS["Occupation Data"].read(core.path("Occupation Data"), problems)
    if occ is not None:
        core.occupations = occ.frame
    tasks = SPECS["Task Statements"].read(core.path("Task Statements"), problems)
    if tasks is not None:
        df = tasks.frame
        # the Excel release leaves Task Type empty where the text release says n/a
        df["Task Type"] = df["Task Type"].mask(df["Task Type"] == "", "n/a")
        df = check_known(df, "Task Type", set(IMPORTANCE), tasks.fp, "Core, Supplemental or n/a")
        if occ is not None:
            df = check_known(df, CODE, core.codes, tasks.fp, IN_OCCUPATION_DATA)
        core.tasks = df
    return core


def read(ctx: Context) -> tuple[Tables, dict]:
    core = core_of(ctx)
    if core is None:
        return Tables(), new_entry("onet", "", "O*NET database (not found)")
    origin = core.source_id
    entry = new_entry(origin, core.version, f"O*NET {core.version} Database ({core.form} form)")
    entry["form"] = core.form
    entry["directory"] = core.rel
    _check_readme(core, entry)
    tb = TableBuilder()
    record_file(entry, core.root, core.rel_of("Occupation Data"), len(core.occupations))
    record_file(entry, core.root, core.rel_of("Task Statements"), len(core.tasks))
    _occupations(core, _occupation_extras(core, ctx.problems, entry), tb, ctx.problems)
    tasks, has_task = _tasks(core, _task_ratings(core, ctx.problems, entry), ctx.problems, entry)
    involves = _work_activities(core, ctx.problems, entry, tb, origin)
    t = tb.tables()
    # the frames made column by column, in the order tb would have given them (each step adds its own)
    t.nodes = _ordered(t.nodes, {"Task": tasks}, ("Occupation", "Task", "WorkActivity"))
    t.edges = _ordered(t.edges, {"HAS_TASK": has_task, "INVOLVES": involves}, ("HAS_TASK", "PART_OF", "INVOLVES"))
    restore_ints(t)
    t.notes += [f"{origin}: {n}" for n in entry["notes"]]
    entry["totals"]["occupations"] = len(core.occupations)
    entry["totals"]["tasks"] = len(core.tasks)
    return t, entry


def _occupations(core: Core, occ_props: dict[str, dict], tb: TableBuilder, problems: list[Problem]) -> None:
    fp = FileProblems(core.path("Occupation Data"), problems)
    occ = core.occupations
    for code, title, desc, where in zip(occ[CODE], occ["Title"], occ["Description"], where_col(occ, fp), strict=True):
        row = {"id": f"onet:{code}", "soc_code": code, "title": title, "description": desc or None}
        row.update(occ_props.get(code, {}))
        row["origin"] = core.source_id
        row[WHERE] = where
        tb.node("Occupation", row)


def _ordered(built: dict, frames: dict, order: tuple[str, ...]) -> dict:
    """`built` (from the TableBuilder) and `frames` (non-empty ones), keys in `order`."""
    both = {**built, **{k: v for k, v in frames.items() if v is not None and len(v)}}
    return {k: both[k] for k in order if k in both} | {k: v for k, v in both.items() if k not in order}


def _tasks(
    core: Core, ratings: dict[tuple[str, str], float], problems: list[Problem], entry: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Task nodes and HAS_TASK edges (as frames), with the importance basis in the manifest."""
    fp = FileProblems(core.path("Task Statements"), problems)
    tasks = core.tasks
    codes, tids, ttypes = tasks[CODE].tolist(), tasks["Task ID"].tolist(), tasks["Task Type"].tolist()
    wheres, n = where_col(tasks, fp), len(tasks)
    ids = [f"task:onet:{tid}" for tid in tids]
    rated = [(code, tid) in ratings for code, tid in zip(codes, tids, strict=True)]
    node = {"id": ids, "text": tasks["Task"].tolist(), "kind": [KIND[t] for t in ttypes]}
    node |= {"origin": [core.source_id] * n, WHERE: wheres}
    edge: dict[str, list] = {
        "src": [f"onet:{code}" for code in codes],
        "dst": ids,
        "src_label": ["Occupation"] * n,
        "dst_label": ["Task"] * n,
        "importance": [
            ratings[(c, t)] if r else IMPORTANCE[tt] for c, t, tt, r in zip(codes, tids, ttypes, rated, strict=True)
        ],
        "importance_basis": ["task_ratings" if r else "core_supplemental" for r in rated],
        WHERE: wheres,
    }
    basis_counts = {"task_ratings": sum(rated), "core_supplemental": n - sum(rated)}
    if basis_counts["task_ratings"] == 0:
        entry["importance"] = "core 2 : supplemental 1 (no Task Ratings in this release): core 1.0, supplemental 0.5"
    else:
        entry["importance"] = (
            f"Task Ratings IM scale (IM−1)/4 for {basis_counts['task_ratings']} tasks; "
            f"core 1.0 : supplemental 0.5 for {basis_counts['core_supplemental']} without a rating"
        )
    entry["importance_basis_counts"] = basis_counts
    entry["notes"].append(f"importance: {entry['importance']}")
    na = tasks["Task Type"] == "n/a"
    if na.any():
        entry["notes"].append(
            f"Task Type n/a for {int(na.sum())} tasks of {tasks.loc[na, CODE].nunique()} occupations "
            "(tasks not yet rated by incumbents): kind core, importance as core"
        )
    return node_columns("Task", node, n), edge_columns("HAS_TASK", edge, n)


def _check_readme(core: Core, entry: dict) -> None:
    readme = core.root / core.rel / "Read Me.txt"
    if readme.exists():
        first = readme.read_text(encoding="utf-8", errors="replace").strip().splitlines()[:2]
        entry["release_note"] = " / ".join(s.strip() for s in first)
        if first and core.version not in first[0]:
            entry["notes"].append(f"Read Me.txt says {first[0]!r}, the directory name says {core.version}")


def _task_ratings(core: Core, problems: list[Problem], entry: dict) -> dict[tuple[str, str], float]:
    path = core.path("Task Ratings")
    if not path.exists():
        entry["notes"].append("Task Ratings not present: importance from task type (core/supplemental)")
        return {}
    fp = FileProblems(path, problems)
    df = read_table(fp, [CODE, "Task ID", "Scale ID", "Data Value"])
    if df is None:
        return {}
    record_file(entry, core.root, core.rel_of("Task Ratings"), len(df))
    im = check_unique(df[df["Scale ID"] == "IM"], [CODE, "Task ID"], fp)
    out = {}
    for code, tid, val, line in zip(im[CODE], im["Task ID"], im["Data Value"], im[LINE], strict=True):
        try:
            v = float(val)
        except ValueError:
            fp.add(int(line), "Data Value", f"expected a number, got {val!r}")
            continue
        if not 1.0 <= v <= 5.0:
            fp.add(int(line), "Data Value", f"importance {v} is outside the IM scale 1–5")
            continue
        out[(code, tid)] = round((v - 1.0) / 4.0, 6)
    return out


def _occupation_extras(core: Core, problems: list[Problem], entry: dict) -> dict[str, dict]:
    """Job zone, technology skills, alternate and reported titles, emerging tasks by O*NET-SOC code."""
    props: dict[str, dict] = {c: {} for c in core.codes}
    _job_zones(core, problems, entry, props)
    for table, col, prop in LISTS:
        fp = FileProblems(core.path(table), problems)
        df = read_table(fp, [CODE, col])
        if df is None:
            continue
        record_file(entry, core.root, core.rel_of(table), len(df))
        df = check_known(df, CODE, core.codes, fp, IN_OCCUPATION_DATA)
        acc: dict[str, dict[str, None]] = {}
        for code, val in zip(df[CODE].tolist(), df[col].tolist(), strict=True):
            if val:
                acc.setdefault(code, {})[val] = None  # file order, de-duplicated
        for code, vals in acc.items():
            props[code][prop] = list(vals)
    n_emerging = sum(len(p.get("emerging_tasks", ())) for p in props.values())
    entry["notes"].append(
        f"emerging tasks: {n_emerging} statements kept as Occupation.emerging_tasks "
        "(not Task nodes: no Task ID, no ratings)"
    )
    return props


def _job_zones(core: Core, problems: list[Problem], entry: dict, props: dict[str, dict]) -> None:
    """One job zone per occupation, 1–5."""
    fp = FileProblems(core.path("Job Zones"), problems)
    jz = read_table(fp, [CODE, "Job Zone"])
    if jz is None:
        return
    record_file(entry, core.root, core.rel_of("Job Zones"), len(jz))
    jz = check_unique(check_known(jz, CODE, core.codes, fp, IN_OCCUPATION_DATA), [CODE], fp)
    for code, z, line in zip(jz[CODE], jz["Job Zone"], jz[LINE], strict=True):
        if z not in ("1", "2", "3", "4", "5"):
            fp.add(int(line), "Job Zone", f"expected 1 to 5, got {z!r}")
            continue
        props[code]["job_zone"] = int(z)
    entry["totals"]["job_zones"] = len(jz)


def _read(core: Core, table: str, problems: list[Problem], entry: dict) -> pd.DataFrame | None:
    """One of the SPECS files of the release, checked, with its manifest record."""
    got = SPECS[table].read(core.path(table), problems)
    if got is None:
        return None
    record_file(entry, core.root, core.rel_of(table), got.rows)
    return got.frame


def _work_activities(
    core: Core, problems: list[Problem], entry: dict, tb: TableBuilder, origin: str
) -> pd.DataFrame | None:
    """GWA → IWA → DWA nodes with PART_OF; Task-INVOLVES->DWA returned as a frame."""
    cm = _read(core, "Content Model Reference", problems, entry)
    gwa_title: dict[str, tuple[str, str]] = {}
    if cm is not None:
        fp = FileProblems(core.path("Content Model Reference"), problems)
        gwa_title = {e: (n, w) for e, n, w in zip(cm["Element ID"], cm["Element Name"], where_col(cm, fp), strict=True)}
    iwa_ids, gwas_used = _iwas(core, problems, entry, tb, origin, gwa_title)
    for eid in sorted(gwas_used):
        name, where = gwa_title[eid]
        tb.node("WorkActivity", {"id": f"gwa:{eid}", "level": "gwa", "title": name, "origin": origin, WHERE: where})
    dwa_ids = _dwas(core, problems, entry, tb, origin, iwa_ids)
    involves = _task_dwas(core, problems, entry, dwa_ids)
    entry["totals"]["dwas"] = len(dwa_ids or ())
    entry["totals"]["iwas"] = len(iwa_ids or ())
    entry["totals"]["gwas"] = len(gwas_used)
    return involves


def _iwas(
    core: Core, problems: list[Problem], entry: dict, tb: TableBuilder, origin: str, gwa_title: dict
) -> tuple[set[str] | None, dict[str, str]]:
    """IWA nodes PART_OF their GWA; (IWA ids, or None without the file; {GWA id: first where})."""
    iwa = _read(core, "IWA Reference", problems, entry)
    gwas_used: dict[str, str] = {}
    if iwa is None:
        return None, gwas_used
    fp = FileProblems(core.path("IWA Reference"), problems)
    ids: set[str] = set()
    for eid, iid, title, line in zip(iwa["Element ID"], iwa["IWA ID"], iwa["IWA Title"], iwa[LINE], strict=True):
        if eid not in gwa_title:
            fp.add(int(line), "Element ID", f"{eid!r} is not in Content Model Reference")
            continue
        where = fp.where(int(line))
        ids.add(iid)
        gwas_used.setdefault(eid, where)
        tb.node("WorkActivity", {"id": f"iwa:{iid}", "level": "iwa", "title": title, "origin": origin, WHERE: where})
        tb.edge("PART_OF", f"iwa:{iid}", "WorkActivity", f"gwa:{eid}", "WorkActivity", **{WHERE: where})
    return ids, gwas_used


def _dwas(
    core: Core, problems: list[Problem], entry: dict, tb: TableBuilder, origin: str, iwa_ids: set[str] | None
) -> set[str] | None:
    """DWA nodes PART_OF their IWA; the DWA ids, or None without the file."""
    dwa = _read(core, "DWA Reference", problems, entry)
    if dwa is None:
        return None
    fp = FileProblems(core.path("DWA Reference"), problems)
    ids: set[str] = set()
    for iid, did, title, line in zip(dwa["IWA ID"], dwa["DWA ID"], dwa["DWA Title"], dwa[LINE], strict=True):
        if iwa_ids is not None and iid not in iwa_ids:
            fp.add(int(line), "IWA ID", f"{iid!r} is not in IWA Reference")
            continue
        where = fp.where(int(line))
        ids.add(did)
        tb.node("WorkActivity", {"id": f"dwa:{did}", "level": "dwa", "title": title, "origin": origin, WHERE: where})
        tb.edge("PART_OF", f"dwa:{did}", "WorkActivity", f"iwa:{iid}", "WorkActivity", **{WHERE: where})
    return ids


def _task_dwas(core: Core, problems: list[Problem], entry: dict, dwa_ids: set[str] | None) -> pd.DataFrame | None:
    """Task-INVOLVES->DWA, for tasks of the same occupation in Task Statements: as a frame when every row
    is right (checked column by column), else row by row, each problem reported."""
    t2d = _read(core, "Tasks to DWAs", problems, entry)
    if t2d is None:
        return None
    fp = FileProblems(core.path("Tasks to DWAs"), problems)
    task_occ = dict(zip(core.tasks["Task ID"], core.tasks[CODE], strict=True))
    entry["totals"]["task_dwa_links"] = len(t2d)
    codes, tids, dids = t2d[CODE].tolist(), t2d["Task ID"].tolist(), t2d["DWA ID"].tolist()
    good = all(task_occ.get(t) == c for t, c in zip(tids, codes, strict=True))
    if good and (dwa_ids is None or dwa_ids.issuperset(dids)):
        n = len(t2d)
        cols = {"src": [f"task:onet:{t}" for t in tids], "dst": [f"dwa:{d}" for d in dids]}
        cols |= {"src_label": ["Task"] * n, "dst_label": ["WorkActivity"] * n, WHERE: where_col(t2d, fp)}
        return edge_columns("INVOLVES", cols, n)
    tb = TableBuilder()
    for code, tid, did, line in zip(codes, tids, dids, t2d[LINE], strict=True):
        line = int(line)
        if tid not in task_occ:
            fp.add(line, "Task ID", f"{tid!r} is not in Task Statements")
        elif task_occ[tid] != code:
            fp.add(line, CODE, f"task {tid} belongs to {task_occ[tid]} in Task Statements, not {code!r}")
        elif dwa_ids is not None and did not in dwa_ids:
            fp.add(line, "DWA ID", f"{did!r} is not in DWA Reference")
        else:
            tb.edge("INVOLVES", f"task:onet:{tid}", "Task", f"dwa:{did}", "WorkActivity", **{WHERE: fp.where(line)})
    return tb.tables().edges.get("INVOLVES")
