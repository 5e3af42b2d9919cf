"""docs/ai-types.md, generated from the catalog: the root definition of an AI system, the decision key
that places a system in one type at each level, every type, and how the instruments' own terms map to them.

    python -m graph.ai_types_doc [--write | --check] [--catalog DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from graph.pipeline import collect
from graph.tables import InputError, Tables

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ai-types.md"
CATALOG = ROOT / "data" / "catalog"


def load(catalog: Path = CATALOG) -> Tables:
    """The catalog's tables, validated (InputError lists every problem)."""
    return collect(catalog, None)[0]


def markdown(t: Tables) -> str:
    types = t.nodes["AIType"].set_index("id")
    parent = _pairs(t, "SUBTYPE_OF")
    children: dict[str, list[str]] = {}
    for child, par in parent.items():
        children.setdefault(par, []).append(child)
    for kids in children.values():
        kids.sort(key=lambda i: (_rank(types.loc[i, "rank"]), i))
    roots = sorted(i for i in types.index if i not in parent)
    sources = t.nodes["Source"].set_index("id")
    tools = t.edges.get("IS_A", pd.DataFrame(columns=["dst"]))["dst"].value_counts()
    out = [
        "# AI types for contract language",
        "",
        "Generated from `data/catalog/ai_types.csv` and `clause_terms.csv` by `python -m graph.ai_types_doc --write`; "
        "do not edit by hand.",
        "",
        "One root definition says what an AI system is. Below it, each level splits systems by one question about what "
        "the system does and on what input; the questions are asked in order and the first that fits decides, so a "
        "given use of a system falls into exactly one type at each level. A product that does several things (a video "
        "generator that also clones voices) is classified per use, and a tool may list several types.",
        "",
    ]
    for root in roots:
        out += _root_section(root, types, sources)
        out += ["## Decision key", ""]
        out += _key(root, types, children, 0)
        out += ["", "## The types", ""]
        for tid in _walk(root, children)[1:]:
            out += _type_section(tid, types, parent, sources, int(tools.get(tid, 0)))
    out += _terms_section(t, types, sources)
    return "\n".join(out).rstrip() + "\n"


def _root_section(root: str, types: pd.DataFrame, sources: pd.DataFrame) -> list[str]:
    r = types.loc[root]
    return [
        f"## Root definition: {r['name']} (`{root}`)",
        "",
        str(r["definition"]),
        "",
        f"- **Test:** {_text(r['criterion'])}",
        f"- **Not included:** {_text(r['excludes'])}",
        f"- **Sources:** {_cite(r['source_ids'], sources)}",
        "",
    ]


def _key(tid: str, types: pd.DataFrame, children: dict[str, list[str]], depth: int) -> list[str]:
    out = []
    for n, kid in enumerate(children.get(tid, []), 1):
        r = types.loc[kid]
        out.append(f"{'   ' * depth}{n}. **{r['name']}** — {_text(r['criterion'])}")
        out += _key(kid, types, children, depth + 1)
    return out


def _type_section(tid: str, types: pd.DataFrame, parent: dict, sources: pd.DataFrame, n_tools: int) -> list[str]:
    r = types.loc[tid]
    par = parent.get(tid)
    return [
        f"### {r['name']} (`{tid}`)",
        "",
        str(r["definition"]),
        "",
        f"- **Within:** {types.loc[par, 'name']} (`{par}`)" if par else "- **Within:** (root)",
        f"- **Test:** {_text(r['criterion'])}",
        f"- **Produces:** {_text(r['outputs'])}",
        f"- **Works on:** {_text(r['inputs'])}",
        f"- **Not this type:** {_text(r['excludes'])}",
        f"- **Examples:** {_text(r['examples'])}",
        f"- **Tools in the catalog of this type:** {n_tools}",
        f"- **Sources:** {_cite(r['source_ids'], sources)}",
        "",
    ]


def _terms_section(t: Tables, types: pd.DataFrame, sources: pd.DataFrame) -> list[str]:
    defines = t.edges.get("DEFINES")
    out = ["## How the instruments define their terms", ""]
    if defines is None or defines.empty:
        return [*out, "No instrument terms are mapped yet.", ""]
    clauses = t.nodes["Clause"].set_index("id")
    insts = t.nodes["Instrument"].set_index("id")
    inst_of = _pairs(t, "IN_INSTRUMENT")
    out += [
        "Each row maps a term an agreement or law defines to the closest type above: *equivalent* (same scope), "
        "*narrower* (the term covers less), *broader* (it covers more) or *overlapping* (each covers something the "
        "other does not).",
        "",
        "| term | instrument, section | type | match | difference | sources |",
        "|---|---|---|---|---|---|",
    ]
    rows = sorted(defines.to_dict("records"), key=lambda d: (insts.loc[inst_of[d["src"]], "name"], d["src"], d["term"]))
    for d in rows:
        clause = clauses.loc[d["src"]]
        inst = insts.loc[inst_of[d["src"]], "name"]
        out.append(
            f"| {d['term']} | {inst}, {clause['section']} | {types.loc[d['dst'], 'name']} | {d['match']} | "
            f"{d['difference']} | {_cite(d['source_ids'], sources)} |"
        )
    return [*out, ""]


def _walk(root: str, children: dict[str, list[str]]) -> list[str]:
    order = [root]
    for kid in children.get(root, []):
        order += _walk(kid, children)
    return order


def _pairs(t: Tables, rel: str) -> dict[str, str]:
    df = t.edges.get(rel)
    return {} if df is None else dict(zip(df["src"], df["dst"], strict=True))


def _rank(value: Any) -> float:
    return float("inf") if value is None or pd.isna(value) else float(value)


def _text(value: object) -> str:
    return "—" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _cite(ids: object, sources: pd.DataFrame) -> str:
    links = []
    for sid in ids if isinstance(ids, (list, tuple)) else []:
        if sid in sources.index:
            s = sources.loc[sid]
            links.append(f"[{s['publisher']}]({s['url']})")
    return "; ".join(links) or "—"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--write", action="store_true", help="write docs/ai-types.md")
    g.add_argument("--check", action="store_true", help="fail if docs/ai-types.md is stale")
    ap.add_argument("--catalog", type=Path, default=CATALOG)
    args = ap.parse_args(argv)
    try:
        text = markdown(load(args.catalog))
    except InputError as e:
        print(e, file=sys.stderr)
        return 1
    if args.write:
        DOC.write_text(text)
        print(f"wrote {DOC}")
    elif args.check:
        if not DOC.exists() or DOC.read_text() != text:
            print(f"{DOC} is stale: run `python -m graph.ai_types_doc --write`", file=sys.stderr)
            return 1
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
