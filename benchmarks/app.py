"""Explorer responsiveness, measured in a real headless browser (Chromium driven by Playwright).

    .venv/bin/python benchmarks/app.py [--home DIR] [--catalog DIR] [--sources DIR] [--repeat N] [--sessions 20]

Measures, for the explorer (app.py) and for a bare one-line Streamlit page on the same machine:
- cold start: server process start -> first page rendered (script finished, no stale element, the
  page's main content visible);
- cached interaction: change a selectbox -> rerender complete (median of N changes between values
  already computed once, i.e. served from the caches);
and the ratio of the two; then holds `--sessions` concurrent browser sessions (one context each) on the
explorer, each loading a craft page and changing a selectbox, and reports errors and timings.

Targets (DESIGN.md §5): first page under 3 s from a cold start, a cached interaction under 300 ms.
Needs /usr/bin/chromium (Debian's chromium package) and `pip install playwright`; no browser download.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CRAFTGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STREAMLIT_FLAGS = ["--server.headless", "true", "--browser.gatherUsageStats", "false",
                   "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
BARE_APP = textwrap.dedent("""
    import streamlit as st
    choice = st.selectbox("Pick", ["alpha", "beta", "gamma"], key="pick")
    st.write(f"chosen: {choice}")
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run SCRIPT` on a free port; started on enter, stopped (its process only) on exit."""

    def __init__(self, script: Path, env: dict | None = None, cwd: Path | None = None):
        self.script = script
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd or script.parent
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-", suffix=".log", delete=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        cmd = [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.port", str(self.port),
               "--server.address", "127.0.0.1", *STREAMLIT_FLAGS]
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.cwd, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Seconds from start until /_stcore/health answers."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.output()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started_at
            time.sleep(0.02)
        raise TimeoutError(f"streamlit did not answer within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()[-5000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ----------------------------------------------------------------------------------------- browser


def launch(playwright, headless: bool = True):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=headless)


def wait_rendered(page, timeout_ms: float = 60_000) -> None:
    """The script run has finished and every element is fresh (Streamlit marks stale ones)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout_ms)


def exceptions(page) -> list[str]:
    return page.locator("[data-testid='stException']").all_inner_texts()


DONE = """([selector, text]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  const shown = Array.from(document.querySelectorAll(selector)).some(e => e.innerText.trim() === text);
  return shown ? performance.now() : false;
}"""


def select_option(page, label: str, option_text: str, expect: tuple[str, str], timeout_ms: float = 60_000) -> float:
    """Pick `option_text` in the selectbox labelled `label`; seconds from the click until the rerun has
    rendered: the script is idle, no element is stale, and an element matching expect[0] shows the text
    expect[1] (the new content). Timed on the browser's clock, polled every 10 ms (not per animation
    frame: pages in the background get no frames)."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.get_by_role("combobox").click()
    option = page.get_by_role("option", name=option_text, exact=True)
    option.wait_for(timeout=timeout_ms)
    t0 = page.evaluate("() => performance.now()")
    option.click()
    t1 = page.wait_for_function(DONE, arg=list(expect), timeout=timeout_ms, polling=10).json_value()
    return (t1 - t0) / 1000.0


def selectbox_options(page, label: str) -> list[str]:
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.get_by_role("combobox").click()
    page.get_by_role("option").first.wait_for()
    texts = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return texts


# ----------------------------------------------------------------------------------------- measures


def cold_start(browser, server: Server, path: str, ready_selector: str) -> dict:
    """Start the server, open `path` as soon as it answers, wait for the page to render."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    server.start()
    healthy = server.wait_healthy()
    page.goto(server.url + path)
    page.wait_for_selector(ready_selector, timeout=120_000)
    wait_rendered(page, 120_000)
    total = time.perf_counter() - server.started_at
    out = {"server_ready_s": round(healthy, 3), "first_page_s": round(total, 3), "exceptions": exceptions(page)}
    ctx.close()
    return out


def cached_interactions(browser, server: Server, path: str, label: str, repeat: int, expect) -> dict:
    """Change the selectbox `label` back and forth between two values already computed once.
    expect(option) -> (selector, text) that shows the rerun has rendered the new value."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(server.url + path)
    wait_rendered(page)
    opts = selectbox_options(page, label)
    if len(opts) < 2:
        raise RuntimeError(f"the selectbox {label!r} has fewer than two options")
    a, b = opts[0], opts[1]
    select_option(page, label, b, expect(b))  # computes b once (not timed as cached)
    select_option(page, label, a, expect(a))
    times = []
    for i in range(repeat):
        o = b if i % 2 == 0 else a
        times.append(select_option(page, label, o, expect(o)))
    out = {"options": [a, b], "n": len(times), "median_ms": round(1000 * statistics.median(times), 1),
           "p90_ms": round(1000 * sorted(times)[int(0.9 * (len(times) - 1))], 1),
           "min_ms": round(1000 * min(times), 1), "exceptions": exceptions(page)}
    ctx.close()
    return out


def concurrent_sessions(browser, server: Server, paths: list[str], label: str, expect,
                        separate_contexts: bool = False) -> dict:
    """`len(paths)` sessions at once (pages of one context, or one context each): every page starts
    loading before any is waited for; then each changes the selectbox once."""
    if separate_contexts:
        ctxs = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in paths]
        pages = [c.new_page() for c in ctxs]
    else:
        ctxs = [browser.new_context(viewport={"width": 1280, "height": 900})]
        pages = [ctxs[0].new_page() for _ in paths]
    t0 = time.perf_counter()
    for p, path in zip(pages, paths, strict=True):  # start every navigation before waiting for any
        p.goto(server.url + path, wait_until="commit")
    errors: list[str] = []
    loaded = []
    for i, p in enumerate(pages):
        try:
            p.wait_for_selector("h1", timeout=180_000)
            wait_rendered(p, 180_000)
            loaded.append(time.perf_counter() - t0)
            errors += [f"session {i}: {e[:200]}" for e in exceptions(p)]
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(f"session {i}: {type(e).__name__}: {str(e)[:200]}")
    t_loaded = time.perf_counter() - t0
    interact = []
    for i, p in enumerate(pages):
        try:
            p.bring_to_front()
            opts = selectbox_options(p, label)
            o = opts[(i + 1) % len(opts)]
            interact.append(select_option(p, label, o, expect(o)))
            errors += [f"session {i} after change: {e[:200]}" for e in exceptions(p)]
        except Exception as e:  # noqa: BLE001
            errors.append(f"session {i} change: {type(e).__name__}: {str(e)[:200]}")
    out = {"sessions": len(pages), "separate_contexts": separate_contexts, "all_loaded_s": round(t_loaded, 2),
           "load_median_s": round(statistics.median(loaded), 2) if loaded else None,
           "change_median_ms": round(1000 * statistics.median(interact), 1) if interact else None,
           "errors": errors}
    for c in ctxs:
        c.close()
    return out


def ensure_home(home: Path, catalog: Path | None, sources: Path | None) -> None:
    from graph import snapshot

    try:
        snapshot.current_dir(home)
    except snapshot.SnapshotError:
        from graph.build import build

        build(catalog or ROOT / "data" / "catalog", home=home, sources=sources)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", help="snapshot home to serve (default: a temporary one built from --catalog)")
    ap.add_argument("--catalog", help="catalog to build from when the home has no snapshot (default data/catalog)")
    ap.add_argument("--sources", help="public sources to build with")
    ap.add_argument("--repeat", type=int, default=10, help="cached interactions to time (default 10)")
    ap.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default 20)")
    ap.add_argument("--contexts", action="store_true",
                    help="also run the concurrent sessions in separate browser contexts (no shared HTTP cache)")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="craftgraph-bench-"))
    ensure_home(home, Path(args.catalog) if args.catalog else None, Path(args.sources) if args.sources else None)
    env = {"CRAFTGRAPH_HOME": str(home)}
    bare_dir = Path(tempfile.mkdtemp(prefix="bare-app-"))
    (bare_dir / "bare.py").write_text(BARE_APP)
    results: dict = {"home": str(home), "python": sys.version.split()[0]}
    with sync_playwright() as pw:
        browser = launch(pw)
        results["browser"] = browser.version
        # --- bare page ---------------------------------------------------------------------------------
        bare = Server(bare_dir / "bare.py")
        try:
            results["bare_cold"] = cold_start(browser, bare, "/", "text=chosen:")
            results["bare_cached"] = cached_interactions(browser, bare, "/", "Pick", args.repeat,
                                                         lambda o: ("[data-testid='stMarkdownContainer'] p", f"chosen: {o}"))
        finally:
            bare.stop()
        # --- explorer ------------------------------------------------------------------------------------
        app = Server(ROOT / "app.py", env=env, cwd=ROOT)
        try:
            results["app_cold"] = cold_start(browser, app, "/", "[data-testid='stDataFrame']")
            craft_shown = lambda o: ("h2", o)  # noqa: E731 - the craft page's header is the craft's name
            results["app_cached"] = cached_interactions(browser, app, "/craft", "Craft", args.repeat, craft_shown)
            crafts = _crafts(home)
            paths = [f"/craft?craft={crafts[i % len(crafts)]}" for i in range(args.sessions)]
            results["concurrent"] = concurrent_sessions(browser, app, paths, "Craft", craft_shown)
            if args.contexts:
                results["concurrent_contexts"] = concurrent_sessions(browser, app, paths, "Craft", craft_shown,
                                                                     separate_contexts=True)
        finally:
            app.stop()
        browser.close()
    results["ratio_cold"] = round(results["app_cold"]["first_page_s"] / results["bare_cold"]["first_page_s"], 2)
    results["ratio_cached"] = round(results["app_cached"]["median_ms"] / results["bare_cached"]["median_ms"], 2)
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    ok = (not results["concurrent"]["errors"] and not results.get("concurrent_contexts", {}).get("errors") and not results["app_cold"]["exceptions"]
          and not results["app_cached"]["exceptions"])
    return 0 if ok else 1


def _crafts(home: Path) -> list[str]:
    import graph

    g = graph.load(home)
    return sorted(g.nodes["Craft"]["id"])


if __name__ == "__main__":
    sys.exit(main())
