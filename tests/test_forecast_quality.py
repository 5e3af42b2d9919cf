"""The "How good are the forecasts?" page and its frames: read from the results stored with the snapshot,
marked out of date when they are, plain labels, and a verdict that follows the numbers."""

from __future__ import annotations

import copy
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # explorer/ lives next to app.py
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from explorer import forecast_quality as fq  # noqa: E402
from explorer.nav import PAGES  # noqa: E402
from graph import snapshot  # noqa: E402
from graph.exposure import backtest_store  # noqa: E402
from graph.exposure.config import METHOD_VERSION  # noqa: E402

APP = str(ROOT / "app.py")


def _row(h: int, bss_prior: float, bss_persistence: float, cov80: float | None) -> dict:
    return dict(
        horizon_months=h, n=120, base_rate=0.2, brier=0.2, bss_prior=bss_prior, bss_persistence=bss_persistence,
        n_dates=30, coverage50=0.5, coverage80=cov80, crps_years=0.2,
    )  # fmt: skip


def _results(bss_prior: float, bss_persistence: float, cov80: float | None = 0.8) -> dict:
    late = [_row(12, bss_prior, bss_persistence, cov80), _row(24, bss_prior, bss_persistence, cov80)]
    return dict(
        method_version=METHOD_VERSION,
        catalog_hash=None,
        created="2026-12-06",
        late=["2024-01", "2025-07"],
        adopted="default",
        summary={"late": late, "all": late},
        reliability=[dict(bin="0.70-1.00", n=40, mean_p=0.85, observed=0.3)],
        reliability_by_domain=[dict(domain="video", bin="0.70-1.00", n=40, mean_p=0.85, observed=0.3)],
        by_domain=[dict(domain="3d", n=40, base_rate=0.3, bss_prior=-0.5, n_dates=9, coverage50=0.4, coverage80=0.7)],
        misses=[
            dict(
                capability="cap:generate-video",
                level="production_used",
                cutoff="2024-01",
                horizon_months=12,
                p=0.97,
                happened=False,
                recorded_date="not yet",
            ),
        ],
        variants=[],
    )


def test_verdict_follows_the_numbers() -> None:
    assert "lose to both baselines" in " ".join(fq.verdict(_results(-1.2, -0.6)))
    assert "beat both baselines" in " ".join(fq.verdict(_results(0.1, 0.3)))
    mixed = " ".join(fq.verdict(_results(-0.1, 0.3)))
    assert 'beat "no new level"' in mixed and "lose to the pooled-prior baseline" in mixed
    assert "off target" in " ".join(fq.verdict(_results(0.1, 0.3, cov80=0.6)))
    assert "on target" in " ".join(fq.verdict(_results(0.1, 0.3, cov80=0.8)))


def test_frames_use_plain_labels() -> None:
    res = _results(-1.2, -0.6)
    misses = fq.misses_frame(res, {"cap:generate-video": "Generate video"})
    assert misses.iloc[0].to_dict() == {
        "Capability": "Generate video",
        "Level": "Production use",
        "Forecast made": "2024-01",
        "Horizon": "12 months",
        "Forecast chance": "97%",
        "Reached in time?": "No",
        "Reached (catalog)": "not yet",
    }
    assert fq.misses_frame(res, {}).iloc[0]["Capability"] == "Generate video"  # not the raw id
    assert list(fq.domains_frame(res)["Domain"]) == ["3D and VFX"]
    assert list(fq.scores_frame(res["summary"]["late"])["In 80% range"]) == ["80%", "80%"]


@pytest.fixture
def home(fixture_home: Path, tmp_path: Path, monkeypatch) -> Path:
    """A writable copy of the fixture snapshot's home."""
    h = tmp_path / "home"
    shutil.copytree(fixture_home, h)
    monkeypatch.setenv("CRAFTGRAPH_HOME", str(h))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return h


def _store(home: Path, res: dict) -> None:
    snap = snapshot.current_dir(home)
    res = copy.deepcopy(res)
    res["catalog_hash"] = res["catalog_hash"] or backtest_store.manifest_catalog_hash(snapshot.read_manifest(snap))
    (snap / backtest_store.STORE_FILE).write_text(json.dumps(res))


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(PAGES["forecast_quality"].path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    return "\n".join(map(str, parts + [i.value for i in at.info]))


def test_page_shows_the_snapshots_current_results(home: Path) -> None:
    _store(home, _results(-1.2, -0.6))
    at = _page()
    text = _text(at)
    assert at.title[0].value == "How good are the forecasts?"
    assert "lose to both baselines" in text and not any("out of date" in w.value for w in at.warning)
    assert at.get("vega_lite_chart"), "the reliability diagram"
    cols = [c for df in at.dataframe for c in df.value.columns]
    assert "Skill vs pooled prior" in cols and "Capability" in cols and "capability" not in cols


def test_page_marks_results_of_another_method_version_out_of_date(home: Path) -> None:
    _store(home, {**_results(0.1, 0.2), "method_version": "exposure-0.1"})
    at = _page()
    assert any("out of date" in w.value and "exposure-0.1" in w.value for w in at.warning)
    assert "beat both baselines" in _text(at)  # still shown, marked


def test_page_without_any_results_says_what_to_run(home: Path, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(backtest_store, "DOCS_RESULTS", tmp_path / "none.json")
    at = _page()
    assert any("craftgraph backtest" in i.value for i in at.info)
