"""What a build produces, as one JSON fingerprint, to check that a change of the build code leaves it alone.

    python benchmarks/build_outputs.py SNAPSHOT_DIR > before.json     # e.g. $CRAFTGRAPH_HOME/snapshots/<id>
    python benchmarks/build_outputs.py SNAPSHOT_DIR --compare before.json

The fingerprint: the content hash and counts of the manifest, a digest of every node and relationship
table (without build stamps), the node count per label of the embedded Cypher database (created from the
snapshot's tables if it has none yet, as the first Cypher query does), and digests of
the exposure engine's outputs computed on the snapshot (craft, occupation and department exposure for
the three preset scenarios, one explanation and one forecast). `--compare` prints what differs and exits 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

CYPHER_SUMS = {  # a few property sums, so that the database's content is checked, not only its counts
    "scores": "MATCH (s:ExposureScore) RETURN sum(s.median), sum(s.high), count(s.coverage_reason)",
    "reaches": "MATCH (:Capability)-[r:REACHES]->(:Task) RETURN sum(r.weight), count(r.via)",
    "tasks": "MATCH (o:Occupation)-[:HAS_TASK]->(t:Task) RETURN count(DISTINCT o), count(t.text), sum(size(t.text))",
}


def _digest(df: pd.DataFrame) -> str:
    text = df.to_csv(index=False, float_format="%.12g")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint(snap: Path) -> dict:
    import pyarrow.parquet as pq

    from graph import snapshot
    from graph.embedded import EmbeddedCypher
    from graph.exposure import api
    from graph.store import Graph

    m = snapshot.read_manifest(snap)
    out: dict = {"content_hash": m["content_hash"], "counts": m["counts"], "tables": {}}
    for kind in ("nodes", "edges"):
        for p in sorted((snap / kind).glob("*.parquet")):
            t = pq.read_table(p)
            if snapshot.STAMP in t.column_names:
                t = t.drop_columns([snapshot.STAMP])
            out["tables"][f"{kind}/{p.stem}"] = snapshot.table_digest(t)[:16]
    cy = EmbeddedCypher(snap)
    try:
        out["cypher_nodes"] = {
            label: int(cy.run(f"MATCH (n:{label}) RETURN count(n) AS n").rows[0][0]) for label in m["counts"]["nodes"]
        }
        out["cypher_edges"] = {
            rel: int(cy.run(f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n").rows[0][0]) for rel in m["counts"]["edges"]
        }
        for what, q in CYPHER_SUMS.items():
            # rounded: the engine sums in parallel, so the last digits vary from run to run
            out[f"cypher_{what}"] = [round(float(v), 6) for v in cy.run(q).rows[0]]
    finally:
        cy.close()
    g = Graph(snap)
    ex: dict[str, str] = {}
    for sc in ("slow", "expected", "fast"):
        for level in ("craft", "occupation", "department"):
            ex[f"exposure/{level}/{sc}"] = _digest(api.exposure(g, level=level, scenario=sc))
    crafts = list(g.nodes["Craft"]["id"])
    craft = "craft:picture-editor" if "craft:picture-editor" in crafts else crafts[0]
    x = api.explain(g, craft=craft, year=2030)
    for name, df in x.frames().items():
        ex[f"explain/{name}"] = _digest(df.astype(str))
    ex["forecast"] = _digest(api.forecast(g, craft=craft).astype(str))
    out["exposure"] = ex
    return out


def differences(a: dict, b: dict, prefix: str = "") -> list[str]:
    out = []
    for k in sorted(set(a) | set(b)):
        va, vb = a.get(k), b.get(k)
        if isinstance(va, dict) and isinstance(vb, dict):
            out += differences(va, vb, f"{prefix}{k}.")
        elif va != vb:
            out.append(f"{prefix}{k}: {va!r} != {vb!r}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("snapshot", type=Path)
    ap.add_argument("--compare", type=Path, help="a fingerprint written before")
    args = ap.parse_args()
    fp = fingerprint(args.snapshot)
    if args.compare is None:
        print(json.dumps(fp, indent=1, sort_keys=True))
        return
    diff = differences(json.loads(args.compare.read_text()), fp)
    print("\n".join(diff) if diff else "identical")
    sys.exit(1 if diff else 0)


if __name__ == "__main__":
    main()
