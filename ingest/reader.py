"""The one table reader of the ingest: CSV, tab-delimited text, .xlsx and .xls into frames of text cells.

Every input file, curated (data/catalog) or public (../shared/data), goes through `read_table`, which
checks what is wrong with a file as a file and reports it as a Problem naming file, row and field:
the file is missing or empty; it does not decode (UTF-8; a byte-order mark is dropped, and one of
UTF-16 is honoured, as Excel's "Unicode text" export writes); a required column is missing (with the
closest header name: a renamed column), appears twice, or (with `exact`) is not expected; a row of a
text file has more or fewer cells than the header (a truncated download ends in a short row); a quote
is never closed. Rows with problems are left out; what each cell means is the caller's business.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from graph.tables import Problem

LINE = "_line"  # column of every frame read here: the 1-based line (or sheet row) where the record starts
TEXT_FORMS = (".txt", ".tsv", ".csv")
Rows = list[tuple[int, list[str]]]  # (line, cells) per record
# A byte-order mark chooses the encoding; without one, a file must be UTF-8.
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class FileProblems:
    """Problems about one file, named by `name` (default: its path)."""

    def __init__(self, path: Path, problems: list[Problem], name: str | None = None):
        self.path = Path(path)
        self.name = name if name is not None else str(path)
        self.problems = problems

    def add(self, line: int | None, fld: str, message: str) -> None:
        self.problems.append(Problem(self.name, line, fld, message))

    def where(self, line: int) -> str:
        return f"{self.name}:{line}"


def read_table(
    path: Path | FileProblems,
    columns: Sequence[str],
    problems: list[Problem] | None = None,
    *,
    optional: Sequence[str] = (),
    sheet: str | int | None = None,
    delimiter: str | None = None,
    index_col_unnamed: bool = False,
    exact: bool = False,
) -> pd.DataFrame | None:
    """Read a table file into a frame of stripped text cells ("" when empty): the `columns` asked for,
    the `optional` ones ("" when the file lacks them) and LINE. The form follows the extension:
    .txt/.tsv tab-delimited, .csv comma-separated (RFC 4180 quoting), .xlsx/.xlsm (openpyxl), .xls (xlrd).

    The header is the first row that holds every required column (files with a title block, like the
    BLS ISCO crosswalk, have it further down). With `exact` (the curated catalog), the header must be
    the first row and hold exactly `columns`. Pass a FileProblems to name the file in problems other
    than by its path. Returns None when the file cannot be used at all.
    """
    fp = path if isinstance(path, FileProblems) else FileProblems(path, problems if problems is not None else [])
    rows = read_rows(fp, sheet=sheet, delimiter=delimiter)
    if rows is None:
        return None
    return _frame(rows, list(columns), list(optional), fp, index_col_unnamed=index_col_unnamed, exact=exact)


def read_rows(fp: FileProblems, *, sheet: str | int | None = None, delimiter: str | None = None) -> Rows | None:
    """Every record of the file as (line, cells), or None (and a problem) when it cannot be read."""
    if not fp.path.exists():
        fp.add(None, "file", "file not found (run `craftgraph fetch` or check the directory layout)")
        return None
    if not fp.path.is_file():
        fp.add(None, "file", "not a file (a directory?)")
        return None
    ext = fp.path.suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        return _xlsx_rows(fp, sheet)
    if ext == ".xls":
        return _xls_rows(fp, sheet)
    delim = delimiter or ("\t" if ext in (".txt", ".tsv") else ",")
    return _text_rows(fp, delim, quoted=ext == ".csv" or delim == ",")


# --------------------------------------------------------------------------------------------
# Header and body
# --------------------------------------------------------------------------------------------


def _frame(
    rows: Rows, columns: list[str], optional: list[str], fp: FileProblems, *, index_col_unnamed: bool, exact: bool
) -> pd.DataFrame | None:
    if not any("".join(r).strip() for _, r in rows):
        fp.add(None, "file", "file is empty (no header row)")
        return None
    hdr_i = _header_index(rows, columns, search=not exact)
    hdr_line, header = rows[hdr_i][0], [c.strip() for c in rows[hdr_i][1]]
    if index_col_unnamed and header and header[0] == "":
        header[0] = "(index)"
    if not _header_ok(header, columns, optional, hdr_line, fp, exact):
        return None
    want = [c for c in [*columns, *optional] if c in header]
    body = _body(rows[hdr_i + 1 :], [header.index(c) for c in want], len(header), fp)
    # object columns (plain Python str): row loops over them are much faster than over Arrow strings
    df = pd.DataFrame(body, columns=[*want, LINE], dtype=object)
    df[LINE] = df[LINE].astype("int64")
    for c in optional:
        if c not in df.columns:
            df[c] = ""
    if exact and df.empty:
        fp.add(None, "file", "file has a header but no rows")
    return df


def _header_index(rows: Rows, columns: list[str], search: bool) -> int:
    """The first row holding every required column (searched in the first 30 rows), else the first
    non-empty row."""
    if search:
        wanted = set(columns)
        hit = next((i for i, (_, r) in enumerate(rows[:30]) if wanted <= {c.strip() for c in r}), None)
        if hit is not None:
            return hit
    return next(i for i, (_, r) in enumerate(rows) if "".join(r).strip())


def _header_ok(
    header: list[str], columns: list[str], optional: list[str], line: int, fp: FileProblems, exact: bool
) -> bool:
    """Report required columns missing, unexpected ones (with `exact`) and repeated ones; True if none."""
    found = [
        *((c, f"required column is missing{_hint(c, header, columns)}") for c in columns if c not in header),
        *(
            (c, f"unknown column (expected: {', '.join(columns)})")
            for c in header
            if exact and c not in columns + optional
        ),
    ]
    watched = set(header) if exact else {*columns, *optional}
    found += [
        ("header", f"column {c!r} appears twice (or more) in the header")
        for c in sorted({c for c in header if c in watched and header.count(c) > 1})
    ]
    for fld, message in found:
        fp.add(line, fld, message)
    return not found


def _hint(column: str, header: list[str], columns: list[str]) -> str:
    """Where a missing column may have gone: the closest other header name (renamed?), else the header."""
    near = difflib.get_close_matches(column, [h for h in header if h not in columns], n=1, cutoff=0.5)
    return f"; found {near[0]!r} instead (renamed?)" if near else f"; the header has: {', '.join(header)}"


def _body(records: Rows, pos: list[int], width: int, fp: FileProblems) -> list[list[Any]]:
    """The cells at `pos` of every non-blank record, plus its line. A text record of the wrong width is
    reported and left out; a short sheet row is padded (a spreadsheet drops trailing empty cells)."""
    text_form = fp.path.suffix.lower() in TEXT_FORMS
    out: list[list[Any]] = []
    for line, rec in records:
        if not "".join(rec).strip():
            continue
        if len(rec) != width:
            if text_form:
                what = "truncated?" if len(rec) < width else "extra delimiter in a cell?"
                fp.add(line, "row", f"has {len(rec)} cells, the header has {width} ({what})")
                continue
            rec = list(rec[:width]) + [""] * (width - len(rec))
        out.append([rec[p].strip() for p in pos] + [line])
    return out


# --------------------------------------------------------------------------------------------
# Forms: text (decoded, split into records), xlsx, xls
# --------------------------------------------------------------------------------------------


def decode(raw: bytes, fp: FileProblems) -> str | None:
    """The text of a file: UTF-8 unless a byte-order mark says UTF-16; the mark itself is dropped."""
    encoding = "utf-8"
    for bom, name in BOMS:
        if raw.startswith(bom):
            raw, encoding = raw[len(bom) :], name
            break
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as e:
        line = raw[: e.start].decode(encoding, errors="replace").count("\n") + 1
        label = "UTF-8" if encoding == "utf-8" else f"{encoding.upper()} (as its byte-order mark says)"
        fp.add(line, "encoding", f"not {label} (byte {raw[e.start]:#x} at offset {e.start}); save it as UTF-8")
        return None


def _text_rows(fp: FileProblems, delim: str, quoted: bool) -> Rows | None:
    text = decode(fp.path.read_bytes(), fp)
    if text is None:
        return None
    if not quoted:
        # O*NET text: tab-delimited, unquoted, CRLF or LF line ends. Split on \n only (cells may hold
        # other Unicode line separators that str.splitlines would break on).
        lines = (line.removesuffix("\r") for line in text.split("\n"))
        return [(i, line.split(delim)) for i, line in enumerate(lines, start=1) if line]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    out: Rows = []
    start = 1
    try:
        for rec in reader:
            out.append((start, rec))
            start = reader.line_num + 1
    except csv.Error as e:
        fp.add(start, "row", f"unreadable CSV ({e}); an unclosed quote or a truncated file?")
        return None
    return out


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _xlsx_rows(fp: FileProblems, sheet: str | int | None) -> Rows | None:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(fp.path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as e:
        fp.add(None, "file", f"not a readable .xlsx workbook ({type(e).__name__}: {e}); truncated download?")
        return None
    try:
        ws = _pick_sheet(wb.sheetnames, sheet, fp, lambda n: wb[n])
        if ws is None:
            return None
        return [(i, [_cell(v) for v in row]) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()


def _xls_rows(fp: FileProblems, sheet: str | int | None) -> Rows | None:
    import xlrd

    try:
        book = xlrd.open_workbook(str(fp.path), on_demand=True)
    except Exception as e:  # xlrd raises its own error types for damaged files
        fp.add(None, "file", f"not a readable .xls workbook ({type(e).__name__}: {e})")
        return None
    ws = _pick_sheet(book.sheet_names(), sheet, fp, book.sheet_by_name)
    if ws is None:
        return None
    return [(i + 1, [_cell(v) for v in ws.row_values(i)]) for i in range(ws.nrows)]


def _pick_sheet(names: list[str], sheet: str | int | None, fp: FileProblems, get: Callable[[str], Any]) -> Any:
    if sheet is None or isinstance(sheet, int):
        i = sheet or 0
        if i >= len(names):
            fp.add(None, "sheet", f"workbook has {len(names)} sheet(s), sheet {i + 1} was expected")
            return None
        return get(names[i])
    if sheet not in names:
        fp.add(None, "sheet", f"sheet {sheet!r} not found (sheets: {', '.join(names)})")
        return None
    return get(sheet)
