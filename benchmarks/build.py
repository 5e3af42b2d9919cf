"""Benchmark: full build against the floor of merely reading the same files with pandas.

    python benchmarks/build.py [--sources ../shared/data] [--repeat 3]

Each measurement runs in a fresh subprocess (so imports and caches count the same way for both),
reporting wall time, CPU time and peak memory. Build and floor alternate, `--repeat` times each; the ratios
are of the medians (time) and of the peaks (memory). The floor reads every input file the build read (the
manifest's inputs: the catalog CSVs and each public file; text/CSV with pandas.read_csv, Excel with
pandas.read_excel, every sheet) and nothing else. Both clocks start before the first import (the build's
`graph.pipeline`, the floor's pandas), so both pay for loading their libraries.

The build may use more than one process, so CPU and memory cover the whole process tree:
- CPU: user + system of the subprocess, its threads and every descendant waited for (this script's
  RUSAGE_CHILDREN: the kernel adds a grandchild's usage to its parent's when the parent waits for it, and
  the build waits for its workers). `build_worker_cpu_seconds_median`, the build's own RUSAGE_CHILDREN,
  is the part spent in its children: reported to show that they are counted.
- Memory: every ~10 ms this script sums the proportional set size (Pss, /proc/PID/smaps_rollup) of the
  subprocess and its live descendants (found through /proc/*/stat, searched again every 50 ms) and keeps
  the largest sum: `*_peak_tree_pss_mb`. Pss divides a page among the processes that map it, so a forked
  worker's pages shared with its parent are not counted twice. Sampling misses spikes shorter than
  ~10 ms and costs this script ~10 % of one core, for floor and build alike. `ratio_peak_tree_pss` is
  the memory ratio to hold against the target; `*_peak_rss_mb` (the main process's own ru_maxrss, shared
  pages counted in full, children not counted) is kept for comparison with earlier figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

USAGE = r"""
def usage(resource):
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"peak_rss_mb": me.ru_maxrss / 1024, "children_cpu_seconds": kids.ru_utime + kids.ru_stime}
"""

FLOOR = (
    USAGE
    + r"""
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
print(json.dumps({"seconds": time.perf_counter() - t, "rows": rows, **usage(resource)}))
"""
)

BUILD = (
    USAGE
    + r"""
import json, resource, sys, time
from pathlib import Path
t = time.perf_counter()
from graph.pipeline import build
m = build(Path(sys.argv[1]), home=Path(sys.argv[2]), sources=Path(sys.argv[3]) if sys.argv[3] else None)
print(json.dumps({"seconds": time.perf_counter() - t, "nodes": m["counts"]["total_nodes"],
                  "edges": m["counts"]["total_edges"], "inputs": [i["path"] for i in m["inputs"]],
                  **usage(resource)}))
"""
)


SAMPLE_SECONDS = 0.01  # how often the tree's memory is summed
RESCAN_EVERY = 5  # samples between two searches for new descendants


def descendants(root: int) -> list[int]:
    """`root` and every live process below it (by the parent ids in /proc/*/stat)."""
    parent: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            parent[int(d)] = int(stat[stat.rindex(")") + 2 :].split()[1])  # the name may hold spaces
    tree, todo = [root], [root]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        tree += kids
        todo += kids
    return tree


def pss_kb(pid: int) -> int:
    """Proportional set size of a live process in kB (0 when it has gone)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else 0


def run(code: str, *args: str) -> dict:
    """Run `code` in a fresh interpreter; its JSON line plus the CPU of its tree and the tree's peak Pss."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    with ThreadPoolExecutor(2) as pool:  # drain the pipes while sampling, so the child never blocks on them
        out, err = pool.submit(proc.stdout.read), pool.submit(proc.stderr.read)  # type: ignore[union-attr]
        peak, tree, n = 0, [proc.pid], 0
        while proc.poll() is None:
            if n % RESCAN_EVERY == 0:
                tree = descendants(proc.pid)
            peak = max(peak, sum(pss_kb(p) for p in tree))
            n += 1
            time.sleep(SAMPLE_SECONDS)
        stdout, stderr = out.result(), err.result()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, stdout, stderr)
    got = json.loads(stdout.strip().splitlines()[-1])
    got["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    got["peak_tree_pss_mb"] = peak / 1024
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
    bt = max(x["peak_tree_pss_mb"] for x in builds)
    ft = max(x["peak_tree_pss_mb"] for x in floors)
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
        "build_worker_cpu_seconds_median": round(statistics.median(x["children_cpu_seconds"] for x in builds), 2),
        "build_peak_tree_pss_mb": round(bt),
        "read_peak_tree_pss_mb": round(ft),
        "ratio_peak_tree_pss": round(bt / ft, 2),
        "build_peak_rss_mb": round(bm),
        "read_peak_rss_mb": round(fm),
        "ratio_peak_rss": round(bm / fm, 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
