"""A principal: answers texts, concedes over time in its style, makes offers and counters."""

from __future__ import annotations

import math
from bisect import bisect_left
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sim.agents.concession import DEFAULT_EXPONENTS, time_based, tit_for_tat
from sim.agents.shared import Lru, RankingKey, Shared, SharedPart, kept
from sim.agents.world import World
from sim.constraints.check import RESERVATION_ID
from sim.scenario.model import Party

EPSILON = 1e-9
ACCEPTS, BREAKS_RED_LINES, BELOW_WALK_AWAY, ASKS_FOR_MORE = range(4)
"""Why a principal answers a text as it does, as codes (see :data:`CAUSES`)."""
CAUSES = ("accepts", "breaks red lines", "below its walk-away value", "asks for more")


class Response(NamedTuple):
    """A party's answer to a text: accept, or reject with the red lines it breaks and why."""

    party: str
    package: int
    accept: bool
    broken: tuple[str, ...]
    cause: str
    utility: float | None


class _Ranking:
    """The packages a party can accept, by its utility (ascending); list copies and code rows made on first use."""

    __slots__ = ("_lists", "_rows", "packages", "utility")

    def __init__(self, packages: npt.NDArray[np.intp], utility: npt.NDArray[np.float64]) -> None:
        self.packages, self.utility = packages, utility
        self._lists: tuple[list[int], list[float]] | None = None
        self._rows: npt.NDArray[np.int16] | None = None

    def lists(self) -> tuple[list[int], list[float]]:
        """The packages and utilities as plain lists, for turn-by-turn lookups (same float64 values)."""
        if self._lists is None:
            self._lists = (self.packages.tolist(), self.utility.tolist())
        return self._lists

    def rows(self, every: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        """The packages' codes, one row each, taken from ``every`` package of the space."""
        if self._rows is None:
            self._rows = every[self.packages]
        return self._rows


_UNRANKED = _Ranking(np.empty(0, dtype=np.intp), np.empty(0))
"""What a principal holds before it first ranks the packages."""


class _Rankings(SharedPart):
    """Each principal's ranking per stance and walk-away value, shared by the runs of one scenario."""

    def __init__(self, shared: Shared) -> None:
        entry = 16 + 2 * len(shared.space.sizes) + 70  # bytes a package: arrays, code rows, list copies once made
        self.rankings: Lru[RankingKey, _Ranking] = Lru(shared.bounds.ranking_bytes, lambda r: len(r.packages) * entry)


class Plan(NamedTuple):
    """How a principal whose demands depend on time alone asks, offers and answers while nothing changes.

    At relative time ``t`` it asks for ``floor + span * (1 - min(1, max(0, t * speed)) ** inverse)``
    (``span`` is 0 for a demand that does not move: a hardliner's, or that of a party with
    nothing to ask), offers the least-valued package of ``ranking`` worth that much, and
    rejects a text worth less than ``walk_away`` (``-inf`` without preferences) or breaking
    one of its ``own`` red lines. The same numbers as :meth:`Principal.respond` and
    :meth:`Principal.offer` use.
    """

    floor: float
    span: float
    inverse: float
    speed: float
    walk_away: float
    has_utility: bool
    ranking: _Ranking
    own: list[tuple[str, npt.NDArray[np.bool_]]]


class Principal:
    """One principal party's behaviour; knows its own red lines, utility and walk-away value."""

    def __init__(self, party: Party, world: World) -> None:
        self.party = party.id
        self.world = world
        spec = party.concession
        self.style = spec.style if spec else "boulware"
        self.exponent = (spec.exponent if spec and spec.exponent else None) or DEFAULT_EXPONENTS[self.style]
        self.opening = spec.opening if spec else None
        self.has_utility = self.party in world.utility
        self._revision = -1
        self._ranking = _UNRANKED
        self._first_seen: float | None = None
        self._best_seen = 0.0
        self._top = 0.0
        self._own: list[tuple[str, npt.NDArray[np.bool_]]] = []

    @cached_property
    def _utility(self) -> list[float]:
        """The party's utilities as a plain list, for turn-by-turn lookups (the same float64 values).

        Made on first use and shared by every run of the scenario.
        """
        if not self.has_utility:
            return []
        return self.world.shared.as_list(self.party)

    def _refresh(self) -> None:
        """Cache the packages this party can accept, sorted by its utility, and its own red lines."""
        if self._revision == self.world.revision:
            return
        mine = self.world.own.get(self.party, [])
        key = (self.party, self.world.stance(self.party), self.world.reservation.get(self.party))
        kept_rankings = self.world.shared.part(_Rankings).rankings
        self._ranking = kept(kept_rankings, key, lambda: _Ranking(*self.world.ranked(self.party)))
        ranked = self._ranking.utility
        self._top = float(ranked[-1]) if len(ranked) else 0.0
        self._own = [(state.ref, self.world.mask(state.ref)) for state in mine if state.active is not None]
        self._revision = self.world.revision

    def aspiration(self, t: float) -> float:
        """The utility the party still asks for at relative time ``t``."""
        self._refresh()
        return self._aspiration(t)

    def _aspiration(self, t: float) -> float:
        """:meth:`aspiration` once the cache is fresh."""
        if not self.has_utility or not len(self._ranking.packages):
            return 0.0
        best = self._best()
        reservation = self.world.reservation[self.party]
        if self.style == "hardliner":
            return best
        if self.style == "tit-for-tat" and self._first_seen is not None:
            return tit_for_tat(best, reservation, self._best_seen - self._first_seen)
        pace = t * (1.0 + self.world.urgency[self.party])
        return time_based(pace, best, reservation, self.exponent)

    def _best(self) -> float:
        """The most the party asks for: its best acceptable utility, or its opening demand if lower."""
        return self._top if self.opening is None else min(self._top, self.opening)

    def observe(self, package: int) -> None:
        """Note another party's offer: tit-for-tat measures their concessions (other styles need not)."""
        if self.plans_ahead:
            return
        value = self._utility[package] if self.has_utility else 0.0
        if self._first_seen is None:
            self._first_seen = value
        self._best_seen = max(self._best_seen, value)

    def respond(self, package: int, t: float) -> Response:
        """Accept a text if it breaks none of the party's red lines and meets its demands."""
        self._refresh()
        broken = self.breaks(package)
        utility = self._utility[package] if self.has_utility else None
        if broken:
            return Response(self.party, package, False, broken, CAUSES[BREAKS_RED_LINES], utility)
        if utility is not None:
            if utility < self.world.reservation[self.party] - EPSILON:
                return Response(self.party, package, False, (self.walk_away_ref,), CAUSES[BELOW_WALK_AWAY], utility)
            if utility < self._aspiration(t) - EPSILON:
                return Response(self.party, package, False, (), CAUSES[ASKS_FOR_MORE], utility)
        return Response(self.party, package, True, (), CAUSES[ACCEPTS], utility)

    def breaks(self, package: int) -> tuple[str, ...]:
        """The party's own active red lines that a package breaks (the cache must be fresh)."""
        return tuple(ref for ref, holds in self._own if not holds[package]) if self._own else ()

    @property
    def walk_away_ref(self) -> str:
        """How a rejection below the walk-away value names what it rests on."""
        return f"{self.party}/{RESERVATION_ID}"

    # -- many turns at once: demands that depend on time alone ---------------------------------------

    @property
    def plans_ahead(self) -> bool:
        """Whether the party's demands depend on time alone, so that many turns can be answered at once."""
        return self.style != "tit-for-tat"

    def plan(self) -> Plan:
        """How the party will ask, offer and answer while nothing changes (not for tit-for-tat)."""
        assert self.plans_ahead, "tit-for-tat demands depend on the other side's offers"
        self._refresh()
        walk_away = self.world.reservation[self.party] - EPSILON if self.has_utility else -math.inf
        if not self.has_utility or not len(self._ranking.packages):
            return Plan(0.0, 0.0, 1.0, 1.0, walk_away, self.has_utility, self._ranking, self._own)
        if self.style == "hardliner":
            return Plan(self._best(), 0.0, 1.0, 1.0, walk_away, True, self._ranking, self._own)
        reservation = self.world.reservation[self.party]
        return Plan(reservation, self._best() - reservation, 1.0 / self.exponent, 1.0 + self.world.urgency[self.party],
                    walk_away, True, self._ranking, self._own)

    def offer(self, t: float, near: int | None = None) -> int | None:
        """A package the party would propose now: at its aspiration, closest to ``near`` if given."""
        self._refresh()
        order, utility = self._ranking.lists()
        if not order:
            return None
        start = bisect_left(utility, self._aspiration(t) - EPSILON)
        if start >= len(order):
            start = len(order) - 1
        if near is None:
            return order[start]
        distance = (self._ranking.rows(self.world.packages)[start:] != self.world.packages[near]).sum(axis=1)
        ranked = self._ranking
        return int(ranked.packages[start:][np.lexsort((-ranked.utility[start:], distance))[0]])
