"""Runs through the solver are the listed runs, and a run at 10**9 packages meets the engine's invariants.

The solver answers the agents' questions of every package (a principal's counter, what it can
get and expects to settle for, the mediator's text and concession sets, whether a ZOPA is left
and which red lines clash) where a listed run would not fit in memory. Where both fit, the two
must be the same run, byte for byte: the outcome and every line of the log.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from negsim.agents.solved_world import SolvedWorld, solver_refusal
from negsim.errors import UsageError
from negsim.scenario.model import Scenario
from negsim.simulation.talks import Talks, run

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import invariants_broken, mediated_data
from test_engine_invariants import random_scenario


def digest(scenario: Scenario, seed: int, method: str) -> str:
    outcome, log = run(scenario, seed=seed, draw=seed % 2 == 1, method=method)
    return hashlib.sha256((json.dumps(outcome.to_dict(), sort_keys=True) + log.jsonl()).encode()).hexdigest()


@pytest.mark.parametrize("block", [0, pytest.param(1, marks=pytest.mark.slow), pytest.param(2, marks=pytest.mark.slow)])
def test_mediated_runs_through_the_solver_are_the_listed_runs(block: int) -> None:
    """Random mediated scenarios (private red lines, drawn versions, events that switch, drop and add red lines,
    move walk-away values and take parties away; summits), run both ways with the same seed."""
    rng = np.random.default_rng(2000 + block)
    tried = 0
    for index in range(SCENARIOS if block == 0 else 100):
        scenario = Scenario.model_validate(random_scenario(rng, block * 100 + index))
        if solver_refusal(scenario) is None:
            tried += 1
            assert digest(scenario, index, "solver") == digest(scenario, index, "enumerate"), (block, index)
    assert tried >= 5  # the generator's mediated scenarios without a proposal on the table (26-33 in 100)


SCENARIOS = 30
"""Random scenarios the default suite draws (the slow blocks draw 100 each)."""


@pytest.mark.slow
def test_a_drawn_scenario_of_four_principals_is_the_same_run_both_ways() -> None:
    """The bench's mediated talks (4 principals, 2 drawn red lines each, 200 rounds) at 1,000 packages."""
    scenario = Scenario.model_validate(mediated_data(3, 1, 2))
    assert digest(scenario, 1, "solver") == digest(scenario, 1, "enumerate")


def test_a_run_too_large_to_list_goes_to_the_solver_and_meets_the_invariants() -> None:
    """10**9 packages (9 issues of 10 values): ``auto`` asks the solver; the deal is checked from the data alone."""
    data = mediated_data(9, 0, 2)
    scenario = Scenario.model_validate(data)
    talks = Talks(scenario, None, float(scenario.horizon_days), seed=0)
    assert isinstance(talks.world, SolvedWorld)
    outcome = talks.run()
    assert outcome.agreed  # the talks of this seed end in a deal (measured: 119 rounds)
    assert invariants_broken(data, outcome) == []


@pytest.mark.slow
@pytest.mark.parametrize("red_lines", [4, 2, 0])
def test_the_bench_talks_at_a_million_packages_are_the_same_run_both_ways(red_lines: int) -> None:
    for seed in range(3):
        scenario = Scenario.model_validate(mediated_data(6, seed, red_lines))
        assert digest(scenario, 0, "solver") == digest(scenario, 0, "enumerate"), seed


@pytest.mark.slow
@pytest.mark.parametrize("red_lines", [4, 2, 0])
def test_runs_at_a_billion_packages_meet_the_invariants(red_lines: int) -> None:
    for seed in range(3):
        data = mediated_data(9, seed, red_lines)
        outcome, _ = run(Scenario.model_validate(data), seed=seed)
        assert invariants_broken(data, outcome) == [], (seed, red_lines)


def scenario_with(change: dict[str, Any]) -> Scenario:
    data = mediated_data(4, 0, 2)
    for key, value in change.items():
        data[key] = value
    return Scenario.model_validate(data)


@pytest.mark.parametrize(("change", "words"), [
    ({"talks": {"protocol": "alternating"}}, "needs mediated talks"),
    ({"proposals": [{"id": "p", "title": "A text", "proposer": "p0", "terms": {"i0": "v1"}}]},
     "cannot table a proposal at the start"),
])
def test_the_solver_refuses_what_it_cannot_run_with_the_reason(change: dict[str, Any], words: str) -> None:
    scenario = scenario_with(change)
    with pytest.raises(UsageError, match=words):
        run(scenario, seed=0, method="solver")
    run(scenario, seed=0, method="auto")  # listed, where it fits


def test_the_solver_weighs_the_principals_preferences_alone() -> None:
    data = mediated_data(4, 0, 2)
    data["parties"][0]["preferences"] = None
    del data["parties"][0]["preferences"]
    with pytest.raises(UsageError, match="preferences for every principal"):
        run(Scenario.model_validate(data), seed=0, method="solver")
    data = mediated_data(4, 0, 2)
    data["parties"][-1]["preferences"] = data["parties"][0]["preferences"]
    with pytest.raises(UsageError, match="only principals may state them"):
        run(Scenario.model_validate(data), seed=0, method="solver")


def test_a_principal_expects_the_first_of_nash_equal_packages_in_its_ranking() -> None:
    """A random scenario (of ``test_engine_invariants``) where two packages tie in Nash score: p0 expects 0.75.

    Its listed settlement reads its candidates in ranking order (its utility ascending), so of
    equals it expects the one it values less; in package order it would expect 0.875 and refuse
    the first text the listed p0 accepts.
    """
    rng = np.random.default_rng(1009)
    for index in range(66):
        data = random_scenario(rng, 900 + index)
    scenario = Scenario.model_validate(data)
    for method in ("enumerate", "solver"):
        principal = Talks(scenario, None, 20.0, seed=65, method=method).principals["p0"]
        principal.plan()
        assert principal._expected == 0.75, method
    assert digest(scenario, 65, "solver") == digest(scenario, 65, "enumerate")
