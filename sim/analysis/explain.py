"""Explain the deal space: is there a ZOPA, what clashes, what would open a deal.

:func:`explain` joins the analyses into one :class:`Explanation`: the ZOPA, the
minimal clashing sets, the cheapest minimal concession sets with the packages they
open, the bargaining reference points over the ZOPA, and, for a proposal, how it
fares against them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ..constraints.arrays import Bools, Codes, Floats
from ..constraints.evaluation import ProposalLike, resolve_terms, source_of
from ..constraints.space import LEFT_OPEN, OutcomeSpace, explain_bytes_per_package, memory_budget
from ..constraints.walk_away import lowest_meeting, meeting
from ..errors import UsageError
from ..scenario.base import Scalar
from ..scenario.model import Scenario
from ..scenario.words import red_line_rule
from .bargaining import kalai_smorodinsky, max_welfare, nash_point, pareto_front
from .budget import METHODS, Budget
from .clashes import enumerate_sets
from .dealspace import DealSpace, concession_cost
from .explain_solver import explain_by_solver
from .explanation import Concession, Explanation, Judgement, Point, ReferencePoints, Worth, Zopa
from .narrate import narrate

EXAMPLES = 5
"""ZOPA packages listed by default, spread evenly over it (``examples`` asks for more, or for all)."""


def explain(scenario: Scenario, proposal: ProposalLike | None = None, *, max_sets: int = 10,
            space: DealSpace | None = None, examples: int | None = EXAMPLES, method: str = "auto",
            time_limit: float | None = None) -> Explanation:
    """Analyse the deal space of a scenario (and, optionally, one proposal in it).

    ``examples``: how many ZOPA packages to list, spread evenly over it (None: every one).
    ``method``: one of :data:`METHODS`. ``time_limit``: seconds the search for clashing and
    concession sets may take; past it, what was found is reported as incomplete.
    """
    budget = Budget(time_limit)
    if space is None and _by_solver(scenario, method):
        return explain_by_solver(scenario, proposal, max_sets=max_sets, budget=budget)
    space = space or DealSpace.of(scenario)
    report = enumerate_sets(space.holds, np.array([c.cost for c in space.items]), max_sets, budget)
    concessions = [] if report.concession_sets == ((),) else [
        _concession(space, relaxed) for relaxed in report.concession_sets]
    reference = reference_points(space, space.feasible, frontier=True)
    result = Explanation(
        scenario=scenario.id, zopa=_zopa(space, examples),
        clashing_sets=[space.refs(s) for s in report.clashing_sets], clashes_complete=report.clashes_complete,
        concessions=concessions, concessions_complete=report.concessions_complete, reference=reference,
        judgement=None if proposal is None else judge(space, proposal, reference.nash),
    )
    # the narration tells the rest of the result
    return replace(result, narration=narrate(space, result), red_lines=_named_red_lines(space, result))


def _by_solver(scenario: Scenario, method: str) -> bool:
    """Whether the solver searches the space: asked for, or (``auto``) the space is too large to list."""
    if method not in METHODS:
        raise UsageError(f"unknown method '{method}'; use one of {', '.join(METHODS)}")
    if method != "auto":
        return method == "solver"
    space = OutcomeSpace.of(scenario)
    return space.size * explain_bytes_per_package(scenario) > memory_budget()


def _named_red_lines(space: DealSpace, result: Explanation) -> dict[str, dict[str, Any]]:
    """Each red line the clashing and concession sets name, with its rule in words, rationale and source."""
    named = {ref for refs in result.clashing_sets for ref in refs}
    named |= {ref for concession in result.concessions for ref in concession.refs}
    found = {}
    for compiled in space.constraints.red_lines:
        if compiled.ref in named:
            red_line = compiled.source
            found[compiled.ref] = {"rule": red_line_rule(red_line, space.scenario.conditions),
                                   "rationale": red_line.rationale, "confidence": red_line.confidence,
                                   "source": source_of(space.scenario, red_line)}
    return found


def _zopa(space: DealSpace, examples: int | None) -> Zopa:
    feasible = np.flatnonzero(space.feasible)
    values = {
        issue: [space.constraints.space.domains[j][c] for c in np.unique(space.packages[feasible, j])]
        for j, issue in enumerate(space.constraints.space.issues)
    }
    shown = len(feasible) if examples is None else min(examples, len(feasible))
    picks = feasible[np.linspace(0, len(feasible) - 1, shown).astype(int)] if shown else feasible[:0]
    listed = [_terms(space, int(i)) for i in picks]
    return Zopa(size=len(feasible), total=len(space.packages), values=values, examples=listed)


def _terms(space: DealSpace, index: int) -> dict[str, Scalar | None]:
    return space.constraints.space.decode(space.packages[index])


def _point(space: DealSpace, index: int | None) -> Point | None:
    if index is None:
        return None
    utilities = {p: float(space.utilities[k, index]) for k, p in enumerate(space.parties)}
    return Point(_terms(space, index), utilities)


def reference_points(space: DealSpace, among: Bools, disagreement_relaxed: bool = False, *,
                     frontier: bool = False) -> ReferencePoints:
    """Pareto frontier size, Nash, Kalai–Smorodinsky and max-welfare packages among ``among``.

    With ``frontier``, the frontier's packages too.
    """
    chosen = np.flatnonzero(among)
    utilities = space.utilities[:, chosen]
    d = np.zeros_like(space.walk_aways) if disagreement_relaxed else space.walk_aways

    def pick(local: int | None) -> Point | None:
        return None if local is None else _point(space, int(chosen[local]))

    if not space.parties or chosen.size == 0:
        return ReferencePoints(int(chosen.size), 0, None, None, None)
    nash = nash_point(utilities, d, space.powers)
    if nash is None:
        nash = nash_point(utilities, lowest_meeting(d), space.powers)
    front = pareto_front(utilities)
    listed = [point for k in front if (point := pick(int(k))) is not None] if frontier else []
    return ReferencePoints(int(chosen.size), int(front.size), pick(nash), pick(kalai_smorodinsky(utilities, d)),
                           pick(max_welfare(utilities)), listed)


def _concession(space: DealSpace, relaxed: tuple[int, ...]) -> Concession:
    opened = space.meeting_all_but(relaxed)
    cost = concession_cost(space.items, relaxed)
    relaxed_walk_away = any(space.items[i].is_walk_away for i in relaxed)
    best = reference_points(space, opened, relaxed_walk_away).nash
    return Concession(refs=space.refs(relaxed), cost=cost, opens=int(opened.sum()), best=best)


def judge(space: DealSpace, proposal: ProposalLike, nash: Point | None = None) -> Judgement:
    """Who a proposal leaves short, whether a ZOPA package dominates it, its distance to Nash.

    A proposal that leaves issues open is judged over its admissible completions: the ways of
    settling them that meet every party's red lines (a party that would be held to a settlement
    its own red line forbids is not judged by it). Without any, over every completion. A party
    is short of its walk-away value at its worst such completion; a ZOPA package dominates the
    proposal when it is at least as good for every party as its best such completion, and
    better for some.
    """
    proposal_id, terms = resolve_terms(space.scenario, proposal)
    row = space.constraints.space.encode(terms)
    worth = settled_worth(space, row)
    if nash is None:
        nash = reference_points(space, space.feasible).nash
    return Judgement.of(proposal_id, space.constraints.space.decode(row), space.parties, space.walk_aways, worth,
                        _dominating(space, worth.high), nash)


def settled_worth(space: DealSpace, row: Codes) -> Worth:
    """A package's worth to each party over its admissible completions.

    Those are the ways of settling its open issues that meet every party's red lines (every
    way, when none does); a package with no issue open is its own one completion.
    """
    settled = np.flatnonzero(row != LEFT_OPEN)
    completions = np.asarray((space.packages[:, settled] == row[settled]).all(axis=1), dtype=bool)
    red_lines_hold = space.holds[[not item.is_walk_away for item in space.items]].all(axis=0)
    admissible = completions & red_lines_hold
    utilities = space.utilities[:, admissible if admissible.any() else completions]
    return Worth(utilities.min(axis=1), utilities.max(axis=1), int(completions.sum()), int(admissible.sum()))


def _dominating(space: DealSpace, best: Floats) -> Point | None:
    """The ZOPA package of highest welfare at least as good as ``best`` for every party and better for one.

    "Better" by more than rounding (the one tolerance of walk-away values).
    """
    feasible = np.flatnonzero(space.feasible)
    candidates = space.utilities[:, feasible]
    at_least, not_better = meeting(candidates, best[:, None]), meeting(best[:, None], candidates)
    dominating = feasible[at_least.all(axis=0) & np.logical_not(not_better).any(axis=0)]
    if not dominating.size:
        return None
    return _point(space, int(dominating[np.argmax(space.utilities[:, dominating].sum(axis=0))]))
