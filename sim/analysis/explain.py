"""Explain the deal space: is there a ZOPA, what clashes, what would open a deal.

:func:`explain` joins the analyses into one :class:`Explanation`: the ZOPA, the
minimal clashing sets, the cheapest minimal concession sets with the packages they
open, the bargaining reference points over the ZOPA, and, for a proposal, how it
fares against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.analysis.bargaining import kalai_smorodinsky, max_welfare, nash_point, pareto_front
from sim.analysis.clashes import enumerate_sets
from sim.analysis.dealspace import Bools, DealSpace
from sim.constraints.evaluation import ProposalLike, resolve_terms
from sim.scenario.base import Scalar
from sim.scenario.model import Scenario

EXAMPLES = 5


@dataclass(frozen=True)
class Point:
    """A package with each party's utility for it."""

    terms: dict[str, Scalar | None]
    utilities: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"package": self.terms, "utilities": {k: round(v, 6) for k, v in self.utilities.items()}}


@dataclass(frozen=True)
class Zopa:
    """The packages that meet every red line and walk-away value."""

    size: int
    total: int
    values: dict[str, list[Scalar]]
    examples: list[dict[str, Scalar | None]]


@dataclass(frozen=True)
class Concession:
    """A minimal set of constraints whose relaxation opens a deal."""

    refs: tuple[str, ...]
    cost: float
    opens: int
    best: Point | None


@dataclass(frozen=True)
class ReferencePoints:
    """Bargaining solutions over a set of packages."""

    over: int
    pareto_size: int
    nash: Point | None
    kalai_smorodinsky: Point | None
    max_welfare: Point | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"packages": self.over, "pareto_size": self.pareto_size,
                "nash": self.nash.to_dict() if self.nash else None,
                "kalai_smorodinsky": self.kalai_smorodinsky.to_dict() if self.kalai_smorodinsky else None,
                "max_welfare": self.max_welfare.to_dict() if self.max_welfare else None}


@dataclass(frozen=True)
class Judgement:
    """How a proposal fares against walk-away values and the ZOPA's reference points."""

    proposal: str | None
    terms: dict[str, Scalar | None]
    utilities: dict[str, float]
    short: dict[str, float]
    dominated_by: Point | None
    distance_to_nash: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"id": self.proposal, "package": self.terms,
                "utilities": {k: round(v, 6) for k, v in self.utilities.items()},
                "short_of_reservation": self.short,
                "dominated_by": self.dominated_by.to_dict() if self.dominated_by else None,
                "distance_to_nash": None if self.distance_to_nash is None else round(self.distance_to_nash, 6)}


@dataclass(frozen=True)
class Explanation:
    """Everything ``negsim explain`` reports."""

    scenario: str
    zopa: Zopa
    clashing_sets: list[tuple[str, ...]]
    clashes_complete: bool
    concessions: list[Concession]
    concessions_complete: bool
    reference: ReferencePoints
    judgement: Judgement | None = None
    narration: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "scenario": self.scenario,
            "zopa_size": self.zopa.size,
            "zopa": {"size": self.zopa.size, "packages": self.zopa.total, "values": self.zopa.values,
                     "examples": self.zopa.examples},
            "clashing_sets": [list(s) for s in self.clashing_sets],
            "clashing_sets_complete": self.clashes_complete,
            "concession_sets": [
                {"red_lines": list(c.refs), "cost": c.cost, "opens": c.opens,
                 "best": c.best.to_dict() if c.best else None} for c in self.concessions],
            "concession_sets_complete": self.concessions_complete,
            "reference_points": self.reference.to_dict(),
            "proposal": self.judgement.to_dict() if self.judgement else None,
            "narration": self.narration,
        }


def explain(scenario: Scenario, proposal: ProposalLike | None = None, *, max_sets: int = 10,
            space: DealSpace | None = None) -> Explanation:
    """Analyse the deal space of a scenario (and, optionally, one proposal in it)."""
    from sim.analysis.narrate import narrate

    space = space or DealSpace.of(scenario)
    report = enumerate_sets(space.holds, np.array([c.cost for c in space.items]), max_sets)
    concessions = [] if report.concession_sets == ((),) else [
        _concession(space, relaxed) for relaxed in report.concession_sets]
    reference = reference_points(space, space.feasible)
    result = Explanation(
        scenario.id, _zopa(space), [space.refs(s) for s in report.clashing_sets], report.clashes_complete,
        concessions, report.concessions_complete, reference,
        None if proposal is None else judge(space, proposal, reference.nash),
    )
    return Explanation(**{**result.__dict__, "narration": narrate(space, result)})


def _zopa(space: DealSpace) -> Zopa:
    feasible = np.flatnonzero(space.feasible)
    values = {
        issue: [space.constraints.space.domains[j][c] for c in np.unique(space.packages[feasible, j])]
        for j, issue in enumerate(space.constraints.space.issues)
    }
    picks = feasible[np.linspace(0, len(feasible) - 1, min(EXAMPLES, len(feasible))).astype(int)] \
        if len(feasible) else feasible
    examples = [_terms(space, int(i)) for i in picks]
    return Zopa(len(feasible), len(space.packages), values, examples)


def _terms(space: DealSpace, index: int) -> dict[str, Scalar | None]:
    return space.constraints.space.decode(space.packages[index])


def _point(space: DealSpace, index: int | None) -> Point | None:
    if index is None:
        return None
    utilities = {p: float(space.utilities[k, index]) for k, p in enumerate(space.parties)}
    return Point(_terms(space, index), utilities)


def reference_points(space: DealSpace, among: Bools, disagreement_relaxed: bool = False) -> ReferencePoints:
    """Pareto frontier size, Nash, Kalai–Smorodinsky and max-welfare packages among ``among``."""
    chosen = np.flatnonzero(among)
    utilities = space.utilities[:, chosen]
    d = np.zeros_like(space.reservations) if disagreement_relaxed else space.reservations

    def pick(local: int | None) -> Point | None:
        return None if local is None else _point(space, int(chosen[local]))

    if not space.parties or chosen.size == 0:
        return ReferencePoints(int(chosen.size), 0, None, None, None)
    nash = nash_point(utilities, d, space.powers)
    if nash is None:
        nash = nash_point(utilities, d - 1e-9, space.powers)
    return ReferencePoints(int(chosen.size), int(pareto_front(utilities).size), pick(nash),
                           pick(kalai_smorodinsky(utilities, d)), pick(max_welfare(utilities)))


def _concession(space: DealSpace, relaxed: tuple[int, ...]) -> Concession:
    opened = space.meeting_all_but(relaxed)
    cost = round(sum(space.items[i].cost for i in relaxed), 6)
    relaxed_reservation = any(space.items[i].is_reservation for i in relaxed)
    best = reference_points(space, opened, relaxed_reservation).nash
    return Concession(space.refs(relaxed), cost, int(opened.sum()), best)


def judge(space: DealSpace, proposal: ProposalLike, nash: Point | None = None) -> Judgement:
    """Who a proposal leaves short, whether a ZOPA package dominates it, its distance to Nash.

    Issues the proposal leaves open are taken at each party's worst settlement.
    """
    proposal_id, terms = resolve_terms(space.scenario, proposal)
    row = space.constraints.space.encode(terms)
    low = space.constraints.check(row[None, :]).utility_low[:, 0]
    utilities = {p: float(low[k]) for k, p in enumerate(space.parties)}
    short = {p: round(float(space.reservations[k] - low[k]), 6)
             for k, p in enumerate(space.parties) if low[k] < space.reservations[k] - 1e-9}
    feasible = np.flatnonzero(space.feasible)
    better = space.utilities[:, feasible]
    dominating = feasible[(better >= low[:, None]).all(axis=0) & (better > low[:, None] + 1e-12).any(axis=0)]
    dominated_by = None
    if dominating.size:
        dominated_by = _point(space, int(dominating[np.argmax(space.utilities[:, dominating].sum(axis=0))]))
    if nash is None:
        nash = reference_points(space, space.feasible).nash
    distance = None if nash is None else float(np.linalg.norm(low - np.array(list(nash.utilities.values()))))
    return Judgement(proposal_id, space.constraints.space.decode(row), utilities, short, dominated_by, distance)
