"""Start: a way in. Search by job title, craft, union local, tool or capability; how to read the numbers;
the most exposed and fastest-moving crafts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import nav, scores, search, ui
from explorer.cache import Build
from explorer.labels import pct_text
from explorer.scenario import spec

HOW_TO_READ = """\
- **What this is**: a research graph of AI tools, what they can do, and the tasks of the entertainment crafts
  they touch, with every fact sourced.
- **Exposure** is the importance-weighted share of a craft's tasks that AI capabilities can do (or assist), given
  how mature each capability is and the legal, contractual and technical limits holding it back.
- **Read the band, not just the number**: each score is the median of 1,000 draws with an 80% band; the
  scenarios (slow, expected, fast) differ in how fast capabilities mature.
- **Not assessed** means no capability in the catalog reaches the craft's tasks: it has no score, which is not 0%.
- **Every number leads to its why**: open a craft for its tasks, tools, limitations, timeline and sources.
"""
TOP_N = 10


def search_box(b: Build) -> None:
    text = st.text_input(
        "Search by job title, craft, union local, tool or capability",
        key="start-search",
        placeholder="e.g. film editor, boom operator, Local 600, voice cloning",
    )
    if not text.strip():
        return
    hits = search.search(b, text)
    if not hits:
        st.info(f"Nothing matches “{text}”. Try a shorter word or another title.")
        return
    st.caption(f"{len(hits)} match(es){' (the first 20)' if len(hits) == 20 else ''}: pick one to open its page.")
    cols = st.columns(2)
    for i, h in enumerate(hits):
        where = "" if h.target_name == h.text else f" → {h.target_name}"
        nav.link(h.page, f"{h.kind}: {h.text}{where}", cols[i % 2], **{h.param: h.target})


def top_crafts(b: Build, year: int) -> None:
    lg = scores.league(b, spec("expected"), year)
    base = scores.league(b, spec("expected"), scores.as_of_year(b))
    scored = lg.dropna(subset=["median"])
    c1, c2 = st.columns(2)
    with c1:
        st.subheader(f"Most exposed crafts, {year}")
        st.caption(f"Top {min(TOP_N, len(scored))} of {len(scored)} assessed crafts (expected scenario).")
        for r in scored.head(TOP_N).itertuples():
            band = f"{pct_text(r.low)}–{pct_text(r.high)}"
            nav.link("craft", f"{r.name}: {pct_text(r.median)} (80% band {band})", craft=r.entity_id, year=year)
    with c2:
        first = scores.as_of_year(b)
        st.subheader(f"Fastest-moving crafts, {first}–{year}")
        m = scored[["entity_id", "name", "median"]].merge(
            base[["entity_id", "median"]], on="entity_id", suffixes=("", "_now")
        )
        m["change"] = m["median"] - m["median_now"]
        m = m.dropna(subset=["change"]).sort_values(["change", "name"], ascending=[False, True]).head(TOP_N)
        st.caption(f"Largest rise in median exposure from {first} to {year} (expected scenario).")
        for r in m.itertuples():
            label = f"{r.name}: {pct_text(r.median_now)} → {pct_text(r.median)}"
            nav.link("craft", label, craft=r.entity_id, year=year)
    unassessed = lg["median"].isna().sum()
    if unassessed:
        st.caption(f"{unassessed} of {len(lg)} crafts are not assessed (no score, not a zero): see the Overview.")


def main() -> None:
    b = ui.page("CraftGraph: AI and the entertainment crafts")
    if b is None:
        return
    search_box(b)
    with st.container(border=True):
        st.markdown(HOW_TO_READ)
    year = scores.default_year(b)
    top_crafts(b, year)
    nav.link("overview", "Every craft: the league table and departments", year=year)
    st.caption(f"Build {b.id} · {pd.Timestamp(b.graph.manifest.get('created', 'now')).date()}")


main()
