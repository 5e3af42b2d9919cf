"""What changed between two snapshots: nodes and relationships added or removed by kind, and the
largest changes of derived exposure scores, and what changed in the curated catalog (graph/changes.py).
Written to `diff.json` in each new snapshot."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from graph.changes import compare_snapshots
from graph.schema import REL_BY_NAME

SCORE_LABEL = "ExposureScore"


def _keys(path: Path, rel: str | None) -> set:
    if not path.exists():
        return set()
    if rel is None:
        return set(pq.read_table(path, columns=["id"]).column("id").to_pylist())
    cols = ["src", "dst", *REL_BY_NAME[rel].key] if rel in REL_BY_NAME else ["src", "dst"]
    t = pq.read_table(path, columns=cols)
    return set(zip(*(t.column(c).to_pylist() for c in cols), strict=True))


def diff_snapshots(old: Path, new: Path, top: int = 10) -> dict:
    out: dict = {"from": old.name, "to": new.name, "nodes": {}, "edges": {}, "largest_score_changes": []}
    for kind in ("nodes", "edges"):
        names = {p.stem for p in (old / kind).glob("*.parquet")} | {p.stem for p in (new / kind).glob("*.parquet")}
        for name in sorted(names):
            rel = name if kind == "edges" else None
            a, b = _keys(old / kind / f"{name}.parquet", rel), _keys(new / kind / f"{name}.parquet", rel)
            added, removed = b - a, a - b
            if added or removed:
                out[kind][name] = {
                    "added": len(added),
                    "removed": len(removed),
                    "examples_added": sorted(map(str, added))[:5],
                    "examples_removed": sorted(map(str, removed))[:5],
                }
    out["largest_score_changes"] = _score_changes(old, new, top)
    out["catalog"] = compare_snapshots(old, new)
    return out


def _score_changes(old: Path, new: Path, top: int) -> list[dict]:
    a_path, b_path = old / "nodes" / f"{SCORE_LABEL}.parquet", new / "nodes" / f"{SCORE_LABEL}.parquet"
    if not (a_path.exists() and b_path.exists()):
        return []
    a: pa.Table = pq.read_table(a_path)
    if "median" not in a.column_names:
        return []
    b = pq.read_table(b_path)
    before = dict(zip(a.column("id").to_pylist(), a.column("median").to_pylist(), strict=True))
    rows = []
    for i, m in zip(b.column("id").to_pylist(), b.column("median").to_pylist(), strict=True):
        if i in before and before[i] is not None and m is not None and before[i] != m:
            rows.append({"id": i, "before": before[i], "after": m, "change": m - before[i]})
    rows.sort(key=lambda r: -abs(r["change"]))
    return rows[:top]


def summary_lines(d: dict) -> list[str]:
    lines = []
    for kind in ("nodes", "edges"):
        for name, c in d[kind].items():
            lines.append(f"{name}: +{c['added']} -{c['removed']}")
    for r in d["largest_score_changes"][:5]:
        lines.append(f"score {r['id']}: {r['before']:.3f} → {r['after']:.3f}")
    cat = d.get("catalog") or {}
    for label, c in cat.get("nodes", {}).items():  # curated entities changed in place (graph/changes.py)
        if c["counts"]["changed"]:
            lines.append(f"catalog {label}: {c['counts']['changed']} changed")
    return lines or ["no change in nodes or relationships"]
