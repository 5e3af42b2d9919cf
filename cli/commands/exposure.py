"""`craftgraph exposure | explain | forecast | compare | maturity`: the exposure engine on the command line.

Each command loads the current snapshot (or --home) and calls graph.exposure.api; see docs/method.md.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import options, output
from cli.errors import CommandError
from graph.defaults import EXPOSURE_LEVELS as LEVELS

Level = StrEnum("Level", {name: name for name in LEVELS})  # type: ignore[misc]  # graph.defaults owns the list
CRAFT = Level("craft")


class Part(StrEnum):
    summary = "summary"
    capability = "capability"
    task = "task"
    tool = "tool"
    limitation = "limitation"
    links = "links"
    all = "all"


class Metric(StrEnum):
    task_share = "task_share"
    entity_share = "entity_share"


# Options every exposure command shares: the scenario, its overrides, the draws and the output.
Scenario = Annotated[str, typer.Option("--scenario", metavar="NAME", help="slow, expected or fast")]
Reach = Annotated[
    list[str] | None,
    typer.Option(
        "--reach",
        metavar="CAP=LEVEL@DATE",
        show_default=False,
        help="override: the capability reaches the level by the date (repeatable)",
    ),
]
Delay = Annotated[
    list[str] | None,
    typer.Option(
        "--delay",
        metavar="CAP=LEVEL@DATE",
        show_default=False,
        help="override: the capability does not reach the level before the date (repeatable)",
    ),
]
RemoveLimitation = Annotated[
    list[str] | None,
    typer.Option(
        "--remove-limitation",
        metavar="LIM[@DATE]",
        show_default=False,
        help="override: the limitation is removed (from the date) (repeatable)",
    ),
]
KeepLimitation = Annotated[
    list[str] | None,
    typer.Option(
        "--keep-limitation",
        metavar="LIM",
        show_default=False,
        help="override: the limitation stays at today's severity (repeatable)",
    ),
]
SetLimitation = Annotated[
    list[str] | None,
    typer.Option(
        "--set-limitation",
        metavar="LIM=SEV[@DATE]",
        show_default=False,
        help="override: the limitation's severity (from the date) (repeatable)",
    ),
]
AtExpiry = Annotated[
    str | None,
    typer.Option(
        "--at-expiry",
        metavar="WHAT",
        show_default=False,
        help="what legal and contractual terms do when their instrument expires: renewed (default), "
        "strengthened or lapsed",
    ),
]
Draws = Annotated[
    int | None, typer.Option("--draws", metavar="N", show_default=False, help="Monte Carlo draws (default 1000)")
]
Seed = Annotated[int | None, typer.Option("--seed", metavar="N", show_default=False, help="random seed (default 0)")]
Year = Annotated[
    int | None,
    typer.Option("--year", metavar="YEAR", show_default=False, help="year (default: the as-of year of the data)"),
]

# One entity to score (explain, forecast).
Craft = Annotated[
    str | None, typer.Option("--craft", metavar="ID", show_default=False, help="craft id, e.g. craft:picture-editor")
]
Occupation = Annotated[
    str | None,
    typer.Option("--occupation", metavar="ID", show_default=False, help="occupation id, e.g. onet:27-4032.00"),
]
Department = Annotated[
    str | None,
    typer.Option("--department", metavar="ID", show_default=False, help="department id, e.g. dept:editorial"),
]
Entity = Annotated[
    str | None, typer.Option("--entity", metavar="ID", show_default=False, help="any scored id, e.g. workforce:crafts")
]


def load_graph(home: Path | None):
    """The snapshot the commands score (tests put a hand-made graph here)."""
    from graph.store import load

    return load(options.home(home))


def _scenario(scenario: str, reach, delay, remove, keep, set_severity, at_expiry=None):
    from graph.exposure import api

    try:
        return api.make_scenario(
            scenario,
            reach=reach or [],
            delay=delay or [],
            remove=remove or [],
            keep=keep or [],
            set_severity=set_severity or [],
            at_expiry=at_expiry,
        )
    except ValueError as e:
        raise CommandError(str(e), exit_code=1) from None


def _entity(craft, occupation, department, entity) -> str:
    given = {"craft": craft, "occupation": occupation, "department": department, "entity": entity}
    chosen = options.one_of(**given)
    if chosen is None:
        raise CommandError("give one of --craft, --occupation, --department or --entity")
    return given[chosen]


def exposure(
    level: Annotated[Level, typer.Option("--level", help="what to score")] = CRAFT,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", metavar="YEAR", show_default=False, help="one year (default: the as-of year of the data)"
        ),
    ] = None,
    all_years: Annotated[bool, typer.Option("--all-years", help="every year 2024-2035")] = False,
    top: Annotated[
        int | None, typer.Option("--top", metavar="N", show_default=False, help="only the N most exposed")
    ] = None,
    scenario: Scenario = "expected",
    reach: Reach = None,
    delay: Delay = None,
    remove_limitation: RemoveLimitation = None,
    keep_limitation: KeepLimitation = None,
    set_limitation: SetLimitation = None,
    at_expiry: AtExpiry = None,
    draws: Draws = None,
    seed: Seed = None,
    format: options.Format = output.OutputFormat.table,
    home: options.Home = None,
) -> None:
    """AI exposure of crafts, occupations, departments or the workforce, 2024-2035, with bands

    Exposure (share of the work AI capabilities can do or assist, importance-weighted), median and 80% band
    over Monte Carlo draws; automation + augmentation = mean. `median` is the permitted reach (with legal and
    contractual terms), `technical_median` the technical reach (without them). An entity nothing in the
    catalog reaches is "not assessed" and has no score (coverage_reason says why). See docs/method.md.
    """
    from graph.exposure import api

    sc = _scenario(scenario, reach, delay, remove_limitation, keep_limitation, set_limitation, at_expiry)
    g = load_graph(home)
    level_name = str(level)
    when = None if all_years else (year or api.current_year(g))
    try:
        df = api.exposure(g, level=level_name, year=when, scenario=sc, draws=draws, seed=seed)
    except ValueError as e:
        raise CommandError(str(e)) from None
    if level_name == "craft":  # headcount, wages and jobs exposed per craft (graph/jobs.py)
        from graph.jobs import with_jobs

        df = with_jobs(df, g)
    if level_name != "task":
        df = df.sort_values(["year", "median", "entity_id"], ascending=[True, False, True], kind="stable")
    if top:
        df = df.groupby("year", sort=True).head(top) if "year" in df else df.head(top)
    cols = (
        [
            "entity_id",
            "name",
            "year",
            "median",
            "low",
            "high",
            "technical_median",
            "automation",
            "augmentation",
            "coverage",
            "coverage_status",
        ]
        + (["headcount", "median_wage", "jobs_exposed"] if level_name == "craft" else [])
        if level_name != "task"
        else ["task_id", "text", "year", "median", "low", "high", "automation", "augmentation"]
    )
    output.frame(df, format, cols)


# explain --part: (attribute of the Explanation, columns shown in a table)
EXPLAIN_PARTS = {
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
SUMMARY_PARTS = ["capability", "task", "tool", "limitation"]


def explain(
    craft: Craft = None,
    occupation: Occupation = None,
    department: Department = None,
    entity: Entity = None,
    year: Year = None,
    part: Annotated[
        Part, typer.Option("--part", help="summary: total plus the top rows by capability, task, tool, limitation")
    ] = Part.summary,
    top: Annotated[int, typer.Option("--top", metavar="N", help="rows per part in tables")] = 10,
    scenario: Scenario = "expected",
    reach: Reach = None,
    delay: Delay = None,
    remove_limitation: RemoveLimitation = None,
    keep_limitation: KeepLimitation = None,
    set_limitation: SetLimitation = None,
    at_expiry: AtExpiry = None,
    draws: Draws = None,
    seed: Seed = None,
    format: options.Format = output.OutputFormat.table,
    home: options.Home = None,
) -> None:
    """what makes up one craft's (or occupation's) exposure, with sources"""
    from graph.exposure import api

    who = _entity(craft, occupation, department, entity)
    sc = _scenario(scenario, reach, delay, remove_limitation, keep_limitation, set_limitation, at_expiry)
    try:
        x = api.explain(load_graph(home), entity=who, year=year, scenario=sc, draws=draws, seed=seed)
    except KeyError as e:
        raise CommandError(str(e.args[0])) from None
    part_name = str(part)
    chosen = SUMMARY_PARTS if part_name == "summary" else list(EXPLAIN_PARTS) if part_name == "all" else [part_name]
    frames = {p: getattr(x, EXPLAIN_PARTS[p][0]) for p in chosen}
    if format == output.OutputFormat.json:
        out = {"total": output.records(x.total)}
        out.update({EXPLAIN_PARTS[p][0]: output.records(df) for p, df in frames.items()})
        output.line(output.json_text(out))
        return
    if format == output.OutputFormat.csv:
        parts = [x.total.assign(part="total"), *(df.assign(part=p) for p, df in frames.items())]
        import pandas as pd

        output.frame(pd.concat(parts, ignore_index=True), "csv")
        return
    t = x.total.iloc[0]
    output.line(
        f"{t['name']} ({t['entity_id']}), {t['year']}, scenario {t['scenario']}: exposure {t['median']:.3f} "
        f"(80% band {t['low']:.3f}-{t['high']:.3f}); mean {t['mean']:.3f} = sum of contributions "
        f"{t['sum_of_contributions']:.3f}; without limitations {t['without_limitations']:.3f} "
        f"(held back {t['held_back']:.3f}); basis: {t['basis']}"
    )
    for p, df in frames.items():
        output.line(f"\n{p}:")
        output.frame(df.head(top), "table", EXPLAIN_PARTS[p][1])


def forecast(
    craft: Craft = None,
    occupation: Occupation = None,
    department: Department = None,
    entity: Entity = None,
    threshold: Annotated[
        list[float] | None,
        typer.Option(
            "--threshold",
            metavar="X",
            show_default=False,
            help="threshold(s) on the share of a task a capability does (default 0.1, 0.25, 0.5)",
        ),
    ] = None,
    metric: Annotated[Metric, typer.Option("--metric", help="what the thresholds apply to")] = Metric.task_share,
    scenario: Scenario = "expected",
    reach: Reach = None,
    delay: Delay = None,
    remove_limitation: RemoveLimitation = None,
    keep_limitation: KeepLimitation = None,
    set_limitation: SetLimitation = None,
    at_expiry: AtExpiry = None,
    draws: Draws = None,
    seed: Seed = None,
    format: options.Format = output.OutputFormat.table,
    home: options.Home = None,
) -> None:
    """how exposure arrives for a craft: links in the order they cross thresholds"""
    from graph.exposure import api

    who = _entity(craft, occupation, department, entity)
    sc = _scenario(scenario, reach, delay, remove_limitation, keep_limitation, set_limitation, at_expiry)
    th = tuple(threshold) if threshold else api.DEFAULT_THRESHOLDS
    try:
        df = api.forecast(
            load_graph(home),
            entity=who,
            thresholds=th,
            metric=Metric(metric).value,
            scenario=sc,
            draws=draws,
            seed=seed,
        )
    except (KeyError, ValueError) as e:
        raise CommandError(str(e.args[0])) from None
    cols = ["threshold", "order", "date", "date_low", "date_high", "p_by_end", "capability", "task_id", "mode"]
    output.frame(df, format, [*cols, "weight", "delay_years", "tools", "limitations"])


def compare(
    year: Annotated[
        int | None,
        typer.Option(
            "--year", metavar="YEAR", show_default=False, help="CraftGraph year to compare (default: the as-of year)"
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", metavar="N", help="largest disagreements per study measure")] = 10,
    scenario: Scenario = "expected",
    reach: Reach = None,
    delay: Delay = None,
    remove_limitation: RemoveLimitation = None,
    keep_limitation: KeepLimitation = None,
    set_limitation: SetLimitation = None,
    at_expiry: AtExpiry = None,
    draws: Draws = None,
    seed: Seed = None,
    format: options.Format = output.OutputFormat.table,
    home: options.Home = None,
) -> None:
    """Spearman correlations with the published exposure studies in the graph"""
    from graph.exposure import api

    sc = _scenario(scenario, reach, delay, remove_limitation, keep_limitation, set_limitation, at_expiry)
    try:
        corr, dis = api.compare(load_graph(home), year=year, scenario=sc, top=top, draws=draws, seed=seed)
    except ValueError as e:
        raise CommandError(str(e)) from None
    if format == output.OutputFormat.json:
        output.line(output.json_text({"correlations": output.records(corr), "disagreements": output.records(dis)}))
        return
    if format == output.OutputFormat.csv:
        both = [corr.assign(part="correlation"), dis.assign(part="disagreement")]
        import pandas as pd

        output.frame(pd.concat(both, ignore_index=True), "csv")
        return
    if not len(corr):
        output.line("no study ratings (Study-RATES) in this graph: build with the public sources to compare")
        return
    output.line("Spearman correlations (CraftGraph occupation exposure vs study measure):")
    output.frame(corr, "table", ["study", "measure", "level", "basis", "subset", "year", "n", "spearman", "p_value"])
    output.line("\nlargest disagreements (percentile-rank gap, current exposure):")
    cols = ["study", "measure", "occupation", "title", "craftgraph", "study_score", "rank_gap", "direction"]
    output.frame(dis, "table", cols)


def maturity(
    year: Annotated[
        int | None,
        typer.Option(
            "--year", metavar="YEAR", show_default=False, help="maturity in this year (default: the as-of year)"
        ),
    ] = None,
    scenario: Scenario = "expected",
    reach: Reach = None,
    delay: Delay = None,
    remove_limitation: RemoveLimitation = None,
    keep_limitation: KeepLimitation = None,
    set_limitation: SetLimitation = None,
    at_expiry: AtExpiry = None,
    draws: Draws = None,
    seed: Seed = None,
    format: options.Format = output.OutputFormat.table,
    home: options.Home = None,
) -> None:
    """capability maturity curves: fit quality and maturity by year"""
    from graph.exposure import api

    sc = _scenario(scenario, reach, delay, remove_limitation, keep_limitation, set_limitation, at_expiry)
    g = load_graph(home)
    year = year or api.current_year(g)
    q = api.fit_quality(g)
    m = api.maturity(g, scenario=sc, draws=draws, seed=seed)
    m = m[m["year"] == year][["capability", "maturity", "maturity_low", "maturity_high", "damped"]]
    cols = ["capability", "name", "evidence", "highest_level", "t50_date", "years_per_logit", "fit_status"]
    output.frame(
        q.merge(m, on="capability", how="left"), format, [*cols, "maturity", "maturity_low", "maturity_high", "damped"]
    )
    prior_only = int(q["fit_status"].str.startswith("prior only").sum())
    bad = q.loc[~q["converged"], "capability"].tolist()
    output.note(
        f"{int(q['converged'].sum())} of {len(q)} capability curves converged ({prior_only} prior only: no dated "
        "evidence)" + (f"; NOT converged: {', '.join(bad)}" if bad else ""),
        style="red" if bad else "dim",
    )


def bands(
    level: Annotated[Level, typer.Option("--level", help="craft, occupation, department or workforce")] = CRAFT,
    year: Annotated[int, typer.Option("--year", metavar="YEAR", help="the year (default 2035)")] = 2035,
    scenario: Scenario = "expected",
    draws: Draws = None,
    seed: Seed = None,
    format: options.Format = output.OutputFormat.table,
    home: options.Home = None,
) -> None:
    """Where each band comes from: timing (when capabilities mature) or judgement (the curated weights)

    The 80% band width with everything varied, with only timing varied (maturity curves, pace, half-lives)
    and with only judgement varied (link weights, severities, the level table), and each one's share of the
    variance. See docs/method.md §0.
    """
    from graph.exposure import api

    if str(level) in ("task", "all"):
        raise CommandError("--level is one of craft, occupation, department, workforce")
    g = load_graph(home)
    try:
        df = api.band_sources(g, level=str(level), year=year, scenario=scenario, draws=draws, seed=seed)
    except ValueError as e:
        raise CommandError(str(e)) from None
    df = df.sort_values(["band_width", "entity_id"], ascending=[False, True], kind="stable")
    cols = ["entity_id", "name", "year", "band_width", "band_width_timing_only", "band_width_judgement_only"]
    output.frame(df, format, [*cols, "timing_share", "judgement_share"])


def backtest(
    variants: Annotated[
        bool, typer.Option("--variants", help="also compare method variants (chosen on the early cutoffs)")
    ] = False,
    selection_only: Annotated[
        bool,
        typer.Option(
            "--selection-only",
            help="only score the variants on the early (selection) cutoffs and say which the rule adopts; "
            "the held-back cutoffs are not run",
        ),
    ] = False,
    draws: Annotated[int, typer.Option("--draws", metavar="N", min=50, help="Laplace draws per prediction")] = 400,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            metavar="DIR",
            show_default=False,
            help="store DIR/backtest.json and regenerate DIR/backtest.md and its plot",
        ),
    ] = None,
    store: Annotated[
        bool,
        typer.Option("--store", help="store the results with the current snapshot (the explorer page reads them)"),
    ] = False,
    status: Annotated[
        bool,
        typer.Option("--status", help="only say whether the current snapshot's stored results are current"),
    ] = False,
    format: options.Format = output.OutputFormat.table,
    catalog: options.Catalog = None,
    home: options.Home = None,
) -> None:
    """rolling-origin backtest of capability maturity: Brier, skill vs baselines, interval coverage, CRPS

    Refits every capability with the evidence known at each cutoff (2021-07..2025-07, six-monthly), predicts
    its next levels 12 and 24 months ahead and scores the predictions against the catalog (docs/backtest.md).
    Needs only the catalog; --store keeps the results with the current snapshot (about 20 s, with --variants
    a few minutes: too slow for every build, so a build only carries over results still current)."""
    from graph.exposure import backtest_store

    if status:
        res, st = backtest_store.load(snapshot_dir(home))
        output.line(st.message)
        if st.state != "current":
            raise typer.Exit(1)
        return
    from graph import snapshot
    from graph.exposure import backtest as bt
    from graph.exposure import backtest_report
    from graph.pipeline import collect

    if selection_only and (store or write is not None):
        raise CommandError("--selection-only scores the early cutoffs only: nothing to --store or --write")
    if store:
        snapshot_dir(home)  # no snapshot to store into: say so before the run, not after
    cat = options.catalog(catalog)
    tables, _ = collect(cat, None)
    if selection_only:
        sel = backtest_report.selection(bt.catalog_evidence(tables.nodes, tables.edges), draws)
        if format is output.OutputFormat.json:
            output.line(output.json_text(sel))
            return
        import pandas as pd

        output.note(f"variants of {sel['method_version']} on the early cutoffs; adopted: {sel['adopted']}")
        output.frame(pd.DataFrame(sel["variants"]), format)
        for n in sel["choice_notes"]:
            output.line(f"- {n}")
        return
    res = backtest_report.results(
        bt.catalog_evidence(tables.nodes, tables.edges), draws, variants, snapshot.catalog_hash(cat)
    )
    if store:
        try:
            path = backtest_store.store(options.home(home), res)
        except backtest_store.StoreRefused as e:
            raise CommandError(f"not stored: {e}") from None
        output.note(f"stored with the snapshot: {path}")
    if write is not None:
        backtest_report.write(res, write)
    out = backtest_report.cli_summary(res)
    if format is output.OutputFormat.json:
        output.line(output.json_text(out))
        return
    output.note(f"backtest of {out['method_version']} (adopted: {out['adopted']}); cutoffs {', '.join(out['cutoffs'])}")
    for part in ("all_cutoffs", "held_back_cutoffs"):
        output.line(part.replace("_", " ") + ":")
        import pandas as pd

        output.frame(pd.DataFrame(out[part]), format)


def snapshot_dir(home: Path | None) -> Path:
    from graph import snapshot

    return snapshot.current_dir(options.home(home))


class JobsView(StrEnum):
    headcounts = "headcounts"
    exposed = "exposed"
    trend = "trend"
    departments = "departments"


def jobs(
    what: Annotated[
        JobsView,
        typer.Argument(
            help="headcounts, exposed (jobs exposed by year), departments (headcount-weighted) or trend (QCEW)"
        ),
    ] = (JobsView.headcounts),
    area: Annotated[
        str, typer.Option("--area", help="area:us or a metro: area:metro-31080 (LA), -35620 (NY), -12060 (Atlanta)")
    ] = "area:us",
    scenario: Scenario = "expected",
    draws: Draws = None,
    seed: Seed = None,
    format: options.Format = output.OutputFormat.table,
    home: options.Home = None,
) -> None:
    """craft headcounts and wages (OEWS), jobs exposed by year, the QCEW film-production trend

    Headcounts are payroll jobs: OEWS excludes the self-employed, so every figure is a floor. The method
    (share-weighted occupations in the media industries; range by industry scope) is in graph/jobs.py.
    """
    from graph import jobs as jobs_mod
    from graph.exposure import api

    g = load_graph(home)
    if what == JobsView.trend:
        output.frame(jobs_mod.qcew_trend(g), format, None)
        return
    if what == JobsView.headcounts:
        hc = jobs_mod.craft_headcounts(g)
        hc = hc[hc["area_id"] == area] if not hc.empty else hc
        cols = ["craft_id", "area", "headcount", "headcount_low", "headcount_high", "median_wage"]
        output.frame(hc, format, [*cols, "wage_p10", "wage_p90"])
        return
    sc = _scenario(scenario, None, None, None, None, None)
    df = api.exposure(g, level="craft", scenario=sc, draws=draws, seed=seed)
    if what == JobsView.departments:
        year = api.current_year(g)
        dep = jobs_mod.departments(df[df["year"] == year], g, area)
        output.frame(dep.sort_values("jobs_exposed", ascending=False), format, None)
        return
    output.frame(jobs_mod.jobs_exposed(df, g, area), format, None)
