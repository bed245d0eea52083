"""The deal space of a run as constraint models, for spaces too large to list package by package.

A run's questions are asked of sets of packages: those meeting some red-line versions (a
party's own, those of others it knows, those the mediator knows) and some walk-away values.
Listed, each set is a mask over every package; here, where a mask of 10^9 packages would not
fit, a question is a CP-SAT model of the issues with a literal for each red-line version and
walk-away value it names (a :class:`~sim.analysis.solver_space.SolverSpace`, built from the same
compiled tests the one check reads). Packages are numbered as listed (lexicographic order of codes), so a
package found here has the number the listed space gives it, and every package the solver
offers is judged by the one check before it is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..analysis.dealspace import PricedConstraint
from ..analysis.solver_space import SolverSpace, constraint_model
from ..constraints.arrays import Codes
from ..constraints.check import WALK_AWAY_ID, CompiledConstraints
from ..constraints.compile import CompiledPreferences, CompiledRedLine, Compiler
from ..scenario.model import Scenario
from ..scenario.redlines import RedLine
from .neighbours import Numbers, spans_of
from .shared import Lru, Same, kept


@dataclass(frozen=True)
class Wanted:
    """A red-line version a question names: ``ref`` (party/red-line id), its party, definition and version."""

    ref: str
    party: str
    definition: RedLine
    version: str


_QUESTIONS = 4096
"""Questions a run model keeps (each a few kilobytes: the constraints it names, not a copy of the model)."""
QuestionKey = tuple[tuple[tuple[str, str, Same[RedLine]], ...], tuple[tuple[str, float], ...], tuple[float, ...],
                    tuple[float, ...]]


class RunModel:
    """One scenario's questions as CP-SAT models: the issues, and a literal per red-line version and walk-away value.

    Each question has a model of its own, kept with it, holding only what it names (a model
    shared by every question grew with every version and walk-away value asked about, and each
    solve presolved them all); a clause a question learns (a package's walk-away verdict settled
    by the one check) stays with it.
    """

    def __init__(self, scenario: Scenario, compiler: Compiler) -> None:
        self.scenario = scenario
        self.compiler = compiler
        self.space = compiler.space
        self.preferences: dict[str, CompiledPreferences] = {}
        for party in scenario.parties:
            compiled = compiler.preferences(party)
            if compiled is not None:
                self.preferences[party.id] = compiled
        self._versions: dict[tuple[str, str, Same[RedLine]], CompiledRedLine | None] = {}
        self._questions: Lru[QuestionKey, SolverSpace] = Lru(_QUESTIONS)
        """Questions asked, kept for the next run (drawn red lines bring new combinations: bounded)."""
        self.spans = spans_of(self.space.sizes)
        """What a code of each issue counts for in a package's number."""

    def compiled(self, wanted: Wanted) -> CompiledRedLine | None:
        """A red-line version compiled (None for a bluff: it holds everywhere), once per run model."""
        key = (wanted.ref, wanted.version, Same(wanted.definition))
        if key not in self._versions:
            self._versions[key] = self.compiler.version(wanted.party, wanted.definition, wanted.version)
        return self._versions[key]

    def question(self, red_lines: Sequence[Wanted], walk_aways: Sequence[tuple[str, float]],
                 powers: Sequence[float] = (), costs: Sequence[float] = ()) -> SolverSpace:
        """The packages as a model with these red-line versions, then these parties' walk-away values, as constraints.

        Bluffs (versions that hold everywhere) are left out. ``powers``: the parties' in the Nash
        product (default 1 each); ``costs``: each red line's price of relaxing (default 1 each; a
        walk-away value's is 1). Which constraints must hold is the caller's bitmask (``wanted``).
        """
        named = [(w, c) for w, c in zip(red_lines, costs or [1.0] * len(red_lines), strict=True)
                 if self.compiled(w) is not None]
        key: QuestionKey = (tuple((w.ref, w.version, Same(w.definition)) for w, _ in named), tuple(walk_aways),
                            tuple(powers), tuple(c for _, c in named))
        return kept(self._questions, key, self._question, named, walk_aways, powers)

    def _question(self, named: list[tuple[Wanted, float]], walk_aways: Sequence[tuple[str, float]],
                  powers: Sequence[float]) -> SolverSpace:
        """A model of its own: the issues and the literals the question names, nothing else to presolve."""
        compiled: list[CompiledRedLine] = []
        items = []
        for wanted, cost in named:
            version = self.compiled(wanted)
            assert version is not None, "bluffs are left out"
            compiled.append(version)
            items.append(PricedConstraint(wanted.ref, wanted.party, cost, False))
        preferences = []
        for party, value in walk_aways:
            preferences.append(CompiledPreferences(party, self.preferences[party].tables, value))
            items.append(PricedConstraint(f"{party}/{WALK_AWAY_ID}", party, 1.0, True))
        constraints = CompiledConstraints(self.space, tuple(compiled), tuple(preferences))
        model, choices, holds, utilities = constraint_model(constraints)
        parties = tuple(party for party, _ in walk_aways)
        return SolverSpace(self.scenario, constraints, tuple(items), parties,
                           np.array([value for _, value in walk_aways], dtype=np.float64),
                           np.array(powers or [1.0] * len(parties), dtype=np.float64),
                           model, choices, holds, utilities)

    # -- packages by number ------------------------------------------------------------------------

    def codes(self, packages: Numbers | Sequence[int]) -> Codes:
        """The codes of packages given by number, one row each."""
        numbers = np.asarray(packages, dtype=np.int64)
        sizes = np.array(self.space.sizes, dtype=np.int64)
        return (numbers[:, None] // self.spans[None, :] % sizes[None, :]).astype(np.int16)

