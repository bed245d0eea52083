"""Alternating offers worked out many turns at a time.

While nothing else can happen in the talks (no event, shock or deadline falls between two
turns), the world stands still, and principals whose demands depend on time alone (every
style but tit-for-tat) make and answer their offers independently of one another's past
moves. A whole stretch of turns can then be worked out at once, with arrays: each proposer's
offers at its demands of the moment, each other principal's answer to each offer, and the
first turn on which every principal accepts a package that the one check allows.

The answers are those of :meth:`Principal.respond` and the offers those of
:meth:`Principal.offer`, turn for turn (the engine's tests compare the two ways on random
scenarios, byte for byte).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sim.agents.concession import falls
from sim.agents.principal import ACCEPTS, ASKS_FOR_MORE, BELOW_WALK_AWAY, BREAKS_RED_LINES, EPSILON, Plan
from sim.agents.shared import Lru, kept

PROPOSES = -1
"""The answer code of the principal whose offer it is."""
Floats = npt.NDArray[np.float64]


class Answers(NamedTuple):
    """What each principal made of each offer of a stretch, from which its answer codes follow.

    ``worth[p, i]`` is turn ``i``'s offer's utility to principal ``p``, ``asked[p, i]`` its
    demand then (less the tolerance), ``walk_away[p]`` its walk-away value (less the
    tolerance), ``broken[p]`` marks the offers that break its own red lines (None if none
    can), and ``owned[p]`` slices out the turns it proposes.
    """

    worth: Floats
    asked: Floats
    walk_away: Floats
    broken: list[npt.NDArray[np.bool_] | None]
    owned: list[slice]

    def codes(self, turns: int) -> npt.NDArray[np.int8]:
        """Each principal's answer code on each of the first ``turns`` turns, as :meth:`Principal.respond` gives it."""
        worth, asked = self.worth[:, :turns], self.asked[:, :turns]
        codes = np.where(worth < self.walk_away, np.int8(BELOW_WALK_AWAY),
                         np.where(worth < asked, np.int8(ASKS_FOR_MORE), np.int8(ACCEPTS)))
        for k, (broken, own) in enumerate(zip(self.broken, self.owned, strict=True)):
            if broken is not None:
                codes[k, broken[:turns]] = BREAKS_RED_LINES
            codes[k, own] = PROPOSES
        return codes


class Stretch(NamedTuple):
    """What happened on a stretch of turns: who offered what, and how each other principal answered.

    The first ``answered`` turns were answered; when ``no_offer``, one more was played, whose
    proposer had nothing to offer. ``answers.codes(answered)`` gives each principal's answers.
    ``best_refused[p]`` is the refused offer with the highest utility for ``p`` (the first
    such): (utility, package).
    """

    proposers: npt.NDArray[np.intp]
    offers: npt.NDArray[np.intp]
    answered: int
    answers: Answers
    blocked: list[int]
    """Turns whose offer every principal accepted but the one check does not allow."""
    agreed: bool
    no_offer: bool
    best_refused: dict[int, tuple[float, int]]
    on_red_lines: list[tuple[int, int]]
    """(turn, principal) of the answers that rest on the principal's own red lines."""
    progress: float | None
    """The share of principals that accepted the last offer answered (the proposer counts); None if none was."""

    @property
    def turns(self) -> int:
        """Turns played, the last one included even when it had no offer."""
        return len(self.proposers)


class Schedule:
    """The turns of a stretch laid out: when each ends, who proposes it, each principal's relative time on it.

    Turn ``i`` (``first_turn + i`` of the talks) is offered at the end of the turn before
    and answered at ``ends[i]``, one deliberation later; principal ``p``'s relative time on
    it is that of its offer when it proposes (``proposes[p, i]``) and that of its answer
    otherwise: ``max(time / horizon, round / max_rounds)``, at most 1, as the talks reckon
    it turn by turn. A schedule depends only on the talks' settings and where the stretch
    starts, so runs of one scenario share it (:func:`schedule`), and with it how far
    each set of curves has come down on it.
    """

    def __init__(self, now: float, step: float, length: int, horizon: float, first_turn: int, parties: int,
                 max_rounds: int) -> None:
        clock = np.full(length + 1, step)
        clock[0] = now
        np.add.accumulate(clock, out=clock)  # the times simpy reaches turn by turn, to the bit
        turns = np.arange(first_turn, first_turn + length)
        rounds = turns // parties / max_rounds
        relative = clock / horizon
        self.first_turn, self.parties = first_turn, parties
        self.ends = clock[1:]
        self.proposers = turns % parties
        self.proposes = self.proposers == np.arange(parties)[:, None]
        self.times = np.minimum(np.where(self.proposes, np.maximum(relative[:-1], rounds),
                                         np.maximum(relative[1:], rounds)), 1.0)
        for shared in (self.ends, self.proposers, self.proposes, self.times):
            shared.setflags(write=False)
        self._falls: Lru[tuple[tuple[float, ...], tuple[float, ...]], Floats] = Lru(_KEPT_CURVES)

    def falls(self, plans: Sequence[Plan]) -> Floats:
        """How far each principal's demand has come down on each turn (see :func:`sim.agents.concession.falls`)."""
        key = tuple([p.inverse for p in plans]), tuple([p.speed for p in plans])
        return kept(self._falls, key, lambda: _read_only(falls(self.times, *key)))

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


def schedule(now: float, step: float, length: int, horizon: float, first_turn: int, parties: int,
             max_rounds: int) -> Schedule:
    """The :class:`Schedule` of ``length`` turns from ``first_turn`` on, starting at time ``now``.

    Shared between runs when short enough, so that the memory kept stays small.
    """
    if length > _SHARED_TURNS:
        return Schedule(now, step, length, horizon, first_turn, parties, max_rounds)
    return _shared_schedule(now, step, length, horizon, first_turn, parties, max_rounds)


@lru_cache(maxsize=64)
def _shared_schedule(now: float, step: float, length: int, horizon: float, first_turn: int, parties: int,
                     max_rounds: int) -> Schedule:
    return Schedule(now, step, length, horizon, first_turn, parties, max_rounds)


def play(plans: Sequence[Plan], turns: Schedule, count: int, allowed: npt.NDArray[np.bool_],
         utility: Floats) -> Stretch:
    """Play the first ``count`` turns of a schedule, each principal as its :class:`Plan` says.

    ``plans`` and the rows of ``utility`` (every package's utility for each principal, zero
    without preferences) follow the principals' order of turns; ``allowed`` marks the
    packages an agreement may take (every active red line and walk-away value holds). The
    stretch stops at the first agreement, or at a proposer with nothing to offer.
    """
    parties = len(plans)
    floors, spans, walk_away = np.array([p.floor for p in plans] + [p.span for p in plans]
                                        + [p.walk_away for p in plans]).reshape(3, parties, 1)
    asked = floors + spans * turns.falls(plans)[:, :count]
    asked -= EPSILON
    owned = [slice((k - turns.first_turn) % parties, count, parties) for k in range(parties)]
    offers, answered = _offers(plans, asked, owned, count)
    worth = utility.take(offers, axis=1)
    refused = worth < np.maximum(asked, walk_away)
    broken = [_breaking(plan, offers) for plan in plans]
    for k, (breaks, own) in enumerate(zip(broken, owned, strict=True)):
        if breaks is not None:
            refused[k] |= breaks
        refused[k, own] = False
    objected = np.logical_or.reduce(refused, axis=0)  # someone refused the turn's offer
    fits = allowed.take(offers)
    agreements = (fits > objected)[:answered]
    first = int(agreements.argmax()) if answered else 0
    agreed = answered > 0 and bool(agreements[first])
    if agreed:
        answered = first + 1
    played = answered if agreed or answered == count else answered + 1
    refused, unanimous = refused[:, :answered], np.logical_not(objected[:answered])
    blocked = (unanimous > fits[:answered]).nonzero()[0].tolist() if np.count_nonzero(unanimous) > agreed else []
    return Stretch(turns.proposers[:played], offers[:played], answered,
                   Answers(worth, asked, walk_away, broken, owned), blocked, agreed, played > answered,
                   _best_refused(plans, refused, worth[:, :answered], offers), _on_red_lines(broken, owned, answered),
                   (parties - np.count_nonzero(refused[:, -1])) / parties if answered else None)


def _offers(plans: Sequence[Plan], asked: Floats, owned: list[slice],
            count: int) -> tuple[npt.NDArray[np.intp], int]:
    """Each proposer's offer on its turns: the least-valued package of its ranking worth what it asks.

    Also returns how many turns come before the first whose proposer has nothing to offer
    (``count`` if none); the offers from there on are placeholders.
    """
    offers = np.zeros(count, dtype=np.intp)
    answered = count
    for plan, own, wanted in zip(plans, owned, asked, strict=True):
        ranked = plan.ranking.packages
        if not len(ranked):
            answered = min(answered, own.start)
            continue
        start = plan.ranking.utility.searchsorted(wanted[own])
        offers[own] = ranked.take(np.minimum(start, len(ranked) - 1, out=start))
    return offers, answered


def _breaking(plan: Plan, offers: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_] | None:
    """Which offers break one of the principal's own red lines (None if it has none in force)."""
    if not plan.own:
        return None
    holds = plan.own[0][1].take(offers)
    for _, more in plan.own[1:]:
        holds &= more.take(offers)
    return np.logical_not(holds)


def _on_red_lines(broken: list[npt.NDArray[np.bool_] | None], owned: list[slice],
                  answered: int) -> list[tuple[int, int]]:
    """(turn, principal) of the answers among the first ``answered`` that rest on the principal's own red lines."""
    pairs = []
    for k, (breaks, own) in enumerate(zip(broken, owned, strict=True)):
        if breaks is not None:
            rests = breaks[:answered].copy()
            rests[own] = False
            pairs += [(i, k) for i in rests.nonzero()[0].tolist()]
    return sorted(pairs)


def _best_refused(plans: Sequence[Plan], refused: npt.NDArray[np.bool_], worth: Floats,
                  offers: npt.NDArray[np.intp]) -> dict[int, tuple[float, int]]:
    """For each principal with preferences that refused an offer: the first it valued most, (utility, package)."""
    if not refused.size:
        return {}
    best = np.where(refused, worth, -np.inf).argmax(axis=1).tolist()
    found = {}
    for k, plan in enumerate(plans):
        if plan.has_utility and refused[k, best[k]]:
            found[k] = (float(worth[k, best[k]]), int(offers[best[k]]))
    return found
