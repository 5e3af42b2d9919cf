"""The curated catalog in data/catalog/: one CSV file per kind, read into node and edge tables.

A kind may be split across several files: `tools.csv` plus `tools.<part>.csv` (e.g. `tools.video.csv`).
Cells: text as is; booleans `true`/`false`; lists separated by `;`; empty means unknown. The column
layout of every file is CATALOG_FILES below; docs/catalog.md describes it for curators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import cast

from graph.memory import gc_paused
from graph.schema import CLAIM_DATE_PROPS, NODE_BY_NAME, REL_BY_NAME, Prop, check_value, label_of_id
from graph.tables import WHERE, Problem, TableBuilder, Tables
from ingest.reader import FileProblems, read_records

ORIGIN = "catalog"
_label = cache(label_of_id)  # pure, and asked again for every id a row names


@dataclass(frozen=True)
class Link:
    """A column whose value(s) are ids the row points to, making relationships."""

    rel: str
    target: str | tuple[str, ...]  # allowed target label(s)
    many: bool = False
    required: bool = False
    reverse: bool = False  # the relationship points from the target to this row's node


@dataclass(frozen=True)
class NodeFile:
    kind: str
    label: str
    links: dict[str, Link] = field(default_factory=dict)
    only: tuple[str, ...] | None = None  # the node properties this file may set (None: all)
    fixed: dict[str, object] = field(default_factory=dict)  # properties set for every row


@dataclass(frozen=True)
class EdgeFile:
    """A file of relationships: src column, dst column, relationship type chosen by target label."""

    kind: str
    src: tuple[str, str]  # column, label
    dst: tuple[str, dict[str, str]]  # column, {target label: relationship type}


CATALOG_FILES: tuple[NodeFile | EdgeFile, ...] = (
    NodeFile(
        "sources", "Source", only=("url", "title", "publisher", "date", "accessed", "kind", "vendor_claim", "grade")
    ),
    NodeFile("ai_types", "AIType", {"parent_id": Link("SUBTYPE_OF", "AIType")}),
    NodeFile("vendors", "Vendor"),
    NodeFile(
        "tools",
        "Tool",
        {
            "vendor_id": Link("MADE_BY", "Vendor", required=True),
            "ai_type_ids": Link("IS_A", "AIType", many=True, required=True),
        },
    ),
    NodeFile("capabilities", "Capability"),
    EdgeFile("tool_capabilities", ("tool_id", "Tool"), ("capability_id", {"Capability": "PROVIDES"})),
    NodeFile("limitations", "Limitation"),
    EdgeFile(
        "limitation_links",
        ("target_id", "*"),
        ("limitation_id", {"Limitation": "*"}),
    ),
    NodeFile(
        "milestones",
        "Milestone",
        {
            "capability_id": Link("MARKS", "Capability", required=True),
            "tool_id": Link("ACHIEVED_WITH", "Tool"),
        },
    ),
    NodeFile("departments", "Department"),
    NodeFile("union_locals", "UnionLocal"),
    NodeFile(
        "crafts",
        "Craft",
        {
            "department_id": Link("IN_DEPARTMENT", "Department", required=True),
            "local_ids": Link("REPRESENTED_BY", "UnionLocal", many=True),
        },
    ),
    NodeFile("occupations", "Occupation", only=("soc_code", "title", "source_ids")),
    EdgeFile("craft_occupations", ("craft_id", "Craft"), ("occupation_id", {"Occupation": "CLASSIFIED_AS"})),
    NodeFile(
        "craft_tasks",
        "Task",
        {
            "craft_id": Link("HAS_TASK", "Craft", required=True, reverse=True),
            "onet_task_ids": Link("SAME_AS", "Task", many=True),
            "dwa_ids": Link("INVOLVES", "WorkActivity", many=True),
        },
        only=("text", "source_ids"),
        fixed={"kind": "craft"},
    ),
    EdgeFile(
        "capability_tasks",
        ("capability_id", "Capability"),
        ("task_id", {"Task": "PERFORMS", "WorkActivity": "PERFORMS"}),
    ),
    EdgeFile("path_exclusions", ("capability_id", "Capability"), ("task_id", {"Task": "NOT_VIA_ACTIVITY"})),
    NodeFile(
        "job_roles",
        "JobRole",
        {
            "craft_ids": Link("GROWS_FROM", "Craft", many=True, required=True),
            "tool_ids": Link("WORKS_WITH", "Tool", many=True),
            "local_ids": Link("REPRESENTABLE_BY", "UnionLocal", many=True),
        },
    ),
    NodeFile(
        "instruments",
        "Instrument",
        {
            "supersedes_id": Link("SUPERSEDES", "Instrument"),
            "limitation_ids": Link("GROUNDS", "Limitation", many=True),
        },
    ),
    NodeFile(
        "clauses",
        "Clause",
        {
            "instrument_id": Link("IN_INSTRUMENT", "Instrument", required=True),
            "craft_ids": Link("COVERS", "Craft", many=True),
            "task_ids": Link("COVERS", "Task", many=True),
            "capability_ids": Link("COVERS", "Capability", many=True),
            "ai_type_ids": Link("COVERS", "AIType", many=True),
            "limitation_ids": Link("GROUNDS", "Limitation", many=True),
        },
    ),
    EdgeFile("clause_terms", ("clause_id", "Clause"), ("ai_type_id", {"AIType": "DEFINES"})),
    EdgeFile("craft_industries", ("craft_id", "Craft"), ("industry_id", {"Industry": "WORKS_IN"})),
    EdgeFile("local_areas", ("local_id", "UnionLocal"), ("area_id", {"Area": "COVERS_AREA"})),
    EdgeFile("model_capabilities", ("model_id", "AIModel"), ("capability_id", {"Capability": "DEMONSTRATES"})),
    EdgeFile("incident_limitations", ("incident_id", "Incident"), ("limitation_id", {"Limitation": "ILLUSTRATES"})),
)
# limitation_links: the relationship depends on the target: a Tool has the limitation, a Capability
# is constrained by it. Both point from the target to the limitation.
LIMITATION_RELS = {"Tool": "HAS_LIMITATION", "Capability": "CONSTRAINED_BY"}

# Node-file columns that are relationship properties of the row's link rather than node properties.
LINK_PROPS = {"craft_tasks": {"importance": ("HAS_TASK", "importance")}}

SPEC_BY_KIND = {f.kind: f for f in CATALOG_FILES}

# Properties a file may carry as a column but need not (an absent column reads as empty): per-row
# overrides of the claim dates the build derives, and the basis of a link's severity or weight
# (empty: judgement). See docs/decisions/claim-dates.md.
OPTIONAL_COLUMNS = ("known_on", "checked_on", "severity_basis", "weight_basis")
# properties the build fills and no catalog file carries (graph/provenance.py)
DERIVED_COLUMNS = ("known_on_basis",)


def columns_of(spec: NodeFile | EdgeFile) -> list[str]:
    """The columns a catalog file must have, in order."""
    if isinstance(spec, NodeFile):
        skip = ("id", "source_ids", *OPTIONAL_COLUMNS, *DERIVED_COLUMNS)
        props = [p.name for p in _file_props(spec) if p.name not in skip]
        extra = list(LINK_PROPS.get(spec.kind, {}))
        sources = ["source_ids"] if any(p.name == "source_ids" for p in _file_props(spec)) else []
        return ["id", *props, *extra, *spec.links, *sources]
    rel = _edge_rel_for_doc(spec)
    props = [p.name for p in rel.all_props if p.name not in ("source_ids", *OPTIONAL_COLUMNS, *DERIVED_COLUMNS)]
    return [spec.src[0], spec.dst[0], *props, "source_ids"]


def optional_columns_of(spec: NodeFile | EdgeFile) -> list[str]:
    """The OPTIONAL_COLUMNS a catalog file may have."""
    props = _file_props(spec) if isinstance(spec, NodeFile) else _edge_rel_for_doc(spec).all_props
    names = {p.name for p in props}
    return [c for c in OPTIONAL_COLUMNS if c in names]


def _file_props(spec: NodeFile) -> list[Prop]:
    props = NODE_BY_NAME[spec.label].all_props
    return [
        p
        for p in props
        if p.name == "id"
        or (
            p.name not in spec.fixed
            and p.name != "origin"
            and (spec.only is None or p.name in spec.only or p.name in OPTIONAL_COLUMNS)
        )
    ]


def _edge_rel_for_doc(spec: EdgeFile):
    rels = set(spec.dst[1].values())
    name = "HAS_LIMITATION" if rels == {"*"} else rels.pop()
    return REL_BY_NAME[name]


def files_for(root: Path, kind: str) -> list[Path]:
    main = root / f"{kind}.csv"
    parts = sorted(root.glob(f"{kind}.*.csv"))
    return ([main] if main.exists() else []) + parts


def read_catalog(root: Path, problems: list[Problem], lenient: bool = False) -> Tables:
    """Read every catalog file under `root`; append every problem found to `problems`. `lenient` reads an
    older catalog whose files lack columns added since (as empty) or have columns dropped since (ignored),
    for comparisons (`craftgraph changes`); a build never reads leniently."""
    with gc_paused():
        return _read_catalog(root, problems, lenient)


def _read_catalog(root: Path, problems: list[Problem], lenient: bool) -> Tables:
    _verdicts.clear()
    known = {p.name for spec in CATALOG_FILES for p in files_for(root, spec.kind)}
    for path in sorted(root.glob("*.csv")):
        if path.name not in known:
            problems.append(Problem(_rel(path), None, "file", "unknown catalog file (see docs/catalog.md)"))
    tb = TableBuilder()
    for spec in CATALOG_FILES:
        for path in files_for(root, spec.kind):
            rows = _read_rows(path, columns_of(spec), optional_columns_of(spec), problems, lenient)
            name = _rel(path)
            for lineno, row in rows:
                where = f"{name}:{lineno}"
                if isinstance(spec, NodeFile):
                    _node_row(spec, row, where, tb, problems)
                else:
                    _edge_row(spec, row, where, tb, problems)
    return tb.tables()


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_rows(
    path: Path, columns: list[str], optional: list[str], problems: list[Problem], lenient: bool = False
) -> list[tuple[int, dict]]:
    """(line, {column: cell}) of every row; the file must have exactly `columns`, and may have `optional`
    (the shared reader reports encoding, header and row-width problems). `lenient`: only the first column
    is required, other columns are read when present."""
    fp = FileProblems(path, problems, name=_rel(path))
    if lenient:
        got = read_records(fp, columns[:1], optional=[*columns[1:], *optional])
    else:
        got = read_records(fp, columns, exact=True, optional=optional)
    return got or []


def parse_cell(prop: Prop, cell: str) -> tuple[object, str | None]:
    """Turn a CSV cell into a typed value; returns (value, error)."""
    if cell == "":
        return None, None
    t = prop.type
    try:
        if t == "float":
            return float(cell), None
        if t == "int":
            return int(cell), None
    except ValueError:
        return None, f"expected a {'number' if t == 'float' else 'whole number'}, got {cell!r}"
    if t == "bool":
        low = cell.lower()
        if low in ("true", "false"):
            return low == "true", None
        return None, f"expected true or false, got {cell!r}"
    if t == "list":
        return split_list(cell), None
    return cell, None


def split_list(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(";") if v.strip()]


# (id of a schema Prop, cell) → (value, error) during one read_catalog: a catalog repeats cells (sources,
# dates, kinds) many times. Emptied at the start of each read, while the Props it names are all alive.
_verdicts: dict[tuple[int, str], tuple[object, str | None]] = {}


def _typed(prop: Prop, cell: str, where: str, problems: list[Problem]) -> object:
    try:
        value, err = _verdicts[(id(prop), cell)]
    except KeyError:
        value, err = parse_cell(prop, cell)
        err = err or check_value(prop, value)
        _verdicts[(id(prop), cell)] = value, err
    if isinstance(value, list):
        value = list(value)  # each row its own list, as parse_cell makes
    if err:
        file, _, line = where.rpartition(":")
        problems.append(Problem(file, int(line), prop.name, err))
    return value


def _problem(where: str, fld: str, msg: str) -> Problem:
    file, _, line = where.rpartition(":")
    return Problem(file, int(line), fld, msg)


def _node_row(spec: NodeFile, row: dict, where: str, tb: TableBuilder, problems: list[Problem]) -> None:
    label = NODE_BY_NAME[spec.label]
    values: dict[str, object] = {"origin": ORIGIN, **spec.fixed, WHERE: where}
    for p in _file_props(spec):
        values[p.name] = _typed(p, row.get(p.name, ""), where, problems)
    node_id = cast(str, values["id"])  # the id cell: text, or None when empty (a problem already)
    if node_id and _label(node_id) != spec.label:
        problems.append(_problem(where, "id", f"{node_id!r} is not a {spec.label} id ({label.id_pattern})"))
    tb.node(spec.label, values)
    for col, link in spec.links.items():
        _link_row(spec, col, link, row, node_id, values, where, tb, problems)


def _link_row(
    spec: NodeFile,
    col: str,
    link: Link,
    row: dict,
    node_id: str,
    values: dict,
    where: str,
    tb: TableBuilder,
    problems: list[Problem],
) -> None:
    """The relationships one link column of a node row makes (to each id in the cell); a claim takes the
    row's sources and claim-date overrides."""
    sources = cast(list, values.get("source_ids") or [])
    targets = split_list(row[col]) if link.many else ([row[col]] if row[col] else [])
    if link.required and not targets:
        problems.append(_problem(where, col, "required value is missing"))
    props: dict[str, object] = {WHERE: where}
    if REL_BY_NAME[link.rel].claim:
        props["source_ids"] = sources
        props.update({p.name: values.get(p.name) for p in CLAIM_DATE_PROPS})
        if not sources:
            problems.append(_problem(where, "source_ids", f"{link.rel} is a claim and needs a source"))
    for col2, (rname, pname) in LINK_PROPS.get(spec.kind, {}).items():
        if rname == link.rel:
            prop = REL_BY_NAME[rname].prop(pname)
            assert prop is not None, (rname, pname)  # LINK_PROPS names schema properties
            props[pname] = _typed(prop, row[col2], where, problems)
    allowed = (link.target,) if isinstance(link.target, str) else link.target
    for target in targets:
        tlabel = _label(target)
        if tlabel is None or tlabel not in allowed:
            problems.append(_problem(where, col, f"{target!r} is not a {' or '.join(allowed)} id"))
        elif link.reverse:
            tb.edge(link.rel, target, tlabel, node_id, spec.label, **props)
        else:
            tb.edge(link.rel, node_id, spec.label, target, tlabel, **props)


def _edge_row(spec: EdgeFile, row: dict, where: str, tb: TableBuilder, problems: list[Problem]) -> None:
    src_col, src_label = spec.src
    dst_col, dst_rels = spec.dst
    src, dst = row[src_col], row[dst_col]
    ok = True
    for col, value in ((src_col, src), (dst_col, dst)):
        if not value:
            problems.append(_problem(where, col, "required value is missing"))
            ok = False
    if not ok:
        return
    s_label, d_label = _label(src), _label(dst)
    if spec.kind == "limitation_links":
        rel_name = LIMITATION_RELS.get(s_label or "")
        if d_label != "Limitation":
            problems.append(_problem(where, dst_col, f"{dst!r} is not a Limitation id"))
            return
        if rel_name is None:
            problems.append(_problem(where, src_col, f"{src!r} is not a Tool or Capability id"))
            return
    else:
        if s_label != src_label:
            problems.append(_problem(where, src_col, f"{src!r} is not a {src_label} id"))
            return
        rel_name = dst_rels.get(d_label or "")
        if rel_name is None:
            problems.append(_problem(where, dst_col, f"{dst!r} is not a {' or '.join(dst_rels)} id"))
            return
    assert s_label is not None and d_label is not None  # a relationship type was found for both labels
    rel = REL_BY_NAME[rel_name]
    props: dict[str, object] = {WHERE: where}
    for p in rel.all_props:
        props[p.name] = _typed(p, row.get(p.name, ""), where, problems)
    tb.edge(rel_name, src, s_label, dst, d_label, **props)


if __name__ == "__main__":  # quick check while curating: python -m ingest.catalog [DIR]
    import sys

    found: list[Problem] = []
    t = read_catalog(Path(sys.argv[1] if len(sys.argv) > 1 else "data/catalog"), found)
    print("\n".join(str(p) for p in found) or "no row-level problems")
    print(t.counts())
