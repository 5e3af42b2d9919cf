"""Scenarios: start from a preset, move capabilities' dates, lift or keep limitations, and see every craft's
exposure change. The URL keeps the choices (base, year, reach, delay, remove, keep), so a scenario can be
shared as a link."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import capabilities, charts, lookup, nav, scores, ui
from explorer.cache import Build
from explorer.formatting import pct
from explorer.scenario import MILESTONE_LEVELS, SCENARIO_NAMES, YEARS, CapMove, Spec, parse_move, spec, with_moves
from explorer.ui import chart, pct_columns, table
from explorer.widgets import bound, choice, list_param, mark_seen, seed_from_url, set_list_param
from graph.exposure import api

LEVEL_LABELS = {lv: lv.replace("_", " ") for lv in MILESTONE_LEVELS}
WHEN = {"by": "at the latest in", "not_before": "not before"}


def url_moves(caps: dict[str, str]) -> list[CapMove]:
    """The capability overrides in the URL (reach=cap:x=LEVEL@YYYY, delay=..., repeatable), valid ones only."""
    moves = [parse_move(v, "by") for v in list_param("reach")] + [
        parse_move(v, "not_before") for v in list_param("delay")
    ]
    return [m for m in moves if m and m.capability in caps]


def move_capabilities(b: Build, caps: dict[str, str], years: tuple[int, int]) -> list[CapMove]:
    """The capability widgets (seeded from the URL); the moves they stand for."""
    st.subheader("Move capabilities")
    lo_year, hi_year = years
    today = capabilities.as_of(b)
    wanted = url_moves(caps)

    def seed() -> None:
        st.session_state["scn-caps"] = list(dict.fromkeys(m.capability for m in wanted))
        for m in wanted:
            st.session_state[f"scn-level-{m.capability}"] = m.level
            st.session_state[f"scn-date-{m.capability}"] = min(hi_year, max(lo_year, m.year))
            st.session_state[f"scn-mode-{m.capability}"] = m.mode

    seed_from_url("scn-caps", wanted, seed)
    chosen = st.multiselect(
        "Capabilities to move",
        sorted(caps, key=lambda c: caps[c].lower()),
        format_func=lambda c: caps[c],
        key="scn-caps",
        placeholder="Pick capabilities whose dates you want to change",
    )
    fit = capabilities.maturity_fit(b).set_index("capability")
    return [capability_row(c, caps[c], fit, int(today), years) for c in chosen]


def capability_row(c: str, name: str, fit: pd.DataFrame, today: int, years: tuple[int, int]) -> CapMove:
    cols = st.columns([3, 2, 2, 2])
    info = ""
    if c in fit.index:
        nxt = str(fit.at[c, "next_level"]).replace("_", " ") or "–"
        info = f"today {pct(fit.at[c, 'maturity_as_of'])} mature, next level {nxt}"
    cols[0].markdown(f"**{name}**  \n{info}")
    st.session_state.setdefault(f"scn-level-{c}", "production_used")
    st.session_state.setdefault(f"scn-date-{c}", min(years[1], today + 1))
    st.session_state.setdefault(f"scn-mode-{c}", "by")
    level = cols[1].selectbox("reaches", MILESTONE_LEVELS, format_func=LEVEL_LABELS.get, key=f"scn-level-{c}")
    mode = cols[2].selectbox("when", list(WHEN), key=f"scn-mode-{c}", format_func=WHEN.get)
    yr = cols[3].number_input("year", years[0], years[1], step=1, key=f"scn-date-{c}")
    return CapMove(c, level, int(yr), mode)


def lift_or_keep(b: Build) -> tuple[list[str], list[str]]:
    """The limitation widgets (URL: remove=lim:x, keep=lim:y, repeatable); (remove, keep)."""
    st.subheader("Lift or keep limitations")
    lims = b.graph.nodes.get("Limitation", pd.DataFrame(columns=["id", "name", "kind"]))
    lim_names = dict(zip(lims["id"], lims["name"], strict=True))
    kind = dict(zip(lims["id"], lims["kind"], strict=True))
    options = sorted(lim_names, key=lambda i: str(lim_names[i]).lower())
    for param in ("remove", "keep"):
        key, wanted = f"scn-{param}", [v for v in list_param(param) if v in lim_names]
        seed_from_url(key, wanted, lambda k=key, w=wanted: st.session_state.update({k: w}))

    def fmt(i: str) -> str:
        return f"{lim_names[i]} ({kind.get(i, '')})"

    c1, c2 = st.columns(2)
    remove = c1.multiselect("Remove (as if solved or waived)", options, format_func=fmt, key="scn-remove")
    keep = c2.multiselect(
        "Keep at today's severity (no fading or relief)",
        [o for o in options if o not in remove],
        format_func=fmt,
        key="scn-keep",
    )
    return list(remove), list(keep)


def write_url(moves: list[CapMove], remove: list[str], keep: list[str], custom: Spec) -> None:
    mark_seen("scn-caps", moves)
    mark_seen("scn-remove", remove)
    mark_seen("scn-keep", keep)
    for key, values in (("reach", custom.reach), ("delay", custom.delay), ("remove", remove), ("keep", keep)):
        set_list_param(key, list(values))


def changes(b: Build, base: Spec, custom: Spec, year: int) -> None:
    try:
        ch = scores.scenario_change(b, base, custom, year)
    except ValueError as e:
        st.error(str(e))
        return
    st.subheader(f"Every craft's exposure in {year}: {base.base} vs your scenario")
    moved = ch[ch["change"].abs() > 5e-4]
    m1, m2, m3 = st.columns(3)
    ui.metric(m1, "Crafts that change", f"{len(moved)} of {len(ch.dropna(subset=['baseline']))}", "change")
    if len(moved):
        top = ch.iloc[0]
        ui.metric(m2, "Largest rise", str(top["name"]), "change", delta=f"{100 * top['change']:+.1f} points")
        ui.metric(m3, "Average change", f"{100 * ch['change'].mean():+.1f} points", "change")
        chart(b, charts.change_bars, moved.head(40), "name", f"Change in median exposure, {year}", key=(custom, year))
    table(ch, f"scenario-change-{year}", column_config=pct_columns(ch))
    crafts = lookup.names(b, "Craft")
    scored = [c for c in ch.dropna(subset=["baseline"])["entity_id"] if c in crafts]
    if scored:
        craft = choice("Craft over time", scored, "craft", scored[0], fmt=lambda c: crafts[c])
        s = scores.entity_series(b, craft, (base, custom))
        chart(b, charts.exposure_over_time, s, f"{crafts[craft]}: {base.base} vs your scenario", key=(craft, custom))
        nav.link("craft", f"Open {crafts[craft]}", craft=craft, year=year, scenario=base.base)


def main() -> None:
    b = ui.page(
        "Scenarios: what if?",
        "Start from a scenario, move capabilities' dates and lift or keep limitations, and see every "
        "craft's exposure change. The URL keeps your choices: copy it to share the scenario.",
    )
    if b is None:
        return
    with st.expander("The three standard scenarios"):
        table(api.scenarios(), "scenarios")
    c1, c2 = st.columns([2, 3])
    base = bound(c1.segmented_control, "Start from", SCENARIO_NAMES, "base", default="expected", required=True)
    year = int(choice("Year", list(YEARS), "year", min(max(2030, YEARS[0]), YEARS[-1]), container=c2, kind="slider"))
    caps = lookup.names(b, "Capability")
    moves = move_capabilities(b, caps, (int(capabilities.as_of(b)) - 5, YEARS[-1]))
    remove, keep = lift_or_keep(b)
    custom = with_moves(base, moves, remove, keep)
    write_url(moves, remove, keep, custom)
    if not custom.custom:
        st.info("Move a capability or lift a limitation to see how every craft's exposure changes.")
        st.subheader(f"Exposure in {year} under the {base} scenario")
        view = scores.league(b, spec(base), year)[["rank", "name", "department", "median", "low", "high", "entity_id"]]
        table(view, f"crafts-{year}-{base}", column_config=pct_columns(view))
        return
    changes(b, spec(base), custom, year)


main()
