"""Executors for replications: in-process, a local process pool, or Dask.

All three sit behind ``concurrent.futures.Executor`` (Dask through
``Client.get_executor()``), so the replication code does not know which one runs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Literal

from sim.errors import UsageError

Backend = Literal["serial", "process", "dask"]
DASK_HINT = "the Dask backend needs the 'dask' extra: pip install 'negsim[dask]'"


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
        try:
            client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client.get_executor()  # type: ignore[no-untyped-call]
        return
    cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                           dashboard_address=None)
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client.get_executor()
