"""AI types for contract language: the hierarchy rules validation enforces, and docs/ai-types.md."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph import ai_types_doc
from graph.pipeline import collect
from graph.tables import InputError

CONTRACTS = Path(__file__).parent / "fixtures" / "contracts"


def edit(cat: Path, name: str, old: str, new: str) -> None:
    p = cat / name
    text = p.read_text()
    assert old in text, f"fixture changed: {old!r} not in {name}"
    p.write_text(text.replace(old, new, 1))


GEN_VIDEO = (
    "aitype:generative-video,Generative video,Makes moving images from prompts.,The new content is moving images."
)

# (case id, old, new, row, field, message fragment) — edits of tests/fixtures/catalog/ai_types.csv
CASES = [
    (
        "two-roots",
        "video,text or images,,1,,aitype:generative,",
        "video,text or images,,1,,,",
        2,
        "parent_id",
        "one root",
    ),
    ("no-criterion", GEN_VIDEO, GEN_VIDEO.rsplit(",", 1)[0] + ",", 3, "criterion", "needs the test"),
    ("no-rank", "text or images,,1,,aitype:generative", "text or images,,,,aitype:generative", 3, "rank", "rank order"),
    ("cycle", "prompts,,1,,,src:fx-paper", "prompts,,1,,aitype:generative-video,src:fx-paper", 2, "parent_id", "loops"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_broken_hierarchy_is_refused_naming_file_row_field(case, catalog_copy):
    _, old, new, row, fld, fragment = case
    edit(catalog_copy, "ai_types.csv", old, new)
    with pytest.raises(InputError) as err:
        collect(catalog_copy, None)
    hits = [p for p in err.value.problems if p.file.endswith("ai_types.csv") and p.row == row and p.field == fld]
    assert any(fragment in p.message for p in hits), "\n".join(map(str, err.value.problems))


def test_sibling_ranks_must_differ(catalog_copy):
    with (catalog_copy / "ai_types.csv").open("a") as f:
        f.write(
            "aitype:generative-image,Generative image,Stills.,The new content is a still.,images,text,,1,,"
            "aitype:generative,src:fx-paper\n"
        )
    with pytest.raises(InputError) as err:
        collect(catalog_copy, None)
    assert any(
        p.field == "rank" and "already taken by aitype:generative-video" in p.message for p in err.value.problems
    )


def test_document_lists_key_types_and_mapped_terms(catalog_copy):
    for f in CONTRACTS.glob("*.csv"):
        shutil.copy(f, catalog_copy / f.name)
    text = ai_types_doc.markdown(ai_types_doc.load(catalog_copy))
    assert "## Root definition: Generative AI (`aitype:generative`)" in text
    assert "1. **Generative video** — The new content is moving images." in text
    row = next(line for line in text.splitlines() if line.startswith("| digital replica |"))
    assert "Example Replica Act, Sec. 1" in row and "| narrower |" in row


def test_ai_types_document_is_current(capsys):
    # Fails when data/catalog changed the AI types or their mapped terms without regenerating the document.
    assert ai_types_doc.main(["--check"]) == 0, capsys.readouterr().err


def test_repository_types_have_one_root_and_admin_types():
    t = ai_types_doc.load()
    ids = set(t.nodes["AIType"]["id"])
    children = set(t.edges["SUBTYPE_OF"]["src"])
    assert ids - children == {"aitype:ai-system"}
    admin = set(t.edges["SUBTYPE_OF"].query("dst == 'aitype:workforce-management'")["src"])
    assert {
        "aitype:hiring-screening",
        "aitype:worker-monitoring",
        "aitype:workforce-scheduling",
        "aitype:timekeeping-payroll",
    } <= admin
