"""The backtest's stored results (docs/backtest.json) and the page generated from them (docs/backtest.md).

`results()` runs the backtest (and, when asked, the method variants) and returns one JSON-ready dict; the docs
page, its reliability plot and the CLI all read that dict, so they cannot disagree.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from graph.exposure import backtest as bt
from graph.exposure.config import METHOD_VERSION, MethodConfig
from graph.exposure.frames import format_year

SUMMARY_COLS = (
    "horizon_months",
    "n",
    "base_rate",
    "brier",
    "brier_prior",
    "brier_persistence",
    "bss_prior",
    "bss_persistence",
    "n_dates",
    "coverage50",
    "coverage80",
    "crps_years",
    "crps_years_prior",
)


def _clean(obj):
    """JSON-safe: NaN -> None, numpy scalars -> Python."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return None if not np.isfinite(obj) else round(float(obj), 4)
    return obj


def _parts(pred: pd.DataFrame) -> dict[str, list[dict]]:
    return {
        "all": bt.by_horizon(pred),
        "early": bt.by_horizon(pred, bt.EARLY),
        "late": bt.by_horizon(pred, bt.LATE),
    }


def _coverage_by_domain(pred: pd.DataFrame) -> list[dict]:
    rows = []
    for dom, g in pred.groupby("domain", sort=True):
        s = bt.score(g)
        rows.append({"domain": dom, **{k: s.get(k) for k in ("n", "base_rate", "brier", "bss_prior", "n_dates")}})
        rows[-1].update(coverage50=s.get("coverage50"), coverage80=s.get("coverage80"))
    return rows


def _misses(pred: pd.DataFrame, top: int = 12) -> list[dict]:
    d = pred.assign(sq=(pred["p"] - pred["outcome"]) ** 2).sort_values("sq", ascending=False).head(top)
    return [
        dict(
            capability=r.capability,
            level=r.level,
            cutoff=bt.cutoff_label(r.cutoff),
            horizon_months=round(r.horizon * 12),
            p=r.p,
            happened=bool(r.outcome),
            recorded_date=format_year(r.date) if np.isfinite(r.date) else "not yet",
        )
        for r in d.itertuples()
    ]


def results(ev: bt.Evidence, draws: int = 400, with_variants: bool = False, catalog_hash: str | None = None) -> dict:
    """Run the backtest; with variants, choose on the early cutoffs and report the chosen one on the late ones.
    `catalog_hash` (graph.snapshot.catalog_hash of the catalog it ran on) is stored with the results: stored
    results are current for a snapshot built from the same catalog (graph/exposure/backtest_store.py)."""
    base = MethodConfig()
    adopted, notes, table = "default", [], None
    if with_variants:
        configs = bt.variants(base)
        table, preds = bt.compare_variants(ev, configs, draws=draws)
        adopted, notes = bt.choose(table, preds, configs)
        pred = preds[adopted]
        default_pred = preds["default"]
    else:
        pred = default_pred = bt.run(ev, base, draws=draws)
    delayed = int(np.sum(ev.evidence["known_from"] - ev.evidence["t"] > 0.75))
    out = dict(
        method_version=METHOD_VERSION,
        catalog_hash=catalog_hash,
        created=datetime.now(UTC).strftime("%Y-%m-%d"),
        data_end=format_year(ev.data_end),
        cutoffs=[bt.cutoff_label(c) for c in bt.CUTOFFS],
        early=[bt.cutoff_label(c) for c in bt.EARLY],
        late=[bt.cutoff_label(c) for c in bt.LATE],
        draws=draws,
        n_capabilities=len(ev.caps),
        n_evidence=len(ev.evidence),
        n_delayed_by_sources=delayed,
        adopted=adopted,
        choice_notes=notes,
        summary=_parts(pred),
        default_summary=_parts(default_pred),
        by_step=[
            dict(step=int(s), level=str(lv), **bt.score(g))
            for (s, lv), g in pred.groupby(["step", "level"], sort=True)
            if len(g)
        ],
        reliability=bt.reliability(pred).to_dict("records"),
        reliability_by_domain=bt.reliability(pred, "domain").to_dict("records"),
        by_domain=_coverage_by_domain(pred),
        misses=_misses(pred),
        variants=table.to_dict("records") if table is not None else [],
    )
    return _clean(out)


def selection(ev: bt.Evidence, draws: int = 400) -> dict:
    """The variants scored on the early (selection) cutoffs only, and the one the choice rule adopts: what a
    method change is decided on, without running (or seeing) the held-back cutoffs."""
    configs = bt.variants(MethodConfig())
    table, preds = bt.compare_variants(ev, configs, draws=draws, selection_only=True)
    adopted, notes = bt.choose(table, preds, configs)
    return _clean(
        dict(method_version=METHOD_VERSION, adopted=adopted, choice_notes=notes, variants=table.to_dict("records"))
    )


def cli_summary(res: dict) -> dict:
    """What `craftgraph backtest --format json` prints: per horizon, over all cutoffs and the held-back ones."""

    def pick(rows):
        keep = ("horizon_months", "n", "brier", "bss_prior", "bss_persistence", "coverage50", "coverage80")
        return [{k: r.get(k) for k in (*keep, "crps_years")} for r in rows]

    return dict(
        method_version=res["method_version"],
        catalog_hash=res.get("catalog_hash"),
        created=res.get("created"),
        adopted=res["adopted"],
        cutoffs=res["cutoffs"],
        all_cutoffs=pick(res["summary"]["all"]),
        held_back_cutoffs=pick(res["summary"]["late"]),
    )


# ------------------------------------------------------------------------------------------------- the page


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _table(rows: list[dict], cols: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c)) for c in cols) + " |")
    return "\n".join(lines)


def _targets(res: dict) -> list[str]:
    """The issue's targets on the held-back cutoffs, stated plainly (met or missed)."""
    late = res["summary"]["late"]

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**missed**"

    cov = [r.get("coverage80") for r in late]
    bss = [r.get("bss_prior") for r in late]
    per = [r.get("bss_persistence") for r in late]
    cov_ok = all(c is not None and 0.7 <= c <= 0.9 for c in cov)
    bss_ok = all(b is not None and b > 0 for b in bss)
    per_ok = all(b is not None and b > 0 for b in per)
    show = lambda xs: ", ".join(f"{r['horizon_months']} months {_fmt(x)}" for r, x in zip(late, xs, strict=True))  # noqa: E731
    return [
        f"- 80 % interval coverage between 0.70 and 0.90: {verdict(cov_ok)} ({show(cov)}).",
        f"- Brier skill above 0 against the pooled-prior baseline: {verdict(bss_ok)} ({show(bss)}).",
        f"- Brier skill above 0 against persistence: {verdict(per_ok)} ({show(per)}).",
    ]


def markdown(res: dict, intro: str) -> str:
    """docs/backtest.md: the fixed text (rule, limits) plus the tables of the stored results."""
    main = ("horizon_months", "n", "base_rate", "brier", "bss_prior", "bss_persistence", "coverage50", "coverage80")
    parts = [
        intro.rstrip(),
        "",
        "## Results (generated by `craftgraph backtest --write docs`; do not edit below this line)",
        "",
        f"Run of {res.get('created') or 'unknown date'}: method `{res['method_version']}`, catalog "
        f"`{str(res.get('catalog_hash') or 'unknown')[:12]}` (data end {res['data_end']}), "
        f"{res['n_capabilities']} capabilities, "
        f"{res['n_evidence']} dated evidence rows ({res['n_delayed_by_sources']} known only later than their event "
        f"date because their sources were published later), {res['draws']} draws. Cutoffs {', '.join(res['cutoffs'])}; "
        f"variants chosen on {res['early'][0]}..{res['early'][-1]}, reported on {res['late'][0]}..{res['late'][-1]}. "
        f"Adopted: **{res['adopted']}**.",
        "",
        "### Held-back cutoffs (the adopted method)",
        "",
        _table(res["summary"]["late"], (*main, "crps_years", "crps_years_prior")),
        "",
        *_targets(res),
        "",
        "### All cutoffs",
        "",
        _table(res["summary"]["all"], (*main, "crps_years", "crps_years_prior")),
        "",
        "Brier: mean squared error of the level-reached probabilities (0 best). `bss_prior`, `bss_persistence`: "
        "skill against the pooled-prior-only model and against persistence (no new level); above 0 beats it. "
        "Coverage: share of recorded level dates inside the 50 % and 80 % predictive intervals (given the level came "
        "within the horizon). CRPS in years (0 best).",
        "",
        "### By level step (all cutoffs and horizons)",
        "",
        _table(res["by_step"], ("step", "level", "n", "base_rate", "brier", "bss_prior", "bss_persistence")),
        "",
        "### Reliability (all cutoffs and horizons)",
        "",
        _table(res["reliability"], ("bin", "n", "mean_p", "observed")),
        "",
        "![reliability](backtest_reliability.png)",
        "",
        "### By capability domain",
        "",
        _table(
            res["by_domain"], ("domain", "n", "base_rate", "brier", "bss_prior", "n_dates", "coverage50", "coverage80")
        ),
        "",
        "Reliability by domain: `reliability_by_domain` in `docs/backtest.json`.",
        "",
        "### Biggest misses",
        "",
        _table(res["misses"], ("capability", "level", "cutoff", "horizon_months", "p", "happened", "recorded_date")),
        "",
    ]
    if res["variants"]:
        parts += [
            "### Method variants (early cutoffs choose, late cutoffs report)",
            "",
            _table(
                res["variants"],
                ("variant", "cutoffs", "horizon_months", "n", "brier", "bss_prior", "coverage50", "coverage80"),
            ),
            "",
            "Paired Brier differences against the default on the early cutoffs (a variant is adopted only when it "
            "is better by more than two standard errors):",
            "",
            *[f"- {n}" for n in res["choice_notes"]],
            "",
        ]
    return "\n".join(parts)


def plot_reliability(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="perfect calibration")
    r = pd.DataFrame(res["reliability"])
    ax.plot(r["mean_p"], r["observed"], "o-", label="all domains")
    ax.set_xlabel("predicted probability of reaching the level")
    ax.set_ylabel("observed frequency")
    ax.set_title(f"Backtest reliability ({res['method_version']}, {res['adopted']})", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


INTRO_MARKER = "## Results (generated"


def write(res: dict, docs: Path) -> None:
    """docs/backtest.json (the stored results), docs/backtest.md (fixed text kept, tables regenerated), plot."""
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "backtest.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    page = docs / "backtest.md"
    intro = page.read_text(encoding="utf-8").split(INTRO_MARKER)[0] if page.exists() else "# Backtest\n"
    page.write_text(markdown(res, intro) + "\n", encoding="utf-8")
    plot_reliability(res, docs / "backtest_reliability.png")


STORED = Path(__file__).resolve().parents[2] / "docs" / "backtest.json"


def calibration_text(res: dict | None, stale: str = "") -> str:
    """One sentence on the forecast method's measured calibration (held-back cutoffs, 12 months), for briefs;
    empty without results. `stale`: why the results may no longer describe the method or catalog."""
    late = {r["horizon_months"]: r for r in (res or {}).get("summary", {}).get("late", [])}
    r = late.get(12)
    if not r or r.get("coverage80") is None or r.get("bss_prior") is None:
        return ""
    out = (
        f"Measured calibration of the maturity forecasts ({res['method_version']}, backtest on cutoffs "
        f"{res['late'][0]}..{res['late'][-1]}, docs/backtest.md): 12 months ahead, the 80 % date intervals held "
        f"{r['coverage80']:.0%} of recorded level dates (n = {r['n_dates']}), and the level probabilities scored a "
        f"Brier skill of {r['bss_prior']:+.2f} against the pooled-prior baseline and {r['bss_persistence']:+.2f} "
        f"against persistence (n = {r['n']}; above 0 is better than the baseline)."
    )
    return f"{out} {stale}" if stale else out


def calibration_line(path: Path = STORED) -> str:
    """calibration_text of the results stored at `path` (docs/backtest.json by default); empty when none are
    at hand (e.g. an installed wheel without docs/)."""
    try:
        res = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return calibration_text(res)
