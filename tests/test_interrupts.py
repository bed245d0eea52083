"""A Ctrl-C, or an error, raised inside the talks is never lost, even on the step that ends them.

Nor is a Ctrl-C that a library swallows: the command line notes it, and the loops look (at the end).

simpy turns an exception raised in a process into the process's failure, and raises it when it
steps to that failure, which it schedules. A process that fails just after it ended the talks
(agreement, a deadline) fails behind the end on simpy's queue: the run stopped at the end, the
failure was never raised, and a sweep went on past the user's Ctrl-C (seen as a compare that
did not stop on SIGINT). Here the interrupt is raised at that exact moment, as ``Talks._finish``
returns, by a trace function, which raises into the frame it traces as a signal handler does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from test_run_limits import long_talks

import negsim
from negsim.experiments.replicate import Job, run_chunk
from negsim.interrupts import forget_interrupt, note_interrupt
from negsim.simulation.talks import STEPS_BETWEEN_CHECKS, Talks

ROOT = Path(__file__).resolve().parents[1]
AGREEING = ["hanoi-summit-2019.yaml", "gaza-2024-08-israel-accepts-monitoring.yaml"]
"""Bundled scenarios whose run with seed 0 ends in agreement: alternating offers, and mediated talks."""


class _RaiseAsTheTalksEnd:
    """A trace function that raises ``failure`` once, as the first call of ``Talks._finish`` returns."""

    def __init__(self, failure: BaseException) -> None:
        self.failure = failure
        self.raised = False

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "call" and not self.raised and frame.f_code is Talks._finish.__code__:
            return self._on_return
        return None

    def _on_return(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "return" and not self.raised:
            self.raised = True
            raise self.failure
        return self._on_return


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), RuntimeError("raised as the talks ended")],
                         ids=["ctrl-c", "error"])
@pytest.mark.parametrize("name", AGREEING)
def test_what_is_raised_just_after_the_talks_end_stops_the_run(name: str, failure: BaseException) -> None:
    scenario = negsim.load(ROOT / "scenarios" / name)
    outcome, _ = negsim.run(scenario, seed=0)
    assert outcome.agreed  # the end the trace lands on

    talks = Talks(scenario, None, float(scenario.horizon_days), seed=0)
    tracer = _RaiseAsTheTalksEnd(failure)
    before = sys.gettrace()
    sys.settrace(tracer)
    try:
        with pytest.raises(type(failure)) as raised:
            talks.run()
    finally:
        sys.settrace(before)
    assert tracer.raised and raised.value is failure


# -- an interrupt that a library swallows ------------------------------------------------------

_CTRL_C_IN_CYTHONS_REGISTRATION = """
import os, signal, sys

def ctrl_c_inside_the_registration(frame, event, arg):
    # numpy loads numpy.random on first use; Cython's set-up code in numpy.random._generator
    # registers its memoryview classes with collections.abc inside a bare except.
    if event == "call" and frame.f_code.co_name == "register" and \\
            "_memoryviewslice" in repr(frame.f_locals.get("subclass")):
        sys.settrace(None)
        print("Ctrl-C sent inside the registration", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGINT)
    return None

sys.settrace(ctrl_c_inside_the_registration)
from negsim.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_ctrl_c_that_numpy_swallows_while_loading_still_stops_a_compare(tmp_path: Path) -> None:
    # What CI once saw: a compare of 200,000 replications that went on after SIGINT.
    out = tmp_path / "cmp"
    command = [sys.executable, "-c", _CTRL_C_IN_CYTHONS_REGISTRATION, "compare",
               str(ROOT / "scenarios" / "gaza-2024-08.yaml"),
               str(ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"),
               "-n", "200000", "--jobs", "1", "--quiet", "-o", str(out)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("the compare went on after the Ctrl-C that numpy swallowed")
    if "Ctrl-C sent" not in done.stderr:
        pytest.skip("this numpy loads numpy.random otherwise: the registration was not reached in the sweep")
    assert done.returncode == 130, done.stderr
    assert "negsim: interrupted" in done.stderr
    # Stopped before its folder was begun, nothing is left; once begun, the folder is kept, marked interrupted.
    assert [p.name for p in tmp_path.iterdir()] in ([], ["cmp"])
    if out.exists():
        assert json.loads((out / "compare.json").read_text(encoding="utf-8"))["interrupted"] is True


@pytest.fixture
def interrupted() -> Iterator[None]:
    """The user's interrupt noted, as the command line's signal handler notes it, and forgotten after the test."""
    note_interrupt()
    try:
        yield
    finally:
        forget_interrupt()


def test_a_noted_interrupt_stops_replications_before_the_next_one(interrupted: None) -> None:
    path = ROOT / "scenarios" / "gaza-2024-08.yaml"
    with pytest.raises(KeyboardInterrupt):
        run_chunk(Job(path.read_text(encoding="utf-8"), str(path), 0), 0, 3)


def test_a_noted_interrupt_stops_a_long_run_within_its_events(interrupted: None) -> None:
    scenario = negsim.loads(long_talks())
    with pytest.raises(KeyboardInterrupt):
        negsim.run(scenario, seed=0)
    forget_interrupt()
    _, log = negsim.run(scenario, seed=0)  # the same run, not interrupted, goes on past the first look
    assert len(log.entries) > STEPS_BETWEEN_CHECKS
