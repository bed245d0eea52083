"""Alternating offers worked out a stretch at a time give the very run that turn-by-turn play gives.

Random scenarios of the invariant test, forced to alternating offers, with every concession
style, urgency, opening demands, varied deliberation and horizons, events and shocks, are run
both ways; the outcomes and the event logs must be the same to the byte.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_engine_invariants import random_scenario

from negsim.agents.concession import falls
from negsim.agents.knowledge import RedLineKnowledge
from negsim.agents.principal import Answer, Answers, Principal
from negsim.agents.world import World
from negsim.scenario.model import Scenario
from negsim.simulation.refusals import Refusals, most_valued_refusal
from negsim.simulation.stretch import Schedule, agreement_rule
from negsim.simulation.talks import run

STYLES = ["boulware", "conceder", "linear", "hardliner", "tit-for-tat"]


def alternating_variant(data: dict[str, Any], index: int) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["talks"]["protocol"] = "alternating"
    data["talks"]["deliberation_days"] = [0.5, 0.25, 1.0, 0.1, 0.0][index % 5]
    data["horizon_days"] = [20, 3, 365, 7][index % 4]
    for party in data["parties"]:
        if party["role"] == "principal":
            # tit-for-tat is played turn by turn; give it to some scenarios only
            party["concession"] = {"style": STYLES[(index + int(party["id"][1:])) % (5 if index % 3 else 4)]}
            if index % 3 == 0:
                party["concession"]["opening"] = 0.8
            if index % 5 == 1:
                party["urgency"] = 0.5
    return data


def played(scenario: Scenario, seed: int, stretches: bool, until: date | None = None) -> tuple[str, str, int]:
    outcome, log = run(scenario, seed=seed, until=until, stretches=stretches)
    return json.dumps(outcome.to_dict(), sort_keys=True), log.jsonl(), len(log)


@pytest.mark.parametrize("block", range(3))
def test_stretches_give_the_same_run_as_turn_by_turn_play(block: int) -> None:
    rng = np.random.default_rng(4200 + block)
    for index in range(120):
        scenario = Scenario.model_validate(alternating_variant(random_scenario(rng, index), index))
        until = date(2024, 1, 2 + index % 6) if index % 4 == 0 else None
        stepped = played(scenario, index, stretches=False, until=until)
        assert played(scenario, index, stretches=True, until=until) == stepped, (block, index)
        assert stepped[2] == stepped[1].count("\n")


def test_a_long_bilateral_negotiation_is_the_same_both_ways() -> None:
    """Many rounds with a large horizon: the case stretches are for (several stretches, one agreement)."""
    rng = np.random.default_rng(7)
    values = {f"i{i}": {f"v{k}": float(rng.random()) for k in range(6)} for i in range(3)}
    data = {"negsim": 1, "id": "long", "title": "Long", "start": "2024-01-01", "horizon_days": 3650,
            "issues": [{"id": f"i{i}", "name": f"I{i}", "type": "categorical", "values": [f"v{k}" for k in range(6)]}
                       for i in range(3)],
            "parties": [{"id": p, "name": p, "role": "principal", "concession": {"style": style, "exponent": e},
                         "preferences": {"weights": {"i0": w, "i1": 1, "i2": 2},
                                         "values": {i: {v: (x if p == "a" else 1 - x) for v, x in t.items()}
                                                    for i, t in values.items()},
                                         "reservation": 0.3}}
                        for p, style, e, w in (("a", "boulware", 0.1, 3), ("b", "boulware", 0.1, 1))],
            "talks": {"protocol": "alternating", "max_rounds": 400, "deliberation_days": 0.01}}
    scenario = Scenario.model_validate(data)
    stepped = played(scenario, 1, stretches=False)
    assert played(scenario, 1, stretches=True) == stepped
    assert '"agreed": true' in stepped[0] and stepped[1].count('"kind":"offer"') > 256


def long_talks(step: float, event_day: int | None = None) -> Scenario:
    """Two Boulware principals over 400 rounds, an event on ``event_day`` (if given) making one more urgent."""
    values = {f"i{i}": {f"v{k}": ((k * (i + 2)) % 6) / 5 for k in range(6)} for i in range(3)}
    data: dict[str, Any] = {
        "negsim": 1, "id": "long", "title": "Long", "start": "2024-01-01", "horizon_days": 3650,
        "issues": [{"id": f"i{i}", "name": f"I{i}", "type": "categorical", "values": [f"v{k}" for k in range(6)]}
                   for i in range(3)],
        "parties": [{"id": p, "name": p, "role": "principal", "concession": {"style": "boulware", "exponent": 0.1},
                     "preferences": {"weights": {"i0": 1, "i1": 2, "i2": 3},
                                     "values": {i: {v: (x if p == "a" else 1 - x) for v, x in t.items()}
                                                for i, t in values.items()},
                                     "reservation": 0.3}}
                    for p in ("a", "b")],
        "talks": {"protocol": "alternating", "max_rounds": 400, "deliberation_days": step}}
    if event_day is not None:
        data["events"] = [{"id": "e", "title": "E", "date": f"2024-01-{event_day:02d}", "kind": "statement",
                           "effects": [{"type": "urgency", "party": "a", "by": 0.1}]}]
    return Scenario.model_validate(data)


@pytest.mark.parametrize(("step", "event_day"), [(0.0252, 4), (0.0342, 6), (0.0105, 3), (0.0013, 7)])
def test_a_stretch_that_one_timeout_would_not_end_exactly_is_cut_short(step: float, event_day: int) -> None:
    """After the event, stretches start at odd times, from which one timeout can miss a later turn's end.

    In these settings it does, and a stretch slept to such an end would shift every later
    time by a unit in the last place (below the log's rounding, so the raw times are compared).
    """
    scenario = long_talks(step, event_day)
    runs = [run(scenario, seed=1, stretches=stretches) for stretches in (True, False)]
    (outcome, log), (stepped, stepped_log) = runs
    assert outcome.agreed and outcome.day == stepped.day
    assert log.times == stepped_log.times
    assert log.jsonl() == stepped_log.jsonl()


def test_landing_counts_the_turns_whose_end_one_timeout_reaches_exactly() -> None:
    now = 3.0000000000000004
    turns = Schedule(now, 0.037, 1000, 3650.0, 0, 2, 1000)
    ends = turns.ends.tolist()
    count = turns.landing(now, 1000)
    assert 0 < count < 1000
    assert all(now + (end - now) == end for end in ends[:count]) and now + (ends[count] - now) != ends[count]
    assert turns.landing(now, count) == count
    assert Schedule(0.0, 0.037, 1000, 3650.0, 0, 2, 1000).landing(0.0, 1000) == 1000


def time_based(t: float, best: float, reservation: float, exponent: float) -> float:
    """The time-based concession curve as docs/simulation.md writes it, in plain Python."""
    t = min(1.0, max(0.0, t))
    return float(reservation + (best - reservation) * (1.0 - t ** (1.0 / exponent)))


@given(st.lists(st.floats(-0.5, 2.0), max_size=20), st.floats(0, 1), st.floats(0, 1),
       st.floats(0.05, 20), st.floats(1, 3), st.floats(0.05, 20))
def test_the_concession_curves_over_many_times_are_the_scalar_curve_to_the_bit(
        times: list[float], best: float, reservation: float, exponent: float, speed: float, other: float) -> None:
    rows = np.array([times, times[::-1]], dtype=float).reshape(2, len(times))
    fallen = falls(rows, [1.0 / exponent, 1.0 / other], [speed, 1.0])
    assert (reservation + (best - reservation) * fallen[0]).tolist() == \
        [time_based(t * speed, best, reservation, exponent) for t in times]
    assert (reservation + (best - reservation) * fallen[1]).tolist() == \
        [time_based(t, best, reservation, other) for t in times[::-1]]


def test_an_answer_due_exactly_at_the_horizon_is_still_given() -> None:
    data = {"negsim": 1, "id": "edge", "title": "Edge", "start": "2024-01-01", "horizon_days": 1,
            "issues": [{"id": "i", "name": "I", "type": "categorical", "values": ["x", "y"]}],
            "parties": [{"id": p, "name": p, "role": "principal",
                         "preferences": {"weights": {"i": 1}, "values": {"i": {"x": 1.0, "y": 1.0}}}}
                        for p in ("a", "b")],
            "talks": {"protocol": "alternating", "deliberation_days": 1.0}}
    scenario = Scenario.model_validate(data)
    outcome, log, _ = played(scenario, 0, stretches=True)
    assert (outcome, log) == played(scenario, 0, stretches=False)[:2]
    assert '"agreed": true' in outcome and '"day": 1.0' in outcome
    assert [json.loads(line)["kind"] for line in log.splitlines()] == ["start", "offer", "accept", "agreement"]


def test_a_principal_answers_one_text_as_the_stretches_answer_many() -> None:
    """Principal.respond (mediated talks, one text) and Answers (many offers at once) give the same answers."""
    rng = np.random.default_rng(12)
    seen: set[int] = set()
    for index in range(40):
        scenario = Scenario.model_validate(alternating_variant(random_scenario(rng, index), index))
        world = World(scenario, None)
        packages = np.arange(len(world.packages))
        for party in (p for p in scenario.parties if p.role == "principal"):
            principals = tuple(p.id for p in scenario.parties if p.role == "principal")
            principal = Principal(party, world, RedLineKnowledge(world), principals)
            for t, day in ((0.0, 0.0), (0.3, 4.0), (0.9, 20.0), (1.0, 30.0)):
                plan = principal.plan()
                worth = world.utility_rows((party.id,))[:, packages]
                codes = Answers([plan], packages, worth, np.full((1, len(packages)), plan.accepts_from(t, day)),
                                np.array([[plan.walk_away]]), np.ones((1, len(packages)), dtype=bool),
                                ).codes(len(packages))[0].tolist()
                causes = [principal.respond(int(package), t, day).cause for package in packages]
                assert causes == [Answer(code).cause for code in codes], (index, party.id, t)
                seen.update(codes)
    assert seen == {Answer.ACCEPTS, Answer.BREAKS_RED_LINES, Answer.BELOW_WALK_AWAY, Answer.ASKS_FOR_MORE}


def test_the_agreement_rule() -> None:
    assert agreement_rule(True, True) == (True, False)
    assert agreement_rule(True, False) == (False, True)  # accepted by every principal, but not allowed: blocked
    assert agreement_rule(False, True) == (False, False)
    assert agreement_rule(False, False) == (False, False)


def test_the_refusal_worth_most_is_the_first_such() -> None:
    refusals = Refusals()
    refusals.note("b", 0.2, 7)
    refusals.note("a", 0.9, 2)
    refusals.note("a", 0.9, 4)  # as much as an earlier refusal: the earlier one stays
    refusals.note("b", 0.3, 8)
    assert refusals.most_valued() == {"b": (0.3, 8), "a": (0.9, 2)}
    assert most_valued_refusal(np.array([0.5, 0.9, 0.1, 0.9])) == 1  # the rule on a stretch's refusals: the same


