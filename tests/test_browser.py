"""End-to-end: `streamlit run app.py` in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

The server starts on a free port with an empty temporary CRAFTGRAPH_HOME and the fixture catalog, so
the first page also exercises "build a snapshot when there is none". Every page is visited; a craft and
a scenario are changed, a Cypher query is run and its CSV downloaded, the brief is downloaded, and the
graph view's click-through is followed. Any exception Streamlit shows on a page (data-testid
"stException") or any uncaught JavaScript error fails the test.

Every page registered in explorer/nav.py is visited (a page added there is covered without editing this
file) and a full-page screenshot of each is saved as a test artifact, outside git: in
$CRAFTGRAPH_ARTIFACTS/screenshots (scripts/test sets build/test-artifacts) or build/screenshots.

Skipped only when Chromium is absent (scripts/test makes such a skip fail in CI).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
from explorer.headless import CHROMIUM, CHROMIUM_ARGS, FRESH  # noqa: E402
from explorer.nav import PAGES as NAV_PAGES  # noqa: E402

FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"
TIMEOUT_MS = 120_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run app.py` on a free port, an empty home and the fixture catalog; stopped afterwards."""
    home = tmp_path_factory.mktemp("browser-home") / "home"
    # the fixture catalog alone: the app must not go looking for the public datasets (CRAFTGRAPH_FIND_SOURCES=0 is
    # set per test by conftest, after this module-scoped server has started)
    with _streamlit(home, FIXTURE_CATALOG) as srv:
        yield srv


@pytest.fixture(scope="module")
def full_server(full_home):
    """The app on the full-data snapshot (data/catalog with ../shared/data): headcounts, areas, QCEW."""
    with _streamlit(full_home, ROOT / "data" / "catalog") as srv:
        yield srv


@contextlib.contextmanager
def _streamlit(home: Path, catalog: Path):
    port = _free_port()
    env = {
        **os.environ,
        "CRAFTGRAPH_HOME": str(home),
        "CRAFTGRAPH_CATALOG": str(catalog),
        "CRAFTGRAPH_FIND_SOURCES": "0",
    }
    env.pop("NEO4J_URI", None)
    log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}: {Path(log.name).read_text()[-3000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    break
            if time.time() > deadline:
                pytest.fail(f"streamlit did not start: {Path(log.name).read_text()[-3000:]}")
            time.sleep(0.1)
        yield {"url": url, "home": home, "log": log.name}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the pages' screenshots go (outside git: build/ is ignored)."""
    from graph import settings

    base = settings.current().artifacts
    out = base / "screenshots" if base else ROOT / "build" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (no browser download)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)  # a fresh temporary profile
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    yield from _page(browser)


@pytest.fixture
def full_page(browser, full_server):
    yield from _page(browser)


def _page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.js_errors = errors
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors: {errors}"


# ------------------------------------------------------------------------------------------ helpers


def rendered(pg) -> None:
    """The script run has finished and no element is stale."""
    pg.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=TIMEOUT_MS)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=TIMEOUT_MS)
    pg.wait_for_function(FRESH, timeout=TIMEOUT_MS)


def no_exception(pg) -> None:
    shown = pg.locator("[data-testid='stException']").all_inner_texts()
    assert not shown, f"exception on {pg.url}: {shown}"


def visit(pg, server, path: str) -> None:
    pg.goto(server["url"] + path)
    pg.wait_for_selector("h1", timeout=TIMEOUT_MS)
    rendered(pg)
    no_exception(pg)


def params(pg) -> dict[str, list[str]]:
    return parse_qs(urlparse(pg.url).query)


def select(pg, label: str, option: str) -> None:
    box = pg.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    combo = box.get_by_role("combobox")
    combo.click()
    combo.fill(option)  # filter the (virtualised) list down to the option
    pg.get_by_role("option", name=option, exact=True).click()
    pg.wait_for_timeout(200)
    rendered(pg)
    no_exception(pg)


def screenshot(pg, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block (a full-page screenshot would stop at the
    viewport), so the viewport is made as tall as the content for the shot."""
    height = pg.evaluate(
        "() => Math.max(document.body.scrollHeight, ...Array.from(document.querySelectorAll("
        "\"[data-testid='stMain'], [data-testid='stMainBlockContainer']\")).map(e => e.scrollHeight))"
    )
    size = pg.viewport_size
    pg.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 80, size["height"]), 12_000)})
    pg.wait_for_timeout(400)
    rendered(pg)
    pg.screenshot(path=str(path))
    pg.set_viewport_size(size)


def wait_until(pg, predicate, timeout_s: float = 30.0) -> None:
    deadline = time.time() + timeout_s
    while not predicate():
        if time.time() > deadline:
            raise AssertionError(f"timed out on {pg.url}")
        pg.wait_for_timeout(100)


# ------------------------------------------------------------------------------------------ tests


# what to open each page on in the fixture catalog, and its title; a page registered in nav.py but not
# listed here is visited on its bare URL with its nav title
VIEWS = {
    "start": ("/", "CraftGraph: AI and the entertainment crafts"),
    "overview": ("/overview", "Which crafts are most exposed to AI?"),
    "craft": ("/craft?craft=craft:compositor", "Craft"),
    "occupation": ("/occupation?occupation=onet:27-1014.00", "Occupation"),
    "scenarios": (
        "/scenarios?reach=cap:rotoscope%3Dindustry_standard%402025&remove=lim:consent",
        "Scenarios: what if?",
    ),
    "tool": ("/tool?tool=tool:video-a", "Tool"),
    "capability": ("/capability?capability=cap:generate-video", "Capability"),
    "graph": ("/graph?craft=craft:compositor", "Graph"),
    "local": ("/local?local=local:iatse-839", "Union local"),
    "contracts": ("/contracts?craft=craft:compositor", "Contracts and law"),
}
ID_HEADERS = {"id", "entity_id", "src", "dst", "source_ids"}


def page_views() -> dict[str, tuple[str, str]]:
    """Every registered page: (path with a view, expected title)."""
    return {k: VIEWS.get(k, ("/" if p.default else f"/{p.url_path}", p.title)) for k, p in NAV_PAGES.items()}


def table_headers(pg) -> list[list[str]]:
    """The column titles of every table on the page (the grid's accessible header cells)."""
    out = []
    for grid in pg.locator("[data-testid='stDataFrame']").all():
        if not grid.is_visible():  # in a closed expander: not drawn
            continue
        grid.scroll_into_view_if_needed()
        grid.locator("th").first.wait_for(state="attached")
        out.append([h.strip() for h in grid.locator("th").all_text_contents() if h.strip()])
    return out


def raw_id_headers(headers: list[str]) -> list[str]:
    return [h for h in headers if h in ID_HEADERS or h.endswith("_id") or h.endswith("_ids")]


def test_every_page(page, server, screenshots):
    """Every page renders without an exception, with its title, no raw id column in any table, and a
    full-page screenshot saved."""
    for key, (path, title) in page_views().items():
        visit(page, server, path)
        assert page.locator("h1").first.inner_text().strip() == title, path
        for headers in table_headers(page):
            assert not raw_id_headers(headers), f"{path}: raw id column in {headers}"
        screenshot(page, screenshots / f"{key}.png")
    assert (server["home"] / "current").exists(), "the app built a snapshot on its first page"
    assert {p.stem for p in screenshots.glob("*.png")} >= set(NAV_PAGES)


def test_craft_tabs_screenshots(page, server, screenshots):
    for tab in ("Forecast path", "Limitations"):
        visit(page, server, "/craft?craft=craft:compositor&tab=" + tab.replace(" ", "+"))
        screenshot(page, screenshots / f"craft-{tab.lower().replace(' ', '-')}.png")


def test_a_craft_nothing_reaches_reads_not_assessed(page, server, screenshots):
    """The fixture's camera operator is the grip of the full data: no capability reaches its tasks."""
    visit(page, server, "/craft?craft=craft:camera-operator&year=2030")
    info = page.locator("[data-testid='stAlert']").all_inner_texts()
    text = " ".join(info)
    assert "Not assessed" in text and "Reason:" in text, text
    assert not page.locator("[data-testid='stMetricValue']").count(), "no figure, and never a 0%"
    screenshot(page, screenshots / "craft-not-assessed.png")
    visit(page, server, "/overview?year=2030")
    page.get_by_text("Not assessed: 1 crafts").click()
    grid = page.locator("[data-testid='stExpander']").filter(has_text="Not assessed: 1 crafts")
    grid.get_by_text("Camera Operator").first.wait_for(state="attached")  # the grid's accessible cells


def test_forecast_chart_axis_is_in_years(page, server):
    """The forecast path's x axis runs over the years 2024-2036, spread over the chart (a layer's default
    zero once stretched it from 0 and squeezed every date into one spot)."""
    visit(page, server, "/craft?craft=craft:compositor&tab=Forecast+path&year=2030")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.scroll_into_view_if_needed()
    chart.locator("svg .role-axis-label").first.wait_for(state="attached")
    ticks = page.evaluate(AXIS_TICKS)
    years = {int(t): x for t, x in ticks if t.isdigit()}
    assert years and min(years) >= 2024 and max(years) <= 2036, ticks
    assert len(years) == len([t for t, _ in ticks if t.isdigit()]) >= 5, f"ticks repeat or are too few: {ticks}"
    assert years[max(years)] - years[min(years)] > 300, f"the years are squeezed together: {years}"


# the axis labels of the Vega charts on the page (Streamlit draws them as SVG), with their x position
AXIS_TICKS = """() => Array.from(
  document.querySelectorAll("[data-testid='stVegaLiteChart'] svg .role-axis-label text")
).map(t => [t.textContent, t.getBoundingClientRect().x])"""


def test_craft_tabs(page, server):
    for tab in (
        "Why: tasks and capabilities",
        "Tools",
        "Limitations",
        "Forecast path",
        "Occupations",
        "Sources",
        "Brief",
    ):
        visit(page, server, "/craft?craft=craft:compositor&tab=" + tab.replace(" ", "+").replace(":", "%3A"))
        assert page.get_by_role("tab", name=tab).get_attribute("aria-selected") == "true", tab


def test_change_craft_and_scenario(page, server):
    visit(page, server, "/craft")
    select(page, "Craft", "VFX Compositor")
    wait_until(page, lambda: page.locator("h2").filter(has_text="VFX Compositor").count() > 0)
    assert params(page)["craft"] == ["craft:compositor"]
    before = page.locator("[data-testid='stMetricValue']").first.inner_text()
    page.get_by_role("slider").first.press("End")  # 2035
    # the slider commits its value after a short debounce: wait for it before the next change
    wait_until(page, lambda: params(page).get("year") == ["2035"])
    rendered(page)
    page.get_by_role("radio", name="fast", exact=True).click()
    wait_until(page, lambda: params(page).get("scenario") == ["fast"])
    rendered(page)
    no_exception(page)
    assert params(page)["year"] == ["2035"]
    after = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert before != after, "the headline figure follows the year and scenario"


def test_overview_row_opens_the_craft(page, server):
    visit(page, server, "/overview?year=2030&scenario=slow")
    assert params(page)["scenario"] == ["slow"]
    page.get_by_role("radio", name="expected", exact=True).click()
    wait_until(page, lambda: params(page).get("scenario") == ["expected"])
    rendered(page)
    no_exception(page)


def test_scenario_builder(page, server):
    visit(page, server, "/scenarios?year=2028")
    box = page.locator("[data-testid='stMultiSelect']").filter(has_text="Remove").first
    box.get_by_role("combobox").click()
    page.get_by_role("option", name="performer consent rules (legal)").click()
    page.keyboard.press("Escape")
    wait_until(page, lambda: params(page).get("remove") == ["lim:consent"])
    rendered(page)
    no_exception(page)
    assert page.get_by_text("Every craft's exposure in 2028").count() == 1


def test_cypher_query_and_csv_download(page, server):
    visit(page, server, "/cypher")
    area = page.get_by_role("textbox", name="Cypher", exact=True)
    area.fill("MATCH (c:Craft) RETURN c.name AS craft ORDER BY craft")
    area.press("Control+Enter")
    rendered(page)
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("2 row(s) from the embedded snapshot").wait_for()
    rendered(page)
    no_exception(page)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(dl.value.path()).read_text()
    assert text.splitlines() == ["craft", "Camera Operator", "VFX Compositor"]
    assert dl.value.suggested_filename == "query.csv"
    assert params(page)["run"] == ["1"]


def test_cypher_write_is_refused(page, server):
    visit(page, server, "/cypher?q=CREATE+(n:Tool+%7Bid:+'tool:x'%7D)&run=1")
    page.get_by_text("read-only").first.wait_for()
    no_exception(page)


def test_table_csv_download(page, server):
    visit(page, server, "/overview?year=2028")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download CSV").first.click()
    lines = Path(dl.value.path()).read_text().splitlines()
    assert lines[0].startswith("rank,entity_id,name") and len(lines) == 3


def test_brief_download(page, server):
    visit(page, server, "/craft?craft=craft:compositor&tab=Brief")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Brief (HTML)").click()
    html = Path(dl.value.path()).read_text()
    assert "<svg" in html and "VFX Compositor" in html and "src:fx-runway" in html
    with page.expect_download() as dl:
        page.get_by_role("button", name="Brief (Markdown)").click()
    assert Path(dl.value.path()).read_text().startswith("# VFX Compositor: AI exposure brief")


def test_contracts_brief_and_roles(page, server):
    visit(page, server, "/contracts?craft=craft:compositor")
    page.get_by_role("tab", name="Bargaining brief").click()
    rendered(page)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Brief (HTML, printable)").click()
    html = Path(dl.value.path()).read_text()
    assert "VFX Compositor: bargaining brief" in html and "@media print" in html
    with page.expect_download() as dl:
        page.get_by_role("button", name="Brief (Markdown)").click()
    assert Path(dl.value.path()).read_text().startswith("# VFX Compositor: bargaining brief")
    visit(page, server, "/roles")
    assert "No roles in this build." in page.inner_text("body")  # the fixture catalog has none


def test_graph_click_through(page, server):
    visit(page, server, "/graph?node=craft:compositor")
    frame_el = page.locator("iframe").first
    frame_el.scroll_into_view_if_needed()
    frame = frame_el.element_handle().content_frame()
    frame.wait_for_function("() => typeof network !== 'undefined'")

    def node_position(node_id: str):
        page.wait_for_timeout(1500)  # let the layout settle
        p = frame.evaluate(f"() => network.canvasToDOM(network.getPositions(['{node_id}'])['{node_id}'])")
        off = frame.evaluate(
            "() => { const r = document.getElementById('mynetwork').getBoundingClientRect(); return {x: r.x, y: r.y}; }"
        )
        box = frame_el.bounding_box()
        return box["x"] + off["x"] + p["x"], box["y"] + off["y"] + p["y"]

    page.mouse.click(*node_position("cap:rotoscope"))
    wait_until(page, lambda: params(page).get("node") == ["cap:rotoscope"])
    rendered(page)
    no_exception(page)
    frame_el = page.locator("iframe").first
    frame_el.scroll_into_view_if_needed()
    frame = frame_el.element_handle().content_frame()
    frame.wait_for_function("() => typeof network !== 'undefined'")
    page.mouse.dblclick(*node_position("cap:rotoscope"))
    wait_until(page, lambda: urlparse(page.url).path.endswith("/capability"))
    page.wait_for_selector("h1")
    rendered(page)
    no_exception(page)
    assert params(page)["capability"] == ["cap:rotoscope"]


def test_page_links_carry_the_view(page, server):
    visit(page, server, "/tool?tool=tool:video-a")
    page.get_by_role("link", name="VFX Compositor").first.click()
    wait_until(page, lambda: urlparse(page.url).path.endswith("/craft"))
    rendered(page)
    no_exception(page)
    assert params(page)["craft"] == ["craft:compositor"]


def test_start_search_opens_the_craft(page, server):
    visit(page, server, "/")
    box = page.get_by_role("textbox", name="Search by job title, craft, union local, tool or capability")
    box.fill("compositor")
    box.press("Enter")
    rendered(page)
    page.get_by_role("link", name="Craft: VFX Compositor").click()
    wait_until(page, lambda: urlparse(page.url).path.endswith("/craft"))
    rendered(page)
    no_exception(page)
    assert params(page)["craft"] == ["craft:compositor"]


def test_no_raw_id_column_by_default(page, server):
    visit(page, server, "/overview?year=2030")
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    grid.locator("th").first.wait_for(state="attached")
    headers = [h.strip() for h in grid.locator("th").all_text_contents()]
    assert headers and "entity_id" not in headers and "Exposure (median)" in " ".join(headers), headers


def test_graph_renders_with_the_network_blocked(page, server):
    blocked: list[str] = []

    def only_local(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    page.route("**/*", only_local)
    for path in ("/graph?craft=craft:compositor", "/graph?node=craft:compositor"):  # the story, a neighbourhood
        visit(page, server, path)
        frame = page.locator("iframe").first.element_handle().content_frame()
        frame.wait_for_function("() => typeof network !== 'undefined' && network.body.data.nodes.length > 0")
        assert frame.locator("#legend").inner_text().strip(), "the graph has a legend"
    assert not [u for u in blocked if "jsdelivr" in u or "cdnjs" in u or "unpkg" in u], blocked


def test_graph_story_is_the_default(page, server):
    visit(page, server, "/graph?craft=craft:compositor")
    frame = page.locator("iframe").first.element_handle().content_frame()
    frame.wait_for_function("() => typeof network !== 'undefined' && network.body.data.nodes.length > 0")
    ids = frame.evaluate("() => network.body.data.nodes.getIds()")
    assert "craft:compositor" in ids and "cap:rotoscope" in ids and any(i.startswith("tool:") for i in ids), ids
    assert "Craft → tasks → capabilities → tools" in frame.locator("#legend").inner_text()
    edge = frame.evaluate("() => network.body.data.edges.get().map(e => e.title)")
    assert any("can automate" in (t or "") for t in edge), "edges say what they mean on hover"


# ------------------------------------------------------------------------------------------ full data


def _charts(pg) -> list[dict]:
    """Every Vega-Lite chart on the page: its drawn size and the marks Vega put in its scene graph."""
    return pg.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].map(el => {
            const c = el.querySelector('canvas, svg');
            const r = c ? c.getBoundingClientRect() : {width: 0, height: 0};
            return {width: r.width, height: r.height, label: (el.querySelector('[aria-label]') || {}).ariaLabel || ''};
        })"""
    )


@pytest.mark.fulldata
def test_jobs_page_draws_the_trend_chart(full_page, full_server):
    visit(full_page, full_server, "/jobs")
    assert full_page.locator("h1").first.inner_text().strip() == "Jobs and places"
    text = full_page.locator("[data-testid='stMain']").inner_text()
    assert "Film and video production employment, 2010–2025" in text
    assert "COVID production shutdown" in text and "2023 WGA and SAG-AFTRA strikes" in text
    wait_until(full_page, lambda: len(_charts(full_page)) >= 2)
    drawn = [c for c in _charts(full_page) if c["width"] > 200 and c["height"] > 100]
    assert len(drawn) >= 2, _charts(full_page)  # jobs exposed by year, and the QCEW trend
    assert "No QCEW data" not in text and "No headcounts" not in text


@pytest.mark.fulldata
def test_local_page_shows_crafts_areas_and_jobs(full_page, full_server):
    visit(full_page, full_server, "/local?local=local:iatse-600")
    main = full_page.locator("[data-testid='stMain']")
    assert "International Cinematographers Guild" in main.locator("h2").first.inner_text()
    text = main.inner_text()
    for heading in ("Crafts it represents", "Where: the areas of its jurisdiction", "Sources"):
        assert heading in text, heading
    assert "crafts assessed in" in text and "not 0%" in text
    assert "Payroll jobs of its crafts in its areas" in text  # the nation is one of its areas
    assert "Film and video production payroll jobs there" in text
    links = [a.inner_text() for a in full_page.locator("[data-testid='stPageLink'] a").all()]
    assert any(t.startswith("Craft: Director of Photography") for t in links), links
