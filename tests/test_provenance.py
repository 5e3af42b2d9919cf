"""Claim dates (known_on, checked_on) and the basis of severities, half-lives and weights (graph/provenance.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import provenance as pv
from graph.exposure.backtest import _period_end
from graph.pipeline import collect
from graph.tables import InputError


@pytest.mark.parametrize(
    ("event", "published", "expected"),
    [
        ("2024-06", ["2024-05-01"], "2024-06"),  # announced before: the event's own date
        ("2024-06", ["2024-09-10"], "2024-09-10"),  # only reported later: known when first reported
        ("2024-06", ["2024-09-10", "2025"], "2024-09-10"),  # the earliest report
        ("2024-06", ["2024-09-10", None], "2024-06"),  # an undated source may be the announcement itself
        ("2024", ["2024-09-10"], "2024"),  # a year-only date ends on 31 December
        (None, ["2025-01", "2023-05-02", None], "2023-05-02"),  # no event: the earliest publication
        (None, [None, "not a date"], None),
        ("bogus", ["2022"], "2022"),
    ],
)
def test_known_on_rule(event, published, expected):
    assert pv.known_on(event, published) == expected


def test_known_on_takes_the_backtest_key():
    """With the backtest's period ends the same rule picks the same dates."""
    assert pv.known_on("2024-06", ["2024-06-30"], key=_period_end) == "2024-06"
    assert pv.known_on("2024-06", ["2024-07-01"], key=_period_end) == "2024-07-01"


def test_checked_on_is_latest_access():
    assert pv.checked_on(["2025-03-01", "2026-01", None, "x"]) == "2026-01"
    assert pv.checked_on([None]) is None


def _set_source(cat: Path, sid: str, date: str, accessed: str) -> None:
    p = cat / "sources.csv"
    lines = p.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(sid + ","):
            cells = line.split(",")
            cells[4], cells[5] = date, accessed
            lines[i] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")


def test_build_fills_claim_dates(catalog_copy: Path):
    _set_source(catalog_copy, "src:fx-runway", "2024-06-17", "2025-02-01")
    t, _ = collect(catalog_copy, None)
    ms = t.nodes["Milestone"].set_index("id")
    assert ms.at["ms:genvideo.2023-03", "known_on"] == "2024-06-17"  # its only source came out later
    assert ms.at["ms:genvideo.2022-09", "known_on"] == "2023"  # fx-paper (2023) is after 2022-09
    assert ms.at["ms:genvideo.2024-06", "checked_on"] == "2025-02-01"
    prov = t.edges["PROVIDES"].set_index(["src", "dst"])
    assert prov.at[("tool:video-b", "cap:generate-video"), "known_on"] == "2024-06-17"  # since 2023, dated later
    tools = t.nodes["Tool"].set_index("id")
    assert tools.at["tool:video-a", "known_on"] == "2024-06-17"  # no event date: the source's
    assert tools.at["tool:video-a", "known_on_basis"] == "published"
    assert ms.at["ms:genvideo.2024-06", "known_on_basis"] == "event"
    cov = pv.date_coverage(t).set_index("claim")
    assert cov.at["(all)", "claims"] == cov.drop("(all)")["claims"].sum()
    assert 0 < cov.at["(all)", "share_known"] <= 1


def test_override_column_wins(catalog_copy: Path):
    p = catalog_copy / "tool_capabilities.csv"
    lines = p.read_text().splitlines()
    lines[0] += ",known_on"
    lines[1:] = [line + ("," + "2020-01-02" if i == 0 else ",") for i, line in enumerate(lines[1:])]
    p.write_text("\n".join(lines) + "\n")
    t, _ = collect(catalog_copy, None)
    prov = t.edges["PROVIDES"].set_index(["src", "dst"])
    assert prov.at[("tool:video-a", "cap:generate-video"), "known_on"] == "2020-01-02"
    assert prov.at[("tool:video-a", "cap:rotoscope"), "known_on"] == "2024-06"


def test_new_claim_without_known_on_is_a_problem(catalog_copy: Path):
    """A claim checked on or after the rule's start needs a known-on date; an older one is only counted."""
    _set_source(catalog_copy, "src:fx-paper", "", "2020-01-01")
    t, _ = collect(catalog_copy, None)
    assert any("cite no dated source" in n for n in t.notes)
    lims = t.nodes["Limitation"]
    undated = lims[lims["source_ids"].map(lambda s: s == ["src:fx-paper"])]
    assert len(undated) and (undated["known_on"] == "2020-01-01").all()  # the access day, as an upper bound
    assert (undated["known_on_basis"] == "accessed").all()
    cov = pv.date_coverage(t).set_index("claim")
    assert cov.at["(all)", "known_by_access"] >= len(undated)
    assert cov.at["(all)", "share_dated"] < cov.at["(all)", "share_known"]
    _set_source(catalog_copy, "src:fx-paper", "", pv.RULE_START)
    with pytest.raises(InputError) as e:
        collect(catalog_copy, None)
    assert any(p.field == "known_on" and p.file.endswith("limitations.csv") for p in e.value.problems)


HL = "Fixture: assumed pace of improvement."


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        (f",2.5,judgement,{HL},", ",2.5,,,", "half_life_basis", "needs a basis"),
        (f",2.5,judgement,{HL},", ",2.5,judgement,,", "half_life_rationale", "rationale"),
        (",,,,src:fx-paper", ",,judgement,,src:fx-paper", "half_life_basis", "without a half_life_years"),
        ("consent.,judgement,", "consent.,guess,", "severity_basis", "not one of"),
    ],
)
def test_limitation_bases(catalog_copy: Path, old: str, new: str, field: str, fragment: str):
    p = catalog_copy / "limitations.csv"
    text = p.read_text()
    assert old in text
    p.write_text(text.replace(old, new, 1))
    with pytest.raises(InputError) as e:
        collect(catalog_copy, None)
    assert any(pr.field == field and fragment in pr.message and pr.row for pr in e.value.problems), e.value


def test_link_severity_needs_justification_and_defaults_to_judgement(catalog_copy: Path):
    t, _ = collect(catalog_copy, None)
    has = t.edges["HAS_LIMITATION"]
    assert list(has["severity_basis"]) == ["judgement"]
    assert set(t.edges["PERFORMS"]["weight_basis"]) == {"judgement"}
    counts = pv.basis_counts(t).set_index("figure")
    assert counts.at["limitation severity", "judgement"] == 2
    assert counts.at["limitation half-life", "set"] == 1
    p = catalog_copy / "limitation_links.csv"
    p.write_text(p.read_text().replace("0.7,Short and unstable clips.,", "0.7,,"))
    with pytest.raises(InputError) as e:
        collect(catalog_copy, None)
    assert any(pr.field == "justification" and "limitation_links.csv" in pr.file for pr in e.value.problems)
