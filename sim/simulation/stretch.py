"""Alternating offers worked out many turns at a time.

While nothing else can happen in the talks (no event, shock or deadline falls between two
turns), the world stands still, and principals whose demands depend on time alone (every
style but tit-for-tat) make and answer their offers independently of one another's past
moves. A whole stretch of turns can then be worked out at once, with arrays: each proposer's
offers at its demands of the moment, each other principal's answer to each offer, and the
first turn on which every principal accepts a package that the one check allows.

A stretch applies the rules that a turn played alone applies, on arrays: the answer rule
(:func:`~sim.agents.principal.answer_to`, tabulated in :class:`~sim.agents.principal.Answers`),
the offer rule (``Ranking.offers``), the demand (:func:`~sim.agents.principal.demand`),
:func:`relative_time`, :func:`share_accepting` and :func:`agreement_rule`. The engine's tests compare the two ways
on random scenarios, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple, overload

import numpy as np
import numpy.typing as npt

from ..agents.concession import falls
from ..agents.principal import Answers, Plan, demand, pressed
from ..agents.shared import Lru, kept
from ..constraints.arrays import Floats
from ..constraints.walk_away import lowest_meeting
from .refusals import most_valued_refusal


class Stretch(NamedTuple):
    """What happened on a stretch of turns: who offered what, and how each other principal answered.

    The first ``answered`` turns were answered; when ``no_offer``, one more was played, whose
    proposer had nothing to offer. ``answers.codes(answered)[p, i]`` is principal ``p``'s
    :class:`~sim.agents.principal.Answer` to turn ``i``. ``refusals[p]`` holds what
    principal ``p`` (one with preferences) refused and valued most, by the refusal rule: its worth to it and the offer.
    """

    proposers: npt.NDArray[np.intp]
    offers: npt.NDArray[np.intp]
    answered: int
    answers: Answers
    blocked: list[int]
    """Turns whose offer every principal accepted but the one check does not allow."""
    agreed: bool
    no_offer: bool
    refusals: dict[int, tuple[float, int]]
    on_red_lines: list[tuple[int, int]]
    """(turn, principal) of the answers that rest on the principal's own red lines."""
    progress: float | None
    """The share of principals that accepted the last offer answered (the proposer counts); None if none was."""
    asked: Floats
    """What each principal (a row) asked for on each turn (a column) of the stretch as played and beyond."""

    @property
    def turns(self) -> int:
        """Turns played, the last one included even when it had no offer."""
        return len(self.proposers)


class Schedule:
    """The turns of a stretch laid out: when each ends, who proposes it, each principal's relative time on it.

    Turn ``i`` (``first_turn + i`` of the talks) is offered at the end of the turn before
    and answered at ``ends[i]``, one deliberation later; principal ``p``'s relative time on
    it is that of its answer where it answers the turn (``answering[p, i]``) and that of its
    offer where it proposes: ``max(time / deadline, round / last_round)``, at most 1, as the
    talks reckon it turn by turn (:func:`relative_time`); ``days`` holds the days of those
    answers and offers. A schedule depends only on the talks' settings and where the stretch
    starts, so runs of one scenario share it (:func:`schedule`), and with it how far each set
    of curves has come down on it.
    """

    def __init__(self, now: float, step: float, length: int, deadline: float, first_turn: int, parties: int,
                 last_round: int) -> None:
        clock = np.full(length + 1, step)
        clock[0] = now
        np.add.accumulate(clock, out=clock)  # the times simpy reaches turn by turn, to the bit
        turns = np.arange(first_turn, first_turn + length)
        rounds = turns // parties
        self.first_turn, self.parties = first_turn, parties
        self.ends = clock[1:]
        self.proposers = turns % parties
        self.answering = self.proposers != np.arange(parties)[:, None]
        self.times = np.where(self.answering, relative_time(clock[1:], deadline, rounds, last_round),
                              relative_time(clock[:-1], deadline, rounds, last_round))
        self.days = np.where(self.answering, clock[1:], clock[:-1])
        self.last_words = self.answering & (self.times >= 1.0)
        """Where a principal answers at or after its deadline (relative time 1): it answers with its last word."""
        reached = np.flatnonzero((self.times >= 1.0).any(axis=0))
        self.deadline_turn = int(reached[0]) if len(reached) else length
        """The first turn on which some principal's deadline has come (``length`` if none): times never fall."""
        for shared in (self.ends, self.proposers, self.answering, self.times, self.days, self.last_words):
            shared.setflags(write=False)
        self._falls: Lru[tuple[tuple[float, float], ...], Floats] = Lru(_KEPT_CURVES)
        """Each set of curves (each principal's inverse and speed) worked out on the schedule."""

    def falls(self, plans: Sequence[Plan]) -> Floats:
        """How far each principal's demand has come down on each turn (see :func:`sim.agents.concession.falls`)."""
        key = tuple([(p.inverse, p.speed) for p in plans])
        return kept(self._falls, key, self._falls_of, key)

    def _falls_of(self, key: tuple[tuple[float, float], ...]) -> Floats:
        return _read_only(falls(self.times, [inverse for inverse, _ in key], [speed for _, speed in key]))

    def landing(self, now: float, count: int) -> int:
        """How many of the first ``count`` turns end where one timeout from ``now`` lands exactly."""
        ends = self.ends[:count]
        exact = now + (ends - now) == ends
        return count if exact.all() else int(exact.argmin())


def _read_only(array: Floats) -> Floats:
    array.setflags(write=False)
    return array


_KEPT_CURVES = 16
"""Sets of concession curves a schedule keeps worked out (the least recently used goes first)."""
_SHARED_TURNS = 1024
"""Schedules of up to this many turns are shared between runs (the most recent 64 of them)."""


def schedule(now: float, step: float, length: int, deadline: float, first_turn: int, parties: int,
             last_round: int) -> Schedule:
    """The :class:`Schedule` of ``length`` turns from ``first_turn`` on, starting at time ``now``.

    Shared between runs when short enough, so that the memory kept stays small.
    """
    if length > _SHARED_TURNS:
        return Schedule(now, step, length, deadline, first_turn, parties, last_round)
    return _shared_schedule(now, step, length, deadline, first_turn, parties, last_round)


@lru_cache(maxsize=64)
def _shared_schedule(now: float, step: float, length: int, deadline: float, first_turn: int, parties: int,
                     last_round: int) -> Schedule:
    return Schedule(now, step, length, deadline, first_turn, parties, last_round)


@overload
def relative_time(days: float, deadline: float, rounds: int, last_round: int) -> float: ...


@overload
def relative_time(days: Floats, deadline: float, rounds: npt.NDArray[np.intp], last_round: int) -> Floats: ...


def relative_time(days: float | Floats, deadline: float, rounds: int | npt.NDArray[np.intp],
                  last_round: int) -> float | Floats:
    """How far the talks have come, from 0 to 1: the share of the days to the deadline or of the rounds gone.

    Whichever is more; for one moment or for many (arrays of days and rounds). ``deadline``
    is the day by which the principals plan to have come down to their walk-away values
    (:func:`concession_deadline`), ``last_round`` the round by which they plan to
    (:func:`last_round`): the last the talks allow.
    """
    if isinstance(days, float) and isinstance(rounds, int):
        # one moment, once per answer: Python's min and max give the same values as numpy's, far faster on scalars
        return min(1.0, max(days / deadline, rounds / last_round))
    return np.minimum(np.maximum(days / deadline, rounds / last_round), 1.0)


def concession_deadline(end: float, round_days: float) -> float:
    """The day by which principals plan to come down to their walk-away values: a round before the talks end.

    ``end`` is the day the talks end at the latest (the horizon, or an earlier deadline they
    know of), ``round_days`` how long a round takes them; never before half of ``end``, so
    that a round as long as the talks does not have them give everything away at once.
    """
    return max(end - round_days, end / 2)


def last_round(max_rounds: int) -> int:
    """The round by which principals plan to have come down to their walk-away values: the last one (counted from 0)."""
    return max(1, max_rounds - 1)


def play(plans: Sequence[Plan], turns: Schedule, count: int, allowed: npt.NDArray[np.bool_],
         utility: Floats) -> Stretch:
    """Play the first ``count`` turns of a schedule, each principal as its :class:`Plan` says.

    ``plans`` and the rows of ``utility`` (every package's utility for each principal, zero
    without preferences) follow the principals' order of turns; ``allowed`` marks the
    packages an agreement may take (every active red line and walk-away value holds). The
    stretch stops at the first agreement, or at a proposer with nothing to offer.
    """
    curves = np.array([(plan.floor, plan.span, plan.walk_away, plan.ceiling, plan.cost, plan.last_word)
                       for plan in plans])
    floors, spans, walk_aways = curves[:, 0:1], curves[:, 1:2], curves[:, 2:3]  # not unpacked (architecture.md, speed)
    asked = demand(floors, spans, turns.falls(plans)[:, :count])
    if any([plan.pressing for plan in plans]):
        asked = pressed(asked, curves[:, 3:4], curves[:, 4:5], turns.days[:, :count], walk_aways)
    if count > turns.deadline_turn:  # a deadline comes on the stretch: answers from then on take the last word
        np.copyto(asked, curves[:, 5:6], where=turns.last_words[:, :count])  # asked is new: changed in place
    # what each principal accepts at least, once for the offers and the answers: a plan asks for no less
    # than its walk-away value, so the higher of the two that the answer rule tests is the demand
    least = lowest_meeting(asked)
    offers, answered = _offers(plans, least, turns.first_turn, count)
    return settle(plans, turns.proposers[:count], offers, answered, asked, walk_aways, allowed, utility,
                  turns.answering[:, :count], least)


def turns_of(k: int, parties: int, first_turn: int, count: int) -> slice:
    """The turns principal ``k`` proposes among ``count`` from ``first_turn`` on (``parties`` take turns in order)."""
    return slice((k - first_turn) % parties, count, parties)


def settle(plans: Sequence[Plan], proposers: npt.NDArray[np.intp], offers: npt.NDArray[np.intp], answered: int,
           asked: Floats, walk_aways: Floats, allowed: npt.NDArray[np.bool_], utility: Floats,
           answering: npt.NDArray[np.bool_], least: Floats) -> Stretch:
    """Answer offers made on turns in a row, up to the first agreement, as each principal's :class:`Plan` says.

    ``asked[p, i]`` is what principal ``p`` asks for on turn ``i`` (never less than its
    walk-away value ``walk_aways[p, 0]``), ``least`` the least utility that meets it
    (:func:`lowest_meeting`), and ``answering[p, i]`` False where turn ``i`` is its own offer;
    offers from turn ``answered`` on are placeholders (that turn's proposer had nothing to offer).
    """
    parties, count = len(plans), len(offers)
    worth = utility.take(offers, axis=1)
    answers = Answers(plans, offers, worth, asked, walk_aways, answering, least=least)
    refused = answers.refused
    objected = refused[0]  # somebody refused the turn's offer
    for k in range(1, parties):  # rows by number; for a few principals, cheaper than a reduction (architecture.md)
        objected = objected | refused[k]
    agreed, blocked, start = False, [], 0
    while start < answered:  # the turns nobody objected to, in order (few: a stretch ends at its agreement)
        turn = start + int(objected[start:answered].argmin())  # an argmin, not a list of them all: cheaper
        if objected[turn]:
            break
        agreed, blocks = agreement_rule(True, bool(allowed[offers[turn]]))
        if blocks:
            blocked.append(turn)
        if agreed:
            answered = turn + 1
            break
        start = turn + 1
    played = answered if agreed or answered == count else answered + 1
    if agreed:  # nobody refused the agreed offer
        progress: float | None = share_accepting(parties, parties)
    else:
        progress = share_accepting(parties - int(np.count_nonzero(refused[:, answered - 1])), parties) \
            if answered else None
    refusals = _refusals(plans, refused, worth, offers, answered)
    on_red_lines, no_offer = answers.on_red_lines(answered), played > answered
    # by position, each argument beside its field (architecture.md, speed)
    return Stretch(proposers[:played], offers[:played], answered, answers, blocked, agreed, no_offer, refusals,
                   on_red_lines, progress, asked)


def agreement_rule(unanimous: bool, allowed: bool) -> tuple[bool, bool]:
    """The agreement rule: a text every principal accepts is an agreement if the one check allows it, else blocked.

    Returns (agreed, blocked), for one text: a text answered alone, or each text of a stretch that
    every principal accepted, in turn.
    """
    return unanimous and allowed, unanimous and not allowed


def share_accepting(accepting: int, principals: int) -> float:
    """Progress: the share of principals that accepted the last offer or text (a proposer accepts its own)."""
    return accepting / principals


def _offers(plans: Sequence[Plan], least: Floats, first_turn: int,
            count: int) -> tuple[npt.NDArray[np.intp], int]:
    """Each proposer's offer on its turns (of ``count`` from ``first_turn`` on), by its ranking's offer rule.

    That is :meth:`~sim.agents.ranking.Ranking.offers`, for demands lowered to ``least`` once for every proposer:
    ``least[k, i]`` is the least utility that meets what principal ``k`` asks for on turn ``i``.
    It also returns how many turns come before the first whose proposer has nothing to offer
    (``count`` if none); the offers from there on are placeholders.
    """
    offers = np.zeros(count, dtype=np.intp)
    answered, parties = count, len(plans)
    for k, plan in enumerate(plans):  # rows by number (architecture.md, speed)
        own = turns_of(k, parties, first_turn, count)
        if not plan.ranking.count:
            answered = min(answered, own.start)
            continue
        offers[own] = plan.ranking.offers_from(least[k, own])
    return offers, answered


def _refusals(plans: Sequence[Plan], refused: npt.NDArray[np.bool_], worth: Floats, offers: npt.NDArray[np.intp],
              answered: int) -> dict[int, tuple[float, int]]:
    """For each principal with preferences that refused one of the first ``answered`` offers: the one it valued most.

    By the refusal rule, run on each principal's worth of every offer with the offers it did
    not refuse at minus infinity, so that it picks among its refusals (what it is worth, the
    offer); utilities are finite, so minus infinity marks a principal that refused none.
    """
    if not answered:
        return {}
    held = np.where(refused, worth, -np.inf)  # every turn: one slice of it, not one of each input
    found = {}
    for k, i in enumerate(most_valued_refusal(held[:, :answered]).tolist()):
        value = float(held[k, i])
        if value > -math.inf and plans[k].has_utility:
            found[k] = (value, int(offers[i]))
    return found
