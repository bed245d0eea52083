"""A world whose packages are not listed: the same negotiation, its questions answered by the solver.

Where every package's masks and utilities would not fit in memory (10^9 packages and more), a
run asks its questions of a :class:`~sim.agents.run_model.RunModel` instead: whether a package
meets every active red line and walk-away value is judged by the one check on that package
alone, and whether any package does, and which red lines clash, by the solver. The red lines in
force, the walk-away values and every effect of an event are the listed world's
(:class:`~sim.agents.world.World`, whose state this shares). Agents that ask of every package
(:mod:`sim.agents.solved_agents`) ask here through the run model.

Only mediated talks run here: unmediated offers read offer tables over every package a party
can accept, and a proposal tabled at the start can leave issues open, whose completions are
masks; both are refused before the run (:func:`solver_refusal`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NoReturn

from ..analysis.solved import cheapest_concessions, clashing_sets
from ..analysis.solver_space import SolverSpace
from ..constraints.arrays import Bools, Floats
from ..constraints.space import OutcomeSpace, run_bytes_per_package
from ..constraints.verdict import Verdict
from ..scenario.model import Scenario
from .run_model import RunModel, Wanted
from .shared import BOUNDS, CacheBounds, Lru, Prepared, ZopaKey, kept
from .solved_questions import any_package
from .world import Acceptable, World

LISTED_ONLY = "a solved world lists no packages; {} is asked only in listed runs (a bug if reached: please report it)"


class SolvedShared(Prepared):
    """What the runs of one scenario share when its packages are not listed: the run model and its answers."""

    def __init__(self, scenario: Scenario, bounds: CacheBounds = BOUNDS) -> None:
        super().__init__(scenario, bounds)
        self.run = RunModel(scenario, self.compiler)
        self.zopas: Lru[ZopaKey, bool] = Lru(bounds.clashes)
        """Whether some package meets every red line in force and walk-away value."""
        self.clashes: Lru[ZopaKey, tuple[str, ...]] = Lru(bounds.clashes)


def solved_by_runs(scenario: Scenario) -> SolvedShared:
    """What the runs of a scenario share when the solver answers (kept for the few most recently used scenarios)."""
    return kept(_PREPARED, id(scenario), SolvedShared, scenario)


_PREPARED: Lru[int, SolvedShared] = Lru(4)
_CLASHES_NAMED = 10
"""Clashing sets whose red lines a run without a ZOPA names (as :meth:`World.clashing`)."""


def listed_run_fits(scenario: Scenario) -> bool:
    """Whether a run with every package listed fits the memory budget (what ``auto`` decides by).

    Decided once per scenario (kept for the few most recently used, with the scenario: a
    sweep's runs ask again and again).
    """
    return kept(_FITS, id(scenario), _fits, scenario)[1]


def _fits(scenario: Scenario) -> tuple[Scenario, bool]:
    return scenario, OutcomeSpace.of(scenario).fits_memory(run_bytes_per_package(scenario))


_FITS: Lru[int, tuple[Scenario, bool]] = Lru(16)
"""Whether a listed run of each scenario fits, by id (the entry keeps its scenario, so no other takes the id)."""


def solver_refusal(scenario: Scenario) -> str | None:
    """Why a run of this scenario cannot go through the solver (None if it can)."""
    if scenario.talks.lead([p.id for p in scenario.parties if p.role == "mediator"]) is None:
        return ("a run through the solver needs mediated talks (a mediator holds one text); unmediated offers read "
                "offer tables over every package a party can accept")
    principals = [p for p in scenario.parties if p.role == "principal"]
    if any(p.preferences is None for p in principals):
        return ("a run through the solver needs preferences for every principal (what it counters with and "
                "expects to settle for are its utilities)")
    if any(p.preferences is not None for p in scenario.parties if p.role != "principal"):
        return "a run through the solver weighs the principals' preferences alone; only principals may state them"
    start = scenario.start
    if any((p.date or start) <= start for p in scenario.proposals):
        return ("a run through the solver cannot table a proposal at the start yet (a proposal may leave issues "
                "open, whose completions are listed); take the proposals out of the scenario, or give issues fewer "
                "values so that the run fits in memory")
    return None


class SolvedWorld(World):
    """The negotiation as it stands, its questions of every package answered by the solver (see the module)."""

    solved = True

    def __init__(self, scenario: Scenario, versions: Mapping[str, str | None] | None = None) -> None:
        self.solved_shared = solved_by_runs(scenario)
        self._set_up(scenario, versions, self.solved_shared)
        self.run = self.solved_shared.run
        self._questions: dict[tuple[ZopaKey, bool], tuple[SolverSpace, list[str]]] = {}

    # -- red lines in force, as the solver's questions -----------------------------------------

    def in_force(self, refs: list[str] | None = None, *, versions: Mapping[str, str | None] | None = None
                 ) -> list[Wanted]:
        """Red lines as a question names them: these refs (default: every one) at their active versions.

        ``versions`` gives other versions for some (what a party or the mediator takes them to be);
        dropped ones (None) are left out.
        """
        wanted = []
        for ref in self.red_lines if refs is None else refs:
            state = self.red_lines[ref]
            version = state.active if versions is None or ref not in versions else versions[ref]
            if version is not None:
                wanted.append(Wanted(ref, state.party, state.definition, version))
        return wanted

    def walk_aways(self, parties: tuple[str, ...] | None = None) -> list[tuple[str, float]]:
        """Parties with preferences (default: every one) and their walk-away values now."""
        chosen = self.parties_with_utility if parties is None else parties
        return [(party, self.walk_away[party]) for party in chosen]

    def _whole(self, with_walk_aways: bool = True) -> tuple[SolverSpace, list[str]]:
        """Every active red line (and walk-away value) as one question, and the names of its constraints."""
        key = (self.zopa_key(), with_walk_aways)
        found = self._questions.get(key)
        if found is None:
            wanted = self.in_force()
            walk_aways = self.walk_aways() if with_walk_aways else []
            question = self.run.question(wanted, walk_aways)
            found = self._questions[key] = question, [item.ref for item in question.items]
        return found

    # -- the questions the talks ask --------------------------------------------------------------

    def has_zopa(self) -> bool:
        """Whether some package meets every active red line and every walk-away value (by the solver)."""
        def search() -> bool:
            question, _ = self._whole()
            return any_package(question, (1 << len(question.holds)) - 1) is not None

        return kept(self.solved_shared.zopas, self.zopa_key(), search)

    def agreement_allowed(self, package: int) -> bool:
        """Whether a package holds every active red line and every walk-away value (the one check on it)."""
        question, _ = self._whole()
        return bool(question.constraints.feasible(self.run.codes([package]))[0])

    def broken(self, package: int, party: str | None = None, open_issues: tuple[int, ...] = ()) -> list[str]:
        """Active red lines (of one party, or all) that a package breaks, by the one check on it."""
        if open_issues:
            self._refuse("a text with open issues")
        question, names = self._whole(with_walk_aways=False)
        verdicts = question.constraints.check(self.run.codes([package])).red_lines[:, 0]
        return [ref for ref, verdict in zip(names, verdicts.tolist(), strict=True)
                if verdict != Verdict.HOLDS.value and (party is None or self.red_lines[ref].party == party)]

    def clashing(self) -> tuple[str, ...]:
        """Where no package meets every active red line and walk-away value: those in the first ten clashing sets."""
        def search() -> tuple[str, ...]:
            question, names = self._whole()
            found, _ = cheapest_concessions(question, _CLASHES_NAMED)  # as explain starts the search
            sets, _ = clashing_sets(question, found, _CLASHES_NAMED)
            return tuple(dict.fromkeys(names[c] for clash in sets for c in range(len(names)) if clash >> c & 1))

        return kept(self.solved_shared.clashes, self.zopa_key(), search)

    def worth(self, party: str) -> Callable[[int], float]:
        """A package's utility to a party with preferences: its values' weighted sum, as the listed sums have it."""
        tables = [table.tolist() for table in self.run.preferences[party].tables]
        spans, sizes = self.run.spans.tolist(), self.space.sizes

        def utility(package: int) -> float:
            total = 0.0  # issue by issue from the empty sum, as every listed utility is added
            for table, span, size in zip(tables, spans, sizes, strict=True):
                total += table[package // span % size]
            return total

        return utility

    # -- what only listed runs ask -----------------------------------------------------------------

    def _refuse(self, what: str) -> NoReturn:
        raise RuntimeError(LISTED_ONLY.format(what))

    def mask(self, ref: str, version: str | None = None) -> Bools:
        """Refused: only listed runs ask it."""
        self._refuse("a red line's mask")

    def meets_walk_away(self, party: str) -> Bools:
        """Refused: only listed runs ask it."""
        self._refuse("a walk-away value's mask")

    def acceptable(self, party: str) -> Acceptable:
        """Refused: only listed runs ask it."""
        self._refuse("every package a party can accept")

    def feasible(self) -> Bools:
        """Refused: only listed runs ask it."""
        self._refuse("the ZOPA as a mask")

    def utility_rows(self, parties: tuple[str, ...]) -> Floats:
        """Refused: only listed runs ask it."""
        self._refuse("every package's utilities")

    def completions(self, package: int, open_issues: tuple[int, ...]) -> Bools:
        """Refused: only listed runs ask it."""
        self._refuse("the completions of a text with open issues")

