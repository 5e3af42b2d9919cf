"""Public datasets: the registry of source modules, and the file readers they share.

Every module in PUBLIC_SOURCES reads one public dataset from a directory laid out like
`../shared/data` (see data/sources.yaml for the layout, publisher URLs and pinned sha256) and has

    NAME: str                                  short name (also the manifest key)
    read(root, problems) -> Tables             node/edge tables, built with graph.tables.TableBuilder
    read_with_info(root, problems, ctx) -> (Tables, dict)   the same plus its manifest entry

`read_all(root, problems)` reads them in order and returns the tables plus the per-source manifest
(version, files with sha256, row counts, match rates, notes). Problems are appended to `problems`,
never raised one by one: the caller (graph/pipeline.py) raises InputError with all of them.

Occupation properties that come from BLS OEWS and the crosswalks are folded into the O*NET
Occupation rows by `read_all`, so each Occupation id appears once across the public tables (the
O*NET row keeps origin `onet-<version>`; the manifest says which source set which property).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import importlib
import io
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from graph import settings
from graph.schema import NODE_BY_NAME, REL_BY_NAME
from graph.tables import WHERE, InputError, Problem, TableBuilder, Tables

ENV_SHARED = "CRAFTGRAPH_SHARED_DATA"
REPO = Path(__file__).resolve().parents[1]
SOURCES_YAML = REPO / "data" / "sources.yaml"
DEFAULT_CATALOG = REPO / "data" / "catalog"
LINE = "_line"  # column of every frame read here: the 1-based line (or sheet row) of the record

# The source modules, in build order (O*NET and the crosswalks first: the others join onto them).
SOURCE_MODULES = (
    "ingest.onet",
    "ingest.crosswalks",
    "ingest.bls",
    "ingest.eloundou",
    "ingest.felten",
    "ingest.anthropic_index",
    "ingest.epoch",
    "ingest.aiid",
)

# Occupation properties other sources set on the O*NET Occupation rows (folded in by read_all).
FOLDED_SOURCES = ("crosswalks", "bls")

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def shared_data_dir() -> Path:
    """Where the shared public data lives: $CRAFTGRAPH_SHARED_DATA, else ../shared/data next to the repo."""
    env = settings.current().shared_data
    return env if env else (REPO / ".." / "shared" / "data").resolve()


def __getattr__(name: str) -> Any:  # PUBLIC_SOURCES is built lazily: the modules import this one
    if name == "PUBLIC_SOURCES":
        return [importlib.import_module(m) for m in SOURCE_MODULES]
    raise AttributeError(name)


PUBLIC_SOURCES: list  # (documented for type checkers; provided by __getattr__)


# --------------------------------------------------------------------------------------------
# The run: read every source
# --------------------------------------------------------------------------------------------


def read_all(
    root: Path,
    problems: list[Problem],
    progress: Progress = _quiet,
    catalog: Path | None = None,
    only: Iterable[str] | None = None,
) -> tuple[list[Tables], dict]:
    """Read every public source under `root` (or those named in `only`).

    Returns one Tables per source, in PUBLIC_SOURCES order, and the manifest dict
    {source name: info}. `catalog` is the curated catalog directory whose model/incident mappings
    choose which Epoch models and AIID incidents become nodes (default: data/catalog).
    """
    root = Path(root)
    ctx = Context(root, problems, catalog=catalog)
    wanted = set(only) if only is not None else None
    parts: list[Tables] = []
    info: dict[str, dict] = {}
    by_name: dict[str, Tables] = {}
    for mod in __getattr__("PUBLIC_SOURCES"):
        if wanted is not None and mod.NAME not in wanted:
            continue
        progress(f"reading {mod.NAME}")
        before = len(problems)
        t0 = time.perf_counter()
        tables, entry = mod.read_with_info(root, problems, ctx=ctx)
        entry["seconds"] = round(time.perf_counter() - t0, 3)
        entry["problems"] = len(problems) - before
        entry["counts"] = tables.counts()
        info[mod.NAME] = entry
        by_name[mod.NAME] = tables
        parts.append(tables)
    if "onet" in by_name:
        for name in FOLDED_SOURCES:
            if name in by_name:
                fold_occupations(by_name["onet"], by_name[name], name, problems, info[name])
                info[name]["counts"] = by_name[name].counts()
        restore_ints(by_name["onet"])
        info["onet"]["counts"] = by_name["onet"].counts()
    return parts, info


def read_source(module_or_name: Any, root: Path | None = None, **kw: Any) -> tuple[Tables, dict]:
    """Read one source on its own; raise InputError with every problem found."""
    mod = importlib.import_module(f"ingest.{module_or_name}") if isinstance(module_or_name, str) else module_or_name
    problems: list[Problem] = []
    root = Path(root) if root is not None else shared_data_dir()
    tables, entry = mod.read_with_info(root, problems, ctx=Context(root, problems, **kw))
    if problems:
        raise InputError(problems)
    return tables, entry


def fold_occupations(onet: Tables, other: Tables, name: str, problems: list[Problem], entry: dict) -> None:
    """Set the Occupation properties `other` carries on the O*NET Occupation rows, then drop them
    from `other`, so that each Occupation id appears once."""
    extra = other.nodes.pop("Occupation", None)
    if extra is None or extra.empty:
        return
    base = onet.nodes.get("Occupation")
    if base is None:
        return
    props = [c for c in extra.columns if c not in ("id", "origin", "soc_code", "title", WHERE, "source_ids")]
    props = [c for c in props if extra[c].notna().any()]
    known = set(base["id"])
    unknown = extra[~extra["id"].isin(known)]
    for _, row in unknown.iterrows():
        f, line = split_where(row.get(WHERE))
        problems.append(Problem(f, line, "id", f"{row['id']!r} is not an O*NET occupation of this release"))
    idx = extra.set_index("id")
    pos = base["id"]
    for c in props:
        values = pos.map(idx[c].to_dict())
        if c in base.columns:
            values = values.where(values.notna(), base[c])
        base[c] = values.astype(object).where(values.notna(), None)
    entry["occupation_properties"] = props
    entry["occupations_enriched"] = int(base["id"].isin(idx.index).sum())


def finish(tb: TableBuilder) -> Tables:
    """tb.tables() with whole-number properties kept whole: pandas turns an int column with missing
    values into floats (5 → 5.0), which the schema's `int` check refuses."""
    t = tb.tables()
    restore_ints(t)
    return t


def restore_ints(t: Tables) -> None:
    for kind, specs in ((t.nodes, NODE_BY_NAME), (t.edges, REL_BY_NAME)):
        for name, df in kind.items():
            spec = specs.get(name)
            if spec is None:
                continue
            for p in spec.all_props:
                if p.type == "int" and p.name in df.columns:
                    values = [_whole(v) for v in df[p.name].astype(object)]
                    df[p.name] = pd.Series(values, index=df.index, dtype=object)


def _whole(v: object) -> object:
    if isinstance(v, float):
        return None if v != v else (int(v) if v.is_integer() else v)
    return v


def split_where(where: object) -> tuple[str, int | None]:
    if isinstance(where, str) and ":" in where:
        f, _, line = where.rpartition(":")
        if line.isdigit():
            return f, int(line)
    return str(where), None


# --------------------------------------------------------------------------------------------
# Context shared by the modules of one run (parsed O*NET core, crosswalks, pinned hashes)
# --------------------------------------------------------------------------------------------


@dataclass
class Context:
    root: Path
    problems: list[Problem]
    catalog: Path | None = None
    onet_release: str | None = None  # e.g. "db_30_1_excel"; default: newest text release
    _cache: dict = field(default_factory=dict)

    @property
    def catalog_dir(self) -> Path:
        return self.catalog if self.catalog is not None else DEFAULT_CATALOG

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @cached_property
    def onet(self) -> Any:
        """The O*NET core (occupations and tasks) of the chosen release (ingest.onet.Core)."""
        from ingest import onet

        return onet.load_core(self.root, self.problems, release=self.onet_release)

    @cached_property
    def crosswalks(self) -> Any:
        from ingest import crosswalks

        return crosswalks.load(self.root, self.problems)


# --------------------------------------------------------------------------------------------
# Manifest helpers
# --------------------------------------------------------------------------------------------


def new_entry(source: str, version: str, title: str) -> dict:
    return {
        "source": source,
        "version": version,
        "title": title,
        "files": [],
        "rows": {},  # data rows per file read
        "totals": {},  # named counts (tasks, dwas, ...)
        "match": {},  # match rates onto the O*NET-SOC 2019 key
        "notes": [],
    }


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_PINNED: dict[str, str] | None = None


def pinned_hashes() -> dict[str, str]:
    """{layout path: sha256} from data/sources.yaml."""
    global _PINNED
    if _PINNED is None:
        import yaml

        out: dict[str, str] = {}
        if SOURCES_YAML.exists():
            doc = yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8")) or {}
            for src in doc.get("sources", []):
                for f in src.get("files", []):
                    out[f["path"]] = f["sha256"]
        _PINNED = out
    return _PINNED


def record_file(entry: dict, root: Path, rel: str, rows: int | None = None) -> None:
    """Add a file the source read to its manifest entry, with its sha256 and whether it is the
    pinned version in data/sources.yaml."""
    path = root / rel
    if not path.exists():
        return
    digest = sha256_of(path)
    pin = pinned_hashes().get(rel)
    rec = {
        "path": rel,
        "sha256": digest,
        "bytes": path.stat().st_size,
        "pinned": None if pin is None else pin == digest,
    }
    entry["files"].append(rec)
    if rows is not None:
        entry["rows"][rel] = rows
    if pin is not None and pin != digest:
        entry["notes"].append(f"{rel}: sha256 differs from the version pinned in data/sources.yaml")


# --------------------------------------------------------------------------------------------
# Readers: tab-delimited text, CSV, xlsx, xls, all into frames of text cells plus LINE
# --------------------------------------------------------------------------------------------


class FileProblems:
    """Problems about one file, named by its path."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.path = path
        self.name = str(path)
        self.problems = problems

    def add(self, line: int | None, fld: str, message: str) -> None:
        self.problems.append(Problem(self.name, line, fld, message))

    def where(self, line: int) -> str:
        return f"{self.name}:{line}"


def read_table(
    path: Path,
    columns: Sequence[str],
    problems: list[Problem],
    *,
    optional: Sequence[str] = (),
    sheet: str | int | None = None,
    delimiter: str | None = None,
    index_col_unnamed: bool = False,
) -> pd.DataFrame | None:
    """Read a table file into a frame of stripped text cells (missing cells are ""), with the
    columns asked for plus LINE. The form is chosen by extension: .txt/.tsv tab-delimited text,
    .csv comma-separated (RFC 4180 quoting), .xlsx (openpyxl, read-only), .xls (xlrd).

    Checks: the file exists, decodes (UTF-8; a BOM is dropped), has the required columns (a missing
    one is reported with the closest header name, e.g. a renamed column), every row of a text file
    has as many fields as the header (a truncated file ends in a short row). Returns None when the
    file cannot be used at all; rows with problems are left out and reported.
    """
    fp = FileProblems(path, problems)
    if not path.exists():
        fp.add(None, "file", "file not found (run `craftgraph fetch` or check the directory layout)")
        return None
    ext = path.suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, sheet, fp)
    elif ext == ".xls":
        rows = _xls_rows(path, sheet, fp)
    else:
        delim = delimiter or ("\t" if ext in (".txt", ".tsv") else ",")
        rows = _text_rows(path, delim, fp, quoted=ext == ".csv" or delim == ",")
    if rows is None:
        return None
    return _frame_from_rows(rows, columns, optional, fp, index_col_unnamed)


def _frame_from_rows(
    rows: list[tuple[int, list[str]]],
    columns: Sequence[str],
    optional: Sequence[str],
    fp: FileProblems,
    index_col_unnamed: bool,
) -> pd.DataFrame | None:
    if not rows:
        fp.add(None, "file", "file is empty (no header row)")
        return None
    # The header is the first row holding every required column (files with a title block, like the
    # BLS ISCO crosswalk, have it further down); if none does, the first non-empty row.
    hdr_i = next((i for i, (_, r) in enumerate(rows[:30]) if set(columns) <= {c.strip() for c in r}), None)
    if hdr_i is None:
        hdr_i = next(i for i, (_, r) in enumerate(rows) if any(c.strip() for c in r))
    hdr_line, header = rows[hdr_i]
    header = [c.strip() for c in header]
    if index_col_unnamed and header and header[0] == "":
        header[0] = "(index)"
    missing = [c for c in columns if c not in header]
    for c in missing:
        near = difflib.get_close_matches(c, [h for h in header if h not in columns], n=1, cutoff=0.5)
        hint = f"; found {near[0]!r} instead (renamed?)" if near else f"; the header has: {', '.join(header)}"
        fp.add(hdr_line, c, f"required column is missing{hint}")
    dups = {c for c in header if c and header.count(c) > 1}
    for c in sorted(dups & set(columns)):
        fp.add(hdr_line, c, "column appears more than once in the header")
    if missing or (dups & set(columns)):
        return None
    want = [c for c in [*columns, *optional] if c in header]
    pos = [header.index(c) for c in want]
    width = len(header)
    out_rows: list[list] = []
    body = rows[hdr_i + 1 :]
    text_form = fp.name.lower().endswith((".txt", ".tsv", ".csv"))
    for line, rec in body:
        if len(rec) != width:
            if not "".join(rec).strip():
                continue
            if text_form:
                what = "truncated?" if len(rec) < width else "extra delimiter in a cell?"
                fp.add(line, "row", f"has {len(rec)} fields, the header has {width} ({what})")
                continue
            rec = list(rec[:width]) + [""] * (width - len(rec))
        elif not "".join(rec).strip():
            continue
        out_rows.append([rec[p].strip() for p in pos] + [line])
    # object columns (plain Python str): row loops over them are much faster than over Arrow strings
    df = pd.DataFrame(out_rows, columns=[*want, LINE], dtype=object)
    df[LINE] = df[LINE].astype("int64")
    for c in optional:
        if c not in df.columns:
            df[c] = ""
    return df


def _decode(path: Path, fp: FileProblems) -> str | None:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a BOM (spreadsheet export) is harmless
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        fp.add(line, "encoding", f"not UTF-8 (byte {raw[e.start]:#x} at offset {e.start}); truncated or mis-saved?")
        return None


def _text_rows(path: Path, delim: str, fp: FileProblems, quoted: bool) -> list[tuple[int, list[str]]] | None:
    text = _decode(path, fp)
    if text is None:
        return None
    if not quoted:
        # O*NET text: tab-delimited, unquoted, CRLF or LF line ends. Split on \n only (cells may hold
        # other Unicode line separators that str.splitlines would break on).
        out = []
        for i, line in enumerate(text.split("\n"), start=1):
            if line.endswith("\r"):
                line = line[:-1]
            if line == "":
                continue
            out.append((i, line.split(delim)))
        return out
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    out = []
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


def _xlsx_rows(path: Path, sheet: str | int | None, fp: FileProblems) -> list[tuple[int, list[str]]] | None:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
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


def _xls_rows(path: Path, sheet: str | int | None, fp: FileProblems) -> list[tuple[int, list[str]]] | None:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
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


# --------------------------------------------------------------------------------------------
# Cell checks
# --------------------------------------------------------------------------------------------

ONET_SOC_RE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
SOC_RE = re.compile(r"^\d{2}-\d{4}$")


def check_unique(df: pd.DataFrame, key: Sequence[str], fp: FileProblems) -> pd.DataFrame:
    """Report every row whose key repeats an earlier row's; return the frame without them."""
    dup = df.duplicated(subset=list(key), keep="first")
    if dup.any():
        first = df[~dup].set_index(list(key))[LINE]
        for _, row in df[dup].iterrows():
            k = tuple(row[c] for c in key)
            at = first.get(k if len(k) > 1 else k[0])
            fp.add(
                int(row[LINE]),
                "+".join(key),
                f"duplicate key {'/'.join(k)} (first at line {at}); each must appear once",
            )
    return df[~dup]


def check_pattern(df: pd.DataFrame, col: str, rx: re.Pattern, fp: FileProblems, what: str) -> pd.DataFrame:
    ok = df[col].str.match(rx)
    for _, row in df[~ok].iterrows():
        fp.add(int(row[LINE]), col, f"{row[col]!r} is not {what}")
    return df[ok]


def parse_float(
    value: str, fp: FileProblems, line: int, col: str, specials: dict[str, str] | None = None
) -> tuple[float | None, str | None]:
    """A number from a cell; (None, key) for a documented special marker, e.g. BLS `*` and `#`."""
    if value == "":
        return None, None
    if specials and value in specials:
        return None, value
    try:
        v = float(value.replace(",", ""))
    except ValueError:
        fp.add(line, col, f"expected a number, got {value!r}")
        return None, None
    if v != v:
        return None, None
    return v, None


def where_col(df: pd.DataFrame, fp: FileProblems) -> list[str]:
    return [f"{fp.name}:{n}" for n in df[LINE]]


def slugify(text: str) -> str:
    import unicodedata

    # drop accents (combining marks), then every run of other characters becomes one "-"
    s = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9._-]+", "-", s)
    s = re.sub(r"-{2,}", "-", s).strip("-._")
    return s or "x"


def read_catalog_mapping(path: Path, id_col: str, problems: list[Problem]) -> dict[str, list[int]]:
    """{id: [lines]} of the ids a curated mapping file (model_capabilities / incident_limitations)
    refers to in column `id_col`; {} when the file is absent."""
    if not path.exists():
        return {}
    df = read_table(path, [id_col], problems)
    if df is None:
        return {}
    out: dict[str, list[int]] = {}
    for v, line in zip(df[id_col], df[LINE], strict=True):
        if v:
            out.setdefault(v, []).append(int(line))
    return out
