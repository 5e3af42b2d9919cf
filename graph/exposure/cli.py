"""`craftgraph exposure | explain | forecast | compare | maturity`: the exposure engine on the command line.

graph/cli.py calls `register(subparsers)`; each command loads the current snapshot (or --home) and calls
its handler `run_<command>(args, graph) -> int`, which only needs `graph.nodes` / `graph.edges`.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
import pandas as pd

from graph.exposure import api

FORMATS = ("table", "json", "csv")


def register(subparsers) -> None:
    sp = subparsers.add_parser(
        "exposure",
        help="AI exposure of crafts, occupations, departments or the workforce, 2024-2035, with bands",
        description="Exposure (share of the work AI capabilities can do or assist, importance-weighted), median "
        "and 80% band over Monte Carlo draws; automation + augmentation = mean. See docs/method.md.",
    )
    sp.add_argument("--level", choices=api.LEVELS, default="craft", help="what to score (default: craft)")
    sp.add_argument("--year", type=int, help="one year (default: the as-of year of the data)")
    sp.add_argument("--all-years", action="store_true", help="every year 2024-2035")
    sp.add_argument("--top", type=int, help="only the N most exposed")
    _common(sp)
    sp.set_defaults(func=_with_graph(run_exposure))

    sp = subparsers.add_parser("explain", help="what makes up one craft's (or occupation's) exposure, with sources")
    _entity_args(sp)
    sp.add_argument("--year", type=int, help="year (default: the as-of year of the data)")
    sp.add_argument(
        "--part",
        choices=("summary", "capability", "task", "tool", "limitation", "links", "all"),
        default="summary",
        help="summary: total plus the top rows by capability, task, tool, limitation",
    )
    sp.add_argument("--top", type=int, default=10, help="rows per part in tables (default 10)")
    _common(sp)
    sp.set_defaults(func=_with_graph(run_explain))

    sp = subparsers.add_parser(
        "forecast", help="how exposure arrives for a craft: links in the order they cross thresholds"
    )
    _entity_args(sp)
    sp.add_argument(
        "--threshold",
        type=float,
        action="append",
        metavar="X",
        help="threshold(s) on the share of a task a capability does (default 0.1, 0.25, 0.5)",
    )
    sp.add_argument("--metric", choices=("task_share", "entity_share"), default="task_share")
    _common(sp)
    sp.set_defaults(func=_with_graph(run_forecast))

    sp = subparsers.add_parser("compare", help="Spearman correlations with the published exposure studies in the graph")
    sp.add_argument("--year", type=int, help="CraftGraph year to compare (default: the as-of year)")
    sp.add_argument("--top", type=int, default=10, help="largest disagreements per study measure (default 10)")
    _common(sp)
    sp.set_defaults(func=_with_graph(run_compare))

    sp = subparsers.add_parser("maturity", help="capability maturity curves: fit quality and maturity by year")
    sp.add_argument("--year", type=int, help="maturity in this year (default: the as-of year)")
    _common(sp)
    sp.set_defaults(func=_with_graph(run_maturity))


def _entity_args(sp) -> None:
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--craft", help="craft id, e.g. craft:picture-editor")
    g.add_argument("--occupation", help="occupation id, e.g. onet:27-4032.00")
    g.add_argument("--department", help="department id, e.g. dept:editorial")
    g.add_argument("--entity", help="any scored id, e.g. workforce:crafts")


def _common(sp) -> None:
    sp.add_argument("--scenario", default="expected", help="slow, expected (default) or fast")
    sp.add_argument(
        "--reach",
        action="append",
        default=[],
        metavar="CAP=LEVEL@DATE",
        help="override: the capability reaches the level by the date (repeatable)",
    )
    sp.add_argument(
        "--delay",
        action="append",
        default=[],
        metavar="CAP=LEVEL@DATE",
        help="override: the capability does not reach the level before the date (repeatable)",
    )
    sp.add_argument(
        "--remove-limitation",
        action="append",
        default=[],
        metavar="LIM[@DATE]",
        help="override: the limitation is removed (from the date) (repeatable)",
    )
    sp.add_argument(
        "--keep-limitation",
        action="append",
        default=[],
        metavar="LIM",
        help="override: the limitation stays at today's severity (repeatable)",
    )
    sp.add_argument(
        "--set-limitation",
        action="append",
        default=[],
        metavar="LIM=SEV[@DATE]",
        help="override: the limitation's severity (from the date) (repeatable)",
    )
    sp.add_argument("--draws", type=int, help="Monte Carlo draws (default 1000)")
    sp.add_argument("--seed", type=int, help="random seed (default 0)")
    sp.add_argument("--format", choices=FORMATS, default="table")
    sp.add_argument("--home", help="snapshot directory (default: $CRAFTGRAPH_HOME or a per-user data directory)")


def _with_graph(handler):
    def run(args) -> int:
        from graph.store import load

        return handler(args, load(args.home))

    run.__name__ = handler.__name__
    return run


def _scenario(args):
    try:
        sc = api.make_scenario(
            args.scenario,
            reach=args.reach,
            delay=args.delay,
            remove=args.remove_limitation,
            keep=args.keep_limitation,
            set_severity=args.set_limitation,
        )
    except ValueError as e:
        raise SystemExit(f"{args.command}: {e}") from None
    return sc


def _entity(args) -> str:
    return args.craft or args.occupation or args.department or args.entity


# ---------------------------------------------------------------------------------------- handlers


def run_exposure(args, graph) -> int:
    sc = _scenario(args)
    year = None if args.all_years else (args.year or api.current_year(graph))
    try:
        df = api.exposure(graph, level=args.level, year=year, scenario=sc, draws=args.draws, seed=args.seed)
    except ValueError as e:
        print(f"exposure: {e}", file=sys.stderr)
        return 2
    if args.level != "task":
        df = df.sort_values(["year", "median", "entity_id"], ascending=[True, False, True], kind="stable")
    if args.top:
        df = df.groupby("year", sort=True).head(args.top) if "year" in df else df.head(args.top)
    cols = (
        ["entity_id", "name", "year", "median", "low", "high", "automation", "augmentation", "potential", "basis"]
        if args.level != "task"
        else ["task_id", "text", "year", "median", "low", "high", "automation", "augmentation"]
    )
    emit(df, args.format, cols)
    return 0


def run_explain(args, graph) -> int:
    sc = _scenario(args)
    try:
        x = api.explain(graph, entity=_entity(args), year=args.year, scenario=sc, draws=args.draws, seed=args.seed)
    except KeyError as e:
        print(f"explain: {e.args[0]}", file=sys.stderr)
        return 2
    parts = {
        "capability": (
            "by_capability",
            [
                "capability",
                "name",
                "contribution",
                "share",
                "automation",
                "augmentation",
                "held_back",
                "damped_maturity",
                "tools",
            ],
        ),
        "task": (
            "by_task",
            ["task_id", "task", "importance_share", "task_exposure", "contribution", "share", "capabilities"],
        ),
        "tool": ("by_tool", ["tool", "name", "contribution", "share", "capabilities"]),
        "limitation": (
            "by_limitation",
            ["limitation", "name", "kind", "severity", "held_back", "share_of_held_back", "capabilities"],
        ),
        "links": (
            "links",
            [
                "component",
                "task_id",
                "capability",
                "mode",
                "weight",
                "path",
                "via",
                "damped_maturity",
                "contribution",
                "held_back",
                "sources",
            ],
        ),
    }
    chosen = list(parts) if args.part in ("all", "summary") else [args.part]
    if args.part == "summary":
        chosen = ["capability", "task", "tool", "limitation"]
    if args.format == "json":
        out = {"total": _records(x.total)}
        out.update({parts[p][0]: _records(getattr(x, parts[p][0])) for p in chosen})
        print(json.dumps(out, indent=1, default=_json_default))
        return 0
    if args.format == "csv":
        frames = [getattr(x, parts[p][0]).assign(part=p) for p in chosen]
        emit(pd.concat([x.total.assign(part="total"), *frames], ignore_index=True), "csv", None)
        return 0
    t = x.total.iloc[0]
    print(
        f"{t['name']} ({t['entity_id']}), {t['year']}, scenario {t['scenario']}: exposure {t['median']:.3f} "
        f"(80% band {t['low']:.3f}-{t['high']:.3f}); mean {t['mean']:.3f} = sum of contributions "
        f"{t['sum_of_contributions']:.3f}; without limitations {t['without_limitations']:.3f} "
        f"(held back {t['held_back']:.3f}); basis: {t['basis']}"
    )
    for p in chosen:
        name, cols = parts[p]
        df = getattr(x, name)
        print(f"\n{p}:")
        emit(df.head(args.top), "table", cols)
    return 0


def run_forecast(args, graph) -> int:
    sc = _scenario(args)
    th = tuple(args.threshold) if args.threshold else api.DEFAULT_THRESHOLDS
    try:
        df = api.forecast(
            graph,
            entity=_entity(args),
            thresholds=th,
            metric=args.metric,
            scenario=sc,
            draws=args.draws,
            seed=args.seed,
        )
    except (KeyError, ValueError) as e:
        print(f"forecast: {e.args[0]}", file=sys.stderr)
        return 2
    emit(
        df,
        args.format,
        [
            "threshold",
            "order",
            "date",
            "date_low",
            "date_high",
            "p_by_end",
            "capability",
            "task_id",
            "mode",
            "weight",
            "delay_years",
            "tools",
            "limitations",
        ],
    )
    return 0


def run_compare(args, graph) -> int:
    sc = _scenario(args)
    try:
        corr, dis = api.compare(graph, year=args.year, scenario=sc, top=args.top, draws=args.draws, seed=args.seed)
    except ValueError as e:
        print(f"compare: {e}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(
            json.dumps(
                {"correlations": _records(corr), "disagreements": _records(dis)}, indent=1, default=_json_default
            )
        )
        return 0
    if args.format == "csv":
        emit(
            pd.concat([corr.assign(part="correlation"), dis.assign(part="disagreement")], ignore_index=True),
            "csv",
            None,
        )
        return 0
    if not len(corr):
        print("no study ratings (Study-RATES) in this graph: build with the public sources to compare")
        return 0
    print("Spearman correlations (CraftGraph occupation exposure vs study measure):")
    emit(corr, "table", ["study", "measure", "level", "basis", "subset", "year", "n", "spearman", "p_value"])
    print("\nlargest disagreements (percentile-rank gap, current exposure):")
    emit(
        dis, "table", ["study", "measure", "occupation", "title", "craftgraph", "study_score", "rank_gap", "direction"]
    )
    return 0


def run_maturity(args, graph) -> int:
    sc = _scenario(args)
    year = args.year or api.current_year(graph)
    q = api.fit_quality(graph)
    m = api.maturity(graph, scenario=sc, draws=args.draws, seed=args.seed)
    m = m[m["year"] == year][["capability", "maturity", "maturity_low", "maturity_high", "damped"]]
    df = q.merge(m, on="capability", how="left")
    emit(
        df,
        args.format,
        [
            "capability",
            "name",
            "evidence",
            "highest_level",
            "t50_date",
            "years_per_logit",
            "rmse_years",
            "maturity",
            "maturity_low",
            "maturity_high",
            "damped",
        ],
    )
    return 0


# ---------------------------------------------------------------------------------------- output


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    for r in df.to_dict("records"):
        out.append({k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()})
    return out


def emit(df: pd.DataFrame, fmt: str, table_cols: list[str] | None, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        print(json.dumps(_records(df), indent=1, default=_json_default), file=out)
        return
    if fmt == "csv":
        d = df.copy()
        for c in d.columns:
            if d[c].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
                d[c] = d[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v)
        d.to_csv(out, index=False)
        return
    cols = [c for c in (table_cols or list(df.columns)) if c in df.columns]
    d = df[cols].copy()
    if not len(d):
        print("(no rows)", file=out)
        return
    for c in d.columns:
        if d[c].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            d[c] = d[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v)
        if d[c].dtype == object:
            d[c] = d[c].map(lambda v: "" if v is None else (str(v) if len(str(v)) <= 60 else str(v)[:57] + "..."))
    print(d.to_string(index=False, float_format=lambda v: f"{v:.3f}"), file=out)


def main(argv: list[str] | None = None) -> int:  # standalone: python -m graph.exposure.cli exposure ...
    p = argparse.ArgumentParser(prog="craftgraph")
    register(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
