"""Download the public data files listed in data/sources.yaml into a local cache, hash-checked.

`fetch(dest, sources=None, base_url=None)` lays the files out under `dest` exactly as
../shared/data is laid out (so `craftgraph build --sources DEST` reads them). For each file:

- already in `dest` with the pinned sha256 → left alone (idempotent; no network);
- else downloaded with pooch from the publisher `url` (when the publisher ships an archive, e.g. the
  BLS `oesm25nat.zip`, the archive is kept under `dest/.archives/` and pooch's Unzip/Untar processor
  extracts the `member`), then from `mirror` (a byte-identical copy at a pinned commit) if the
  publisher's bytes differ from the pinned ones or the download fails; with `base_url`, only from
  `base_url + path` (tests point it at a local server);
- the sha256 is checked before the file takes its place: on a mismatch nothing is cached and
  FetchError says which file, which URL, the expected and the received hash.

Every file is attempted; FetchError is raised at the end, listing every failure. Progress lines go to
the `progress` callable when one is given, else to the `ingest.fetch` logger at INFO.

Each download has an overall deadline (`deadline`, seconds), not only a per-read timeout, so a server
that drip-feeds bytes cannot hold a fetch forever. A failed download leaves no temporary file, and the
temporary files of a fetch that was killed are removed by the next one (fetches into one folder hold its
lock, so no other fetch's work in progress is touched). A cached archive that cannot be read, or lacks
the member or its pinned bytes, is downloaded again once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, urlsplit

import pooch

from ingest import sources_file
from ingest.base import Progress, reporter
from ingest.sources_file import SOURCES_YAML, PinnedFile

DEFAULT_DEADLINE_S = 900.0  # one file's whole download, however the server paces it
_POOCH_TMP = re.compile(r"^tmp[a-z0-9_]{8}$")  # pooch's temporary download files (tempfile names)


class DeadlineDownloader:
    """A pooch downloader (requests, streamed) with an overall deadline per download as well as the
    connect/read timeout; raises TimeoutError when the deadline passes."""

    def __init__(self, timeout: float = 120.0, deadline: float = DEFAULT_DEADLINE_S):
        self.timeout = timeout
        self.deadline = deadline

    def __call__(self, url: str, output_file, pooch_obj=None, check_only: bool = False) -> bool | None:
        import requests

        start = time.monotonic()
        read_timeout = min(self.timeout, self.deadline)
        with requests.get(url, stream=True, timeout=(min(self.timeout, 30.0), read_timeout)) as r:
            r.raise_for_status()
            if check_only:
                return True
            opened = open(output_file, "w+b") if isinstance(output_file, str | Path) else None  # noqa: SIM115
            out = opened or output_file
            try:
                while chunk := r.raw.read1(1 << 16, decode_content=True):
                    if time.monotonic() - start > self.deadline:
                        raise TimeoutError(f"the download took longer than its deadline of {self.deadline:g} s")
                    out.write(chunk)
                if time.monotonic() - start > self.deadline:
                    raise TimeoutError(f"the download took longer than its deadline of {self.deadline:g} s")
            finally:
                if opened:
                    opened.close()
        return None


@contextlib.contextmanager
def _dest_lock(dest: Path):
    """One fetch at a time into `dest` (an advisory lock on a file in the temporary directory named after
    `dest`, so that nothing is added to `dest`; waits for the other fetch)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    import hashlib

    key = hashlib.sha256(str(dest.resolve()).encode()).hexdigest()[:16]
    fd = os.open(Path(tempfile.gettempdir()) / f"craftgraph-fetch-{key}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _remove_leftovers(dest: Path, files: list[PinnedFile]) -> None:
    """Temporary files and folders of fetches that were killed (called under the folder's lock)."""
    folders = {(dest / f.path).parent for f in files} | {dest, dest / ".archives"}
    for d in folders:
        if not d.is_dir():
            continue
        for p in d.iterdir():
            if p.is_file() and _POOCH_TMP.match(p.name):
                p.unlink(missing_ok=True)
            elif p.is_dir() and p.name.startswith(".fetch-"):
                shutil.rmtree(p, ignore_errors=True)


OFFLINE_HINTS = ("connectionerror", "connection refused", "name resolution", "max retries", "network is unreachable")


class FetchError(Exception):
    """One or more files could not be fetched with the pinned hash. `failures`: one line per file
    (`path: url: reason; url: reason`); `summary` (set by fetch): one line per source and a hint."""

    summary: list[str]

    def __init__(self, failures: list[str]):
        self.failures = failures
        self.summary = []
        super().__init__(
            f"{len(failures)} file(s) could not be fetched (nothing was cached for them):\n"
            + "\n".join(f"  {f}" for f in failures)
        )


def fetch(
    dest: Path,
    sources: Iterable[str] | None = None,
    base_url: str | None = None,
    *,
    manifest: Path = SOURCES_YAML,
    progress: Progress | None = None,
    timeout: float = 120.0,
    deadline: float = DEFAULT_DEADLINE_S,
) -> dict[str, dict]:
    """Fetch the files of `sources` (source ids or paths; all when None) into `dest`.

    Returns {path: {"status": "cached" | "downloaded", "url": ..., "sha256": ...}}; raises
    FetchError listing every file that could not be fetched with its pinned sha256, and ValueError
    (SourcesFileError) for an unknown source name or a malformed sources file.
    """
    say = reporter(progress, __name__)
    logging.getLogger("pooch").setLevel(logging.WARNING)
    dest = Path(dest)
    files = sources_file.load(manifest).select(sources)
    downloader = DeadlineDownloader(timeout=timeout, deadline=deadline)
    dest.mkdir(parents=True, exist_ok=True)
    with _dest_lock(dest):
        _remove_leftovers(dest, files)
        try:
            return _fetch_all(dest, files, base_url, downloader, say)
        except FetchError as e:
            e.summary = summarize(e.failures, files, manifest)
            raise


def _fetch_all(dest: Path, files: list[PinnedFile], base_url: str | None, downloader, say) -> dict[str, dict]:
    report: dict[str, dict] = {}
    failures: list[str] = []
    for f in files:
        target = dest / f.path
        if target.exists() and pooch.file_hash(str(target)) == f.sha256:
            report[f.path] = {"status": "cached", "url": None, "sha256": f.sha256}
            continue
        errors: list[str] = []
        for url, member in _attempts(f, base_url):
            say(f"fetching {f.path}" + ("" if not errors else f" (trying {urlsplit(url).hostname})"))
            try:
                if member:
                    _fetch_member(url, member, target, f.sha256, dest / ".archives", downloader)
                else:
                    _fetch_file(url, target, f.sha256, downloader)
            except Exception as exc:  # every failure is reported; the next URL is tried
                errors.append(f"{url}: {_reason(exc, f.sha256)}")
                continue
            report[f.path] = {"status": "downloaded", "url": url, "sha256": f.sha256}
            break
        else:
            failures.append(f"{f.path}: " + "; ".join(errors))
            _cleanup_empty_dirs(target.parent, dest)
    if failures:
        raise FetchError(failures)
    return report


def summarize(failures: list[str], files: list[PinnedFile], manifest: Path = SOURCES_YAML) -> list[str]:
    """One line per source that failed (files fetched, hosts tried, the first reason), then a hint: you
    are offline when every failure was a failed connection."""
    doc = sources_file.load(manifest)
    failed = {line.split(": ", 1)[0]: line.split(": ", 1)[1] for line in failures}
    lines, offline = [], True
    for src in doc.sources:
        mine = [f for f in files if doc.source_of(f.path).id == src.id]
        bad = [f for f in mine if f.path in failed]
        if not bad:
            continue
        reasons = [failed[f.path] for f in bad]
        offline &= all(any(h in r.lower() for h in OFFLINE_HINTS) for r in reasons)
        hosts = sorted({urlsplit(u).hostname or u for f in bad for u, _ in _attempts(f, None)})
        first = reasons[0].split("; ")[0].split(": ", 1)[-1]
        lines.append(
            f"{src.id}: {len(mine) - len(bad)} of {len(mine)} file(s) fetched; tried {', '.join(hosts)}: "
            f"{_short(first)}"
        )
    lines.append(
        "you seem to be offline (no connection could be made): connect and run `craftgraph fetch` again; "
        "`craftgraph build` meanwhile builds the catalog-only graph"
        if offline
        else "files already fetched are kept; run `craftgraph fetch` again to retry the others"
    )
    return lines


def _short(reason: str, limit: int = 120) -> str:
    """A reason cut to its gist: requests' messages nest the same error several times."""
    text = " ".join(reason.split())
    for marker in ("Failed to establish a new connection: ", "NameResolutionError", "Read timed out"):
        if marker in text:
            text = text[text.index(marker) :].split("'))")[0].rstrip(")'\"")
            break
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _attempts(f: PinnedFile, base_url: str | None) -> list[tuple[str, str | None]]:
    """(url, archive member or None) to try in turn."""
    if base_url is not None:
        return [(base_url.rstrip("/") + "/" + quote(f.path), None)]
    return [(f.url, f.member)] + ([(f.mirror, None)] if f.mirror else [])


def _fetch_file(url: str, target: Path, pin: str, downloader) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # pooch streams to a temporary file in the same folder and moves it into place only when the
    # hash matches; on a mismatch it deletes the temporary file and raises ValueError.
    pooch.retrieve(url, known_hash=f"sha256:{pin}", fname=target.name, path=target.parent, downloader=downloader)


def _fetch_member(url: str, member: str, target: Path, pin: str, archives: Path, downloader) -> None:
    """Download an archive (kept under `archives/`, its hash unknown in advance), extract `member`
    into a temporary folder next to the target, check its sha256, move it into place. A cached archive
    that fails (unreadable, member missing, wrong bytes) is deleted and downloaded once more."""
    archives.mkdir(parents=True, exist_ok=True)
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    cached = (archives / name).exists()
    try:
        _extract_member(url, member, target, pin, archives, name, downloader)
    except (zipfile.BadZipFile, tarfile.TarError, KeyError, ValueError, OSError, EOFError):
        if not cached:
            raise
        (archives / name).unlink(missing_ok=True)
        _extract_member(url, member, target, pin, archives, name, downloader)


def _extract_member(url: str, member: str, target: Path, pin: str, archives: Path, name: str, downloader) -> None:
    archive = pooch.retrieve(url, known_hash=None, fname=name, path=archives, downloader=downloader)
    unpack = pooch.Unzip if zipfile.is_zipfile(archive) else pooch.Untar
    inner = _member_name(archive, member)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".fetch-"))
    try:
        unpack(members=[inner], extract_dir=str(tmp))(archive, "download", None)
        got = tmp / inner
        digest = pooch.file_hash(str(got))
        if digest != pin:
            raise ValueError(
                f"SHA256 hash of downloaded file ({digest}) does not match the known hash: expected sha256:{pin}"
            )
        os.replace(got, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _member_name(archive: str, member: str) -> str:
    """The archive's name for `member`: the same path, else the only file of that name."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
    else:
        with tarfile.open(archive) as tf:
            names = [m.name for m in tf.getmembers() if m.isfile()]
    if member in names:
        return member
    base = member.rsplit("/", 1)[-1]
    hits = [n for n in names if n.rsplit("/", 1)[-1] == base]
    if len(hits) != 1:
        raise KeyError(f"{member} is not in {Path(archive).name}" if not hits else f"{member} is ambiguous: {hits}")
    return hits[0]


def _reason(exc: Exception, pin: str) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, ValueError) and "hash" in text.lower():
        return f"sha256 mismatch (expected {pin}): {text}"
    return f"{type(exc).__name__}: {text}"


def _cleanup_empty_dirs(d: Path, stop: Path) -> None:
    """Remove folders this run created and left empty (up to `stop`)."""
    try:
        stop = stop.resolve()
        d = d.resolve()
        while d != stop and stop in d.parents and d.is_dir() and not any(d.iterdir()):
            d.rmdir()
            d = d.parent
    except OSError:
        pass
