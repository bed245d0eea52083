"""A sweep: many seeded replications of one scenario into a results folder."""

from __future__ import annotations

import hashlib
import json
import platform
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, get_args

from ..errors import UsageError
from ..files.outputs import write_failure
from ..interrupts import Deferral, KeptInterrupted, deferred, raise_if_interrupted
from ..scenario.model import Scenario
from ..simulation.draws import uncertainties
from ..version import __version__
from .backends import Backend, executor_for
from .defaults import DEFAULT_TIME_LIMIT
from .replicate import (
    Chunk,
    Job,
    RedLinesPlayed,
    red_lines_played,
    replicate_chunks,
)
from .results import (
    MARKERS,
    Notify,
    ResultsFolder,
    columns_for,
    negsim_folder_problem,
    read_cells,
    read_header,
)
from .summary import Summary

Progress = Callable[[int], None]
DEPENDENCIES = ("numpy", "simpy", "pyyaml", "pydantic", "rich", "dask", "distributed", "matplotlib", "pyarrow")


@dataclass(frozen=True)
class SweepSettings:
    """How to run a sweep."""

    n: int
    seed: int = 0
    jobs: int = 1
    backend: Backend = "process"
    scheduler: str | None = None
    chunk_size: int = 100
    trace: bool = False
    parquet: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    max_errors: int | None = None
    """Stop once this many replications have failed (after the chunk that reaches it); None: never."""
    draw: bool = False
    """Whether each replication draws every red line's version from its confidence (else: as stated)."""

    @property
    def red_lines(self) -> RedLinesPlayed:
        """Which red lines the runs play, as the outputs say: ``drawn`` or ``stated``."""
        return red_lines_played(self.draw)


PARQUET_HINT = "--parquet needs the 'parquet' extra: pip install 'negsim[parquet]'"


def write_parquet(source: Path, target: Path) -> None:
    """Convert replications.csv to Parquet (strings kept as strings)."""
    try:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(PARQUET_HINT) from None
    options = pacsv.ConvertOptions(strings_can_be_null=True)
    pq.write_table(pacsv.read_csv(source, convert_options=options), target)


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape results."""
    found = {"python": platform.python_version(), "negsim": __version__}
    for name in DEPENDENCIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


INTERRUPTED = "interrupted: Ctrl-C, or a signal to stop"
"""What ``stopped_early`` says of a sweep the user stopped (its replications kept, ``--resume`` runs the rest)."""


class SweepInterrupted(KeptInterrupted):
    """A sweep the user stopped, whose results folder keeps the replications that ran."""

    def __init__(self, output: Path, result: dict[str, Any]) -> None:
        super().__init__(f"kept the {result['replications']:,} replications that ran (of "
                         f"{result['replications_asked']:,}) in {output}: "
                         f"`negsim sweep --resume {output}` runs the rest")
        self.output = output
        self.result = result


def sweep(scenario: Scenario, scenario_path: Path, settings: SweepSettings, output: Path, *, overwrite: bool = False,
          argv: Sequence[str] | None = None, progress: Progress | None = None, notify: Notify | None = None,
          resume_text: str | None = None) -> dict[str, Any]:
    """Run a sweep into ``output`` and return its summary.

    ``overwrite`` lets an existing results folder of negsim's be replaced (never any other
    folder); ``notify`` hears about leftovers of an earlier, stopped run that were cleaned up.
    A sweep stopped by ``settings.max_errors`` is a finished folder of the replications it ran
    (in order from the first), which its manifest and summary say under ``stopped_early``. One
    the user stops (Ctrl-C, SIGTERM) is one too, marked ``interrupted``, and then raises
    :class:`SweepInterrupted`. With ``resume_text`` (the scenario's text as the stopped sweep
    ran it), ``output`` is such a folder: its replications are kept and the rest run, so that
    replications.csv and summary.json end as an uninterrupted sweep's would.
    """
    text = scenario_path.read_text(encoding="utf-8") if resume_text is None else resume_text
    started = datetime.now(UTC).isoformat(timespec="seconds")
    uncertain = uncertainties(scenario, settings.draw)
    job = Job(text, str(scenario_path), settings.seed, settings.trace, settings.time_limit, draw=settings.draw,
              replay=f"negsim run {shlex.quote(str(scenario_path))}")
    with Deferral() as finishing, ResultsFolder(output, columns_for(scenario), overwrite=overwrite,
                                                trace=settings.trace, notify=notify,
                                                continuing=resume_text is not None) as folder:
        summary = _kept_summary(scenario, uncertain, folder)
        if progress is not None and summary.runs:
            progress(summary.runs)
        try:
            stopped = _replicate_into(folder, job, settings, summary, progress)
            finishing.start()  # from here, a Ctrl-C is noted: the replications are done, the folder is finished
            if settings.parquet:
                _write_parquet_into(folder, output)
        except KeyboardInterrupt:
            finishing.start()
            stopped = INTERRUPTED
            summary = _kept_summary(scenario, uncertain, folder)  # what the files hold, whatever was in flight
        result = {"scenario": scenario.id, "title": scenario.title, "red_lines": settings.red_lines,
                  **summary.to_dict(), "replications_asked": settings.n, "stopped_early": stopped,
                  "interrupted": stopped == INTERRUPTED}
        folder.write_json("summary.json", result)
        folder.write_text("scenario.yaml", text)
        folder.write_json("manifest.json", _manifest(scenario, scenario_path, text, settings, argv, started,
                                                     ran=summary.runs, stopped=stopped))
    if stopped == INTERRUPTED:
        raise SweepInterrupted(output, result)
    return result


def _kept_summary(scenario: Scenario, uncertain: list[str], folder: ResultsFolder) -> Summary:
    """The summary of the rows the folder under construction holds (a resumed sweep's start, a stopped one's end)."""
    folder.flush()
    return Summary(scenario.start, folder.columns, uncertain).add_all(read_cells(folder.path))


def _replicate_into(folder: ResultsFolder, job: Job, settings: SweepSettings, summary: Summary,
                    progress: Progress | None) -> str | None:
    """Run the replications the folder does not hold yet, writing them; return why the sweep stopped early, if so."""
    with executor_for(settings.backend, settings.jobs, settings.scheduler) as executor:
        chunks = replicate_chunks(job, settings.n, executor, chunk_size=settings.chunk_size,
                                  window=max(4, 4 * settings.jobs), start=summary.runs)
        with closing(chunks):  # closed on a stop, so that chunks not yet started are cancelled
            return _take(chunks, folder, summary, settings, progress)


def _take(chunks: Iterator[Chunk], folder: ResultsFolder, summary: Summary, settings: SweepSettings,
          progress: Progress | None) -> str | None:
    """Write each chunk's rows and events and sum them up, to the last or to a stop; return why it stopped."""
    for chunk in chunks:
        with deferred():  # a chunk is written whole, or not at all
            summary.add_all(folder.write_rows(chunk.rows))
            folder.write_events(chunk.events)
        raise_if_interrupted()
        if progress is not None:
            progress(len(chunk.rows))
        stopped = _stop_reason(summary, settings)
        if stopped is not None:
            return stopped
    return None


def _stop_reason(summary: Summary, settings: SweepSettings) -> str | None:
    """Why the sweep stops before its last replication, if it does (None: it goes on)."""
    if settings.max_errors is not None and summary.errors >= settings.max_errors and summary.runs < settings.n:
        return f"{summary.errors} replications failed, and --max-errors is {settings.max_errors}"
    return None


@dataclass(frozen=True)
class Stopped:
    """An interrupted sweep's folder, as ``--resume`` finds it: the scenario's text and how the sweep was started."""

    manifest: dict[str, Any]
    text: str

    @property
    def scenario_path(self) -> Path:
        """The scenario's path as the sweep was given it (which each row's replay command names)."""
        return Path(self.manifest["scenario_path"])

    def settings(self, running: SweepSettings) -> SweepSettings:
        """The sweep's settings as started, run where and how ``running`` says (which changes no result)."""
        return settings_as_started(self.manifest, running)


STARTED_KEYS: dict[str, type | tuple[type, ...]] = {
    "replications_asked": int, "seed": int, "trace": bool, "time_limit": (int, float),
    "max_errors": (int, type(None)), "red_lines": str}
"""What a stopped sweep's manifest.json (or a stopped comparison's compare.json) records of the settings that
decide results, each with its type: what a ``--resume`` runs the rest with."""


def settings_as_started(record: dict[str, Any], running: SweepSettings) -> SweepSettings:
    """Settings that decide results as ``record`` holds them (:data:`STARTED_KEYS`), run as ``running`` says."""
    return replace(running, n=record["replications_asked"], seed=record["seed"], trace=record["trace"],
                   time_limit=record["time_limit"], max_errors=record["max_errors"],
                   draw=record["red_lines"] == red_lines_played(True))


_RESUMED_KEYS: dict[str, type | tuple[type, ...]] = {
    **STARTED_KEYS, "replications": int, "scenario_path": str, "scenario_sha256": str}


def resumable(folder: Path) -> Stopped:
    """The interrupted sweep in ``folder``, checked for ``--resume``; a :class:`UsageError` says why it cannot be."""
    problem = negsim_folder_problem(folder, "sweep") if folder.is_dir() else "is not a folder"
    if problem is not None:
        raise UsageError(f"cannot resume '{folder}': it {problem}")
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        text = (folder / "scenario.yaml").read_text(encoding="utf-8")
        width = len(read_header(folder))
        rows, short = 0, None
        for line, cells in enumerate(read_cells(folder), 2):  # one pass: the row count, and the first short row
            rows += 1
            if short is None and len(cells) != width:
                short = line
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot resume '{folder}': {exc}") from None
    wrong = [key for key, kind in _RESUMED_KEYS.items() if not isinstance(manifest.get(key), kind)]
    if wrong or manifest.get("red_lines") not in get_args(RedLinesPlayed):
        raise UsageError(f"cannot resume '{folder}': its manifest.json lacks {', '.join(wrong) or 'red_lines'} "
                         "as an interrupted sweep writes it")
    if not manifest.get("interrupted"):
        stopped = manifest.get("stopped_early")
        raise UsageError(f"cannot resume '{folder}': the sweep was not interrupted; it ran "
                         f"{manifest['replications']} of {manifest['replications_asked']} replications"
                         f"{f', and stopped: {stopped}' if stopped else ''}")
    if hashlib.sha256(text.encode()).hexdigest() != manifest["scenario_sha256"]:
        raise UsageError(f"cannot resume '{folder}': scenario.yaml is not the scenario that ran (its SHA-256 "
                         "differs from manifest.json's)")
    if short is not None:
        raise UsageError(f"cannot resume '{folder}': replications.csv line {short} has not as many cells as its "
                         "header")
    if rows != manifest["replications"]:
        raise UsageError(f"cannot resume '{folder}': replications.csv has {rows} rows but manifest.json says "
                         f"{manifest['replications']} ran")
    return Stopped(manifest, text)


def _write_parquet_into(folder: ResultsFolder, output: Path) -> None:
    try:
        write_parquet(folder.path / "replications.csv", folder.path / "replications.parquet")
    except OSError as exc:  # pyarrow's I/O errors are OSErrors too
        raise write_failure(output, exc) from None


def _manifest(scenario: Scenario, scenario_path: Path, text: str, settings: SweepSettings,
              argv: Sequence[str] | None, started: str, *, ran: int, stopped: str | None) -> dict[str, Any]:
    """What a results folder records of how it was made; it is finished when this is written.

    ``replications`` are those that ran (the rows of replications.csv), ``replications_asked``
    those asked for: fewer ran only when the sweep stopped early, and ``stopped_early`` says why.
    """
    return {
        "kind": MARKERS["sweep"], "scenario": scenario.id, "scenario_file": scenario_path.name,
        "scenario_sha256": hashlib.sha256(text.encode()).hexdigest(), "seed": settings.seed,
        "replications": ran, "replications_asked": settings.n, "stopped_early": stopped,
        "interrupted": stopped == INTERRUPTED, "scenario_path": str(scenario_path), "red_lines": settings.red_lines,
        "max_errors": settings.max_errors, "backend": settings.backend,
        "workers": 1 if settings.backend == "serial" else settings.jobs,
        "scheduler": settings.scheduler, "chunk_size": settings.chunk_size, "trace": settings.trace,
        "time_limit": settings.time_limit,
        "versions": versions(), "argv": list(argv if argv is not None else sys.argv[1:]),
        "started": started, "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": f"negsim sweep {scenario_path.name} -n {settings.n} --seed {settings.seed}"
                   f"{' --draw' if settings.draw else ''}",
    }
