"""Backtest results stored with a snapshot: stored and recorded in the manifest, refused for another catalog,
carried over by a build only while current, and called stale when the method version or catalog differs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import snapshot
from graph.exposure import backtest as bt
from graph.exposure import backtest_report, backtest_store
from graph.exposure.config import METHOD_VERSION
from graph.pipeline import build, collect


def _results(catalog: Path) -> dict:
    tables, _ = collect(catalog, None)
    ev = bt.catalog_evidence(tables.nodes, tables.edges)
    return backtest_report.results(ev, draws=50, catalog_hash=snapshot.catalog_hash(catalog))


@pytest.fixture
def home(tmp_path: Path, catalog_copy: Path) -> Path:
    h = tmp_path / "home"
    build(catalog_copy, home=h, with_scores=False)
    return h


def test_status_names_what_is_missing_or_stale() -> None:
    res = {"method_version": METHOD_VERSION, "catalog_hash": "a" * 64, "created": "2026-12-06"}
    assert backtest_store.status(None, "a" * 64).state == "missing"
    assert backtest_store.status(res, "a" * 64).state == "current"
    other = backtest_store.status(res, "b" * 64)
    assert other.state == "stale" and "bbbbbbbbbbbb" in other.message and "--store" in other.message
    old = backtest_store.status({**res, "method_version": "exposure-0.9"}, "a" * 64)
    assert old.state == "stale" and "exposure-0.9" in old.message and METHOD_VERSION in old.message


def test_manifest_records_the_catalog_hash_and_old_manifests_derive_it(home: Path, catalog_copy: Path) -> None:
    manifest = snapshot.read_manifest(snapshot.current_dir(home))
    assert manifest["catalog_hash"] == snapshot.catalog_hash(catalog_copy)
    legacy = {k: v for k, v in manifest.items() if k != "catalog_hash"}
    assert backtest_store.manifest_catalog_hash(legacy) == manifest["catalog_hash"]


def test_store_writes_the_results_and_records_them_in_the_manifest(home: Path, catalog_copy: Path) -> None:
    snap = snapshot.current_dir(home)
    assert backtest_store.load(snap)[1].state == "missing"
    res = _results(catalog_copy)
    backtest_store.store(home, res)
    stored, st = backtest_store.load(snap)
    assert st.state == "current" and stored == json.loads(json.dumps(res))
    rec = snapshot.read_manifest(snap)["backtest"]
    assert rec["method_version"] == METHOD_VERSION and rec["catalog_hash"] == snapshot.catalog_hash(catalog_copy)


def test_store_refuses_results_of_another_catalog(home: Path, catalog_copy: Path) -> None:
    res = {**_results(catalog_copy), "catalog_hash": "f" * 64}
    with pytest.raises(backtest_store.StoreRefused, match="ffffffffffff"):
        backtest_store.store(home, res)
    assert not (snapshot.current_dir(home) / backtest_store.STORE_FILE).exists()


def test_a_build_carries_results_over_only_while_they_are_current(home: Path, catalog_copy: Path) -> None:
    backtest_store.store(home, _results(catalog_copy))
    build(catalog_copy, home=home, with_scores=False)  # same catalog: carried over
    snap = snapshot.current_dir(home)
    assert backtest_store.load(snap)[1].state == "current"
    assert "carried over" in snapshot.read_manifest(snap)["backtest"]["origin"]
    ms = catalog_copy / "milestones.csv"
    ms.write_text(ms.read_text(encoding="utf-8").replace("First text-to-video", "Early text-to-video"))
    build(catalog_copy, home=home, with_scores=False)  # the catalog changed: nothing carried over
    snap = snapshot.current_dir(home)
    assert backtest_store.load(snap)[1].state == "missing"
    assert "backtest" not in snapshot.read_manifest(snap)


def test_stored_results_of_an_edited_catalog_read_as_stale(home: Path, catalog_copy: Path) -> None:
    snap = snapshot.current_dir(home)
    res = _results(catalog_copy)
    backtest_store.store(home, res)
    manifest = snapshot.read_manifest(snap)
    (snap / "manifest.json").write_text(json.dumps({**manifest, "catalog_hash": "e" * 64}))
    assert backtest_store.load(snap)[1].state == "stale"
