"""Jobs and places in the explorer: headcounts (graph.jobs, memoised per build), a local's places, and
the QCEW trend. Streamlit calls; the charts are in explorer.jobs_charts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.cache import Build
from explorer.ui import table

FLOOR = (
    "Payroll jobs, BLS OEWS May 2025: a floor, since OEWS excludes the self-employed (freelancers, loan-outs). "
    "Low: the craft's main industries; point: plus the industries it also works in; high: plus possible ones "
    "(curated links, docs/jobs.md). Metros assume the national industry mix."
)


def headcounts(b: Build) -> pd.DataFrame:
    from graph import jobs

    return b.memo(("craft_headcounts",), lambda: jobs.craft_headcounts(b.graph))


def trend(b: Build) -> pd.DataFrame:
    from graph import jobs

    return b.memo(("qcew_trend",), lambda: jobs.qcew_trend(b.graph))


def range_text(hc: pd.DataFrame, craft_id: str) -> str:
    """'1,200–1,500' from a frame indexed by craft id, '' when the craft has no estimate."""
    if craft_id not in hc.index or pd.isna(hc.at[craft_id, "headcount"]):
        return ""
    lo, hi = hc.at[craft_id, "headcount_low"], hc.at[craft_id, "headcount_high"]
    return f"{lo:,.0f}–{hi:,.0f}"


def local_places(b: Build, local_id: str, crafts: list[str], areas: pd.DataFrame) -> None:
    """Headcounts of the local's crafts in its areas (where OEWS publishes the area) and the QCEW film and
    video production payroll jobs there in the latest quarter."""
    hc = headcounts(b)
    rows = []
    for a, name in zip(areas["area_id"], areas["area"], strict=True):
        here = hc[(hc["area_id"] == a) & hc["craft_id"].isin(crafts)] if len(hc) else hc
        if len(here) and here["headcount"].notna().any():
            rows.append(
                {
                    "area": name,
                    "crafts_with_estimate": int(here["headcount"].notna().sum()),
                    "payroll_jobs": here["headcount"].sum(),
                    "low": here["headcount_low"].sum(),
                    "high": here["headcount_high"].sum(),
                }
            )
    if rows:
        st.markdown("**Payroll jobs of its crafts in its areas** (OEWS metro estimates)")
        table(pd.DataFrame(rows), f"local-jobs-{local_id}")
        st.caption(FLOOR)
    else:
        st.caption(
            "OEWS metro estimates in the graph cover Los Angeles, New York and Atlanta only; for other areas see the "
            "national figures in the crafts table."
        )
    film = qcew_latest(b, list(areas["area_id"]))
    if len(film):
        st.markdown("**Film and video production payroll jobs there** (QCEW, NAICS 512110, private, latest quarter)")
        table(film, f"local-qcew-{local_id}")


def qcew_latest(b: Build, area_ids: list[str]) -> pd.DataFrame:
    """The latest disclosed quarter of QCEW 512110 private employment in each area, with the same quarter a
    year earlier."""
    q = b.graph.nodes.get("QcewRecord")
    if q is None or not len(q):
        return pd.DataFrame()
    q = q[(q["naics_code"] == "512110") & (q["own_code"] == "5")]
    q = q.assign(area_id=["area:" + i.split(".")[1] for i in q["id"]])
    q = q[q["area_id"].isin(area_ids) & q["employment"].notna()]
    names = dict(zip(b.graph.nodes["Area"]["id"], b.graph.nodes["Area"]["name"], strict=True))
    rows = []
    for a, g in q.groupby("area_id"):
        g = g.sort_values(["year", "quarter"])
        last = g.iloc[-1]
        prev = g[(g["year"] == last["year"] - 1) & (g["quarter"] == last["quarter"])]
        rows.append(
            {
                "area": names.get(a, a),
                "quarter": f"{int(last['year'])} Q{int(last['quarter'])}",
                "payroll_jobs": round(float(last["employment"])),
                "a_year_earlier": round(float(prev.iloc[0]["employment"])) if len(prev) else None,
            }
        )
    return pd.DataFrame(rows)


def craft_industries(b: Build, craft_id: str) -> pd.DataFrame:
    """The craft's curated industries (WORKS_IN): NAICS code, name, role and the curator's note."""
    e = b.graph.edges.get("WORKS_IN")
    if e is None or not len(e):
        return pd.DataFrame()
    e = e[e["src"] == craft_id]
    ind = b.graph.nodes.get("Industry")
    names = dict(zip(ind["id"], ind["name"], strict=True)) if ind is not None else {}
    order = {"main": 0, "also": 1, "possible": 2}
    out = pd.DataFrame(
        {
            "naics": [d.removeprefix("naics:") for d in e["dst"]],
            "industry": [names.get(d, d) for d in e["dst"]],
            "role": e["role"].to_numpy(),
            "why": e["note"].to_numpy() if "note" in e.columns else None,
        }
    )
    return out.sort_values(by="role", key=lambda r: r.map(order), kind="stable").reset_index(drop=True)
