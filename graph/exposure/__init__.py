"""Exposure and forecast engine: capability maturity, scenarios, exposure with bands, explanations,
forecast paths and comparison with published indices. See docs/method.md.

    from graph.exposure import api
    api.exposure(graph, level="craft", year=2028)
"""

from graph.exposure.config import METHOD_VERSION, YEARS, MethodConfig
from graph.exposure.scenarios import SCENARIOS, CapabilityOverride, LimitationOverride, Scenario
from graph.exposure.score import Engine

__all__ = [
    "METHOD_VERSION",
    "SCENARIOS",
    "YEARS",
    "CapabilityOverride",
    "Engine",
    "LimitationOverride",
    "MethodConfig",
    "Scenario",
]
