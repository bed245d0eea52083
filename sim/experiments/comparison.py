"""Run a comparison: one sweep per scenario into one folder, then compare.json; kept when stopped, and resumed.

The folder is built aside and renamed into place (:class:`~sim.experiments.results.OutputFolder`).
Stopped by the user (Ctrl-C, SIGTERM), it is renamed into place all the same, holding the
sweeps that finished and the one that was running (itself a stopped sweep, marked
``interrupted``), with a compare.json that says ``interrupted`` and records how the
comparison was started: its files (and each one's SHA-256), seed, size and red lines.
:func:`resume_comparison` finishes it as it was started: the stopped sweep resumed, the
sweeps not begun run, and the comparison made, so that it ends as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..files.outputs import write_atomically
from ..interrupts import Deferral, KeptInterrupted
from ..scenario.loader import loads
from ..scenario.model import Scenario
from .compare import compare_folders, differences_in_kind
from .results import MARKERS, Notify, OutputFolder, json_file_text, negsim_folder_problem, write_json
from .sweep import STARTED_KEYS, Progress, SweepSettings, resumable, settings_as_started, sweep

COMPARE_FILE = "compare.json"
Bars = Callable[[int, str], AbstractContextManager[Progress | None]]
"""Progress of one scenario's sweep: given its replications and a label, a context yielding a counter (or None)."""


def _no_bars(total: int, label: str) -> AbstractContextManager[Progress | None]:
    return nullcontext(None)


@dataclass(frozen=True)
class Compared:
    """A finished comparison: each scenario's summary, and what compare.json holds."""

    summaries: list[dict[str, Any]]
    comparison: dict[str, Any]


class CompareInterrupted(KeptInterrupted):
    """A comparison the user stopped, whose folder keeps the sweeps that ran and can be resumed."""

    def __init__(self, output: Path, finished: int, total: int) -> None:
        super().__init__(f"kept the sweeps that ran ({finished} of {total} scenarios finished) in {output}: "
                         f"`negsim compare --resume {output}` runs the rest")
        self.output = output


def run_comparison(scenarios: Sequence[tuple[Scenario, Path]], settings: SweepSettings, output: Path, *,
                   overwrite: bool = False, bars: Bars = _no_bars, notify: Notify | None = None,
                   argv: Sequence[str] | None = None) -> Compared:
    """Sweep each scenario (the first is the baseline) into ``output`` and compare them.

    Raises :class:`CompareInterrupted` when the user stops it, after the folder is kept.
    """
    warnings = differences_in_kind([scenario for scenario, _ in scenarios])
    begun = _begun(scenarios, settings, warnings)
    summaries: list[dict[str, Any]] = []
    with Deferral() as finishing, OutputFolder(output, "compare", overwrite=overwrite, notify=notify) as work:
        try:
            for scenario, path in scenarios:
                with bars(settings.n, f"sweeping {scenario.id}") as advance:
                    summaries.append(sweep(scenario, path, settings, work / scenario.id, progress=advance, argv=argv))
            comparison = compare_folders([work / s.id for s, _ in scenarios], [s for s, _ in scenarios], warnings)
            finishing.start()  # from here, a Ctrl-C is noted: the comparison is made, the folder is finished
            write_json(work / COMPARE_FILE, _finished(comparison, begun), shown=output)
        except KeyboardInterrupt:
            finishing.start()
            write_json(work / COMPARE_FILE, {"kind": MARKERS["compare"], "interrupted": True, **begun}, shown=output)
            stopped = len(summaries)
        else:
            return Compared(summaries, comparison)
    raise CompareInterrupted(output, stopped, len(scenarios))


def _begun(scenarios: Sequence[tuple[Scenario, Path]], settings: SweepSettings,
           warnings: list[str]) -> dict[str, Any]:
    """How a comparison was started, as its compare.json records it (all a resume needs)."""
    return {"scenarios": [scenario.id for scenario, _ in scenarios], "files": [str(path) for _, path in scenarios],
            "files_sha256": [_sha256(path.read_bytes()) for _, path in scenarios],
            "replications_asked": settings.n, "seed": settings.seed, "red_lines": settings.red_lines,
            "time_limit": settings.time_limit, "trace": settings.trace, "max_errors": settings.max_errors,
            "begun_warnings": warnings}


def _finished(comparison: dict[str, Any], begun: dict[str, Any]) -> dict[str, Any]:
    """A finished comparison's compare.json: its results, and how it was started."""
    return {"kind": MARKERS["compare"], "interrupted": False, **comparison,
            "started": {key: value for key, value in begun.items() if key != "begun_warnings"}}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_BEGUN_KEYS: dict[str, type | tuple[type, ...]] = {
    **STARTED_KEYS, "scenarios": list, "files": list, "files_sha256": list, "begun_warnings": list}


def resumable_comparison(folder: Path) -> dict[str, Any]:
    """The interrupted comparison in ``folder`` (its compare.json), checked for ``--resume``."""
    problem = negsim_folder_problem(folder, "compare") if folder.is_dir() else "is not a folder"
    if problem is not None:
        raise UsageError(f"cannot resume '{folder}': it {problem}")
    try:
        data = json.loads((folder / COMPARE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot resume '{folder}': {exc}") from None
    if not data.get("interrupted"):
        raise UsageError(f"cannot resume '{folder}': the comparison was not interrupted; it is finished")
    wrong = [key for key, kind in _BEGUN_KEYS.items() if not isinstance(data.get(key), kind)]
    ids, files, hashes = data.get("scenarios"), data.get("files"), data.get("files_sha256")
    if wrong or not (isinstance(ids, list) and isinstance(files, list) and isinstance(hashes, list)
                     and len(ids) == len(files) == len(hashes) >= 2):
        raise UsageError(f"cannot resume '{folder}': its compare.json lacks {', '.join(wrong) or 'its scenarios'} "
                         "as an interrupted comparison writes it")
    if any(not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\\" in name for name in ids):
        raise UsageError(f"cannot resume '{folder}': its compare.json names a scenario that is not a folder inside it")
    return dict(data)


def resume_comparison(folder: Path, running: SweepSettings, *, bars: Bars = _no_bars, notify: Notify | None = None,
                      argv: Sequence[str] | None = None) -> Compared:
    """Finish the interrupted comparison in ``folder`` as it was started, run where and how ``running`` says.

    Finished sweeps are kept, the stopped one resumed, those not begun run from their files
    (which must be as they were: their SHA-256 is checked); then compare.json is replaced by
    the comparison's. Stopped again, the folder stays as it was, resumable.
    """
    begun = resumable_comparison(folder)
    settings = settings_as_started(begun, running)
    summaries, scenarios = [], []
    try:
        for name, file, digest in zip(begun["scenarios"], begun["files"], begun["files_sha256"], strict=True):
            scenario, summary = _finish_one(folder / name, Path(file), digest, settings, bars, notify, argv)
            scenarios.append(scenario)
            summaries.append(summary)
    except KeyboardInterrupt:
        raise CompareInterrupted(folder, len(summaries), len(begun["scenarios"])) from None
    comparison = compare_folders([folder / s.id for s in scenarios], scenarios, begun["begun_warnings"])
    started = {key: value for key, value in begun.items() if key not in ("kind", "interrupted")}
    write_atomically(folder / COMPARE_FILE, json_file_text(_finished(comparison, started)))
    return Compared(summaries, comparison)


def _finish_one(results: Path, file: Path, digest: str, settings: SweepSettings, bars: Bars,
                notify: Notify | None, argv: Sequence[str] | None) -> tuple[Scenario, dict[str, Any]]:
    """One scenario of a resumed comparison: its finished sweep as it is, its stopped one resumed, or its sweep run."""
    if results.is_dir():
        manifest = _manifest(results)
        if not manifest.get("interrupted"):
            text = (results / "scenario.yaml").read_text(encoding="utf-8")
            summary = json.loads((results / "summary.json").read_text(encoding="utf-8"))
            return loads(text, str(results / "scenario.yaml")), summary
        stopped = resumable(results)
        scenario = loads(stopped.text, str(results / "scenario.yaml"))
        with bars(settings.n, f"sweeping {scenario.id}") as advance:
            return scenario, sweep(scenario, stopped.scenario_path, settings, results, progress=advance, argv=argv,
                                   notify=notify, resume_text=stopped.text)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot resume: the comparison's scenario '{file}' cannot be read ({exc.strerror})") from None
    if _sha256(data) != digest:
        raise UsageError(f"cannot resume: '{file}' has changed since the comparison began (its SHA-256 differs); "
                         "run the comparison again into a new folder")
    scenario = loads(data.decode("utf-8"), str(file))
    with bars(settings.n, f"sweeping {scenario.id}") as advance:
        return scenario, sweep(scenario, file, settings, results, progress=advance, argv=argv, notify=notify)


def _manifest(results: Path) -> dict[str, Any]:
    problem = negsim_folder_problem(results, "sweep")
    if problem is not None:
        raise UsageError(f"cannot resume: '{results}' {problem}")
    try:
        manifest: dict[str, Any] = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot resume: '{results}': {exc}") from None
    return manifest
