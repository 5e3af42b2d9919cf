"""The glossary (explorer.glossary): it defines every measure, status and study code the pages show, the
docs copy is current, and the pages' metrics and columns take their tooltips from it."""

from __future__ import annotations

from pathlib import Path

from explorer import glossary, labels, scores
from explorer.scenario import SCENARIO_NAMES
from ingest import anthropic_index, eloundou, felten


def test_docs_glossary_is_current():
    assert glossary.DOC.read_text() == glossary.document(), (
        "docs/glossary.md is stale: python -m explorer.glossary --write"
    )


def test_every_study_measure_code_is_defined():
    codes = set(eloundou.OCC_MEASURES.values()) | {m[3] for m in felten.MEASURES}
    codes |= {c for c in ("aei_task_share", "aei_occ_share") if c in Path(anthropic_index.__file__).read_text()}
    missing = sorted(c for c in codes if glossary.term(c) is None)
    assert not missing, f"study codes without a glossary entry: {missing}"


def test_every_score_column_status_and_scenario_is_defined():
    cols = {*scores.VALUE_COLUMNS, *scores.STATUS_COLUMNS, "rank", "basis", "method_version", "department"}
    cols |= {"assessed", "partly assessed", "not assessed", *SCENARIO_NAMES}
    assert not sorted(c for c in cols if glossary.term(c) is None)


def test_keys_are_unique_and_every_term_has_text():
    assert len({t.key for t in glossary.TERMS}) == len(glossary.TERMS)
    assert all(t.name and len(t.text) > 20 and t.group in glossary.GROUPS for t in glossary.TERMS)


def test_column_help_comes_from_the_glossary():
    import pandas as pd

    _, config = labels.display(pd.DataFrame({"name": ["a"], "technical_median": [0.1], "measure": ["gpt4_beta"]}))
    assert config["technical_median"]["help"] == glossary.help_text("technical_median")
    shown, _ = labels.display(pd.DataFrame({"name": ["a"], "measure": ["gpt4_beta"]}))
    assert shown["measure"].iloc[0] == "GPTs are GPTs: GPT-4 rating, β (gpt4_beta)"


def test_markdown_keeps_onet_as_written():
    text = glossary.markdown(["occupation"])
    assert "O\\*NET" in text and "*NET" not in text.replace("\\*NET", "")
