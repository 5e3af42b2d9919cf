"""Neo4j load benchmark (run on demand, not in tests).

Measures `craftgraph load` (graph.neo4j_store.load_snapshot: batched UNWIND + MERGE) on a snapshot:
nodes/s and relationships/s for a sweep of batch sizes, the idempotent re-load, and the same graph
loaded offline by `neo4j-admin database import full` from CSV as the reference, with the ratio.

    eval "$(scripts/neo4j-server start)"                  # a throwaway server: the benchmark wipes it
    .venv/bin/python benchmarks/neo4j_load.py PATH        # PATH: a snapshot dir, or a home with `current`
    .venv/bin/python benchmarks/neo4j_load.py --synthetic 4     # a generated snapshot, ~4x the full graph's shape
    .venv/bin/python benchmarks/neo4j_load.py PATH --sizes 500,2000,5000,10000,20000 --repeat 2 --json out.json

The neo4j-admin reference imports into a separate, never-started database directory (`bench` by
default) of the same server home, through `scripts/neo4j-server admin`, so the running server and its
`neo4j` database are untouched by it; the directory is removed afterwards. Its time includes the JVM
start of neo4j-admin (reported separately as the time of a trivial `neo4j-admin --version`).
The UNWIND sweep empties the server's database before each run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graph import neo4j_store, settings, snapshot  # noqa: E402
from graph.export import IMPORT_ARRAY_DELIMITER  # noqa: E402
from graph.schema import NODE_BY_NAME, REL_BY_NAME, SCHEMA_VERSION  # noqa: E402

SERVER = REPO / "scripts" / "neo4j-server"


# --- snapshot ------------------------------------------------------------------------------


def find_snapshot(path: Path) -> Path:
    if (path / "manifest.json").exists():
        return path
    return snapshot.current_dir(path)


COUNTS = {
    "Source": 400,
    "Vendor": 80,
    "AIType": 15,
    "Tool": 300,
    "Capability": 120,
    "Limitation": 60,
    "Milestone": 600,
    "Department": 20,
    "Craft": 150,
    "Occupation": 1000,
    "Task": 19000,
    "WorkActivity": 2400,
    "Study": 6,
    "AIModel": 900,
    "Incident": 1200,
}
PREFIXES = {
    "Source": "src", "Vendor": "vendor", "AIType": "aitype", "Tool": "tool", "Capability": "cap",
    "Limitation": "lim", "Milestone": "ms", "Department": "dept", "Craft": "craft", "Study": "study",
    "AIModel": "model",
}  # fmt: skip
WORDS = ["edit", "cut", "grade", "mix", "light", "paint", "frame", "sound", "shot"]


def _ids(label: str, count: int) -> list[str]:
    if label == "Occupation":
        return [f"onet:{11 + i // 9000:02d}-{i % 9000 + 1000:04d}.00" for i in range(count)]
    if label == "Task":
        return [f"task:onet:{i}" for i in range(count)]
    if label == "WorkActivity":
        return [f"dwa:4.A.{i}" for i in range(count)]
    if label == "Incident":
        return [f"incident:{i}" for i in range(count)]
    return [f"{PREFIXES.get(label, '')}:{label.lower()}-{i}" for i in range(count)]


class _Synthetic:
    """Random nodes and relationships shaped like the full graph; properties follow graph/schema.py."""

    def __init__(self, scale: float, seed: int):
        self.rng = random.Random(seed)
        self.n = {k: max(2, int(v * scale)) for k, v in COUNTS.items()}
        self.ids = {label: _ids(label, count) for label, count in self.n.items()}
        self.nodes: dict[str, list[dict]] = {}
        self.edges: dict[str, list[dict]] = {}

    def text(self, k: int = 6) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(k))

    def value(self, p) -> object:
        rng = self.rng
        if p.choices:
            return rng.choice(p.choices)
        if p.type in ("float", "int"):
            lo, hi = p.range or ((0.0, 1.0) if p.type == "float" else (1, 2030))
            if p.type == "int":
                return rng.randint(int(lo), int(hi))
            return round(rng.uniform(lo, min(hi, lo + 1e5)), 4)
        if p.type == "bool":
            return rng.random() < 0.5
        if p.type == "date":
            return f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}"
        if p.type == "list":
            sources = self.ids["Source"]
            return rng.sample(sources, k=min(len(sources), rng.randint(1, 3)))
        return self.text(rng.randint(2, 10))

    def make_nodes(self) -> None:
        for label, id_list in self.ids.items():
            spec = NODE_BY_NAME[label]
            rows = []
            for i in id_list:
                row = {"id": i, "origin": "synthetic"}
                row.update({p.name: self.value(p) for p in spec.props if p.required or self.rng.random() < 0.6})
                if label != "Source" and self.rng.random() < 0.5:
                    row["source_ids"] = self.value(SOURCE_LIST)
                rows.append(row)
            self.nodes[label] = rows

    def add(self, rel: str, a: str, al: str, b: str, bl: str) -> None:
        row = {"src": a, "dst": b, "src_label": al, "dst_label": bl}
        for p in REL_BY_NAME[rel].all_props:
            if p.required or self.rng.random() < 0.5:
                row[p.name] = self.value(p)
        self.edges.setdefault(rel, []).append(row)

    def pick(self, label: str) -> str:
        return self.rng.choice(self.ids[label])

    def sample(self, label: str, k: int) -> list[str]:
        return self.rng.sample(self.ids[label], k=min(k, self.n[label]))

    def tools_and_capabilities(self) -> None:
        for t in self.ids["Tool"]:
            self.add("MADE_BY", t, "Tool", self.pick("Vendor"), "Vendor")
            self.add("IS_A", t, "Tool", self.pick("AIType"), "AIType")
            for c in self.sample("Capability", 3):
                self.add("PROVIDES", t, "Tool", c, "Capability")
            if self.rng.random() < 0.3:
                self.add("HAS_LIMITATION", t, "Tool", self.pick("Limitation"), "Limitation")
        for c in self.ids["Capability"]:
            self.add("CONSTRAINED_BY", c, "Capability", self.pick("Limitation"), "Limitation")
            for k in self.sample("Task", 30):
                self.add("PERFORMS", c, "Capability", k, "Task")
            for w in self.sample("WorkActivity", 10):
                self.add("PERFORMS", c, "Capability", w, "WorkActivity")
        for m in self.ids["Milestone"]:
            self.add("MARKS", m, "Milestone", self.pick("Capability"), "Capability")
            if self.rng.random() < 0.5:
                self.add("ACHIEVED_WITH", m, "Milestone", self.pick("Tool"), "Tool")

    def work(self) -> None:
        was = self.ids["WorkActivity"]
        for k in self.ids["Task"]:
            for w in set(self.rng.choices(was, k=self.rng.randint(1, 2))):
                self.add("INVOLVES", k, "Task", w, "WorkActivity")
            self.add("HAS_TASK", self.pick("Occupation"), "Occupation", k, "Task")
        for i, w in enumerate(was[50:], start=50):
            self.add("PART_OF", w, "WorkActivity", was[i % 50], "WorkActivity")
        for cr in self.ids["Craft"]:
            self.add("IN_DEPARTMENT", cr, "Craft", self.pick("Department"), "Department")
            for o in self.sample("Occupation", 2):
                self.add("CLASSIFIED_AS", cr, "Craft", o, "Occupation")
            for k in self.sample("Task", 20):
                self.add("HAS_TASK", cr, "Craft", k, "Task")

    def public(self) -> None:
        for s in self.ids["Study"]:
            for o in self.ids["Occupation"]:
                self.add("RATES", s, "Study", o, "Occupation")
            for k in self.sample("Task", self.n["Task"] // 2):
                self.add("RATES", s, "Study", k, "Task")
        for m in self.ids["AIModel"]:
            self.add("DEMONSTRATES", m, "AIModel", self.pick("Capability"), "Capability")
        for i in self.ids["Incident"]:
            self.add("ILLUSTRATES", i, "Incident", self.pick("Limitation"), "Limitation")
        for label, rows in self.nodes.items():
            for r in rows if label != "Source" else ():
                for sid in r.get("source_ids") or ():
                    self.add("CITES", r["id"], label, sid, "Source")


def synthetic_snapshot(out: Path, scale: float, seed: int = 42) -> Path:
    """A snapshot shaped like the full graph (O*NET tasks, activities, study ratings, citations),
    scaled; properties follow graph/schema.py."""
    syn = _Synthetic(scale, seed)
    syn.make_nodes()
    syn.tools_and_capabilities()
    syn.work()
    syn.public()
    nodes, edges = syn.nodes, syn.edges

    import pandas as pd

    node_tables = {k: snapshot.node_table(k, pd.DataFrame(v)) for k, v in nodes.items()}
    edge_tables = {}
    for k, v in edges.items():
        df = pd.DataFrame(v)
        key = ["src", "dst", *REL_BY_NAME[k].key]
        edge_tables[k] = snapshot.edge_table(k, df.drop_duplicates(subset=key))
    created = datetime.now(UTC)
    snap_tmp = out / ".tmp"
    content_hash = snapshot.content_hash(node_tables, edge_tables)
    snapshot.write_tables(snap_tmp, node_tables, edge_tables)
    build_id = f"{created.strftime('%Y%m%dT%H%M%SZ')}-{content_hash[:8]}"
    manifest = {
        "build_id": build_id,
        "created": created.isoformat(timespec="seconds"),
        "schema_version": SCHEMA_VERSION,
        "content_hash": content_hash,
        "inputs": [],
        "notes": [f"synthetic benchmark snapshot, scale {scale}, seed {seed}"],
        "counts": {
            "nodes": {k: v.num_rows for k, v in sorted(node_tables.items())},
            "edges": {k: v.num_rows for k, v in sorted(edge_tables.items())},
        },
    }
    manifest["counts"]["total_nodes"] = sum(manifest["counts"]["nodes"].values())
    manifest["counts"]["total_edges"] = sum(manifest["counts"]["edges"].values())
    (snap_tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    final = out / build_id
    snap_tmp.rename(final)
    return final


SOURCE_LIST = NODE_BY_NAME["Tool"].prop("source_ids")


# --- Neo4j UNWIND load ---------------------------------------------------------------------


def wipe(store: neo4j_store.Neo4jStore) -> None:
    store.run_autocommit("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS")
    store.run_autocommit("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 50000 ROWS")


def run_unwind(snap: Path, sizes: list[int], repeat: int) -> list[dict]:
    out = []
    with neo4j_store.connect(retry_time=30) as store:
        for size in sizes:
            for rep in range(repeat):
                wipe(store)
                r = neo4j_store.load_snapshot(store, snap, batch_size=size)
                diffs = neo4j_store.count_differences(r.counts, store.counts())
                row = {
                    "batch_size": size,
                    "run": rep + 1,
                    "mode": "fresh",
                    "nodes": r.nodes,
                    "relationships": r.relationships,
                    "node_s": round(r.seconds["nodes"], 3),
                    "rel_s": round(r.seconds["relationships"], 3),
                    "total_s": round(r.seconds["total"], 3),
                    "nodes_per_s": round(r.node_rate),
                    "rels_per_s": round(r.rel_rate),
                    "counts_ok": not diffs,
                }
                out.append(row)
                print(_fmt(row), flush=True)
        # the idempotent re-load of the same snapshot at the default batch size, on a loaded graph
        best = neo4j_store.DEFAULT_BATCH_SIZE
        wipe(store)
        neo4j_store.load_snapshot(store, snap, batch_size=best)
        r = neo4j_store.load_snapshot(store, snap, batch_size=best)
        diffs = neo4j_store.count_differences(r.counts, store.counts())
        row = {
            "batch_size": best, "run": 1, "mode": "reload", "nodes": r.nodes, "relationships": r.relationships,
            "node_s": round(r.seconds["nodes"], 3), "rel_s": round(r.seconds["relationships"], 3),
            "total_s": round(r.seconds["total"], 3), "nodes_per_s": round(r.node_rate), "rels_per_s": round(r.rel_rate),
            "counts_ok": not diffs,
        }  # fmt: skip
        out.append(row)
        print(_fmt(row), flush=True)
    return out


def _fmt(r: dict) -> str:
    return (
        f"  {r['mode']:<6} batch {r['batch_size']:>6}  nodes {r['nodes']:>8} in {r['node_s']:7.2f} s "
        f"({r['nodes_per_s']:>8,}/s)  rels {r['relationships']:>8} in {r['rel_s']:7.2f} s "
        f"({r['rels_per_s']:>8,}/s)  total {r['total_s']:7.2f} s  counts {'ok' if r['counts_ok'] else 'DIFFER'}"
    )


# --- neo4j-admin import reference -----------------------------------------------------------


def export_csv(snap: Path, out: Path) -> tuple[list[Path], list[Path]]:
    """The snapshot as neo4j-admin CSV files, written by `craftgraph export --format neo4j-import`."""
    from graph.export import export_neo4j_import
    from graph.store import Graph

    export_neo4j_import(Graph(snap), out)
    return sorted((out / "nodes").glob("*.csv")), sorted((out / "relationships").glob("*.csv"))


def run_admin(snap: Path, database: str) -> dict:
    state = settings.current().neo4j_state
    if not state:
        raise SystemExit("CRAFTGRAPH_NEO4J_STATE is not set: start the server with scripts/neo4j-server start")
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="cg-admin-csv-") as tmp:
        t0 = time.perf_counter()
        nodes, rels = export_csv(snap, Path(tmp))
        export_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        subprocess.run([str(SERVER), "admin", "--version"], env=env, check=True, capture_output=True)
        jvm_s = time.perf_counter() - t1
        # the database name goes first: --nodes/--relationships take several values and would swallow it
        args = [str(SERVER), "admin", "database", "import", "full", database, "--overwrite-destination"]
        args += [f"--nodes={f}" for f in nodes] + [f"--relationships={f}" for f in rels]
        args += [f"--array-delimiter={IMPORT_ARRAY_DELIMITER}", "--multiline-fields=true"]
        args += [f"--report-file={tmp}/import.report"]
        t2 = time.perf_counter()
        res = subprocess.run(args, env=env, capture_output=True, text=True)
        import_s = time.perf_counter() - t2
        for sub in ("databases", "transactions"):
            shutil.rmtree(Path(state) / "data" / sub / database, ignore_errors=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout[-3000:] + res.stderr[-3000:])
        raise SystemExit(f"neo4j-admin import failed (exit {res.returncode})")
    imported = _imported_counts(res.stdout + res.stderr)
    return {"export_s": round(export_s, 3), "jvm_start_s": round(jvm_s, 3), "import_s": round(import_s, 3), **imported}


def _imported_counts(text: str) -> dict:
    import re

    out = {}
    for key, pat in (("imported_nodes", r"Imported:\s*(\d+) nodes"), ("imported_rels", r"(\d+) relationships")):
        m = re.search(pat, text)
        if m:
            out[key] = int(m.group(1))
    m = re.search(r"IMPORT DONE in ([^.\n]+)", text)
    if m:
        out["tool_reported"] = m.group(1).strip()
    return out


# --- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", help="snapshot directory, or a home with a current snapshot")
    ap.add_argument("--synthetic", type=float, metavar="SCALE", help="generate a synthetic snapshot of this scale")
    ap.add_argument("--sizes", default="500,2000,5000,10000,20000", help="batch sizes to sweep")
    ap.add_argument("--repeat", type=int, default=1, help="runs per batch size (the median is reported)")
    ap.add_argument("--admin-database", default="bench", help="database name for the neo4j-admin import")
    ap.add_argument("--no-admin", action="store_true", help="skip the neo4j-admin reference")
    ap.add_argument("--json", help="write the results to this file")
    args = ap.parse_args(argv)
    if not neo4j_store.configured():
        print('NEO4J_URI is not set: eval "$(scripts/neo4j-server start)" first', file=sys.stderr)
        return 2
    tmpdir = None
    if args.synthetic:
        tmpdir = tempfile.mkdtemp(prefix="cg-synth-")
        t = time.perf_counter()
        snap = synthetic_snapshot(Path(tmpdir), args.synthetic)
        print(f"generated a synthetic snapshot (scale {args.synthetic}) in {time.perf_counter() - t:.1f} s")
    elif args.path:
        snap = find_snapshot(Path(args.path))
    else:
        ap.error("give a snapshot PATH or --synthetic SCALE")
    try:
        m = snapshot.read_manifest(snap)
        c = m["counts"]
        print(f"snapshot {m['build_id']}: {c['total_nodes']} nodes, {c['total_edges']} relationships ({snap})")
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        print("UNWIND/MERGE load (graph.neo4j_store.load_snapshot):")
        runs = run_unwind(snap, sizes, args.repeat)
        summary = {}
        for size in sizes:
            rs = [r for r in runs if r["batch_size"] == size and r["mode"] == "fresh"]
            summary[size] = {
                "total_s": statistics.median(r["total_s"] for r in rs),
                "nodes_per_s": statistics.median(r["nodes_per_s"] for r in rs),
                "rels_per_s": statistics.median(r["rels_per_s"] for r in rs),
            }
        best = min(summary, key=lambda s: summary[s]["total_s"])
        print(f"fastest batch size: {best} ({summary[best]['total_s']:.2f} s; "
              f"{summary[best]['nodes_per_s']:,.0f} nodes/s, {summary[best]['rels_per_s']:,.0f} rels/s)")  # fmt: skip
        result = {"snapshot": str(snap), "build_id": m["build_id"], "counts": c, "runs": runs, "summary": summary}
        if not args.no_admin:
            print("neo4j-admin database import full (reference):")
            adm = run_admin(snap, args.admin_database)
            load_s = adm["import_s"]
            print(
                f"  CSV export {adm['export_s']:.2f} s (not counted); import {load_s:.2f} s wall "
                f"(incl. ~{adm['jvm_start_s']:.2f} s neo4j-admin JVM start; tool: {adm.get('tool_reported', '?')}); "
                f"imported {adm.get('imported_nodes', '?')} nodes, {adm.get('imported_rels', '?')} relationships"
            )
            ratio = summary[best]["total_s"] / load_s
            net = max(load_s - adm["jvm_start_s"], 1e-3)
            print(
                f"  ratio UNWIND load / neo4j-admin import: {ratio:.2f}x wall "
                f"({summary[best]['total_s'] / net:.2f}x without the admin JVM start)"
            )
            result["admin"] = {
                **adm,
                "ratio_wall": round(ratio, 2),
                "ratio_net": round(summary[best]["total_s"] / net, 2),
            }
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2, default=str) + "\n")
            print(f"wrote {args.json}")
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
