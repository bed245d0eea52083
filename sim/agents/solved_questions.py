"""The questions agents ask of the deal space, answered by the solver: the same answers as over the listed packages.

Each takes a question (:meth:`~sim.agents.run_model.RunModel.question`) and the constraints
that must hold in it (a bitmask, ``wanted``), and applies the rule the listed agents apply,
ties included: a principal's counter to a text (:meth:`~sim.agents.ranking.Ranking.counter`),
the most it can get, the settlement it expects and the mediator's text (the asymmetric Nash
package, else the best floored Nash score; :meth:`~sim.agents.mediator.Mediator.best_in`).
Every package the solver offers is judged by the one check before it is used.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..analysis.budget import UNLIMITED as _UNLIMITED
from ..analysis.solved_points import Search, floored_nash_package, nash_package, pick
from ..analysis.solver_space import SCALE, SolverSpace, failed_in
from ..constraints.arrays import Codes, Floats
from .neighbours import Neighbours, spans_of
from .run_model import RunModel


def any_package(question: SolverSpace, wanted: int) -> int | None:
    """A package meeting every constraint of ``wanted``, by number (None if none does)."""
    found = question.meeting(wanted)
    return None if found is None else _number(question, found[0])


def most_valued(question: SolverSpace, party: int, wanted: int, *, highest: bool = False) -> tuple[int, float] | None:
    """The package meeting ``wanted`` that party ``party`` (its index) values most, and its utility.

    Of equals, the lowest package (the highest, with ``highest``); None if no package meets ``wanted``.
    """
    found = _most_valued_in(Search(question, _UNLIMITED, wanted, highest=highest), party)
    if found is None:
        return None
    return _number(question, found), float(question.constraints.check(found).utility_low[party, 0])


def counter(question: SolverSpace, run: RunModel, party: int, least: float, text: int, neighbours: Neighbours) -> int:
    """The counter rule over the packages meeting every constraint: of those worth ``least`` or more, the nearest.

    Nearest: fewest terms unlike the text's; of those, the one the party values most; of
    equals, the lowest package. If none is worth ``least``, the package it values most (the
    highest of equals). The packages within :attr:`~Neighbours.reach` terms are judged by the one
    check first; past them the solver finds the fewest terms, then the most valued at that distance.
    """
    terms = run.codes([text])[0]
    for distance in range(neighbours.reach + 1):
        ring = neighbours.at(text, terms, distance)
        judged = question.constraints.check(run.codes(ring))
        meets = judged.meets_everything() & (judged.utility_low[party] >= least)
        if meets.any():
            found, valued = ring[meets], judged.utility_low[party][meets]
            return int(found[valued == valued.max()].min())
    search = Search(question, _UNLIMITED)
    _worth_at_least(search, party, least)
    unlike = sum(1 - issue[int(code)] for issue, code in zip(question.choices, terms.tolist(), strict=True))
    nearest = _fewest_unlike(search, unlike, party, least)
    if nearest is None:  # nothing meets the demand: the top of the ranking
        top = most_valued(question, party, search.wanted, highest=True)
        assert top is not None, "a principal counters only with packages it can accept"
        return top[0]
    search.model.add(unlike == nearest)
    found = _most_valued_in(search, party, least)
    assert found is not None, "a package at the fewest terms was found"
    return _number(question, found)


def nash(question: SolverSpace, wanted: int, ranked_by: int | None = None) -> int | None:
    """The asymmetric Nash package meeting ``wanted``, gains strictly over the walk-away values (None if none gains).

    Of equals, the lowest package; with ``ranked_by`` (a party's index), the first in its ranking
    (its utility ascending, then package), as over a principal's listed ranking.
    """
    found = nash_package(question, None, wanted=wanted, over_least=False, ranked_by=ranked_by)
    return None if found is None else _number(question, found)


def floored_nash(question: SolverSpace, wanted: int) -> int | None:
    """The package meeting ``wanted`` of the best floored Nash score, the first of equals (None if none meets it)."""
    found = floored_nash_package(question, wanted)
    return None if found is None else _number(question, found)


def utilities(question: SolverSpace, package: int, run: RunModel) -> Floats:
    """Each of the question's parties' utility of one package, by the one check."""
    return question.constraints.check(run.codes([package])).utility_low[:, 0]


def _most_valued_in(search: Search, party: int, least: float = -math.inf) -> Codes | None:
    """The package of the search the party values most, worth ``least`` or more (None if there is none).

    Of equals, the lowest package, or the highest if the search represents plateaus by their highest.
    """
    search.model.maximize(search.space.utilities[party])
    near = search.near_best(lambda utilities: float(utilities[party]) if utilities[party] >= least else -math.inf,
                            lambda solver: solver.objective_value / SCALE)
    return pick(near, lambda rows: _first_best(rows[party], search.highest), search.space)


def _worth_at_least(search: Search, party: int, least: float) -> None:
    """Keep packages whose utility, rounded up, reaches ``least`` less the rounding margin (the one check decides)."""
    tables = search.space.constraints.preferences[party].tables
    search.model.add(search.space.utilities[party] >= math.floor(least * SCALE) - len(tables) - 1)


def _fewest_unlike(search: Search, unlike: Any, party: int, least: float) -> int | None:
    """The fewest terms unlike the text of a wanted package worth ``least`` or more (None if there is none)."""
    model = search.model.clone()
    model.minimize(unlike)
    while True:
        solver = search.space.solve(model, search.budget)
        if solver is None:
            return None
        package = search.space.package(solver)
        judged = search.space.constraints.check(package)
        if not failed_in(judged) & search.wanted and judged.utility_low[party, 0] >= least:
            return int(solver.objective_value)  # a count of terms: an integer objective
        model.add_bool_or(search.space.elsewhere(package))  # within the rounding margin only: rule it out


def _first_best(values: Floats, last: bool) -> int:
    """Where the highest value is first (last, with ``last``) in package order."""
    best = np.flatnonzero(values == values.max())
    return int(best[-1] if last else best[0])


def _number(question: SolverSpace, package: Codes) -> int:
    return int(np.dot(package[0].astype(np.int64), spans_of(question.constraints.space.sizes)))

