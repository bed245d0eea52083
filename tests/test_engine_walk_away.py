"""One walk-away test: the one check, the world, the principals and the explanation draw the line in one place.

A package worth exactly 0.5 to a party meets a walk-away value up to ``0.5 + UTILITY_TOLERANCE``
and no higher; every place that compares a utility with a walk-away value must say so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from negsim.agents.knowledge import RedLineKnowledge
from negsim.agents.principal import Answer, Answers, Principal
from negsim.agents.world import World
from negsim.analysis.dealspace import DealSpace
from negsim.analysis.explain import judge
from negsim.constraints.check import CompiledConstraints
from negsim.constraints.verdict import Verdict
from negsim.constraints.walk_away import UTILITY_TOLERANCE
from negsim.scenario.model import Scenario
from negsim.simulation.talks import run


def scenario(walk_away: float) -> Scenario:
    """Two principals and one issue of three values; ``a`` values them 0, 0.5 and 1, ``b`` the other way."""
    values = ["low", "mid", "high"]
    data: dict[str, Any] = {
        "negsim": 1, "id": "edge", "title": "Edge", "start": "2024-01-01", "horizon_days": 10,
        "issues": [{"id": "share", "name": "Share", "type": "categorical", "values": values}],
        "parties": [{"id": p, "name": p, "role": "principal", "concession": {"style": "conceder"},
                     "preferences": {"weights": {"share": 1}, "reservation": r,
                                     "values": {"share": dict(zip(values, worth, strict=True))}}}
                    for p, r, worth in (("a", walk_away, (0.0, 0.5, 1.0)), ("b", 0.0, (1.0, 0.5, 0.0)))],
        "talks": {"protocol": "alternating", "max_rounds": 10, "deliberation_days": 0.5},
        "proposals": [{"id": "middle", "proposer": "a", "terms": {"share": "mid"}}],
    }
    return Scenario.model_validate(data)


def verdicts_on_the_middle(walk_away: float) -> dict[str, bool]:
    """Whether each place that compares a utility with a walk-away value finds the middle package meets a's."""
    edge = scenario(walk_away)
    world = World(edge, None)
    middle = int(np.flatnonzero(world.utility["a"] == 0.5)[0])
    principal = Principal(edge.parties[0], world, RedLineKnowledge(world), ("a", "b"))
    plan = principal.plan()
    ranked = world.acceptable("a").packages
    check = CompiledConstraints.of(edge).check(world.packages[middle])
    return {
        "world.meets_walk_away": bool(world.meets_walk_away("a")[middle]),
        "world.ranked": middle in ranked.tolist(),
        "world.feasible": bool(world.feasible()[middle]),
        "principal.respond": principal.respond(middle, 1.0, 5.0).cause != "below its walk-away value",
        "the answer rule": Answers([plan], np.array([middle]), np.array([[0.5]]), np.array([[0.0]]),
                                   np.array([[plan.walk_away]]), np.ones((1, 1), dtype=bool)).codes(1)[0, 0]
                           != Answer.BELOW_WALK_AWAY,
        "the one check": bool(check.walk_aways[0, 0] == Verdict.HOLDS),
        "explain.judge": "a" not in judge(DealSpace.of(edge), "middle").short,
    }


@pytest.mark.parametrize(("walk_away", "meets"), [(0.5, True), (0.5 + UTILITY_TOLERANCE / 2, True),
                                                  (0.5 + 2 * UTILITY_TOLERANCE, False)])
def test_every_walk_away_comparison_draws_the_line_in_one_place(walk_away: float, meets: bool) -> None:
    assert verdicts_on_the_middle(walk_away) == dict.fromkeys(verdicts_on_the_middle(0.5), meets)


def test_a_package_within_the_tolerance_is_agreed_both_ways() -> None:
    """The middle package, worth a hair less than a's walk-away value, closes the deal turn by turn and in stretches."""
    edge = scenario(0.5 + UTILITY_TOLERANCE / 2)
    stepped, _ = run(edge, seed=1, stretches=False)
    stretched, _ = run(edge, seed=1)
    assert stepped == stretched
    assert stepped.agreed and stepped.package == {"share": "mid"}
