"""A Ctrl-C, or an error, raised inside the talks is never lost, even on the step that ends them.

simpy turns an exception raised in a process into the process's failure, and raises it when it
steps to that failure, which it schedules. A process that fails just after it ended the talks
(agreement, a deadline) fails behind the end on simpy's queue: the run stopped at the end, the
failure was never raised, and a sweep went on past the user's Ctrl-C (seen as a compare that
did not stop on SIGINT). Here the interrupt is raised at that exact moment, as ``Talks._finish``
returns, by a trace function, which raises into the frame it traces as a signal handler does.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import sim
from sim.simulation.talks import Talks

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
    scenario = sim.load(ROOT / "scenarios" / name)
    outcome, _ = sim.run(scenario, seed=0)
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
