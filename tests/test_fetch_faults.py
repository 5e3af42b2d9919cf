"""Fetch under hostile or broken servers (a local HTTP server on 127.0.0.1): an overall deadline per file,
no temporary file left by a failed or killed fetch, and a bad cached archive fetched again."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import threading
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from ingest.fetch import FetchError, fetch

FIXTURE = Path(__file__).parent / "fixtures" / "public" / "root" / "crosswalks" / "2019_to_SOC_Crosswalk.csv"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(path: Path, files: list[dict]) -> Path:
    source = {"id": "test", "title": "t", "version": "1", "publisher": "p", "licence": "l", "citation": "c"}
    path.write_text(yaml.safe_dump({"version": 1, "sources": [{**source, "files": files}]}, sort_keys=False))
    return path


class Server:
    """Serves `routes` (path -> bytes); /drip sends one byte every 0.3 s for a minute."""

    def __init__(self, routes: dict[str, bytes]):
        self.hits: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits.append(self.path)
                if self.path == "/drip":
                    self.send_response(200)
                    self.send_header("Content-Length", "200")
                    self.end_headers()
                    for _ in range(200):
                        try:
                            self.wfile.write(b"x")
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(0.3)
                    return
                body = routes.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def files_in(dest: Path) -> list[str]:
    return sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())


def test_a_drip_fed_download_stops_at_its_deadline_and_leaves_nothing(tmp_path):
    dest = tmp_path / "dest"
    with Server({}) as srv:
        m = manifest(tmp_path / "s.yaml", [{"path": "x/slow.csv", "url": f"{srv.url}/drip", "sha256": "0" * 64}])
        t0 = time.monotonic()
        with pytest.raises(FetchError, match="deadline of 2 s"):
            fetch(dest, manifest=m, deadline=2, timeout=5)
        assert time.monotonic() - t0 < 10
    assert files_in(dest) == []


def test_leftovers_of_a_killed_fetch_are_removed(tmp_path):
    data = FIXTURE.read_bytes()
    dest = tmp_path / "dest"
    (dest / "x").mkdir(parents=True)
    (dest / "x" / "tmpab12cd34").write_bytes(b"half a download")  # what pooch leaves when killed
    (dest / "x" / ".fetch-zz").mkdir()
    (dest / "x" / "keep.txt").write_text("a user's file")
    with Server({"/a.csv": data}) as srv:
        m = manifest(tmp_path / "s.yaml", [{"path": "x/a.csv", "url": f"{srv.url}/a.csv", "sha256": sha(data)}])
        fetch(dest, manifest=m)
    assert files_in(dest) == ["x/a.csv", "x/keep.txt"]


def test_a_bad_cached_archive_is_fetched_again(tmp_path):
    data = FIXTURE.read_bytes()
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("inner/data.csv", data)
    dest = tmp_path / "dest"
    (dest / ".archives").mkdir(parents=True)
    (dest / ".archives" / "bundle.zip").write_bytes(b"PK\x03\x04 a truncated archive")
    with Server({"/bundle.zip": bundle.read_bytes()}) as srv:
        files = [
            {"path": "x/data.csv", "url": f"{srv.url}/bundle.zip", "member": "inner/data.csv", "sha256": sha(data)}
        ]
        report = fetch(dest, manifest=manifest(tmp_path / "s.yaml", files))
        assert report["x/data.csv"]["status"] == "downloaded"
        assert srv.hits == ["/bundle.zip"]
    assert (dest / "x" / "data.csv").read_bytes() == data
    assert zipfile.is_zipfile(dest / ".archives" / "bundle.zip")


def test_a_failed_download_leaves_no_temporary_file(tmp_path):
    dest = tmp_path / "dest"
    with Server({"/a.csv": b"not the pinned bytes"}) as srv:
        m = manifest(tmp_path / "s.yaml", [{"path": "x/a.csv", "url": f"{srv.url}/a.csv", "sha256": "1" * 64}])
        with pytest.raises(FetchError, match="sha256 mismatch"):
            fetch(dest, manifest=m)
    assert files_in(dest) == []
    shutil.rmtree(dest)
