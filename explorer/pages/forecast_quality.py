"""How good are the forecasts? The rolling-origin backtest of capability maturity (docs/backtest.md), from the
results stored with the snapshot (`craftgraph backtest --store`): the verdict, scores per horizon against both
baselines, a reliability diagram, date-range coverage by domain and the biggest misses."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from explorer import forecast_quality as fq
from explorer import lookup, ui
from explorer.ui import chart, table
from explorer.widgets import choice

ALL = "All domains"


def reliability_chart(df: pd.DataFrame, title: str) -> alt.Chart:
    """Forecast chance (x) against how often the level was reached (y); the diagonal is a perfect forecast."""
    diag = alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})).mark_line(color="grey", strokeDash=[4, 4])
    diag = diag.encode(x="x:Q", y="y:Q")
    pct = alt.Axis(format="%")
    points = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "Forecast:Q", title="Forecast chance of reaching the level", axis=pct, scale=alt.Scale(domain=[0, 1])
            ),
            y=alt.Y("Reached:Q", title="Share that reached it", axis=pct, scale=alt.Scale(domain=[0, 1])),
            size=alt.Size("Forecasts:Q", legend=None),
            tooltip=[
                "Forecast bin:N",
                "Forecasts:Q",
                alt.Tooltip("Forecast:Q", format=".0%"),
                alt.Tooltip("Reached:Q", format=".0%"),
            ],
        )
    )
    return (diag + points).properties(title=title, height=320)


def main() -> None:
    b = ui.page(
        "How good are the forecasts?",
        "Each half-year from July 2021 to July 2025, the method was refitted with only the evidence known then and "
        "asked: which capabilities reach their next level within 12 and 24 months, and when? The answers are "
        "checked against what the catalog records. Details: docs/backtest.md.",
    )
    if b is None:
        return
    got = fq.stored(b.path, b.graph.manifest)
    if got.results is None:
        st.info(got.status.message)
        return
    if got.origin == "docs":
        st.warning(
            "No backtest is stored with this snapshot; shown: the one published in docs/backtest.json. "
            + (got.status.message if got.status.state != "current" else ""),
            icon=":material/history:",
        )
    elif got.status.state == "stale":
        st.warning(got.status.message, icon=":material/history:")
    else:
        st.caption(got.status.message)
    res = got.results

    st.subheader("In short")
    st.markdown("\n".join(f"- {line}" for line in fq.verdict(res)))

    st.subheader("Scores on the held-back cutoffs")
    table(fq.scores_frame(res["summary"]["late"]), "backtest-held-back")
    with st.expander("All cutoffs, and what the columns mean"):
        table(fq.scores_frame(res["summary"]["all"]), "backtest-all", key="dl-backtest-all")
        st.markdown(
            "- **Brier score**: mean squared error of the forecast chances (0 is perfect).\n"
            "- **Skill**: 1 − Brier / Brier of a baseline; above 0 beats it. The **pooled prior** knows each "
            "capability's current level and the field's typical pace, not its own history; **\"no new level\"** "
            "always forecasts that nothing happens.\n"
            "- **In 50% / 80% range**: of the levels reached within the horizon, the share whose date fell inside "
            "the forecast's central 50% / 80% range (well calibrated: about 50% and 80%).\n"
            "- **Date error (CRPS)**: how far the forecast date distribution was from the recorded date, in years."
        )

    st.subheader("Reliability: do forecast chances come true as often as they say?")
    domains = sorted({r["domain"] for r in res.get("reliability_by_domain", [])})
    pick = choice("Domain", [ALL, *domains], "domain", ALL, fmt=lambda d: fq.DOMAINS.get(d, d))
    dom = None if pick == ALL else pick
    rel = fq.reliability_frame(res, dom)
    title = f"{fq.DOMAINS.get(dom, dom) if dom else 'All domains'}, all cutoffs and horizons"
    chart(None, reliability_chart, rel, title)  # no memo: results can be stored into the same build later
    st.caption("Points below the dashed line: the method said more likely than it turned out.")

    st.subheader("Date ranges by capability domain")
    table(fq.domains_frame(res), "backtest-domains")

    st.subheader("The biggest misses")
    table(fq.misses_frame(res, lookup.names(b, "Capability")), "backtest-misses")

    if res.get("variants"):
        with st.expander("Method settings compared (chosen on the early cutoffs, reported on the held-back ones)"):
            table(fq.variants_frame(res), "backtest-variants")
            st.markdown("\n".join(f"- {n}" for n in res.get("choice_notes", [])))


main()
