"""The deal space of a scenario: every package, which constraints it meets, its utilities.

Built once from :class:`~sim.constraints.check.CompiledConstraints` through the one check, then shared by
the ZOPA, the clash and concession analyses and the bargaining reference points.
Its constraints are the red lines followed by the parties' walk-away values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from ..constraints.arrays import Bools, Codes, Floats
from ..constraints.check import WALK_AWAY_ID, CompiledConstraints
from ..constraints.compile import CompiledRedLine
from ..constraints.space import explain_bytes_per_package
from ..constraints.verdict import Verdict
from ..scenario.model import Party, Scenario


@dataclass(frozen=True)
class PricedConstraint:
    """A red line or a walk-away value, as the analyses name it and price its relaxation."""

    ref: str
    party: str
    cost: float
    is_walk_away: bool


@dataclass(frozen=True)
class DealSpace:
    """Every complete package of a scenario with its verdicts and utilities."""

    scenario: Scenario
    constraints: CompiledConstraints
    packages: Codes
    items: tuple[PricedConstraint, ...]
    holds: Bools
    parties: tuple[str, ...]
    utilities: Floats
    walk_aways: Floats
    powers: Floats

    @classmethod
    def of(cls, scenario: Scenario, constraints: CompiledConstraints | None = None) -> DealSpace:
        """Check every package of the scenario's outcome space against every constraint."""
        constraints = constraints or CompiledConstraints.of(scenario)
        packages = constraints.space.every_package(explain_bytes_per_package(scenario), "the analysis of explain")
        result = constraints.check(packages)
        holds = np.concatenate((result.red_lines, result.walk_aways)) == Verdict.HOLDS.value
        parties, walk_aways, powers = parties_and_powers(scenario, constraints)
        return cls(scenario=scenario, constraints=constraints, packages=packages,
                   items=priced_constraints(scenario, constraints), holds=holds, parties=parties,
                   utilities=result.utility_low, walk_aways=walk_aways, powers=powers)

    @property
    def feasible(self) -> Bools:
        """Packages that meet every constraint: the ZOPA."""
        return np.asarray(self.holds.all(axis=0), dtype=bool)

    def refs(self, indices: tuple[int, ...]) -> tuple[str, ...]:
        """Names of constraints by index."""
        return tuple(self.items[i].ref for i in indices)

    def meeting_all_but(self, relaxed: tuple[int, ...]) -> Bools:
        """Packages that meet every constraint outside ``relaxed``."""
        keep = np.ones(len(self.items), dtype=bool)
        keep[list(relaxed)] = False
        return np.asarray(self.holds[keep].all(axis=0), dtype=bool)


def priced_constraints(scenario: Scenario, constraints: CompiledConstraints) -> tuple[PricedConstraint, ...]:
    """The constraints the analyses name: every red line, then each weighing party's walk-away value."""
    red_lines = tuple(_red_line_item(scenario, constraints, c) for c in constraints.red_lines)
    return red_lines + tuple(PricedConstraint(ref=f"{p.party}/{WALK_AWAY_ID}", party=p.party, cost=1.0,
                                              is_walk_away=True) for p in constraints.preferences)


def parties_and_powers(scenario: Scenario, constraints: CompiledConstraints) -> tuple[tuple[str, ...], Floats, Floats]:
    """The parties with preferences, their walk-away values and their bargaining powers."""
    parties = tuple(p.party for p in constraints.preferences)
    return (parties, np.array([p.walk_away for p in constraints.preferences]),
            np.array([_power(scenario.party(p)) for p in parties]))


def _power(party: Party) -> float:
    return party.preferences.bargaining_power if party.preferences else 1.0


def concession_cost(items: tuple[PricedConstraint, ...], relaxed: Iterable[int]) -> float:
    """What relaxing these constraints costs in all (rounded to 6 decimals, as reported)."""
    return round(sum(items[i].cost for i in relaxed), 6)


def relaxation_cost(confidence: float, salience: Mapping[str, float], issues: Iterable[str]) -> float:
    """Price of relaxing a red line.

    Its confidence times its party's highest salience on the issues it reads (1 where not given).
    """
    return confidence * max((salience.get(i, 1.0) for i in issues), default=1.0)


def _red_line_item(scenario: Scenario, constraints: CompiledConstraints,
                   compiled: CompiledRedLine) -> PricedConstraint:
    issues = (constraints.space.issues[i] for i in compiled.test.issues)
    cost = relaxation_cost(compiled.source.confidence, scenario.party(compiled.party).salience, issues)
    return PricedConstraint(ref=compiled.ref, party=compiled.party, cost=cost, is_walk_away=False)
