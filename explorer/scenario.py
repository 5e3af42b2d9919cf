"""Scenarios as plain, hashable text (what graph.exposure.api.make_scenario reads), and the engine's constants
the pages offer (scenario names, years, forecast thresholds): imported from graph.exposure, never mirrored.

A spec is (base, reach, delay, remove, keep): reach/delay hold `cap:x=LEVEL@DATE`, remove/keep hold `lim:x`.
"""

from __future__ import annotations

from typing import NamedTuple

from graph.exposure import SCENARIOS, YEARS, Scenario
from graph.exposure.config import DEFAULT_THRESHOLDS
from graph.exposure.scenarios import parse_capability_override
from graph.schema import MILESTONE_LEVELS

SCENARIO_NAMES: tuple[str, ...] = tuple(SCENARIOS)
THRESHOLDS: tuple[float, ...] = DEFAULT_THRESHOLDS
__all__ = ["MILESTONE_LEVELS", "SCENARIO_NAMES", "THRESHOLDS", "YEARS", "CapMove", "Spec"]


class Spec(NamedTuple):
    base: str = "expected"
    reach: tuple[str, ...] = ()
    delay: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()

    @property
    def custom(self) -> bool:
        return bool(self.reach or self.delay or self.remove or self.keep)

    @property
    def label(self) -> str:
        return self.base + ("+custom" if self.custom else "")


def spec(base: str = "expected", reach=(), delay=(), remove=(), keep=()) -> Spec:
    return Spec(base, tuple(reach), tuple(delay), tuple(remove), tuple(keep))


def make_scenario(sc: Spec) -> Scenario:
    """The graph.exposure Scenario for a spec (raises ValueError on a malformed override)."""
    if not sc.custom:
        return SCENARIOS[sc.base]
    from graph.exposure.api import make_scenario as engine_scenario  # the engine (scipy) only when needed

    return engine_scenario(
        sc.base,
        reach=list(sc.reach),
        delay=list(sc.delay),
        remove=list(sc.remove),
        keep=list(sc.keep),
        name=f"{sc.base}+custom",
    )


class CapMove(NamedTuple):
    """A capability override as the scenario builder shows it: reaches `level` by (or not before) `year`."""

    capability: str
    level: str
    year: int
    mode: str  # "by" (reach) or "not_before" (delay)

    def text(self) -> str:
        return f"{self.capability}={self.level}@{self.year}"


def parse_move(text: str, mode: str) -> CapMove | None:
    """`cap:x=LEVEL@DATE` as a CapMove, or None when it does not parse."""
    try:
        o = parse_capability_override(text, mode)
    except ValueError:
        return None
    return CapMove(o.capability, o.level, int(o.date), mode)


def with_moves(base: str, moves: list[CapMove], remove=(), keep=()) -> Spec:
    reach = [m.text() for m in moves if m.mode == "by"]
    delay = [m.text() for m in moves if m.mode == "not_before"]
    return spec(base, reach, delay, remove, keep)
