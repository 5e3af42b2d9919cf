"""O*NET ingest: the text release (primary) and the Excel release give the same tables."""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from graph.tables import WHERE
from ingest import onet
from ingest.base import Context, shared_data_dir

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "public"))
mkroot = importlib.import_module("mkroot")

FULL = shared_data_dir()


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return mkroot.make_root(tmp_path_factory.mktemp("pub"), onet_excel=True)


def read(root: Path, release: str | None = None):
    problems: list = []
    t, entry = onet.read(Context(root, problems, onet_release=release))
    assert problems == []
    return t, entry


def test_text_release_nodes_and_edges(root):
    t, entry = read(root)
    assert entry["source"] == "onet-29.1" and entry["form"] == "text"
    occ = t.nodes["Occupation"].set_index("id")
    assert len(occ) == 7
    assert set(t.nodes["Occupation"]["origin"]) == {"onet-29.1"}
    ed = occ.loc["onet:27-4032.00"]
    assert ed["title"] == "Film and Video Editors" and ed["soc_code"] == "27-4032.00"
    assert ed["job_zone"] == 4 and isinstance(ed["job_zone"], int)
    assert ed["alternate_titles"] == ["Picture Editor", "Assistant Editor"]
    assert ed["reported_titles"] == ["Video Editor"]
    assert ed["technology_skills"] == ["Adobe Premiere Pro", "Avid Media Composer"]  # de-duplicated
    assert ed["emerging_tasks"] == ["Review clips proposed by automatic editing software."]
    assert occ.loc["onet:27-4015.00", "job_zone"] is None

    tasks = t.nodes["Task"].set_index("id")
    assert len(tasks) == 12
    assert tasks.loc["task:onet:90052", "kind"] == "supplemental"
    assert tasks.loc["task:onet:90040", "kind"] == "core"  # Task Type n/a → core

    wa = t.nodes["WorkActivity"].set_index("id")
    assert wa.loc["dwa:4.A.2.b.2.I01.D01", "level"] == "dwa"
    assert wa.loc["iwa:4.A.2.b.2.I01", "level"] == "iwa"
    assert wa.loc["gwa:4.A.2.b.2", "title"] == "Thinking Creatively"
    assert len(wa) == 5 + 4 + 3

    part = set(zip(t.edges["PART_OF"]["src"], t.edges["PART_OF"]["dst"], strict=True))
    assert ("dwa:4.A.2.b.2.I01.D01", "iwa:4.A.2.b.2.I01") in part
    assert ("iwa:4.A.2.b.2.I01", "gwa:4.A.2.b.2") in part
    inv = t.edges["INVOLVES"]
    assert len(inv) == 7 and set(inv["src_label"]) == {"Task"} and set(inv["dst_label"]) == {"WorkActivity"}


def test_importance_core_supplemental_when_no_task_ratings(root):
    t, entry = read(root)
    ht = t.edges["HAS_TASK"].set_index("dst")
    assert ht.loc["task:onet:90050", "importance"] == 1.0
    assert ht.loc["task:onet:90052", "importance"] == 0.5
    assert set(ht["importance_basis"]) == {"core_supplemental"}
    assert entry["importance"].startswith("core 2 : supplemental 1 (no Task Ratings in this release)")
    assert any("Task Type n/a" in n for n in entry["notes"])


def test_importance_from_task_ratings_when_present(root, tmp_path):
    r = tmp_path / "r"
    shutil.copytree(root / "onet", r / "onet")
    shutil.rmtree(r / "onet" / "db_30_1_excel")
    (r / "onet" / "db_29_1_text" / "Task Ratings.txt").write_bytes(
        b"O*NET-SOC Code\tTask ID\tScale ID\tCategory\tData Value\tN\r\n"
        b"27-4032.00\t90050\tIM\tn/a\t4.60\t20\r\n"
        b"27-4032.00\t90050\tRT\tn/a\t98.00\t20\r\n"
        b"27-4032.00\t90052\tIM\tn/a\t3.00\t20\r\n"
    )
    t, entry = read(r)
    ht = t.edges["HAS_TASK"].set_index("dst")
    assert ht.loc["task:onet:90050", "importance"] == pytest.approx(0.9)
    assert ht.loc["task:onet:90050", "importance_basis"] == "task_ratings"
    assert ht.loc["task:onet:90052", "importance"] == pytest.approx(0.5)
    assert ht.loc["task:onet:90051", "importance_basis"] == "core_supplemental"  # no rating: fallback
    assert entry["importance_basis_counts"] == {"task_ratings": 2, "core_supplemental": 10}
    assert "Task Ratings IM scale" in entry["importance"]


def _comparable(df: pd.DataFrame) -> pd.DataFrame:
    df = df.drop(columns=[WHERE, "origin"], errors="ignore")
    return df.sort_values(list(df.columns[:2])).reset_index(drop=True).astype(str)


def test_excel_release_gives_the_same_tables(root):
    text, _ = read(root)
    excel, entry = read(root, release="db_30_1_excel")
    assert entry["form"] == "excel" and entry["source"] == "onet-30.1"
    for kind in ("nodes", "edges"):
        a, b = getattr(text, kind), getattr(excel, kind)
        assert a.keys() == b.keys()
        for k in a:
            pd.testing.assert_frame_equal(_comparable(a[k]), _comparable(b[k]))


def test_release_choice(root, tmp_path, monkeypatch):
    assert onet.find_release(root, [])[1:] == ("29.1", "text")  # newest text release first
    monkeypatch.setenv(onet.ENV_RELEASE, "db_30_1_excel")
    assert onet.find_release(root, [])[1:] == ("30.1", "excel")
    monkeypatch.delenv(onet.ENV_RELEASE)
    excel_only = tmp_path / "x"
    shutil.copytree(root / "onet" / "db_30_1_excel", excel_only / "onet" / "db_30_1_excel")
    assert onet.find_release(excel_only, [])[1:] == ("30.1", "excel")
    problems: list = []
    assert onet.find_release(root, problems, release="db_99_9_text") is None
    assert "release not found" in problems[0].message


def test_where_names_file_and_line(root):
    t, _ = read(root)
    w = t.nodes["Task"].set_index("id").loc["task:onet:90001", WHERE]
    assert w.endswith("onet/db_29_1_text/Task Statements.txt:2")


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_text_release():
    t, entry = read(FULL)
    counts = t.counts()
    assert counts["nodes"]["Occupation"] >= 1000
    assert counts["nodes"]["Task"] >= 18000
    wa = t.nodes["WorkActivity"]
    assert (wa["level"] == "dwa").sum() >= 2000
    assert (wa["level"] == "iwa").sum() >= 300
    assert counts["edges"]["INVOLVES"] >= 20000
    assert entry["importance"].startswith("core 2 : supplemental 1")
    assert all(f["pinned"] for f in entry["files"])
    occ = t.nodes["Occupation"].set_index("id")
    assert occ.loc["onet:27-4032.00", "alternate_titles"]
    assert occ["job_zone"].notna().sum() >= 900


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_excel_release_matches_its_row_counts():
    t, entry = read(FULL, release="db_30_1_excel")
    assert entry["source"] == "onet-30.1"
    assert len(t.nodes["Occupation"]) == 1016
    assert len(t.nodes["Task"]) == 18796
    assert (t.nodes["WorkActivity"]["level"] == "dwa").sum() == 2087
    assert len(t.edges["INVOLVES"]) == 23850


def test_task_dwa_links_row_by_row_when_one_is_wrong(tmp_path):
    """A wrong Tasks-to-DWAs row sends the file down the row-by-row path: that row is reported and left
    out, every other link is the one the column-wise path makes."""
    good = mkroot.make_root(tmp_path / "good")
    fast = read(good)[0].edges["INVOLVES"]
    bad = mkroot.make_root(tmp_path / "bad")
    path = bad / "onet/db_29_1_text/Tasks to DWAs.txt"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"\t9", b"\t8", 1)  # line 3: a Task ID that Task Statements lacks
    path.write_bytes(b"\n".join(lines))
    problems: list = []
    slow = onet.read(Context(bad, problems))[0].edges["INVOLVES"]
    assert [(p.row, p.field) for p in problems] == [(3, "Task ID")]
    kept = fast[~fast[WHERE].str.endswith(":3")].reset_index(drop=True)
    pd.testing.assert_frame_equal(slow, kept.assign(**{WHERE: kept[WHERE].str.replace("good", "bad")}))
