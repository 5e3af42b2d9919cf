"""Download the public data files listed in data/sources.yaml into a local cache, hash-checked.

`fetch(dest, sources=None, base_url=None)` lays the files out under `dest` exactly as
../shared/data is laid out (so `craftgraph build --sources DEST` reads them). For each file:

- already in `dest` with the pinned sha256 → left alone (idempotent; no network);
- else downloaded with pooch from the publisher `url` (when the publisher ships an archive, e.g. the
  BLS `oesm25nat.zip`, the archive is kept under `dest/.archives/` and the `member` is extracted),
  then from `mirror` (a byte-identical copy at a pinned commit) if the publisher's bytes differ
  from the pinned ones or the download fails; with `base_url`, only from `base_url + path`
  (tests point it at a local server);
- the sha256 is checked before the file takes its place: on a mismatch nothing is cached and
  FetchError says which file, which URL, the expected and the received hash.

Every file is attempted; FetchError is raised at the end, listing every failure.
"""

from __future__ import annotations

import logging
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote

import yaml

from ingest.public import SOURCES_YAML, sha256_of

Progress = Callable[[str], None]


class FetchError(Exception):
    """One or more files could not be fetched with the pinned hash."""

    def __init__(self, failures: list[str]):
        self.failures = failures
        super().__init__(
            f"{len(failures)} file(s) could not be fetched (nothing was cached for them):\n"
            + "\n".join(f"  {f}" for f in failures)
        )


def _quiet(_: str) -> None:
    pass


def load_manifest(path: Path = SOURCES_YAML) -> list[dict]:
    """Every file entry of data/sources.yaml, each with its `source` id and licence/citation."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for src in doc["sources"]:
        for f in src["files"]:
            out.append({**f, "source": src["id"], "licence": src.get("licence"), "citation": src.get("citation")})
    return out


def select(entries: list[dict], sources: Iterable[str] | None) -> list[dict]:
    """Entries whose source id or path is in `sources` (all when None); unknown names are an error."""
    if sources is None:
        return entries
    wanted = list(sources)
    known = {e["source"] for e in entries} | {e["path"] for e in entries}
    unknown = [s for s in wanted if s not in known]
    if unknown:
        ids = sorted({e["source"] for e in entries})
        raise ValueError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(ids)} (or a file path)")
    return [e for e in entries if e["source"] in wanted or e["path"] in wanted]


def fetch(
    dest: Path,
    sources: Iterable[str] | None = None,
    base_url: str | None = None,
    *,
    manifest: Path = SOURCES_YAML,
    progress: Progress = _quiet,
    timeout: float = 120.0,
) -> dict[str, dict]:
    """Fetch the files of `sources` (source ids or paths; all when None) into `dest`.

    Returns {path: {"status": "cached" | "downloaded", "url": ..., "sha256": ...}}; raises
    FetchError listing every file that could not be fetched with its pinned sha256.
    """
    import pooch

    logging.getLogger("pooch").setLevel(logging.WARNING)
    dest = Path(dest)
    entries = select(load_manifest(manifest), sources)
    report: dict[str, dict] = {}
    failures: list[str] = []
    downloader = pooch.HTTPDownloader(progressbar=False, timeout=timeout)
    for e in entries:
        rel, pin = e["path"], e["sha256"]
        target = dest / rel
        if target.exists() and sha256_of(target) == pin:
            report[rel] = {"status": "cached", "url": None, "sha256": pin}
            continue
        if base_url is not None:
            attempts = [(base_url.rstrip("/") + "/" + quote(rel), None)]
        else:
            attempts = [(e["url"], e.get("member"))]
            if e.get("mirror"):
                attempts.append((e["mirror"], None))
        errors = []
        for url, member in attempts:
            progress(f"fetching {rel} from {url}")
            try:
                if member:
                    _fetch_member(url, member, target, pin, dest / ".archives", downloader)
                else:
                    _fetch_file(url, target, pin, downloader)
            except Exception as exc:  # every failure is reported; the next URL is tried
                errors.append(f"{url}: {_reason(exc, pin)}")
                continue
            report[rel] = {"status": "downloaded", "url": url, "sha256": pin}
            break
        else:
            failures.append(f"{rel}: " + "; ".join(errors))
            _cleanup_empty_dirs(target.parent, dest)
    if failures:
        raise FetchError(failures)
    return report


def _fetch_file(url: str, target: Path, pin: str, downloader) -> None:
    import pooch

    target.parent.mkdir(parents=True, exist_ok=True)
    # pooch streams to a temporary file in the same folder and moves it into place only when the
    # hash matches; on a mismatch it deletes the temporary file and raises ValueError.
    pooch.retrieve(url, known_hash=f"sha256:{pin}", fname=target.name, path=target.parent, downloader=downloader)


def _fetch_member(url: str, member: str, target: Path, pin: str, archives: Path, downloader) -> None:
    """Download an archive (kept under `archives/`, its hash unknown in advance), extract `member`
    (matched by path, else by file name), check the member's sha256, move it into place."""
    import pooch

    archives.mkdir(parents=True, exist_ok=True)
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    archive = Path(pooch.retrieve(url, known_hash=None, fname=name, path=archives, downloader=downloader))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".fetch-", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with open(fd, "wb") as out:
            _copy_member(archive, member, out)
        got = sha256_of(tmp)
        if got != pin:
            raise ValueError(
                f"SHA256 hash of downloaded file ({got}) does not match the known hash: expected sha256:{pin}"
            )
        shutil.move(str(tmp), str(target))
    finally:
        tmp.unlink(missing_ok=True)


def _copy_member(archive: Path, member: str, out) -> None:
    base = member.rsplit("/", 1)[-1]
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            hit = member if member in names else next((n for n in names if n.rsplit("/", 1)[-1] == base), None)
            if hit is None:
                raise KeyError(f"{member} is not in {archive.name}")
            with zf.open(hit) as src:
                shutil.copyfileobj(src, out)
        return
    with tarfile.open(archive) as tf:
        names = tf.getnames()
        hit = member if member in names else next((n for n in names if n.rsplit("/", 1)[-1] == base), None)
        if hit is None:
            raise KeyError(f"{member} is not in {archive.name}")
        src = tf.extractfile(hit)
        if src is None:
            raise KeyError(f"{member} in {archive.name} is not a regular file")
        shutil.copyfileobj(src, out)


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
