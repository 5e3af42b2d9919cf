"""The public-source registry: read_all, the per-source manifest, folding Occupation properties,
the graph validating end to end, and data/sources.yaml (its validated model)."""

from __future__ import annotations

import importlib
import logging
import re
import sys
import time
from pathlib import Path

import pooch
import pytest
import yaml

from graph.tables import Tables, merge
from graph.validate import validate_tables
from ingest import registry, sources_file
from ingest.base import Context, Source, shared_data_dir
from ingest.catalog import read_catalog

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "public"))
mkroot = importlib.import_module("mkroot")

FULL = shared_data_dir()
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return mkroot.make_root(tmp_path_factory.mktemp("pub"))


@pytest.fixture(scope="module")
def result(root):
    problems: list = []
    parts, info = registry.read_all(root, problems, catalog=mkroot.CATALOG)
    assert problems == []
    return parts, info


def test_registry():
    names = list(registry.SOURCES)
    assert names == [
        "onet",
        "crosswalks",
        "bls",
        "eloundou",
        "felten",
        "anthropic_index",
        "epoch",
        "aiid",
        "oews_industry",
        "qcew",
    ]
    for name, m in registry.SOURCES.items():
        assert isinstance(m, Source) and name == m.NAME


def test_each_module_reads_on_its_own(root):
    for name, m in registry.SOURCES.items():
        problems: list = []
        t, entry = m.read(Context(root, problems, catalog=mkroot.CATALOG))
        assert isinstance(t, Tables) and isinstance(entry, dict) and problems == [], name


def test_manifest(result):
    _, info = result
    assert list(info) == list(registry.SOURCES)
    for name, entry in info.items():
        for key in ("source", "version", "title", "files", "rows", "match", "notes", "seconds", "counts", "problems"):
            assert key in entry, (name, key)
        for f in entry["files"]:
            assert re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) and f["bytes"] > 0
            assert f["pinned"] is (None if f["path"].endswith(".xlsx") and "isco" in f["path"] else False)
    assert info["onet"]["importance"].startswith("core 2 : supplemental 1 (no Task Ratings in this release)")
    assert info["bls"]["year"] == 2025
    assert info["eloundou"]["studies"]["study:eloundou-2023"]["match_rate"] == 1.0
    assert info["felten"]["studies"]["study:felten-2021-aioe"]["code_vintage"] == "SOC 2010"


def test_occupations_appear_once_with_folded_properties(result):
    parts, info = result
    t = merge(parts)
    occ = t.nodes["Occupation"]
    assert occ["id"].is_unique and len(occ) == 7
    assert set(occ["origin"]) == {"onet-29.1"}
    row = occ.set_index("id").loc["onet:27-4032.00"]
    assert row["soc2018"] == "27-4032" and row["isco08_codes"] == ["2654"]  # crosswalks
    assert row["employment"] == 30000.0 and row["wage_year"] == 2025  # BLS
    assert row["job_zone"] == 4  # O*NET
    assert "employment" in info["bls"]["occupation_properties"]
    assert info["bls"]["counts"]["nodes"] == {}


def test_only_and_progress(root, caplog):
    problems: list = []
    lines: list[str] = []
    _parts, info = registry.read_all(root, problems, progress=lines.append, only=["onet", "crosswalks"])
    assert problems == [] and list(info) == ["onet", "crosswalks"]
    assert lines == ["reading onet", "reading crosswalks"]
    with caplog.at_level(logging.INFO, logger="ingest"):  # without a callable, progress goes to logging
        registry.read_all(root, [], only=["bls"])
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("ingest.registry", "reading bls")]


def test_graph_validates_end_to_end(result):
    parts, _ = result
    problems: list = []
    catalog = read_catalog(mkroot.CATALOG, problems)
    t = merge([catalog, *parts])
    validate_tables(t, problems, public=True)
    assert problems == []
    assert len(t.edges["DEMONSTRATES"]) == 2 and len(t.edges["ILLUSTRATES"]) == 1


def test_sources_yaml_shape():
    doc = sources_file.load(REPO / "data" / "sources.yaml")  # the model checks keys, types, hashes, uniqueness
    assert doc.sources and len(doc.pinned()) == len(doc.files())
    for f in doc.files():
        assert f.url.startswith("https://")
        if f.mirror:
            assert f.mirror.startswith("https://raw.githubusercontent.com/")


def test_bad_sources_yaml_names_the_key(tmp_path):
    def clean() -> dict:
        return yaml.safe_load((REPO / "data" / "sources.yaml").read_text(encoding="utf-8"))

    bad = tmp_path / "sources.yaml"
    doc = clean()
    doc["sources"][2]["files"][0]["sha256"] = "abc"
    del doc["sources"][3]["licence"]
    doc["sources"][0]["files"][1]["mirorr"] = "https://example.org/x"
    bad.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(sources_file.SourcesFileError) as err:
        sources_file.load(bad)
    msg = str(err.value)
    assert f"{bad}: sources[2] ({doc['sources'][2]['id']}).files[0].sha256: String should match pattern" in msg
    assert f"sources[3] ({doc['sources'][3]['id']}).licence: Field required" in msg
    assert f"sources[0] ({doc['sources'][0]['id']}).files[1].mirorr: unknown key" in msg

    doc = clean()
    doc["sources"][5]["files"].append(dict(doc["sources"][4]["files"][0]))
    bad.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(sources_file.SourcesFileError, match=r"path '[^']+' appears more than once"):
        sources_file.load(bad)

    bad.write_text("sources: [", encoding="utf-8")
    with pytest.raises(sources_file.SourcesFileError, match="not readable YAML"):
        sources_file.load(bad)


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_sources_yaml_pins_every_shared_file():
    pins = sources_file.pinned_hashes()
    files = {str(p.relative_to(FULL)): p for p in FULL.rglob("*") if p.is_file() and not p.name.startswith("SOURCES")}
    assert set(files) == set(pins)
    for rel, p in files.items():
        assert pooch.file_hash(str(p)) == pins[rel], rel


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_read_all():
    problems: list = []
    t0 = time.perf_counter()
    parts, info = registry.read_all(FULL, problems)
    seconds = time.perf_counter() - t0
    assert problems == []
    assert seconds < 60, f"full read took {seconds:.1f} s"
    t = merge(parts)
    counts = t.counts()
    assert counts["nodes"]["Occupation"] >= 1000 and t.nodes["Occupation"]["id"].is_unique
    assert counts["nodes"]["Task"] >= 18000
    assert (t.nodes["WorkActivity"]["level"] == "dwa").sum() >= 2000
    assert counts["nodes"]["Study"] == 5
    for entry in info.values():
        assert all(f["pinned"] for f in entry["files"]), entry["source"]
    # the public tables, with the catalog's sources and the curated model/incident links, validate
    cat_problems: list = []
    cat = read_catalog(REPO / "data" / "catalog", cat_problems)
    keep = Tables(
        nodes={k: v for k, v in cat.nodes.items() if k in ("Source", "Capability", "Limitation")},
        edges={k: v for k, v in cat.edges.items() if k in ("DEMONSTRATES", "ILLUSTRATES")},
    )
    whole = merge([keep, *parts])
    validate_tables(whole, problems, public=True)
    assert problems == [], problems[:5]
