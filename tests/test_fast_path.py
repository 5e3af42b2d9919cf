"""The explorer's first page is fast because it reads a view written at build time (graph.views) through
a light module (explorer.quick): the view agrees with the pages' own league table, the light module finds
the same snapshot as graph.snapshot, and it imports none of the heavy libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer import cache, quick, scores
from explorer.scenario import spec
from graph import snapshot, views

ROOT = Path(__file__).resolve().parents[1]


def test_the_build_writes_the_first_page_view(fixture_home):
    snap = snapshot.current_dir(fixture_home)
    assert (snap / views.VIEWS_DIR / views.START_FILE).exists()
    assert views.read_start(snap) == views.start_view(snap)


def test_the_view_agrees_with_the_league_table(fixture_home):
    snap = snapshot.current_dir(fixture_home)
    view = views.read_start(snap)
    b = cache.build(snap)
    assert view["year"] == scores.default_year(b) and view["as_of_year"] == scores.as_of_year(b)
    lg = scores.league(b, spec(view["scenario"]), view["year"])
    scored = lg.dropna(subset=["median"])
    assert [r["id"] for r in view["top"]] == list(scored["entity_id"].head(views.TOP_N))
    assert [r["median"] for r in view["top"]] == pytest.approx(list(scored["median"].head(views.TOP_N)))
    assert view["crafts"] == len(lg) and view["assessed"] == len(scored)
    then = scores.league(b, spec(view["scenario"]), view["as_of_year"]).set_index("entity_id")["median"]
    for r in view["fastest"]:
        assert r["from"] == pytest.approx(then[r["id"]])


def test_an_older_snapshot_without_the_view_reads_none(tmp_path):
    assert views.read_start(tmp_path) is None
    (tmp_path / views.VIEWS_DIR).mkdir()
    (tmp_path / views.VIEWS_DIR / views.START_FILE).write_text(json.dumps({"version": 0}))
    assert views.read_start(tmp_path) is None, "a view of another version is not read"


@pytest.mark.parametrize("value", ["", None, "HOME"])
def test_quick_finds_the_same_home_and_snapshot(fixture_home, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CRAFTGRAPH_HOME", raising=False)
    else:
        monkeypatch.setenv("CRAFTGRAPH_HOME", str(fixture_home) if value == "HOME" else value)
    assert quick.home() == snapshot.default_home()
    if value == "HOME":
        assert quick.current_snapshot() == snapshot.current_dir(fixture_home)


def test_quick_without_a_snapshot(tmp_path):
    assert quick.current_snapshot(tmp_path) is None
    assert quick.start_view(None) is None


def test_the_fast_path_imports_no_heavy_library():
    code = (
        "import sys; import explorer.quick, explorer.nav, graph.views; "
        "print([m for m in ('pandas', 'numpy', 'pyarrow', 'networkx', 'pydantic', 'scipy') if m in sys.modules])"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_skipping_the_repl_check_sets_streamlit_s_flag():
    """quick.skip_repl_check sets a private flag of the pinned Streamlit: if an upgrade renames it, the
    check (inspect.stack over every module, ~80 ms) is back on the first page, and this test says so."""
    import streamlit.delta_generator as dg

    assert hasattr(dg, "_use_warning_has_been_displayed"), "Streamlit renamed the flag: update skip_repl_check"
    before = dg._use_warning_has_been_displayed
    try:
        dg._use_warning_has_been_displayed = False
        quick.skip_repl_check()
        assert dg._use_warning_has_been_displayed is True
    finally:
        dg._use_warning_has_been_displayed = before


def test_the_explorer_runs_without_a_collection_after_every_run():
    """Streamlit's full garbage collection after each run (0.1-0.4 s with a full build loaded) is off,
    for `streamlit run app.py` (the config file) and `craftgraph explore` (its flags)."""
    import tomllib

    from explorer.launch import STREAMLIT_FLAGS

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    flags = list(STREAMLIT_FLAGS)
    for option in ("postScriptGC", "magicEnabled"):
        assert config["runner"][option] is False, option
        assert flags[flags.index(f"--runner.{option}") + 1] == "false", option


def test_no_page_relies_on_magic():
    """Magic is off (.streamlit/config.toml): a bare expression in app.py or a page (other than a call or a
    docstring) would silently show nothing."""
    import ast

    for path in [ROOT / "app.py", *sorted((ROOT / "explorer" / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            body = getattr(node, "body", None)
            for i, stmt in enumerate(body if isinstance(body, list) else []):
                if not isinstance(stmt, ast.Expr) or isinstance(stmt.value, ast.Call | ast.Await):
                    continue
                docstring = i == 0 and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
                assert docstring, f"{path.name}:{stmt.lineno}: a bare expression (magic is off; use st.write)"


def test_charts_name_their_data_the_same_whatever_it_holds():
    """Two charts of one kind over different data have the same spec once Streamlit moves the datasets
    out of it, so the browser swaps the data instead of building a new chart."""
    import pandas as pd

    from explorer import charts, ui

    def frame(k: float) -> pd.DataFrame:
        values = {"median": [k, 2 * k], "low": [0, k], "high": [k, 3 * k]}
        return pd.DataFrame({"year": [2024, 2030], "scenario": ["expected"] * 2, **values})

    a, b = (ui.stable_data(charts.exposure_over_time(frame(k), "T").to_dict(validate=False)) for k in (0.1, 0.2))
    assert a["data"] == b["data"] == {"name": ui.CHART_DATA}
    assert a["datasets"] != b["datasets"]
    assert {k: v for k, v in a.items() if k != "datasets"} == {k: v for k, v in b.items() if k != "datasets"}
    two = {"datasets": {"x": [], "y": []}, "data": {"name": "x"}}
    assert ui.stable_data(two) is two, "a spec with more than one dataset is left as it is"


def test_the_background_load_waits_until_no_page_runs():
    """quick.wait_until_idle returns once no page has run (no thread named as Streamlit names its script
    thread) for the quiet time: a running page holds it back."""
    import threading
    import time

    done = threading.Event()
    runner = threading.Thread(target=done.wait, name=quick.SCRIPT_THREAD, daemon=True)
    runner.start()
    threading.Timer(0.4, done.set).start()
    t0 = time.monotonic()
    quick.wait_until_idle(quiet_s=0.2, poll_s=0.02)
    waited = time.monotonic() - t0
    assert not runner.is_alive() and waited >= 0.5, waited  # 0.2 had the running page been ignored
    t0 = time.monotonic()
    quick.wait_until_idle(quiet_s=0.1, poll_s=0.02)
    assert time.monotonic() - t0 < 1.0, "with no page running it waits the quiet time only"


def test_explore_finds_an_existing_snapshot_without_the_build_libraries(fixture_home):
    """`craftgraph explore` on a home that has a snapshot starts serving without importing pandas or pyarrow
    (1-2 s on the 2-core machine before the server starts)."""
    code = (
        "import sys; from cli.main import main; "
        f"code = main(['explore', '--home', {str(fixture_home)!r}, '--check', '-q']); "
        "print(code, [m for m in ('pandas', 'pyarrow') if m in sys.modules])"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert out.stdout.strip() == "0 []", out.stdout + out.stderr
