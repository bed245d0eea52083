"""Verdict semantics: open issues, conditionals, deferral, reservation values, stances."""

from __future__ import annotations

import numpy as np
import pytest

import negsim
from negsim.constraints.space import LEFT_OPEN
from negsim.errors import UsageError

SCENARIO = """
negsim: 1
id: border-talks
title: Border talks
start: 2024-01-01
issues:
  - {id: border, name: Troops on the border, type: ordered, values: [none, monitored, reduced, full]}
  - {id: screening, name: Screening, type: boolean}
  - {id: prisoners, name: Prisoners freed, type: integer, min: 0, max: 100, step: 10}
conditions:
  troops-out: {issue: border, op: "<=", value: monitored}
parties:
  - id: north
    name: North
    role: principal
    red_lines:
      - id: keep-troops
        require: {issue: border, op: ">=", value: reduced}
        rationale: security
        source: assumption
      - id: screen
        when: {issue: prisoners, op: ">", value: 20}
        require: {issue: screening, op: "==", value: true}
        rationale: checks
        source: assumption
        if_left_open: defer
    preferences:
      weights: {border: 1, prisoners: 1}
      values:
        border: {none: 0, monitored: 0.2, reduced: 0.7, full: 1}
        prisoners: {0: 1, 100: 0}
      reservation: 0.5
  - id: south
    name: South
    role: principal
    red_lines:
      - id: troops-out
        require: {any: [{condition: troops-out}, {issue: prisoners, op: ">=", value: 90}]}
        rationale: sovereignty
        source: assumption
  - id: broker
    name: Broker
    role: mediator
"""


@pytest.fixture(scope="module")
def scenario() -> negsim.Scenario:
    return negsim.loads(SCENARIO)


def stances(result: negsim.Evaluation) -> dict[str, str]:
    return {p.party: p.stance for p in result.parties}


def verdicts(result: negsim.Evaluation) -> dict[str, str]:
    return {r.ref: r.verdict for p in result.parties for r in p.red_lines}


def test_a_complete_package_gets_definite_verdicts(scenario: negsim.Scenario) -> None:
    result = negsim.evaluate(scenario, {"border": "reduced", "screening": True, "prisoners": 30})
    assert verdicts(result) == {"north/keep-troops": "holds", "north/screen": "holds", "south/troops-out": "breaks"}
    assert stances(result) == {"north": "accept", "south": "reject"}
    assert not result.agreed


def test_mediators_without_red_lines_take_no_stance(scenario: negsim.Scenario) -> None:
    result = negsim.evaluate(scenario, {"border": "none"})
    assert "broker" not in stances(result)


def test_a_red_line_on_an_open_issue_is_open(scenario: negsim.Scenario) -> None:
    result = negsim.evaluate(scenario, {"border": "full", "prisoners": 50})
    assert result.open_issues == ("screening",)
    assert verdicts(result)["north/screen"] == "open"


def test_a_deferred_open_red_line_does_not_hold_up_acceptance(scenario: negsim.Scenario) -> None:
    result = negsim.evaluate(scenario, {"border": "full", "prisoners": 50})
    north = next(p for p in result.parties if p.party == "north")
    assert north.stance == "accept" and north.red_lines[1].deferred


def test_a_conditional_holds_when_its_condition_fails_whatever_is_open(scenario: negsim.Scenario) -> None:
    result = negsim.evaluate(scenario, {"border": "full", "prisoners": 10})
    assert verdicts(result)["north/screen"] == "holds"


def test_open_verdicts_are_settled_when_every_completion_agrees(scenario: negsim.Scenario) -> None:
    # South's red line reads border and prisoners; with border at 'full' and prisoners open,
    # some completions (90, 100) meet it and others do not: open. With border 'none', all do.
    assert verdicts(negsim.evaluate(scenario, {"border": "full"}))["south/troops-out"] == "open"
    assert verdicts(negsim.evaluate(scenario, {"border": "none"}))["south/troops-out"] == "holds"


def test_a_withheld_open_red_line_leaves_the_party_undecided(scenario: negsim.Scenario) -> None:
    result = negsim.evaluate(scenario, {"border": "full"})
    south = next(p for p in result.parties if p.party == "south")
    assert south.stance == "open" and south.withholding == ("south/troops-out",)


def test_falling_below_the_walk_away_value_is_a_rejection(scenario: negsim.Scenario) -> None:
    result = negsim.evaluate(scenario, {"border": "reduced", "screening": True, "prisoners": 100})
    north = next(p for p in result.parties if p.party == "north")
    assert north.stance == "reject" and north.breaking == ("north/reservation-value",)
    assert north.walk_away is not None
    assert north.walk_away.utility_low == pytest.approx(0.35)


def test_reservation_is_open_while_open_issues_could_swing_it(scenario: negsim.Scenario) -> None:
    result = negsim.evaluate(scenario, {"border": "reduced", "screening": True})
    north = next(p for p in result.parties if p.party == "north")
    assert north.walk_away is not None and north.walk_away.verdict == "open"
    assert (north.walk_away.utility_low, north.walk_away.utility_high) == pytest.approx((0.35, 0.85))


def test_checking_many_packages_uses_the_same_check(scenario: negsim.Scenario) -> None:
    constraints = negsim.CompiledConstraints.of(scenario)
    every = constraints.space.every_package()
    assert every.shape == (4 * 2 * 11, 3)
    feasible = constraints.feasible(every)
    # North needs troops (reduced/full); South then needs >= 90 prisoners freed, and only
    # full troops keep North at its walk-away value; more than 20 freed needs screening.
    deals = [constraints.space.decode(row) for row in every[feasible]]
    assert deals == [{"border": "full", "screening": True, "prisoners": p} for p in (90, 100)]
    one = constraints.check(every[:1]).red_lines[:, 0]
    assert (one == constraints.check(every).red_lines[:, 0]).all()


def test_encode_and_decode_round_trip(scenario: negsim.Scenario) -> None:
    space = negsim.OutcomeSpace.of(scenario)
    row = space.encode({"border": "monitored", "prisoners": 40})
    assert row.tolist() == [1, LEFT_OPEN, 4]
    assert space.decode(row) == {"border": "monitored", "screening": None, "prisoners": 40}
    assert row.dtype == np.int16


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"bordr": "none"}, "unknown issue 'bordr'; did you mean 'border'?"),
        ({"border": "nope"}, "'nope' is not a value of issue 'border'"),
        ({"prisoners": 35}, "35 is not a value of issue 'prisoners'"),
        ({"screening": "yes"}, "'yes' is not a value of issue 'screening'"),
    ],
)
def test_bad_terms_raise_usage_errors(scenario: negsim.Scenario, terms: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        negsim.evaluate(scenario, terms)  # type: ignore[arg-type]
