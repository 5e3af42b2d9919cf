"""The explorer's pages: one script each under explorer/pages, registered by path in app.py, and links
between them (by page key, with the view's query parameters)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageDef:
    file: str  # under explorer/pages
    title: str
    url_path: str
    icon: str
    default: bool = False

    @property
    def path(self) -> str:
        """The script's path relative to app.py (what st.Page, st.page_link and AppTest.switch_page take)."""
        return f"explorer/pages/{self.file}"


SECTIONS: dict[str, dict[str, PageDef]] = {
    "Start": {
        "start": PageDef("start.py", "Start", "start", ":material/search:", default=True),
    },
    "Exposure": {
        "overview": PageDef("overview.py", "Overview", "overview", ":material/leaderboard:"),
        "craft": PageDef("craft.py", "Craft", "craft", ":material/construction:"),
        "occupation": PageDef("occupation.py", "Occupation", "occupation", ":material/work:"),
        "scenarios": PageDef("scenarios.py", "Scenarios", "scenarios", ":material/tune:"),
        "forecast_quality": PageDef(
            "forecast_quality.py", "How good are the forecasts?", "forecast-quality", ":material/fact_check:"
        ),
    },
    "Jobs and places": {
        "jobs": PageDef("jobs.py", "Jobs and places", "jobs", ":material/work_history:"),
        "local": PageDef("local.py", "Union local", "local", ":material/groups:"),
    },
    "Bargaining": {
        "contracts": PageDef("contracts.py", "Contracts and law", "contracts", ":material/gavel:"),
        "roles": PageDef("roles.py", "New roles", "roles", ":material/badge:"),
    },
    "Catalog": {
        "tool": PageDef("tool.py", "Tool", "tool", ":material/smart_toy:"),
        "capability": PageDef("capability.py", "Capability", "capability", ":material/trending_up:"),
        "ai_types": PageDef("ai_types.py", "AI types", "ai-types", ":material/category:"),
    },
    "Explore": {
        "graph": PageDef("graph_view.py", "Graph", "graph", ":material/hub:"),
        "cypher": PageDef("cypher.py", "Cypher console", "cypher", ":material/terminal:"),
        "data": PageDef("data_sources.py", "Data and sources", "data", ":material/dataset:"),
        "glossary": PageDef("glossary.py", "Glossary", "glossary", ":material/menu_book:"),
    },
}
PAGES: dict[str, PageDef] = {key: p for section in SECTIONS.values() for key, p in section.items()}


def navigation():
    """st.navigation over every page, by section (app.py runs it)."""
    return st.navigation(
        {
            section: [
                st.Page(p.path, title=p.title, url_path=p.url_path, icon=p.icon, default=p.default)
                for p in pages.values()
            ]
            for section, pages in SECTIONS.items()
        }
    )


def _params(params: dict) -> dict[str, str]:
    return {k: str(v) for k, v in params.items() if v is not None}


def link(page: str, label: str, container=None, **params) -> None:
    """A link to a page with query parameters (None values left out)."""
    (container or st).page_link(PAGES[page].path, label=label, query_params=_params(params))


def go(page: str, **params) -> None:
    """Switch to a page with query parameters."""
    st.switch_page(PAGES[page].path, query_params=_params(params))
