"""Instruments and clauses: validation refuses a clause without section, dates or source, naming file, row
and field; the rules that join a clause to its instrument; dates in force."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from graph.contracts import date_bounds, in_force
from graph.pipeline import collect
from graph.schema import REQUIREMENT_KINDS
from graph.tables import InputError

CONTRACTS = Path(__file__).parent / "fixtures" / "contracts"


@pytest.fixture
def catalog(catalog_copy: Path) -> Path:
    """The fixture catalog plus two instruments, three clauses and one defined term."""
    for f in CONTRACTS.glob("*.csv"):
        shutil.copy(f, catalog_copy / f.name)
    return catalog_copy


def edit(cat: Path, name: str, old: str, new: str) -> None:
    p = cat / name
    text = p.read_text()
    assert old in text, f"fixture changed: {old!r} not in {name}"
    p.write_text(text.replace(old, new, 1))


AGREEMENT_ROW = "clause:fx-agreement.no-displacing-prompts,No prompting that displaces covered workers,Art. 1.A,"
DATES = "2024-08-01,2027-07-31,inst:fx-agreement"

# (case id, file, old, new, row, field, message fragment)
CASES = [
    ("no-section", "clauses.csv", "workers,Art. 1.A,", "workers,,", 2, "section", "required value is missing"),
    ("no-effective", "clauses.csv", DATES, ",2027-07-31,inst:fx-agreement", 2, "effective", "required value"),
    ("no-expiry-in-agreement", "clauses.csv", DATES, "2024-08-01,,inst:fx-agreement", 2, "expiry", "needs an expiry"),
    ("no-source", "clauses.csv", "lim:consent,src:fx-paper", "lim:consent,", 2, "source_ids", "required value"),
    ("expiry-before-effective", "clauses.csv", DATES, "2024-08-01,2023-12,inst:fx-agreement", 2, "expiry", "before"),
    ("bad-requirement", "clauses.csv", "prohibition;work_jurisdiction", "prohibition;vibes", 2, "requires", "'vibes'"),
    ("no-requirement", "clauses.csv", "prohibition;work_jurisdiction", "", 2, "requires", "required value"),
    (
        "bad-date",
        "clauses.csv",
        "2025-01-01,,inst:fx-statute,,,,aitype",
        "2025-13,,inst:fx-statute,,,,aitype",
        3,
        "effective",
        "ISO date",
    ),
    ("no-instrument", "clauses.csv", "2027-07-31,inst:fx-agreement,", "2027-07-31,,", 2, "instrument_id", "required"),
    (
        "unknown-instrument",
        "clauses.csv",
        "2027-07-31,inst:fx-agreement,",
        "2027-07-31,inst:nope,",
        2,
        "IN_INSTRUMENT",
        "'inst:nope' (dst) is not a known Instrument",
    ),
    (
        "quote-in-agreement",
        "clauses.csv",
        "displaces a covered worker.,,prohibition",
        "displaces a covered worker.,no prompting,prohibition",
        2,
        "quote",
        "not marked",
    ),
    ("quote-too-long", "clauses.csv", "a reasonably specific description", "x" * 301, 3, "quote", "more than the 300"),
    (
        "covers-wrong-label",
        "clauses.csv",
        "inst:fx-agreement,craft:compositor,",
        "inst:fx-agreement,dept:vfx,",
        2,
        "craft_ids",
        "is not a Craft id",
    ),
    (
        "agreement-without-term",
        "instruments.csv",
        "2024-08-01,2027-07-31,,false",
        "2024-08-01,,,false",
        2,
        "expiry",
        "end of its term",
    ),
    (
        "no-instrument-source",
        "instruments.csv",
        "An example statute.,,,src:fx-paper",
        "An example statute.,,,",
        3,
        "source_ids",
        "required value",
    ),
    ("bad-kind", "instruments.csv", ",collective_agreement,", ",contract,", 2, "kind", "not one of"),
    (
        "grounds-technical-limitation",
        "clauses.csv",
        "aitype:generative-video,lim:consent,src:fx-paper",
        "aitype:generative-video,lim:temporal,src:fx-paper",
        2,
        "limitation_ids",
        "only legal limitations",
    ),
    (
        "term-bad-match",
        "clause_terms.csv",
        "digital replica,narrower",
        "digital replica,same",
        2,
        "match",
        "not one of",
    ),
    (
        "term-no-difference",
        "clause_terms.csv",
        "narrower,Only realistic replicas of an identifiable person.",
        "narrower,",
        2,
        "difference",
        "required value",
    ),
]


def test_fixture_with_contracts_is_valid(catalog):
    tables, _ = collect(catalog, None)
    assert len(tables.nodes["Clause"]) == 3
    assert len(tables.nodes["Instrument"]) == 2
    covers = tables.edges["COVERS"]
    assert set(covers["dst_label"]) == {"Craft", "Task", "Capability", "AIType"}
    assert tables.edges["GROUNDS"]["src"].tolist().count("inst:fx-agreement") == 1
    assert tables.edges["DEFINES"]["term"].tolist() == ["digital replica"]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_clause_or_instrument_is_refused_naming_file_row_field(case, catalog):
    _, name, old, new, row, fld, fragment = case
    edit(catalog, name, old, new)
    with pytest.raises(InputError) as err:
        collect(catalog, None)
    hits = [p for p in err.value.problems if p.file.endswith(name) and p.row == row and p.field == fld]
    assert hits, "\n".join(map(str, err.value.problems))
    assert any(fragment in p.message for p in hits), "\n".join(map(str, hits))


def test_every_requirement_kind_is_described():
    assert all(desc and kind.islower() for kind, desc in REQUIREMENT_KINDS.items())


def test_partial_dates_cover_their_whole_period():
    assert date_bounds("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert date_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_bounds("2026-06-30") == (date(2026, 6, 30), date(2026, 6, 30))


@pytest.mark.parametrize(
    ("status", "effective", "expiry", "on", "expected"),
    [
        ("in_force", "2024-08-01", "2027-07-31", date(2026, 1, 1), True),
        ("in_force", "2024-08-01", "2027-07-31", date(2024, 7, 31), False),
        ("superseded", "2023-11", "2026-06-30", date(2026, 6, 30), True),
        ("superseded", "2023-11", "2026-06-30", date(2026, 7, 1), False),
        ("in_force", "2025-01-01", None, date(2040, 1, 1), True),
        ("pending", "2025-04-09", None, date(2026, 1, 1), False),
        ("not_yet_in_force", "2026-08-02", None, date(2026, 8, 1), False),
        ("in_force", None, None, date(2026, 1, 1), False),
    ],
)
def test_in_force(status, effective, expiry, on, expected):
    assert in_force(status, effective, expiry, on) is expected


def test_repository_catalog_has_the_clauses_the_issue_asks_for():
    from graph.ai_types_doc import load

    t = load()
    clauses = t.nodes["Clause"]
    per_instrument = t.edges["IN_INSTRUMENT"]["dst"].value_counts()
    assert len(clauses) >= 150
    assert len(per_instrument) >= 10
    assert set(t.nodes["Instrument"]["id"]) == set(per_instrument.index)  # no instrument without clauses
    grades = t.nodes["Source"].set_index("id")["grade"]
    cited = {s for ids in clauses["source_ids"] for s in ids}
    assert grades.reindex(sorted(cited)).notna().all(), "every source a clause cites carries a grade"


ROLE_HEADER = (
    "id,name,description,first_seen,evidence,evidence_kind,evidence_date,union_status,union_note,craft_ids,tool_ids,"
    "local_ids,source_ids\n"
)
ROLE = (
    "role:fx-ai-compositor,AI compositor,Composites generated elements.,2024,A posting for an AI compositor.,"
    "job_posting,2024-05,could_be_represented,VFX-IATSE organises compositors.,craft:compositor,,"
    "local:iatse-839,src:fx-paper\n"
)


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        (",job_posting,2024-05,", ",job_posting,,", "evidence_date", "required value is missing"),
        (",job_posting,", ",rumour,", "evidence_kind", "not one of"),
        ("A posting for an AI compositor.", "", "evidence", "required value is missing"),
        (",could_be_represented,", ",maybe,", "union_status", "not one of"),
        (",local:iatse-839,", ",craft:compositor,", "local_ids", "is not a UnionLocal id"),
    ],
)
def test_a_role_without_dated_evidence_is_refused(catalog_copy, old, new, field, fragment):
    (catalog_copy / "job_roles.csv").write_text(ROLE_HEADER + ROLE)
    collect(catalog_copy, None)  # the fixture role is valid as written
    (catalog_copy / "job_roles.csv").write_text(ROLE_HEADER + ROLE.replace(old, new, 1))
    with pytest.raises(InputError) as err:
        collect(catalog_copy, None)
    hits = [p for p in err.value.problems if p.file.endswith("job_roles.csv") and p.row == 2 and p.field == field]
    assert any(fragment in p.message for p in hits), "\n".join(map(str, err.value.problems))


def test_repository_has_forty_roles_with_dated_evidence_and_crafts():
    from graph.ai_types_doc import load

    t = load()
    roles = t.nodes["JobRole"]
    assert len(roles) >= 40
    assert roles["evidence_date"].notna().all()
    assert set(roles["id"]) == set(t.edges["GROWS_FROM"]["src"])
