"""A principal's ranking and its counter to a text, worked out on the packages that matter, equal the plain rules.

Both are worked out on large spaces without sorting or scanning every package: the ranking
sorts only the packages a party's walk-away value and red lines allow, and the counter counts
differences issue by issue. These tests hold them to the rules written plainly: a stable sort
of every package cut down afterwards, and a sort of every candidate by distance, then utility.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from negsim.agents.principal import _Ranking
from negsim.agents.shared import rank_by_utility
from negsim.agents.world import World
from negsim.constraints.walk_away import meeting
from negsim.scenario.model import Scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from drawn_scenario import drawn_scenario


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4), st.floats(0.0, 0.9))
def test_a_partys_ranking_is_every_package_stably_sorted_then_cut(seed: int, parties: int, walk_away: float) -> None:
    data = drawn_scenario(seed=seed, issues=3, values=5, parties=parties, red_lines=3, mediated=True)
    for party in data["parties"][:-1]:
        party["preferences"]["reservation"] = walk_away  # values k/4 and weights 1-4: many ties
    world = World(Scenario.model_validate(data))
    assert "m" in world.own and "m" not in world.utility  # the mediator: red lines alone, no utility
    for party in world.own:
        utility = world.utility.get(party, np.zeros(len(world.packages)))
        allowed = meeting(utility, world.walk_away[party]) if party in world.utility else np.ones(len(utility), bool)
        for state in world.own[party]:
            allowed &= world.mask(state.ref)
        plain = utility.argsort(kind="stable")
        plain = plain[allowed[plain]]
        packages, ranked = world.ranked(party)
        assert packages.tolist() == plain.tolist()
        assert ranked.tolist() == utility[plain].tolist()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(1, 6), st.integers(1, 400))
def test_the_counter_is_the_nearest_package_then_the_most_valued(seed: int, issues: int, values: int,
                                                                 count: int) -> None:
    rng = np.random.default_rng(seed)
    every = np.indices((values,) * issues, dtype=np.int16).reshape(issues, -1).T.copy()
    packages = rng.choice(len(every), size=min(count, len(every)), replace=False)
    order, utility = rank_by_utility(rng.integers(0, 4, len(packages)) / 4.0)  # few levels: many ties
    ranking = _Ranking(packages[order], utility, None)
    terms = every[rng.integers(len(every))]
    start = int(rng.integers(len(packages)))
    distance = (every[ranking.packages[start:]] != terms).sum(axis=1)
    plain = ranking.packages[start:][np.lexsort((-ranking.utility[start:], distance))[0]]
    assert ranking.nearest(start, terms, every) == plain
