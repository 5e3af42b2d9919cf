"""Epoch AI models and AI Incident Database incidents: only those a curated mapping names."""

from __future__ import annotations

import csv
import importlib
import sys
from pathlib import Path

import pytest

from ingest import aiid, epoch
from ingest.base import Context, shared_data_dir
from ingest.epoch import slugify

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "public"))
mkroot = importlib.import_module("mkroot")

FULL = shared_data_dir()
REPO_CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return mkroot.make_root(tmp_path_factory.mktemp("pub"))


def test_slugs():
    assert slugify("DALL·E 2") == "dall-e-2"
    assert slugify("Stable Diffusion (LDM-KL-8-G)") == "stable-diffusion-ldm-kl-8-g"
    assert slugify("NÜWA") == "nuwa"
    assert epoch.model_id("Veo 3.1") == "model:veo-3.1"


def test_only_mapped_models_become_nodes(root):
    problems: list = []
    t, entry = epoch.read(Context(root, problems, catalog=mkroot.CATALOG))
    assert problems == []
    models = t.nodes["AIModel"].set_index("id")
    assert list(models.index) == ["model:dall-e-example", "model:example-video-model"]
    assert models.loc["model:example-video-model", "date"] == "2024-02-15"
    assert models.loc["model:example-video-model", "source_ids"] == ["src:pd-epoch-notable-models"]
    assert entry["totals"] == {"models_in_file": 3, "models_mapped": 2, "ai_model_nodes": 2}
    assert "2 of 3" in entry["notes"][-1]


def test_unknown_model_in_mapping_is_named(root, tmp_path):
    cat = tmp_path / "cat"
    cat.mkdir()
    (cat / "model_capabilities.csv").write_text(
        "model_id,capability_id,rationale,confidence,source_ids\n"
        "model:example-vidoe-model,cap:x,typo,0.5,src:pd-epoch-notable-models\n"
    )
    problems: list = []
    epoch.read(Context(root, problems, catalog=cat))
    assert len(problems) == 1
    p = problems[0]
    assert p.file.endswith("model_capabilities.csv") and p.row == 2 and p.field == "model_id"
    assert "close: model:example-video-model" in p.message


def test_only_mapped_incidents_become_nodes(root):
    problems: list = []
    t, entry = aiid.read(Context(root, problems, catalog=mkroot.CATALOG))
    assert problems == []
    inc = t.nodes["Incident"].iloc[0]
    assert inc["id"] == "incident:7" and inc["date"] == "2023-04-17"
    assert inc["url"] == "https://incidentdatabase.ai/cite/7"
    assert entry["source"] == "aiid-2026-06-01"


def rows(name: str) -> list[dict]:
    with open(REPO_CATALOG / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_repo_mappings_reference_existing_catalog_ids():
    caps = {r["id"] for r in rows("capabilities.csv")}
    lims = {r["id"] for r in rows("limitations.csv")}
    srcs = {r["id"] for r in rows("sources.public.csv")}
    mc = rows("model_capabilities.csv")
    il = rows("incident_limitations.csv")
    assert 10 <= len(mc) <= 30 and 10 <= len(il) <= 30
    for r in mc:
        assert r["capability_id"] in caps
        assert set(r["source_ids"].split(";")) <= srcs
    for r in il:
        assert r["limitation_id"] in lims
        assert set(r["source_ids"].split(";")) <= srcs
    assert all(s.startswith("src:pd-") for s in srcs)


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_repo_mappings_resolve():
    problems: list = []
    ctx = Context(FULL, problems)
    tm, em = epoch.read(ctx)
    _ti, ei = aiid.read(ctx)
    assert problems == []
    assert em["totals"]["ai_model_nodes"] == em["totals"]["models_mapped"] >= 10
    assert ei["totals"]["incident_nodes"] == ei["totals"]["incidents_mapped"] >= 10
    assert tm.nodes["AIModel"]["date"].notna().all()
