"""Check a results folder before a report reads it, and name what is wrong: the file, and the line where it applies.

A results folder is what ``negsim sweep`` writes: manifest.json, summary.json and
replications.csv (scenario.yaml is optional for a report). The check reads every file as
a regular file only (a FIFO or a device is never opened), as UTF-8, and
replications.csv row by row in constant memory: the header's fixed columns, one cell per
column in every row, parsable values, and as many rows as the manifest says replications
ran - so a truncated file is an error, not a smaller sample.
"""

from __future__ import annotations

import csv
import json
import math
import stat
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import UsageError, os_reason
from ..experiments.results import FIXED_COLUMNS, MARKERS

SWEEP_KIND, COMPARE_KIND = MARKERS["sweep"], MARKERS["compare"]
RESULTS_FILES = ("manifest.json", "summary.json", "replications.csv")
MAX_JSON_BYTES = 64 * 1024 * 1024
MANIFEST_KEYS: dict[str, type] = {"scenario": str, "replications": int, "seed": int}
SUMMARY_KEYS: dict[str, type] = {"scenario": str, "replications": int, "errors": int}
REMAKE = "make the folder again with `negsim sweep` or `negsim compare`"


class _Bad(Exception):
    """One problem in one file, with its line when it has one."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        super().__init__(f"{path}:{line}: {problem}" if line is not None else f"{path}: {problem}")


def check_results_folder(folder: Path) -> None:
    """Raise :class:`UsageError` naming the first problem that keeps ``folder`` from being read as results."""
    try:
        for name in RESULTS_FILES:
            _regular(folder / name)
        manifest = _json_object(folder / "manifest.json")
        _expect_keys(folder / "manifest.json", manifest, MANIFEST_KEYS)
        if manifest.get("kind", SWEEP_KIND) != SWEEP_KIND:
            raise _Bad(folder / "manifest.json", f"it is the manifest of another kind of folder "
                       f"({_shown(manifest['kind'])}), not of a sweep's results")
        summary = _json_object(folder / "summary.json")
        _expect_keys(folder / "summary.json", summary, SUMMARY_KEYS)
        for key in ("scenario", "replications"):
            if summary[key] != manifest[key]:
                raise _Bad(folder / "summary.json", f"'{key}' is {_shown(summary[key])} but manifest.json says "
                           f"{_shown(manifest[key])}")
        errors = _check_rows(folder / "replications.csv", manifest)
        if errors != summary["errors"]:
            raise _Bad(folder / "replications.csv", f"{errors} rows hold an error but summary.json counts "
                       f"{summary['errors']}")
    except _Bad as bad:
        raise UsageError(f"{bad}; {REMAKE}") from None


def comparison_folders(folder: Path) -> tuple[dict[str, Any], list[Path]]:
    """Read a comparison folder's compare.json: its data and the results folders it names (inside ``folder``)."""
    try:
        data = _json_object(folder / "compare.json")
        if data.get("kind", COMPARE_KIND) != COMPARE_KIND:
            raise _Bad(folder / "compare.json", f"it is not a comparison's (kind {_shown(data['kind'])})")
        if data.get("interrupted") is True:
            raise UsageError(f"{folder}: the comparison was interrupted before it was made; "
                             f"`negsim compare --resume {folder}` finishes it")
        names = data.get("folders")
        if names is None:
            return data, [p for p in sorted(folder.iterdir()) if (p / "summary.json").is_file()]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise _Bad(folder / "compare.json", "'folders' must be a list of folder names")
        for name in names:
            if name in ("", ".", "..") or "/" in name or "\\" in name:
                raise _Bad(folder / "compare.json", f"'folders' names {_shown(name)}, which is not a folder "
                           "inside the comparison folder")
        return data, [folder / name for name in names]
    except _Bad as bad:
        raise UsageError(f"{bad}; {REMAKE}") from None


def _regular(path: Path) -> None:
    """Refuse what is missing or not a regular file, without opening it."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise _Bad(path.parent, f"not a results folder: it has no {path.name}") from None
    except OSError as exc:
        raise _Bad(path, f"cannot read it: {os_reason(exc)}") from None
    if stat.S_ISDIR(mode):
        raise _Bad(path, "it is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise _Bad(path, "it is not a regular file")


def _json_object(path: Path) -> dict[str, Any]:
    """A JSON object read from a regular file, every failure named with its line and column."""
    _regular(path)
    with path.open("rb") as handle:
        raw = handle.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise _Bad(path, f"it is larger than {MAX_JSON_BYTES // 2**20} MiB")
    if not raw.strip():
        raise _Bad(path, "it is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Bad(path, f"it is not UTF-8 text (byte {exc.start})", raw[: exc.start].count(b"\n") + 1) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Bad(path, f"column {exc.colno}: not valid JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(data, dict):
        raise _Bad(path, f"expected a JSON object, found {type(data).__name__}")
    return data


def _expect_keys(path: Path, data: dict[str, Any], keys: dict[str, type]) -> None:
    for key, kind in keys.items():
        if key not in data:
            raise _Bad(path, f"it has no '{key}'")
        value = data[key]
        if not isinstance(value, kind) or isinstance(value, bool) or (isinstance(value, int) and value < 0):
            expected = "a whole number from 0" if kind is int else "a string"
            raise _Bad(path, f"'{key}' should be {expected}, found {_shown(value)}")


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 60 else text[:57] + "..."


def _lines(path: Path) -> Iterator[str]:
    """The file's lines as text, a line that is not UTF-8 named by its number."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _Bad(path, "not UTF-8 text (binary data?)", number) from None


def _check_rows(path: Path, manifest: dict[str, Any]) -> int:
    """Check replications.csv against the manifest; return how many rows hold an error."""
    _regular(path)
    reader = csv.reader(_lines(path))
    try:
        header = next(reader, None)
        if not header:
            raise _Bad(path, "it is empty: no header")
        _check_header(path, header)
        count = errors = 0
        for row in reader:
            _check_row(path, reader.line_num, header, row, count, manifest["seed"])
            errors += bool(row[-1])
            count += 1
    except csv.Error as exc:
        raise _Bad(path, f"not valid CSV: {exc}", reader.line_num) from None
    if count != manifest["replications"]:
        raise _Bad(path, f"it has {count} rows but manifest.json says {manifest['replications']} replications ran"
                   f"{' (is it cut short?)' if count < manifest['replications'] else ''}")
    return errors


def _check_header(path: Path, header: list[str]) -> None:
    if tuple(header[: len(FIXED_COLUMNS)]) != FIXED_COLUMNS:
        raise _Bad(path, f"the header should start with {','.join(FIXED_COLUMNS)}", 1)
    if header[-1] != "error":
        raise _Bad(path, "the header's last column should be 'error'", 1)
    if len(set(header)) != len(header):
        raise _Bad(path, "the header names a column twice", 1)


def _check_row(path: Path, line: int, header: list[str], row: list[str], index: int, seed: int) -> None:
    if len(row) != len(header):
        raise _Bad(path, f"the row has {len(row)} cells, the header {len(header)}", line)
    cells = dict(zip(FIXED_COLUMNS, row, strict=False))
    if cells["replication"] != str(index):
        raise _Bad(path, f"replication should be {index} (rows in order), found {_shown(cells['replication'])}", line)
    if cells["root_seed"] != str(seed):
        raise _Bad(path, f"root_seed should be {seed} as in manifest.json, found {_shown(cells['root_seed'])}", line)
    if row[-1]:
        return  # a failed replication has nothing else to check
    if cells["agreed"] not in ("true", "false"):
        raise _Bad(path, f"agreed should be true or false, found {_shown(cells['agreed'])}", line)
    for column, valid in (("date", _is_date), ("day", _is_number), ("rounds", str.isdigit), ("drafts", str.isdigit)):
        problem = _value_problem(column, cells[column], valid)
        if problem:
            raise _Bad(path, problem, line)
    if cells["agreed"] == "true" and not (cells["date"] and cells["day"]):
        raise _Bad(path, "an agreement without its date and day", line)


def _value_problem(column: str, cell: str, valid: Callable[[str], bool]) -> str:
    if cell == "" or valid(cell):
        return ""
    return f"{column} is not {'a date (YYYY-MM-DD)' if column == 'date' else 'a number'}: {_shown(cell)}"


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
