"""Union local: the crafts it represents, the areas of its jurisdiction, payroll headcounts there, and how
exposed its crafts are (with bands; a craft nothing reaches is "not assessed", never 0 %)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import jobs_view, lookup, nav, scores
from explorer.cache import Build
from explorer.labels import pct_text
from explorer.scenario import spec
from explorer.ui import page, pct_columns, sources_table, table
from explorer.widgets import pick, year_and_scenario

FIT = {"same": "its jurisdiction", "inside": "its jurisdiction lies inside", "larger": "part of its jurisdiction"}


def crafts_of(b: Build, local_id: str) -> list[str]:
    return sorted(lookup.neighbours(b, "REPRESENTED_BY", local_id, direction="in"))


def areas_of(b: Build, local_id: str) -> pd.DataFrame:
    """The local's areas (COVERS_AREA) with name, kind and how the jurisdiction fits the area."""
    e = lookup.edges(b, "COVERS_AREA", ("src", "dst", "fit", "note", "source_ids"))
    e = e[e["src"] == local_id]
    names = lookup.names(b, "Area")
    kinds = lookup.names(b, "Area", "kind")
    return pd.DataFrame(
        {
            "area_id": e["dst"].to_numpy(),
            "area": [names.get(a, a) for a in e["dst"]],
            "kind": [kinds.get(a, "") for a in e["dst"]],
            "fit": [FIT.get(f, f) for f in e["fit"]],
        }
    )


def exposure_text(r: pd.Series) -> str:
    if pd.isna(r["median"]):
        why = r.get("coverage_reason") or "no capability in the catalog reaches its tasks"
        return f"not assessed ({why})"
    return f"{pct_text(r['median'])} (80% band {pct_text(r['low'])}–{pct_text(r['high'])})"


def crafts_table(b: Build, local_id: str, crafts: list[str], year: int, scenario: str) -> None:
    lg = scores.league(b, spec(scenario), year)
    lg = lg[lg["entity_id"].isin(crafts)].copy()
    names = lookup.names(b, "Craft")
    missing = [c for c in crafts if c not in set(lg["entity_id"])]
    if missing:  # a craft with no score row at all is not assessed either
        extra = pd.DataFrame({"entity_id": missing, "name": [names.get(c, c) for c in missing]})
        lg = pd.concat([lg, extra], ignore_index=True)
    lg["exposure"] = [exposure_text(r) for _, r in lg.iterrows()]
    hc = jobs_view.headcounts(b)
    if len(hc):
        us = hc[hc["area_id"] == "area:us"].set_index("craft_id")
        lg["payroll_jobs_us"] = lg["entity_id"].map(us["headcount"])
        lg["payroll_jobs_us_range"] = [jobs_view.range_text(us, c) for c in lg["entity_id"]]
    cols = [c for c in ("entity_id", "name", "department", "exposure", "median", "low", "high") if c in lg.columns]
    cols += [c for c in ("payroll_jobs_us", "payroll_jobs_us_range") if c in lg.columns]
    shown = lg[cols].sort_values("median", ascending=False, na_position="last")
    table(shown, f"local-crafts-{local_id}-{year}-{scenario}", column_config=pct_columns(shown))
    assessed = shown["median"].notna().sum()
    st.caption(
        f"{assessed} of {len(shown)} crafts assessed in {year} ({scenario} scenario). 'Not assessed' means no "
        "capability in the catalog reaches the craft's tasks: no score, not 0%."
    )
    cols_ = st.columns(3)
    for i, c in enumerate(shown["entity_id"].head(12)):
        nav.link("craft", f"Craft: {names.get(c, c)}", cols_[i % 3], craft=c, year=year, scenario=scenario)


def main() -> None:
    b = page(
        "Union local",
        "The crafts a local represents, where it works, how many payroll jobs its crafts have there, and how "
        "exposed they are.",
    )
    if b is None:
        return
    locals_ = lookup.names(b, "UnionLocal")
    top = st.columns([4, 3, 2])
    local_id = pick("Union local", locals_, "local", container=top[0], show_id=False)
    if local_id is None:
        return
    year, scenario = year_and_scenario(b, (top[1], top[2]))
    n = lookup.node(b, local_id)
    st.header(locals_[local_id])
    number = n.get("number")
    bits = [str(n.get("union_name") or ""), f"Local {number}" if number else "", str(n.get("region") or "")]
    st.caption(" · ".join(x for x in bits if x))
    if isinstance(n.get("url"), str) and n["url"]:
        st.markdown(f"[{n['url']}]({n['url']})")
    crafts = crafts_of(b, local_id)
    st.subheader("Crafts it represents")
    if crafts:
        crafts_table(b, local_id, crafts, year, scenario)
    else:
        st.caption("No craft in the catalog names this local.")
    st.subheader("Where: the areas of its jurisdiction")
    areas = areas_of(b, local_id)
    if len(areas):
        table(areas, f"local-areas-{local_id}")
        jobs_view.local_places(b, local_id, crafts, areas)
    else:
        st.caption(
            "No area recorded: the catalog links no area to this local (a Canadian local, or a jurisdiction the "
            "sources do not place), or the build has no public data."
        )
    st.subheader("Sources")
    sources_table(b, [n.get("source_ids")], f"sources-{local_id}", key="dl-local-sources")


main()
