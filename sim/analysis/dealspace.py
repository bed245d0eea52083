"""The deal space of a scenario: every package, which constraints it meets, its utilities.

Built once from :class:`~sim.constraints.check.Constraints` through the one check, then shared by
the ZOPA, the clash and concession analyses and the bargaining reference points.
Constraints are the red lines followed by the parties' reservation values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.constraints.check import RESERVATION_ID, Constraints
from sim.constraints.compile import HOLDS, CompiledRedLine
from sim.constraints.space import Codes, explain_bytes_per_package
from sim.scenario.model import Party, Scenario

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Constraint:
    """A red line or a reservation value, as the analyses name and price it."""

    ref: str
    party: str
    cost: float
    is_reservation: bool


@dataclass(frozen=True)
class DealSpace:
    """Every complete package of a scenario with its verdicts and utilities."""

    scenario: Scenario
    constraints: Constraints
    packages: Codes
    items: tuple[Constraint, ...]
    holds: Bools
    parties: tuple[str, ...]
    utilities: Floats
    reservations: Floats
    powers: Floats

    @classmethod
    def of(cls, scenario: Scenario, constraints: Constraints | None = None) -> DealSpace:
        """Check every package of the scenario's outcome space against every constraint."""
        constraints = constraints or Constraints.of(scenario)
        packages = constraints.space.every_package(explain_bytes_per_package(scenario), "the analysis of explain")
        result = constraints.check(packages)
        holds = np.concatenate((result.red_lines, result.reservations)) == HOLDS
        parties = tuple(p.party for p in constraints.preferences)
        items = tuple(_red_line_item(scenario, constraints, c) for c in constraints.red_lines) + tuple(
            Constraint(f"{p}/{RESERVATION_ID}", p, 1.0, True) for p in parties)
        powers = np.array([_power(scenario.party(p)) for p in parties])
        reservations = np.array([p.reservation for p in constraints.preferences])
        return cls(scenario, constraints, packages, items, holds, parties,
                   result.utility_low, reservations, powers)

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


def _power(party: Party) -> float:
    return party.preferences.bargaining_power if party.preferences else 1.0


def relaxation_cost(confidence: float, salience: Mapping[str, float], issues: Iterable[str]) -> float:
    """Price of relaxing a red line.

    Its confidence times its party's highest salience on the issues it reads (1 where not given).
    """
    return confidence * max((salience.get(i, 1.0) for i in issues), default=1.0)


def _red_line_item(scenario: Scenario, constraints: Constraints, compiled: CompiledRedLine) -> Constraint:
    issues = (constraints.space.issues[i] for i in compiled.test.issues)
    cost = relaxation_cost(compiled.source.confidence, scenario.party(compiled.party).salience, issues)
    return Constraint(compiled.ref, compiled.party, cost, False)
