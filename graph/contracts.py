"""Contracts and law: instruments (agreements, laws, bills) and their clauses.

The schema (graph/schema.py) checks each value on its own; the rules here need a clause and its
instrument together: an agreement's clauses end when the agreement does, dates run forwards, and a
clause quotes its text only when the instrument's licence allows it. `in_force` answers whether a clause
applies on a date, which the limitation and brief code use to date legal limitations.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import TypeGuard

import pandas as pd

from graph.schema import CONTRACT_KINDS
from graph.tables import Problem, Tables
from graph.tables import add_problem as _add

# Instrument statuses under which a clause can apply on some date (a bill or a draft never does).
LEGAL_EFFECT = ("in_force", "not_yet_in_force", "superseded", "expired")


def date_bounds(value: str) -> tuple[date, date]:
    """First and last day a partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD) can mean."""
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month = parts[1]
    if len(parts) == 2:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    day = date(year, month, parts[2])
    return day, day


def in_force(status: str | None, effective: str | None, expiry: str | None, on: date) -> bool:
    """Whether a clause with these dates, in an instrument with this status, applies on `on`.

    Partial dates are read generously for the start (the first day they can mean) and the end (the last).
    """
    if status not in LEGAL_EFFECT or not effective:
        return False
    if date_bounds(effective)[0] > on:
        return False
    return not expiry or on <= date_bounds(expiry)[1]


def check_contracts(t: Tables, problems: list[Problem]) -> None:
    """Append a problem for every clause or instrument that breaks a rule that needs both."""
    _check_grounds(t, problems)
    insts = t.nodes.get("Instrument")
    clauses = t.nodes.get("Clause")
    if insts is not None:
        for r in insts.to_dict("records"):
            _check_instrument(r, problems)
    if clauses is None or clauses.empty:
        return
    by_id = {r["id"]: r for r in insts.to_dict("records")} if insts is not None else {}
    links = t.edges.get("IN_INSTRUMENT", pd.DataFrame(columns=["src", "dst"]))
    parent = dict(zip(links["src"], links["dst"], strict=True))
    for r in clauses.to_dict("records"):
        inst = by_id.get(parent.get(r["id"], ""))
        if inst is not None:
            _check_clause(r, inst, problems)


def _check_grounds(t: Tables, problems: list[Problem]) -> None:
    """A clause or instrument can only ground a legal limitation (its dates then date the limitation)."""
    grounds, lims = t.edges.get("GROUNDS"), t.nodes.get("Limitation")
    if grounds is None or lims is None:
        return
    kind = dict(zip(lims["id"], lims["kind"], strict=True))
    for r in grounds.to_dict("records"):
        k = kind.get(r["dst"])
        if k is not None and k != "legal":
            msg = f"{r['dst']} is a {k} limitation; only legal limitations rest on clauses or instruments"
            _add(problems, r, "limitation_ids", msg)


def _check_instrument(r: dict, problems: list[Problem]) -> None:
    if r.get("kind") in CONTRACT_KINDS and not _present(r.get("expiry")):
        _add(problems, r, "expiry", "an agreement needs the end of its term")
    _check_order(r, problems)


def _check_clause(r: dict, inst: dict, problems: list[Problem]) -> None:
    if inst.get("kind") in CONTRACT_KINDS and not _present(r.get("expiry")):
        _add(problems, r, "expiry", f"a clause of an agreement ({inst['id']}) needs an expiry date")
    if _present(r.get("quote")) and inst.get("quotable") is not True:
        _add(problems, r, "quote", f"{inst['id']} is not marked quotable: summarise, do not quote")
    _check_order(r, problems)


def _check_order(r: dict, problems: list[Problem]) -> None:
    start, end = r.get("effective"), r.get("expiry")
    if not (isinstance(start, str) and isinstance(end, str) and _present(start) and _present(end)):
        return
    if not (_valid(start) and _valid(end)):
        return
    if date_bounds(end)[1] < date_bounds(start)[0]:
        _add(problems, r, "expiry", f"{end} is before the effective date {start}")


def _present(v: object) -> TypeGuard[str]:
    return isinstance(v, str) and v != ""


def _valid(v: str) -> bool:
    try:
        date_bounds(v)
    except ValueError:
        return False  # the schema check already reports it
    return True
