"""Results folders written atomically and streamed: rows go to disk as they come.

Everything is written inside a hidden sibling folder (``.NAME.partial``) first and renamed
into place at the end, so an interrupted sweep leaves no half-written results. The partial
folder holds an owner file (process id, its start, host): a partial folder left by a
negsim that was killed is recognised and removed by the next run into the same folder,
and one that another running negsim is writing is left alone.

An existing folder is replaced only when asked (``--force``), and only if negsim's own
manifest marks it as a results folder of the same kind and it holds nothing negsim did
not write; the old folder stays in place until the new one is complete.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

from ..errors import UsageError
from ..files.outputs import file_kind, write_failure
from ..scenario.model import Scenario

FIXED_COLUMNS = ("replication", "root_seed", "agreed", "reason", "date", "day", "rounds", "drafts")

FolderKind = Literal["sweep", "compare"]
MARKERS: dict[FolderKind, str] = {"sweep": "negsim-sweep", "compare": "negsim-compare"}
"""The ``kind`` that marks a folder as negsim's, in its manifest.json (sweep) or compare.json (compare)."""
MARKER_FILES: dict[FolderKind, str] = {"sweep": "manifest.json", "compare": "compare.json"}
SWEEP_FILES = frozenset({"manifest.json", "summary.json", "replications.csv", "replications.parquet",
                         "events.jsonl", "scenario.yaml", "report.html"})
"""Every file a sweep writes into its results folder (report.html with --report)."""
COMPARE_FILES = frozenset({"compare.json", "report.html"})
"""Every file a comparison writes into its folder, beside one results folder per scenario."""
OWNER_FILE = "owner.json"
"""Inside a partial folder: which process is writing it."""

Notify = Callable[[str], None]


def columns_for(scenario: Scenario) -> list[str]:
    """The columns of replications.csv: fixed, one per term, blockers, versions, draws, replay command, error."""
    columns = list(FIXED_COLUMNS) + [f"term:{i.id}" for i in scenario.issues] + ["blocking", "blocking_parties"]
    columns += [f"version:{p.id}/{r.id}" for p in scenario.parties for r in p.red_lines]
    draws = []
    for event in scenario.events:
        if event.date is not None and event.probability < 1.0:
            draws.append(f"draw:happens:{event.id}")
        if event.kind == "summit":
            draws += [f"draw:attends:{event.id}:{party}" for party in event.attendance]
        if event.rate_per_day is not None:
            draws += [f"draw:shocks:{event.id}", f"draw:due:{event.id}"]
    return columns + sorted(draws) + ["replay", "error"]


def _quiet(message: str) -> None:
    """Drop a notice (the library never prints; the command line passes a printer)."""


class OutputFolder:
    """Context manager over a results folder under construction, yielding the folder to write into.

    The folder is built as ``.NAME.partial`` beside the target and renamed into place when
    the block ends without an exception; on any exception it is removed.
    """

    def __init__(self, target: Path, kind: FolderKind, *, overwrite: bool = False,
                 notify: Notify | None = None) -> None:
        self.shown = target
        self.target = Path(os.path.abspath(target))
        if not self.target.name:
            raise UsageError(f"cannot write results to '{target}': name a folder to create, not the root folder")
        self.kind = kind
        self.overwrite = overwrite
        self.notify = notify or _quiet
        self.work = self.target.parent / f".{self.target.name}.partial"
        self.backup = self.target.parent / f".{self.target.name}.replaced"
        self.made: list[Path] = []
        """Folders above the target that did not exist and were made for it, the outermost first."""
        self._check_target()

    def _check_target(self) -> None:
        """Refuse a target that is not a folder, or one that holds anything and may not be replaced."""
        with _writing(self.shown):  # an unreadable folder: the OS's reason
            self._check_target_kind()

    def _check_target_kind(self) -> None:
        kind = file_kind(self.target)
        if kind == "a folder":
            if any(self.target.iterdir()):
                self._check_replaceable()
            return
        if kind is not None:
            raise UsageError(f"cannot write results to '{self.shown}': it is {kind}, not a folder; negsim has left "
                             "it untouched (name a new folder)")
        if self.target.exists():
            raise UsageError(f"cannot write results to '{self.shown}': {os.strerror(errno.ENOTDIR)} (it is a file; "
                             "name a new folder)")
        if not self.target.parent.is_dir():
            self._check_parents()

    def _check_parents(self) -> None:
        """Note the missing folders above the target, to be made (as ``mkdir -p``); refuse a file in the way."""
        missing = []
        parent = self.target.parent
        while not parent.is_dir():
            if file_kind(parent) is not None or parent.exists():
                raise UsageError(f"cannot write '{self.shown}': '{parent}' is {file_kind(parent) or 'a file'}, "
                                 "not a folder")
            missing.append(parent)
            parent = parent.parent
        self.made = missing[::-1]

    def _make_parents(self) -> None:
        for folder in self.made:
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            except OSError as exc:
                raise write_failure(self.shown, exc) from None
        if self.made:
            self.notify(f"made the folder '{self.made[-1]}' for the results")

    def _remove_made_parents(self) -> None:
        """Remove the folders made for a target that never came, innermost first, if nothing else went in."""
        for folder in reversed(self.made):
            try:
                folder.rmdir()
            except OSError:
                return

    def _check_replaceable(self) -> None:
        problem = negsim_folder_problem(self.target, self.kind)
        if problem is None and not self.overwrite:
            raise UsageError(f"'{self.shown}' already holds results; choose another folder or pass --force")
        if problem is not None:
            advice = "--force replaces only a results folder that negsim wrote, so " if self.overwrite else ""
            raise UsageError(f"'{self.shown}' is not empty and {problem}; {advice}nothing was changed: "
                             "choose another folder")

    def __enter__(self) -> Path:
        self._make_parents()
        try:
            self._clear_leftovers()  # refuses what is in the way and not negsim's: it must stay as it is
            try:
                self.work.mkdir()
            except OSError as exc:
                raise write_failure(self.shown, exc) from None
        except BaseException:
            self._remove_made_parents()
            raise
        try:
            with _writing(self.shown):
                (self.work / OWNER_FILE).write_text(json.dumps(_this_process()) + "\n", encoding="utf-8")
        except BaseException:
            self._abandon()
            raise
        return self.work

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None:
            self._abandon()
            return
        try:
            self._publish()
        except BaseException:
            self._abandon()
            raise

    def _abandon(self) -> None:
        """Remove the folder under construction, and the folders made for it (nothing of it stays)."""
        shutil.rmtree(self.work, ignore_errors=True)
        self._remove_made_parents()

    def _publish(self) -> None:
        """Rename the finished folder into place, the old one (if any) kept until the new one is there."""
        with _writing(self.shown):
            (self.work / OWNER_FILE).unlink()
        # Checked again: the user may have put a file into the folder while the sweep ran.
        self._check_target()
        if not self.target.exists():
            with _writing(self.shown):
                os.rename(self.work, self.target)
            return
        with _writing(self.shown):
            os.rename(self.target, self.backup)
        try:
            os.rename(self.work, self.target)
        except OSError as exc:
            os.rename(self.backup, self.target)
            raise write_failure(self.shown, exc) from None
        shutil.rmtree(self.backup, ignore_errors=True)

    def _clear_leftovers(self) -> None:
        """Deal with what a negsim that was killed left beside the target: a partial folder, a replaced one."""
        self._clear_partial()
        if file_kind(self.backup) != "a folder":
            return
        if negsim_folder_problem(self.backup, self.kind) is not None:
            raise UsageError(f"'{self.backup}' is in the way and was not written by negsim; move it away")
        if self.target.exists():
            with _writing(self.shown):
                shutil.rmtree(self.backup)
            self.notify(f"removed '{self.backup}', the old results an earlier, stopped negsim was replacing")
        else:
            with _writing(self.shown):
                os.rename(self.backup, self.target)
            self.notify(f"restored '{self.shown}' from '{self.backup}', which an earlier negsim stopped while "
                        "replacing it")
            self._check_target()

    def _clear_partial(self) -> None:
        kind = file_kind(self.work)
        if kind is None and not self.work.exists():
            return
        if kind != "a folder":
            raise UsageError(f"'{self.work}' is in the way: it is {kind or 'a file'}; move it away")
        owner = _read_owner(self.work)
        # Without its owner file (stopped just before the final rename, or while being removed), a
        # partial folder is still negsim's if it holds only what negsim writes there.
        if owner is None and _foreign_entries(self.work, self.kind, partial=True) is not None:
            raise UsageError(f"'{self.work}' is in the way and was not written by negsim; move it away")
        if owner is not None and _alive(owner):
            raise UsageError(f"another negsim is writing '{self.shown}' (process {owner.get('pid')} on "
                             f"{owner.get('host')}, started {owner.get('started')}); wait for it or choose "
                             f"another folder (if it is not running, remove '{self.work}')")
        with _writing(self.shown):
            shutil.rmtree(self.work)
        who = f" (process {owner.get('pid')}, started {owner.get('started')})" if owner is not None else ""
        self.notify(f"removed '{self.work}', left by a negsim that was stopped{who}")


class ResultsFolder:
    """Context manager over a sweep's results folder under construction: replications.csv streamed, and the rest."""

    def __init__(self, target: Path, columns: list[str], *, overwrite: bool = False, trace: bool = False,
                 notify: Notify | None = None, continuing: bool = False) -> None:
        """``continuing``: the target is a stopped sweep's folder, whose rows (and events) the new one starts from.

        It stays as it is until the new folder, its rows and the new ones, takes its place.
        """
        self.folder = OutputFolder(target, "sweep", overwrite=overwrite or continuing, notify=notify)
        self.target = target
        self.columns = columns
        self.trace = trace
        self.continuing = continuing
        self._files: list[IO[str]] = []

    def __enter__(self) -> ResultsFolder:
        self.work = self.folder.__enter__()
        try:
            if self.continuing:
                self._copy_started()
            self._csv_file = self._open("replications.csv")
            self._csv = csv.writer(self._csv_file, lineterminator="\n")
            if not self.continuing:
                with _writing(self.target):
                    self._csv.writerow(self.columns)
            self._events = self._open("events.jsonl") if self.trace else None
        except BaseException as exc:
            self._close_files()
            self.folder.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    def _open(self, name: str) -> IO[str]:
        with _writing(self.target):
            handle = (self.work / name).open("a" if self.continuing else "w", encoding="utf-8", newline="")
        self._files.append(handle)
        return handle

    def _copy_started(self) -> None:
        """Start from the stopped sweep's rows and events (copies: its folder is left as it is meanwhile)."""
        source = self.folder.target
        with _writing(self.target):
            header = read_header(source)
        if header != self.columns:
            raise UsageError(f"'{self.target}': replications.csv has other columns than this scenario's sweep "
                             "writes; it cannot be continued (run the sweep again into a new folder)")
        with _writing(self.target):
            shutil.copyfile(source / "replications.csv", self.work / "replications.csv")
            if self.trace:
                shutil.copyfile(source / "events.jsonl", self.work / "events.jsonl")

    def flush(self) -> None:
        """Write what the open files buffer, so that the rows can be read back."""
        with _writing(self.target):
            for handle in self._files:
                handle.flush()

    def write_rows(self, rows: list[dict[str, Any]]) -> list[list[str]]:
        """Append replication rows to replications.csv; return each row's cells as written."""
        written = row_cells(rows, self.columns)
        with _writing(self.target):
            self._csv.writerows(written)
        return written

    def write_events(self, lines: list[str]) -> None:
        """Append traced event-log lines to events.jsonl."""
        if self._events is not None:
            with _writing(self.target):
                self._events.writelines(lines)

    def write_json(self, name: str, data: Any) -> None:
        """Write one JSON file of the folder."""
        write_json(self.work / name, data, shown=self.target)

    def write_text(self, name: str, text: str) -> None:
        """Write one text file of the folder (e.g. the copy of the scenario)."""
        with _writing(self.target):
            (self.work / name).write_text(text, encoding="utf-8")

    @property
    def path(self) -> Path:
        """Where files are being written now."""
        return self.work

    def _close_files(self) -> OSError | None:
        """Close every open file; a buffered write that fails only now (a full disk) is returned."""
        failure: OSError | None = None
        for handle in self._files:
            try:
                handle.close()
            except OSError as exc:
                failure = failure or exc
        self._files.clear()
        return failure

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        failure = self._close_files()
        if kind is None and failure is not None:
            error = write_failure(self.target, failure)
            self.folder.__exit__(type(error), error, None)
            raise error
        self.folder.__exit__(kind, exc, tb)


def read_rows(folder: Path) -> Iterator[dict[str, str]]:
    """Rows of a results folder's replications.csv, as strings."""
    with (folder / "replications.csv").open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def read_header(folder: Path) -> list[str]:
    """The header of a results folder's replications.csv (empty if it has none)."""
    with (folder / "replications.csv").open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def read_cells(folder: Path) -> Iterator[list[str]]:
    """Rows of a results folder's replications.csv as lists of cells, in the order of its header (not included)."""
    with (folder / "replications.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        yield from rows


def json_file_text(data: Any) -> str:
    """A results folder's JSON file as it is written: indented, UTF-8 as is, a newline at the end.

    The one formatting of every JSON file of a folder, whoever writes it, so that a resumed
    comparison's compare.json is byte for byte an uninterrupted one's.
    """
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_json(path: Path, data: Any, *, shown: Path) -> None:
    """Write one JSON file inside a folder under construction (``shown`` names the folder in errors)."""
    with _writing(shown):
        path.write_text(json_file_text(data), encoding="utf-8")


def negsim_folder_problem(folder: Path, kind: FolderKind) -> str | None:
    """Why ``folder`` is not a results folder negsim wrote of this kind (None if it is one)."""
    marker = MARKER_FILES[kind]
    if file_kind(folder / marker) is not None or not (folder / marker).is_file():
        return f"has no {marker} of negsim's"
    try:
        data = json.loads((folder / marker).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"its {marker} is not negsim's"
    if not isinstance(data, dict) or data.get("kind") != MARKERS[kind]:
        return f"its {marker} does not mark it as a {kind} folder of negsim's"
    return _foreign_entries(folder, kind)


def _foreign_entries(folder: Path, kind: FolderKind, *, partial: bool = False) -> str | None:
    """Name an entry of the folder that negsim would not have written there (a partial folder: may be unfinished)."""
    allowed = SWEEP_FILES if kind == "sweep" else COMPARE_FILES
    for entry in sorted(folder.iterdir()):
        what = file_kind(entry)
        if what is None and (entry.name in allowed or (partial and entry.name == OWNER_FILE)):
            continue
        if what == "a folder" and kind == "compare":  # a scenario's results: in a partial folder, maybe unfinished
            problem = (_foreign_entries(entry, "sweep", partial=True) if partial
                       else negsim_folder_problem(entry, "sweep"))
            if problem is None:
                continue
            return f"its folder '{entry.name}' {problem}"
        return f"holds '{entry.name}', which negsim did not write"
    return None


@contextmanager
def _writing(shown: Path) -> Iterator[None]:
    """Turn the operating system's refusal to write (a full disk, no permission) into a usage error."""
    try:
        yield
    except OSError as exc:
        raise write_failure(shown, exc) from None


def _this_process() -> dict[str, Any]:
    """Who is writing a partial folder: enough to tell later whether that process still runs."""
    pid = os.getpid()
    return {"negsim": "partial results folder", "pid": pid, "host": socket.gethostname(), "boot": _boot_id(),
            "process_start": _process_start(pid), "started": datetime.now(UTC).isoformat(timespec="seconds")}


def _read_owner(work: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((work / OWNER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None


def _alive(owner: dict[str, Any]) -> bool:
    """Whether the process that wrote an owner file may still run (on another host: assume it does)."""
    if owner.get("host") != socket.gethostname():
        return True
    if owner.get("boot") != _boot_id():
        return False
    pid = int(owner["pid"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    # A process id can be reused: the same id with another start time is another process.
    started = owner.get("process_start")
    return started is None or started == _process_start(pid)


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return None


def _process_start(pid: int) -> int | None:
    """The start time of a process in clock ticks since boot (Linux), None where /proc does not tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    fields = stat[stat.rfind(")") + 2:].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def row_cells(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> list[list[str]]:
    """Each row's cells as replications.csv holds them, in the order of ``columns``."""
    return [[cell(row.get(column)) for column in columns] for row in rows]


def cell(value: object) -> str:
    """A value as replications.csv holds it (what summaries are worked out from)."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)
