"""Shared test helpers: run the ``negsim`` command line in-process and capture what it prints."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest

# negsim sizes piped output by COLUMNS when it is set; the tests read output laid out 120 wide, whatever
# terminal or CI runs them (a value inherited from it would change where tables wrap).
os.environ["COLUMNS"] = "120"


@dataclass(frozen=True)
class CliRun:
    """What one in-process run of ``negsim`` returned and printed."""

    code: int
    out: str
    err: str


@pytest.fixture
def negsim_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliRun]:
    """Run ``negsim ARGS...`` through ``negsim.cli.main.main`` and return its exit code and output."""
    from negsim.cli.main import main

    def run(*argv: str) -> CliRun:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse's way to end on a bad argument (2) or --help (0), as a process would
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run
