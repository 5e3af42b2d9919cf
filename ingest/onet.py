"""O*NET database → Occupation, Task and WorkActivity nodes; HAS_TASK, INVOLVES, PART_OF.

Layout: `<root>/onet/db_<major>_<minor>_text/*.txt` (the publisher's tab-delimited text release,
UTF-8, CRLF) or `<root>/onet/db_<major>_<minor>_excel/*.xlsx` (the Excel release: the same tables,
plus title columns). The newest text release is read unless another is chosen
(`release="db_30_1_excel"`, or the environment variable CRAFTGRAPH_ONET_RELEASE); the form is
detected from the directory's files.

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
from graph.tables import WHERE, Problem, TableBuilder, Tables
from ingest.public import (
    LINE,
    ONET_SOC_RE,
    Context,
    FileProblems,
    check_pattern,
    check_unique,
    finish,
    new_entry,
    read_table,
    record_file,
    where_col,
)

NAME = "onet"
ENV_RELEASE = "CRAFTGRAPH_ONET_RELEASE"
RELEASE_RE = re.compile(r"^db_(\d+)_(\d+)_(text|excel)$")
EXT = {"text": ".txt", "excel": ".xlsx"}
IMPORTANCE = {"Core": 1.0, "Supplemental": 0.5, "n/a": 1.0}
KIND = {"Core": "core", "Supplemental": "supplemental", "n/a": "core"}

OCC_COLS = ["O*NET-SOC Code", "Title", "Description"]
TASK_COLS = ["O*NET-SOC Code", "Task ID", "Task", "Task Type"]


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
        return set(self.occupations["O*NET-SOC Code"])

    @property
    def task_ids(self) -> set[str]:
        return set(self.tasks["Task ID"])

    def rel_of(self, table: str) -> str:
        return f"{self.rel}/{table}{EXT[self.form]}"

    def path(self, table: str) -> Path:
        return self.root / self.rel_of(table)


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

    fp = FileProblems(core.path("Occupation Data"), problems)
    occ = read_table(fp.path, OCC_COLS, problems)
    if occ is not None:
        occ = check_pattern(occ, "O*NET-SOC Code", ONET_SOC_RE, fp, "an O*NET-SOC code (NN-NNNN.NN)")
        core.occupations = check_unique(occ, ["O*NET-SOC Code"], fp)

    fp = FileProblems(core.path("Task Statements"), problems)
    tasks = read_table(fp.path, TASK_COLS, problems)
    if tasks is not None:
        tasks = check_pattern(tasks, "Task ID", re.compile(r"^\d+$"), fp, "a Task ID (digits)")
        tasks = check_unique(tasks, ["Task ID"], fp)
        # the Excel release leaves Task Type empty where the text release says n/a
        tasks["Task Type"] = tasks["Task Type"].mask(tasks["Task Type"] == "", "n/a")
        bad_type = ~tasks["Task Type"].isin(list(IMPORTANCE))
        for _, r in tasks[bad_type].iterrows():
            fp.add(int(r[LINE]), "Task Type", f"{r['Task Type']!r} is not Core, Supplemental or n/a")
        tasks = tasks[~bad_type]
        if occ is not None:
            tasks = _known_codes(tasks, core.codes, fp)
        core.tasks = tasks
    return core


def _known_codes(df: pd.DataFrame, codes: set[str], fp: FileProblems, col: str = "O*NET-SOC Code") -> pd.DataFrame:
    ok = df[col].isin(codes)
    for _, r in df[~ok].iterrows():
        fp.add(int(r[LINE]), col, f"{r[col]!r} is not an occupation in Occupation Data")
    return df[ok]


def read(root: Path, problems: list[Problem]) -> Tables:
    return read_with_info(root, problems)[0]


def read_with_info(root: Path, problems: list[Problem], ctx: Context | None = None) -> tuple[Tables, dict]:
    ctx = ctx or Context(root, problems)
    core: Core | None = ctx.onet
    if core is None:
        return Tables(), new_entry("onet", "", "O*NET database (not found)")
    origin = core.source_id
    entry = new_entry(origin, core.version, f"O*NET {core.version} Database ({core.form} form)")
    entry["form"] = core.form
    entry["directory"] = core.rel
    _check_readme(core, entry)
    tb = TableBuilder()
    record_file(entry, root, core.rel_of("Occupation Data"), len(core.occupations))
    record_file(entry, root, core.rel_of("Task Statements"), len(core.tasks))

    occ_props = _occupation_extras(core, problems, entry)

    # Occupations
    fp = FileProblems(core.path("Occupation Data"), problems)
    for code, title, desc, where in zip(
        core.occupations["O*NET-SOC Code"],
        core.occupations["Title"],
        core.occupations["Description"],
        where_col(core.occupations, fp),
        strict=True,
    ):
        row = {"id": f"onet:{code}", "soc_code": code, "title": title, "description": desc or None}
        row.update(occ_props.get(code, {}))
        row["origin"] = origin
        row[WHERE] = where
        tb.node("Occupation", row)

    # Tasks and HAS_TASK
    ratings = _task_ratings(core, problems, entry)
    fp = FileProblems(core.path("Task Statements"), problems)
    basis_counts = {"task_ratings": 0, "core_supplemental": 0}
    na_tasks = 0
    for code, tid, text, ttype, where in zip(
        core.tasks["O*NET-SOC Code"],
        core.tasks["Task ID"],
        core.tasks["Task"],
        core.tasks["Task Type"],
        where_col(core.tasks, fp),
        strict=True,
    ):
        task_id = f"task:onet:{tid}"
        tb.node("Task", {"id": task_id, "text": text, "kind": KIND[ttype], "origin": origin, WHERE: where})
        if (code, tid) in ratings:
            imp, basis = ratings[(code, tid)], "task_ratings"
        else:
            imp, basis = IMPORTANCE[ttype], "core_supplemental"
        basis_counts[basis] += 1
        na_tasks += ttype == "n/a"
        tb.edge(
            "HAS_TASK",
            f"onet:{code}",
            "Occupation",
            task_id,
            "Task",
            importance=imp,
            importance_basis=basis,
            **{WHERE: where},
        )
    if basis_counts["task_ratings"] == 0:
        entry["importance"] = "core 2 : supplemental 1 (no Task Ratings in this release): core 1.0, supplemental 0.5"
    else:
        entry["importance"] = (
            f"Task Ratings IM scale (IM−1)/4 for {basis_counts['task_ratings']} tasks; "
            f"core 1.0 : supplemental 0.5 for {basis_counts['core_supplemental']} without a rating"
        )
    entry["importance_basis_counts"] = basis_counts
    entry["notes"].append(f"importance: {entry['importance']}")
    if na_tasks:
        n_occ = core.tasks.loc[core.tasks["Task Type"] == "n/a", "O*NET-SOC Code"].nunique()
        entry["notes"].append(
            f"Task Type n/a for {na_tasks} tasks of {n_occ} occupations (tasks not yet rated by incumbents): "
            "kind core, importance as core"
        )

    _work_activities(core, problems, entry, tb, origin)
    t = finish(tb)
    t.notes += [f"{origin}: {n}" for n in entry["notes"]]
    entry["totals"]["occupations"] = len(core.occupations)
    entry["totals"]["tasks"] = len(core.tasks)
    return t, entry


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
    df = read_table(path, ["O*NET-SOC Code", "Task ID", "Scale ID", "Data Value"], problems)
    if df is None:
        return {}
    record_file(entry, core.root, core.rel_of("Task Ratings"), len(df))
    im = df[df["Scale ID"] == "IM"]
    im = check_unique(im, ["O*NET-SOC Code", "Task ID"], fp)
    out = {}
    for code, tid, val, line in zip(im["O*NET-SOC Code"], im["Task ID"], im["Data Value"], im[LINE], strict=True):
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
    codes = core.codes

    def lists(table: str, col: str, prop: str) -> None:
        path = core.path(table)
        fp = FileProblems(path, problems)
        df = read_table(path, ["O*NET-SOC Code", col], problems)
        if df is None:
            return
        record_file(entry, core.root, core.rel_of(table), len(df))
        df = _known_codes(df, codes, fp)
        acc: dict[str, dict[str, None]] = {}
        for code, val in zip(df["O*NET-SOC Code"].tolist(), df[col].tolist(), strict=True):
            if val:
                acc.setdefault(code, {})[val] = None  # file order, de-duplicated
        for code, vals in acc.items():
            props[code][prop] = list(vals)

    # Job zones: one per occupation, 1–5
    path = core.path("Job Zones")
    fp = FileProblems(path, problems)
    jz = read_table(path, ["O*NET-SOC Code", "Job Zone"], problems)
    if jz is not None:
        record_file(entry, core.root, core.rel_of("Job Zones"), len(jz))
        jz = check_unique(_known_codes(jz, codes, fp), ["O*NET-SOC Code"], fp)
        for code, z, line in zip(jz["O*NET-SOC Code"], jz["Job Zone"], jz[LINE], strict=True):
            if z not in ("1", "2", "3", "4", "5"):
                fp.add(int(line), "Job Zone", f"expected 1 to 5, got {z!r}")
                continue
            props[code]["job_zone"] = int(z)
        entry["totals"]["job_zones"] = len(jz)

    lists("Technology Skills", "Example", "technology_skills")
    lists("Alternate Titles", "Alternate Title", "alternate_titles")
    lists("Sample of Reported Titles", "Reported Job Title", "reported_titles")
    lists("Emerging Tasks", "Task", "emerging_tasks")
    n_emerging = sum(len(p.get("emerging_tasks", ())) for p in props.values())
    entry["notes"].append(
        f"emerging tasks: {n_emerging} statements kept as Occupation.emerging_tasks "
        "(not Task nodes: no Task ID, no ratings)"
    )
    return props


def _work_activities(core: Core, problems: list[Problem], entry: dict, tb: TableBuilder, origin: str) -> None:
    # Content Model Reference: titles of the GWAs
    path = core.path("Content Model Reference")
    cm = read_table(path, ["Element ID", "Element Name"], problems)
    gwa_title: dict[str, tuple[str, str]] = {}
    if cm is not None:
        record_file(entry, core.root, core.rel_of("Content Model Reference"), len(cm))
        fp = FileProblems(path, problems)
        cm = check_unique(cm, ["Element ID"], fp)
        gwa_title = {e: (n, w) for e, n, w in zip(cm["Element ID"], cm["Element Name"], where_col(cm, fp), strict=True)}

    # IWA Reference
    path = core.path("IWA Reference")
    fp = FileProblems(path, problems)
    iwa = read_table(path, ["Element ID", "IWA ID", "IWA Title"], problems)
    iwa_ids: set[str] = set()
    gwas_used: dict[str, str] = {}
    if iwa is not None:
        record_file(entry, core.root, core.rel_of("IWA Reference"), len(iwa))
        iwa = check_unique(iwa, ["IWA ID"], fp)
        for eid, iid, title, where in zip(
            iwa["Element ID"], iwa["IWA ID"], iwa["IWA Title"], where_col(iwa, fp), strict=True
        ):
            if eid not in gwa_title:
                fp.add(int(where.rpartition(":")[2]), "Element ID", f"{eid!r} is not in Content Model Reference")
                continue
            iwa_ids.add(iid)
            gwas_used.setdefault(eid, where)
            tb.node(
                "WorkActivity", {"id": f"iwa:{iid}", "level": "iwa", "title": title, "origin": origin, WHERE: where}
            )
            tb.edge("PART_OF", f"iwa:{iid}", "WorkActivity", f"gwa:{eid}", "WorkActivity", **{WHERE: where})
    for eid in sorted(gwas_used):
        name, where = gwa_title[eid]
        tb.node("WorkActivity", {"id": f"gwa:{eid}", "level": "gwa", "title": name, "origin": origin, WHERE: where})

    # DWA Reference
    path = core.path("DWA Reference")
    fp = FileProblems(path, problems)
    dwa = read_table(path, ["Element ID", "IWA ID", "DWA ID", "DWA Title"], problems)
    dwa_ids: set[str] = set()
    if dwa is not None:
        record_file(entry, core.root, core.rel_of("DWA Reference"), len(dwa))
        dwa = check_unique(dwa, ["DWA ID"], fp)
        for iid, did, title, where in zip(
            dwa["IWA ID"], dwa["DWA ID"], dwa["DWA Title"], where_col(dwa, fp), strict=True
        ):
            if iwa is not None and iid not in iwa_ids:
                fp.add(int(where.rpartition(":")[2]), "IWA ID", f"{iid!r} is not in IWA Reference")
                continue
            dwa_ids.add(did)
            tb.node(
                "WorkActivity", {"id": f"dwa:{did}", "level": "dwa", "title": title, "origin": origin, WHERE: where}
            )
            tb.edge("PART_OF", f"dwa:{did}", "WorkActivity", f"iwa:{iid}", "WorkActivity", **{WHERE: where})

    # Tasks to DWAs
    path = core.path("Tasks to DWAs")
    fp = FileProblems(path, problems)
    t2d = read_table(path, ["O*NET-SOC Code", "Task ID", "DWA ID"], problems)
    if t2d is not None:
        record_file(entry, core.root, core.rel_of("Tasks to DWAs"), len(t2d))
        t2d = check_unique(t2d, ["Task ID", "DWA ID"], fp)
        task_occ = dict(zip(core.tasks["Task ID"], core.tasks["O*NET-SOC Code"], strict=True))
        for code, tid, did, where in zip(
            t2d["O*NET-SOC Code"], t2d["Task ID"], t2d["DWA ID"], where_col(t2d, fp), strict=True
        ):
            line = int(where.rpartition(":")[2])
            if tid not in task_occ:
                fp.add(line, "Task ID", f"{tid!r} is not in Task Statements")
                continue
            if task_occ[tid] != code:
                fp.add(
                    line, "O*NET-SOC Code", f"task {tid} belongs to {task_occ[tid]} in Task Statements, not {code!r}"
                )
                continue
            if dwa is not None and did not in dwa_ids:
                fp.add(line, "DWA ID", f"{did!r} is not in DWA Reference")
                continue
            tb.edge("INVOLVES", f"task:onet:{tid}", "Task", f"dwa:{did}", "WorkActivity", **{WHERE: where})
        entry["totals"]["task_dwa_links"] = len(t2d)
    entry["totals"]["dwas"] = len(dwa_ids)
    entry["totals"]["iwas"] = len(iwa_ids)
    entry["totals"]["gwas"] = len(gwas_used)
