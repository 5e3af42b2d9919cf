"""`craftgraph explore` opens a browser where one can be shown and prints the address either way; the
decision and the opener are tested without opening anything."""

from __future__ import annotations

import http.server
import socket
import threading
import webbrowser

import pytest

from explorer.launch import CONSOLE_BROWSERS, browser_choice, explorer_url, free_port, open_when_ready


class FakeBrowser:
    def __init__(self, name: str):
        self.name = name


def found(name: str = "firefox"):
    return lambda: FakeBrowser(name)


def no_browser():
    raise webbrowser.Error("could not locate runnable browser")


@pytest.mark.parametrize(
    ("wanted", "env", "platform", "find", "opens", "why"),
    [
        (None, {"DISPLAY": ":0"}, "linux", found(), True, ""),
        (None, {"WAYLAND_DISPLAY": "wayland-0"}, "linux", found(), True, ""),
        (None, {}, "darwin", found("macosx"), True, ""),
        (None, {}, "win32", found("windows-default"), True, ""),
        (None, {}, "linux", found(), False, "no display"),
        (None, {"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"}, "linux", found("lynx"), False, "no display"),
        (None, {"DISPLAY": ":0"}, "linux", no_browser, False, "no web browser found"),
        (None, {"DISPLAY": ":0"}, "linux", found("w3m"), False, "console browser"),
        (None, {"BROWSER": "w3m"}, "linux", found("w3m"), True, ""),  # the user asked for it
        (False, {"DISPLAY": ":0"}, "linux", found(), False, "--no-browser"),
        (True, {}, "linux", found(), True, ""),  # --browser: try even without a display
        (True, {}, "linux", no_browser, False, "no web browser found"),
    ],
)
def test_browser_choice(wanted, env, platform, find, opens, why):
    got, reason = browser_choice(wanted, env=env, platform=platform, find=find)
    assert got is opens
    assert why in reason and (reason == "") == opens


def test_console_browsers_are_not_opened_by_default():
    for name in CONSOLE_BROWSERS:
        assert browser_choice(None, env={"DISPLAY": ":0"}, platform="linux", find=found(name))[0] is False


def test_explorer_url():
    assert explorer_url(8501) == "http://localhost:8501"
    assert explorer_url(8502, "0.0.0.0") == "http://localhost:8502"
    assert explorer_url(9000, "127.0.0.1") == "http://127.0.0.1:9000"


def test_free_port_skips_a_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert free_port(port, tries=5) != port


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/_stcore/health" else 404)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_opens_the_url_once_the_server_answers():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    opened: list[str] = []
    try:
        open_when_ready(url, open_url=lambda u: opened.append(u) or True, wait_s=10).join(15)
    finally:
        server.shutdown()
    assert opened == [url]


def test_says_where_when_the_server_never_answers():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing answers there
    opened: list[str] = []
    said: list[str] = []
    open_when_ready(f"http://127.0.0.1:{port}", open_url=opened.append, wait_s=1, say=said.append).join(10)
    assert opened == [] and said and f":{port}" in said[0]
