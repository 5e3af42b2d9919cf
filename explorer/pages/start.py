"""Start: a way in. Search by job title, craft, union local, tool or capability; how to read the numbers;
the most exposed and fastest-moving crafts; what changed since the previous build.

The first page a visitor sees, so it is fast: the lists come from the snapshot's first-page view
(graph.views, written at build time) through explorer.quick, without loading the graph; the search loads
it on the first query (by then the app shell's background load has usually finished it)."""

from __future__ import annotations

import streamlit as st

from explorer import nav, quick

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
TITLE = "CraftGraph: AI and the entertainment crafts"


def pct_text(x) -> str:
    """As explorer.labels.pct_text (one decimal below 10%), without importing pandas."""
    if x is None or x != x:
        return "–"
    v = 100 * float(x)
    return f"{v:.1f}%" if abs(v) < 10 else f"{v:.0f}%"


def search_box() -> None:
    text = st.text_input(
        "Search by job title, craft, union local, tool or capability",
        key="start-search",
        placeholder="e.g. film editor, boom operator, Local 600, voice cloning",
    )
    if not text.strip():
        return
    from explorer import search, ui

    b = ui.current_build()
    if b is None:
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


def heading(title: str, note: str) -> None:
    """A subheading with its one-line note, as one element (each element costs the browser a render)."""
    st.markdown(f"### {title}\n:small[:gray[{note}]]")


def lists(view: dict) -> None:
    """The most exposed and the fastest-moving crafts (expected scenario), from the first-page view."""
    year, first = view["year"], view["as_of_year"]
    c1, c2 = st.columns(2)
    with c1:
        heading(
            f"Most exposed crafts, {year}",
            f"Top {len(view['top'])} of {view['assessed']} assessed crafts ({view['scenario']} scenario).",
        )
        for r in view["top"]:
            band = f"{pct_text(r['low'])}–{pct_text(r['high'])}"
            nav.link("craft", f"{r['name']}: {pct_text(r['median'])} (80% band {band})", craft=r["id"], year=year)
    with c2:
        heading(
            f"Fastest-moving crafts, {first}–{year}",
            f"Largest rise in median exposure from {first} to {year} ({view['scenario']} scenario).",
        )
        for r in view["fastest"]:
            nav.link("craft", f"{r['name']}: {pct_text(r['from'])} → {pct_text(r['to'])}", craft=r["id"], year=year)


def changes(manifest: dict) -> None:
    lines = manifest.get("changes") or []
    if lines:
        with st.expander(f"What changed since the previous build ({manifest.get('previous_build_id')})"):
            st.markdown("\n".join(f"- {line}" for line in lines))


def main() -> None:
    st.title(TITLE)
    snap = quick.current_snapshot()
    view = quick.start_view(snap)
    manifest = quick.manifest(snap) if snap else None
    if view is None or manifest is None:  # no snapshot yet, an older one, or one without scores
        from explorer import ui

        if ui.current_build() is None:
            return
        snap = quick.current_snapshot()
        view = quick.start_view(snap)
        manifest = quick.manifest(snap) if snap else None
    search_box()
    with st.container(border=True):
        st.markdown(HOW_TO_READ)
    if view is None or manifest is None:
        st.info("This build has no exposure scores: open the Overview or the Data page.")
        return
    lists(view)
    changes(manifest)
    nav.link("overview", "Every craft: the league table and departments", year=view["year"])
    st.caption(footer(view, manifest))


def footer(view: dict, manifest: dict) -> str:
    """The crafts not assessed (when any) and the build, in one line."""
    unassessed = view["crafts"] - view["assessed"]
    build = f"Build {manifest['build_id']} · {str(manifest.get('created', ''))[:10]}"
    if not unassessed:
        return build
    note = f"{unassessed} of {view['crafts']} crafts are not assessed (no score, not a zero): see the Overview."
    return f"{note} {build}"


main()
