"""``explain`` for outcome spaces too large to list: the solver's ZOPA witness, concession and clashing sets.

What the solver answers equals what listing every package would (``tests/test_explain_properties.py``);
what it cannot answer without listing is said, not guessed: it does not count the ZOPA, its
Pareto frontier or the packages a concession opens. The Nash, Kalai-Smorodinsky and
maximum-welfare packages, and each concession's Nash package, are found
(:mod:`sim.analysis.solved_points`), and a proposal is judged as over the listed space
(:mod:`sim.analysis.solved_judgement`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..constraints.arrays import Codes
from ..constraints.evaluation import ProposalLike
from ..errors import UsageError
from ..scenario.base import Scalar
from ..scenario.model import Scenario
from .budget import Budget
from .clashes import bits_of
from .dealspace import concession_cost
from .explanation import Concession, Explanation, Point, ReferencePoints, Zopa
from .hitting_sets import OutOfTime
from .narrate import narrate
from .solved import cheapest_concessions, clashing_sets, zopa_package
from .solved_judgement import judge_by_solver, proposed
from .solved_points import TooManyTies, nash_package, point_of, reference_packages
from .solver_space import SolverSpace

SOLVER_VALUES = 100_000
"""Most values, over all issues, the solver's model takes (a variable each; about 1 kB each to build)."""


def explain_by_solver(scenario: Scenario, proposal: ProposalLike | None = None, *, max_sets: int,
                      budget: Budget) -> Explanation:
    """The deal space found by the solver, and a proposal judged in it; lists cut at ``max_sets`` or ``budget``."""
    values = sum(len(issue.domain()) for issue in scenario.issues)
    if values > SOLVER_VALUES:
        raise UsageError(f"the issues have {values:,} values in all, more than the {SOLVER_VALUES:,} the solver "
                         "takes, and the space is too large to list; give issues fewer values (a range in "
                         "coarser steps), or leave out issues no party weighs")
    space = SolverSpace.of(scenario)
    judged = None if proposal is None else proposed(space, proposal)  # refused, if at all, before any search
    witness = zopa_package(space)  # the time limit is for the lists of sets: whether a deal exists is always settled
    found, concessions_complete = cheapest_concessions(space, max_sets, budget)
    clashes, clashes_complete = clashing_sets(space, found, max_sets, budget)
    relaxations = [] if found == [0] else found
    reference, bests = _points(space, witness, relaxations, budget)
    examples = [] if witness is None else [_terms(space, witness)]
    concessions = [Concession(refs=tuple(space.items[i].ref for i in bits_of(mask)),
                              cost=concession_cost(space.items, bits_of(mask)), opens=None, best=best)
                   for mask, best in zip(relaxations, bests, strict=True)]
    result = Explanation(
        scenario=scenario.id, zopa=Zopa(size=None, total=space.constraints.space.size, values={}, examples=examples),
        clashing_sets=[tuple(space.items[i].ref for i in bits_of(m)) for m in clashes],
        clashes_complete=clashes_complete, concessions=concessions, concessions_complete=concessions_complete,
        reference=reference, method="solver",
        judgement=None if judged is None else judge_by_solver(space, judged, reference.nash,
                                                              settled=reference.settled, budget=budget))
    return replace(result, narration=narrate(space, result))


def _points(space: SolverSpace, witness: Codes | None, relaxations: list[int],
            budget: Budget) -> tuple[ReferencePoints, list[Point | None]]:
    """The reference points, and the Nash package each concession opens; none of them if the search stopped short.

    The reference points are the Nash, Kalai-Smorodinsky and maximum-welfare packages; the ZOPA
    and its frontier are not counted.
    """
    try:
        found = reference_packages(space, witness, budget)
        bests = [point_of(space, _opened_nash(space, relaxed, budget)) for relaxed in relaxations]
    except (OutOfTime, TooManyTies):
        return ReferencePoints(None, None, None, None, None, settled=False), [None] * len(relaxations)
    return ReferencePoints(None, None, point_of(space, found.nash), point_of(space, found.kalai_smorodinsky),
                           point_of(space, found.max_welfare)), bests


def _opened_nash(space: SolverSpace, relaxed: int, budget: Budget) -> Codes | None:
    """The Nash package of the packages a concession opens, as over the listed space.

    The gains are over the walk-away values, or over nothing if the concession gives one up.
    """
    gives_up_walk_away = any(space.items[i].is_walk_away for i in bits_of(relaxed))
    disagreement = np.zeros_like(space.walk_aways) if gives_up_walk_away else space.walk_aways
    wanted = ((1 << len(space.items)) - 1) & ~relaxed
    return nash_package(space, None, budget, wanted=wanted, disagreement_point=disagreement)


def _terms(space: SolverSpace, package: Codes) -> dict[str, Scalar | None]:
    return space.constraints.space.decode(package[0])
