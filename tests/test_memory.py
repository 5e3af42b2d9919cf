"""graph.memory: giving freed memory back between the build's phases (values untouched, safe everywhere)."""

from __future__ import annotations

import ctypes
import os
import platform
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from graph import memory


@pytest.fixture
def no_cache():
    memory._malloc_trim.cache_clear()
    yield
    memory._malloc_trim.cache_clear()


def test_release_calls_malloc_trim_and_the_arrow_pool(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: lambda pad: calls.append(f"trim {pad}") or 1)

    class Pool:
        def release_unused(self):
            calls.append("arrow")

    monkeypatch.setattr(pa, "default_memory_pool", Pool)
    memory.release()
    assert calls == ["arrow", "trim 0"]


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_no_malloc_trim_off_linux(monkeypatch, no_cache, platform):
    monkeypatch.setattr(memory.sys, "platform", platform)
    assert memory._malloc_trim() is None
    memory.release()  # a no-op, not an error


def test_a_c_library_without_malloc_trim_is_a_no_op(monkeypatch, no_cache):
    class NoTrim:  # e.g. musl: the library loads, the symbol is missing
        def __getattr__(self, name):
            raise AttributeError(name)

    monkeypatch.setattr(memory.sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda _: NoTrim())
    assert memory._malloc_trim() is None
    memory.release()


def test_release_leaves_live_data_alone():
    a = np.arange(1_000_000, dtype=np.float64)
    t = pa.table({"x": a})
    del_me = [np.ones(200_000) for _ in range(20)]
    del del_me
    memory.release()
    assert np.array_equal(a, np.arange(1_000_000, dtype=np.float64))
    assert t.column("x").to_numpy().sum() == a.sum()


def test_releasing_progress_trims_then_reports(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(memory, "release", lambda: calls.append("release"))
    say = memory.releasing(lambda m: calls.append(m))
    say("reading onet")
    assert calls == ["release", "reading onet"]


def test_arrow_pool_is_the_c_allocator_inside_and_restored_after():
    before = pa.default_memory_pool()
    with memory.c_allocator_for_arrow():
        assert pa.default_memory_pool().backend_name == "system"
        t = pa.table({"x": pa.array(["a", "b", None])})
    assert pa.default_memory_pool().backend_name == before.backend_name
    assert t.column("x").to_pylist() == ["a", "b", None]  # made inside, still good after
    with pytest.raises(RuntimeError), memory.c_allocator_for_arrow():
        raise RuntimeError("a failed build")
    assert pa.default_memory_pool().backend_name == before.backend_name


@pytest.mark.skipif(
    not memory.sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_glibc_malloc_trim_is_found(no_cache):
    assert memory._malloc_trim() is not None


PROBE = "import graph.pipeline, pyarrow as pa; print(pa.default_memory_pool().backend_name)"


def _probe(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != memory.ARROW_POOL_VARIABLE}
    if env_value is not None:
        env[memory.ARROW_POOL_VARIABLE] = env_value
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip()


def test_a_build_process_gives_arrow_the_c_allocator_unless_told_otherwise():
    assert _probe(None) == "system"  # graph.pipeline loads graph.memory before anything loads pyarrow
    assert _probe("mimalloc") == "mimalloc"  # the user's choice stands


def test_prefer_c_allocator_is_a_no_op_once_pyarrow_is_loaded(monkeypatch):
    monkeypatch.delenv(memory.ARROW_POOL_VARIABLE, raising=False)
    memory.prefer_c_allocator_for_arrow()  # (pyarrow is loaded in this process: too late to choose)
    assert memory.ARROW_POOL_VARIABLE not in os.environ


def _rows(n: int) -> list[int]:
    return list(range(n))


@pytest.mark.parametrize("fork", [True, False])
def test_a_taken_worker_result_is_let_go_and_the_worker_still_reaped(fork):
    from graph import workers

    if fork and not workers.can_fork():
        pytest.skip("no fork here")
    with workers.Group(fork=fork) as group:
        w = group.start("t", {"big": (_rows, (5,)), "small": (_rows, (2,))})
        assert w.has("big") and w.has("small") and not w.has("other")
        assert (not w._steps) == fork  # a forked worker has its own arguments: none kept here
        assert w.take("big") == [0, 1, 2, 3, 4]
        assert "big" not in w._done  # not kept for the rest of the build
        with pytest.raises(KeyError, match="taken"):
            w.result("big")
        assert w.result("small") == [0, 1]
        assert w._proc is None  # every result received: the worker was stopped and reaped (gc thawed)
    assert workers._FROZEN[0] == 0
