"""The bargaining reference points found by the solver, without listing the space: the listed space's packages.

Each point is the best package of the ZOPA by some score: the Nash product (each party's gain
over its walk-away value to the power of its bargaining power), the total utility (maximum
welfare), or the smallest share of each party's ideal gain (Kalai-Smorodinsky). The solver
maximises an integer objective that is never below the score, so its optimum bounds every
package it has not offered yet. Each package it offers is judged by the one check (its
utilities, whether it is in the ZOPA) and ruled out of the next questions. The search ends
when the bound falls below the best package found by more than :data:`NEAR`; the packages
within :data:`NEAR` of the best are then ranked by the functions of
:mod:`~sim.analysis.bargaining`, in package order, exactly as over the listed space (ties to
the lowest package).

The Nash product is not linear: the objective bounds each party's log gain by tangents of the
logarithm (a grid of them to start with), which lie above it everywhere, and a tangent is added
at each party's gain in every package offered, so the bound is exact where the search has been.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..constraints.arrays import Codes, Floats
from ..constraints.walk_away import UTILITY_TOLERANCE, lowest_meeting, meeting
from .bargaining import GAIN_FLOOR, floored_nash_scores, kalai_smorodinsky, max_welfare, nash_point
from .budget import UNLIMITED, Budget
from .explanation import Point
from .hitting_sets import members
from .solver_space import SCALE, SolverSpace, failed_in

LOG_UNITS = 10**4
"""Integer units per unit of a weighted log gain in the Nash objective (powers scaled to at most 1)."""
SHARE_UNITS = 10**5
"""Integer units per unit of a share of the ideal gain in the Kalai-Smorodinsky objective."""
GAIN_UNITS = 10**3
"""The solver's units of utility (:data:`~sim.analysis.solver_space.SCALE`) in one unit of a gain that is
multiplied by another variable: coarse enough to keep every coefficient below about 10^12, where CP-SAT was
found reliable (finer gains made it call a feasible model infeasible)."""
assert GAIN_FLOOR == GAIN_UNITS / SCALE, "a floored gain's unit is the floor (floored_nash_package)"
GRID_RATIO = 1.5
"""Ratio between neighbouring tangents of the starting grid (the bound is within about 8% there)."""
NEAR = 1e-9
"""Score difference within which packages are ranked exactly (float scores that tie differ far less)."""
MOST_JUDGED = 1_000
"""Most packages a search judges before it gives up (on a plateau of packages worth the same to every party)."""


class TooManyTies(Exception):
    """More than :data:`MOST_JUDGED` packages were judged without settling a reference point."""


@dataclass(frozen=True)
class SolvedPoints:
    """The reference points of a solved space (codes, one row each), None where there is none."""

    nash: Codes | None
    kalai_smorodinsky: Codes | None
    max_welfare: Codes | None


def point_of(space: SolverSpace, package: Codes | None) -> Point | None:
    """A package found by a search as the explanation reports it: its terms and each party's utility."""
    if package is None:
        return None
    utilities = space.constraints.check(package).utility_low[:, 0].tolist()
    return Point(space.constraints.space.decode(package[0]), dict(zip(space.parties, utilities, strict=True)))


def reference_packages(space: SolverSpace, witness: Codes | None, budget: Budget = UNLIMITED) -> SolvedPoints:
    """The Nash, Kalai-Smorodinsky and maximum-welfare packages of the ZOPA, as the listed space has them.

    ``witness``: a package of the ZOPA (:func:`~sim.analysis.solved.zopa_package`), None if it is
    empty. Raises :class:`~sim.analysis.hitting_sets.OutOfTime` when the budget runs out and
    :class:`TooManyTies` past :data:`MOST_JUDGED` packages in one search.
    """
    if not space.parties or witness is None:
        return SolvedPoints(None, None, None)
    return SolvedPoints(nash_package(space, witness, budget), ks_package(space, budget),
                        welfare_package(space, budget))


def nash_package(space: SolverSpace, witness: Codes | None, budget: Budget = UNLIMITED, *,
                 wanted: int | None = None, disagreement_point: Floats | None = None,
                 over_least: bool = True, ranked_by: int | None = None) -> Codes | None:
    """The Nash package of the packages meeting ``wanted`` (a bitmask of constraints; default all: the ZOPA).

    None if no package gains for every party. As over the listed space: the gains are over
    ``disagreement_point`` (default the walk-away values), or, where no package gains for every
    party and ``over_least``, over the least utilities that still meet it. ``witness``, a package
    meeting ``wanted`` if known, is a check on the solver. Of equals, the first in package order,
    or in the order of party ``ranked_by``'s ranking (:func:`pick`).
    """
    if not space.parties:
        return None
    point = space.walk_aways if disagreement_point is None else disagreement_point
    for disagreement in (point, lowest_meeting(point))[:2 if over_least else 1]:
        search = Search(space, budget, wanted)
        refine, bound = _log_gains(search, disagreement, floored=False)

        def score(utilities: Floats, d: Floats = disagreement) -> float:
            gains = utilities - d
            return float(np.dot(space.powers, np.log(gains))) if gains.min() > 0 else -math.inf

        def rank(utilities: Floats, d: Floats = disagreement) -> int | None:
            return nash_point(utilities, d, space.powers)

        near = search.near_best(score, bound, refine)
        found = pick(near, rank, space, ranked_by)
        if found is not None:
            return found
        if witness is not None and score(space.constraints.check(witness).utility_low[:, 0]) > -math.inf:
            raise RuntimeError("the solver found no Nash package where the ZOPA witness is one; please report it")
    return None


def floored_nash_package(space: SolverSpace, wanted: int, budget: Budget = UNLIMITED) -> Codes | None:
    """The package meeting ``wanted`` of the best floored Nash score (:func:`~.bargaining.floored_nash_scores`).

    The gains are over the walk-away values, each at least :data:`~sim.analysis.bargaining.GAIN_FLOOR`,
    so every package has a score; the first of the best in package order, as
    ``argmax`` over the listed packages. None if no package meets ``wanted``.
    """
    search = Search(space, budget, wanted)
    refine, bound = _log_gains(search, space.walk_aways, floored=True)

    def score(utilities: Floats) -> float:
        return float(floored_nash_scores(utilities.reshape(-1, 1), space.walk_aways, space.powers)[0])

    def rank(utilities: Floats) -> int | None:
        return int(np.argmax(floored_nash_scores(utilities, space.walk_aways, space.powers)))

    return pick(search.near_best(score, bound, refine), rank, space)


def _log_gains(search: Search, disagreement: Floats, *, floored: bool
               ) -> tuple[Callable[[Any], None], Callable[[Any], float]]:
    """Maximise the sum of the parties' weighted log gains over ``disagreement``; the search's refine and bound.

    Each log is bounded by tangents (:class:`LogGain`), refined at every package offered. The powers
    are divided by the largest (the best package is the same). With ``floored``, each gain counts
    as at least :data:`~sim.analysis.bargaining.GAIN_FLOOR` (:func:`_floored_gain`).
    """
    space = search.space
    scale = float(space.powers.max())
    logs = [LogGain(search, k, float(d), float(power) / scale,
                    gain=_floored_gain(search, k, float(d)) if floored else None)
            for k, (d, power) in enumerate(zip(disagreement, space.powers, strict=True))]
    search.model.maximize(sum(log.variable for log in logs))

    def refine(solver: Any) -> None:
        for log in logs:
            log.tangent(max(1, int(solver.value(log.gain))))

    def bound(solver: Any) -> float:
        return (float(solver.objective_value) + len(logs)) / LOG_UNITS * scale  # each log is rounded down once

    return refine, bound


def _floored_gain(search: Search, party: int, disagreement: float) -> tuple[Any, int]:
    """A party's gain over ``disagreement`` in :data:`GAIN_UNITS` (rounded up, at least 0) plus 1; and its highest.

    One unit is :data:`~sim.analysis.bargaining.GAIN_FLOOR`, so the log of this gain times the
    unit bounds ``log(max(gain, 0) + GAIN_FLOOR)`` from above.
    """
    floor = math.floor(disagreement * SCALE)
    tables = search.space.constraints.preferences[party].tables
    highest = sum(math.ceil(float(table.max()) * SCALE) for table in tables) - floor
    lowest = sum(math.floor(float(table.min()) * SCALE) for table in tables) - floor
    top = max(0, -(-highest // GAIN_UNITS)) + 1
    model = search.model
    raw = model.new_int_var(min(0, lowest // GAIN_UNITS), top, "raw-gain")
    rounded_up(model, raw, search.space.utilities[party] - floor)
    kept = model.new_int_var(0, top, "gain-at-least-0")
    model.add_max_equality(kept, [raw, 0])
    gain = model.new_int_var(1, top, "floored-gain")
    model.add(gain == kept + 1)
    return gain, top


def welfare_package(space: SolverSpace, budget: Budget = UNLIMITED) -> Codes | None:
    """The ZOPA package of the largest total utility (the lowest of equals)."""
    search = Search(space, budget)
    search.model.maximize(sum(space.utilities))  # each scaled utility is rounded up: never below the float one

    def bound(solver: Any) -> float:
        return float(solver.objective_value) / SCALE

    near = search.near_best(lambda utilities: float(utilities.sum()), bound)
    return pick(near, max_welfare, space)


def dominating_package(space: SolverSpace, best: Floats, budget: Budget = UNLIMITED) -> Codes | None:
    """The ZOPA package of highest welfare at least as good as ``best`` for every party and better for one.

    As :func:`~sim.analysis.explain.judge` finds it over the listed space: "better" by more than
    rounding (the one tolerance of walk-away values), the lowest of equals.
    """
    search = Search(space, budget)
    _no_worse_and_better_for_one(search, best)
    search.model.maximize(sum(space.utilities))  # each scaled utility is rounded up: never below the float one

    def score(utilities: Floats) -> float:
        dominates = meeting(utilities, best).all() and not meeting(best, utilities).all()
        return float(utilities.sum()) if dominates else -math.inf

    def bound(solver: Any) -> float:
        return float(solver.objective_value) / SCALE

    return pick(search.near_best(score, bound), max_welfare, space)


def _no_worse_and_better_for_one(search: Search, best: Floats) -> None:
    """Constrain a search to packages no worse than ``best`` for any party and better for one.

    Loosened by the rounding of the solver's utilities, so that no such package is lost; what the
    loosening lets through scores nothing (the score is the one check's).
    """
    model, space = search.model, search.space
    margin = len(space.choices) + 1  # each table entry is rounded up by less than a unit
    better = []
    for k, utility in enumerate(space.utilities):
        model.add(utility >= math.floor((best[k] - UTILITY_TOLERANCE) * SCALE) - margin)
        literal = model.new_bool_var(f"better-for-{k}")
        model.add(utility >= math.floor((best[k] + UTILITY_TOLERANCE) * SCALE) - margin).only_enforce_if(literal)
        better.append(literal)
    model.add_bool_or(better)


def ks_package(space: SolverSpace, budget: Budget = UNLIMITED) -> Codes | None:
    """The Kalai-Smorodinsky package of the ZOPA, as :func:`~sim.analysis.bargaining.kalai_smorodinsky` picks it.

    The ideal gain of each party is its best utility over the ZOPA's packages at or above
    every walk-away value (as high as over their Pareto front), found by the same search.
    """
    d = space.walk_aways
    ideal = np.array([_best_utility(space, k, budget) for k in range(len(space.parties))]) - d
    if not np.isfinite(ideal).all():
        return None  # no package of the ZOPA is at or above every walk-away value
    search = Search(space, budget)
    _at_or_above(search, d)
    share = search.model.new_int_var(0, SHARE_UNITS, "least-share")
    for k in range(len(space.parties)):
        gain, _ = coarse_gain(search, k, float(d[k]), 0)
        if ideal[k] > 0:  # a party whose ideal gain is none has a share of 1 in every package
            search.model.add(math.floor(ideal[k] * SCALE / GAIN_UNITS) * share <= SHARE_UNITS * gain)
    search.model.maximize(share)

    def score(utilities: Floats) -> float:
        gains = utilities - d
        if gains.min() < 0:
            return -math.inf
        return float(np.where(ideal > 0, gains / np.where(ideal > 0, ideal, 1.0), 1.0).min())

    def bound(solver: Any) -> float:
        return (float(solver.objective_value) + 1) / SHARE_UNITS

    near = search.near_best(score, bound)
    return pick(near, lambda utilities: kalai_smorodinsky(utilities, d, ideal), space)


def _best_utility(space: SolverSpace, party: int, budget: Budget) -> float:
    """A party's best utility over the ZOPA's packages at or above every walk-away value (-inf if none)."""
    search = Search(space, budget)
    _at_or_above(search, space.walk_aways)
    search.model.maximize(space.utilities[party])

    def score(utilities: Floats) -> float:
        return float(utilities[party]) if (utilities >= space.walk_aways).all() else -math.inf

    def bound(solver: Any) -> float:
        return float(solver.objective_value) / SCALE

    near = search.near_best(score, bound)
    return max((float(space.constraints.check(p).utility_low[party, 0]) for p in near), default=-math.inf)


def _at_or_above(search: Search, disagreement: Floats) -> None:
    """Keep only packages whose (rounded up) utilities are at or above these values."""
    for utility, d in zip(search.space.utilities, disagreement.tolist(), strict=True):
        search.model.add(utility >= math.floor(d * SCALE))


def coarse_gain(search: Search, party: int, disagreement: float, shift: int) -> tuple[Any, int]:
    """A party's gain over ``disagreement``, plus ``shift`` units, in :data:`GAIN_UNITS`; and its highest value.

    Never below the true gain: the utility is rounded up, the disagreement value down, the units
    up. At least ``shift``: packages below it are left out.
    """
    floor = math.floor(disagreement * SCALE)
    tables = search.space.constraints.preferences[party].tables
    highest = sum(math.ceil(float(table.max()) * SCALE) for table in tables) - floor + shift
    top = max(shift, -(-highest // GAIN_UNITS))
    gain = search.model.new_int_var(shift, top, "gain")
    rounded_up(search.model, gain, search.space.utilities[party] - floor + shift)
    return gain, top


def rounded_up(model: Any, coarse: Any, fine: Any) -> None:
    """``coarse`` is ``fine`` in :data:`GAIN_UNITS`, rounded up.

    Pinned from both sides: bounded from below only, the objective would raise it freely.
    """
    model.add(GAIN_UNITS * coarse >= fine)
    model.add(GAIN_UNITS * coarse <= fine + GAIN_UNITS - 1)


def pick(near: list[Codes], rank: Callable[[Floats], int | None], space: SolverSpace,
         ranked_by: int | None = None) -> Codes | None:
    """The package ``rank`` picks among the nearly best, given their utilities in package order.

    With ``ranked_by`` (a party's index), in the order of that party's ranking instead: its
    utility ascending, then package order (as a principal's listed ranking holds them).
    """
    if not near:
        return None
    if ranked_by is None:
        ordered: list[Codes] = sorted(near, key=_package_order)
    else:
        utilities = [float(space.constraints.check(package).utility_low[ranked_by, 0]) for package in near]
        ordered = [package for _, _, package in sorted(zip(utilities, map(_package_order, near), near, strict=True),
                                                       key=lambda entry: entry[:2])]
    packages: Codes = np.vstack(ordered)
    local = rank(space.constraints.check(packages).utility_low)
    return None if local is None else packages[local:local + 1]


def _alike_values(space: SolverSpace, issue: int) -> np.ndarray:
    """For each value of an issue, a number shared by the values every party's table gives the same worth."""
    columns = np.array([prefs.tables[issue] for prefs in space.constraints.preferences])
    return np.unique(columns, axis=1, return_inverse=True)[1].reshape(-1)


def _package_order(package: Codes) -> tuple[int, ...]:
    """Packages are numbered in lexicographic order of their codes."""
    return tuple(int(code) for code in package[0])


class Search:
    """The packages meeting some constraints (the ZOPA: all) as a model, and the loop that finds the nearly best."""

    def __init__(self, space: SolverSpace, budget: Budget, wanted: int | None = None, *, highest: bool = False) -> None:
        self.space = space
        self.budget = budget
        self.highest = highest
        """Whether a plateau of packages alike is represented by its highest package (else its lowest)."""
        self.wanted = (1 << len(space.holds)) - 1 if wanted is None else wanted  # default: the ZOPA
        self.model = space.model.clone()
        self.model.add_bool_and([space.holds[c] for c in members(self.wanted)])
        self.alike = [_alike_values(space, j) for j in range(len(space.choices))]

    def near_best(self, score: Callable[[Floats], float], bound: Callable[[Any], float],
                  refine: Callable[[Any], None] | None = None) -> list[Codes]:
        """Every ZOPA package whose score is within :data:`NEAR` of the best (none if no score is finite).

        ``bound(solver)``: from the solver's optimum, a score no package left exceeds.
        ``refine(solver)``: tighten the objective at the solution, before it is ruled out.
        """
        near: list[tuple[Codes, float]] = []
        best = -math.inf
        for _ in range(MOST_JUDGED):
            solver = self.space.solve(self.model, self.budget)
            if solver is None or bound(solver) < best - NEAR:
                return [package for package, _ in near]
            package = self.space.package(solver)
            if refine is not None:
                refine(solver)
            judged = self.space.constraints.check(package)
            if failed_in(judged) & self.wanted:  # fails a wanted walk-away value by the one check (the solver's
                # are loosened), and so does every package worth the same to every party
                self._rule_out_alike(package)
                continue
            found = score(judged.utility_low[:, 0])
            if found > -math.inf and found >= best - NEAR:
                best = max(best, found)
                near = [(p, s) for p, s in near if s >= best - NEAR] + [(self._extreme_alike(package), found)]
            self._rule_out_alike(package)
        raise TooManyTies

    def _alike(self, package: Codes) -> list[list[int]]:
        """Per issue, the values worth what the package's value is worth to every party (its own among them)."""
        return [np.flatnonzero(classes == classes[int(code)]).tolist()
                for classes, code in zip(self.alike, package[0], strict=True)]

    def _rule_out_alike(self, package: Codes) -> None:
        """Rule out every package worth to every party, issue by issue, what this one is.

        They have the same utilities, to the bit, so the same score: a plateau of them goes at once.
        """
        outside = [choice for values, issue in zip(self._alike(package), self.space.choices, strict=True)
                   for k, choice in enumerate(issue) if k not in set(values)]
        self.model.add_bool_or(outside)

    def _extreme_alike(self, package: Codes) -> Codes:
        """The lowest package (the highest if so asked) worth what this one is, issue by issue, and wanted."""
        alike = self._alike(package)
        if all(len(values) == 1 for values in alike):
            return package
        model = self.model.clone()
        model.clear_objective()
        for values, issue in zip(alike, self.space.choices, strict=True):
            model.add_bool_or([issue[k] for k in values])
        lowest = package.copy()
        for j, (values, issue) in enumerate(zip(alike, self.space.choices, strict=True)):
            if len(values) > 1:  # the lowest (highest) value this issue can take, the issues before it fixed
                code = sum(k * issue[k] for k in values)
                model.maximize(code) if self.highest else model.minimize(code)
                solver = self.space.solve(model, self.budget)
                assert solver is not None, "the package itself is among those searched"
                lowest[0, j] = self.space.package(solver)[0, j]
            model.add(issue[int(lowest[0, j])] == 1)
        return lowest


class LogGain:
    """One party's weighted log gain, bounded from above by tangents of the logarithm."""

    def __init__(self, search: Search, party: int, disagreement: float, weight: float,
                 gain: tuple[Any, int] | None = None) -> None:
        model = search.model
        self.weight = LOG_UNITS * weight
        # at least 1, where the log is defined
        self.gain, top = coarse_gain(search, party, disagreement, 1) if gain is None else gain
        low = math.floor(self.weight * math.log(GAIN_UNITS / SCALE)) - 1
        high = math.ceil(self.weight * math.log(top * GAIN_UNITS / SCALE)) + 1
        self.variable = model.new_int_var(low, high, "log-gain")
        self.model = model
        self.points: set[int] = set()
        point = top
        while point >= 1:
            self.tangent(point)
            point = math.floor(point / GRID_RATIO)

    def tangent(self, point: int) -> None:
        """The bound ``log <= weight * (log(point * GAIN_UNITS / SCALE) + gain / point - 1)``, rounded up.

        Multiplied by ``point`` to make every coefficient an integer; rounding the constant and
        the slope up keeps it above the logarithm (the gain is positive).
        """
        if point in self.points:
            return
        self.points.add(point)
        constant = math.ceil(point * self.weight * (math.log(point * GAIN_UNITS / SCALE) - 1))
        self.model.add(point * self.variable <= constant + math.ceil(self.weight) * self.gain)
