"""The public sources, by name and in build order, and the run that reads them all.

Each source reads one public dataset from a directory laid out like `../shared/data` (data/sources.yaml
gives the layout, publisher URLs and pinned sha256). `read_all(root, problems)` reads them in order and
returns their tables plus the per-source manifest (version, files with sha256, row counts, match rates,
notes). Problems are appended to `problems`: the caller (graph/pipeline.py) raises InputError with all.

Occupation properties that come from BLS OEWS and the crosswalks are folded into the O*NET Occupation
rows, so each Occupation id appears once across the public tables (the O*NET row keeps origin
`onet-<version>`; the manifest says which source set which property).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from graph.memory import gc_paused
from graph.tables import WHERE, InputError, Problem, Tables
from ingest import aiid, anthropic_index, bls, crosswalks, eloundou, epoch, felten, oews_industry, onet, qcew
from ingest.base import Context, Progress, Source, reporter, restore_ints, shared_data_dir

# In build order: O*NET and the crosswalks first (the others join onto them).
SOURCES: dict[str, Source] = {
    "onet": onet,
    "crosswalks": crosswalks,
    "bls": bls,
    "eloundou": eloundou,
    "felten": felten,
    "anthropic_index": anthropic_index,
    "epoch": epoch,
    "aiid": aiid,
    "oews_industry": oews_industry,
    "qcew": qcew,
}

# Sources whose Occupation properties are set on the O*NET Occupation rows.
FOLDED_SOURCES = ("crosswalks", "bls")


def read_all(
    root: Path,
    problems: list[Problem],
    progress: Progress | None = None,
    catalog: Path | None = None,
    only: Iterable[str] | None = None,
) -> tuple[list[Tables], dict]:
    """Read every public source under `root` (or those named in `only`).

    Returns one Tables per source, in SOURCES order, and the manifest {source name: entry}. `catalog`
    is the curated catalog whose model/incident mappings choose which Epoch models and AIID incidents
    become nodes (default: data/catalog). Progress lines go to `progress`, else to the logger.
    """
    wanted = set(only) if only is not None else set(SOURCES)
    return combine(read_each(root, [n for n in SOURCES if n in wanted], progress, catalog), problems)


# What one source gave: its tables, its manifest entry and its problems.
Read = tuple[Tables, dict, list[Problem]]


def read_each(
    root: Path, names: Iterable[str], progress: Progress | None = None, catalog: Path | None = None
) -> dict[str, Read]:
    """Read the sources named (in SOURCES order), each on its own: what `combine` puts together. The build
    reads some of them in a second process (graph/pipeline.py) and combines both halves."""
    say = reporter(progress, __name__)
    ctx = Context(Path(root), [], catalog=catalog)
    out: dict[str, Read] = {}
    with gc_paused():
        for name in [n for n in SOURCES if n in set(names)]:
            say(f"reading {name}")
            before = len(ctx.problems)
            t0 = time.perf_counter()
            tables, entry = SOURCES[name].read(ctx)
            entry["seconds"] = round(time.perf_counter() - t0, 3)
            entry["problems"] = len(ctx.problems) - before
            entry["counts"] = tables.counts()
            out[name] = (tables, entry, ctx.problems[before:])
    return out


def combine(read: dict[str, Read], problems: list[Problem]) -> tuple[list[Tables], dict]:
    """The sources read (by one or several `read_each`) as one run: their problems appended to `problems`
    and their tables and entries in SOURCES order, places and occupation properties folded."""
    by_name: dict[str, Tables] = {}
    info: dict[str, dict] = {}
    for name in [n for n in SOURCES if n in read]:
        by_name[name], info[name], found = read[name]
        problems += found
    with gc_paused():
        fold_places([by_name[n] for n in ("oews_industry", "qcew") if n in by_name])
        if "onet" in by_name:
            for name in FOLDED_SOURCES:
                if name in by_name:
                    fold_occupations(by_name["onet"], by_name[name], problems, info[name])
                    info[name]["counts"] = by_name[name].counts()
            restore_ints(by_name["onet"])
            info["onet"]["counts"] = by_name["onet"].counts()
    return list(by_name.values()), info


def read_source(source: str | Source, root: Path | None = None, **kw: object) -> tuple[Tables, dict]:
    """Read one source on its own (by name or module); raise InputError with every problem found.
    `kw` goes to the Context (catalog=, onet_release=)."""
    src = SOURCES[source] if isinstance(source, str) else source
    ctx = Context(Path(root) if root is not None else shared_data_dir(), [], **kw)  # type: ignore[arg-type]
    tables, entry = src.read(ctx)
    if ctx.problems:
        raise InputError(ctx.problems)
    return tables, entry


def fold_occupations(onet_t: Tables, other: Tables, problems: list[Problem], entry: dict) -> None:
    """Set the Occupation properties `other` carries on the O*NET Occupation rows, then drop them
    from `other`, so that each Occupation id appears once."""
    extra = other.nodes.pop("Occupation", None)
    base = onet_t.nodes.get("Occupation")
    if extra is None or extra.empty or base is None:
        return
    props = [c for c in extra.columns if c not in ("id", "origin", "soc_code", "title", WHERE, "source_ids")]
    props = [c for c in props if extra[c].notna().any()]
    for _, row in extra[~extra["id"].isin(set(base["id"]))].iterrows():
        f, line = split_where(row.get(WHERE))
        problems.append(Problem(f, line, "id", f"{row['id']!r} is not an O*NET occupation of this release"))
    idx = extra.set_index("id")
    for c in props:
        values = base["id"].map(idx[c].to_dict())
        if c in base.columns:
            values = values.where(values.notna(), base[c])
        base[c] = values.astype(object).where(values.notna(), None)
    entry["occupation_properties"] = props
    entry["occupations_enriched"] = int(base["id"].isin(idx.index).sum())


def fold_places(parts: list[Tables]) -> None:
    """Area and Industry nodes that several sources carry (the nation, the metros) are kept once, in
    the first source that has them; an Industry whose parent_code is a known industry gets its WITHIN
    edge here (QCEW's 512110 sits within OEWS's 512100)."""
    for label in ("Area", "Industry"):
        seen: set[str] = set()
        for t in parts:
            df = t.nodes.get(label)
            if df is not None:
                keep = ~df["id"].isin(seen)
                seen |= set(df["id"])
                t.nodes[label] = df[keep].reset_index(drop=True)
    known = {i for t in parts if "Industry" in t.nodes for i in t.nodes["Industry"]["id"]}
    for t in parts:
        ind = t.nodes.get("Industry")
        if ind is None:
            continue
        have = t.edges.get("WITHIN")
        have_src = set() if have is None else set(have["src"])
        new = [
            {"src": r["id"], "dst": f"naics:{r['parent_code']}", "src_label": "Industry", "dst_label": "Industry"}
            for r in ind.to_dict("records")
            if r.get("parent_code") and f"naics:{r['parent_code']}" in known and r["id"] not in have_src
        ]
        if new:
            extra = pd.DataFrame(new).reindex(columns=have.columns if have is not None else list(new[0]))
            t.edges["WITHIN"] = extra if have is None else pd.concat([have, extra], ignore_index=True)


def split_where(where: object) -> tuple[str, int | None]:
    """(file, line) from a WHERE cell `file:line`."""
    if isinstance(where, str) and ":" in where:
        f, _, line = where.rpartition(":")
        if line.isdigit():
            return f, int(line)
    return str(where), None
