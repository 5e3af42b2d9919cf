"""Page sections shared by more than one page."""

from __future__ import annotations

import streamlit as st

from explorer import capabilities, nav
from explorer.cache import Build
from explorer.ui import PCT_COL, table


def crafts_reached(b: Build, caps: tuple[str, ...], what: str, key: str) -> None:
    """The crafts these capabilities reach (Tool and Capability pages), with links to them."""
    st.subheader("Crafts it reaches")
    reach = capabilities.crafts_reached(b, caps)
    if not len(reach):
        st.caption(f"No craft task is linked to {what} in this build.")
        return
    st.caption(
        "Crafts with tasks these capabilities can do (in part), and the share of the craft's work those "
        "tasks stand for."
    )
    table(reach, f"crafts-reached-{key}", column_config={"share_of_work": PCT_COL})
    cols = st.columns(3)
    for i, r in enumerate(reach.head(12).itertuples(index=False)):
        nav.link("craft", r.craft_name, cols[i % 3], craft=r.craft)
