"""Scenarios: slow / expected / fast, and a user's own overrides.

A scenario changes only the future (after the as-of date); every scenario agrees on the past.
- pace: multiplies the slope of every capability's logit-maturity after the as-of date (median pace;
  each draw also has a common, field-wide pace shock, config.pace_sd).
- technical limitations fade along their own half-life (half_life_years), scaled by the scenario;
  those without a half-life do not fade.
- economic limitations fade with the scenario's half-life (or their own, if given).
- legal / contractual limitations act only while their instrument is in force (`in_force_from` ..
  `in_force_until`, when known); at expiry the scenario says what happens (`at_expiry`: renewed as is — the
  default —, strengthened, or lapsed); `legal_relief` of their severity is removed, linearly, between the
  as-of date and `legal_relief_by`.
- user overrides: a capability reaches a level by a date (or not before a date); a limitation is
  removed (from a date), kept at today's severity, or set to a severity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from graph.exposure.config import level_logit
from graph.exposure.frames import decimal_year
from graph.schema import MILESTONE_LEVELS


@dataclass(frozen=True)
class CapabilityOverride:
    capability: str
    level: str
    date: float  # decimal year
    mode: str = "by"  # "by": reaches the level at the latest by the date; "not_before": not before it

    def __post_init__(self) -> None:
        if self.level not in MILESTONE_LEVELS:
            raise ValueError(f"unknown level {self.level!r} (one of {', '.join(MILESTONE_LEVELS)})")
        if self.mode not in ("by", "not_before"):
            raise ValueError(f"unknown override mode {self.mode!r}")


@dataclass(frozen=True)
class LimitationOverride:
    limitation: str
    action: str  # "remove" | "keep" | "set"
    severity: float | None = None  # for "set"
    from_date: float | None = None  # for "remove" / "set": from this date (None: always)

    def __post_init__(self) -> None:
        if self.action not in ("remove", "keep", "set"):
            raise ValueError(f"unknown limitation action {self.action!r}")
        if self.action == "set" and (self.severity is None or not 0.0 <= self.severity <= 1.0):
            raise ValueError("`set` needs a severity in [0, 1]")


AT_EXPIRY = {
    "renewed": "renewed as is: the term keeps its severity after the instrument's expiry date",
    "strengthened": "strengthened: the term closes half of the remaining gap to a full block (1 - (1 - s)/2)",
    "lapsed": "lapsed: the term stops acting at the instrument's expiry date",
}
STRENGTHEN_SHARE = 0.5  # share of the remaining gap to a full block that a strengthened term closes


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    pace: float = 1.0
    tech_half_life_mult: float = 1.0
    econ_half_life: float | None = None
    legal_relief: float = 0.0
    legal_relief_by: float = 2030.0
    at_expiry: str = "renewed"  # what a legal term does after its instrument expires: see AT_EXPIRY
    capability_overrides: tuple[CapabilityOverride, ...] = field(default_factory=tuple)
    limitation_overrides: tuple[LimitationOverride, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.at_expiry not in AT_EXPIRY:
            raise ValueError(f"at_expiry is one of {', '.join(AT_EXPIRY)}, not {self.at_expiry!r}")

    def with_overrides(
        self,
        capabilities: tuple[CapabilityOverride, ...] | list = (),
        limitations: tuple[LimitationOverride, ...] | list = (),
        name: str | None = None,
    ) -> Scenario:
        caps = (*self.capability_overrides, *capabilities)
        lims = (*self.limitation_overrides, *limitations)
        label = name or (self.name + ("+custom" if (capabilities or limitations) else ""))
        return replace(self, name=label, capability_overrides=tuple(caps), limitation_overrides=tuple(lims))

    @property
    def key(self) -> str:
        return repr(self)


SCENARIOS: dict[str, Scenario] = {
    "slow": Scenario(
        "slow",
        "Capabilities mature at 0.6x their fitted pace; technical limitations fade 1.5x slower; "
        "economic limitations do not fade; legal and contractual terms stay as they are and are renewed "
        "as is at expiry.",
        pace=0.6,
        tech_half_life_mult=1.5,
        econ_half_life=None,
        legal_relief=0.0,
    ),
    "expected": Scenario(
        "expected",
        "Capabilities continue at their fitted pace; technical limitations fade at their own half-life; "
        "economic limitations halve every 8 years; legal and contractual terms stay as they are and are "
        "renewed as is at expiry.",
        pace=1.0,
        tech_half_life_mult=1.0,
        econ_half_life=8.0,
        legal_relief=0.0,
    ),
    "fast": Scenario(
        "fast",
        "Capabilities mature at 1.6x their fitted pace; technical limitations fade 1.5x faster; "
        "economic limitations halve every 4 years; half of every legal or contractual limitation's "
        "severity is lifted, linearly, by 2030 (licensing deals, settled case law).",
        pace=1.6,
        tech_half_life_mult=1 / 1.5,
        econ_half_life=4.0,
        legal_relief=0.5,
        legal_relief_by=2030.0,
    ),
}


def get_scenario(s: str | Scenario) -> Scenario:
    if isinstance(s, Scenario):
        return s
    if s not in SCENARIOS:
        raise ValueError(f"unknown scenario {s!r} (one of {', '.join(SCENARIOS)})")
    return SCENARIOS[s]


def scenario_table():
    import pandas as pd

    return pd.DataFrame(
        [
            dict(
                scenario=s.name,
                pace=s.pace,
                tech_half_life_mult=s.tech_half_life_mult,
                econ_half_life=s.econ_half_life,
                legal_relief=s.legal_relief,
                legal_relief_by=s.legal_relief_by,
                at_expiry=s.at_expiry,
                description=s.description,
            )
            for s in SCENARIOS.values()
        ]
    )


# ------------------------------------------------------------------------------------------ parsing

_DATE = r"(\d{4}(?:-\d{2}(?:-\d{2})?)?)"


def _date(s: str) -> float:
    d = decimal_year(s)
    if d is None:
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {s!r}")
    return d[0]


def parse_capability_override(text: str, mode: str = "by") -> CapabilityOverride:
    """`cap:x=LEVEL@DATE`, e.g. `cap:generate-video=production_used@2026-06`."""
    m = re.fullmatch(rf"\s*(cap:[^=\s]+)\s*=\s*([a-z_]+)\s*@\s*{_DATE}\s*", text)
    if not m:
        raise ValueError(f"expected CAPABILITY=LEVEL@DATE (e.g. cap:x=production_used@2026-06), got {text!r}")
    return CapabilityOverride(m.group(1), m.group(2), _date(m.group(3)), mode)


def parse_limitation_override(text: str, action: str) -> LimitationOverride:
    """`lim:x` or `lim:x@DATE` (remove / keep), `lim:x=0.2` or `lim:x=0.2@DATE` (set)."""
    m = re.fullmatch(rf"\s*(lim:[^=@\s]+)\s*(?:=\s*([0-9.]+))?\s*(?:@\s*{_DATE})?\s*", text)
    if not m:
        raise ValueError(f"expected LIMITATION[=SEVERITY][@DATE], got {text!r}")
    sev = float(m.group(2)) if m.group(2) else None
    return LimitationOverride(m.group(1), action, sev, _date(m.group(3)) if m.group(3) else None)


# ------------------------------------------------------------------------------------------ evaluation


def apply_capability_overrides(
    z: np.ndarray,
    times: np.ndarray,
    t50: np.ndarray,
    s: np.ndarray,
    pace: np.ndarray,
    as_of: float,
    scenario: Scenario,
    cap_index: dict[str, int],
    level_maturity: dict[str, float],
) -> np.ndarray:
    """Apply the scenario's capability overrides to logit maturity z (n_t, n_caps, n_draws), in place.

    Date D after the as-of date: from today's maturity the logit rises linearly to the level's logit at D,
    then continues at the scenario's slope ("ramp"); `by` takes the higher of curve and ramp, `not_before`
    the lower. The past is unchanged. D before the as-of date (a counterfactual past): the whole fitted
    curve is shifted in time (t50 earlier for `by`, later for `not_before`).
    """
    from graph.exposure.maturity import logit_path

    times = np.asarray(times, dtype=float)
    for ov in scenario.capability_overrides:
        c = cap_index.get(ov.capability)
        if c is None:
            continue
        zl = level_logit(ov.level, level_maturity)
        if ov.date > as_of:
            z0 = (as_of - t50[c]) / s[c]  # (n_draws,)
            span = ov.date - as_of
            tt = times[:, None]
            ramp = np.where(
                tt <= ov.date,
                z0[None] + (zl - z0[None]) * np.clip((tt - as_of) / span, 0.0, None),
                zl + pace[None] * (tt - ov.date) / s[c][None],
            )
            future = tt > as_of
            if ov.mode == "by":
                z[:, c, :] = np.where(future, np.maximum(z[:, c, :], ramp), z[:, c, :])
            else:
                keep = z0[None] >= zl  # already at the level today: nothing to delay
                z[:, c, :] = np.where(future & ~keep, np.minimum(z[:, c, :], ramp), z[:, c, :])
        else:
            target = ov.date - s[c] * zl
            t50c = np.minimum(t50[c], target) if ov.mode == "by" else np.maximum(t50[c], target)
            shifted = logit_path(times, t50c[None], s[c][None], as_of, pace)[:, 0, :]
            z[:, c, :] = np.maximum(z[:, c, :], shifted) if ov.mode == "by" else np.minimum(z[:, c, :], shifted)
    return z


@dataclass(frozen=True)
class LimArrays:
    """The capability-limitation links as arrays (prepared once per graph)."""

    ids: np.ndarray
    sev0: np.ndarray
    kind: np.ndarray
    half_life: np.ndarray  # NaN: none
    start: np.ndarray | None = None  # legal terms: in force from (decimal year; NaN: unknown, always)
    end: np.ndarray | None = None  # legal terms: in force until (NaN: no expiry known)

    @classmethod
    def of(cls, lim_links) -> LimArrays:
        n = len(lim_links)

        def dates(col: str) -> np.ndarray:
            if col not in lim_links:
                return np.full(n, np.nan)
            return lim_links[col].to_numpy(dtype=float).reshape(n)

        return cls(
            lim_links["limitation"].to_numpy(dtype=object).reshape(n),
            lim_links["severity"].to_numpy(dtype=float).reshape(n),
            lim_links["kind"].to_numpy(dtype=object).reshape(n),
            np.array([h if _ok(h) else np.nan for h in lim_links["half_life"].tolist()], dtype=float).reshape(n),
            dates("in_force_from"),
            dates("in_force_until"),
        )

    def take(self, idx: np.ndarray) -> LimArrays:
        start = None if self.start is None else self.start[idx]
        end = None if self.end is None else self.end[idx]
        return LimArrays(self.ids[idx], self.sev0[idx], self.kind[idx], self.half_life[idx], start, end)


def severity_paths(
    times: np.ndarray,
    lim_links,
    scenario: Scenario,
    as_of: float,
    half_life_mult: np.ndarray,
    sev0_draws: np.ndarray | None = None,
) -> np.ndarray:
    """Severity of every capability-limitation link at each time and draw: (n_t, n_links, n_draws).

    half_life_mult: (n_links, n_draws) log-normal multipliers of the half-lives (one per limitation);
    sev0_draws: (n_links, n_draws) today's severities per draw (judgement uncertainty); None: the curated ones.
    """
    times = np.asarray(times, dtype=float)
    arr = lim_links if isinstance(lim_links, LimArrays) else LimArrays.of(lim_links)
    n_t, n_l = len(times), len(arr.sev0)
    n_d = max(
        half_life_mult.shape[1] if half_life_mult.ndim == 2 else 1, 1 if sev0_draws is None else sev0_draws.shape[1]
    )
    kind, own_hl = arr.kind, arr.half_life
    base = arr.sev0[:, None] if sev0_draws is None else np.asarray(sev0_draws, dtype=float)  # (n_l, 1 or n_d)
    hl = np.full(n_l, np.nan)
    tech = kind == "technical"
    econ = kind == "economic"
    legal = kind == "legal"
    hl[tech] = own_hl[tech] * scenario.tech_half_life_mult
    hl[econ] = np.where(np.isnan(own_hl[econ]), scenario.econ_half_life or np.nan, own_hl[econ])
    future = np.maximum(times - as_of, 0.0)  # (n_t,)
    out = np.broadcast_to(base[None], (n_t, n_l, n_d)).copy()
    fade = np.flatnonzero(~np.isnan(hl) & ~legal)
    if len(fade):
        rate = 1.0 / (hl[fade, None] * half_life_mult[fade])  # (n_fade, n_d)
        out[:, fade, :] = base[None, fade] * np.exp2(-future[:, None, None] * rate[None])
    if scenario.legal_relief and legal.any():
        frac = np.clip(future / max(scenario.legal_relief_by - as_of, 1e-9), 0.0, 1.0)
        out[:, legal, :] = base[None, legal] * (1.0 - scenario.legal_relief * frac[:, None, None])
    if legal.any():
        _legal_terms(out, times, arr, legal, scenario)
    if scenario.limitation_overrides:
        lim_ids = arr.ids
        for o in scenario.limitation_overrides:
            cols = np.flatnonzero(lim_ids == o.limitation)
            if not len(cols):
                continue
            if o.action == "keep":
                out[:, cols, :] = base[None, cols]
                continue
            val = 0.0 if o.action == "remove" else float(o.severity)
            rows = np.flatnonzero(times >= o.from_date) if o.from_date is not None else np.arange(n_t)
            out[np.ix_(rows, cols)] = val
    return out


def _legal_terms(out: np.ndarray, times: np.ndarray, arr: LimArrays, legal: np.ndarray, scenario: Scenario) -> None:
    """A legal term acts only once its instrument is in force; after expiry, as the scenario says."""
    n_l = len(arr.sev0)
    start = arr.start if arr.start is not None else np.full(n_l, np.nan)
    end = arr.end if arr.end is not None else np.full(n_l, np.nan)
    before = legal[None, :] & (times[:, None] < start[None, :])  # NaN compares False: always in force
    out[before] = 0.0
    after = legal[None, :] & (times[:, None] > end[None, :])
    if scenario.at_expiry == "lapsed":
        out[after] = 0.0
    elif scenario.at_expiry == "strengthened":
        out[after] = 1.0 - (1.0 - out[after]) * (1.0 - STRENGTHEN_SHARE)


def _ok(x) -> bool:
    return x is not None and np.isfinite(x) and x > 0
