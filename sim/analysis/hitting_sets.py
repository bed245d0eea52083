"""Minimal hitting sets, smallest first, one at a time, by a constraint solver (OR-Tools CP-SAT).

The clashing sets of a scenario are the minimal sets of constraints that every concession set
meets (:mod:`sim.analysis.clashes`). Their number can grow exponentially with the constraints,
so they are found one at a time in a fixed order, smallest first and then by the set read as a
binary number (constraint ``c`` is bit ``c``), and the search stops at the limit or when the
time budget is spent: the work grows with what is asked for, not with everything there is.

Each next set is the optimum of a small 0-1 program: one variable per constraint, a clause per
known set to meet, a clause per set already found (not all of it again, so no superset of it),
and the order as the objective: the size first, then the binary number, a block of bits at a
time (CP-SAT's objective is a 64-bit integer).

The family need not be known whole. Given an *oracle* that tells, for a candidate, whether some
package meets every constraint in it, and if so a set of constraints such a package fails, the
search learns the family as it goes (implicit hitting-set dualisation, as in Ignatiev, Previti,
Liffiton and Marques-Silva, "Smallest MUS extraction with minimal hitting set dualization",
CP 2015). A candidate no package meets is a clash: it is the smallest hitting set of part of the
family, so a smaller clash would have been a smaller candidate; and it comes in the same order
as with the whole family, since every clash not yet found is a candidate at every step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .budget import UNLIMITED, Budget

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

Oracle = Callable[[int], int | None]
"""For a set of constraints (a bitmask): None if no package meets them all; otherwise the set of
constraints that some package meeting them all fails (also a bitmask, never meeting the set)."""

_CHUNK = 60
"""Bits of the order a single objective holds: their weights sum to under 2**60, within CP-SAT's 64 bits."""
_ONE_OBJECTIVE = 55
"""Up to this many constraints, size and binary number fit in one objective (size weighted 2**width)."""


class OutOfTime(Exception):
    """The time budget ran out before the solver proved its answer."""


def members(mask: int) -> Iterator[int]:
    """Indices of the set bits of a mask, ascending."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class HittingSetSearch:
    """The next minimal hitting set in order (size, then binary number) of a growing family."""

    def __init__(self, width: int, budget: Budget = UNLIMITED) -> None:
        from ortools.sat.python import cp_model  # a large import (0.7 s): only when a search is made

        self._cp = cp_model
        self.width = width
        self.budget = budget
        self.model = cp_model.CpModel()
        self.chosen = [self.model.new_bool_var(f"c{c}") for c in range(width)]

    def must_meet(self, mask: int) -> None:
        """Every hitting set from now on meets this set."""
        self.model.add_bool_or([self.chosen[c] for c in members(mask)])

    def exclude_supersets(self, mask: int) -> None:
        """No hitting set from now on holds all of this set."""
        self.model.add_bool_or([~self.chosen[c] for c in members(mask)])

    def next(self) -> int | None:
        """The least hitting set in the order, or None if none is left; raises :class:`OutOfTime`."""
        if self.width <= _ONE_OBJECTIVE:
            size_weight = 1 << self.width
            found = self._solve(self.model, [(c, size_weight + (1 << c)) for c in range(self.width)])
            return None if found is None else _mask(found)
        sized = self._solve(self.model, [(c, 1) for c in range(self.width)])
        if sized is None:
            return None
        ordered = self.model.clone()
        ordered.add(sum(self.chosen) == sum(sized))
        for low in range(_CHUNK * ((self.width - 1) // _CHUNK), -1, -_CHUNK):
            block = range(low, min(low + _CHUNK, self.width))
            values = self._solve(ordered, [(c, 1 << (c - low)) for c in block])
            assert values is not None, "a model with a solution keeps one when its order is fixed block by block"
            for c in block:
                ordered.add(self.chosen[c] == values[c])
            sized = values
        return _mask(sized)

    def _solve(self, model: cp_model.CpModel, weights: Sequence[tuple[int, int]]) -> list[int] | None:
        model.minimize(sum(weight * self.chosen[c] for c, weight in weights))
        solver = self._cp.CpSolver()
        configure(solver, self.budget)
        status = solver.solve(model)
        if status == self._cp.INFEASIBLE:
            return None
        if status != self._cp.OPTIMAL:
            raise OutOfTime
        return [int(solver.value(v)) for v in self.chosen]


def configure(solver: Any, budget: Budget) -> None:
    """One worker and a fixed seed (the same answers on every machine), and the time left as the limit.

    No inclusion presolve: on models of one-hot issues and linear constraints CP-SAT 9.15's
    (``ProcessAtMostOneAndLinear``) certified a worse package than one that exists as optimal (a
    Nash search over 10^6 packages found the second best; google/or-tools issue 5293, open).
    """
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.presolve_inclusion_work_limit = 0
    left = budget.remaining()
    if left is not None:
        solver.parameters.max_time_in_seconds = max(left, 1e-3)


def _mask(values: list[int]) -> int:
    return sum(1 << c for c, value in enumerate(values) if value)


def smallest_hitting_sets(family: Sequence[int], width: int, limit: int | None, budget: Budget = UNLIMITED,
                          oracle: Oracle | None = None) -> tuple[list[int], bool]:
    """Minimal hitting sets of ``family`` (bitmasks over ``width`` constraints), smallest first, at most ``limit``.

    With an ``oracle``, ``family`` may be only part of the family, and a candidate counts only
    when the oracle says no package meets it (see the module's text). Returns the sets and
    whether the list is complete: false if more exist or the budget ran out first.
    """
    search = HittingSetSearch(width, budget)
    for mask in family:
        search.must_meet(mask)
    found: list[int] = []
    try:
        while limit is None or len(found) <= limit:
            candidate = search.next()
            if candidate is None:
                return found, True
            learned = None if oracle is None else oracle(candidate)
            if learned is None:
                found.append(candidate)
                search.exclude_supersets(candidate)
            else:
                search.must_meet(learned)
    except OutOfTime:
        return found[:limit], False
    return found[:limit], False
