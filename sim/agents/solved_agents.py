"""Principals and a mediator whose questions of every package go to the solver: the same rules, any size.

:class:`SolvedPrincipal` and :class:`SolvedMediator` are the listed agents
(:class:`~sim.agents.principal.Principal`, :class:`~sim.agents.mediator.Mediator`): they answer,
concede, counter, learn and redraft by the same rules, and ask their questions of every package
(what a party can accept and the most it can get, its counter to a text, the settlement it
expects, the mediator's text and concession sets) of a :class:`~sim.agents.solved_world.SolvedWorld`
through :mod:`sim.agents.solved_questions`, which gives the listed answers, ties included.

A solved principal keeps no listed ranking and no masks of its red lines: its plan carries the
empty ranking and no masks, which only unmediated offers read, and the solved world refuses
those before a run (:func:`~sim.agents.solved_world.solver_refusal`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ..analysis.budget import METHODS, UNLIMITED
from ..analysis.solved import COST_SCALE, cheapest_concessions
from ..analysis.solver_space import SolverSpace
from ..constraints.walk_away import lowest_meeting
from ..errors import UsageError
from ..scenario.model import Party, Scenario
from . import solved_questions as solved
from .expectation import Expected, powers
from .knowledge import RedLineKnowledge
from .mediator import Knowledge, Mediator
from .neighbours import Neighbours
from .principal import Principal
from .run_model import Wanted
from .shared import Lru, Prepared, SharedPart, kept
from .solved_world import SolvedWorld, listed_run_fits, solver_refusal
from .world import World

PENALTY_RTOL, PENALTY_ATOL = 1e-5, 1e-8
"""``numpy.isclose``'s tolerances: the listed mediator takes penalties this close as equal (``best_in``)."""


class _Answers(SharedPart):
    """What solved agents work out, shared by the runs of one scenario."""

    def __init__(self, shared: Prepared) -> None:
        self.rankings: Lru[tuple[object, ...], _SolvedRanking] = Lru(shared.bounds.drafts)
        self.settlements: Lru[tuple[object, ...], Expected] = Lru(shared.bounds.drafts)
        self.neighbours = Neighbours(shared.space.sizes)


class _SolvedRanking(NamedTuple):
    """A principal's ranking as the solver holds it: the question of what it can accept, and what is known of it."""

    question: SolverSpace
    """Its own red lines in force, those of others it knows (if they leave a package), its walk-away value."""
    knows_others: bool
    """Whether the question holds the others' red lines it knows of (else they would leave it nothing)."""
    can_accept: bool
    top: float
    """The most it can get (0 if it can accept nothing)."""


def world_for(scenario: Scenario, versions: Mapping[str, str | None] | None = None, method: str = "auto") -> World:
    """The world a run plays in: listed, or (``solver``, or ``auto`` where a listed run would not fit) solved.

    A scenario the solver cannot run (:func:`~sim.agents.solved_world.solver_refusal`) is refused
    with a :class:`~sim.errors.UsageError` when the solver is asked for; under ``auto`` it is
    listed, and where it does not fit in memory the refusal says why the solver cannot run it either.
    """
    if method not in METHODS:
        raise UsageError(f"unknown method '{method}'; use one of {', '.join(METHODS)}")
    if method == "enumerate" or (method == "auto" and listed_run_fits(scenario)):
        return World(scenario, versions)
    refusal = solver_refusal(scenario)
    if refusal is None:
        return SolvedWorld(scenario, versions)
    if method == "solver":
        raise UsageError(refusal)
    try:
        return World(scenario, versions)  # refused for its memory: say why the solver cannot take it either
    except UsageError as error:
        raise UsageError(f"{error}; nor can the solver run it: {refusal}") from None


def principal_for(party: Party, world: World, knowledge: RedLineKnowledge, principals: tuple[str, ...]) -> Principal:
    """A principal of the world's kind."""
    if isinstance(world, SolvedWorld):
        return SolvedPrincipal(party, world, knowledge, principals)
    return Principal(party, world, knowledge, principals)


def mediator_for(party: str, world: World, principals: tuple[str, ...]) -> Mediator:
    """A mediator of the world's kind."""
    if isinstance(world, SolvedWorld):
        return SolvedMediator(party, world, principals)
    return Mediator(party, world, principals)


class SolvedPrincipal(Principal):
    """A principal asking the solver what the listed one reads off its ranking (see the module)."""

    def __init__(self, party: Party, world: SolvedWorld, knowledge: RedLineKnowledge,
                 principals: tuple[str, ...]) -> None:
        super().__init__(party, world, knowledge, principals)
        self.solved = world
        self._answers = world.prepared.part(_Answers)
        self._solved_ranking: _SolvedRanking | None = None

    def _rank(self) -> None:
        world, party = self.solved, self.party
        own = world.in_force([state.ref for state in world.own.get(party, [])])
        others = self._others_known()
        walk_away = ((party, world.walk_away[party]),)
        key = (party, world.red_lines_in_force(party), walk_away, tuple((w.ref, w.version) for w in others))
        found = kept(self._answers.rankings, key, self._ranked_by_solver, own, others, walk_away)
        self._solved_ranking = found
        self._top, self._can_accept = found.top, found.can_accept

    def _others_known(self) -> list[Wanted]:
        """The red lines of others the table knows of, at the versions it takes them to be (dropped ones left out)."""
        states = self.solved.red_lines
        known = {ref: version for ref, version in self.knowledge.known.items() if states[ref].party != self.party}
        return self.solved.in_force(list(known), versions=known)

    def _ranked_by_solver(self, own: list[Wanted], others: list[Wanted],
                          walk_away: tuple[tuple[str, float], ...]) -> _SolvedRanking:
        run = self.solved.run
        mine = run.question(own, walk_away)
        if not _any(mine):
            return _SolvedRanking(mine, True, False, 0.0)
        question, knows = mine, True
        if others:
            cut = run.question(own + others, walk_away)
            question, knows = (cut, True) if _any(cut) else (mine, False)
        best = solved.most_valued(question, 0, _all(question), highest=True)
        assert best is not None, "a question with a package has a most valued one"
        return _SolvedRanking(question, knows, True, best[1])

    def _own_masks(self) -> list[tuple[str, npt.NDArray[np.bool_]]]:
        return []  # judged package by package (breaks); only unmediated offers read masks, refused here

    def breaks(self, package: int) -> tuple[str, ...]:
        """The party's own active red lines that a package breaks, by the one check on it."""
        return tuple(self.solved.broken(package, self.party))

    def _common_settlement(self) -> Expected | None:
        if not self.knowledge.everything_known():
            return None
        world = self.solved
        weights = powers(world, self.parties)
        key = (world.zopa_key(), self.parties, weights)
        return kept(self._answers.settlements, key, self._settled, world.in_force(), weights, self.parties, None)

    def _known_settlement(self) -> Expected:
        ranking = self._solved_ranking
        assert ranking is not None, "ranked before its settlement is worked out"
        if not ranking.knows_others:
            return {}
        world = self.solved
        red_lines = world.in_force([state.ref for state in world.own.get(self.party, [])]) + self._others_known()
        weights = powers(world, self.parties)
        ranked_by = self.parties.index(self.party)  # the listed settlement reads its candidates in ranking order
        key = (tuple((w.ref, w.version) for w in red_lines), tuple(world.walk_aways(self.parties)), weights, ranked_by)
        return kept(self._answers.settlements, key, self._settled, red_lines, weights, self.parties, ranked_by)

    def _settled(self, red_lines: list[Wanted], weights: tuple[float, ...], parties: tuple[str, ...],
                 ranked_by: int | None) -> Expected:
        """Each party's utility at the Nash package of what meets ``red_lines`` and every party's walk-away value.

        Of equals, the lowest package, or the first in the ranking of party ``ranked_by`` (an index).
        """
        world = self.solved
        question = world.run.question(red_lines, world.walk_aways(parties), weights)
        found = solved.nash(question, _all(question), ranked_by)
        if found is None:
            return {}
        return dict(zip(parties, solved.utilities(question, found, world.run).tolist(), strict=True))

    def _counter(self, asked: float, text: int) -> int:
        ranking = self._solved_ranking
        assert ranking is not None, "ranked before it counters"
        return solved.counter(ranking.question, self.solved.run, 0, lowest_meeting(asked), text,
                              self._answers.neighbours)


class SolvedMediator(Mediator):
    """A mediator asking the solver for its texts and concession sets (see the module)."""

    def __init__(self, party: str, world: SolvedWorld, principals: tuple[str, ...]) -> None:
        super().__init__(party, world, principals)
        self.solved = world

    def _best_of_all(self) -> int:
        return self._best_within(())

    def _best_known(self) -> int | None:
        holding = tuple(ref for ref, version, _ in self._knowledge() if version is not None)
        question, bits = self._question(holding)
        if solved.any_package(question, bits) is None:
            return None
        return self._best_within(holding)

    def _keeping_core(self, relaxed: tuple[str, ...]) -> int:
        assert not self.core, "no proposal is tabled in a solved world, so the mediator has no core terms"
        return self._best_within(tuple(ref for ref, version, _ in self._knowledge()
                                       if version is not None and ref not in relaxed))

    def _concession_sets(self, knowledge: Knowledge) -> list[tuple[str, ...]]:
        question, _ = self._question((), weighed=False)
        found, _ = cheapest_concessions(question, 32)
        names = [item.ref for item in question.items]
        return [tuple(names[c] for c in range(len(names)) if mask >> c & 1) for mask in found]

    def _question(self, holding: tuple[str, ...], *, weighed: bool = True) -> tuple[SolverSpace, int]:
        """Every red line it knows of (at the versions it assumes), priced, with its principals' walk-away values.

        With the bitmask of those in ``holding``. Not ``weighed``: without the walk-away values
        (what its concession sets are sought over).
        """
        known = [(ref, version, cost) for ref, version, cost in self._knowledge() if version is not None]
        world = self.solved
        wanted = world.in_force([ref for ref, _, _ in known], versions={ref: version for ref, version, _ in known})
        parties = self._parties() if weighed else ()
        question = world.run.question(wanted, world.walk_aways(parties), powers(world, parties),
                                      [cost for _, _, cost in known])
        bits = sum(1 << c for c, item in enumerate(question.items) if item.ref in holding and not item.is_walk_away)
        return question, bits

    def _best_within(self, holding: tuple[str, ...]) -> int:
        """:meth:`Mediator.best_in` over the packages meeting the red lines it knows of in ``holding``.

        The least penalty among them (the prices of the known red lines a package breaks, as
        equal as ``numpy.isclose`` takes them), then the Nash package, else the best floored score.
        """
        question, bits = self._question(holding)
        patterns = _least_penalty_patterns(question, bits)
        narrowed = _within_patterns(question, bits, patterns)
        found = solved.nash(narrowed, bits)
        if found is None:
            found = solved.floored_nash(narrowed, bits)
        assert found is not None, "a package of least penalty exists"
        return found


def _any(question: SolverSpace) -> bool:
    return solved.any_package(question, _all(question)) is not None


def _all(question: SolverSpace) -> int:
    return (1 << len(question.holds)) - 1


def _least_penalty_patterns(question: SolverSpace, holding: int) -> list[int]:
    """The sets of red lines broken (bitmasks) by packages meeting ``holding`` at the least penalty, ties as isclose.

    A package's penalty is the sum of the prices of the question's red lines it breaks, added in
    their order as the listed mediator adds them. Red-line literals are exact, so each pattern
    the solver offers is the package's; the search goes on until no pattern left can be close.
    """
    red_lines = len(question.constraints.red_lines)
    costs = [item.cost for item in question.items[:red_lines]]
    loose = [c for c in range(red_lines) if not holding >> c & 1]
    if not loose:
        return [0]
    units = [int(np.ceil(costs[c] * COST_SCALE)) for c in range(red_lines)]
    model = question.model.clone()
    model.add_bool_and([question.holds[c] for c in range(red_lines) if holding >> c & 1])
    model.minimize(sum(units[c] * (1 - question.holds[c]) for c in loose))
    found: dict[int, float] = {}
    least = np.inf
    while True:
        solver = question.solve(model, UNLIMITED)
        if solver is None:
            break
        if found and solver.objective_value > (least * (1 + PENALTY_RTOL) + PENALTY_ATOL) * COST_SCALE + red_lines:
            break
        pattern = sum(1 << c for c in loose if not solver.boolean_value(question.holds[c]))
        penalty = 0.0
        for c in range(red_lines):
            if pattern >> c & 1:
                penalty += costs[c]
        found[pattern] = penalty
        least = min(least, penalty)
        model.add_bool_or([question.holds[c] if pattern >> c & 1 else ~question.holds[c] for c in loose])
    return [p for p, penalty in found.items() if abs(penalty - least) <= PENALTY_ATOL + PENALTY_RTOL * abs(least)]


def _within_patterns(question: SolverSpace, holding: int, patterns: list[int]) -> SolverSpace:
    """The question narrowed to packages breaking exactly one of ``patterns`` of its red lines (besides ``holding``)."""
    red_lines = len(question.constraints.red_lines)
    loose = [c for c in range(red_lines) if not holding >> c & 1]
    if patterns == [0] and not loose:
        return question
    model = question.model.clone()
    choices: list[Any] = []
    for pattern in patterns:
        chosen = model.new_bool_var("pattern")
        for c in loose:
            model.add_implication(chosen, ~question.holds[c] if pattern >> c & 1 else question.holds[c])
        choices.append(chosen)
    model.add_bool_or(choices)
    return replace(question, model=model)


