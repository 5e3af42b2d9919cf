"""Contracts and law: the instruments (agreements, laws, bills), their clauses in plain words, which crafts
each reaches (coverage matrix), a timeline of their dates, and a craft's bargaining brief with the gaps."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from explorer import bargaining as render
from explorer import lookup, ui
from explorer.cache import Build, memoized
from explorer.ui import table
from explorer.widgets import choice, pick
from graph import bargaining as bg

TABS = ["Instruments", "Clauses", "Coverage matrix", "Timeline", "Bargaining brief", "Gaps across crafts"]
KIND_COLOURS = {
    "collective agreement": "#4c78a8",
    "side letter": "#72b7b2",
    "statute": "#f58518",
    "regulation": "#e45756",
    "code of practice": "#b279a2",
    "bill": "#9d755d",
}


@memoized
def brief(b: Build, craft_id: str, on: date) -> bg.Brief:
    with b.engine_lock:
        return bg.craft_brief(b.graph, craft_id, on=on)


@memoized
def gaps(b: Build, on: date) -> bg.Gaps:
    with b.engine_lock:
        return bg.gaps(b.graph, on=on)


def timeline_chart(df: pd.DataFrame, today: date) -> alt.Chart:
    """One bar per instrument from its effective date to its expiry (laws with no end run to 2036)."""
    d = df.assign(end=[e or "2036-12-31" for e in df["end"]], open_ended=[not e for e in df["end"]])
    colour = alt.Color("kind:N", scale=alt.Scale(domain=list(KIND_COLOURS), range=list(KIND_COLOURS.values())))
    bars = (
        alt.Chart(d)
        .mark_bar(height=14)
        .encode(
            x=alt.X("start:T", title=None, scale=alt.Scale(domain=["2023-01-01", "2036-12-31"])),
            x2="end:T",
            y=alt.Y("name:N", sort=alt.EncodingSortField("start"), title=None),
            color=colour,
            opacity=alt.condition("datum.open_ended", alt.value(0.45), alt.value(0.9)),
            tooltip=["name", "kind", "status", "effective", "expiry"],
        )
    )
    rule = alt.Chart(pd.DataFrame({"today": [today.isoformat()]})).mark_rule(color="#333").encode(x="today:T")
    return (bars + rule).properties(height=max(120, 22 * len(d)))


def instruments_tab(b: Build, today: date) -> None:
    df = bg.instruments_table(b.graph.nodes, b.graph.edges, today)
    if df.empty:
        st.info("No instruments in this build.")
        return
    st.caption(f"{len(df)} instruments; clauses in force on {today.isoformat()}.")
    table(df, "instruments", column_config={"url": st.column_config.LinkColumn("url")})


def clauses_tab(b: Build, today: date) -> None:
    df = bg.clauses_table(b.graph.nodes, b.graph.edges, today)
    if df.empty:
        st.info("No clauses in this build.")
        return
    names = ["All instruments", *sorted(df["instrument"].unique())]
    which = choice("Instrument", names, "instrument", "All instruments")
    only_live = st.toggle("Only clauses in force today", key="clauses-live")
    shown = df if which == "All instruments" else df[df["instrument"] == which]
    if only_live:
        shown = shown[shown["in_force_today"]]
    st.caption(f"{len(shown)} of {len(df)} clauses. Summaries are in our own words.")
    table(shown, "clauses")


def matrix_tab(b: Build, today: date) -> None:
    live = st.toggle("Only clauses in force today", value=True, key="matrix-live")
    m = bg.coverage_matrix(b.graph.nodes, b.graph.edges, today, in_force_only=live)
    if m.shape[1] <= 2:
        st.info("No clauses in this build.")
        return
    reached = m[(m.drop(columns=["craft_id", "craft"]).map(lambda v: v.isdigit())).any(axis=1)]
    if st.toggle("Only crafts an agreement names", value=True, key="matrix-named"):
        m = reached
    st.caption(
        "Number of clauses of each instrument that name the craft (or one of its tasks, or the agreement's "
        "crafts); 'law-wide (n)': a law's clauses that name no craft and reach everyone in its jurisdiction."
    )
    table(m, "coverage-matrix")


def timeline_tab(b: Build, today: date) -> None:
    df = bg.timeline_table(b.graph.nodes)
    if df.empty:
        st.info("No dated instruments in this build.")
        return
    st.caption("Effective date to expiry; faded bars are laws with no end date. The line is today.")
    st.altair_chart(timeline_chart(df, today), width="stretch")
    table(df.drop(columns=["start", "end"]), "instrument-dates")


def brief_tab(b: Build, today: date) -> None:
    craft_id = pick("Craft", lookup.names(b, "Craft"), "craft", show_id=False)
    if craft_id is None:
        return
    try:
        x = brief(b, craft_id, today)
    except KeyError:
        st.info("This craft has no exposure score in this build (no tasks), so it has no brief.")
        return
    st.markdown(render.headline(x))
    tables = render.path_tables(x)
    st.subheader("Exposed paths and their coverage")
    table(tables["exposed"][list(render.PATH_COLS)].rename(columns=render.PATH_COLS), "brief-paths", key="dl-bp")
    for heading, df in (
        ("Clauses that end before the path matures", x.expiring),
        ("Comparable provisions other unions won", x.comparable),
        ("New roles that grow from this craft", x.roles),
    ):
        st.subheader(heading)
        if df.empty:
            st.caption("None.")
        else:
            table(df, heading, key=f"dl-{heading[:12]}")
    st.caption(render.RULE)
    base = craft_id.split(":", 1)[-1]
    c1, c2, c3 = st.columns(3)
    for col, (label, fn, ext, mime) in zip(
        (c1, c2, c3),
        (
            ("Brief (HTML, printable)", render.brief_html, "html", "text/html"),
            ("Brief (Markdown)", render.brief_markdown, "md", "text/markdown"),
            ("Brief (JSON)", render.brief_json, "json", "application/json"),
        ),
        strict=True,
    ):
        col.download_button(label, fn(x), f"bargaining-brief-{base}.{ext}", mime, key=f"dl-bargaining-{ext}")


def gaps_tab(b: Build, today: date) -> None:
    st.caption("Every craft's exposed paths that no clause in force covers, most jobs first, then earliest date.")
    if not st.toggle("Compute the gaps table (a minute on the full data)", key="gaps-on"):
        return
    g = gaps(b, today)
    st.markdown(render.gaps_headline(g))
    rows = g.gaps
    table(rows[[c for c in [*render.GAP_FIELDS, "date"] if c in rows.columns]], "gaps")


def main() -> None:
    b = ui.page(
        "Contracts and law",
        "Collective agreements, laws and bills with AI terms, clause by clause; which crafts they reach; and, "
        "for a craft, which of its exposed work no clause in force covers.",
    )
    if b is None:
        return
    today = date.today()
    ui.terms("instrument", "clause", "exposed_path", "covered", "partly covered", "not covered")
    tab = st.tabs(TABS)
    with tab[0]:
        instruments_tab(b, today)
    with tab[1]:
        clauses_tab(b, today)
    with tab[2]:
        matrix_tab(b, today)
    with tab[3]:
        timeline_tab(b, today)
    with tab[4]:
        brief_tab(b, today)
    with tab[5]:
        gaps_tab(b, today)


main()
