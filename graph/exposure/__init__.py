"""Exposure and forecast engine: capability maturity, scenarios, exposure with bands, explanations,
forecast paths and comparison with published indices. See docs/method.md.

    from graph.exposure import api
    api.exposure(graph, level="craft", year=2028)

The package itself imports only the light constants (no scipy), so the explorer's first page stays fast;
the engine is `graph.exposure.score.Engine` (or `api.engine(graph)`).
"""

from graph.exposure.config import METHOD_VERSION, YEARS, MethodConfig
from graph.exposure.scenarios import SCENARIOS, CapabilityOverride, LimitationOverride, Scenario

__all__ = [
    "METHOD_VERSION",
    "SCENARIOS",
    "YEARS",
    "CapabilityOverride",
    "LimitationOverride",
    "MethodConfig",
    "Scenario",
]
