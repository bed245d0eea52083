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


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5000), st.integers(1, 50), st.integers(0, 2**32 - 1))
def test_a_partys_ranking_orders_ties_by_package_as_a_stable_sort(packages: int, levels: int, seed: int) -> None:
    utilities = np.random.default_rng(seed).integers(0, levels, packages) / levels
    order, ranked = rank_by_utility(utilities)
    assert order.tolist() == utilities.argsort(kind="stable").tolist()
    assert ranked.tolist() == utilities[order].tolist()

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
    codes = np.ascontiguousarray(every.T, dtype=np.int8 if values < 128 else np.int16)
    assert ranking.nearest(start, terms, codes) == plain


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4), st.integers(1, 50), st.booleans())
def test_the_settlement_of_many_candidates_taken_in_blocks_is_the_one_over_all(
        seed: int, parties: int, block: int, equal_powers: bool) -> None:
    from negsim.agents import expectation

    data = drawn_scenario(seed=seed, issues=3, values=5, parties=parties, red_lines=0)
    rng = np.random.default_rng(seed)
    for party in data["parties"]:
        party["preferences"]["reservation"] = float(rng.choice([0.0, 0.2, 0.4]))
        if not equal_powers:
            party["preferences"]["bargaining_power"] = float(rng.choice([0.5, 1.0, 2.0]))
    world = World(Scenario.model_validate(data))
    names = tuple(world.utility)
    weights = expectation.powers(world, names)
    candidates = np.sort(rng.choice(len(world.packages), size=int(rng.integers(1, len(world.packages))),
                                    replace=False))
    whole = expectation._nash(world, names, candidates, weights)
    saved = expectation._BLOCK
    try:
        expectation._BLOCK = block  # as 10**6 candidates would be taken: in blocks
        blocked = expectation._nash(world, names, candidates, weights)
    finally:
        expectation._BLOCK = saved
    assert (whole is None) == (blocked is None)
    if whole is not None and blocked is not None:
        assert whole[0] == blocked[0] and whole[1].tolist() == blocked[1].tolist()
