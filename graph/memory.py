"""Keeping the build's memory down: freed memory given back to the system between phases.

A build frees most of what one phase made before the next (the readers' frames once converted, each
scenario's draws once summarised), but the C allocator keeps freed pages for later and pyarrow's own
allocator (mimalloc) keeps its pages apart from the C heap, so the peak resident memory was the sum of
every phase's high-water marks rather than the largest one (docs/decisions/build-memory.md).
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def prefer_c_allocator_for_arrow() -> None:
    """Arrow's C++ code (the parquet writer, the CSV reader's internals) allocates from the C++ default pool,
    which pyarrow chooses once, from $ARROW_DEFAULT_MEMORY_POOL, when it is first loaded; `pa.set_memory_pool`
    does not reach it. So, before pyarrow is loaded (and unless the variable is set), choose the C allocator:
    one heap for pandas, numpy and Arrow. Once pyarrow is loaded, this does nothing."""
    if "pyarrow" not in sys.modules:
        os.environ.setdefault(ARROW_POOL_VARIABLE, "system")


prefer_c_allocator_for_arrow()  # (this module is imported by graph.pipeline before anything loads pyarrow)


def _glibc(name: str, argtypes: list) -> Callable[..., int] | None:
    """A glibc function returning int, or None where the C library has none (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None
    fn.argtypes = argtypes
    fn.restype = ctypes.c_int
    return fn


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none."""
    return _glibc("malloc_trim", [ctypes.c_size_t])


M_ARENA_MAX = -8  # glibc's mallopt parameter: how many heaps (arenas) threads may spread over


def one_heap_for_threads() -> None:
    """Have every thread allocate from the one C heap (glibc; a no-op elsewhere or once refused). By
    default each new thread that allocates gets a heap (arena) of its own, and `release` gives back little
    of one: freed pages there stay resident. A build's threads (scores, table writes) each free what they
    made within the step, so one heap costs them nothing measurable but keeps ~10-20 MB off the build's
    peak (docs/decisions/build-memory.md). Process-wide and lasting: set by the build, and harmless to a
    process that builds more than once."""
    mallopt = _glibc("mallopt", [ctypes.c_int, ctypes.c_int])
    if mallopt is not None:
        mallopt(M_ARENA_MAX, 1)


def release() -> None:
    """Give the system back the free memory the C allocator and pyarrow's pool keep (a no-op where the C
    library cannot). Values are untouched; only pages nothing uses are returned."""
    pa = sys.modules.get("pyarrow")  # (not imported for this: with no pyarrow there is no pool to trim)
    if pa is not None:
        pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def releasing(progress: Callable[[str], None]) -> Callable[[str], None]:
    """`progress` that first gives freed memory back: each step of a build starts from a trimmed heap."""

    def say(message: str) -> None:
        release()
        progress(message)

    return say


@contextmanager
def c_allocator_for_arrow() -> Iterator[None]:
    """pyarrow's buffers taken from the C allocator for the duration (the previous pool after). The C heap
    then reuses what pandas frees for Arrow tables and the other way round, instead of two allocators each
    holding their own high-water mark; buffers made before or after are freed by their own pool."""
    import pyarrow as pa

    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, as it was after: for steps that make many objects and few
    cycles (the readers, the imports, the scores), where each full collection walks every object alive and
    collects next to nothing (~0.05-0.07 s each in a full build)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
