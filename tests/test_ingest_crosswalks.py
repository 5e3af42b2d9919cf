"""Crosswalks: O*NET-SOC 2019 ↔ SOC 2018 ↔ SOC 2010 ↔ ISCO-08, and O*NET-SOC 2010 → 2019."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from ingest import crosswalks
from ingest.base import Context, shared_data_dir

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "public"))
mkroot = importlib.import_module("mkroot")

FULL = shared_data_dir()


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return mkroot.make_root(tmp_path_factory.mktemp("pub"))


@pytest.fixture(scope="module")
def cw(root) -> crosswalks.Crosswalks:
    problems: list = []
    out = crosswalks.load(root, problems)
    assert problems == []
    return out


def test_soc2010_to_onet_routes(cw):
    assert cw.soc2010_to_onet("15-1132") == (["15-1252.00"], "bls")
    assert cw.soc2010_to_onet("27-2012") == (["27-2012.00", "27-2012.03"], "bls")
    assert cw.soc2010_to_onet("27-4099") == (["27-4015.00"], "bls")
    assert cw.soc2010_to_onet("19-1020") == ([], None)


def test_vintages(cw):
    assert cw.vintage_of("15-1252.00") == "O*NET-SOC 2019"
    assert cw.vintage_of("15-1132.00") == "O*NET-SOC 2010"
    assert cw.vintage_of("15-1252") == "SOC 2018"
    assert cw.vintage_of("15-1132") == "SOC 2010"
    assert cw.vintage_of("27-4032") == "SOC 2010/2018"


def test_occupation_properties(root):
    problems: list = []
    t, entry = crosswalks.read(Context(root, problems))
    assert problems == []
    occ = t.nodes["Occupation"].set_index("id")
    assert occ.loc["onet:15-1252.00", "soc2018"] == "15-1252"
    assert occ.loc["onet:15-1252.00", "soc2010_codes"] == ["15-1132", "15-1133"]
    assert occ.loc["onet:27-4015.00", "isco08_codes"] == ["3435", "3521"]
    assert occ.loc["onet:27-4032.00", "isco08_codes"] == ["2654"]  # "27-4032 " (trailing space) trimmed
    assert entry["match"] == {"onet_to_soc2018": 1.0, "onet_to_soc2010": 1.0, "onet_to_isco08": 1.0}


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_crosswalks():
    problems: list = []
    cw = crosswalks.load(FULL, problems)
    assert problems == []
    assert len(cw.onet_soc2018) == 1016 and len(set(cw.onet_soc2018.values())) == 867
    assert len(cw.soc2010_to_2018) == 840
    assert cw.soc2010_to_onet("15-1132")[0] == ["15-1252.00", "15-1253.00"]
    assert cw.soc2010_to_onet("19-1020") == (["19-1029.04"], "onet")  # broad code, via O*NET-SOC 2010
    assert "3521" in cw.soc2010_to_isco["27-4011"]
    _t, entry = crosswalks.read(Context(FULL, problems))
    assert problems == []
    assert entry["match"]["onet_to_soc2018"] == 1.0
    assert entry["match"]["onet_to_soc2010"] >= 0.99
    assert entry["match"]["onet_to_isco08"] >= 0.99
