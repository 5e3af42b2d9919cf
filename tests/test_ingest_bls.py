"""BLS OEWS: employment split without double counting, aggregates, `*` and `#`, latest year."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from ingest import bls
from ingest.base import Context, shared_data_dir

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "public"))
mkroot = importlib.import_module("mkroot")

FULL = shared_data_dir()


def read(root: Path):
    problems: list = []
    t, entry = bls.read(Context(root, problems))
    assert problems == []
    return t.nodes["Occupation"].set_index("id"), entry


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return mkroot.make_root(tmp_path_factory.mktemp("pub"))


def test_latest_year_and_split(root):
    occ, entry = read(root)
    assert entry["year"] == 2025 and entry["source"] == "bls-oews-2025"
    assert any("national_M2024_dl.xlsx" in n for n in entry["notes"])
    assert occ.loc["onet:27-2012.00", "employment"] == 50000.0
    assert occ.loc["onet:27-2012.03", "employment"] == 50000.0
    assert occ.loc["onet:27-2012.03", "employment_split"] == 2
    assert occ.loc["onet:27-2012.03", "oews_code"] == "27-2012"
    assert occ.loc["onet:27-2012.03", "median_wage"] == 93600.0  # wages copied, not split
    assert set(occ["wage_year"]) == {2025}


def test_never_double_counts(root):
    occ, entry = read(root)
    tot = entry["totals"]
    matched = tot["oews_detailed_employment"] - 50000  # Actors: no O*NET occupation in the fixture
    assert occ["employment"].sum() == pytest.approx(matched)
    assert tot["employment_attributed"] == pytest.approx(matched)
    assert entry["unmatched_oews_codes"] == ["27-2011 Actors (50000)"]
    assert entry["onet_without_oews"] == ["55-1011"]


def test_oews_aggregate_codes(root):
    occ, entry = read(root)
    assert entry["oews_aggregates"] == {"27-4030": ["27-4032"]}
    assert occ.loc["onet:27-4032.00", "oews_code"] == "27-4030"
    assert occ.loc["onet:27-4032.00", "employment"] == 30000.0


def test_suppressed_and_hourly_only(root):
    occ, _ = read(root)
    av = occ.loc["onet:27-4011.00"]
    assert av["median_wage"] is None and av["median_hourly_wage"] == 25.0
    assert "hourly wages only" in av["wage_note"]
    light = occ.loc["onet:27-4015.00"]
    assert light["median_wage"] is None and light["median_hourly_wage"] is None
    assert light["wage_note"] == "wages not available (BLS *)"
    assert light["employment"] == 10000.0


def test_top_coded(tmp_path):
    root = mkroot.make_root(tmp_path / "r", bls_years=(2024,))
    occ, entry = read(root)
    dev = occ.loc["onet:15-1252.00"]
    assert dev["median_wage"] is None and dev["mean_wage"] == 140000.0
    assert dev["wage_note"].startswith("median wage top-coded") and "$239,200 per year" in dev["wage_note"]
    assert dev["median_hourly_wage"] == 62.5
    assert entry["totals"]["A_MEDIAN #"] == 1


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_2025():
    occ, entry = read(FULL)
    assert entry["year"] == 2025
    tot = entry["totals"]
    assert tot["employment_attributed"] == pytest.approx(tot["oews_detailed_employment"])
    assert occ["employment"].sum() == pytest.approx(tot["oews_detailed_employment"])
    assert entry["match"]["oews_codes_matched"] == 1.0
    assert entry["match"]["onet_occupations_with_figures"] >= 0.95
    assert len(entry["oews_aggregates"]) == 12
    assert "hourly wages only" in occ.loc["onet:27-2011.00", "wage_note"]  # actors
    assert occ.loc["onet:27-4032.00", "employment"] > 10000


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_2024_top_codes(tmp_path):
    root = tmp_path / "r"
    (root / "bls_oews").mkdir(parents=True)
    (root / "bls_oews" / "national_M2024_dl.xlsx").symlink_to(FULL / "bls_oews" / "national_M2024_dl.xlsx")
    (root / "crosswalks").symlink_to(FULL / "crosswalks")
    (root / "onet").symlink_to(FULL / "onet")
    occ, entry = read(root)
    assert entry["year"] == 2024
    assert entry["totals"]["A_MEDIAN #"] == 17
    top = occ[occ["wage_note"].fillna("").str.contains("top-coded")]
    assert len(top) >= 17 and top["median_wage"].isna().all()
