"""What the "How good are the forecasts?" page shows, from the backtest's stored results (the same dict that
docs/backtest.md is generated from): which results, whether current, the verdict in words, and plain tables.
No Streamlit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from explorer.labels import pct_text
from graph.exposure import backtest_store

LEVELS = {
    "research": "Research",
    "demo": "Demo",
    "commercial_beta": "Commercial beta",
    "commercial": "Commercial",
    "production_used": "Production use",
    "industry_standard": "Industry standard",
}
DOMAINS = {
    "video": "Video",
    "image": "Image",
    "audio": "Audio and voice",
    "text": "Language (text)",
    "3d": "3D and VFX",
    "motion": "Motion and performance capture",
    "robotics": "Robotics and live",
    "data": "Data and search",
    "agents": "Agents",
    "code": "Code",
    "other": "Other",
}
COVERAGE_TARGET = (0.70, 0.90)


@dataclass
class Stored:
    results: dict | None
    status: backtest_store.Status
    origin: str  # "snapshot", "docs" or "" (none)


def stored(snap: Path, manifest: dict) -> Stored:
    """The snapshot's stored results; else those published in docs/backtest.json, judged against this
    snapshot's catalog and the engine's method version."""
    res, st = backtest_store.load(snap)
    if st.usable:
        return Stored(res, st, "snapshot")
    docs = backtest_store.read(backtest_store.DOCS_RESULTS)
    if docs:
        return Stored(docs, backtest_store.status(docs, backtest_store.manifest_catalog_hash(manifest)), "docs")
    return Stored(None, st, "")


def _skill(x: float | None) -> str:
    return "–" if x is None else f"{x:+.2f}"


def verdict(res: dict) -> list[str]:
    """The held-back cutoffs' result in plain sentences: coverage against its target, skill against each
    baseline (beats it or loses to it)."""
    late = res["summary"]["late"]
    span = f"{res['late'][0]} to {res['late'][-1]}"
    out = [
        f"Scored on the forecasts made at the held-back cutoffs ({span}), which played no part in choosing "
        f"the method's settings ({res.get('adopted', 'default')})."
    ]
    for r in late:
        h = r["horizon_months"]
        if not r.get("n"):
            out.append(f"{h} months ahead: no forecast could be scored yet.")
            continue
        cov = r.get("coverage80")
        lo, hi = COVERAGE_TARGET
        on_target = cov is not None and lo <= cov <= hi
        cov_txt = (
            f"the 80% date ranges held {pct_text(cov)} of the dates levels were reached "
            f"({'on target' if on_target else 'off target'}: {lo:.0%}–{hi:.0%})"
            if cov is not None
            else "no level came within the horizon, so no date range could be checked"
        )
        bp, bs = r.get("bss_prior"), r.get("bss_persistence")
        beats = [name for name, x in (("the pooled-prior baseline", bp), ('"no new level"', bs)) if x and x > 0]
        loses = [
            name for name, x in (("the pooled-prior baseline", bp), ('"no new level"', bs)) if x is not None and x <= 0
        ]
        if not loses:
            prob = "the chances of reaching the next level **beat both baselines**"
        elif not beats:
            prob = "the chances of reaching the next level **lose to both baselines**"
        else:
            prob = f"the chances of reaching the next level beat {beats[0]} but **lose to {loses[0]}**"
        out.append(
            f"{h} months ahead ({r['n']} forecasts): {cov_txt}; {prob} (skill {_skill(bp)} against the pooled "
            f'prior, {_skill(bs)} against "no new level"; above 0 means better than the baseline).'
        )
    return out


def scores_frame(rows: list[dict]) -> pd.DataFrame:
    """Per horizon: n, Brier, skill against both baselines, interval coverage, CRPS (plain column names)."""
    return pd.DataFrame(
        {
            "Horizon": [f"{r['horizon_months']} months" for r in rows],
            "Forecasts": [r.get("n") for r in rows],
            "Reached (share)": [pct_text(r.get("base_rate")) for r in rows],
            "Brier score (0 best)": [r.get("brier") for r in rows],
            "Skill vs pooled prior": [r.get("bss_prior") for r in rows],
            'Skill vs "no new level"': [r.get("bss_persistence") for r in rows],
            "Dates checked": [r.get("n_dates") for r in rows],
            "In 50% range": [pct_text(r.get("coverage50")) for r in rows],
            "In 80% range": [pct_text(r.get("coverage80")) for r in rows],
            "Date error (CRPS, years)": [r.get("crps_years") for r in rows],
        }
    )


def reliability_frame(res: dict, domain: str | None = None) -> pd.DataFrame:
    """Predicted chance (bin mean) against how often the level was reached, with the count per bin."""
    rows = res["reliability"] if domain is None else [r for r in res["reliability_by_domain"] if r["domain"] == domain]
    df = pd.DataFrame(rows, columns=["bin", "n", "mean_p", "observed"])
    return df.rename(columns={"bin": "Forecast bin", "n": "Forecasts", "mean_p": "Forecast", "observed": "Reached"})


def domains_frame(res: dict) -> pd.DataFrame:
    rows = res["by_domain"]
    return pd.DataFrame(
        {
            "Domain": [DOMAINS.get(r["domain"], str(r["domain"]).capitalize()) for r in rows],
            "Forecasts": [r.get("n") for r in rows],
            "Reached (share)": [pct_text(r.get("base_rate")) for r in rows],
            "Skill vs pooled prior": [r.get("bss_prior") for r in rows],
            "Dates checked": [r.get("n_dates") for r in rows],
            "In 50% range": [pct_text(r.get("coverage50")) for r in rows],
            "In 80% range": [pct_text(r.get("coverage80")) for r in rows],
        }
    )


def misses_frame(res: dict, cap_names: dict[str, str]) -> pd.DataFrame:
    rows = res["misses"]
    return pd.DataFrame(
        {
            "Capability": [cap_names.get(r["capability"], _unid(r["capability"])) for r in rows],
            "Level": [LEVELS.get(r["level"], r["level"]) for r in rows],
            "Forecast made": [r["cutoff"] for r in rows],
            "Horizon": [f"{r['horizon_months']} months" for r in rows],
            "Forecast chance": [pct_text(r["p"]) for r in rows],
            "Reached in time?": ["Yes" if r["happened"] else "No" for r in rows],
            "Reached (catalog)": [r["recorded_date"] for r in rows],
        }
    )


def _unid(cap_id: str) -> str:
    """A capability no longer in the build: its id made readable (cap:search-footage -> Search footage)."""
    return cap_id.split(":", 1)[-1].replace("-", " ").capitalize()


def variants_frame(res: dict) -> pd.DataFrame:
    rows = res.get("variants") or []
    return pd.DataFrame(
        {
            "Setting": [r["variant"] for r in rows],
            "Cutoffs": ["choosing (early)" if r["cutoffs"] == "early" else "held back (late)" for r in rows],
            "Horizon": [f"{r['horizon_months']} months" for r in rows],
            "Forecasts": [r.get("n") for r in rows],
            "Brier score (0 best)": [r.get("brier") for r in rows],
            "Skill vs pooled prior": [r.get("bss_prior") for r in rows],
            "In 80% range": [pct_text(r.get("coverage80")) for r in rows],
        }
    )
