"""A results folder written atomically and streamed: rows go to disk as they come.

Everything is written inside a hidden sibling folder first and renamed into place at
the end, so an interrupted sweep leaves no half-written results, and an existing
folder is replaced only when asked.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sim.errors import UsageError

FIXED_COLUMNS = ("replication", "seed", "agreed", "date", "day", "rounds", "drafts")


class ResultsFolder:
    """Context manager over a results folder under construction."""

    def __init__(self, target: Path, columns: list[str], *, overwrite: bool = False, trace: bool = False) -> None:
        if target.exists() and any(target.iterdir()) and not overwrite:
            raise UsageError(f"'{target}' already holds results; choose another folder or pass --force")
        if not target.parent.is_dir():
            raise UsageError(f"cannot write '{target}': folder '{target.parent}' does not exist")
        self.target = target
        self.work = target.parent / f".{target.name}.partial"
        self.columns = columns
        self.overwrite = overwrite
        self.trace = trace
        self._files: list[IO[str]] = []

    def __enter__(self) -> ResultsFolder:
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir()
        self._csv_file = self._open("replications.csv")
        self._csv = csv.writer(self._csv_file, lineterminator="\n")
        self._csv.writerow(self.columns)
        self._events = self._open("events.jsonl") if self.trace else None
        return self

    def _open(self, name: str) -> IO[str]:
        handle = (self.work / name).open("w", encoding="utf-8", newline="")
        self._files.append(handle)
        return handle

    def write_rows(self, rows: list[dict[str, Any]]) -> None:
        """Append replication rows to replications.csv."""
        for row in rows:
            self._csv.writerow([_cell(row.get(column)) for column in self.columns])

    def write_events(self, lines: list[str]) -> None:
        """Append traced event-log lines to events.jsonl."""
        if self._events is not None:
            self._events.writelines(lines)

    def write_json(self, name: str, data: Any) -> None:
        """Write one JSON file of the folder."""
        (self.work / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def write_text(self, name: str, text: str) -> None:
        """Write one text file of the folder (e.g. the copy of the scenario)."""
        (self.work / name).write_text(text, encoding="utf-8")

    @property
    def path(self) -> Path:
        """Where files are being written now."""
        return self.work

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for handle in self._files:
            handle.close()
        if kind is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            return
        if self.target.exists():
            backup = self.target.parent / f".{self.target.name}.replaced"
            shutil.rmtree(backup, ignore_errors=True)
            os.replace(self.target, backup)
            os.replace(self.work, self.target)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(self.work, self.target)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)
