"""Tool: what the catalog says about one AI tool, its capabilities and limitations, the crafts it reaches,
and its sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import lookup, nav, ui
from explorer.cache import Build
from explorer.sections import crafts_reached
from explorer.ui import sources_table, table
from explorer.widgets import pick
from graph.provenance import evidence_line, evidence_summary


def facts(b: Build, tool_id: str, t: dict) -> None:
    vendor = [lookup.names(b, "Vendor").get(v, v) for v in lookup.neighbours(b, "MADE_BY", tool_id)]
    types = [lookup.names(b, "AIType").get(v, v) for v in lookup.neighbours(b, "IS_A", tool_id)]
    rows = {
        "Vendor": ", ".join(map(str, vendor)),
        "AI type": ", ".join(map(str, types)),
        "First release": t.get("first_release"),
        "Status": t.get("status"),
        "Deployment": t.get("deployment"),
        "Open weights": t.get("open_weights"),
        "Vendor states training data is licensed": t.get("training_data_licensed"),
        "URL": t.get("url"),
    }
    st.write(t.get("description") or "")
    st.table(pd.DataFrame({"": [("" if v is None or v != v else str(v)) for v in rows.values()]}, index=rows))


def limitations(b: Build, tool_id: str, caps: pd.DataFrame) -> pd.DataFrame:
    st.subheader("Limitations")
    direct = lookup.edges(b, "HAS_LIMITATION")
    direct = direct[direct["src"] == tool_id].assign(via="this tool")
    via_cap = lookup.edges(b, "CONSTRAINED_BY")
    cap_names = lookup.names(b, "Capability")
    via_cap = via_cap[via_cap["src"].isin(caps["dst"])].assign(via=lambda d: d["src"].map(cap_names))
    lims = pd.concat([direct, via_cap], ignore_index=True)
    lims["limitation"] = lims["dst"].map(lookup.names(b, "Limitation"))
    for c in ("justification", "severity"):
        if c not in lims.columns:
            lims[c] = None
    table(lims[["limitation", "via", "severity", "justification"]].drop_duplicates(), f"limitations-{tool_id}")
    return direct


def main() -> None:
    b = ui.page("Tool", "What the catalog says about one AI tool: its capabilities, limits, the crafts it reaches.")
    if b is None:
        return
    tool_id = pick("Tool", lookup.names(b, "Tool"), "tool")
    if tool_id is None:
        return
    t = lookup.node(b, tool_id)
    st.header(t["name"])
    facts(b, tool_id, t)
    prov = lookup.edges(b, "PROVIDES")
    prov = prov[prov["src"] == tool_id].assign(capability=lambda d: d["dst"].map(lookup.names(b, "Capability")))
    # the grade mix and dates of what the tool's facts and capabilities rest on
    st.caption(evidence_line(evidence_summary(lookup.sources_frame(b, [t.get("source_ids"), *prov["source_ids"]]))))
    st.subheader("Capabilities")
    table(
        prov[["capability", "level", "since", "confidence", "dst"]].rename(columns={"dst": "capability_id"}),
        f"capabilities-{tool_id}",
    )
    cols = st.columns(3)
    for i, (cid, cname) in enumerate(zip(prov["dst"], prov["capability"], strict=True)):
        nav.link("capability", str(cname), cols[i % 3], capability=cid)
    direct = limitations(b, tool_id, prov)
    crafts_reached(b, tuple(prov["dst"]), "this tool's capabilities", tool_id)
    st.subheader("Sources")
    srcs = [t.get("source_ids"), *prov["source_ids"], *direct["source_ids"]]
    sources_table(b, srcs, f"sources-{tool_id}", key="dl-tool-sources")


main()
