"""Altair charts for the explorer (plain functions: frames in, charts out; no Streamlit calls)."""

from __future__ import annotations

import altair as alt
import pandas as pd

SCENARIO_COLOURS = {"slow": "#4c78a8", "expected": "#f58518", "fast": "#e45756", "custom": "#54a24b"}
MODE_COLOURS = {"automation": "#d62728", "augmentation": "#1f77b4", "automate": "#d62728", "augment": "#1f77b4"}
PCT = ".1~%"  # 0.5%, 1%, 20%: ticks never repeat ("0% 0% 1%")
LEAGUE_ROWS = 200  # every craft in the catalog; the page says "top N of M" when it cuts
YEAR_DOMAIN = [2024, 2036]
# 20 distinguishable colours (Vega's tableau20): one per department up to 20
DEPARTMENT_SCHEME = "tableau20"


def _scenario_scale(values) -> alt.Scale:
    vals = list(dict.fromkeys(values))
    return alt.Scale(
        domain=vals,
        range=[
            SCENARIO_COLOURS.get(str(v).split("+")[0], "#54a24b") if str(v) in SCENARIO_COLOURS else _custom_colour(i)
            for i, v in enumerate(vals)
        ],
    )


def _custom_colour(i: int) -> str:
    return ["#54a24b", "#b279a2", "#9d755d", "#72b7b2"][i % 4]


def exposure_over_time(df: pd.DataFrame, title: str = "", height: int = 300) -> alt.Chart:
    """Median exposure per year with its 80% band, one colour per scenario.

    df: year, scenario, median, low, high."""
    d = df[["year", "scenario", "median", "low", "high"]].copy()
    colour = alt.Color("scenario:N", scale=_scenario_scale(d["scenario"]), title="scenario")
    base = alt.Chart(d).encode(x=alt.X("year:O", title="year"))
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("low:Q", axis=alt.Axis(format=PCT), title="exposure (median, 80% band)"), y2="high:Q", color=colour
    )
    line = base.mark_line(point=True).encode(
        y="median:Q",
        color=colour,
        tooltip=[
            "scenario",
            "year",
            alt.Tooltip("median:Q", format=".1%"),
            alt.Tooltip("low:Q", format=".1%"),
            alt.Tooltip("high:Q", format=".1%"),
        ],
    )
    return (band + line).properties(title=title, height=height)


def automation_augmentation(df: pd.DataFrame, title: str = "", height: int = 260) -> alt.Chart:
    """Stacked automation and augmentation (their sum is the mean exposure) per year.

    df: year, automation, augmentation."""
    d = df[["year", "automation", "augmentation"]].melt("year", var_name="part", value_name="exposure")
    return (
        alt.Chart(d)
        .mark_area(opacity=0.8)
        .encode(
            x=alt.X("year:O"),
            y=alt.Y("exposure:Q", stack=True, axis=alt.Axis(format=PCT), title="mean exposure"),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(
                    domain=["automation", "augmentation"],
                    range=[MODE_COLOURS["automation"], MODE_COLOURS["augmentation"]],
                ),
            ),
            tooltip=["year", "part", alt.Tooltip("exposure:Q", format=".1%")],
        )
        .properties(title=title, height=height)
    )


def league(df: pd.DataFrame, label: str = "name", title: str = "", max_rows: int = LEAGUE_ROWS) -> alt.Chart:
    """Horizontal bars of the median with the 80% band as an error bar, sorted by median.

    df: <label>, median, low, high (and optionally department)."""
    d = df.dropna(subset=["median"]).sort_values("median", ascending=False).head(max_rows).copy()
    order = list(d[label])
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    tip = [
        label,
        alt.Tooltip("median:Q", format=".1%"),
        alt.Tooltip("low:Q", format=".1%"),
        alt.Tooltip("high:Q", format=".1%"),
    ]
    colour = alt.value("#f58518")
    if "department" in d.columns:
        depts = sorted(str(x) for x in d["department"].fillna("").unique())
        colour = alt.Color("department:N", title="department", scale=alt.Scale(domain=depts, scheme=DEPARTMENT_SCHEME))
        tip.append("department")
    bars = (
        alt.Chart(d)
        .mark_bar()
        .encode(y=y, x=alt.X("median:Q", axis=alt.Axis(format=PCT), title="exposure"), color=colour, tooltip=tip)
    )
    err = alt.Chart(d).mark_rule(color="#333").encode(y=y, x="low:Q", x2="high:Q")
    return (bars + err).properties(title=title, height=alt.Step(20))


def heatmap(df: pd.DataFrame, row: str = "name", title: str = "") -> alt.Chart:
    """Exposure by row (department) and year. df: <row>, year, median."""
    d = df[[row, "year", "median"]].copy()
    base = alt.Chart(d).encode(x=alt.X("year:O"), y=alt.Y(f"{row}:N", title=None, axis=alt.Axis(labelLimit=220)))
    rect = base.mark_rect().encode(
        color=alt.Color(
            "median:Q",
            scale=alt.Scale(scheme="orangered", domain=[0, max(0.05, float(d["median"].max() or 0))]),
            legend=alt.Legend(format=PCT),
            title="median",
        ),
        tooltip=[row, "year", alt.Tooltip("median:Q", format=".1%")],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("median:Q", format=".0%"),
        color=alt.condition("datum.median > 0.4", alt.value("white"), alt.value("black")),
    )
    return (rect + text).properties(title=title, height=alt.Step(24))


def maturity(
    curve: pd.DataFrame, milestones: pd.DataFrame | None = None, title: str = "", height: int = 300
) -> alt.LayerChart:
    """A capability's maturity curve (median and band), damped by limitations, with dated milestones.

    curve: t (decimal year), series ("maturity" / "damped by limitations"), median, low, high, scenario.
    milestones: t, level, maturity (the level's maturity), description, date."""
    colour = alt.Color("series:N", title=None)
    base = alt.Chart(curve).encode(x=alt.X("t:Q", title="year", axis=alt.Axis(format="d")))
    layers = [
        base.mark_area(opacity=0.15).encode(
            y=alt.Y("low:Q", axis=alt.Axis(format=PCT), title="maturity", scale=alt.Scale(domain=[0, 1])),
            y2="high:Q",
            color=colour,
        ),
        base.mark_line().encode(
            y="median:Q",
            color=colour,
            strokeDash=alt.StrokeDash("scenario:N", title="scenario"),
            tooltip=["series", "scenario", alt.Tooltip("t:Q", format=".1f"), alt.Tooltip("median:Q", format=".0%")],
        ),
    ]
    if milestones is not None and len(milestones):
        layers.append(
            alt.Chart(milestones)
            .mark_point(filled=True, size=90, shape="diamond", color="black")
            .encode(x="t:Q", y="maturity:Q", tooltip=["date", "level", "description"])
        )
    return alt.layer(*layers).properties(title=title, height=height)


def timeline(fc: pd.DataFrame, title: str = "", height_per_row: int = 22) -> alt.Chart:
    """A forecast path: each capability → task link as a row, the median date it crosses the threshold
    with the 80% band of dates. fc: label, t_median, t_low, t_high, mode, date."""
    d = fc.copy()
    d = d[pd.notna(d["t_median"])]
    for c in ("t_low", "t_high", "t_median"):  # a date axis: 2024-2036, bands beyond it end at its edge
        d[c] = d[c].clip(*YEAR_DOMAIN)
    order = list(d["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=380))
    # both layers share one explicit scale: a rule's quantitative x defaults to zero=True, and the layers'
    # domains are merged, which stretched the axis from 0 and squeezed every date into one spot
    xscale = alt.Scale(domain=YEAR_DOMAIN, nice=False, zero=False)
    x = alt.X(
        "t_median:Q",
        title="date the link crosses the threshold (median, 80% band)",
        scale=xscale,
        axis=alt.Axis(format="d", values=list(range(YEAR_DOMAIN[0], YEAR_DOMAIN[1] + 1))),
    )
    colour = alt.Color(
        "mode:N",
        scale=alt.Scale(domain=["automate", "augment"], range=[MODE_COLOURS["automate"], MODE_COLOURS["augment"]]),
    )
    rule = (
        alt.Chart(d)
        .mark_rule(strokeWidth=6, opacity=0.45)
        .encode(y=y, x=alt.X("t_low:Q", scale=xscale), x2="t_high:Q", color=colour)
    )
    pts = (
        alt.Chart(d)
        .mark_point(filled=True, size=80)
        .encode(y=y, x=x, color=colour, tooltip=["label", "date", "date_low", "date_high", "tools", "limitations"])
    )
    return (rule + pts).properties(title=title, height=alt.Step(height_per_row))


def contributions(df: pd.DataFrame, label: str, title: str = "", max_rows: int = 15) -> alt.Chart:
    """Bars of contributions (share of the score) by capability, tool, task, or held back by limitation."""
    d = df.head(max_rows).copy()
    order = list(d[label])
    return (
        alt.Chart(d)
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("value:Q", axis=alt.Axis(format=".1%"), title=title or "contribution"),
            tooltip=[label, alt.Tooltip("value:Q", format=".2%")],
        )
        .properties(height=alt.Step(22))
    )


def change_bars(df: pd.DataFrame, label: str = "name", title: str = "") -> alt.Chart:
    """Change in exposure per craft between a baseline and a custom scenario. df: <label>, change."""
    d = df.copy()
    order = list(d.sort_values("change", ascending=False)[label])
    return (
        alt.Chart(d)
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("change:Q", axis=alt.Axis(format="+.0%"), title="change in median exposure (points)"),
            color=alt.condition("datum.change >= 0", alt.value("#e45756"), alt.value("#4c78a8")),
            tooltip=[
                label,
                alt.Tooltip("baseline:Q", format=".1%"),
                alt.Tooltip("custom:Q", format=".1%"),
                alt.Tooltip("change:Q", format="+.1%"),
            ],
        )
        .properties(title=title, height=alt.Step(20))
    )


def scatter_compare(df: pd.DataFrame, x: str, y: str, label: str, title: str = "") -> alt.Chart:
    """CraftGraph exposure against a study's score, one point per occupation; `this` (bool) is highlighted."""
    colour = alt.value("#4c78a8")
    size = alt.value(50)
    if "this" in df.columns:
        colour = alt.condition("datum.this", alt.value("#e45756"), alt.value("#4c78a8"))
        size = alt.condition("datum.this", alt.value(200), alt.value(40))
    return (
        alt.Chart(df)
        .mark_circle(opacity=0.7)
        .encode(
            x=alt.X(f"{x}:Q", title=x, axis=alt.Axis(format=PCT)),
            y=alt.Y(f"{y}:Q", title=y),
            color=colour,
            size=size,
            tooltip=[label, alt.Tooltip(f"{x}:Q", format=".1%"), y],
        )
        .properties(title=title, height=320)
    )
