"""A proposal judged against a deal space too large to list, as :func:`~sim.analysis.explain.judge` judges it.

What a proposal is worth to each party comes from its own completions (the ways of settling the
issues it leaves open), listed and put through the one check: there are few of them even where
the space has 10^12 packages. Whether a ZOPA package dominates it is a search by the solver:
the ZOPA package of highest welfare at least as good as the proposal's best completion for
every party and better for one, found as :mod:`~sim.analysis.solved_points` finds the
maximum-welfare package (the solver's bound, each offered package judged by the one check,
the nearly best ranked as over the listed space).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..constraints.arrays import Codes, Floats
from ..constraints.evaluation import ProposalLike, resolve_terms
from ..constraints.space import LEFT_OPEN
from ..constraints.verdict import Verdict
from ..errors import UsageError
from .budget import UNLIMITED, Budget
from .explanation import Judgement, Point, Worth
from .hitting_sets import OutOfTime
from .solved_points import TooManyTies, dominating_package, point_of
from .solver_space import SolverSpace

MOST_COMPLETIONS = 1_000_000
"""Most ways of settling a proposal's open issues that are listed to judge it on a space too large to list."""


@dataclass(frozen=True)
class Proposed:
    """A proposal made ready to be judged on a solved space (:func:`proposed`)."""

    name: str | None
    row: Codes
    """Its codes, :data:`~sim.constraints.space.LEFT_OPEN` for the issues it leaves open."""
    completions: Codes
    """Every way of settling the issues it leaves open, one row each (itself if it leaves none)."""


def proposed(space: SolverSpace, proposal: ProposalLike) -> Proposed:
    """A proposal's terms and completions, or a clear error, before any search (they are few, or refused)."""
    name, terms = resolve_terms(space.scenario, proposal)
    row = space.constraints.space.encode(terms)
    return Proposed(name, row, _completions(space, row))


def judge_by_solver(space: SolverSpace, proposal: Proposed, nash: Point | None, *, settled: bool,
                    budget: Budget = UNLIMITED) -> Judgement:
    """Who a proposal leaves short, whether a ZOPA package dominates it, its distance to Nash.

    As :func:`~sim.analysis.explain.judge` over the listed space. ``nash``: the ZOPA's Nash
    package as found by the solver, and ``settled`` whether its search was (if not, the
    distance to it is not known, and neither is the judgement marked settled).
    """
    checked = space.constraints.check(proposal.completions)
    admissible = (checked.red_lines == Verdict.HOLDS.value).all(axis=0)
    utilities = checked.utility_low[:, admissible if admissible.any() else slice(None)]
    worth = Worth(utilities.min(axis=1), utilities.max(axis=1), len(proposal.completions), int(admissible.sum()))
    dominated_by, searched = _dominating(space, worth.high, budget)
    return Judgement.of(proposal.name, space.constraints.space.decode(proposal.row), space.parties, space.walk_aways,
                        worth, dominated_by, nash, settled=settled and searched)


def _completions(space: SolverSpace, row: Codes) -> Codes:
    """Every way of settling the package's open issues, one row each (the package itself if none is open)."""
    sizes = space.constraints.space.sizes
    open_issues = np.flatnonzero(row == LEFT_OPEN)
    count = math.prod(sizes[j] for j in open_issues)
    if count > MOST_COMPLETIONS:
        issues = space.constraints.space.issues
        raise UsageError(f"the proposal leaves {', '.join(issues[j] for j in open_issues)} open: {count:,} ways of "
                         f"settling them, more than the {MOST_COMPLETIONS:,} judged on a space too large to list; "
                         "settle some of them in the proposal")
    rows = np.repeat(row[None, :], count, axis=0)
    if not open_issues.size:
        return rows
    rows[:, open_issues] = np.indices([sizes[j] for j in open_issues], dtype=np.int16).reshape(len(open_issues), -1).T
    return rows


def _dominating(space: SolverSpace, best: Floats, budget: Budget) -> tuple[Point | None, bool]:
    """The ZOPA package of highest welfare dominating ``best`` (:func:`dominating_package`); whether it is settled.

    Not settled when the search ran out of time or gave up among too many packages worth the same.
    """
    if not space.parties:
        return None, True
    try:
        found = dominating_package(space, best, budget)
    except (OutOfTime, TooManyTies):
        return None, False
    return point_of(space, found), True
