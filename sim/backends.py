"""Executors for replications: in-process, a local process pool, or Dask.

All three sit behind ``concurrent.futures.Executor`` (Dask through
``Client.get_executor()``), so the replication code does not know which one runs it.
"""

from __future__ import annotations

import argparse
import socket
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Literal

from sim.errors import UsageError

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
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {reason}") from None


@contextmanager
def executor_for(backend: Backend, jobs: int, scheduler: str | None = None) -> Iterator[Executor | None]:
    """Open the executor of a backend (None means: run in this process)."""
    if backend == "serial" or (backend == "process" and jobs <= 1):
        yield None
    elif backend == "process":
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield pool
    else:
        with _dask_executor(jobs, scheduler) as executor:
            yield executor


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
    cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                           dashboard_address=None)
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client.get_executor()
