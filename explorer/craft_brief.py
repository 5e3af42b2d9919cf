"""What goes into a craft brief (explorer.brief renders it): the craft's score, series, explanation,
forecast path, occupations and sources, gathered from a build. No Streamlit."""

from __future__ import annotations

from datetime import UTC, datetime

from explorer import lookup, scores
from explorer.brief import BriefData
from explorer.cache import Build
from explorer.scenario import SCENARIO_NAMES, make_scenario, spec
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
    )
