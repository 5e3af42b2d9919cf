"""The published exposure studies are for comparison, never inputs (issue 14, item 3).

- no curated fact in data/catalog cites a study's own source or names a study;
- the code that reads the catalog or proposes links imports none of the study readers.
"""

from __future__ import annotations

import ast
import csv
import sys
from pathlib import Path

from ingest import anthropic_index, eloundou, felten
from ingest.studies import StudyMeta

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "data" / "catalog"
STUDY_MODULES = {"ingest.anthropic_index", "ingest.eloundou", "ingest.felten", "ingest.studies"}
# the modules that turn curated files into claims, or propose links for curators to read
CURATION_CODE = ("ingest/catalog.py", "graph/suggest.py", "graph/validate.py", "graph/pipeline.py")


def _metas(obj) -> list[StudyMeta]:
    if isinstance(obj, StudyMeta):
        return [obj]
    if isinstance(obj, (list, tuple, set)):
        return [m for o in obj for m in _metas(o)]
    if isinstance(obj, dict):
        return [m for o in obj.values() for m in _metas(o)]
    return []


def study_metas() -> list[StudyMeta]:
    return [m for mod in (anthropic_index, eloundou, felten) for v in vars(mod).values() for m in _metas(v)]


def test_the_study_registry_is_found():
    metas = study_metas()
    assert len({m.id for m in metas}) >= 5  # Eloundou, Felten x3, Anthropic


def test_no_catalog_fact_cites_or_names_a_study():
    metas = study_metas()
    study_sources = {m.source_id for m in metas}
    study_urls = {m.url.rstrip("/") for m in metas}
    offenders = []
    for path in sorted(CATALOG.glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as f:
            for row_no, row in enumerate(csv.DictReader(f), start=2):
                for field, value in row.items():
                    cells = {v.strip() for v in (value or "").split(";")}
                    is_source_row = path.name.startswith("sources") and field in ("id", "url")
                    if is_source_row and path.name == "sources.public.csv":
                        continue  # the studies' own citation records, used only by the comparison
                    if cells & study_sources or any(c.startswith("study:") for c in cells):
                        offenders.append(f"{path.name}:{row_no}: {field}")
                    if field == "url" and (value or "").rstrip("/") in study_urls:
                        offenders.append(f"{path.name}:{row_no}: url (a study's data)")
    assert not offenders, "\n".join(offenders)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_curation_code_reads_no_study_data():
    for rel in CURATION_CODE:
        path = ROOT / rel
        if not path.exists():
            continue
        bad = _imports(path) & STUDY_MODULES
        assert not bad, f"{rel} imports {sorted(bad)}"


def test_the_check_catches_a_link_citing_a_study(tmp_path, monkeypatch):
    """The leakage check can fail: a link that cites Eloundou et al. is reported."""
    (tmp_path / "capability_tasks.bad.csv").write_text(
        "capability_id,task_id,weight,mode,rationale,confidence,source_ids\n"
        f"cap:x,task:y,0.5,automate,copied,0.5,{eloundou.META.source_id}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "CATALOG", tmp_path)
    try:
        test_no_catalog_fact_cites_or_names_a_study()
    except AssertionError as e:
        assert "capability_tasks.bad.csv:2: source_ids" in str(e)
    else:
        raise AssertionError("a link citing a study passed the check")
