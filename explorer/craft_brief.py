"""What goes into a craft brief (explorer.brief renders it): the craft's score, series, explanation,
forecast path, occupations and sources, gathered from a build. No Streamlit."""

from __future__ import annotations

from datetime import UTC, datetime

from explorer import lookup, scores
from explorer.brief import BriefData
from explorer.cache import Build
from explorer.scenario import SCENARIO_NAMES, make_scenario, spec
from graph import snapshot
from graph.exposure import METHOD_VERSION


def department(b: Build, craft_id: str) -> str:
    """The craft's department name(s), comma-separated."""
    dept_names = lookup.names(b, "Department")
    return ", ".join(dept_names.get(d, d) for d in lookup.neighbours(b, "IN_DEPARTMENT", craft_id))


def craft_brief(b: Build, craft_id: str, year: int, scenario: str, threshold: float = 0.25) -> BriefData:
    """The brief of one craft in a year under a preset scenario."""
    node = lookup.node(b, craft_id)
    series = scores.entity_series(b, craft_id, tuple(spec(s) for s in SCENARIO_NAMES))
    ex = scores.explanation(b, craft_id, year, spec(scenario))
    fc = scores.forecast_path(b, craft_id, spec(scenario), threshold)
    now = series[(series["scenario"] == scenario) & (series["year"] == year)]
    description = node.get("description")
    return BriefData(
        craft_id=craft_id,
        craft_name=lookup.names(b, "Craft").get(craft_id, craft_id),
        year=year,
        scenario=scenario,
        series=series,
        department=department(b, craft_id),
        description=description if isinstance(description, str) else "",
        summary=now.iloc[0].to_dict() if len(now) else {},
        tasks=ex["by_task"],
        capabilities=ex["by_capability"],
        tools=ex["by_tool"],
        limitations=ex["by_limitation"],
        forecast=fc,
        forecast_threshold=threshold,
        occupations=lookup.occupations_frame(b, craft_id),
        sources=lookup.sources_frame(b, [*lookup.craft_sources(node, ex), *lookup.sources_of(fc, "sources")]),
        scenario_description=make_scenario(spec(scenario)).description,
        build_id=b.id,
        method_version=METHOD_VERSION,
        created=datetime.now(UTC).strftime("%Y-%m-%d"),
        calibration=calibration(b),
        banner=snapshot.catalog_only_banner(b.graph.manifest),
    )


def calibration(b: Build) -> str:
    """The backtest's calibration line from the results stored with the build's snapshot, else from
    docs/backtest.json; either marked out of date when it no longer matches the method or catalog."""
    from graph.exposure import backtest_store
    from graph.exposure.backtest_report import calibration_text

    res, st = backtest_store.load(b.path)
    if not st.usable:
        res = backtest_store.read(backtest_store.DOCS_RESULTS)
        st = backtest_store.status(res, backtest_store.manifest_catalog_hash(b.graph.manifest))
    return calibration_text(res, "" if st.state == "current" else st.message)
