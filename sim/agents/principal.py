"""A principal: answers texts, concedes over time in its style, makes offers and counters."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from enum import IntEnum
from functools import cached_property
from typing import NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from ..constraints.arrays import Bools, Floats
from ..constraints.check import WALK_AWAY_ID
from ..constraints.walk_away import falling_short, lowest_meeting, meets, short_of
from ..scenario.model import Party
from .concession import DEFAULT_EXPONENTS, fall, tit_for_tat
from .expectation import Expected, settlement, within_walk_aways
from .knowledge import RedLineKnowledge
from .ranking import UNRANKED, Ranking, Rankings
from .shared import kept
from .world import World

AnswerCodes = npt.NDArray[np.int8]
"""Answers as codes (:class:`Answer` values), a row per principal, a column per offer."""
Fallen = TypeVar("Fallen", float, Floats)


class Answer(IntEnum):
    """How a principal answers a text or offer, and why; the values are the codes of answer arrays."""

    PROPOSES = -1
    """The offer is the principal's own."""
    ACCEPTS = 0
    BREAKS_RED_LINES = 1
    BELOW_WALK_AWAY = 2
    ASKS_FOR_MORE = 3
    WITHHOLDS = 4
    """It would accept, but for red lines on issues the text leaves open (texts only, never offers)."""

    @property
    def accepts(self) -> bool:
        """Whether the principal goes along with the text (its own offer included)."""
        return self in (Answer.ACCEPTS, Answer.PROPOSES)

    @property
    def cause(self) -> str:
        """The answer's cause as the event log words it."""
        return _CAUSES[self]


_CAUSES = {Answer.PROPOSES: "proposes", Answer.ACCEPTS: "accepts", Answer.BREAKS_RED_LINES: "breaks red lines",
           Answer.BELOW_WALK_AWAY: "below its walk-away value", Answer.ASKS_FOR_MORE: "asks for more",
           Answer.WITHHOLDS: "withholds acceptance while issues are open"}


class Response(NamedTuple):
    """A party's answer to a text: accept, or reject with the red lines it breaks and why."""

    party: str
    package: int
    answer: Answer
    """What it answered, by the answer rule: what the talks and the mediator act on."""
    broken: tuple[str, ...]
    cause: str
    """How the log words the answer: the answer's own cause, or the talks' where they answer for it."""
    utility: float | None
    withheld: tuple[str, ...] = ()
    """Its red lines on issues the text leaves open that it does not defer (:meth:`Principal.read_open_text`)."""

    @property
    def accept(self) -> bool:
        """Whether the party goes along with the text (its own offer included)."""
        return self.answer.accepts


class Plan(NamedTuple):
    """How a principal asks, offers and answers while nothing changes (the world, or for tit-for-tat, the offers).

    At relative time ``t``, on day ``day``, it asks for
    ``max(walk_away, min(ceiling, floor + span * (1 - min(1, max(0, t * speed)) ** inverse)) - cost * day)``
    (``span`` is 0 for a demand that does not move: a hardliner's, or that of a party with
    nothing to ask; ``ceiling`` is what a tit-for-tat principal asks for after the others'
    concessions, infinite for the other styles; ``cost`` is its cost of delay, utility a day), offers the package of
    ``ranking`` worth that much that the others value most, and rejects a text worth less
    than ``walk_away`` (``-inf`` without preferences) or breaking one of its ``own`` red lines.
    Neither ``floor`` nor ``last_word`` is below ``walk_away``, so no demand is.
    A tit-for-tat principal's plan holds for the moment only. :meth:`Principal.respond` and
    :meth:`Principal.offer` use it too.
    """

    floor: float
    span: float
    inverse: float
    speed: float
    ceiling: float
    cost: float
    pressing: bool
    """Whether anything but the curve bears on the demand: a tit-for-tat ceiling or a cost of delay."""
    last_word: float
    """The least it accepts once its deadline has come (relative time 1): its walk-away value, but for a hardliner."""
    walk_away: float
    has_utility: bool
    ranking: Ranking
    own: list[tuple[str, npt.NDArray[np.bool_]]]

    def asks(self, t: float, day: float) -> float:
        """What the principal asks for at relative time ``t``, on day ``day``: the concession curve less the delay."""
        asked = demand(self.floor, self.span, fall(t * self.speed, self.inverse))
        return pressed(asked, self.ceiling, self.cost, day, self.walk_away) if self.pressing else asked

    def accepts_from(self, t: float, day: float) -> float:
        """The least it accepts at relative time ``t``: what it asks for then, its last word at its deadline.

        At its deadline a deal it can accept at all beats none (the acceptance condition
        ``AC_time`` of the ANAC agents); only a hardliner holds on to its demand.
        """
        return self.last_word if t >= 1.0 else self.asks(t, day)

    def breaking(self, offers: npt.NDArray[np.intp]) -> Bools | None:
        """Which offers break one of the principal's own red lines (None if it has none in force)."""
        if not self.own:
            return None
        holds = self.own[0][1][offers]
        for _, more in self.own[1:]:
            holds &= more[offers]
        return np.logical_not(holds)


def demand(floor: Fallen, span: Fallen, fallen: Fallen) -> Fallen:
    """What a principal asks for once its curve has come down ``fallen`` (see :func:`~concession.fall`).

    For one principal and one moment, or for many of each: ``floor`` and ``span`` then hold
    one row per principal, ``fallen`` one column per turn.
    """
    return floor + span * fallen


def pressed(curve: Fallen, ceiling: Fallen, cost: Fallen, day: Fallen, walk_away: Fallen) -> Fallen:
    """The demand under pressure: the curve at most ``ceiling``, less ``cost`` a day for ``day`` days.

    Never below the walk-away value. For one principal and one moment, or for many (rows of
    principals, columns of turns), as :func:`demand`. With no ceiling (infinite) and no cost
    it is the curve itself, which never falls below the walk-away value (:meth:`Principal._best`),
    so callers skip it then (:attr:`Plan.pressing`).
    """
    if isinstance(curve, float):
        return max(walk_away, min(ceiling, curve) - cost * day)
    return np.maximum(walk_away, np.minimum(ceiling, curve) - cost * day)


def answer_to(breaks_red_lines: bool, below_walk_away: bool, asks_for_more: bool) -> Answer:
    """The answer rule: what a principal answers to a text or offer, from what it finds in it.

    An offer that breaks one of the principal's own red lines is refused for that; else one
    worth less than its walk-away value for that; else one worth less than it asks for; it
    accepts the rest. Both comparisons are the one walk-away test (:mod:`sim.constraints.walk_away`).
    """
    if breaks_red_lines:
        return Answer.BREAKS_RED_LINES
    if below_walk_away:
        return Answer.BELOW_WALK_AWAY
    return Answer.ASKS_FOR_MORE if asks_for_more else Answer.ACCEPTS


_ANSWER_CODES = np.array([[[answer_to(red, low, more) for more in (False, True)] for low in (False, True)]
                          for red in (False, True)], dtype=np.int8)
"""The answer rule tabulated, to look the answers to many offers up at once: [breaks, below, asks for more]."""


class Answers:
    """How each principal (a row) answers each offer (a column), by the answer rule (:func:`answer_to`).

    ``worth[p, i]`` is offer ``i``'s utility to principal ``p``, ``asked[p, i]`` what ``p``
    asks for then and ``walk_aways[p, 0]`` its walk-away value; ``answering[p, i]`` is False
    where offer ``i`` is ``p``'s own. ``least``, if given, is the least utility that meets
    the higher of the two, ``lowest_meeting(max(asked, walk_aways))``, as a caller that has it
    passes it (:func:`~sim.simulation.stretch.play`: a :class:`Plan` never asks for less than
    its walk-away value, so it is ``lowest_meeting(asked)``). Who refused is worked out at once
    (agreements depend on it), each :class:`Answer` only when asked for (when the log is read,
    from what a log keeps: the offers' worth, the walk-away values and who fell short).
    """

    def __init__(self, plans: Sequence[Plan], offers: npt.NDArray[np.intp], worth: Floats, asked: Floats,
                 walk_aways: Floats, answering: Bools, *, least: Floats | None = None) -> None:
        self.worth, self.walk_aways, self.answering = worth, walk_aways, answering
        self.broken = tuple([plan.breaking(offers) for plan in plans])  # a tuple: the collector lets go of one of Nones
        if least is None:  # below the demand or below the walk-away value: one test against the higher of the two
            least = lowest_meeting(np.maximum(asked, walk_aways))
        self.short = short_of(worth, least)
        """Whether each principal finds each offer worth less than it asks for, or than its walk-away value.

        What :meth:`codes` reads for "asks for more": the answer rule puts a text below the
        walk-away value first, so the higher of the two demands gives the same answers (and a
        log keeps this mask, not the demands).
        """
        self.refused = self.short & answering
        """Whether each principal refused each offer, whatever the reason (never its own)."""
        for k, broken in enumerate(self.broken):  # rows by number (architecture.md, speed)
            if broken is not None:
                self.refused[k] |= broken & answering[k]

    def codes(self, turns: int) -> AnswerCodes:
        """Each principal's :class:`Answer` to each of the first ``turns`` offers, as codes."""
        broken = np.zeros((len(self.broken), turns), dtype=bool)
        for k, breaks in enumerate(self.broken):
            if breaks is not None:
                broken[k] = breaks[:turns]
        found = (broken, falling_short(self.worth[:, :turns], self.walk_aways), self.short[:, :turns])
        codes = _ANSWER_CODES[tuple(side.view(np.uint8) for side in found)]  # as indices 0/1, not as masks
        codes[~self.answering[:, :turns]] = Answer.PROPOSES
        return codes

    def on_red_lines(self, turns: int) -> list[tuple[int, int]]:
        """(offer, principal) of the refusals among the first ``turns`` offers that rest on own red lines."""
        pairs = []
        for k, broken in enumerate(self.broken):
            if broken is not None:
                rests = broken[:turns] & self.answering[k, :turns]
                pairs += [(i, k) for i in rests.nonzero()[0].tolist()]
        return sorted(pairs)


class Principal:
    """One principal party's behaviour; knows its own red lines, utility and walk-away value."""

    def __init__(self, party: Party, world: World, knowledge: RedLineKnowledge, principals: tuple[str, ...]) -> None:
        self.party = name = party.id  # read once (architecture.md, speed)
        self.world = world
        self.knowledge = knowledge
        with_utility = world.parties_with_utility
        self.others = tuple([p for p in principals if p != name and p in with_utility])
        """The other principals whose preferences the party weighs in choosing what to offer."""
        self.parties = tuple([p for p in principals if p in with_utility])
        """Every principal with preferences, itself included: who shares in the settlement it expects."""
        self._expected = 0.0
        spec = party.concession
        self.style = spec.style if spec else "boulware"
        self.exponent = (spec.exponent if spec else None) or DEFAULT_EXPONENTS[self.style]
        self.opening = spec.opening if spec else None
        self.has_utility = self.party in with_utility
        self._revision = (-1, -1)
        self._ranking = UNRANKED
        self._can_accept = False
        """Whether any package meets the party's own red lines and walk-away value."""
        self._first_seen: float | None = None
        self._best_seen = 0.0
        self._top = 0.0
        self._own: list[tuple[str, npt.NDArray[np.bool_]]] = []

    @cached_property
    def _worth(self) -> Callable[[int], float]:
        """A package's utility to the party, for turn-by-turn lookups (the same float64 values; made on first use)."""
        return self.world.worth(self.party)

    def _refresh(self) -> None:
        """Cache the packages this party would offer, sorted by its utility, and its own red lines."""
        revision = (self.world.revision, self.knowledge.revision)
        if self._revision == revision:
            return
        self._rank()
        self._expected = self._settlement()
        self._own = self._own_masks()
        self._revision = revision

    def _rank(self) -> None:
        """Rank what the party can accept, cut down to what the others' red lines it knows of allow; note its top."""
        key = (self.party, self.world.red_lines_in_force(self.party), self.world.walk_away.get(self.party))
        rankings = self.world.shared.part(Rankings)
        self._ranking = kept(rankings.rankings, key, self._ranked).known(
            self.knowledge.others_allow(self.party))
        self._top = self._ranking.top
        self._can_accept = bool(self._ranking.count)

    def _own_masks(self) -> list[tuple[str, npt.NDArray[np.bool_]]]:
        """Each of the party's own red lines in force, with the packages that meet it."""
        mine = self.world.own.get(self.party, [])
        return [(state.ref, self.world.mask(state.ref)) for state in mine if state.active is not None]

    def _ranked(self) -> Ranking:
        """The packages the party's own red lines and walk-away value allow, ranked (what :meth:`_refresh` keeps).

        Shared by the runs of the scenario; each run cuts it down to what the red lines of the
        others it knows of allow (:meth:`Ranking.known`).
        """
        found = self.world.acceptable(self.party)
        return Ranking(found.packages, found.worth, tuple([self.world.utility[party] for party in self.others]),
                        admits=found.mask, valued=found.utility)

    def _settlement(self) -> float:
        """The utility it expects to settle for: its share of the Nash package of what it knows could be agreed.

        Its walk-away value when it knows of no such package (:mod:`sim.agents.expectation`).
        """
        walk_away = self.world.walk_away.get(self.party, 0.0)
        if not self.has_utility or not self._can_accept:
            return walk_away
        common = self._common_settlement()
        expected = common if common is not None else self._known_settlement()
        return max(walk_away, expected.get(self.party, walk_away))

    def _common_settlement(self) -> Expected | None:
        """The settlement every principal expects once the table knows every red line as it is (else None)."""
        return self.knowledge.common_settlement(self.parties)

    def _known_settlement(self) -> Expected:
        """The settlement over what the party can accept and knows the others can (empty if it knows of none)."""
        if not self._ranking.knows_others:  # what it knows of the others' red lines leaves nothing: no deal
            return {}
        candidates = within_walk_aways(self.world, self.others, self._ranking.packages)
        return settlement(self.world, self.parties, candidates)

    def _best(self) -> float:
        """The most the party asks for: its best acceptable utility, or its opening demand if lower.

        Never below what it expects to settle for (an opening demand under that would mean nothing).
        """
        if self.opening is None or not self.has_utility:
            return max(self._expected, self._top)
        return max(self._expected, min(self._top, self.opening))

    def observe(self, package: int) -> None:
        """Note another party's offer: tit-for-tat measures their concessions (other styles need not)."""
        if self.plans_ahead:
            return
        value = self._worth(package) if self.has_utility else 0.0
        if self._first_seen is None:
            self._first_seen = value
        self._best_seen = max(self._best_seen, value)

    def respond(self, package: int, t: float, day: float, open_issues: tuple[int, ...] = ()) -> Response:
        """Answer one text at relative time ``t`` on day ``day``, by the answer rule (:func:`answer_to`).

        A text that leaves issues (positions) open is read as :meth:`read_open_text` says; a
        principal that would accept it but for a red line it does not defer withholds acceptance.
        """
        self._refresh()
        plan = self._plan()
        if open_issues:
            utility, broken, withheld = self.read_open_text(package, open_issues)
        else:
            utility, broken, withheld = self._worth(package) if self.has_utility else None, self.breaks(package), ()
        worth = 0.0 if utility is None else utility
        answer = answer_to(bool(broken), not meets(worth, plan.walk_away), not meets(worth, plan.accepts_from(t, day)))
        if answer is Answer.ACCEPTS and withheld:
            answer = Answer.WITHHOLDS
        if answer is Answer.BREAKS_RED_LINES:
            refs = broken
        else:
            refs = (self.walk_away_ref,) if answer is Answer.BELOW_WALK_AWAY else ()
        return Response(self.party, package, answer, refs, answer.cause, utility, withheld)

    def judge(self, package: int) -> tuple[float | None, tuple[str, ...]]:
        """What a whole package is worth to the party (None without preferences), and its red lines it breaks."""
        self._refresh()
        return (self._worth(package) if self.has_utility else None), self.breaks(package)

    def read_open_text(self, package: int, open_issues: tuple[int, ...]) -> tuple[float | None, tuple[str, ...],
                                                                                   tuple[str, ...]]:
        """What a text that leaves issues open is worth to the party, what it breaks and what it withholds on.

        Its red lines are judged as ``evaluate`` judges them over every way the open issues could
        be settled: one breaks if it breaks in every completion, holds if it holds in every one;
        otherwise it is open, and the party either defers it (``if_left_open: defer``, it holds
        for now) or withholds acceptance on it. The text is worth what its worst completion gives
        the party among those that meet every red line the party knows of, its own and the
        others' (a maximin reading: the open issues may yet be settled against it, but not
        across a known red line); among those meeting its own if the others' leave none, among
        all completions if its own do.
        """
        self._refresh()
        completions = self.world.completions(package, open_issues)
        broken: list[str] = []
        withheld: list[str] = []
        admissible = completions.copy()
        for ref, holds in self._own:
            inside = holds & completions
            if not inside.any():
                broken.append(ref)
                continue
            if not np.array_equal(inside, completions) and not self.world.defers(ref):
                withheld.append(ref)
            admissible &= holds
        if not admissible.any():
            admissible = completions
        others = self.knowledge.others_allow(self.party)
        if others is not None:
            known = admissible & others
            admissible = known if known.any() else admissible
        utility = float(self.world.utility[self.party][admissible].min()) if self.has_utility else None
        return utility, tuple(broken), tuple(withheld)

    def breaks(self, package: int) -> tuple[str, ...]:
        """The party's own active red lines that a package breaks (the cache must be fresh)."""
        return tuple(ref for ref, holds in self._own if not holds[package]) if self._own else ()

    @property
    def walk_away_ref(self) -> str:
        """How a rejection below the walk-away value names what it rests on."""
        return f"{self.party}/{WALK_AWAY_ID}"

    # -- many turns at once: demands that depend on time alone ---------------------------------------

    @property
    def plans_ahead(self) -> bool:
        """Whether the party's demands depend on time alone, so that many turns can be answered at once."""
        return self.style != "tit-for-tat"

    def plan(self) -> Plan:
        """How the party asks, offers and answers while nothing changes (for tit-for-tat: until the next offer)."""
        self._refresh()
        return self._plan()

    def _plan(self) -> Plan:
        """:meth:`plan` once the cache is fresh: the concession curve of the party's style, as a :class:`Plan`."""
        walk_away = self.world.walk_away[self.party] if self.has_utility else -math.inf
        floor, span, inverse, speed = self._curve(walk_away)
        ceiling = self._mirrored(walk_away)
        has_utility, ranking, own = self.has_utility, self._ranking, self._own
        cost = self.world.cost_of_delay[self.party]
        pressing = cost > 0.0 or ceiling < math.inf
        last_word = floor if self.style == "hardliner" else walk_away
        # by position, each argument beside its field (architecture.md, speed)
        return Plan(floor, span, inverse, speed, ceiling, cost, pressing, last_word, walk_away, has_utility, ranking,
                    own)

    def _curve(self, walk_away: float) -> tuple[float, float, float, float]:
        """The demand over time as (floor, span, inverse, speed); a demand that does not move has span 0.

        The floor is never below the walk-away value, so neither is any demand: a party with
        nothing to offer asks for its walk-away value (none, without preferences).
        """
        if not self.has_utility or not self._can_accept:
            return max(0.0, walk_away), 0.0, 1.0, 1.0
        if self.style == "hardliner":
            return self._best(), 0.0, 1.0, 1.0
        floor = self._expected
        return floor, self._best() - floor, 1.0 / self.exponent, 1.0 + self.world.urgency[self.party]

    def _mirrored(self, walk_away: float) -> float:
        """A tit-for-tat principal's demand after the others' concessions so far (infinite: no such bound)."""
        if self.style != "tit-for-tat" or self._first_seen is None or not self.has_utility:
            return math.inf
        return tit_for_tat(self._best(), walk_away, self._best_seen - self._first_seen)

    def offer(self, t: float, day: float, near: int | None = None) -> int | None:
        """A package the party would propose now: by the offer rule, or the one closest to ``near`` at or above it."""
        self._refresh()
        if not self._can_accept:
            return None
        asked = self._plan().asks(t, day)
        if near is None:
            return int(self._ranking.offers(asked))
        return self._counter(asked, near)

    def _counter(self, asked: float, text: int) -> int:
        """The counter rule's package for a demand and a text (:meth:`~sim.agents.ranking.Ranking.counter`)."""
        shared = self.world.shared
        return self._ranking.counter(asked, text, shared.codes_by_issue(), shared.neighbours())
