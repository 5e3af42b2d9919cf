"""Benchmark: exposure for every craft and occupation x 2024-2035 x 1,000 draws (target: under 1 s).

    python benchmarks/exposure.py                 # the current snapshot if there is one, else synthetic
    python benchmarks/exposure.py --synthetic     # ~1,000 occupations, ~19,000 tasks, ~2,000 DWAs, 150 capabilities
    python benchmarks/exposure.py --home DIR --repeat 7 --json

What is timed (each the best and the median of --repeat runs):
- compile + fit: graph frames -> sparse matrices, and the maturity curves (once per graph; not in the target);
- scenario run: parameter draws, maturity and limitation paths for every capability, year and draw;
- exposure: task signatures -> every entity (occupations, crafts, departments, workforce) -> median and
  80% band, every year. `run + exposure` is the number held against the 1 s target;
- summary frame: the pandas frame of the results (one row per entity and year);
- floor: one sparse matrix product per year, (entities x capabilities) @ (capabilities x draws): what a
  purely linear index would cost. The gap is the price of the noisy-OR (exact, non-linear) task model;
- extras: one explanation and one forecast path, and the snapshot score tables (3 scenarios).

Hook for the Neo4j comparison (the lead adds it): `cypher_benchmark(graph, year)` below returns None;
it should time the same exposure (point maturity, one year) computed in Cypher on a loaded Neo4j and
return {"seconds": ..., "rows": ...}; it is printed next to the engine's figures when it returns a dict.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.exposure.config import YEARS, MethodConfig
from graph.exposure.explain import explain
from graph.exposure.forecast import forecast
from graph.exposure.score import Engine, Run, summarise

CYPHER_EXPOSURE = """
// One year, one point estimate (median damped maturity per capability as $mat), every craft and
// occupation: importance-weighted mean over tasks of 1 - prod(1 - weight * maturity), with links to a
// task directly and through its work activities (weight / number of the task's activities).
MATCH (e)-[h:HAS_TASK]->(k:Task)
OPTIONAL MATCH (k)<-[p:PERFORMS]-(c:Capability)
WITH e, k, h, collect(1.0 - p.weight * coalesce($mat[c.id], 0.0)) AS direct
OPTIONAL MATCH (k)-[:INVOLVES]->(w:WorkActivity)
WITH e, k, h, direct, count(w) AS nw
OPTIONAL MATCH (k)-[:INVOLVES]->(:WorkActivity)<-[q:PERFORMS]-(c2:Capability)
WITH e, h, direct, collect(1.0 - q.weight / toFloat(nw) * coalesce($mat[c2.id], 0.0)) AS via
WITH e, h.importance AS imp, 1.0 - reduce(a = 1.0, x IN direct + via | a * x) AS x
WITH e, sum(imp * x) AS num, sum(imp) AS den
RETURN e.id AS id, CASE WHEN den > 0 THEN num / den ELSE 0.0 END AS exposure
"""


def cypher_benchmark(graph, year: int, repeat: int = 3) -> dict | None:
    """The same aggregation in Cypher on Neo4j (NEO4J_URI; the snapshot is loaded first when the server
    holds another build): seconds for ONE year and ONE draw, against the engine's 12 years x draws."""
    from graph import neo4j_store

    if graph is None or not neo4j_store.configured():
        return None
    from graph.exposure import api

    m = api.maturity(graph, years=[year], draws=200)
    mat = {r.capability: float(r.damped) for r in m.itertuples() if r.year == year}
    with neo4j_store.connect() as store:
        loaded = store.loaded_build() or {}
        if loaded.get("id") != graph.build_id:
            neo4j_store.load_snapshot(store, graph.path)
        ts, rows = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            rows = store.read(CYPHER_EXPOSURE, {"mat": mat})
            ts.append(time.perf_counter() - t)
    return {
        "seconds_best": round(min(ts), 3),
        "seconds_all": [round(x, 3) for x in ts],
        "rows": len(rows),
        "year": year,
        "draws": 1,
    }


def load_graph(args):
    if not args.synthetic:
        try:
            from graph.store import load

            g = load(args.home)
            return g.nodes, g.edges, f"snapshot {g.build_id}", g
        except Exception as e:  # no snapshot: fall back to the synthetic graph
            print(f"(no snapshot: {e}; using the synthetic graph)", file=sys.stderr)
    from graph.exposure.synthetic import synthetic_graph

    nodes, edges = synthetic_graph()
    return nodes, edges, "synthetic (full-data scale)", None


def timed(fn, repeat: int) -> tuple[list[float], object]:
    out, ts = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return ts, out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--home", help="snapshot directory")
    p.add_argument("--synthetic", action="store_true", help="use the synthetic full-scale graph")
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)

    nodes, edges, what, graph = load_graph(args)
    cfg = MethodConfig(draws=args.draws)
    t_compile, eng = timed(lambda: Engine(nodes, edges, cfg), 1)
    cm, st = eng.compiled, eng.structure
    n_occ = int((cm.entities["label"] == "Occupation").sum())
    n_craft = int((cm.entities["label"] == "Craft").sum())

    seeds = iter(range(10_000))

    def run_only() -> Run:
        return Run(eng, eng.run().scenario, YEARS, args.draws, next(seeds))

    t_run, t_exposure, t_frame, t_total = [], [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        run = run_only()
        t1 = time.perf_counter()
        stats = run.evaluate()
        t2 = time.perf_counter()
        summarise(run, stats)
        t3 = time.perf_counter()
        t_run.append(t1 - t0)
        t_exposure.append(t2 - t1)
        t_frame.append(t3 - t2)
        t_total.append(t2 - t0)

    # the floor: one sparse product per year, (entities x capabilities) @ (capabilities x draws)
    ones = sp.csr_matrix(
        (
            np.ones(st.P_auto.nnz + st.P_aug.nnz),
            (
                np.r_[st.P_auto.nonzero()[0], st.P_aug.nonzero()[0]],
                st.u_cap[np.r_[st.P_auto.nonzero()[1], st.P_aug.nonzero()[1]]],
            ),
        ),
        shape=(st.n_sig, len(cm.caps)),
    )
    B = (st.A_sig @ ones).tocsr().astype(np.float32)
    Md32 = run.Md.astype(np.float32)
    t_floor, _ = timed(lambda: [B @ Md32[y] for y in range(len(YEARS))], args.repeat)

    craft = cm.entities.loc[cm.entities["label"] == "Craft", "id"]
    craft = craft.iloc[0] if len(craft) else cm.entities["id"].iloc[0]
    t_explain, _ = timed(lambda: explain(run, craft, 2028), 1)
    t_forecast, _ = timed(lambda: forecast(run, craft), 1)
    from graph.exposure.api import score_tables

    t_tables, (sn, _) = timed(lambda: score_tables(nodes, edges, "bench", draws=args.draws), 1)
    cy = cypher_benchmark(graph, 2028) if graph is not None else None

    res = {
        "graph": what,
        "occupations": n_occ,
        "crafts": n_craft,
        "entities": len(cm.entities),
        "tasks": len(cm.tasks),
        "capabilities": len(cm.caps),
        "links": len(cm.links),
        "signatures": st.n_sig,
        "unique_terms": len(st.u_w),
        "years": len(YEARS),
        "draws": args.draws,
        "compile_and_fit_s": t_compile[0],
        "run_s": {"best": min(t_run), "median": statistics.median(t_run)},
        "exposure_s": {"best": min(t_exposure), "median": statistics.median(t_exposure)},
        "run_plus_exposure_s": {"best": min(t_total), "median": statistics.median(t_total)},
        "floor_one_sparse_product_per_year_s": {"best": min(t_floor), "median": statistics.median(t_floor)},
        "summary_frame_s": {"best": min(t_frame), "median": statistics.median(t_frame)},
        "explain_one_craft_s": t_explain[0],
        "forecast_one_craft_s": t_forecast[0],
        "score_tables_3_scenarios_s": t_tables[0],
        "score_nodes": len(sn.get("ExposureScore", [])),
        "target_s": 1.0,
        "meets_target": min(t_total) < 1.0,
        "cypher": cy,
    }
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    print(
        f"graph: {what}: {n_occ} occupations, {n_craft} crafts, {len(cm.tasks)} tasks, {len(cm.caps)} capabilities, "
        f"{len(cm.links)} capability->task links ({st.n_sig} signatures, {len(st.u_w)} unique terms)"
    )
    print(f"compile + fit (once per graph):           {t_compile[0]:.3f} s")
    for k in ("run_s", "exposure_s", "run_plus_exposure_s", "floor_one_sparse_product_per_year_s", "summary_frame_s"):
        print(f"{k:42s} best {res[k]['best']:.3f} s   median {res[k]['median']:.3f} s")
    print(
        f"target (run + exposure, {len(YEARS)} years x {args.draws} draws): < 1 s -> "
        f"{'met' if res['meets_target'] else 'NOT met'}"
    )
    print(
        f"explain one craft {t_explain[0]:.3f} s; forecast one craft {t_forecast[0]:.3f} s; "
        f"score tables (3 scenarios, {res['score_nodes']} nodes) {t_tables[0]:.3f} s"
    )
    print("cypher on Neo4j: " + (json.dumps(cy) if cy else "not measured (set NEO4J_URI)"))
    if cy:
        per_year = res["run_plus_exposure_s"]["best"] / len(YEARS)
        print(
            f"ratio: Cypher, one year and one draw, takes {cy['seconds_best'] / per_year:,.0f}x the engine's time "
            f"for one year of {args.draws} draws"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
