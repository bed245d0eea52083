"""Errors raised by negsim.

Every error a user can cause derives from :class:`NegsimError`::

    NegsimError
    ├── ScenarioError        a scenario file breaks one or more rules (carries Diagnostics)
    └── UsageError           a command-line or API argument is wrong (unknown proposal, bad terms)

A :class:`Diagnostic` is one finding with its place in a file, rendered as
``path:line:col: error: message``. Its severity is ``error`` (the file is invalid), ``warning``
(valid, but something is likely wrong) or ``note`` (for information: what was not checked and
where to check it); only errors make a file invalid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding in a file, with 1-based line and column."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Return the finding as plain data for JSON output."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
        }


class NegsimError(Exception):
    """Root of every error negsim raises on bad input."""


class ScenarioError(NegsimError):
    """A scenario file is invalid; ``diagnostics`` lists every finding."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class UsageError(NegsimError):
    """An argument names something that does not exist or is malformed."""


OUT_OF_MEMORY = ("not enough memory for this command; try a smaller scenario or fewer replications "
                 "(-n, --jobs), or a machine with more memory")
WORKER_DIED = ("a worker process died before finishing its replications (killed, or out of memory?); "
               "try fewer --jobs or --backend serial")


def os_reason(exc: OSError) -> str:
    """The operating system's own words for an error ("Permission denied", "No space left on device")."""
    return exc.strerror or str(exc) or type(exc).__name__


def os_problem(exc: OSError) -> str:
    """The operating system's own reason for a failed file or network operation, with the path it concerned."""
    reason = os_reason(exc)
    if exc.filename is not None and exc.filename2 is not None:
        return f"cannot move '{exc.filename}' to '{exc.filename2}': {reason}"
    if exc.filename is not None:
        return f"cannot use '{exc.filename}': {reason}"
    return reason
