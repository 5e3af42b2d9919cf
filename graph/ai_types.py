"""AI types for contract language: the checks that keep the hierarchy usable, and docs/ai-types.md.

The hierarchy has one root (the AI system definition, no parent). Below it, siblings are told apart by one
test each (`criterion`), applied in `rank` order with the first match winning, so that any one use of a
system falls into exactly one type at each level. The checks here enforce what makes that work: one root,
a criterion on every other type, distinct ranks among siblings, and no cycles. The document is generated
from the catalog (`python -m graph.ai_types_doc --write`).
"""

from __future__ import annotations

import pandas as pd

from graph.tables import Problem, Tables
from graph.tables import add_problem as _add


def check_ai_types(t: Tables, problems: list[Problem]) -> None:
    """Append a problem for every break of the hierarchy's rules (see the module docstring)."""
    types = t.nodes.get("AIType")
    if types is None or types.empty:
        return
    edges = t.edges.get("SUBTYPE_OF", pd.DataFrame(columns=["src", "dst"]))
    parent = dict(zip(edges["src"], edges["dst"], strict=True))
    rows = types.to_dict("records")
    roots = [r for r in rows if r["id"] not in parent]
    if len(roots) != 1:
        names = ", ".join(sorted(r["id"] for r in roots))
        for r in roots:
            _add(problems, r, "parent_id", f"the AI types need exactly one root (no parent); found {names}")
    for r in rows:
        if r["id"] in parent and not isinstance(r.get("criterion"), str):
            _add(problems, r, "criterion", "a type below the root needs the test that places a system in it")
        if _has_cycle(r["id"], parent):
            _add(problems, r, "parent_id", "the parent chain loops back to this type")
    _check_ranks(rows, parent, problems)


def _check_ranks(rows: list[dict], parent: dict[str, str], problems: list[Problem]) -> None:
    seen: dict[tuple[str, int], str] = {}
    for r in rows:
        p, rank = parent.get(r["id"]), r.get("rank")
        if p is None:
            continue
        if rank is None or pd.isna(rank):
            _add(problems, r, "rank", f"siblings under {p} are tested in rank order: give this type a rank")
            continue
        key = (p, int(rank))
        if key in seen:
            _add(problems, r, "rank", f"rank {int(rank)} under {p} is already taken by {seen[key]}")
        else:
            seen[key] = r["id"]


def _has_cycle(start: str, parent: dict[str, str]) -> bool:
    seen, node = set(), start
    while node in parent:
        if node in seen:
            return True
        seen.add(node)
        node = parent[node]
    return False
