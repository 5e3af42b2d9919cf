"""The shared reader's two paths give one result: the fast path (pyarrow) on a plainly good text file, the
careful path (csv, row by row) otherwise. Each file below is read both ways; frames and problems must be
the same, and the fast path must have been taken exactly for the files it is meant for."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from ingest import reader

GOOD = b"code,name,n\n11-1011,Chief executives,5\n27-1014,Multimedia artists,7\n"
QCEW_LIKE = b'"a","b","c"\n"01000","5","x"\n"02000","5","y"\n'

# name: (file name, bytes, read_table keyword arguments, fast path expected)
CASES: dict[str, tuple[str, bytes, dict, bool]] = {
    "plain csv": ("t.csv", GOOD, {}, True),
    "quoted csv": ("t.csv", QCEW_LIKE, {"columns": ["a", "c"]}, True),
    "crlf": ("t.csv", GOOD.replace(b"\n", b"\r\n"), {}, True),
    "utf-8 bom": ("t.csv", codecs.BOM_UTF8 + GOOD, {}, True),
    "utf-16 bom": ("t.csv", codecs.BOM_UTF16_LE + GOOD.decode().encode("utf-16-le"), {}, False),
    "no final newline": ("t.csv", GOOD.rstrip(b"\n"), {}, True),
    "padded cells": ("t.csv", b"code,name,n\n 11-1011 ,\xc2\xa0Chief\t,5\n", {}, True),
    "title block": ("t.csv", b"Crosswalk\nfrom BLS\n\n" + GOOD, {}, True),
    "narrower header first (search)": ("t.csv", b"code,name\n" + GOOD, {}, False),
    "no header": ("t.csv", b"x,y,z\n1,2,3\n", {}, False),
    "renamed column": ("t.csv", GOOD.replace(b"name", b"names"), {}, False),
    "repeated column": ("t.csv", GOOD.replace(b",n\n", b",name\n", 1), {}, False),
    "header only": ("t.csv", b"code,name,n\n", {}, False),
    "empty": ("t.csv", b"", {}, False),
    "quoted newline": ("t.csv", b'code,name,n\n11-1011,"Chief\nexecutives",5\n27-1014,x,7\n', {}, False),
    "blank line": ("t.csv", GOOD + b"\n" + b"27-2012,Producers,9\n", {}, False),
    "blank cells row": ("t.csv", GOOD + b",,\n", {}, False),
    "trailing blank line": ("t.csv", GOOD + b"\n", {}, False),
    "short row": ("t.csv", GOOD + b"27-2012,Producers\n", {}, False),
    "long row": ("t.csv", GOOD + b"27-2012,Producers,9,extra\n", {}, False),
    "unclosed quote": ("t.csv", GOOD + b'27-2012,"Producers,9\n27-2013,x,1\n', {}, False),
    "nul byte": ("t.csv", GOOD + b"27-2012,Pro\x00ducers,9\n", {}, False),
    "lone cr": ("t.csv", GOOD + b"27-2012,Pro\rducers,9\n", {}, False),
    "bad utf-8 in a column not read": ("t.csv", GOOD + b"27-2012,Producers,\xff\n", {"columns": ["code"]}, False),
    "mid-field quotes": ("t.csv", b'code,name,n\n11-1011,a"b,5\n27-1014,"x"y,7\n', {}, True),
    "doubled quotes": ("t.csv", b'code,name,n\n11-1011,"say ""hi""",5\n', {}, True),
    "tab text": ("t.txt", GOOD.replace(b",", b"\t"), {}, True),
    "tab text with quotes": ("t.txt", b'code\tname\tn\n11-1011\t"Chief\t5\n', {}, True),
    "tab text crlf": ("t.txt", GOOD.replace(b",", b"\t").replace(b"\n", b"\r\n"), {}, True),
    "tab text blank line": ("t.txt", GOOD.replace(b",", b"\t") + b"\r\n27-2012\tx\t1\n", {}, False),
    "tab text short row": ("t.txt", GOOD.replace(b",", b"\t") + b"27-2012\tx\n", {}, False),
    "optional present": ("t.csv", GOOD, {"columns": ["code"], "optional": ["n", "gone"]}, True),
    "catalog (exact)": ("t.csv", GOOD, {"columns": ["code", "name", "n"], "exact": True}, True),
    "catalog unknown column": ("t.csv", GOOD, {"columns": ["code", "name"], "exact": True}, False),
    "catalog header not first": ("t.csv", b"\n" + GOOD, {"columns": ["code", "name", "n"], "exact": True}, True),
    "saved pandas index": ("t.csv", b",code,n\n0,11-1011,5\n", {"columns": ["code"], "index_col_unnamed": True}, True),
    "index asked for": (
        "t.csv",
        b",code\n0,11-1011\n",
        {"columns": ["(index)", "code"], "index_col_unnamed": True},
        False,
    ),
}


def _read(path: Path, kw: dict, fast: bool, monkeypatch) -> tuple[pd.DataFrame | None, list, bool]:
    monkeypatch.setattr(reader, "FAST", fast)
    taken: list[bool] = []
    real = reader._fast_frame

    def spy(*a, **k):
        got = real(*a, **k)
        taken.append(got is not None)
        return got

    monkeypatch.setattr(reader, "_fast_frame", spy)
    problems: list = []
    kw = {"columns": ["code", "name"], **kw}
    df = reader.read_table(path, kw.pop("columns"), problems, **kw)
    return df, problems, any(taken)


@pytest.mark.parametrize("name", list(CASES))
def test_fast_and_careful_paths_agree(name, tmp_path, monkeypatch):
    fname, data, kw, fast_expected = CASES[name]
    path = tmp_path / fname
    path.write_bytes(data)
    careful, careful_problems, _ = _read(path, dict(kw), False, monkeypatch)
    fast, fast_problems, taken = _read(path, dict(kw), True, monkeypatch)
    assert taken == fast_expected
    assert fast_problems == careful_problems
    if careful is None:
        assert fast is None
    else:
        pd.testing.assert_frame_equal(fast, careful, check_exact=True)


def test_a_long_file_goes_past_the_head(tmp_path, monkeypatch):
    """More lines than the fast path parses for the header; rows far down keep their line numbers."""
    body = b"".join(b"%02d-%04d,name %d,%d\n" % (i % 90 + 10, i, i, i) for i in range(5000))
    path = tmp_path / "long.csv"
    path.write_bytes(b"title\n\n" + GOOD + body)
    fast, problems, taken = _read(path, {}, True, monkeypatch)
    assert taken and not problems
    careful, _, _ = _read(path, {}, False, monkeypatch)
    pd.testing.assert_frame_equal(fast, careful, check_exact=True)
    assert fast[reader.LINE].iloc[-1] == 5000 + 5
    # a bad row at the end: the careful path names its line
    path.write_bytes(b"title\n\n" + GOOD + body + b"99-9999,short\n")
    df, problems, taken = _read(path, {}, True, monkeypatch)
    assert not taken and [(p.row, p.field) for p in problems] == [(5006, "row")]
    assert len(df) == 5002


def _workbook(path: Path, with_date: bool) -> None:
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["code", "name", "n", "share", "flag"])
    ws.append(["11-1011", "Chief executives", 5, 0.125, True])
    ws.append(["27-1014", None, 1e20, -3.0, False])
    ws["A6"] = "27-2012"  # rows 4 and 5 left out of the file, cells B6.. too
    ws["E6"] = "=1+1"  # a formula (no cached value when openpyxl writes it)
    ws["G7"] = "wide"  # a row wider than the header
    if with_date:
        ws["C8"] = datetime.date(2024, 5, 1)
    notes = wb.create_sheet("Notes")
    notes.append(["# top-coded at or above $239,200 per year"])
    wb.save(path)


def _both_ways(path: Path, sheet: str, monkeypatch) -> tuple[list, list]:
    """A sheet's rows as the fast (python-calamine) and the careful (openpyxl) path make them."""
    got = []
    for fast in (True, False):
        monkeypatch.setattr(reader, "FAST", fast)
        problems: list = []
        got.append(reader._xlsx_rows(reader.FileProblems(path, problems), sheet))
        assert problems == []
    return got[0], got[1]


@pytest.mark.parametrize("with_date", [False, True])
def test_workbook_paths_agree(tmp_path, monkeypatch, with_date):
    """A sheet read by python-calamine gives the same rows, line numbers and text as openpyxl's reader:
    gaps, a formula without a cached value, a wide row, booleans, a large number, a date."""
    path = tmp_path / "t.xlsx"
    _workbook(path, with_date)
    for name in ("Data", "Notes"):
        fast, careful = _both_ways(path, name, monkeypatch)
        assert fast == careful and fast
    frames = []
    for fast_path in (True, False):
        monkeypatch.setattr(reader, "FAST", fast_path)
        problems: list = []
        frames.append(reader.read_table(path, ["code", "name", "n"], problems, optional=["share", "flag"]))
        assert problems == []
    pd.testing.assert_frame_equal(frames[0], frames[1], check_exact=True)
    assert frames[0][reader.LINE].tolist() == [2, 3, 6, 7] + ([8] if with_date else [])


def test_a_damaged_workbook_is_worded_by_the_careful_path(tmp_path, monkeypatch):
    """A workbook calamine cannot open is read again by openpyxl, which names the file's problem; a
    missing sheet is named once."""
    path = tmp_path / "cut.xlsx"
    _workbook(path, False)
    path.write_bytes(path.read_bytes()[:300])
    problems: list = []
    assert reader.read_table(path, ["code"], problems) is None
    assert [p.field for p in problems] == ["file"] and "truncated download?" in problems[0].message
    _workbook(path, False)
    problems = []
    assert reader.read_table(path, ["code"], problems, sheet="Missing") is None
    assert [p.field for p in problems] == ["sheet"]


@pytest.mark.fulldata
def test_public_workbooks_read_alike(monkeypatch):
    """Every sheet of the public workbooks the build reads: python-calamine gives what openpyxl gives."""
    import openpyxl

    from ingest.base import shared_data_dir

    books = sorted(p for d in ("bls_oews", "felten_aioe") for p in (shared_data_dir() / d).glob("*.xlsx"))
    assert books
    for path in books:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        names = wb.sheetnames
        wb.close()
        for name in names:
            fast, careful = _both_ways(path, name, monkeypatch)
            assert fast == careful, (path.name, name)
