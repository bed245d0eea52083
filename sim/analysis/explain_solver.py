"""``explain`` for outcome spaces too large to list: the solver's ZOPA witness, concession and clashing sets.

What the solver answers equals what listing every package would (``tests/test_explain_properties.py``);
what it cannot answer without listing is said, not guessed: it does not count the ZOPA or the
packages a concession opens, and the bargaining reference points are left to the listed space.
"""

from __future__ import annotations

from dataclasses import replace

from ..constraints.arrays import Codes
from ..errors import UsageError
from ..scenario.base import Scalar
from ..scenario.model import Scenario
from .budget import Budget
from .clashes import bits_of
from .explanation import Concession, Explanation, ReferencePoints, Zopa
from .narrate import narrate
from .solved import cheapest_concessions, clashing_sets, zopa_package
from .solver_space import SolverSpace

SOLVER_VALUES = 100_000
"""Most values, over all issues, the solver's model takes (a variable each; about 1 kB each to build)."""


def explain_by_solver(scenario: Scenario, *, max_sets: int, budget: Budget) -> Explanation:
    """The deal space found by the solver, lists cut at ``max_sets`` or where ``budget`` ran out."""
    values = sum(len(issue.domain()) for issue in scenario.issues)
    if values > SOLVER_VALUES:
        raise UsageError(f"the issues have {values:,} values in all, more than the {SOLVER_VALUES:,} the solver "
                         "takes, and the space is too large to list; give issues fewer values (a range in "
                         "coarser steps), or leave out issues no party weighs")
    space = SolverSpace.of(scenario)
    witness = zopa_package(space)  # the time limit is for the lists of sets: whether a deal exists is always settled
    found, concessions_complete = cheapest_concessions(space, max_sets, budget)
    clashes, clashes_complete = clashing_sets(space, found, max_sets, budget)
    examples = [] if witness is None else [_terms(space, witness)]
    concessions = [] if found == [0] else [
        Concession(refs=tuple(space.items[i].ref for i in bits_of(mask)),
                   cost=round(sum(space.items[i].cost for i in bits_of(mask)), 6), opens=None, best=None)
        for mask in found]
    result = Explanation(
        scenario=scenario.id, zopa=Zopa(size=None, total=space.constraints.space.size, values={}, examples=examples),
        clashing_sets=[tuple(space.items[i].ref for i in bits_of(m)) for m in clashes],
        clashes_complete=clashes_complete, concessions=concessions, concessions_complete=concessions_complete,
        reference=ReferencePoints(0, 0, None, None, None), method="solver")
    return replace(result, narration=narrate(space, result))


def _terms(space: SolverSpace, package: Codes) -> dict[str, Scalar | None]:
    return space.constraints.space.decode(package[0])
