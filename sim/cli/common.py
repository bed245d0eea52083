"""What every command shares: its console, JSON output, provenance, the scenario it loads, its messages.

Light to import: the command line loads what a command needs only when the command runs.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from ..errors import NegsimError
from ..files.inputs import require_scenario_file
from ..report.terminal import json_text, render_diagnostics
from ..scenario.hints import counted
from ..scenario.loader import inspect
from ..version import __version__
from .exits import ARGV, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, INTERRUPTED

if TYPE_CHECKING:
    from ..scenario.model import Scenario

__all__ = ["ARGV", "EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "INTERRUPTED", "InvalidScenario",
           "dump", "load_for_command", "new_console", "notice", "provenance", "say"]
PIPED_WIDTH = 120
"""Columns of output that goes to a file or a pipe, unless COLUMNS says otherwise."""


def new_console() -> Console:
    """A console for standard output, as wide as COLUMNS or the terminal says."""
    # markup and emoji off: text from a scenario such as "[bold]" or ":warning:" prints as written
    return Console(width=_width(), soft_wrap=False, highlight=False, markup=False, emoji=False)


def _width() -> int | None:
    """The output's columns: COLUMNS if set to a number, else the terminal's, else (a pipe) PIPED_WIDTH."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None if sys.stdout.isatty() else PIPED_WIDTH


def provenance(path: Path | None, argv: Sequence[str] | None = None) -> dict[str, Any]:
    """What made an output: negsim's version, the command line and the scenario file's SHA-256."""
    info: dict[str, Any] = {"negsim": __version__, "argv": list(argv if argv is not None else ARGV)}
    if path is not None:
        info["scenario_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return info


def dump(data: Any) -> None:
    """Print data as JSON on standard output (ASCII escapes where its encoding cannot hold a character)."""
    sys.stdout.write(json_text(data, ascii_only=not _encodes_everything(sys.stdout)) + "\n")


def _encodes_everything(stream: Any) -> bool:
    """Whether a stream's encoding holds every character (UTF-8 does, ASCII does not)."""
    try:
        "\U0010ffff".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def load_for_command(path: Path) -> Scenario:
    """Load a command's scenario; an invalid one prints its findings and raises :class:`InvalidScenario`."""
    require_scenario_file(path)
    checked = inspect(path)
    if checked.scenario is None:
        render_diagnostics(checked.findings, Console(stderr=True, highlight=False))
        raise InvalidScenario(path, len([d for d in checked.findings if d.severity == "error"]))
    return checked.scenario


class InvalidScenario(NegsimError):
    """A command's scenario is not valid (its findings are printed before)."""

    def __init__(self, path: Path, count: int) -> None:
        super().__init__(f"{path} is not a valid scenario ({counted(count, 'error')}); "
                         f"run 'negsim check {path}'")


def say(level: str, message: str) -> None:
    """A warning or an error on standard error, as ``negsim: LEVEL: message``."""
    print(f"negsim: {level}: {message}", file=sys.stderr)


def notice(message: str) -> None:
    """A notice on standard error (what negsim cleaned up or made)."""
    print(f"negsim: {message}", file=sys.stderr)
