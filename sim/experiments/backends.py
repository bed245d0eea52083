"""Executors for replications: in-process, a local process pool, or Dask.

All three sit behind ``concurrent.futures.Executor`` (Dask through
``Client.get_executor()``), so the replication code does not know which one runs it.
"""

from __future__ import annotations

import argparse
import ctypes
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Literal

from ..errors import UsageError, os_reason

Backend = Literal["serial", "process", "dask"]
DASK_HINT = "the Dask backend needs the 'dask' extra: pip install 'negsim[dask]'"
SCHEDULER_SCHEMES = ("tcp", "ws")  # negsim passes Dask no TLS settings, so tls://, wss:// and ucx:// cannot work
SCHEDULER_FORM = "write it as tcp://HOST:PORT (a Dask scheduler listens on port 8786 by default)"
CONNECT_SECONDS = 10


def scheduler_address(address: str) -> str:
    """An argparse type: a Dask scheduler address ``[scheme://]host:port``, checked before any connection."""
    scheme, _, rest = address.rpartition("://")
    host, colon, port = rest.rpartition(":") if ":" in rest.rpartition("]")[2] else (rest, "", "")
    problem = ""
    if scheme and scheme not in SCHEDULER_SCHEMES:
        problem = f"the protocol '{scheme}://' is not supported (only tcp:// and ws://)"
    elif not colon or not port:
        problem = "no port"
    elif not port.isdigit():
        problem = f"the port '{port}' is not a number"
    elif not host:
        problem = "no host"
    if problem:
        raise argparse.ArgumentTypeError(f"'{address}': {problem}; {SCHEDULER_FORM}")
    if not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"'{address}': port {port} is not between 1 and 65535")
    return address


def _reachable(address: str) -> None:
    """Fail fast, with the OS's reason, when nothing listens at a scheduler address (tcp:// or ws://).

    Dask's own client retries a refused connection until its timeout; a plain connect
    says "Connection refused" or "Name or service not known" at once.
    """
    _, _, rest = address.rpartition("://")
    host, _, port = rest.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {os_reason(exc)}") from None


@contextmanager
def executor_for(backend: Backend, jobs: int, scheduler: str | None = None) -> Iterator[Executor | None]:
    """Open the executor of a backend (None means: run in this process)."""
    if backend == "serial" or (backend == "process" and jobs <= 1):
        yield None
    elif backend == "process":
        with _process_pool(jobs) as pool:
            yield pool
    else:
        with _dask_executor(jobs, scheduler) as executor:
            yield executor


@contextmanager
def _process_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers end with it: on an error or interrupt, at once, not after their tasks."""
    # Under a fork server (the default from Python 3.14 on Linux) workers are the server's children, and the
    # server ends with this process: each worker then watches the parent it has.
    parent = None if multiprocessing.get_start_method() == "forkserver" else os.getpid()
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent, initargs=(parent,))
    try:
        yield pool
    except BaseException:
        # The executor has no public way to stop running tasks; its worker processes are its own
        # attribute, which shutdown() clears: take them first.
        workers: dict[int, Any] = dict(getattr(pool, "_processes", None) or {})
        pool.shutdown(wait=False, cancel_futures=True)
        for process in workers.values():
            if process.is_alive():
                process.terminate()
        for process in workers.values():
            process.join(timeout=1.0)
        # Join the executor's own thread now, its workers gone: left to the interpreter's exit, it could
        # find its wake-up pipe closed and print "Exception ignored ... Bad file descriptor" after Ctrl-C.
        pool.shutdown(wait=True)
        raise
    pool.shutdown(wait=True)


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_POLL_SECONDS = 1.0


def die_with_parent(parent: int | None = None) -> None:
    """Make a worker process end when the negsim that started it ends, even by ``kill -9``.

    On Linux the kernel sends the worker SIGKILL when its parent dies (``PR_SET_PDEATHSIG``):
    nothing to poll, and it works while the worker is busy in numpy. Elsewhere a daemon
    thread polls the parent's id. Workers hold nothing worth saving (only the parent
    writes), so they are killed, not asked. Ctrl-C reaches the whole process group: workers
    ignore it, and the parent, which owns the results folder, stops them.

    Args:
        parent: The process id of the negsim process that starts the pool (None: the worker's parent now).
    """
    parent = os.getppid() if parent is None else parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a closed terminal: the parent stops the workers
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="negsim-parent-watch").start()
    # The parent may have died before the line above took effect.
    if os.getppid() != parent:
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


@contextmanager
def _dask_executor(jobs: int, scheduler: str | None) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(DASK_HINT) from None
    if scheduler:
        _reachable(scheduler_address(scheduler))
        try:
            client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s")  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client.get_executor()  # type: ignore[no-untyped-call]
        return
    # The workers of a LocalCluster end with this process on their own: each watches a pipe
    # from its parent and exits when it closes (distributed.process.AsyncProcess).
    cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                           dashboard_address=None)
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client.get_executor()
