"""A mediator holding one negotiating text (the one-text procedure).

The mediator knows the public red lines as the scenario states them and learns the
rest from rejections. It drafts the package that meets every red line it knows of and that
the principals expect to settle on (the asymmetric Nash package, :mod:`sim.agents.expectation`).
When what it knows leaves no package, it runs the concession analysis on its own knowledge
and tests the cheapest concession not yet refused, in case that red line is softer than
stated, keeping as many terms of a proposal it tabled itself as it can; a mediator that
leans towards a principal never asks that principal to give up a red line (the onus is on
the others). Issues its text leaves open stay open until it decides to settle them
(:meth:`Mediator.settle`, called by the talks): when every principal accepts the rest, or
one withholds acceptance while they are open, or refuses because they could leave it below
its walk-away value.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ..analysis.bargaining import floored_nash_scores
from ..analysis.clashes import concession_sets
from ..analysis.dealspace import relaxation_cost
from ..constraints.arrays import Bools, Floats
from ..scenario.redlines import STATED, RedLine
from .expectation import powers, settlement_package
from .principal import Response
from .shared import Lru, Prepared, Same, SharedPart, kept
from .world import World

Knowledge = tuple[tuple[str, str | None, float], ...]
"""What the mediator assumes of each red line it knows (ref, version), with its price."""
Weighing = tuple[tuple[str, float, float], ...]
"""Each principal the mediator weighs: (party, power, walk-away value)."""
DraftKey = tuple[Knowledge, frozenset[str], Weighing, str | None, tuple[tuple[int, int], ...]]
"""What a draft depends on: knowledge, refused concessions, weighing, lean and core terms."""


@dataclass(frozen=True)
class Draft:
    """A text the mediator tables, and why.

    ``package`` is the whole package the mediator has in mind; the text leaves the issues at
    positions ``open`` open (their terms in ``package`` are how the mediator would settle them).
    """

    package: int
    reason: str
    testing: tuple[str, ...] = ()
    open: tuple[int, ...] = ()


class _Kept(SharedPart):
    """What mediators work out from what they know and weigh, shared by the runs of one scenario."""

    def __init__(self, shared: Prepared) -> None:
        bounds = shared.bounds
        self.known_masks: Lru[tuple[Knowledge, tuple[str, ...]], Bools] = Lru(bounds.mediator_array_bytes, _nbytes)
        self.scores: Lru[Weighing, Floats] = Lru(bounds.mediator_array_bytes, _nbytes)
        self.penalties: Lru[Knowledge, Floats] = Lru(bounds.mediator_array_bytes, _nbytes)
        self.drafts: Lru[DraftKey, Draft] = Lru(bounds.drafts)
        self.concession_sets: Lru[Knowledge, list[tuple[str, ...]]] = Lru(bounds.concession_sets)
        self.reads: Lru[tuple[str, Same[RedLine]], tuple[str, ...]] = Lru(bounds.reads)


def _nbytes(array: Bools | Floats) -> int:
    return int(array.nbytes)


class Mediator:
    """The lead mediator: its knowledge of red lines, and how it redrafts."""

    def __init__(self, party: str, world: World, principals: tuple[str, ...]) -> None:
        self.party = party
        self.world = world
        self.principals = principals
        self.assumed: dict[str, str | None] = {
            ref: STATED for ref, state in world.red_lines.items() if not state.private}
        self.confirmed: set[str] = set()
        self.changes = 0
        self._costs: dict[tuple[str, int], float] = {}
        self._known: tuple[tuple[int, int], Knowledge] = ((-1, -1), ())
        self._kept = world.prepared.part(_Kept)
        self.core: dict[int, int] = {}
        """The terms of a proposal the mediator tabled as its own (issue position: value code), kept while it can."""
        self.open: tuple[int, ...] = ()
        """The issues (positions) its text leaves open, until it settles them."""
        self.settling: str | None = None
        """Why it settles the open issues in its next draft (None: it leaves them open)."""

    def learn(self, response: Response) -> None:
        """Take in an answer: red lines it reveals, or a refusal on terms."""
        for ref in response.broken:
            if ref in self.world.red_lines and (ref not in self.assumed or ref not in self.confirmed):
                self.changes += 1
                self.assumed.setdefault(ref, STATED)
                self.confirmed.add(ref)

    def note_blocked(self, refs: list[str]) -> None:
        """All principals accepted, but the text breaks these red lines of others: take them in."""
        self.changes += 1
        for ref in refs:
            if ref in self.world.red_lines:
                self.assumed.setdefault(ref, STATED)
                self.confirmed.add(ref)

    def hear(self, ref: str, version: str | None) -> None:
        """A public event changed a red line: update what the mediator assumes of it."""
        self.changes += 1
        if ref in self.assumed or not self.world.red_lines[ref].private:
            self.assumed[ref] = version
        self.confirmed.discard(ref)

    def known_mask(self, without: tuple[str, ...] = ()) -> Bools:
        """Packages meeting every red line the mediator knows of (bar ``without``)."""
        knowledge = self._knowledge()

        def compute() -> Bools:
            ok = np.ones(len(self.world.packages), dtype=bool)
            for ref, version, _ in knowledge:
                if version is not None and ref not in without:
                    ok &= self.world.mask(ref, version)
            return ok

        return kept(self._kept.known_masks, (knowledge, without), compute)

    def score(self) -> Floats:
        """Weighted Nash product of the parties' stated gains over walk-away (log scale), for any package.

        What the mediator falls back on where no package gives every party a gain
        (:meth:`best_in`); the weights are the parties' powers (:func:`~sim.agents.expectation.powers`).
        """
        weighing = self._weighing()

        def compute() -> Floats:
            parties, weights, walk_aways = zip(*weighing, strict=True) if weighing else ((), (), ())
            if not parties:
                return np.zeros(len(self.world.packages))
            return floored_nash_scores(self.world.utility_rows(tuple(parties)), walk_aways, weights)

        return kept(self._kept.scores, weighing, compute)

    def _weighing(self) -> Weighing:
        """Each principal with preferences, its power and walk-away value: what drafts depend on."""
        parties = self._parties()
        return tuple(zip(parties, powers(self.world, parties), [self.world.walk_away[p] for p in parties], strict=True))

    def _parties(self) -> tuple[str, ...]:
        return tuple([p for p in self.principals if p in self.world.parties_with_utility])

    def _knowledge(self) -> Knowledge:
        """What the mediator assumes of each red line it knows, with its price (cached per change)."""
        stamp = (self.changes, self.world.revision)
        if self._known[0] != stamp:
            knowledge = tuple((ref, version, self.cost(ref)) for ref, version in sorted(self.assumed.items())
                              if ref in self.world.red_lines)
            self._known = (stamp, knowledge)
        return self._known[1]

    def best_in(self, candidates: Bools) -> int:
        """The package among candidates that breaks the least costly known red lines, then scores best."""
        knowledge = self._knowledge()

        def compute() -> Floats:
            penalty = np.zeros(len(self.world.packages))
            for ref, version, cost in knowledge:
                if version is not None:  # its price where it breaks (adding 0 elsewhere changed nothing)
                    np.add(penalty, cost, out=penalty, where=np.logical_not(self.world.mask(ref, version)))
            return penalty

        penalty = kept(self._kept.penalties, knowledge, compute)
        fewest = candidates & np.isclose(penalty, np.where(candidates, penalty, np.inf).min())
        chosen = np.flatnonzero(fewest)
        settled = settlement_package(self.world, self._parties(), chosen)
        if settled is not None:  # the package the principals expect to settle on, if it is among these
            return settled
        return int(np.argmax(np.where(fewest, self.score(), -np.inf)))

    def first_text(self, within: Bools | None, own_terms: dict[int, int] | None = None,
                   open_issues: tuple[int, ...] = ()) -> Draft:
        """Table the proposal on the table (``within``: its completions), leaving its open issues open.

        ``own_terms`` are the terms (issue position: value code) of a proposal the mediator
        made itself: its core terms, which it keeps in later drafts as long as it can. With no
        proposal on the table (``within`` None), it drafts a whole text.
        """
        self.core = own_terms or {}
        self.open = open_issues
        if within is None:
            return Draft(self._best_of_all(), "drafts a first text")
        if within.all():
            return Draft(self.best_in(within), "drafts a first text")
        issues = self.world.space.issues
        left = f"; leaves {', '.join(issues[j] for j in open_issues)} open" if open_issues else ""
        return Draft(self.best_in(within), "tables the proposal" + left, open=open_issues)

    def settle(self, why: str) -> None:
        """Decide to settle the open issues in the next draft, for the reason given (nothing if none is open)."""
        if self.open and self.settling is None:
            self.settling = why

    def draft(self) -> Draft:
        """Redraft the text after a round of answers; open issues stay open unless it decided to settle them."""
        key = (self._knowledge(), frozenset(self.confirmed), self._weighing(), self.world.lean.get(self.party),
               tuple(self.core.items()))
        drafted = kept(self._kept.drafts, key, self._draft)
        if not self.open:
            return drafted
        if self.settling is None:
            return Draft(drafted.package, drafted.reason, drafted.testing, self.open)
        why, self.open, self.settling = self.settling, (), None
        return Draft(drafted.package, why, drafted.testing)

    def _draft(self) -> Draft:
        best = self._best_known()
        if best is not None:  # a deal is in view: the text everyone can expect to settle on
            return Draft(best, "meets every red line the mediator knows of")
        knowledge = tuple(k for k in self._knowledge() if k[1] is not None)
        options = self._onus_first(kept(self._kept.concession_sets, knowledge, self._concession_sets, knowledge))
        untried = [o for o in options if not self.confirmed.intersection(o)]
        chosen = untried[0] if untried else options[0]
        reason = f"tests whether {', '.join(chosen)} will bend" if untried else \
            f"stalemate: every concession it can see was refused; keeps pressing on {', '.join(chosen)}"
        return Draft(self._keeping_core(chosen), reason, chosen)

    def _best_of_all(self) -> int:
        """Its first text with no proposal on the table: the best of every package (:meth:`best_in`)."""
        return self.best_in(np.ones(len(self.world.packages), dtype=bool))

    def _best_known(self) -> int | None:
        """The best package meeting every red line it knows of (:meth:`best_in`), None if none does."""
        known = self.known_mask()
        return self.best_in(known) if known.any() else None

    def _concession_sets(self, knowledge: Knowledge) -> list[tuple[str, ...]]:
        """The cheapest sets of red lines it knows of whose relaxing would leave a package (at most 32)."""
        holds = np.array([self.world.mask(ref, version) for ref, version, _ in knowledge])
        found, _ = concession_sets(holds, np.array([cost for _, _, cost in knowledge]), limit=32)
        return [tuple(knowledge[i][0] for i in relaxed) for relaxed in found]

    def _onus_first(self, options: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        """The concession sets it would ask for: none of the party it leans towards, if another set exists.

        A mediator that leans towards a principal puts the onus on the others: it never asks that
        party to give up a red line while it leans so (an event can change its lean).
        """
        leaned = self.world.lean.get(self.party)
        if leaned is None:
            return options
        mine = f"{leaned}/"
        onus = [option for option in options if not any(ref.startswith(mine) for ref in option)]
        return onus or options

    def _keeping_core(self, relaxed: tuple[str, ...]) -> int:
        """The draft among the packages meeting every red line it knows of bar ``relaxed``: one keeping its core terms.

        Of the largest sets of core terms some candidate keeps, the first in the order of the
        proposal's terms; with no core terms, or none that can be kept, the best candidate.
        """
        candidates = self.known_mask(without=relaxed)
        if self.core:
            rows = self.world.packages
            terms = [rows[:, position] == code for position, code in self.core.items()]
            for size in range(len(terms), 0, -1):
                for kept_terms in combinations(terms, size):
                    keeping = candidates & np.logical_and.reduce(kept_terms)
                    if keeping.any():
                        return self.best_in(keeping)
        return self.best_in(candidates)

    def cost(self, ref: str) -> float:
        """Price of asking a party to give up a red line: confidence times salience."""
        key = (ref, self.world.revision)
        if key not in self._costs:
            self._costs[key] = self._price(ref)
        return self._costs[key]

    def _price(self, ref: str) -> float:
        state = self.world.red_lines[ref]
        compiler, issues = self.world.compiler, self.world.space.issues
        reads = kept(self._kept.reads, (ref, Same(state.definition)), lambda: tuple(
            issues[i] for i in compiler.red_line(state.party, state.definition).test.issues))
        return relaxation_cost(state.definition.confidence, self.world.salience[state.party], reads)
