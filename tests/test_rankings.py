"""A principal's ranking and its counter to a text, worked out on the packages that matter, equal the plain rules.

Both are worked out on large spaces without sorting or scanning every package: the ranking
sorts only the packages a party's walk-away value and red lines allow, when the offer rule needs
it; the counter looks a term or two from the text, or in a top part of the ranking grown as
demands fall, and counts differences issue by issue. These tests hold them to the rules written
plainly: a stable sort of every package cut down afterwards, and every candidate by distance,
then utility, then package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negsim.agents.neighbours import Neighbours
from negsim.agents.ranking import Ranking
from negsim.agents.shared import rank_by_utility
from negsim.agents.world import World
from negsim.constraints.space import OutcomeSpace
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
        found = world.acceptable(party)
        assert found.packages.tolist() == np.flatnonzero(allowed).tolist()
        ranking = Ranking(found.packages, found.worth, (), admits=found.mask, valued=found.utility)
        assert ranking.packages.tolist() == plain.tolist()
        assert ranking.utility.tolist() == utility[plain].tolist()


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3000), st.integers(0, 3), st.sampled_from([1, 4, 4096]),
       st.sampled_from([3, 1000]))
def test_the_offers_of_a_ranking_worked_out_from_the_top_are_those_of_the_whole(
        seed: int, packages: int, others: int, first_part: int, levels: int) -> None:
    """The offer rule read from a top part grown as demands fall, against the whole ranking's offer table."""
    from negsim.agents import ranking as rankings

    rng = np.random.default_rng(seed)
    space = packages + int(rng.integers(0, 100))
    acceptable = np.sort(rng.choice(space, size=packages, replace=False))
    valued = rng.integers(0, levels, space) / levels
    others_utilities = tuple(rng.integers(0, levels, space) / levels for _ in range(others))
    order = valued[acceptable].argsort(kind="stable")
    whole, utility = acceptable[order], valued[acceptable][order]
    score = rankings.valued_by(others_utilities, whole)
    table = np.append(whole if score is None else whole[::-1][rankings._best_so_far(score[::-1])][::-1], 0)
    table[-1] = table[-2]
    saved = rankings._FIRST_PART
    try:
        rankings._FIRST_PART = first_part
        ranking = Ranking(acceptable, valued[acceptable], others_utilities, valued=valued)
        for _ in range(5):  # stretches of turns, demands falling from one to the next
            least = np.sort(rng.random(int(rng.integers(0, 6))) * 1.1)[::-1]
            assert ranking.offers_from(least).tolist() == table[np.searchsorted(utility, least)].tolist()
    finally:
        rankings._FIRST_PART = saved


def plain_counter(admits: np.ndarray, valued: np.ndarray, every: np.ndarray, text: int, asked: float) -> int:
    """The counter rule written plainly over every package: nearest, then most valued, then lowest; else the top."""
    packages = np.flatnonzero(admits)
    meets = packages[valued[packages] >= asked - 1e-9]
    if not len(meets):
        top = valued[packages].max()
        return int(packages[valued[packages] == top].max())
    distance = (every[meets] != every[text]).sum(axis=1)
    return int(meets[np.lexsort((meets, -valued[meets], distance))[0]])


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 6), st.floats(0.0, 1.0), st.booleans(),
       st.sampled_from([1, 4, 4096]), st.sampled_from([4, 1000]))
def test_the_counter_is_the_nearest_package_then_the_most_valued(seed: int, issues: int, values: int, share: float,
                                                                 preferences: bool, first_part: int,
                                                                 levels: int) -> None:
    """Demands come down over a run's counters, and the table learns a red line of another party on the way.

    The counter is looked for a term or two from the text, or among a top part of the ranking
    grown as demands fall (from ``first_part`` packages, as 10**6 would be from 4,096); whichever
    way it is found, it is the plain rule's package.
    """
    from negsim.agents import ranking as rankings

    saved = rankings._FIRST_PART
    try:
        rankings._FIRST_PART = first_part
        counters_as_demands_fall(seed, issues, values, share, preferences, levels)
    finally:
        rankings._FIRST_PART = saved


@pytest.mark.parametrize("share", [0.01, 0.05, 0.3, 0.9])
def test_the_counter_on_a_larger_space_as_its_top_part_grows_band_by_band(share: float) -> None:
    """15,625 packages and utilities of 1,000 levels: the top part grows from one package, many times a run."""
    from negsim.agents import ranking as rankings

    saved = rankings._FIRST_PART
    try:
        rankings._FIRST_PART = 1
        for seed in range(20):
            counters_as_demands_fall(seed, 6, 5, share, True, 1000)
    finally:
        rankings._FIRST_PART = saved


def counters_as_demands_fall(seed: int, issues: int, values: int, share: float, preferences: bool,
                             levels: int) -> None:
    """Six counters to random texts as the demand falls, each equal to the plain rule's (see the test above).

    The party's utilities take ``levels`` values: few make many ties.
    """
    rng = np.random.default_rng(seed)
    sizes = (values,) * issues
    every = OutcomeSpace.every_package_of(sizes)
    admits = rng.random(len(every)) < share
    admits[rng.integers(len(every))] = True  # a ranking is never empty when a principal counters
    valued = rng.integers(0, levels, len(every)) / levels if preferences else None
    packages = np.flatnonzero(admits)
    worth = np.zeros(len(packages)) if valued is None else valued[packages]
    ranking = Ranking(packages, worth, (), admits=admits, valued=valued)
    codes = np.ascontiguousarray(every.T, dtype=np.int8)
    neighbours = Neighbours(sizes)
    plain_valued = np.zeros(len(every)) if valued is None else valued
    for step, asked in enumerate(np.sort(rng.random(6) * 1.2)[::-1]):
        if step == 3:  # another party's red line, learned: the ranking is cut down (and keeps what it sorted)
            allow = rng.random(len(every)) < 0.7
            if (admits & allow).any():
                ranking, admits = ranking.known(allow), admits & allow
        text = int(rng.integers(len(every)))
        assert ranking.counter(float(asked), text, codes, neighbours) == \
            plain_counter(admits, plain_valued, every, text, float(asked))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=5), st.integers(0, 2**32 - 1))
def test_the_packages_a_term_or_two_from_a_text_are_found_by_arithmetic(sizes: list[int], seed: int) -> None:
    every = OutcomeSpace.every_package_of(tuple(sizes))
    neighbours = Neighbours(tuple(sizes))
    text = int(np.random.default_rng(seed).integers(len(every)))
    distance = (every != every[text]).sum(axis=1)
    for d in range(neighbours.reach + 1):
        found = neighbours.at(text, every[text], d)
        assert sorted(found.tolist()) == np.flatnonzero(distance == d).tolist()
    assert neighbours.packages == int((distance <= neighbours.reach).sum())
    assert neighbours.reach == min(2, len(sizes))


def test_issues_of_very_many_values_are_looked_at_one_term_away() -> None:
    neighbours = Neighbours((300, 300))  # 90,000 pairs of values: past the table's bound
    assert neighbours.reach == 1 and neighbours.packages == 1 + 299 + 299


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
