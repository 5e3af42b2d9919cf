"""Work the build hands to a second process while it goes on (docs/decisions/build-workers.md).

    with workers.Group() as group:
        w = group.start("public sources", {"qcew": (read, (root,)), "fit": (fit, (catalog,))})
        ...                       # this process goes on; the worker computes its steps in order
        tables = w.result("qcew")  # waits for that step; its exception is raised here, as in-process

A worker is a fork of this process: it sees the arguments as they are at `start` (nothing is copied up
front) and sends back only each step's result, through a pipe; it writes no file. Where fork is not
available, or with CRAFTGRAPH_WORKERS=1, every step runs in this process when its result is first asked
for: the same results, one after the other. Leaving the group (normally, on an error or on Ctrl-C) stops
and reaps every worker still running; a worker ignores Ctrl-C (its parent stops it).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable
from multiprocessing.reduction import ForkingPickler
from typing import Any

from graph import memory, settings

Step = tuple[Callable[..., Any], tuple]
ENV = "CRAFTGRAPH_WORKERS"  # "1": no worker processes (every step in this process)


class WorkerError(RuntimeError):
    """A worker ended without its result, or failed with an error that cannot be sent back as it was."""


class RemoteTraceback(Exception):
    """The traceback of an error raised in a worker (shown as the cause of the error raised here)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def can_fork() -> bool:
    """Whether steps run in worker processes: fork is available, this process runs no other thread (a
    fork copies only the calling thread; a server building in a thread computes in-process) and
    $CRAFTGRAPH_WORKERS is not 1."""
    return not one_process() and "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def one_process() -> bool:
    """$CRAFTGRAPH_WORKERS=1 (graph/settings.py): no worker process, one thread."""
    return settings.current().workers == 1


def threads() -> int:
    """How many threads the build's array work may use: 2 (the machine's cores, at most 2), or 1 with
    $CRAFTGRAPH_WORKERS=1."""
    if one_process():
        return 1
    return max(1, min(2, os.cpu_count() or 1))


class Worker:
    """Steps computed in a forked process (or, without one, here on first request)."""

    def __init__(self, name: str, steps: dict[str, Step], fork: bool):
        self.name = name
        self._steps = steps
        self._names = tuple(steps)
        self._done: dict[str, tuple[bool, Any]] = {}
        self._received = 0  # results come back once each; a taken one leaves _done
        self._taken: set[str] = set()
        self._proc: Any = None
        self._conn: Any = None
        self._lost: WorkerError | None = None  # set when the worker ended without all its results
        self.forked = fork
        if fork:
            ctx = multiprocessing.get_context("fork")
            here, there = ctx.Pipe(duplex=False)
            with contextlib.suppress(OSError, AttributeError):  # room for a result of up to 1 MB: the worker
                fcntl.fcntl(there.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)  # sends it and ends, unread
            self._proc = ctx.Process(target=_serve, args=(there, steps), name=f"craftgraph {name}", daemon=True)
            memory.release()  # free pages not shared: neither process copies them when it writes there
            _freeze()
            try:
                self._proc.start()
            except BaseException:
                _thaw()
                raise
            there.close()
            self._conn = here
            self._steps = {}  # (the worker has its own copy of the arguments: not kept here for the build)

    def has(self, step: str) -> bool:
        return step in self._names

    def poll(self) -> None:
        """Take the results the worker has sent so far, without waiting (it ends after its last)."""
        while self._proc is not None and self._conn.poll():
            self._receive()

    def result(self, step: str) -> Any:
        """The step's result, waiting for it; the step's error is raised here."""
        if step not in self._names:
            raise KeyError(step)
        if step in self._taken:
            raise KeyError(f"{step}: its result was taken")
        if step not in self._done and not self.forked:  # in this process: as a direct call would
            fn, args = self._steps[step]
            self._done[step] = (True, fn(*args))
        while step not in self._done:
            if self._lost is not None:
                raise self._lost
            self._receive()
        ok, value = self._done[step]
        if ok:
            return value
        exc, remote = value
        raise exc from RemoteTraceback(remote)

    def take(self, step: str) -> Any:
        """The step's result, as `result` gives it, let go here: a large result (tables read) is not kept
        for the rest of the build once the caller has it."""
        try:
            return self.result(step)
        finally:
            self._done.pop(step, None)
            self._taken.add(step)

    def _receive(self) -> None:
        try:
            name, ok, payload = self._conn.recv()
        except (EOFError, OSError):
            code = None
            if self._proc is not None:
                self._proc.join(timeout=5)
                code = self._proc.exitcode
            self.stop()
            self._lost = WorkerError(f"the {self.name} worker process ended without its results (exit code {code})")
            return
        self._done[name] = (ok, payload if ok else _unpack(*payload))
        self._received += 1
        if self._received == len(self._names):
            self.stop()

    def stop(self) -> None:
        """Stop the worker if it still runs, and reap it."""
        if self._proc is None:
            return
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()
        self._conn.close()
        self._proc = None
        _thaw()


_FROZEN = [0]  # workers alive that share this process's objects


def _freeze() -> None:
    """While a worker lives, the cycle collectors of both processes leave the objects alive at its fork
    alone: a collection writes to every object it visits, and each page written is then copied (the
    worker's and this process's copies both count)."""
    gc.freeze()
    _FROZEN[0] += 1


def _thaw() -> None:
    _FROZEN[0] -= 1
    if _FROZEN[0] == 0:
        gc.unfreeze()


def _serve(conn, steps: dict[str, Step]) -> None:
    """The worker's body: each step in order, each result (or error) sent as soon as it is known."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's; it stops this process
    for name, (fn, args) in steps.items():
        try:
            msg = (name, True, fn(*args))
        except BaseException as e:
            msg = (name, False, _pack(e))
        try:
            data = ForkingPickler.dumps(msg)  # (what conn.send(msg) writes)
        except Exception as e:  # a result that cannot be pickled
            data = ForkingPickler.dumps((name, False, _pack(e)))
        del msg
        memory.release()  # the result is let go before the write, which waits until the build reads it
        conn.send_bytes(data)
        del data
        memory.release()  # what the step made is sent: its pages back while the next step runs
    conn.close()


def _pack(e: BaseException) -> tuple:
    """An error as (class, args, attributes, traceback text), to be made again without calling __init__
    (InputError's takes problems, not the message); a plain WorkerError when it cannot be sent."""
    remote = "".join(traceback.format_exception(e))
    packed = (type(e), e.args, dict(e.__dict__), remote)
    try:
        pickle.loads(pickle.dumps(packed))
    except Exception:
        return (WorkerError, (f"{type(e).__name__}: {e}",), {}, remote)
    return packed


def _unpack(cls: type[BaseException], args: tuple, attrs: dict, remote: str) -> tuple[BaseException, str]:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(attrs)
    return exc, remote


class Group:
    """The workers of one build: every one still running is stopped when the group is left."""

    def __init__(self, fork: bool | None = None):
        self.fork = can_fork() if fork is None else fork
        self._workers: dict[str, Worker] = {}

    def start(self, name: str, steps: dict[str, Step]) -> Worker:
        w = Worker(name, steps, self.fork)
        self._workers[name] = w
        return w

    def worker(self, name: str) -> Worker | None:
        return self._workers.get(name)

    def poll(self) -> None:
        """Take every result sent so far (see Worker.poll)."""
        for w in self._workers.values():
            w.poll()

    def __enter__(self) -> Group:
        return self

    def __exit__(self, *exc: object) -> None:
        for w in self._workers.values():
            w.stop()
