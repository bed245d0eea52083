"""The deal space as a constraint model (OR-Tools CP-SAT), for spaces too large to list package by package.

Each issue is a choice of one of its values (a 0-1 variable per value, exactly one true). Each
red line's compiled test becomes a literal that is true exactly when the red line holds: an
atom is the disjunction of the values its table lets through (the very table the one check
reads), and ``all``/``any``/``not``/``implies`` are Boolean connectives, which is what Kleene's
logic is on complete packages. A walk-away value is a linear constraint over the issues' value
tables: each party's utility is a sum of one table entry per issue.

Utilities are floats, the solver's arithmetic is integer: table entries are scaled by
:data:`SCALE` and the constraint is loosened by a margin covering every rounding, so that no
package that meets a walk-away value is ever lost. What the loosening might let through is
caught afterwards: every package the solver offers is judged by the one check
(:meth:`~sim.constraints.check.CompiledConstraints.check`), and where the two disagree on a
walk-away value for that package, a clause tying that package to the one check's verdict is
added and the question asked again. So every answer is the one check's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..constraints.arrays import Codes
from ..constraints.check import Check, CompiledConstraints
from ..constraints.compile import AtomTest, Combined, Test
from ..constraints.verdict import Verdict
from ..constraints.walk_away import lowest_meeting
from ..scenario.model import Scenario
from .budget import UNLIMITED, Budget
from .dealspace import PricedConstraint, parties_and_powers, priced_constraints
from .hitting_sets import OutOfTime, configure, members

SCALE = 10**9
"""Integer units per unit of utility in the solver's walk-away constraints."""
GROW_SECONDS = 0.5
"""Most time spent looking for a package that meets as many other constraints as it can, when learning a clash."""


@dataclass
class SolverSpace:
    """The outcome space of a scenario as a CP-SAT model, with one literal per constraint."""

    scenario: Scenario
    constraints: CompiledConstraints
    items: tuple[PricedConstraint, ...]
    parties: tuple[str, ...]
    walk_aways: np.ndarray
    powers: np.ndarray
    model: Any = field(repr=False)
    choices: list[list[Any]] = field(repr=False)
    """Per issue, one 0-1 variable per value."""
    holds: list[Any] = field(repr=False)
    """Per constraint (red lines, then walk-away values), a literal true where it holds."""
    utilities: list[Any] = field(repr=False)
    """Per party with preferences, its scaled utility as a linear expression (rounded up)."""

    @classmethod
    def of(cls, scenario: Scenario, constraints: CompiledConstraints | None = None) -> SolverSpace:
        """Build the model of a scenario's red lines and walk-away values."""
        constraints = constraints or CompiledConstraints.of(scenario)
        model, choices, holds, utilities = constraint_model(constraints)
        parties, walk_aways, powers = parties_and_powers(scenario, constraints)
        return cls(scenario, constraints, priced_constraints(scenario, constraints), parties, walk_aways, powers,
                   model, choices, holds, utilities)

    def package(self, solver: Any) -> Codes:
        """The package of the solver's last solution, as codes."""
        return np.array([[next(k for k, v in enumerate(issue) if solver.boolean_value(v)) for issue in self.choices]],
                        dtype=np.int16)

    def failed(self, package: Codes) -> int:
        """The constraints (bitmask, as ``items``) that a complete package fails, by the one check."""
        return failed_in(self.constraints.check(package))

    def elsewhere(self, package: Codes) -> list[Any]:
        """Literals of which one is true for every package but this one."""
        return [~self.choices[j][int(k)] for j, k in enumerate(package[0])]

    def meeting(self, wanted: int, budget: Budget = UNLIMITED, *, others: bool = False) -> tuple[Codes, int] | None:
        """A package meeting every constraint of ``wanted`` and the constraints it fails, or None if none does.

        With ``others``, one that meets as many other constraints as the solver finds within
        :data:`GROW_SECONDS`. Raises :class:`OutOfTime` if the budget runs out first.
        """
        model = self.model.clone()
        # fixed in the copy, not assumed: CP-SAT 9.15 aborted on some models optimised under assumptions
        model.add_bool_and([self.holds[c] for c in members(wanted)])
        while True:
            solver = self._grown(model, wanted, budget) if others else self.solve(model, budget)
            if solver is None:
                return None
            package = self.package(solver)
            failed = self.failed(package)
            if self.agrees(model, solver, package, failed):
                return package, failed

    def _grown(self, model: Any, wanted: int, budget: Budget) -> Any | None:
        """A solution meeting as many constraints outside ``wanted`` as found in :data:`GROW_SECONDS`, else any."""
        goal = model.clone()
        goal.maximize(sum(self.holds[c] for c in range(len(self.holds)) if not wanted >> c & 1))
        try:
            return self.solve(goal, budget, GROW_SECONDS)
        except OutOfTime:
            if budget.spent:
                raise
            return self.solve(model, budget)

    def solve(self, model: Any, budget: Budget, cap: float | None = None) -> Any | None:
        """A solver holding a solution of ``model`` (optimal unless ``cap`` seconds ran out); None if there is none."""
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        configure(solver, budget)
        solver.parameters.cp_model_probing_level = 0  # probing one-hot issues of many values costs more than it saves
        if cap is not None:
            solver.parameters.max_time_in_seconds = min(solver.parameters.max_time_in_seconds, cap)
        status = solver.solve(model)
        if status == cp_model.INFEASIBLE:
            return None
        if status == cp_model.OPTIMAL or (status == cp_model.FEASIBLE and cap is not None and not budget.spent):
            return solver
        raise OutOfTime

    def agrees(self, model: Any, solver: Any, package: Codes, failed: int) -> bool:
        """Whether the solver's literals agree with the one check on this package; if not, make them.

        Only a walk-away value can disagree (its literal is loosened by the rounding margin). The
        clause added says: this package holds the walk-away value exactly as the one check says.
        """
        agree = True
        for c, literal in enumerate(self.holds):
            truth = not failed >> c & 1
            if bool(solver.boolean_value(literal)) != truth:
                agree = False
                settled = literal if truth else ~literal
                for target in (self.model, model):
                    target.add_bool_or([*self.elsewhere(package), settled])
        return agree


def constraint_model(constraints: CompiledConstraints) -> tuple[Any, list[list[Any]], list[Any], list[Any]]:
    """Compiled constraints as a CP-SAT model, and what the solver path reads of it.

    The model, its one-hot choices per issue, a literal per red line then per walk-away value
    (true where it holds), and each party's scaled utility as a linear expression.
    """
    from ortools.sat.python import cp_model  # a large import: only for the solver path

    model = cp_model.CpModel()
    choices = [[model.new_bool_var(f"{issue}={k}") for k in range(size)]
               for issue, size in zip(constraints.space.issues, constraints.space.sizes, strict=True)]
    for issue in choices:
        model.add_exactly_one(issue)
    literals = _Literals(model, choices)
    holds = [literals.of(red_line.test) for red_line in constraints.red_lines]
    utilities = []
    for prefs in constraints.preferences:
        literal, utility = _walk_away(model, choices, prefs.tables, prefs.walk_away)
        holds.append(literal)
        utilities.append(utility)
    return model, choices, holds, utilities


def failed_in(result: Check) -> int:
    """The constraints (bitmask, as ``SolverSpace.items``) that the one package of a check's result fails."""
    verdicts = np.concatenate((result.red_lines[:, 0], result.walk_aways[:, 0]))
    return sum(1 << c for c, v in enumerate(verdicts.tolist()) if v != Verdict.HOLDS.value)


class _Literals:
    """A literal for each compiled test, true exactly when the test holds (each shared test made once)."""

    def __init__(self, model: Any, choices: list[list[Any]]) -> None:
        self.model = model
        self.choices = choices
        self.made: dict[int, Any] = {}

    def of(self, test: Test) -> Any:
        """The literal of a test."""
        found = self.made.get(id(test))
        if found is None:
            found = self._atom(test) if isinstance(test, AtomTest) else self._combined(test)
            self.made[id(test)] = found
        return found

    def _atom(self, test: AtomTest) -> Any:
        allowed = [self.choices[test.issue][k] for k, v in enumerate(test.table[:-1].tolist())
                   if v == Verdict.HOLDS.value]
        return self._any(allowed)

    def _combined(self, test: Test) -> Any:
        assert isinstance(test, Combined), f"a compiled test is an atom or a combination, not {type(test)}"
        parts = [self.of(p) for p in test.parts]
        if test.how == "not":
            return ~parts[0]
        if test.how == "implies":
            return self._any([~parts[0], parts[1]])
        if test.how == "any":
            return self._any(parts)
        return ~self._any([~p for p in parts])

    def _any(self, parts: list[Any]) -> Any:
        """A literal true exactly when one of ``parts`` is."""
        literal = self.model.new_bool_var("")
        self.model.add_bool_or(parts).only_enforce_if(literal)
        for part in parts:
            self.model.add_implication(part, literal)
        return literal


def _walk_away(model: Any, choices: list[list[Any]], tables: tuple[np.ndarray, ...],
               walk_away: float) -> tuple[Any, Any]:
    """A literal for "meets the walk-away value", loosened both ways by the rounding margin.

    Its utility is scaled and rounded up (never below the float sum) for the test that it
    meets, rounded down for the test that it falls short; the threshold moves by one unit
    per issue and one more, more than any float sum's rounding of values at most 1 each.
    """
    literal = model.new_bool_var("walk-away")
    margin = len(tables) + 1
    least = lowest_meeting(walk_away) * SCALE
    high = sum(math.ceil(float(v) * SCALE) * x for table, issue in zip(tables, choices, strict=True)
               for v, x in zip(table.tolist(), issue, strict=True))
    low = sum(math.floor(float(v) * SCALE) * x for table, issue in zip(tables, choices, strict=True)
              for v, x in zip(table.tolist(), issue, strict=True))
    model.add(high >= math.floor(least) - margin).only_enforce_if(literal)
    model.add(low <= math.ceil(least) + margin).only_enforce_if(~literal)
    return literal, high
