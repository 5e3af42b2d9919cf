"""Benchmark: full build against the floor of merely reading the same files with pandas.

    python benchmarks/build.py [--sources ../shared/data] [--repeat 3]

Each measurement runs in a fresh subprocess (so imports and caches count the same way for both),
reporting wall time, CPU time and peak memory. Build and floor alternate, `--repeat` times each; the ratios
are of the medians (time) and of the peaks (memory). The floor reads every input file the build read (the
manifest's inputs: the catalog CSVs and each public file; text/CSV with pandas.read_csv, Excel with
pandas.read_excel, every sheet) and nothing else. Both clocks start before the first import (the build's
`graph.pipeline`, the floor's pandas), so both pay for loading their libraries.

Both load their modules as Python does by default, from the bytecode it caches: pandas's was compiled when it
was installed, and one untimed run of each before the timed ones caches the project's (and warms the page
cache for both). $PYTHONDONTWRITEBYTECODE, if set here, is not passed on: with it, the build alone would
compile its modules on every run (~0.2 s), a cost a user's runs do not pay.

The build may use more than one process, so CPU and memory cover the whole process tree:
- CPU: user + system of the subprocess, its threads and every descendant waited for (this script's
  RUSAGE_CHILDREN: the kernel adds a grandchild's usage to its parent's when the parent waits for it, and
  the build waits for its workers). `build_worker_cpu_seconds_median`, the build's own RUSAGE_CHILDREN,
  is the part spent in its children: reported to show that they are counted.
- Memory: after the timed runs, one more run of the build and one of the floor, during which this script
  sums the memory of the subprocess and its live descendants every ~20 ms (found through /proc/*/stat,
  searched again every 100 ms) and keeps the largest sum: `*_peak_tree_mb`. From /proc/PID/smaps_rollup:
  each process's Pss_Anon (its anonymous memory, a page shared with a forked worker divided between
  them, so counted once in the sum) plus the main process's file-backed and shared pages in full
  (Rss - Anonymous: its libraries and mapped files; a worker maps the same ones). For one process this is
  its resident set, as ru_maxrss counts it; unlike a plain sum of Pss it does not fall when other
  processes on the machine map the same libraries. Reading smaps_rollup walks the process's page tables
  (~15 ms for the build, holding its memory map's lock), which slows the sampled run a lot: so its times
  are not used, and the timed runs are not sampled. Spikes shorter than the interval are missed, so the
  sampled run's own ru_maxrss is taken when larger (its main process alone, exact: the floor's peak is
  such a spike, ~10 % above its samples). So are the timed runs' own ru_maxrss, when larger: a side's
  peak is the largest seen in any of its runs (the floor's single process peaked anywhere between 163 and
  177 MB from one run to the next, which alone moved the ratio by 0.15).
  `ratio_peak_tree` is the memory ratio to hold against the target; `*_peak_rss_mb` (the largest
  ru_maxrss of the timed runs' main process, children not counted) is kept for comparison with earlier
  figures.
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


SAMPLE_SECONDS = 0.02  # how often the tree's memory is summed (in the sampled runs)
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


def smaps(pid: int) -> dict[str, int]:
    """The kB fields of a live process's /proc/PID/smaps_rollup (empty when it has gone)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}


def tree_kb(tree: list[int]) -> int:
    """Memory of a process tree: every process's Pss_Anon, plus the root's file-backed and shared pages."""
    total = 0
    for i, pid in enumerate(tree):
        f = smaps(pid)
        total += f.get("Pss_Anon", 0) + (f.get("Rss", 0) - f.get("Anonymous", 0) if i == 0 else 0)
    return total


def run(code: str, *args: str, sample: bool = False) -> dict:
    """Run `code` in a fresh interpreter: its JSON line plus the CPU of its process tree, and with `sample`
    the peak memory of the tree (sampling slows the run: its times are not used)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # (see the docstring)
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    with ThreadPoolExecutor(2) as pool:  # drain the pipes while waiting, so the child never blocks on them
        out, err = pool.submit(proc.stdout.read), pool.submit(proc.stderr.read)  # type: ignore[union-attr]
        peak, tree, n = 0, [proc.pid], 0
        while sample and proc.poll() is None:
            if n % RESCAN_EVERY == 0:
                tree = descendants(proc.pid)
            peak = max(peak, tree_kb(tree))
            n += 1
            time.sleep(SAMPLE_SECONDS)
        proc.wait()
        stdout, stderr = out.result(), err.result()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, stdout, stderr)
    got = json.loads(stdout.strip().splitlines()[-1])
    got["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # a spike shorter than the interval is missed; the main process's own peak (ru_maxrss, exact) is never
    # above the tree's at the same moment, so the larger of the two is kept
    got["peak_tree_mb"] = max(peak / 1024, got["peak_rss_mb"]) if sample else 0.0
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--catalog", default=str(ROOT / "data" / "catalog"))
    ap.add_argument("--sources", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sources = args.sources if Path(args.sources).is_dir() else ""

    with tempfile.TemporaryDirectory() as home:  # untimed: bytecode cached, files in the page cache
        warm = run(BUILD, args.catalog, home, sources)
    run(FLOOR, json.dumps(warm["inputs"]))
    builds, floors = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as home:
            builds.append(run(BUILD, args.catalog, home, sources))
        floors.append(run(FLOOR, json.dumps(builds[-1]["inputs"])))
    with tempfile.TemporaryDirectory() as home:  # memory: one more run of each, sampled
        sampled = [run(BUILD, args.catalog, home, sources, sample=True)]
    sampled.append(run(FLOOR, json.dumps(builds[-1]["inputs"]), sample=True))
    b = statistics.median(x["seconds"] for x in builds)
    f = statistics.median(x["seconds"] for x in floors)
    bc = statistics.median(x["cpu_seconds"] for x in builds)
    fc = statistics.median(x["cpu_seconds"] for x in floors)
    bm = max(x["peak_rss_mb"] for x in builds)
    fm = max(x["peak_rss_mb"] for x in floors)
    bt, ft = max(sampled[0]["peak_tree_mb"], bm), max(sampled[1]["peak_tree_mb"], fm)  # (see the docstring)
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
        "build_peak_tree_mb": round(bt),
        "read_peak_tree_mb": round(ft),
        "ratio_peak_tree": round(bt / ft, 2),
        "build_peak_rss_mb": round(bm),
        "read_peak_rss_mb": round(fm),
        "ratio_peak_rss": round(bm / fm, 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
