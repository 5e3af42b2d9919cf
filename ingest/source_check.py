"""`craftgraph sources check`: is every cited page still there, and is it still what the curator read?

For each source URL in the catalog's sources*.csv: the HTTP status, where redirects end, the content type,
and a hash of the page's content, compared with what data/source_hashes.csv recorded at the last
`--update`. Findings per source:

- dead: 404 or 410, or the host does not resolve / refuses the connection;
- failing: another 4xx or 5xx status (401/403/429 are often bot blocks: check by hand), or a timeout;
- redirected: the request ends at another URL (a permanent move suggests updating the catalog's URL);
- changed: the content hash differs from the stored one (HTML is hashed as its visible text, so changing
  scripts, styles and markup do not count);
- content_type: the content type differs from the stored one (a PDF that became an HTML page is often a
  landing page or a soft 404).

Dead, failing and changed sources get an archive link to look for the version the curator read
(web.archive.org, nearest to the `accessed` date). Hashes are fingerprints, not copies of the page; a
source whose stored sha256 is `-` is never hashed (its terms forbid automated copies, or it changes on
every load). Requests are polite: a few workers, one request at a time per host with a pause between
them, a connect/read timeout and an overall deadline per page, and at most MAX_BYTES read per page.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import html
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from graph.tables import Problem
from ingest.reader import LINE, read_table

HASH_COLUMNS = ("id", "url", "status", "content_type", "sha256", "checked")
NO_HASH = "-"  # a stored sha256 of "-": never hash this source
MAX_BYTES = 5_000_000
USER_AGENT = "CraftGraph-sources-check/1.0 (research catalog link check; one request per page)"
FINDINGS = ("dead", "failing", "redirected", "changed", "content_type")
ARCHIVE = "https://web.archive.org/web/{when}/{url}"


@dataclass(frozen=True)
class SourceRow:
    id: str
    url: str
    file: str
    line: int
    date: str = ""
    accessed: str = ""


@dataclass
class Check:
    id: str
    url: str
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    error: str | None = None
    findings: list[str] = field(default_factory=list)
    archive: str | None = None
    note: str = ""


# ------------------------------------------------------------------------------------------ inputs


def read_sources(catalog: Path, problems: list[Problem]) -> list[SourceRow]:
    """Every source row of the catalog's sources*.csv files."""
    out = []
    for path in sorted(catalog.glob("sources*.csv")):
        df = read_table(path, ["id", "url"], problems, optional=["date", "accessed"])
        if df is None:
            continue
        for r in df.to_dict("records"):
            if r["id"] and r["url"]:
                out.append(SourceRow(r["id"], r["url"], path.name, int(r[LINE]), r["date"], r["accessed"]))
    return out


def select(sources: Iterable[SourceRow], only: Iterable[str] = ()) -> list[SourceRow]:
    """The sources whose id or file name matches one of the glob patterns in `only` (all when empty)."""
    pats = [p for p in only if p]
    if not pats:
        return list(sources)
    return [s for s in sources if any(fnmatch.fnmatchcase(s.id, p) or fnmatch.fnmatchcase(s.file, p) for p in pats)]


def read_hashes(path: Path) -> dict[str, dict[str, str]]:
    """The stored fingerprints by source id ({} when the file does not exist yet)."""
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as f:
        return {r["id"]: r for r in csv.DictReader(f) if r.get("id")}


def write_hashes(path: Path, stored: dict[str, dict[str, str]], checks: Iterable[Check], today: str) -> int:
    """Record what the checks found for every source that answered (status below 400); returns how many
    rows were written or replaced. A `-` sha256 stays `-`."""
    rows = dict(stored)
    n = 0
    for c in checks:
        if c.error or c.status is None or c.status >= 400:
            continue
        keep_out = stored.get(c.id, {}).get("sha256") == NO_HASH
        rows[c.id] = {
            "id": c.id,
            "url": c.url,
            "status": str(c.status),
            "content_type": c.content_type or "",
            "sha256": NO_HASH if keep_out else (c.sha256 or ""),
            "checked": today,
        }
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, HASH_COLUMNS, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows[k] for k in sorted(rows))
    return n


# ------------------------------------------------------------------------------------------ fetching

_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def fingerprint(body: bytes, content_type: str | None) -> str:
    """sha256 of the content: of an HTML page, its visible text (no scripts, styles, tags, spacing)."""
    if content_type and "html" in content_type:
        text = body.decode("utf-8", errors="replace")
        text = _TAG.sub(" ", _SCRIPT.sub(" ", text))
        body = _SPACE.sub(" ", html.unescape(text)).strip().encode("utf-8")
    return hashlib.sha256(body).hexdigest()


class Politeness:
    """One request at a time per host, at least `interval` seconds apart."""

    def __init__(self, interval: float):
        self.interval = interval
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    def host(self, url: str) -> threading.Lock:
        host = (urlsplit(url).hostname or "").lower()
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def wait(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        pause = self._last.get(host, 0.0) + self.interval - time.monotonic()
        if pause > 0:
            time.sleep(pause)

    def done(self, url: str) -> None:
        self._last[(urlsplit(url).hostname or "").lower()] = time.monotonic()


def fetch(url: str, timeout: float, deadline: float, trust_env: bool = True) -> Check:
    """One GET (redirects followed): status, final URL, content type and fingerprint, or the error."""
    import requests

    c = Check(id="", url=url)
    start = time.monotonic()
    try:
        with requests.Session() as s:
            s.trust_env = trust_env
            s.max_redirects = 10
            with s.get(url, timeout=timeout, stream=True, headers={"User-Agent": USER_AGENT}) as r:
                c.status, c.final_url = r.status_code, r.url
                c.content_type = (r.headers.get("Content-Type") or "").split(";")[0].strip().lower() or None
                body = bytearray()
                for chunk in r.iter_content(64 * 1024):
                    body += chunk
                    if len(body) >= MAX_BYTES:
                        c.note = f"only the first {MAX_BYTES} bytes hashed"
                        break
                    if time.monotonic() - start > deadline:
                        raise TimeoutError(f"no complete page within {deadline:g} s")
                if r.status_code < 400:
                    c.sha256 = fingerprint(bytes(body), c.content_type)
    except requests.exceptions.TooManyRedirects:
        c.error = "too many redirects"
    except requests.exceptions.Timeout:
        c.error = f"timed out after {timeout:g} s"
    except TimeoutError as e:
        c.error = str(e)
    except requests.exceptions.ConnectionError as e:
        c.error = f"connection failed: {_short(e)}"
    except requests.exceptions.RequestException as e:
        c.error = f"request failed: {_short(e)}"
    return c


def _short(e: Exception) -> str:
    text = str(e)
    return text if len(text) <= 160 else text[:157] + "..."


# ------------------------------------------------------------------------------------------ judging


def judge(c: Check, stored: dict[str, str] | None, src: SourceRow) -> Check:
    """Fill the findings and the archive suggestion of one check against the stored fingerprint."""
    if c.error:
        dead = c.error.startswith("connection failed")
        c.findings.append("dead" if dead else "failing")
    elif c.status in (404, 410):
        c.findings.append("dead")
    elif c.status is not None and c.status >= 400:
        c.findings.append("failing")
    if c.final_url and _norm(c.final_url) != _norm(c.url):
        c.findings.append("redirected")
    if stored and not c.error and c.status is not None and c.status < 400:
        old_hash = stored.get("sha256") or ""
        if old_hash and old_hash != NO_HASH and c.sha256 and old_hash != c.sha256:
            c.findings.append("changed")
        old_type = stored.get("content_type") or ""
        if old_type and c.content_type and old_type != c.content_type:
            c.findings.append("content_type")
    if {"dead", "failing", "changed"} & set(c.findings):
        c.archive = archive_url(c.url, src.accessed or src.date)
    return c


def _norm(url: str) -> str:
    return url.rstrip("/")


def archive_url(url: str, when: str = "") -> str:
    """The Wayback Machine's address for the capture of `url` nearest to `when` (an ISO date), or its
    list of captures when no date is known. No request is made."""
    stamp = re.sub(r"\D", "", when or "")
    return ARCHIVE.format(when=stamp if stamp else "*", url=url)


def check_sources(
    sources: list[SourceRow],
    stored: dict[str, dict[str, str]],
    *,
    workers: int = 4,
    timeout: float = 15.0,
    deadline: float = 60.0,
    per_host_interval: float = 1.0,
    trust_env: bool = True,
    progress: Callable[[Check], None] | None = None,
) -> list[Check]:
    """Check every source (several hosts at once, one request at a time per host); results in input order.
    The same URL cited by several sources is fetched once."""
    polite = Politeness(per_host_interval)
    by_url: dict[str, Check] = {}
    url_lock = threading.Lock()
    url_events: dict[str, threading.Event] = {}

    def one(src: SourceRow) -> Check:
        with url_lock:
            first = src.url not in url_events
            event = url_events.setdefault(src.url, threading.Event())
        if first:
            with polite.host(src.url):
                polite.wait(src.url)
                by_url[src.url] = fetch(src.url, timeout, deadline, trust_env)
                polite.done(src.url)
            event.set()
        else:
            event.wait()
        got = by_url[src.url]
        c = Check(src.id, src.url, got.status, got.final_url, got.content_type, got.sha256, got.error, note=got.note)
        c = judge(c, stored.get(src.id), src)
        if progress:
            progress(c)
        return c

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, sources))


def summary(checks: list[Check]) -> dict[str, int]:
    out = {"checked": len(checks), "ok": sum(1 for c in checks if not c.findings)}
    for f in FINDINGS:
        out[f] = sum(1 for c in checks if f in c.findings)
    return out


def as_records(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]


def today() -> str:
    return datetime.now(UTC).date().isoformat()
