"""Display helpers every page uses: the page's top (`page`: title, what it answers, the current build),
metrics with their glossary tooltip, tables with their CSV, sources, percent columns, charts drawn from
cached specs, "not assessed" with its reason.

A new page:

    b = ui.page("Union locals", "Which crafts each local represents and how exposed they are.")
    if b is None:
        return
    ui.metric(col, "Exposure 2030", pct(x), "median")      # the tooltip comes from explorer.glossary
    ui.table(frame, "locals")                               # plain labels, ids hidden, CSV keeps them
    ui.terms("median", "band", "coverage_status")           # "What these numbers mean"
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import cache, glossary, labels, lookup, nav, quick
from explorer.formatting import csv_bytes, slug
from graph import snapshot
from graph.provenance import evidence_line, evidence_summary

PCT_COL = st.column_config.NumberColumn(format="percent")  # a marker: such columns are shown by labels.display
PCT_NAMES = tuple(labels.PCT_NAMES)


CATALOG_ONLY = quick.CATALOG_ONLY


def page(title: str, intro: str | None = None) -> cache.Build | None:
    """Every page's top, one layout: its title, one caption saying what the page answers, then the current
    build (None, with the reason shown on the page, when there is none: the page returns)."""
    st.title(title)
    if intro:
        st.caption(intro)
    return current_build()


def metric(container, label: str, value: str, term: str | None = None, *, help: str | None = None, **kw) -> None:
    """st.metric with its tooltip: `help`, else the glossary's text for `term` (a measure's code)."""
    container.metric(label, value, help=help or glossary.help_text(term or "") or None, **kw)


def terms(*keys: str, label: str = "What these numbers mean") -> None:
    """A collapsed expander defining the given glossary terms, with a link to the whole glossary."""
    with st.expander(label, icon=":material/help:"):
        st.markdown(glossary.bullets(list(keys)))
        nav.link("glossary", "The whole glossary")


def not_assessed(row, what: str = "craft") -> None:
    """The "not assessed" state, with its reason: no score, never a 0%."""
    status = row.get("coverage_status") if hasattr(row, "get") else None
    reason = row.get("coverage_reason") if hasattr(row, "get") else None
    status = status if isinstance(status, str) and status else glossary.NOT_ASSESSED
    text = f"**{status.capitalize()}**: this {what} has no exposure score in this build (which is not a 0%)."
    if isinstance(reason, str) and reason:
        text += f" Reason: {reason}"
    st.info(text, icon=":material/help:")


def current_build() -> cache.Build | None:
    """The current snapshot, loaded (a new build is picked up on the next rerun); built first when the
    home has none. On failure, says why on the page and returns None."""
    home = snapshot.default_home()
    try:
        try:
            snap = snapshot.current_dir(home)
        except snapshot.SnapshotError:
            with st.spinner("No snapshot yet: building the graph (once)…"):
                from explorer.launch import ensure_snapshot_once

                snap = ensure_snapshot_once(home)
        if cache.loaded(snap):
            return cache.build(snap)
        with st.spinner("Loading the graph…"):
            return cache.build(snap)
    except snapshot.SnapshotError as e:
        st.error(f"{e}. Build one with `craftgraph build`.")
    except Exception as e:  # shown on the page instead of a traceback
        _explain_failure(e)
    return None


def _explain_failure(e: Exception) -> None:
    problems = getattr(e, "problems", None)
    if problems:
        st.error(
            f"There is no snapshot yet and building one found {len(problems)} problem(s). "
            "Fix them (or run `craftgraph build --catalog DIR`) and reload."
        )
        st.code("\n".join(map(str, problems[:200])), language=None)
    else:
        st.error(f"Could not load the graph: {type(e).__name__}: {e}")


def pct_columns(df: pd.DataFrame, cols: tuple[str, ...] = PCT_NAMES) -> dict:
    """Column configs showing shares as percentages, for the columns of `df` among `cols`."""
    return {c: PCT_COL for c in cols if c in df.columns}


def download_csv(df: pd.DataFrame, file_name: str, key: str, **kw) -> None:
    """A "Download CSV" button; the CSV is made when the button is clicked, not on every rerun."""
    st.download_button(
        "Download CSV",
        lambda: csv_bytes(df),
        file_name,
        "text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
        **({"type": "tertiary"} | kw),
    )


def plain(df: pd.DataFrame, column_config: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """The frame as shown (explorer.labels.display) and its column config: names not ids, human titles,
    percentages, Yes/No/Unknown. Columns marked PCT_COL are shown as percentages; other configs given
    (e.g. a LinkColumn) are kept, with the human title."""
    given = dict(column_config or {})
    pcts = set(labels.PCT_NAMES) | {c for c, v in given.items() if v is PCT_COL or v == PCT_COL}
    shown, config = labels.display(df, pcts)
    for c, v in given.items():
        if c in config and config[c] is not None and v is not None and not (v is PCT_COL or v == PCT_COL):
            config[c] = {**dict(v), "label": config[c]["label"]}
    return shown, config


def table(df: pd.DataFrame, name: str, *, key: str | None = None, download: bool = True, **kw) -> None:
    """A table in plain labels (see `plain`) with a CSV download of the data itself (ids and fractions kept,
    lists joined with `;`)."""
    shown, config = plain(df, kw.pop("column_config", None))
    st.dataframe(shown, hide_index=kw.pop("hide_index", True), column_config=config, **kw)
    if download:
        download_csv(df, f"{slug(name)}.csv", key or f"dl-{slug(name)}")


def sources_table(b: cache.Build, source_ids, name: str = "sources", key: str | None = None) -> None:
    """The sources behind a set of facts, as a table with links and a CSV download, under one line that
    gives their grade mix, publication span and when they were last checked."""
    rows = lookup.sources_frame(b, source_ids)
    if not len(rows):
        st.caption("No sources.")
        return
    st.caption(evidence_line(evidence_summary(rows)))
    table(rows, name, key=key, column_config={"url": st.column_config.LinkColumn("url")})


CHART_DATA = "chart-data"


def chart(b: cache.Build | None, chart_fn, *args, key: tuple | None = None, **kwargs) -> None:
    """Draw `chart_fn(*args, **kwargs)` (explorer.charts) full width. With a key (what identifies the
    chart's content within the build, e.g. craft and scenario) the Vega-Lite spec is built once per build
    and shared by every session: altair's encoding inference and validation cost ~40 ms a chart."""

    def spec() -> dict:
        return stable_data(chart_fn(*args, **kwargs).to_dict(validate=False))

    value = b.memo(("chart", chart_fn.__name__, *key), spec) if b is not None and key is not None else spec()
    st.vega_lite_chart(spec=value, width="stretch")


def stable_data(spec: dict) -> dict:
    """The spec with its one inline dataset under a fixed name (altair names it after a hash of its
    content). Streamlit sends datasets apart from the spec, so two charts of the same kind (two crafts)
    then have the same spec, and the browser swaps the drawn chart's data instead of building a new chart
    (~100 ms of a craft change on the 2-core machine)."""
    datasets = spec.get("datasets") or {}
    if len(datasets) != 1 or spec.get("data") != {"name": next(iter(datasets))}:
        return spec
    return {**spec, "data": {"name": CHART_DATA}, "datasets": {CHART_DATA: next(iter(datasets.values()))}}


def exposure_metrics(r: pd.Series, year: int, series: pd.DataFrame) -> None:
    """A craft's or occupation's headline: exposure with its band, the scenarios' range beside it, technical
    reach, the automation/augmentation split and the share at full maturity."""
    from explorer import scores  # not at import: the start page imports this module and needs no scores
    from explorer.formatting import pct

    lo, hi = scores.series_range(series, year)
    m = [*st.columns(3), *st.columns(3)]  # two rows: a band "12%–34%" fits its column
    metric(m[0], f"Exposure {year}", pct(r["median"]), "median")
    metric(m[1], "80% band", f"{pct(r['low'])}–{pct(r['high'])}", "band")
    metric(m[2], "Scenario range", f"{pct(lo)}–{pct(hi)}", "scenario_range")
    metric(m[3], "Technical reach", pct(r["technical_median"]), "technical_median")
    metric(m[4], "Automation / augmentation", f"{pct(r['automation'])} / {pct(r['augmentation'])}", "automation")
    metric(m[5], "At full maturity", pct(r["potential"]), "potential")
