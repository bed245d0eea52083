"""Input files: refuse, with the true reason, a path that is not a readable regular file.

The check looks at the path with ``stat`` before anything opens it, so a FIFO (which would
block ``open``) or a device such as ``/dev/zero`` (which would never end) is never read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import UsageError, os_reason
from .outputs import kind_of

STDIN = "-"


def require_scenario_file(path: Path) -> None:
    """Raise :class:`UsageError` unless ``path`` names a regular file this process may read."""
    require_regular_file(path, "scenario")


def require_regular_file(path: Path, what: str) -> None:
    """Raise :class:`UsageError` unless ``path`` names a regular file this process may read.

    ``what`` names the kind of file in messages ("scenario", "Genius").
    """
    if str(path) == STDIN:
        raise UsageError(f"cannot read '{STDIN}': {what} files are not read from standard input; "
                         "save it to a file and give its path")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise UsageError(f"cannot read '{path}': {_reason(exc)}") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"cannot read '{path}': it is a folder, not a {what} file")
    kind = kind_of(mode)
    if kind is not None:
        raise UsageError(f"cannot read '{path}': it is {kind}, not a regular file")
    try:
        os.close(os.open(path, os.O_RDONLY))
    except OSError as exc:
        raise UsageError(f"cannot read '{path}': {_reason(exc)}") from None


def _reason(exc: OSError) -> str:
    """The OS's reason; 'no such file' keeps the short wording users know."""
    if exc.errno == errno.ENOENT:
        return "no such file"
    return os_reason(exc)


SCENARIO_SUFFIXES = (".yaml", ".yml")


def scenario_files(paths: list[Path]) -> list[Path]:
    """The files to check: each path as given, a folder replaced by the scenario files under it.

    A folder stands for its ``*.yaml`` and ``*.yml`` files at any depth, sorted, hidden files
    and folders left out (as ruff and pytest take a folder); one that holds none is refused.
    """
    found: list[Path] = []
    for path in paths:
        if str(path) != STDIN and _is_folder(path):
            inside = sorted(f for f in path.rglob("*") if f.suffix in SCENARIO_SUFFIXES and f.is_file()
                            and not any(part.startswith(".") for part in f.relative_to(path).parts))
            if not inside:
                raise UsageError(f"'{path}' is a folder with no scenario files in it (*.yaml, *.yml)")
            found += inside
        else:
            found.append(path)
    return found


def _is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; a path that cannot be looked at is not (reading it then says why)."""
    try:
        return path.is_dir()
    except OSError:
        return False
