"""Bad public input: clear problems naming file, row and field, every one of them, never a silent
partial graph. Documented handling (BOM, CRLF, the Excel form) reads the same as clean input."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from graph.tables import WHERE, InputError
from ingest import bls, crosswalks, eloundou, felten, onet, registry
from ingest.base import Context

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "public"))
mkroot = importlib.import_module("mkroot")

TASKS = "onet/db_29_1_text/Task Statements.txt"
OCC = "onet/db_29_1_text/Occupation Data.txt"


@pytest.fixture
def root(tmp_path) -> Path:
    return mkroot.make_root(tmp_path / "r")


def problems_of(mod, root: Path) -> list:
    problems: list = []
    mod.read(Context(root, problems, catalog=mkroot.CATALOG))
    return problems


def edit(root: Path, rel: str, fn) -> None:
    p = root / rel
    p.write_bytes(fn(p.read_bytes()))


def test_truncated_text_file(root):
    edit(root, TASKS, lambda b: b[: b.rindex(b"\t", 0, len(b) - 30)])  # cut inside the last row
    problems = problems_of(onet, root)
    p = next(p for p in problems if p.field == "row")
    assert p.file.endswith("Task Statements.txt") and p.row == 13
    assert "truncated" in p.message
    with pytest.raises(InputError, match=r"Task Statements.txt:13: row: has \d cells, the header has 7"):
        registry.read_source(onet, root)


def test_renamed_column(root):
    edit(root, TASKS, lambda b: b.replace(b"\tTask ID\t", b"\tTaskID\t", 1))
    problems = problems_of(onet, root)
    p = next(p for p in problems if p.field == "Task ID")
    assert p.file.endswith("Task Statements.txt") and p.row == 1
    assert "found 'TaskID' instead (renamed?)" in p.message


def test_bom_and_line_endings_read_the_same(root, tmp_path):
    clean = registry.read_source(onet, root)[0]
    edit(root, OCC, lambda b: b"\xef\xbb\xbf" + b.replace(b"\r\n", b"\n"))  # BOM + LF instead of CRLF
    edit(root, TASKS, lambda b: b.replace(b"\r\n", b"\n", 3))  # mixed line ends
    edit(root, crosswalks.F_2019_SOC, lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"))
    again = registry.read_source(onet, root)[0]
    for label in ("Occupation", "Task"):
        a = clean.nodes[label].drop(columns=[WHERE])
        b = again.nodes[label].drop(columns=[WHERE])
        pd.testing.assert_frame_equal(a, b)
    assert registry.read_source(crosswalks, root)[1]["match"]["onet_to_soc2018"] == 1.0


def test_not_utf8(root):
    edit(root, OCC, lambda b: b.replace(b"Film and Video Editors", "Film and Vidéo Editors".encode("latin-1")))
    problems = problems_of(onet, root)
    p = next(p for p in problems if p.field == "encoding")
    assert p.file.endswith("Occupation Data.txt") and p.row == 7 and "not UTF-8" in p.message


def test_duplicate_keys(root):
    lines = (root / TASKS).read_bytes().split(b"\r\n")
    (root / TASKS).write_bytes(b"\r\n".join([*lines[:3], lines[2], *lines[3:]]))
    problems = problems_of(onet, root)
    p = next(p for p in problems if p.field == "Task ID")
    assert p.row == 4 and "duplicate key 90002 (first at line 3)" in p.message


def test_dangling_references(root):
    edit(root, "onet/db_29_1_text/Tasks to DWAs.txt", lambda b: b.replace(b"4.A.3.b.1.I01.D01", b"4.A.3.b.1.I01.D99"))
    edit(root, TASKS, lambda b: b.replace(b"55-1011.00\t90060", b"55-9999.00\t90060"))
    problems = problems_of(onet, root)
    msgs = {(Path(p.file).name, p.row, p.field): p.message for p in problems}
    assert "is not in DWA Reference" in msgs[("Tasks to DWAs.txt", 2, "DWA ID")]
    assert "is not an occupation in Occupation Data" in msgs[("Task Statements.txt", 13, "O*NET-SOC Code")]


def test_malformed_code(root):
    edit(root, OCC, lambda b: b.replace(b"27-4015.00", b"27-4015", 1))
    problems = problems_of(onet, root)
    p = next(p for p in problems if p.field == "O*NET-SOC Code" and p.file.endswith("Occupation Data.txt"))
    assert p.row == 6 and "not an O*NET-SOC code" in p.message


def test_wrong_vintage_onet_soc(root):
    edit(root, "eloundou_gpts_are_gpts/occ_level.csv", lambda b: b.replace(b"15-1252.00,", b"15-1132.00,"))
    problems = problems_of(eloundou, root)
    assert len(problems) == 1
    p = problems[0]
    assert p.file.endswith("occ_level.csv") and p.row == 2 and p.field == "O*NET-SOC Code"
    assert "O*NET-SOC 2010 code, not O*NET-SOC 2019" in p.message and "15-1252.00" in p.message


def test_wrong_vintage_soc(root):
    path = root / "felten_aioe" / "AIOE_DataAppendix.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Appendix A"]
    ws["A2"] = "15-1252"  # a SOC 2018 code in a SOC 2010 file
    ws["A3"] = "27-4032.00"  # an O*NET-SOC code
    wb.save(path)
    problems = problems_of(felten, root)
    msgs = {(Path(p.file).name, p.row): p.message for p in problems}
    assert "SOC 2018 code that SOC 2010 does not have" in msgs[("AIOE_DataAppendix.xlsx", 2)]
    assert "wrong vintage?" in msgs[("AIOE_DataAppendix.xlsx", 3)]


def test_inconsistent_study_labels(root):
    labels = "eloundou_gpts_are_gpts/full_labelset.tsv"
    edit(root, labels, lambda b: b.replace(b"\tE2\tE2\tFalse\tT1\t0.0\t0.5\t", b"\tE2\tE2\tFalse\tT1\t0.0\t0.7\t"))
    problems = problems_of(eloundou, root)
    assert [(p.row, p.field) for p in problems] == [(3, "beta")]
    assert "disagrees with gpt4_exposure E2" in problems[0].message


def test_corrupt_workbook(root):
    edit(root, "bls_oews/national_M2025_dl.xlsx", lambda b: b[: len(b) // 2])
    problems = problems_of(bls, root)
    assert len(problems) == 1 and problems[0].field == "file"
    assert "not a readable .xlsx workbook" in problems[0].message and "truncated" in problems[0].message


def test_bls_wrong_file_and_duplicates(root):
    path = root / "bls_oews" / "national_M2025_dl.xlsx"
    rows = [r for r in mkroot.OEWS_2025]
    mkroot.write_oews(path, [*rows, rows[4]], 2025)
    problems = problems_of(bls, root)
    assert [(p.row, p.field) for p in problems] == [(10, "OCC_CODE")]
    assert "duplicate key 27-2012" in problems[0].message
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["E3"] = "512000"  # an industry file, not the cross-industry one
    wb.save(path)
    problems = problems_of(bls, root)
    assert problems[0].field == "NAICS" and "not the national cross-industry file" in problems[0].message


def test_missing_file(root):
    (root / "onet" / "db_29_1_text" / "Job Zones.txt").unlink()
    problems = problems_of(onet, root)
    assert [(Path(p.file).name, p.field) for p in problems] == [("Job Zones.txt", "file")]
    assert "file not found" in problems[0].message


def test_every_problem_is_reported(root):
    edit(root, TASKS, lambda b: b.replace(b"\tTask ID\t", b"\tTaskID\t", 1))
    edit(root, "eloundou_gpts_are_gpts/occ_level.csv", lambda b: b.replace(b"15-1252.00,", b"15-1132.00,"))
    edit(root, "bls_oews/national_M2025_dl.xlsx", lambda b: b[:100])
    problems: list = []
    registry.read_all(root, problems, catalog=mkroot.CATALOG)
    files = {Path(p.file).name for p in problems}
    assert {"Task Statements.txt", "occ_level.csv", "national_M2025_dl.xlsx"} <= files
    err = InputError(problems)
    assert str(err).startswith(f"{len(problems)} problem(s) in the input")


def test_utf16_with_a_byte_order_mark_reads_the_same(root):
    clean = registry.read_source(crosswalks, root)
    edit(root, crosswalks.F_2019_SOC, lambda b: b.decode("utf-8").encode("utf-16"))  # Excel's "Unicode text"
    again = registry.read_source(crosswalks, root)
    pd.testing.assert_frame_equal(clean[0].nodes["Occupation"], again[0].nodes["Occupation"])
    assert clean[1]["rows"] == again[1]["rows"]
    edit(root, crosswalks.F_2019_SOC, lambda b: b[:-1])  # an odd byte count: not UTF-16 any more
    p = next(p for p in problems_of(crosswalks, root) if p.field == "encoding")
    assert "not UTF-16-LE (as its byte-order mark says)" in p.message


def test_a_directory_where_a_file_should_be(root):
    path = root / crosswalks.F_2019_SOC
    path.unlink()
    path.mkdir()
    problems = problems_of(crosswalks, root)
    assert [(p.file, p.row, p.field) for p in problems] == [(str(path), None, "file")]
    assert "not a file" in problems[0].message
