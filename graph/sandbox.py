"""User Cypher on the embedded store, in a worker process of its own (docs/decisions/user-cypher.md).

Each `CypherSandbox` (one per Graph, so one per explorer session) owns a worker: `python -m graph.sandbox`
with a scrubbed environment. The worker opens the snapshot's database read-only, then locks itself down
before it takes a query: an address-space ceiling (RLIMIT_AS) above a bounded buffer pool, and on Linux
a Landlock ruleset that lets it read only the snapshot and Python's own files, write nothing and open no
TCP connection. For each query it asks the engine to EXPLAIN it and checks the plan against the read
allow-list (graph.cypher_policy) before running it with the engine's timeout. The parent kills the worker
when no answer has come by the deadline, and starts a new one for the next query.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graph.cypher_policy import (
    DEFAULT_ROW_CAP,
    DEFAULT_TIMEOUT_S,
    PolicyError,
    check_limits,
    check_params,
    embedded_plan_problem,
    file_keyword,
)

DB_FILE = "graph.lbug"
DEFAULT_MEMORY_MB = 1024  # buffer pool of a worker; CRAFTGRAPH_QUERY_MEMORY_MB
HEADROOM_MB = 512  # address space above the pool: result rows, Python objects, thread stacks (8 MB each)
GRACE_S = 2.0  # after the engine's own timeout, how long the parent waits before it kills the worker
START_TIMEOUT_S = 60.0
IDLE_EXIT_S = 900.0  # a worker with no query for this long exits (the next query starts a new one)


class QueryError(Exception):
    """A user query that could not run: refused, failed, or timed out. The message is for the user."""


@dataclass
class Result:
    columns: list[str]
    rows: list[list]
    truncated: bool


# --- framing: length-prefixed pickles; the parent unpickles only plain values -----------------

_SAFE = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta")}
_SAFE |= {("datetime", "timezone"), ("decimal", "Decimal"), ("uuid", "UUID")}


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _SAFE:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def _send(stream, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes | None:
    """n bytes from fd, or None at EOF; TimeoutError when the deadline passes first."""
    buf = bytearray()
    while len(buf) < n:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, min(n - len(buf), 1 << 20))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _receive(fd: int, deadline: float | None, plain: bool) -> Any:
    head = _read_exact(fd, 8, deadline)
    if head is None:
        return None
    body = _read_exact(fd, struct.unpack(">Q", head)[0], deadline)
    if body is None:
        return None
    return _PlainUnpickler(io.BytesIO(body)).load() if plain else pickle.loads(body)


# --- the parent side ------------------------------------------------------------------------


def memory_mb() -> int:
    from graph import settings

    return settings.current().query_memory_mb or DEFAULT_MEMORY_MB


class CypherSandbox:
    """Read-only Cypher on one snapshot, answered by a worker process (started on first use)."""

    def __init__(self, snap: Path, memory_mb: int | None = None):
        self.snap = Path(snap).resolve()
        self.memory_mb = memory_mb or globals()["memory_mb"]()
        self._proc: subprocess.Popen | None = None
        self.info: dict = {}  # what the worker reports at start: landlock (bool), address_limit (bytes)

    def run(
        self,
        query: str,
        params: dict | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        row_cap: int = DEFAULT_ROW_CAP,
    ) -> Result:
        try:
            timeout_s, row_cap = check_limits(timeout_s, row_cap)
            params = check_params(params or {})
        except PolicyError as e:
            raise QueryError(str(e)) from None
        stdin, stdout = self._pipes(self._worker())
        try:
            _send(stdin, ("run", query, params, int(timeout_s * 1000), row_cap))
            reply = _receive(stdout.fileno(), time.monotonic() + timeout_s + GRACE_S, plain=True)
        except TimeoutError:
            self._kill()
            raise QueryError(f"the query took longer than {timeout_s:g} s and was stopped") from None
        except (BrokenPipeError, pickle.UnpicklingError, OSError):
            reply = None
        if reply is None:
            raise QueryError(self._died()) from None
        if reply[0] == "ok":
            return Result(*reply[1:])
        raise QueryError(reply[2])

    @staticmethod
    def _pipes(proc: subprocess.Popen) -> tuple[IO[bytes], IO[bytes]]:
        assert proc.stdin is not None and proc.stdout is not None  # opened with PIPE
        return proc.stdin, proc.stdout

    def _worker(self) -> subprocess.Popen:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._proc = None
        root = str(Path(__file__).resolve().parents[1])
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")}
        env.update(PYTHONPATH=root, MALLOC_ARENA_MAX="2", PYTHONDONTWRITEBYTECODE="1")
        args = [sys.executable, "-s", "-m", "graph.sandbox", str(self.snap), str(self.memory_mb)]
        proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=root
        )
        self._proc = proc
        try:
            hello = _receive(self._pipes(proc)[1].fileno(), time.monotonic() + START_TIMEOUT_S, plain=True)
        except TimeoutError:
            hello = None
        if not hello or hello[0] != "ready":
            self._kill()
            why = hello[2] if hello else "it did not start"
            raise QueryError(f"the query engine could not open {self.snap / DB_FILE}: {why}")
        self.info = hello[1]
        return proc

    def _died(self) -> str:
        proc, self._proc = self._proc, None
        code = proc.wait(timeout=5) if proc is not None else None
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, 134, 137):
            return f"the query needed more memory than the ceiling of {self.memory_mb + HEADROOM_MB} MB and was stopped"
        return f"the query engine stopped unexpectedly (exit {code}); run the query again"

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.kill()
            with contextlib.suppress(Exception):
                proc.wait(timeout=5)

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            self._pipes(proc)[0].close()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def __del__(self):
        with contextlib.suppress(Exception):
            self._kill()


# --- the worker side ------------------------------------------------------------------------


def _worker_main(snap: Path, pool_mb: int) -> None:
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # the engine prints nothing into the protocol
    _die_with_parent()
    try:
        db, conn, limit = _open(snap, pool_mb)
        landlocked = _lock_down(snap)
    except Exception as e:  # reported to the parent as one line
        _send(out, ("error", "start", _one_line(str(e))))
        return
    _send(out, ("ready", {"landlock": landlocked, "address_limit": limit}))
    while True:
        ready, _, _ = select.select([0], [], [], IDLE_EXIT_S)
        if not ready:
            return
        try:
            req = _receive(0, None, plain=False)
        except (EOFError, OSError):
            return
        if req is None:
            return
        _send(out, _answer(conn, *req[1:]))
    del db  # the database outlives the connection


def _open(snap: Path, pool_mb: int) -> tuple[Any, Any, int | None]:
    import datetime  # noqa: F401 - values the engine returns; imported before the lock-down
    import decimal  # noqa: F401
    import uuid  # noqa: F401

    import ladybug

    path = snap / DB_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    size = max(path.stat().st_size if path.is_file() else _tree_size(path), 1)
    max_db = 1 << max(28, (2 * size).bit_length())  # the engine reserves this much address space
    db = ladybug.Database(
        str(path), read_only=True, buffer_pool_size=pool_mb << 20, max_db_size=max_db, max_num_threads=2
    )
    conn = ladybug.Connection(db)
    _single(conn.execute("RETURN 1")).get_all()
    limit = _limit_address_space(HEADROOM_MB << 20)
    return db, conn, limit


def _single(res: Any) -> Any:
    """A query's result (the engine returns a list for several statements; prepare() allows one)."""
    return res[-1] if isinstance(res, list) else res


def _tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _answer(conn, query: str, params: dict, timeout_ms: int, row_cap: int) -> tuple:
    try:
        word = file_keyword(query)
        if word:
            return ("error", "refused", f"refused: {word} loads files or extensions, which user queries may not do")
        problem = embedded_plan_problem(_plan(conn, query, params))
        if problem:
            return ("error", "refused", f"refused: {problem}; queries here are read-only")
        conn.set_query_timeout(timeout_ms)
        res = _single(conn.execute(_prepare(conn, query), params))
        columns = res.get_column_names()
        rows: list[list] = []
        truncated = False
        while res.has_next():
            if len(rows) >= row_cap:
                truncated = True
                break
            rows.append(res.get_next())
        res.close()
        return ("ok", columns, rows, truncated)
    except MemoryError:
        return ("error", "memory", "the query needed more memory than its ceiling and was stopped")
    except RuntimeError as e:
        return ("error", "engine", _engine_message(str(e), timeout_ms))


def _prepare(conn, query: str):
    with warnings.catch_warnings():  # prepare() is the engine's one-statement entry point
        warnings.simplefilter("ignore", DeprecationWarning)
        ps = conn.prepare(query)
    if not ps.is_success():
        raise RuntimeError(ps.get_error_message())
    return ps


def _plan(conn, query: str, params: dict) -> str:
    res = _single(conn.execute(_prepare(conn, "EXPLAIN " + query), params))
    return "\n".join(str(row[0]) for row in res.get_all())


def _engine_message(msg: str, timeout_ms: int) -> str:
    low = msg.lower()
    if "interrupted" in low or "timeout" in low:
        return f"the query took longer than {timeout_ms / 1000:g} s and was stopped"
    if "multiple statements" in low:
        return "one statement at a time: remove the `;` and what follows"
    if "buffer pool is full" in low or "unable to allocate" in low or "bad_alloc" in low:
        return "the query needed more memory than its ceiling and was stopped"
    if "read-only" in low:
        return "refused: this query would change the graph; queries here are read-only"
    return _one_line(msg.replace('"EXPLAIN ', '"'))  # the engine quotes the query it planned


def _one_line(text: str, limit: int = 400) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _limit_address_space(headroom: int) -> int | None:
    """RLIMIT_AS at the address space in use (which holds the engine's reserved buffer pool) plus headroom."""
    import resource

    size = _vm_size()
    if not size:
        return None
    limit = size + headroom
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return limit


def _vm_size() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _lock_down(snap: Path) -> bool:
    """Landlock (Linux 5.13+): read only the snapshot and Python's files, write nothing, no TCP."""
    if not sys.platform.startswith("linux"):
        return False
    from graph import landlock

    roots = {snap, *(Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix))}
    return landlock.restrict(read_only=sorted(p for p in roots if p.exists()))


if __name__ == "__main__":
    _worker_main(Path(sys.argv[1]), int(sys.argv[2]))
