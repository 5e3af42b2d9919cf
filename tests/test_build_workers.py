"""The build's worker process (graph/workers.py): the same snapshot and the same problems with and without
it, errors sent back as they were raised, workers stopped when the build stops, fits made ahead used
only when made from the same inputs."""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from graph import pipeline, workers
from graph.tables import InputError, Problem
from ingest import qcew

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "public"))
mkroot = importlib.import_module("mkroot")

FIXTURE_CATALOG = Path(__file__).parent / "fixtures" / "catalog"
needs_fork = pytest.mark.skipif(not workers.can_fork(), reason="no fork here: builds run in one process")


@pytest.fixture
def inputs(tmp_path) -> tuple[Path, Path]:
    """A small catalog and public-data root that build together: the fixture catalog with the public
    fixture's sources (its one O*NET task link dropped: the public fixture has no such task)."""
    root = mkroot.make_root(tmp_path / "pub")
    cat = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, cat)
    shutil.copy(mkroot.CATALOG / "sources.public.csv", cat / "sources.public.csv")
    tasks = cat / "craft_tasks.csv"
    tasks.write_text(tasks.read_text().replace(",task:onet:1234,", ",,"))
    return cat, root


class Calls:
    """Records the process ids a function was called in."""

    def __init__(self, fn):
        self.fn, self.pids = fn, []

    def __call__(self, *args, **kw):
        self.pids.append(os.getpid())
        return self.fn(*args, **kw)

    @property
    def here(self) -> int:
        return self.pids.count(os.getpid())


def _build(monkeypatch, tmp_path: Path, name: str, inputs: tuple[Path, Path], one_process: bool) -> dict:
    monkeypatch.setenv(workers.ENV, "1" if one_process else "0")
    return pipeline.build(inputs[0], home=tmp_path / name, sources=inputs[1])


def _same_build(m: dict) -> dict:
    public = {k: {f: v for f, v in e.items() if f != "seconds"} for k, e in m["public_sources"].items()}
    return {"hash": m["content_hash"], "counts": m["counts"], "notes": m["notes"], "public": public}


@needs_fork
def test_worker_and_one_process_build_the_same_snapshot(monkeypatch, tmp_path, inputs):
    import graph.exposure.maturity as maturity

    fits, reads = Calls(maturity.fit_evidence), Calls(qcew.read)
    monkeypatch.setattr(maturity, "fit_evidence", fits)
    monkeypatch.setattr(qcew, "read", reads)
    forked = _build(monkeypatch, tmp_path, "forked", inputs, one_process=False)
    assert (fits.here, reads.here) == (0, 0)  # both done by the worker
    alone = _build(monkeypatch, tmp_path, "alone", inputs, one_process=True)
    assert (fits.here, reads.here) == (1, 1)
    assert forked["counts"]["nodes"]["QcewRecord"] and forked["counts"]["nodes"]["ExposureScore"]
    assert _same_build(forked) == _same_build(alone)


@needs_fork
def test_catalog_only_build_is_the_same_with_its_worker(monkeypatch, tmp_path):
    monkeypatch.setenv(workers.ENV, "0")
    forked = pipeline.build(FIXTURE_CATALOG, home=tmp_path / "a")
    monkeypatch.setenv(workers.ENV, "1")
    alone = pipeline.build(FIXTURE_CATALOG, home=tmp_path / "b")
    assert forked["content_hash"] == alone["content_hash"]


@needs_fork
def test_a_bad_file_read_by_the_worker_is_the_same_problem(monkeypatch, tmp_path, inputs):
    path = inputs[1] / qcew.DIR / "qcew_2015_q1-q4_naics512110.csv"
    text = path.read_text()
    path.write_text(text[: text.rindex("\n", 0, len(text) - 1) + 40])  # the last record cut short
    found = []
    for one_process in (False, True):
        with pytest.raises(InputError) as e:
            _build(monkeypatch, tmp_path, f"h{one_process}", inputs, one_process)
        found.append((str(e.value), e.value.problems))
    assert found[0] == found[1]
    assert any(p.file.endswith(path.name) and p.row for p in found[0][1])
    assert not list(tmp_path.glob("h*/snapshots/*"))  # nothing written, half or whole


def _raise_input_error() -> None:
    raise InputError([Problem("a.csv", 3, "id", "duplicate id 'x'")])


class Unpicklable(Exception):
    def __init__(self):
        super().__init__("cannot travel")
        self.lock = __import__("threading").Lock()


def _raise_unpicklable() -> None:
    raise Unpicklable()


def _die() -> None:
    os._exit(3)


def _sleep() -> None:
    time.sleep(60)


@needs_fork
def test_a_worker_error_is_raised_as_it_was():
    with workers.Group(fork=True) as group:
        w = group.start("test", {"bad": (_raise_input_error, ()), "odd": (_raise_unpicklable, ())})
        with pytest.raises(InputError) as e:
            w.result("bad")
        assert e.value.problems == [Problem("a.csv", 3, "id", "duplicate id 'x'")]
        assert "a.csv:3: id: duplicate id 'x'" in str(e.value)
        assert "_raise_input_error" in str(e.value.__cause__)  # the worker's traceback, as the cause
        with pytest.raises(workers.WorkerError, match="Unpicklable: cannot travel"):
            w.result("odd")


@needs_fork
def test_a_worker_that_dies_is_reported():
    with workers.Group(fork=True) as group:
        w = group.start("test", {"gone": (_die, ())})
        with pytest.raises(workers.WorkerError, match=r"the test worker process ended .* \(exit code 3\)"):
            w.result("gone")


def test_without_fork_steps_run_here_when_asked():
    calls = Calls(len)
    with workers.Group(fork=False) as group:
        w = group.start("test", {"n": (calls, ("abc",))})
        assert calls.pids == []
        assert w.result("n") == 3 and calls.here == 1
        with pytest.raises(InputError):
            group.start("bad", {"bad": (_raise_input_error, ())}).result("bad")


@needs_fork
def test_leaving_the_group_stops_its_worker():
    with pytest.raises(KeyboardInterrupt), workers.Group(fork=True) as group:
        w = group.start("test", {"slow": (_sleep, ())})
        proc = w._proc
        raise KeyboardInterrupt  # as Ctrl-C in the build
    assert not proc.is_alive() and proc.exitcode is not None


def test_fits_made_ahead_are_used_only_for_the_same_inputs(monkeypatch, fixture_home):
    import graph
    import graph.exposure.maturity as maturity
    from graph.exposure.api import fit_ahead
    from graph.exposure.model import compile_graph

    g = graph.load(home=fixture_home)
    compiled = compile_graph(g.nodes, g.edges)
    ready = fit_ahead(g.nodes, g.edges)
    fits = Calls(maturity.fit_evidence)
    monkeypatch.setattr(maturity, "fit_evidence", fits)
    assert maturity.fit_capabilities(compiled, lambda: ready) is ready.fit and fits.here == 0
    ready.evidence = ready.evidence.assign(t=ready.evidence["t"] + 1e-9)  # one bit off
    fitted = maturity.fit_capabilities(compiled, lambda: ready)
    assert fits.here == 1 and fitted is not ready.fit
    assert maturity.fit_capabilities(compiled, lambda: None) is not ready.fit and fits.here == 2


def test_scores_in_two_threads_are_the_same_as_in_one(monkeypatch, fixture_home):
    import graph
    from graph.exposure import api

    g = graph.load(home=fixture_home)
    got = []
    for n in (1, 2):
        monkeypatch.setattr(workers, "threads", lambda n=n: n)
        nodes, edges = api.score_tables(g.nodes, g.edges, "b", draws=64, seed=5)
        got.append((nodes, edges))
    (n1, e1), (n2, e2) = got
    assert n1.keys() == n2.keys() and e1.keys() == e2.keys()
    assert len(n1["ExposureScore"]) and n1["ExposureScore"]["scenario"].nunique() == 3
    for k in n1:
        assert n1[k].equals(n2[k])
    for k in e1:
        assert e1[k].equals(e2[k])
