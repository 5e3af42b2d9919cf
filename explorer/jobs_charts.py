"""Altair charts of jobs and places (plain functions: frames in, charts out; no Streamlit calls)."""

from __future__ import annotations

import altair as alt
import pandas as pd

PERIOD_COLOURS = {"covid": "#bab0ac", "2023 strikes": "#f2cf5b"}


def _quarter_start(year: int, quarter: int) -> str:
    return f"{year}-{3 * (quarter - 1) + 1:02d}-01"


def trend_long(wide: pd.DataFrame, areas: list[str]) -> pd.DataFrame:
    """graph.jobs.qcew_trend's one-row-per-quarter frame → one row per (quarter, area) with a date."""
    keep = [a for a in areas if a in wide.columns]
    d = wide[["year", "quarter", *keep]].melt(["year", "quarter"], var_name="area", value_name="employment")
    d = d.dropna(subset=["employment"])
    d["date"] = [_quarter_start(int(y), int(q)) for y, q in zip(d["year"], d["quarter"], strict=True)]
    d["quarter_label"] = [f"{int(y)} Q{int(q)}" for y, q in zip(d["year"], d["quarter"], strict=True)]
    return d


def periods(wide: pd.DataFrame) -> pd.DataFrame:
    """The marked periods (COVID shutdown, 2023 strikes) as date ranges covering their quarters."""
    rows = []
    marked = wide.dropna(subset=["period"])
    for name, g in marked.groupby("period"):
        first, last = g.iloc[0], g.iloc[-1]
        end_q = int(last["quarter"]) % 4 + 1
        end_y = int(last["year"]) + (1 if int(last["quarter"]) == 4 else 0)
        rows.append(
            {
                "period": name,
                "start": _quarter_start(int(first["year"]), int(first["quarter"])),
                "end": _quarter_start(end_y, end_q),
            }
        )
    return pd.DataFrame(rows, columns=["period", "start", "end"])


def qcew_trend(wide: pd.DataFrame, areas: list[str], title: str = "", height: int = 320) -> alt.LayerChart:
    """Quarterly payroll employment in film and video production per area (log scale: the nation and a
    county on one axis), with the COVID shutdown and the 2023 strikes shaded."""
    d = trend_long(wide, areas)
    p = periods(wide)
    shade = (
        alt.Chart(p)
        .mark_rect(opacity=0.35)
        .encode(
            x="start:T",
            x2="end:T",
            color=alt.Color(
                "period:N",
                scale=alt.Scale(domain=list(PERIOD_COLOURS), range=list(PERIOD_COLOURS.values())),
                title="marked period",
            ),
            tooltip=["period"],
        )
    )
    line = (
        alt.Chart(d)
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("date:T", title="quarter"),
            y=alt.Y("employment:Q", scale=alt.Scale(type="log"), title="payroll jobs (log scale)"),
            strokeDash=alt.StrokeDash("area:N", title="area"),
            detail="area:N",
            tooltip=["area", "quarter_label", alt.Tooltip("employment:Q", format=",.0f")],
        )
    )
    return alt.layer(shade, line).resolve_scale(color="independent").properties(title=title, height=height)


def jobs_exposed(df: pd.DataFrame, title: str = "", height: int = 260) -> alt.LayerChart:
    """All crafts' jobs exposed per year with its band. df: year, jobs_exposed, jobs_exposed_low, _high."""
    base = alt.Chart(df).encode(x=alt.X("year:O", title="year"))
    band = base.mark_area(opacity=0.2).encode(
        y=alt.Y("jobs_exposed_low:Q", title="jobs exposed (band)"), y2="jobs_exposed_high:Q"
    )
    line = base.mark_line(point=True).encode(
        y="jobs_exposed:Q",
        tooltip=[
            "year",
            alt.Tooltip("jobs_exposed:Q", format=",.0f"),
            alt.Tooltip("jobs_exposed_low:Q", format=",.0f"),
            alt.Tooltip("jobs_exposed_high:Q", format=",.0f"),
        ],
    )
    return alt.layer(band, line).properties(title=title, height=height)
