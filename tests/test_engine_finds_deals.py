"""The talks find the deals that exist: agreement rates, efficiency and fairness on random scenarios.

Random scenarios (the invariant test's: two or three principals, both protocols, private red
lines, every concession style) whose ZOPA under their stated red lines is not empty, without
their events (which move red lines and walk-away values, and with them the ZOPA), are run once
each with the red lines as stated (what ``negsim run`` does). Over all of them: at least 95%
agree before the horizon, every agreement is in the ZOPA, at least 80% are Pareto-optimal in
it, and the median agreement's Nash product is at least 0.8 of the Nash point's. The same
figures for the bundled and synthetic cases are printed by ``bench/validate_engine.py``.
"""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np
import pytest
from test_engine_invariants import random_scenario

from negsim.analysis.bargaining import nash_point, pareto_front
from negsim.analysis.dealspace import DealSpace
from negsim.scenario.model import Scenario
from negsim.simulation.talks import run

AGREE, PARETO, NASH_RATIO = 0.95, 0.80, 0.80


class Tally:
    """What the runs of scenarios with a ZOPA came to."""

    def __init__(self) -> None:
        self.runs = self.agreed = self.in_zopa = self.pareto = 0
        self.ratios: list[float] = []

    def add(self, data: dict[str, Any], seed: int) -> None:
        scenario = Scenario.model_validate(dict(data, events=[]))
        space = DealSpace.of(scenario)
        zopa = np.flatnonzero(space.feasible)
        if not zopa.size:
            return
        self.runs += 1
        outcome, _ = run(scenario, seed=seed)
        if not outcome.agreed or outcome.package is None:
            return
        self.agreed += 1
        codes = [space.constraints.space.code(issue, value) for issue, value in outcome.package.items()]
        deal = int(np.flatnonzero((space.packages == np.array(codes, dtype=space.packages.dtype)).all(axis=1))[0])
        self.in_zopa += bool(space.feasible[deal])
        utilities = space.utilities[:, zopa]
        self.pareto += deal in set(zopa[pareto_front(utilities)].tolist())
        nash = nash_point(utilities, space.walk_aways, space.powers)
        if nash is not None:
            products = np.prod(np.maximum(space.utilities - space.walk_aways[:, None], 0) ** space.powers[:, None],
                               axis=0)
            self.ratios.append(float(products[deal] / products[zopa[nash]]))

    def check(self) -> None:
        assert self.runs >= 100, self.runs
        assert self.agreed >= AGREE * self.runs, (self.agreed, self.runs)
        assert self.in_zopa == self.agreed
        assert self.pareto >= PARETO * self.agreed, (self.pareto, self.agreed)
        assert statistics.median(self.ratios) >= NASH_RATIO, statistics.median(self.ratios)


def test_random_talks_with_a_zopa_reach_efficient_fair_deals() -> None:
    tally = Tally()
    for block in range(10):  # the invariant test's 1,000 scenarios
        rng = np.random.default_rng(1000 + block)
        for index in range(100):
            tally.add(random_scenario(rng, block * 100 + index), seed=index)
    tally.check()


@pytest.mark.slow
@pytest.mark.parametrize("block", range(10))
def test_random_talks_with_a_zopa_reach_efficient_fair_deals_at_scale(block: int) -> None:
    tally = Tally()
    rng = np.random.default_rng(50_000 + block)
    for index in range(1000):
        tally.add(random_scenario(rng, block * 1000 + index), seed=index)
    tally.check()
