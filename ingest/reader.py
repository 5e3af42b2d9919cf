"""The one table reader of the ingest: CSV, tab-delimited text, .xlsx and .xls into frames of text cells.

Every input file, curated (data/catalog) or public (../shared/data), goes through `read_table`, which
checks what is wrong with a file as a file and reports it as a Problem naming file, row and field:
the file is missing or empty; it does not decode (UTF-8; a byte-order mark is dropped, and one of
UTF-16 is honoured, as Excel's "Unicode text" export writes); a required column is missing (with the
closest header name: a renamed column), appears twice, or (with `exact`) is not expected; a row of a
text file has more or fewer cells than the header (a truncated download ends in a short row); a quote
is never closed. Rows with problems are left out; what each cell means is the caller's business.

Two paths, one result. A text file is first tried on the fast path (`_fast_frame`: pyarrow's C CSV
parser, multi-threaded, only the columns asked for, checks done column-wise), which gives up, without
reporting anything, at the first sign that the file is not plainly good: a header that is not found or
not right, a row of the wrong width, a record over several lines, a blank row, bytes that do not decode,
a lone carriage return, a NUL byte. The careful path (`read_rows`: Python's csv module, record by record)
then reads the file again and reports every problem with its file, line and field. Good files, nearly
all of them, are read fast; bad ones still get the detailed diagnosis (docs/decisions/fast-reader.md).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph.tables import Problem

LINE = "_line"  # column of every frame read here: the 1-based line (or sheet row) where the record starts
TEXT_FORMS = (".txt", ".tsv", ".csv")
Rows = list[tuple[int, list[str]]]  # (line, cells) per record
# A byte-order mark chooses the encoding; without one, a file must be UTF-8.
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
FAST = True  # try the fast path first (tests turn it off to compare both paths on the same files)
HEAD_LINES = 64  # lines the fast path parses the careful way to find the header (searched in 30 records)


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
    .txt/.tsv tab-delimited, .csv comma-separated (RFC 4180 quoting), .xlsx/.xlsm (python-calamine;
    openpyxl on the careful path), .xls (xlrd).

    The header is the first row that holds every required column (files with a title block, like the
    BLS ISCO crosswalk, have it further down). With `exact` (the curated catalog), the header must be
    the first row and hold exactly `columns`. Pass a FileProblems to name the file in problems other
    than by its path. Returns None when the file cannot be used at all.
    """
    fp = path if isinstance(path, FileProblems) else FileProblems(path, problems if problems is not None else [])
    if FAST:
        df = _fast_frame(fp, list(columns), list(optional), delimiter, index_col_unnamed=index_col_unnamed, exact=exact)
        if df is not None:
            return df
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
    got = _records(rows, columns, optional, fp, index_col_unnamed=index_col_unnamed, exact=exact)
    if got is None:
        return None
    want, body = got
    # object columns (plain Python str): row loops over them are much faster than over Arrow strings
    df = pd.DataFrame(body, columns=[*want, LINE], dtype=object)
    df[LINE] = df[LINE].astype("int64")
    for c in optional:
        if c not in df.columns:
            df[c] = ""
    return df


def _records(
    rows: Rows, columns: list[str], optional: list[str], fp: FileProblems, *, index_col_unnamed: bool, exact: bool
) -> tuple[list[str], list[list[Any]]] | None:
    """(the columns found, [cells of those columns + line] per good row), every problem reported."""
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
    if exact and not body:
        fp.add(None, "file", "file has a header but no rows")
    return want, body


def read_records(
    path: Path | FileProblems, columns: Sequence[str], problems: list[Problem] | None = None, **kw: Any
) -> list[tuple[int, dict[str, str]]] | None:
    """read_table's rows as (line, {column: cell}), without a frame: for small files read whole row by row
    (the curated catalog), where making a frame costs more than reading. Same checks, same problems;
    `kw` as read_table's (optional, exact, sheet, delimiter, index_col_unnamed)."""
    fp = path if isinstance(path, FileProblems) else FileProblems(path, problems if problems is not None else [])
    optional = list(kw.pop("optional", ()))
    exact, index_col_unnamed = kw.pop("exact", False), kw.pop("index_col_unnamed", False)
    rows = read_rows(fp, **kw)
    if rows is None:
        return None
    got = _records(rows, list(columns), optional, fp, index_col_unnamed=index_col_unnamed, exact=exact)
    if got is None:
        return None
    want, body = got
    at = {c: i for i, c in enumerate(want)}
    order = [(c, at.get(c)) for c in [*columns, *optional]]
    return [(cells[-1], {c: "" if i is None else cells[i] for c, i in order}) for cells in body]


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
# The fast path: a plainly good text file, read by pyarrow (None, and nothing said, when in doubt)
# --------------------------------------------------------------------------------------------


def _fast_frame(
    fp: FileProblems,
    columns: list[str],
    optional: list[str],
    delimiter: str | None,
    *,
    index_col_unnamed: bool,
    exact: bool,
) -> pd.DataFrame | None:
    """The frame the careful path would make of a plainly good text file, or None (nothing reported):
    then the careful path reads the file and says what is wrong with it, row by row.

    Every record must be one line (so that the line of the i-th data row is the header's + 1 + i, as the
    row count against the newline count proves), every row as wide as the header (pyarrow refuses
    others) and not blank; the file UTF-8 (its whole text, not only the columns read) with no NUL byte
    (csv refuses those) and no carriage return outside a CRLF (a line end to csv, not to the line count);
    no line longer than csv's field size limit."""
    ext = fp.path.suffix.lower()
    if ext not in TEXT_FORMS or not fp.path.is_file():
        return None
    delim = delimiter or ("\t" if ext in (".txt", ".tsv") else ",")
    quoted = ext == ".csv" or delim == ","
    raw = _plain_bytes(fp.path.read_bytes())
    if raw is None:
        return None
    head = _fast_header(raw, FileProblems(fp.path, []), columns, optional, delim, quoted, index_col_unnamed, exact)
    if head is None:
        return None
    header, line, start = head
    want = [c for c in [*columns, *optional] if c in header]
    lines = raw.count(b"\n", start) + (0 if raw.endswith(b"\n") else 1)
    if not want or start >= len(raw) or (quoted and _longest_line(raw, start) > csv.field_size_limit()):
        return None
    cells = _fast_cells(raw, start, delim, quoted, len(header), [header.index(c) for c in want])
    if cells is None or len(cells[0]) != lines:
        return None
    blank = cells[0] == ""
    for col in cells[1:]:
        blank &= col == ""
    if blank.any():  # a blank row: the careful path leaves it out (if all of its cells are blank)
        return None
    df = pd.DataFrame(dict(zip(want, cells, strict=True)), dtype=object)
    df[LINE] = np.arange(line + 1, line + 1 + lines, dtype=np.int64)
    for c in optional:
        if c not in df.columns:
            df[c] = ""
    return df


def _plain_bytes(raw: bytes) -> bytes | None:
    """The bytes without a UTF-8 byte-order mark, if they are UTF-8 with no NUL and no lone CR; else None."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    raw = raw.removeprefix(codecs.BOM_UTF8)
    if b"\0" in raw or (b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n")):
        return None
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return raw


def _fast_header(
    raw: bytes,
    scratch: FileProblems,
    columns: list[str],
    optional: list[str],
    delim: str,
    quoted: bool,
    index_col_unnamed: bool,
    exact: bool,
) -> tuple[list[str], int, int] | None:
    """(header, its line, offset of the line after it) when the careful split of the first HEAD_LINES
    lines finds a right header on one line with a record starting on the next; else None."""
    ends: list[int] = []  # offset just past each newline
    while len(ends) < HEAD_LINES and (at := raw.find(b"\n", ends[-1] if ends else 0)) >= 0:
        ends.append(at + 1)
    whole = len(ends) < HEAD_LINES
    rows = _split(raw[: len(raw) if whole else ends[-1]].decode("utf-8"), delim, quoted, scratch)
    if rows is None:
        return None
    rows = rows if whole else rows[:-1]  # the last record of a partial head may go on
    if exact:
        hit = next((i for i, (_, r) in enumerate(rows) if "".join(r).strip()), None)
    else:
        hit = next((i for i, (_, r) in enumerate(rows[:30]) if set(columns) <= {c.strip() for c in r}), None)
    if hit is None or hit + 1 >= len(rows) or rows[hit + 1][0] != rows[hit][0] + 1:
        return None
    line, header = rows[hit][0], [c.strip() for c in rows[hit][1]]
    if index_col_unnamed and header and header[0] == "":
        header[0] = "(index)"
    if not _header_ok(header, columns, optional, line, scratch, exact):
        return None
    return header, line, ends[line - 1]


def _longest_line(raw: bytes, start: int) -> int:
    """Bytes in the longest line from `start` (a bound on the characters of any cell)."""
    if len(raw) - start <= csv.field_size_limit():
        return len(raw) - start
    ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8, offset=start) == ord("\n"))
    return int(np.diff(ends, prepend=-1, append=len(raw) - start).max())


def _fast_cells(
    raw: bytes, start: int, delim: str, quoted: bool, width: int, pos: list[int]
) -> list[np.ndarray] | None:
    """The stripped cells at `pos` of every line from `start` (object arrays of str), or None when pyarrow
    finds a row of another width than `width`."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    names = [f"c{i}" for i in range(width)]
    keep = [names[p] for p in pos]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(raw).slice(start),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=delim,
                quote_char='"' if quoted else False,
                double_quote=quoted,
                escape_char=False,
                newlines_in_values=quoted,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(keep, pa.string()),
                include_columns=keep,
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    return [pc.utf8_trim_whitespace(table.column(k)).to_numpy() for k in keep]


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
    return None if text is None else _split(text, delim, quoted, fp)


def _split(text: str, delim: str, quoted: bool, fp: FileProblems) -> Rows | None:
    """The records of a decoded text, each with the line it starts on."""
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
    """A workbook's sheet, read by python-calamine (Rust; several times faster than openpyxl, which is
    the careful path: FAST off, or a workbook calamine cannot open). Both give the same cells once made
    text (`_cell`), tested on every public sheet the build reads."""
    if FAST:
        before = len(fp.problems)
        rows = _calamine_rows(fp, sheet)
        if rows is not None or len(fp.problems) > before:  # read, or a sheet not there (said)
            return rows
    return _openpyxl_rows(fp, sheet)


def _calamine_rows(fp: FileProblems, sheet: str | int | None) -> Rows | None:
    """None (openpyxl then reads it, and words any problem) when calamine cannot open the workbook."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(fp.path))
    except Exception:  # calamine's own error types; openpyxl reads the file again and says what is wrong
        return None
    ws = _pick_sheet(wb.sheet_names, sheet, fp, wb.get_sheet_by_name)
    if ws is None:
        return None
    # keep leading empty rows and columns: line numbers are the sheet's own
    return [(i, [_cell(_as_openpyxl(v)) for v in row]) for i, row in enumerate(ws.to_python(skip_empty_area=False), 1)]


def _as_openpyxl(v: object) -> object:
    """A date cell as openpyxl gives it (a datetime at midnight), so both readers make the same text."""
    if isinstance(v, date) and not isinstance(v, datetime):
        return datetime.combine(v, time())
    return v


def _openpyxl_rows(fp: FileProblems, sheet: str | int | None) -> Rows | None:
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
