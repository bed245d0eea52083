"""A run leaves nothing for the garbage collector: what it made is freed as soon as nothing refers to it.

A simpy event refers to the clock, and what waits on it sits in its callbacks; a run that ends
with events still scheduled, a process still waiting, a request for the mediator's table or a
mediator's wait left pending would leave them all in reference cycles (the clock's schedule
holding the events that hold the clock), which only the garbage collector frees. A sweep of
thousands of runs, or ``bench_engine``'s laps that keep every outcome, then pays for collections
that go through everything the process holds. Here the collector is off during each run and must
find nothing unreachable afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import numpy as np
import pytest
from bundled import BUNDLED
from test_engine_invariants import random_scenario

import negsim
from negsim.scenario.model import Scenario
from negsim.simulation.draws import draw_versions
from negsim.simulation.talks import run


@pytest.fixture
def collector_off() -> Iterator[None]:
    """The garbage collector off, after a collection; back on afterwards, whatever happens."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def unreachable_after_run(scenario: Scenario, seed: int, *, draw: bool = False) -> int:
    """How many objects a run of the scenario leaves unreachable (in reference cycles); the collector must be off."""
    versions = draw_versions(scenario, np.random.default_rng(seed)) if draw else None
    outcome, log = run(scenario, seed=seed, versions=versions)
    del outcome, log
    return gc.collect(0)  # with the collector off, everything the run made is still in the youngest generation


def test_runs_of_every_bundled_scenario_leave_nothing_for_the_collector(collector_off: None) -> None:
    for path in BUNDLED:
        scenario = negsim.load(path)
        run(scenario, seed=0)  # a first run may import and compile what later runs share
        gc.collect(0)
        for seed in range(4):
            assert unreachable_after_run(scenario, seed) == 0, (path.name, seed)
            assert unreachable_after_run(scenario, seed, draw=True) == 0, (path.name, seed, "drawn")


def test_runs_of_random_scenarios_leave_nothing_for_the_collector(collector_off: None) -> None:
    """Mediated and alternating talks, summits, shocks and deadlines: some end with a process still waiting."""
    rng = np.random.default_rng(7)
    for index in range(120):
        scenario = Scenario.model_validate(random_scenario(rng, index))
        gc.collect(0)  # what building the scenario left
        assert unreachable_after_run(scenario, index) == 0, index
        assert unreachable_after_run(scenario, index + 1, draw=True) == 0, (index, "drawn")
