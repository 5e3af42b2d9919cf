"""Benchmark: full build against the floor of merely reading the same files with pandas.

    python benchmarks/build.py [--sources ../shared/data] [--repeat 3]

Each measurement runs in a fresh subprocess (so imports and caches count the same way for both),
reporting wall time, CPU time (user + system of the subprocess and its threads: steadier than wall time
on a shared machine) and peak RSS. Build and floor alternate, `--repeat` times each; the ratios are of the
medians (time) and of the peaks (memory). The floor reads every input file the build read (the
manifest's inputs: the catalog CSVs and each public file; text/CSV with pandas.read_csv, Excel with
pandas.read_excel, every sheet) and nothing else. Both clocks start before the first import (the build's
`graph.pipeline`, the floor's pandas), so both pay for loading their libraries.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOOR = r"""
import json, resource, sys, time
t = time.perf_counter()
from pathlib import Path
import pandas as pd
files = json.loads(sys.argv[1])
rows = 0
for f in files:
    p = Path(f)
    if p.suffix in (".xlsx", ".xls"):
        for df in pd.read_excel(p, sheet_name=None).values():
            rows += len(df)
    elif p.suffix in (".csv", ".txt", ".tsv"):
        sep = "\t" if p.suffix in (".txt", ".tsv") else ","
        rows += len(pd.read_csv(p, sep=sep, dtype=str, encoding_errors="replace", low_memory=False))
print(json.dumps({"seconds": time.perf_counter() - t, "rows": rows,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

BUILD = r"""
import json, resource, sys, time
from pathlib import Path
t = time.perf_counter()
from graph.pipeline import build
m = build(Path(sys.argv[1]), home=Path(sys.argv[2]), sources=Path(sys.argv[3]) if sys.argv[3] else None)
print(json.dumps({"seconds": time.perf_counter() - t, "nodes": m["counts"]["total_nodes"],
                  "edges": m["counts"]["total_edges"], "inputs": [i["path"] for i in m["inputs"]],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, *args: str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    got["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--catalog", default=str(ROOT / "data" / "catalog"))
    ap.add_argument("--sources", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sources = args.sources if Path(args.sources).is_dir() else ""

    builds, floors = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as home:
            builds.append(run(BUILD, args.catalog, home, sources))
        floors.append(run(FLOOR, json.dumps(builds[-1]["inputs"])))
    b = statistics.median(x["seconds"] for x in builds)
    f = statistics.median(x["seconds"] for x in floors)
    bc = statistics.median(x["cpu_seconds"] for x in builds)
    fc = statistics.median(x["cpu_seconds"] for x in floors)
    bm = max(x["peak_rss_mb"] for x in builds)
    fm = max(x["peak_rss_mb"] for x in floors)
    result = {
        "sources": sources or None,
        "repeats": args.repeat,
        "input_files": len(builds[-1]["inputs"]),
        "nodes": builds[-1]["nodes"],
        "edges": builds[-1]["edges"],
        "build_seconds_median": round(b, 2),
        "build_seconds_all": [round(x["seconds"], 2) for x in builds],
        "read_floor_seconds_median": round(f, 2),
        "read_floor_seconds_all": [round(x["seconds"], 2) for x in floors],
        "ratio_build_to_read": round(b / f, 2),
        "build_cpu_seconds_median": round(bc, 2),
        "read_floor_cpu_seconds_median": round(fc, 2),
        "ratio_build_to_read_cpu": round(bc / fc, 2),
        "build_peak_rss_mb": round(bm),
        "read_peak_rss_mb": round(fm),
        "ratio_peak_rss": round(bm / fm, 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
