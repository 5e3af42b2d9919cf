"""Shared fixtures: the small hand-made catalog, and snapshots built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"
REPO_CATALOG = ROOT / "data" / "catalog"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _no_source_discovery(monkeypatch):
    """Builds in tests read public sources only when a test names them (no search of ../shared/data)."""
    monkeypatch.setenv("CRAFTGRAPH_FIND_SOURCES", "0")


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture catalog."""
    dest = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, dest)
    return dest


@pytest.fixture(scope="session")
def catalog_home(tmp_path_factory) -> Path:
    """A snapshot of the repository's catalog, data/catalog (no public data); shared, read-only."""
    from graph.pipeline import build

    home = tmp_path_factory.mktemp("repo-catalog")
    build(REPO_CATALOG, home=home)
    return home


@pytest.fixture(scope="session")
def full_home(tmp_path_factory) -> Path:
    """A snapshot of data/catalog with the public datasets in ../shared/data; shared, read-only."""
    from graph.pipeline import build
    from ingest.base import shared_data_dir

    shared = shared_data_dir()
    if not shared.is_dir():
        pytest.skip(f"{shared} is not there (the public datasets; `craftgraph fetch`)")
    home = tmp_path_factory.mktemp("repo-full")
    build(REPO_CATALOG, home=home, sources=shared)
    return home


@pytest.fixture(scope="session")
def fixture_home(tmp_path_factory) -> Path:
    """A home with one snapshot built from the fixture catalog (read-only for tests)."""
    from graph.pipeline import build

    home = tmp_path_factory.mktemp("home")
    build(FIXTURE_CATALOG, home=home)
    return home


REQUIRED_MARKS = {"neo4j", "browser", "notebooks", "fulldata", "wheel"}
_skipped_required: list[str] = []


def pytest_collection_modifyitems(config, items):
    """Tests marked `wheel` (minutes: build the wheel, install it with its dependencies) run in CI
    (CRAFTGRAPH_REQUIRE_SERVICES=1, scripts/test) or when selected with `-m wheel`; skipped otherwise."""
    from graph import settings

    if settings.current().require_services or "wheel" in (config.option.markexpr or "").replace("not wheel", ""):
        return
    skip = pytest.mark.skip(reason="slow packaging test: runs in CI (scripts/test) or with -m wheel")
    for item in items:
        if "wheel" in item.keywords:
            item.add_marker(skip)


def pytest_runtest_logreport(report):
    """Remember skipped tests that need a service (Neo4j, a browser, the shared data)."""
    if report.skipped and REQUIRED_MARKS & set(report.keywords):
        _skipped_required.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """With CRAFTGRAPH_REQUIRE_SERVICES=1 (set by scripts/test), such a skip fails the run: CI must not
    go green because a service was missing."""
    from graph import settings

    if settings.current().require_services and _skipped_required:
        print(f"\nFAILED: {len(_skipped_required)} test(s) needing a service were skipped:")
        for nodeid in _skipped_required[:20]:
            print(f"  {nodeid}")
        session.exitstatus = 1


# --- Neo4j: tests marked `neo4j` talk to a real server (NEO4J_URI, ...; scripts/neo4j-server start) ---


@pytest.fixture(scope="session")
def neo4j_settings():
    """Connection settings from NEO4J_*; skips the test only when NEO4J_URI is not set."""
    from graph.neo4j_store import Settings, configured

    if not configured():
        pytest.skip('NEO4J_URI is not set (eval "$(scripts/neo4j-server start)")')
    return Settings.resolve()


@pytest.fixture
def neo4j_store(neo4j_settings):
    """A connected graph.neo4j_store.Neo4jStore."""
    from graph.neo4j_store import connect

    with connect(settings=neo4j_settings) as store:
        yield store
