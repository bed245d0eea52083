"""The ZOPA, the concession sets and the clashing sets found by the solver, without listing the space.

The same answers as the enumerating path (:mod:`sim.analysis.clashes` over a
:class:`~sim.analysis.dealspace.DealSpace`), in the same order: concession sets by price
(:func:`~sim.analysis.clashes.price`), clashing sets smallest first and then by the set read as
a binary number. Each search stops at the limit, or when the time budget is spent, and says
whether its list is complete.
"""

from __future__ import annotations

import math

import numpy as np

from ..constraints.arrays import Codes
from .budget import UNLIMITED, Budget
from .clashes import price
from .hitting_sets import OutOfTime, members, smallest_hitting_sets
from .solver_space import SolverSpace

COST_SCALE = 10**6
"""Integer units per unit of a relaxation's cost in the solver's objective (the ranking itself uses the exact costs)."""


def zopa_package(space: SolverSpace, budget: Budget = UNLIMITED) -> Codes | None:
    """A package meeting every red line and walk-away value, or None if there is none (a witness)."""
    found = space.meeting((1 << len(space.items)) - 1, budget)
    return None if found is None else found[0]


def cheapest_concessions(space: SolverSpace, limit: int | None,
                         budget: Budget = UNLIMITED) -> tuple[list[int], bool]:
    """The minimal concession sets (bitmasks over ``space.items``) in order of price, at most ``limit``.

    Each is the cheapest relaxation no earlier one is part of: the solver minimises the scaled
    cost of the constraints a package fails (plus one per constraint, so a cheapest set is also
    minimal), then rules out every package failing all of that set. Scaled costs are rounded,
    so the search goes on until no set yet to come can be cheaper than the last one listed.
    Returns the sets and whether they are all there are (false if more exist or time ran out).
    """
    costs = np.array([item.cost for item in space.items])
    count = len(costs)
    units = [math.ceil(c * COST_SCALE) for c in costs]
    model = space.model.clone()
    model.minimize(sum((units[c] * (count + 1) + 1) * (1 - space.holds[c]) for c in range(count)))
    found: list[int] = []
    try:
        while True:
            solver = space.solve(model, budget)
            if solver is None:
                return _ranked(found, costs, limit), limit is None or len(found) <= limit
            package = space.package(solver)
            failed = space.failed(package)
            if not space.agrees(model, solver, package, failed):
                continue
            if _beyond(found, costs, limit, int(solver.objective_value) // (count + 1), count):
                return _ranked(found, costs, limit), False
            found.append(failed)
            if failed == 0:  # a package meets everything: no concession is needed
                return [0], True
            model.add_bool_or([space.holds[c] for c in members(failed)])
    except OutOfTime:
        return _ranked(found, costs, limit), False


def _ranked(found: list[int], costs: np.ndarray, limit: int | None) -> list[int]:
    ranked = sorted(found, key=lambda m: price(m, costs))
    return ranked if limit is None else ranked[:limit]


def _beyond(found: list[int], costs: np.ndarray, limit: int | None, units: int, count: int) -> bool:
    """Whether a set of ``units`` scaled cost, and every later one, ranks after the first ``limit`` found."""
    if limit is None or len(found) <= limit:
        return False
    last = price(_ranked(found, costs, limit)[-1], costs)[0]
    return units > math.ceil(last * COST_SCALE) + count


def clashing_sets(space: SolverSpace, known: list[int], limit: int | None,
                  budget: Budget = UNLIMITED) -> tuple[list[int], bool]:
    """The minimal clashing sets, smallest first, at most ``limit``; ``known``: concession sets already found."""
    if 0 in known:  # a package meets every constraint: nothing clashes
        return [], True

    def oracle(candidate: int) -> int | None:
        found = space.meeting(candidate, budget, others=True)
        return None if found is None else found[1]

    return smallest_hitting_sets([m for m in known if m], len(space.items), limit, budget, oracle)
