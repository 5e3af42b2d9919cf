"""Explorer responsiveness, measured in a real headless browser (Chromium driven by Playwright).

    .venv/bin/python benchmarks/app.py [--home DIR] [--catalog DIR] [--sources DIR] [--repeat N]
                                       [--sessions 20] [--contexts] [--cold-repeat 3] [--json FILE]

Measures the explorer (app.py) against bare Streamlit pages served the same way on the same machine, so
the ratios stay meaningful on a busy machine (issue 18 item 6):
- cold start: server process start -> first page rendered (the script has finished, no element is stale
  or still a skeleton, the page's main content is there: for the explorer the start page's lists of crafts);
  for `streamlit run app.py`, for `craftgraph explore` (in-process server, modules and snapshot loaded
  while the browser connects), and for a bare one-line page (`st.write`); median of --cold-repeat runs,
  interleaved. ratio_cold = explorer / one-line page (target <= 1.5);
- cached interaction: change the craft selectbox -> rerender complete (the new craft's name is the
  header, nothing stale), between two crafts already shown once, i.e. served from the caches; median
  of --repeat changes, interleaved with the same on a one-select-box page (both servers up, one change
  on each in turn). ratio_cached = explorer / one-select (target <= 3);
- concurrent sessions: --sessions pages load at once (tabs of one browser context; with --contexts also
  one context each, no shared HTTP cache), then each changes its craft; errors, wall time, and the CPU
  seconds the server process spent (the rest of the wall time is the browser on the same machine).

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
from explorer.headless import CHROMIUM, CHROMIUM_ARGS, FRESH  # noqa: E402

STREAMLIT_FLAGS = [
    "--server.headless",
    "true",
    "--browser.gatherUsageStats",
    "false",
    "--server.fileWatcherType",
    "none",
    "--server.runOnSave",
    "false",
]
ONE_LINE_APP = 'import streamlit as st\nst.write("bare page")\n'
TARGETS = {"ratio_cold": 1.5, "ratio_cached": 3.0}  # issue 18 item 6
START_READY = "[data-testid='stPageLink']"  # the start page's lists of crafts (rendered after the build loads)
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

    def __init__(self, script: Path, env: dict | None = None, cwd: Path | None = None, explore: bool = False):
        self.script = script
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd or script.parent
        self.explore = explore  # `craftgraph explore` (in-process server, prewarmed) instead of `streamlit run`
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-", suffix=".log", delete=False)  # noqa: SIM115

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        if self.explore:
            cmd = [
                sys.executable,
                "-m",
                "cli",
                "explore",
                "-q",
                "--port",
                str(self.port),
                "--address",
                "127.0.0.1",
            ]
        else:
            cmd = [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(self.script),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                *STREAMLIT_FLAGS,
            ]
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.cwd, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Seconds from start until /_stcore/health answers."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.output()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter() - self.started_at
            time.sleep(0.02)
        raise TimeoutError(f"streamlit did not answer within {timeout} s:\n{self.output()}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

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
    page.wait_for_function(FRESH, timeout=timeout_ms)


def exceptions(page) -> list[str]:
    return page.locator("[data-testid='stException']").all_inner_texts()


DONE = """([selector, text]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
  const shown = Array.from(document.querySelectorAll(selector)).some(e => e.innerText.trim() === text);
  return shown ? performance.now() : false;
}"""


def select_option(page, label: str, option_text: str, expect: tuple[str, str], timeout_ms: float = 60_000) -> float:
    """Pick `option_text` in the selectbox labelled `label`; seconds from the click until the rerun has
    rendered: the script is idle, no element is stale, and an element matching expect[0] shows the text
    expect[1] (the new content). Timed on the browser's clock, polled every 10 ms (not per animation
    frame: pages in the background get no frames)."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    combo = box.get_by_role("combobox")
    combo.click()
    combo.fill(option_text)  # filter the (virtualised) list down to the option
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


def cached_pair(browser, bare: Server, app: Server, repeat: int, bare_expect, app_expect) -> tuple[dict, dict]:
    """Change the selectbox back and forth between two values already computed once, on the one-select page
    and on the explorer's craft page, interleaved (one bare change, one craft change, ...) so that the
    machine's load falls on both alike."""
    sides = []
    for srv, path, label, expect in ((bare, "/", "Pick", bare_expect), (app, "/craft", "Craft", app_expect)):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        page.goto(srv.url + path)
        wait_rendered(page)
        opts = selectbox_options(page, label)
        if len(opts) < 2:
            raise RuntimeError(f"the selectbox {label!r} has fewer than two options")
        a, b = opts[0], opts[1]
        select_option(page, label, b, expect(b))  # computes b once (not timed as cached)
        select_option(page, label, a, expect(a))
        sides.append({"ctx": ctx, "page": page, "label": label, "expect": expect, "opts": (a, b), "times": []})
    for i in range(repeat):
        for side in sides:
            side["page"].bring_to_front()
            o = side["opts"][0 if i % 2 else 1]
            side["times"].append(select_option(side["page"], side["label"], o, side["expect"](o)))
    out = []
    for side in sides:
        times = side["times"]
        out.append(
            {
                "options": list(side["opts"]),
                "n": len(times),
                "median_ms": round(1000 * statistics.median(times), 1),
                "p90_ms": round(1000 * sorted(times)[int(0.9 * (len(times) - 1))], 1),
                "min_ms": round(1000 * min(times), 1),
                "runs_ms": [round(1000 * t) for t in times],
                "exceptions": exceptions(side["page"]),
            }
        )
        side["ctx"].close()
    return out[0], out[1]


def concurrent_sessions(
    browser, server: Server, paths: list[str], label: str, expect, separate_contexts: bool = False
) -> dict:
    """`len(paths)` sessions at once (pages of one context, or one context each): every page starts
    loading before any is waited for; then each changes the selectbox once."""
    if separate_contexts:
        ctxs = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in paths]
        pages = [c.new_page() for c in ctxs]
    else:
        ctxs = [browser.new_context(viewport={"width": 1280, "height": 900})]
        pages = [ctxs[0].new_page() for _ in paths]
    cpu0 = server.cpu_seconds()
    t0 = time.perf_counter()
    for p, path in zip(pages, paths, strict=True):  # start every navigation before waiting for any
        p.goto(server.url + path, wait_until="commit")
    errors: list[str] = []
    loaded = []
    for i, p in enumerate(pages):
        try:
            p.wait_for_selector("[data-testid='stSelectbox']", timeout=180_000)
            wait_rendered(p, 180_000)
            loaded.append(time.perf_counter() - t0)
            errors += [f"session {i}: {e[:200]}" for e in exceptions(p)]
        except Exception as e:
            errors.append(f"session {i}: {type(e).__name__}: {str(e)[:200]}")
    t_loaded = time.perf_counter() - t0
    cpu_loaded = server.cpu_seconds() - cpu0
    interact = []
    for i, p in enumerate(pages):
        try:
            p.bring_to_front()
            opts = selectbox_options(p, label)
            o = opts[(i + 1) % len(opts)]
            interact.append(select_option(p, label, o, expect(o)))
            errors += [f"session {i} after change: {e[:200]}" for e in exceptions(p)]
        except Exception as e:
            errors.append(f"session {i} change: {type(e).__name__}: {str(e)[:120]}; state: {_state(p)}")
    out = {
        "sessions": len(pages),
        "separate_contexts": separate_contexts,
        "all_loaded_s": round(t_loaded, 2),
        "server_cpu_s_for_loads": round(cpu_loaded, 2),
        "load_median_s": round(statistics.median(loaded), 2) if loaded else None,
        "change_median_ms": round(1000 * statistics.median(interact), 1) if interact else None,
        "errors": errors,
    }
    for c in ctxs:
        c.close()
    return out


def _state(page) -> str:
    with contextlib.suppress(Exception):
        return page.evaluate("""() => { const a = document.querySelector("[data-testid='stApp']");
          return [a.getAttribute('data-test-connection-state'), a.getAttribute('data-test-script-state'),
                  document.querySelectorAll('[data-stale="true"]').length,
                  Array.from(document.querySelectorAll('h2')).map(h => h.innerText).join('|')].join(' / '); }""")
    return "unknown"


def ensure_home(home: Path, catalog: Path | None, sources: Path | None) -> None:
    from graph import snapshot

    try:
        snapshot.current_dir(home)
    except snapshot.SnapshotError:
        from graph.pipeline import build

        build(catalog or ROOT / "data" / "catalog", home=home, sources=sources)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", help="snapshot home to serve (default: a temporary one built from --catalog)")
    ap.add_argument("--catalog", help="catalog to build from when the home has no snapshot (default data/catalog)")
    ap.add_argument("--sources", help="public sources to build with")
    ap.add_argument("--repeat", type=int, default=10, help="cached interactions to time (default 10)")
    ap.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default 20)")
    ap.add_argument("--cold-repeat", type=int, default=5, help="cold starts of each kind (default 5; median)")
    ap.add_argument(
        "--contexts",
        action="store_true",
        help="also run the concurrent sessions in separate browser contexts (no shared HTTP cache)",
    )
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="craftgraph-bench-"))
    ensure_home(home, Path(args.catalog) if args.catalog else None, Path(args.sources) if args.sources else None)
    env = {"CRAFTGRAPH_HOME": str(home)}
    bare_dir = Path(tempfile.mkdtemp(prefix="bare-app-"))
    (bare_dir / "bare.py").write_text(BARE_APP)
    (bare_dir / "line.py").write_text(ONE_LINE_APP)
    results: dict = {
        "home": str(home),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg(),
    }
    with sync_playwright() as pw:
        browser = launch(pw)
        results["browser"] = browser.version
        # --- cold starts, interleaved so that the machine's load affects each kind alike ------------------
        cold: dict[str, list[dict]] = {"bare": [], "app": [], "explore": []}
        for _ in range(args.cold_repeat):
            for kind in cold:
                srv = {
                    "bare": lambda: Server(bare_dir / "line.py"),
                    "app": lambda: Server(ROOT / "app.py", env=env, cwd=ROOT),
                    "explore": lambda: Server(ROOT / "app.py", env=env, cwd=ROOT, explore=True),
                }[kind]()
                try:
                    cold[kind].append(
                        cold_start(browser, srv, "/", "text=bare page" if kind == "bare" else START_READY)
                    )
                finally:
                    srv.stop()
        for kind, runs in cold.items():
            results[f"{kind}_cold"] = {
                "first_page_s": round(statistics.median(r["first_page_s"] for r in runs), 3),
                "server_ready_s": round(statistics.median(r["server_ready_s"] for r in runs), 3),
                "runs_s": [r["first_page_s"] for r in runs],
                "exceptions": [e for r in runs for e in r["exceptions"]],
            }
        # --- cached interactions, interleaved, then concurrent sessions -----------------------------------
        bare_shown = lambda o: ("[data-testid='stMarkdownContainer'] p", f"chosen: {o}")  # noqa: E731
        craft_shown = lambda o: ("h2", o)  # noqa: E731 - the craft page's header is the craft's name
        bare = Server(bare_dir / "bare.py").start()
        app = Server(ROOT / "app.py", env=env, cwd=ROOT).start()
        try:
            bare.wait_healthy()
            app.wait_healthy()
            results["bare_cached"], results["app_cached"] = cached_pair(
                browser, bare, app, args.repeat, bare_shown, craft_shown
            )
            results["bare_concurrent"] = concurrent_sessions(browser, bare, ["/"] * args.sessions, "Pick", bare_shown)
            crafts = _crafts(home)
            paths = [f"/craft?craft={crafts[i % len(crafts)]}" for i in range(args.sessions)]
            results["concurrent"] = concurrent_sessions(browser, app, paths, "Craft", craft_shown)
            if args.contexts:
                results["concurrent_contexts"] = concurrent_sessions(
                    browser, app, paths, "Craft", craft_shown, separate_contexts=True
                )
        finally:
            app.stop()
            bare.stop()
        browser.close()
    results["ratio_cold"] = round(results["app_cold"]["first_page_s"] / results["bare_cold"]["first_page_s"], 2)
    results["ratio_cold_explore"] = round(
        results["explore_cold"]["first_page_s"] / results["bare_cold"]["first_page_s"], 2
    )
    results["ratio_cached"] = round(results["app_cached"]["median_ms"] / results["bare_cached"]["median_ms"], 2)
    results["targets"] = TARGETS
    results["within_targets"] = {k: results[k] <= v for k, v in TARGETS.items()}
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    print(
        f"first page: {results['app_cold']['first_page_s']} s vs bare {results['bare_cold']['first_page_s']} s "
        f"= {results['ratio_cold']}x (target {TARGETS['ratio_cold']}x); craft change: "
        f"{results['app_cached']['median_ms']} ms vs one-select {results['bare_cached']['median_ms']} ms "
        f"= {results['ratio_cached']}x (target {TARGETS['ratio_cached']}x); medians of {args.cold_repeat} and "
        f"{args.repeat}",
        file=sys.stderr,
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    ok = (
        not results["concurrent"]["errors"]
        and not results.get("concurrent_contexts", {}).get("errors")
        and not results["app_cold"]["exceptions"]
        and not results["app_cached"]["exceptions"]
    )
    return 0 if ok else 1


def _crafts(home: Path) -> list[str]:
    import graph

    g = graph.load(home)
    return sorted(g.nodes["Craft"]["id"])


if __name__ == "__main__":
    sys.exit(main())
