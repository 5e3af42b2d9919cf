"""Glossary: every measure, status and study code the pages show, in plain words (explorer.glossary)."""

from __future__ import annotations

import streamlit as st

from explorer import glossary
from explorer.widgets import param, set_param


def main() -> None:
    st.title("Glossary")
    st.caption(
        "What every measure, status and study code means. The same text is in each metric's tooltip "
        "(the ⓘ beside it) and in docs/glossary.md."
    )
    text = st.text_input("Filter", value=param("q") or "", key="glossary-filter", placeholder="e.g. band, gpt4_beta")
    set_param("q", text or None)
    needle = text.strip().lower()
    keys = [t.key for t in glossary.TERMS if not needle or needle in f"{t.key} {t.name} {t.text} {t.group}".lower()]
    if not keys:
        st.info(f"No term matches “{text}”.")
        return
    st.markdown(glossary.markdown(keys, heading_level=3))


main()
