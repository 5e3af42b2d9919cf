"""`craftgraph fetch` (ingest/fetch.py): downloads pinned files with pooch, checks the sha256,
is idempotent, and on a mismatch raises a clear error with nothing cached."""

from __future__ import annotations

import functools
import hashlib
import shutil
import tarfile
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from ingest.base import shared_data_dir
from ingest.fetch import FetchError, fetch
from ingest.sources_file import pinned_hashes

FIXTURE_ROOT = Path(__file__).parent / "fixtures" / "public" / "root"
FULL = shared_data_dir()


class Server:
    """A static file server on 127.0.0.1 (random port) in a thread; counts GET requests."""

    def __init__(self, directory: Path):
        self.requests: list[str] = []
        outer = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def manifest(path: Path, files: list[dict]) -> Path:
    source = {"id": "test", "title": "t", "version": "1", "publisher": "p", "licence": "l", "citation": "c"}
    doc = {"version": 1, "sources": [{**source, "files": files}]}
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


FIXTURE_FILES = [
    "onet/db_29_1_text/Job Zones.txt",  # a space in the name
    "crosswalks/2019_to_SOC_Crosswalk.csv",
    "epoch_ai/notable_ai_models.csv",
]


def fixture_manifest(tmp_path: Path) -> Path:
    files = [
        {"path": rel, "url": "https://example.invalid/" + quote(rel), "sha256": sha(FIXTURE_ROOT / rel)}
        for rel in FIXTURE_FILES
    ]
    return manifest(tmp_path / "sources.yaml", files)


def leftovers(d: Path) -> list[str]:
    return sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file())


def test_fetch_checks_hashes_and_is_idempotent(tmp_path):
    dest = tmp_path / "cache"
    m = fixture_manifest(tmp_path)
    with Server(FIXTURE_ROOT) as srv:
        report = fetch(dest, base_url=srv.url, manifest=m)
        assert {r["status"] for r in report.values()} == {"downloaded"}
        for rel in FIXTURE_FILES:
            assert sha(dest / rel) == sha(FIXTURE_ROOT / rel)
        assert len(srv.requests) == 3
        mtimes = {rel: (dest / rel).stat().st_mtime_ns for rel in FIXTURE_FILES}
        again = fetch(dest, base_url=srv.url, manifest=m)
        assert {r["status"] for r in again.values()} == {"cached"}
        assert len(srv.requests) == 3  # nothing downloaded the second time
        assert mtimes == {rel: (dest / rel).stat().st_mtime_ns for rel in FIXTURE_FILES}
    assert leftovers(dest) == sorted(FIXTURE_FILES)


def test_corrupted_file_is_a_clear_error_and_nothing_is_cached(tmp_path):
    served = tmp_path / "served"
    shutil.copytree(FIXTURE_ROOT, served)
    bad = served / "crosswalks" / "2019_to_SOC_Crosswalk.csv"
    bad.write_bytes(bad.read_bytes().replace(b"Film", b"Flim"))
    dest = tmp_path / "cache"
    with Server(served) as srv, pytest.raises(FetchError) as err:
        fetch(dest, base_url=srv.url, manifest=fixture_manifest(tmp_path))
    msg = str(err.value)
    assert "1 file(s) could not be fetched" in msg
    assert "crosswalks/2019_to_SOC_Crosswalk.csv" in msg and "sha256 mismatch" in msg
    assert sha(FIXTURE_ROOT / "crosswalks" / "2019_to_SOC_Crosswalk.csv") in msg
    assert not (dest / "crosswalks").exists()  # no file, no temporary, no empty folder
    assert leftovers(dest) == sorted(f for f in FIXTURE_FILES if not f.startswith("crosswalks"))


def test_archive_member_and_mirror(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    good = FIXTURE_ROOT / "crosswalks" / "soc2010_soc2018.csv"
    with zipfile.ZipFile(served / "bundle.zip", "w") as zf:
        zf.write(good, "bundle/soc2010_soc2018.csv")
        zf.writestr("bundle/other.csv", "a,b\n")
    shutil.copy(good, served / "mirror.csv")
    dest = tmp_path / "cache"
    with Server(served) as srv:
        files = [
            {
                "path": "x/from_zip.csv",
                "url": f"{srv.url}/bundle.zip",
                "member": "soc2010_soc2018.csv",
                "sha256": sha(good),
            },
            {
                "path": "x/from_mirror.csv",
                "url": f"{srv.url}/missing.csv",
                "mirror": f"{srv.url}/mirror.csv",
                "sha256": sha(good),
            },
        ]
        report = fetch(dest, manifest=manifest(tmp_path / "s.yaml", files))
        assert report["x/from_zip.csv"]["url"].endswith("/bundle.zip")
        assert report["x/from_mirror.csv"]["url"].endswith("/mirror.csv")
        assert sha(dest / "x" / "from_zip.csv") == sha(dest / "x" / "from_mirror.csv") == sha(good)
        bad = [{"path": "y/wrong.csv", "url": f"{srv.url}/bundle.zip", "member": "other.csv", "sha256": sha(good)}]
        with pytest.raises(FetchError, match=r"y/wrong\.csv: .*sha256 mismatch"):
            fetch(dest, manifest=manifest(tmp_path / "bad.yaml", bad))
    assert not (dest / "y").exists()
    assert not [p for p in (dest / "x").iterdir() if p.name.startswith(".fetch-")]


def test_unknown_source_name(tmp_path):
    with pytest.raises(ValueError, match="unknown source"):
        fetch(tmp_path, sources=["no-such-source"], manifest=fixture_manifest(tmp_path))


FULL_FILES = [
    "crosswalks/2019_to_SOC_Crosswalk.csv",
    "onet/db_29_1_text/Job Zones.txt",
    "bls_oews/national_M2025_dl.xlsx",  # an archive member at the publisher; served directly here
]


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_fetch_pinned_files_from_a_local_copy_of_the_shared_data(tmp_path):
    dest = tmp_path / "cache"
    pins = pinned_hashes()
    with Server(FULL) as srv:
        report = fetch(dest, sources=FULL_FILES, base_url=srv.url)
        assert set(report) == set(FULL_FILES)
        for rel in FULL_FILES:
            assert report[rel]["status"] == "downloaded" and sha(dest / rel) == pins[rel]
        n = len(srv.requests)
        assert {r["status"] for r in fetch(dest, sources=FULL_FILES, base_url=srv.url).values()} == {"cached"}
        assert len(srv.requests) == n
    # a whole source by id
    with Server(FULL) as srv:
        report = fetch(dest, sources=["onet-taxonomy-crosswalks"], base_url=srv.url)
        assert report["crosswalks/2019_to_SOC_Crosswalk.csv"]["status"] == "cached"
        assert report["crosswalks/2010_to_2019_Crosswalk.csv"]["status"] == "downloaded"


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_fetch_rejects_a_corrupted_copy(tmp_path):
    served = tmp_path / "served"
    for rel in FULL_FILES:
        (served / rel).parent.mkdir(parents=True, exist_ok=True)
        data = bytearray((FULL / rel).read_bytes())
        data[len(data) // 2] ^= 0xFF  # one changed byte
        (served / rel).write_bytes(bytes(data))
    dest = tmp_path / "cache"
    with Server(served) as srv, pytest.raises(FetchError) as err:
        fetch(dest, sources=FULL_FILES, base_url=srv.url)
    assert str(err.value).startswith("3 file(s) could not be fetched (nothing was cached for them)")
    for rel in FULL_FILES:
        assert rel in str(err.value)
    assert not dest.exists() or leftovers(dest) == []


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_fetch_command(tmp_path, capsys):
    from cli.main import main

    dest = tmp_path / "cache"
    args = ["fetch", "-q", "--dest", str(dest)] + [a for rel in FULL_FILES for a in ("--source", rel)]
    with Server(FULL) as srv:
        assert main([*args, "--base-url", srv.url]) == 0
        assert f"{len(FULL_FILES)} file(s) in {dest} ({len(FULL_FILES)} downloaded" in capsys.readouterr().out
        assert main([*args, "--base-url", srv.url]) == 0
        assert "(0 downloaded" in capsys.readouterr().out
    assert main(["fetch", "-q", "--dest", str(dest), "--source", "no-such-source"]) == 2
    assert "no-such-source" in capsys.readouterr().err


def test_tar_archive_member(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    good = FIXTURE_ROOT / "crosswalks" / "soc2010_soc2018.csv"
    with tarfile.open(served / "bundle.tar.gz", "w:gz") as tf:
        tf.add(good, "bundle/data/soc2010_soc2018.csv")
    dest = tmp_path / "cache"
    files = [{"path": "t/x.csv", "url": "", "member": "bundle/data/soc2010_soc2018.csv", "sha256": sha(good)}]
    with Server(served) as srv:
        files[0]["url"] = f"{srv.url}/bundle.tar.gz"
        report = fetch(dest, manifest=manifest(tmp_path / "s.yaml", files))
    assert report["t/x.csv"]["status"] == "downloaded" and sha(dest / "t" / "x.csv") == sha(good)
    assert leftovers(dest) == [".archives/bundle.tar.gz", "t/x.csv"]  # no extraction folder left behind


def refusing_url() -> str:
    """http://127.0.0.1:PORT where nothing listens: every connection is refused (as when offline)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_offline_fetch_says_so_in_one_line_per_source(tmp_path, monkeypatch, capsys):
    from cli.main import main

    url = refusing_url()
    source = {"title": "t", "version": "1", "publisher": "p", "licence": "l", "citation": "c"}
    files = [
        {"path": rel, "url": f"{url}/pub/{quote(rel)}", "mirror": f"{url}/mirror/{quote(rel)}", "sha256": "0" * 64}
        for rel in FIXTURE_FILES
    ]
    doc = {
        "version": 1,
        "sources": [{"id": "one", **source, "files": files[:2]}, {"id": "two", **source, "files": files[2:]}],
    }
    m = tmp_path / "sources.yaml"
    m.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(FetchError) as err:
        fetch(tmp_path / "cache", manifest=m, timeout=5)
    summary = err.value.summary
    assert len(summary) == 3
    assert summary[0].startswith("one: 0 of 2 file(s) fetched; tried 127.0.0.1: ")
    assert summary[1].startswith("two: 0 of 1 file(s) fetched")
    assert all(len(line) < 300 for line in summary)
    assert summary[-1].startswith("you seem to be offline")
    assert len(err.value.failures) == 3  # the details stay available

    import ingest.fetch as fetch_module

    real = fetch_module.fetch
    monkeypatch.setattr(fetch_module, "fetch", functools.partial(real, manifest=m, timeout=5))
    assert main(["fetch", "--dest", str(tmp_path / "cache"), "-q"]) == 1
    err_lines = capsys.readouterr().err.strip().splitlines()
    assert err_lines == [f"fetch: {line}" for line in summary]
