"""`craftgraph sources check` against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cli.main import main
from ingest import source_check as sc

PAGES = {
    "/ok": (200, "text/html; charset=utf-8", b"<html><script>var t=1</script><p>Stable   text</p></html>"),
    "/changing": (200, "text/html", b"<html><p>New wording of the page</p></html>"),
    "/report.pdf": (200, "text/html", b"<html><p>Please log in</p></html>"),
    "/old": (301, "text/html", b""),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.end_headers()
            return
        if self.path not in PAGES:
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"not found")
            return
        status, ctype, body = PAGES[self.path]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _catalog(tmp_path: Path, base: str) -> Path:
    cat = tmp_path / "catalog"
    cat.mkdir()
    head = "id,url,title,publisher,date,accessed,kind,vendor_claim,grade\n"
    rows = [
        f"src:ok,{base}/ok,Ok,P,2024,2025-03-04,press,,secondary",
        f"src:gone,{base}/gone,Gone,P,2024-05,2025-02-01,press,,secondary",
        f"src:moved,{base}/old,Moved,P,,,press,,secondary",
        f"src:changing,{base}/changing,Changing,P,2023,2024-11-30,press,,secondary",
        f"src:pdf,{base}/report.pdf,Report,P,2023,,government,,primary",
        "src:refused,http://127.0.0.1:9/x,Refused,P,,,other,,aggregator",
    ]
    (cat / "sources.csv").write_text(head + "\n".join(rows) + "\n")
    old = sc.fingerprint(b"<p>Old wording of the page</p>", "text/html")
    ok = sc.fingerprint(PAGES["/ok"][2], "text/html")
    (tmp_path / "source_hashes.csv").write_text(
        "id,url,status,content_type,sha256,checked\n"
        f"src:ok,{base}/ok,200,text/html,{ok},2025-03-04\n"
        f"src:changing,{base}/changing,200,text/html,{old},2024-11-30\n"
        f"src:pdf,{base}/report.pdf,200,application/pdf,-,2024-01-01\n"
    )
    return cat


def _findings(checks: list[sc.Check]) -> dict[str, list[str]]:
    return {c.id: c.findings for c in checks}


def test_findings_against_local_server(tmp_path: Path, server: str):
    cat = _catalog(tmp_path, server)
    sources = sc.read_sources(cat, [])
    stored = sc.read_hashes(tmp_path / "source_hashes.csv")
    checks = sc.check_sources(sources, stored, workers=3, timeout=5, per_host_interval=0, trust_env=False)
    f = _findings(checks)
    assert f["src:ok"] == []  # same visible text: the script and spacing do not count
    assert f["src:gone"] == ["dead"]
    assert f["src:moved"] == ["redirected"]
    assert f["src:changing"] == ["changed"]
    assert f["src:pdf"] == ["content_type"]  # hashing opted out ("-"): not "changed"
    assert f["src:refused"] == ["dead"]
    by_id = {c.id: c for c in checks}
    assert by_id["src:moved"].final_url == f"{server}/ok"
    assert by_id["src:gone"].archive == f"https://web.archive.org/web/20250201/{server}/gone"
    assert by_id["src:changing"].archive.startswith("https://web.archive.org/web/20241130/")
    assert by_id["src:ok"].archive is None
    assert sc.summary(checks) == {
        "checked": 6,
        "ok": 1,
        "dead": 2,
        "failing": 0,
        "redirected": 1,
        "changed": 1,
        "content_type": 1,
    }


def test_update_records_and_then_nothing_changed(tmp_path: Path, server: str):
    cat = _catalog(tmp_path, server)
    store = tmp_path / "source_hashes.csv"
    sources = sc.read_sources(cat, [])
    first = sc.check_sources(sources, sc.read_hashes(store), per_host_interval=0, trust_env=False, timeout=5)
    assert sc.write_hashes(store, sc.read_hashes(store), first, "2026-12-06") == 4  # the dead ones are not recorded
    stored = sc.read_hashes(store)
    assert stored["src:pdf"]["sha256"] == "-" and stored["src:pdf"]["content_type"] == "text/html"
    assert "src:gone" not in stored and "src:refused" not in stored
    again = _findings(sc.check_sources(sources, stored, per_host_interval=0, trust_env=False, timeout=5))
    assert again["src:changing"] == [] and again["src:pdf"] == []


def test_select_and_archive_form():
    rows = [
        sc.SourceRow("src:m-a", "http://x", "sources.milestones.csv", 2),
        sc.SourceRow("src:t", "http://y", "s.csv", 3),
    ]
    assert [s.id for s in sc.select(rows, ["src:m-*"])] == ["src:m-a"]
    assert [s.id for s in sc.select(rows, ["s.csv"])] == ["src:t"]
    assert len(sc.select(rows, [])) == 2
    assert sc.archive_url("https://a.org/p", "") == "https://web.archive.org/web/*/https://a.org/p"
    assert sc.archive_url("https://a.org/p", "2024-06") == "https://web.archive.org/web/202406/https://a.org/p"


def test_slow_page_times_out(tmp_path: Path):
    """A server that accepts the connection and never answers gives `failing` within the timeout."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/slow"
        [c] = sc.check_sources([sc.SourceRow("src:slow", url, "s.csv", 2)], {}, timeout=0.5, trust_env=False)
        assert c.findings == ["failing"] and "timed out" in (c.error or "")
    finally:
        sock.close()


def test_cli_json_only(tmp_path: Path, server: str, capsys, monkeypatch):
    cat = _catalog(tmp_path, server)
    for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    code = main(["sources", "check", "--catalog", str(cat), "--only", "src:gone", "--only", "src:ok", "--pause", "0",
                 "--format", "json"])  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["checked"] == 2 and out["summary"]["dead"] == 1
    assert {s["id"] for s in out["sources"]} == {"src:gone", "src:ok"}
    assert main(["sources", "check", "--catalog", str(cat), "--only", "src:nothing"]) == 2
