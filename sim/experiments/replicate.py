"""Seeded replications of a scenario over any ``concurrent.futures.Executor``.

Replication *i* draws everything uncertain (which version of each red line is real,
shocks, attendance, delays) from ``SeedSequence(root_seed, spawn_key=(i,))``, so its
row is the same whatever the backend, the number of workers or the order in which
chunks complete. Rows come back in replication order, streamed chunk by chunk; a
replication that raises, or computes longer than the job's time limit, becomes a row
with its error, and the batch goes on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from ..interrupts import raise_if_interrupted
from ..scenario.loader import loads
from ..scenario.model import Scenario
from ..simulation.talks import run
from ..simulation.timeline import EventLog, Outcome
from .defaults import DEFAULT_TIME_LIMIT
from .replications import Replications
from .results import columns_for

Row = dict[str, Any]


@dataclass(frozen=True)
class Job:
    """What a worker needs to run a chunk of replications: the scenario as text, and the seed."""

    scenario_text: str
    scenario_name: str
    root_seed: int
    trace: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    """Seconds each replication may compute (None: no limit but the engine's count of events)."""
    draw: bool = False
    """Whether each replication draws every red line's version from its confidence (else: as stated)."""
    replay: str = ""
    """The start of the command that replays one replication (``negsim run FILE ...``); its row ends it."""


@dataclass(frozen=True)
class Chunk:
    """Rows (and, when traced, event-log lines) of replications ``start`` to ``stop - 1``."""

    start: int
    rows: list[Row]
    events: list[str]


def _scenario_of(job: Job) -> Scenario:
    return _loaded(job.scenario_text, job.scenario_name)


@lru_cache(maxsize=1)
def _loaded(text: str, name: str) -> Scenario:
    """The scenario a worker's jobs carry, parsed once for all its chunks (the one most recent)."""
    return loads(text, name)


def replication_rng(root_seed: int, index: int) -> np.random.Generator:
    """The random generator of replication ``index``."""
    return np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=(index,)))


def replication_run(scenario: Scenario, root_seed: int, index: int, *, draw: bool, until: date | None = None,
                    time_limit: float | None = None, demands: bool = False,
                    method: str = "auto") -> tuple[Outcome, EventLog]:
    """Replication ``index`` of a sweep of root seed ``root_seed``.

    What a sweep runs, ``negsim run --replication`` replays and a report shows: one call, so that
    the three are the same run. ``demands``: the log keeps what each principal asked for (a
    picture's), which changes nothing else; ``method``: where the packages are listed or the
    solver answers (:func:`~sim.simulation.talks.run`), which changes nothing either.
    """
    return run(scenario, rng=replication_rng(root_seed, index), draw=draw, until=until, time_limit=time_limit,
               demands=demands, method=method)


RedLinesPlayed = Literal["stated", "drawn"]


def red_lines_played(draw: bool) -> RedLinesPlayed:
    """How the outputs name the red lines a run plays: ``drawn`` from their confidence, or as ``stated``."""
    return "drawn" if draw else "stated"


def run_replication(scenario: Scenario, root_seed: int, index: int, trace: bool = False,
                    time_limit: float | None = DEFAULT_TIME_LIMIT, *, draw: bool = False,
                    replay: str = "") -> tuple[Row, str]:
    """Run replication ``index``; return its row and (when traced) its event log as JSON lines.

    ``draw``: red lines drawn from their confidence, else (the default) as stated. ``replay`` starts the
    command that replays it, kept in the row with the replication's own options after it.
    """
    outcome, log = replication_run(scenario, root_seed, index, draw=draw, time_limit=time_limit)
    row: Row = {"replication": index, "root_seed": root_seed, "agreed": outcome.agreed, "reason": outcome.ending,
                "date": outcome.date, "day": outcome.day, "rounds": outcome.rounds, "drafts": outcome.drafts}
    for issue in scenario.issues:
        row[f"term:{issue.id}"] = None if outcome.package is None else outcome.package[issue.id]
    row["blocking"] = " ".join(outcome.blocking)
    row["blocking_parties"] = " ".join(dict.fromkeys(ref.partition("/")[0] for ref in outcome.blocking))
    for ref, version in outcome.versions.items():
        row[f"version:{ref}"] = "none" if version is None else version
    for name, value in sorted(outcome.draws.items()):
        row[f"draw:{name}"] = value
    row["replay"] = replay_command(replay, index, root_seed, draw)
    row["error"] = ""
    if not trace:
        return row, ""
    tagged = "".join(line[:1] + f'"replication":{index},' + line[1:] + "\n" for line in log.jsonl().splitlines())
    return row, tagged


def replay_command(start: str, index: int, root_seed: int, draw: bool) -> str:
    """The command that replays replication ``index`` of root seed ``root_seed`` (``start``: ``negsim run FILE``)."""
    if not start:
        return ""
    return f"{start} --replication {index} --root-seed {root_seed}{' --draw' if draw else ''}"


def error_row(scenario: Scenario, job: Job, index: int, exc: BaseException) -> Row:
    """The row of a replication that raised: its error, the command that replays it, and nothing else."""
    row: Row = {"replication": index, "root_seed": job.root_seed, "agreed": None, "reason": "error", "date": None,
                "day": None, "rounds": None, "drafts": None}
    row.update({f"term:{issue.id}": None for issue in scenario.issues})
    row.update({"blocking": "", "blocking_parties": "",
                "replay": replay_command(job.replay, index, job.root_seed, job.draw),
                "error": f"{type(exc).__name__}: {exc}"})
    return row


def run_chunk(job: Job, start: int, stop: int) -> Chunk:
    """Run replications ``start`` to ``stop - 1`` (the unit of work sent to a worker)."""
    scenario = _scenario_of(job)
    rows: list[Row] = []
    events: list[str] = []
    for index in range(start, stop):
        raise_if_interrupted()
        try:
            row, log = run_replication(scenario, job.root_seed, index, job.trace, job.time_limit, draw=job.draw,
                                       replay=job.replay)
        except Exception as exc:
            rows.append(error_row(scenario, job, index, exc))
            continue
        rows.append(row)
        if job.trace:
            events.append(log)
    return Chunk(start, rows, events)


def chunks_of(n: int, size: int, first: int = 0) -> list[tuple[int, int]]:
    """Split ``range(first, n)`` into consecutive (start, stop) chunks of at most ``size``."""
    return [(start, min(n, start + size)) for start in range(first, n, size)]


def replicate_chunks(job: Job, n: int, executor: Executor | None = None, *, chunk_size: int = 100,
                     window: int = 8, start: int = 0) -> Generator[Chunk, None, None]:
    """Run replications ``start`` to ``n - 1``, yielding chunks in order; at most ``window`` chunks in flight.

    Closing the iterator early cancels the chunks that have not started.
    """
    plan = chunks_of(n, chunk_size, start)
    if executor is None:
        for first, stop in plan:
            yield run_chunk(job, first, stop)
        return
    pending: deque[Future[Chunk]] = deque()
    try:
        for first, stop in plan:
            pending.append(executor.submit(run_chunk, job, first, stop))
            if len(pending) >= window:
                yield pending.popleft().result()
                raise_if_interrupted()
        while pending:
            yield pending.popleft().result()
            raise_if_interrupted()
    finally:  # a caller that stops early (--max-errors) leaves chunks in flight: those not started never run
        for future in pending:
            future.cancel()


def replicate(scenario_text: str, n: int, seed: int = 0, executor: Executor | None = None, *,
              name: str = "<scenario>", chunk_size: int = 100, draw: bool = False) -> Replications:
    """Rows of ``n`` seeded replications of a scenario given as YAML text (for notebooks).

    ``draw``: each replication draws every red line's version from its confidence (else: as stated).
    The rows are a list that also holds their summary, as ``negsim sweep`` writes it, and shows
    as tables in a notebook.
    """
    job = Job(scenario_text, name, seed, draw=draw)
    rows = [row for chunk in replicate_chunks(job, n, executor, chunk_size=chunk_size) for row in chunk.rows]
    scenario = loads(scenario_text, name)
    return Replications.of(rows, scenario, seed, draw=draw, columns=columns_for(scenario))
