"""What a principal expects to settle for: the Nash bargaining solution of the deal space as it knows it.

Zeuthen's rule for the monotonic concession protocol (the party with less to lose from a
breakdown concedes) leads the talks to the package that maximises the Nash product of the
parties' gains over their walk-away values (Harsanyi 1956). A principal that knows the deal
space (the public red lines, its own, those revealed, everyone's stated preferences) can see
where that is, and concedes towards it: its demand comes down from its opening to its utility
there (:mod:`sim.agents.principal`). Impatience weakens a party: as in Rubinstein's
alternating-offers game, whose outcome is the asymmetric Nash solution with powers inversely
proportional to the parties' rates of impatience (Binmore, Rubinstein and Wolinsky 1986), a
party's power is its stated ``bargaining_power`` divided by ``1 + urgency``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..analysis.bargaining import nash_point, nash_score
from ..constraints.arrays import Floats
from ..constraints.walk_away import meeting
from .shared import Lru, Prepared, SharedPart, kept
from .world import World

Expected = dict[str, float]
"""Each principal's utility at the package it expects the talks to settle on."""


def powers(world: World, parties: Sequence[str]) -> tuple[float, ...]:
    """Each party's power in the Nash product: its stated bargaining power over ``1 + urgency``."""
    return tuple([world.power[p] / (1.0 + world.urgency[p]) for p in parties])


def settlement_package(world: World, parties: tuple[str, ...], candidates: npt.NDArray[np.intp]) -> int | None:
    """The asymmetric Nash package among ``candidates`` (None if none gives every party more than its walk-away).

    The walk-away values are the disagreement point, the powers those of :func:`powers`.
    """
    found = _nash(world, parties, candidates, powers(world, parties))
    return None if found is None else int(candidates[found[0]])


def settlement(world: World, parties: tuple[str, ...], candidates: npt.NDArray[np.intp]) -> Expected:
    """Each party's utility at the settlement package among ``candidates`` (empty if there is none).

    ``candidates`` are the packages the parties know they could all accept (:func:`settlement_package`).
    """
    return _settled(world, parties, candidates, powers(world, parties))


def _settled(world: World, parties: tuple[str, ...], candidates: npt.NDArray[np.intp],
             weights: tuple[float, ...]) -> Expected:
    """:func:`settlement`, the parties' powers given."""
    found = _nash(world, parties, candidates, weights)
    if found is None:
        return {}
    _, utilities = found
    return dict(zip(parties, utilities.tolist(), strict=True))


def _nash(world: World, parties: tuple[str, ...], candidates: npt.NDArray[np.intp],
          weights: tuple[float, ...]) -> tuple[int, Floats] | None:
    """Where the Nash package is among ``candidates`` (:func:`settlement_package`, the parties' powers given).

    With it, the parties' utilities of it. Many candidates are taken in blocks of :data:`_BLOCK`,
    each block's Nash package compared by its score (the first of equals kept, as over all at
    once): the parties' utilities of 10**6 candidates at once, and the gains and scores worked
    out from them, took about 100 MB.
    """
    if not len(candidates) or not parties:
        return None
    table = world.utility_rows(parties)
    # Walk-away values and powers go as plain sequences: nash_point makes each an array once.
    walk_aways = [world.walk_away[p] for p in parties]
    if len(candidates) <= _BLOCK:
        rows = table.take(candidates, axis=1)
        best = nash_point(rows, walk_aways, weights)
        return None if best is None else (best, rows[:, best])
    found: tuple[int, Floats] | None = None
    top = -math.inf
    for start in range(0, len(candidates), _BLOCK):
        rows = table.take(candidates[start:start + _BLOCK], axis=1)
        best = nash_point(rows, walk_aways, weights)
        if best is not None and (score := nash_score(rows[:, best], walk_aways, weights)) > top:
            found, top = (start + best, rows[:, best]), score
    return found


_BLOCK = 1 << 16
"""Candidates whose Nash package is sought at once (more are taken in blocks of this many)."""


def within_walk_aways(world: World, parties: tuple[str, ...], packages: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """The packages among ``packages`` that every one of ``parties`` values at its walk-away value or more."""
    for party in parties:
        packages = packages[meeting(world.utility[party].take(packages), world.walk_away[party])]
    return packages


class Expectations(SharedPart):
    """Settlements expected over the whole ZOPA (when every red line is known as it is), shared by runs."""

    def __init__(self, shared: Prepared) -> None:
        self.settlements: Lru[tuple[object, ...], Expected] = Lru(shared.bounds.drafts)

    def over_zopa(self, world: World, parties: tuple[str, ...]) -> Expected:
        """The settlement over the packages every active red line and walk-away value allows."""
        weights = powers(world, parties)
        key = (world.zopa_key(), parties, weights)
        return kept(self.settlements, key, _over, world, parties, weights)


def _over(world: World, parties: tuple[str, ...], weights: tuple[float, ...]) -> Expected:
    """The settlement over the ZOPA, the parties' powers given (what :meth:`Expectations.over_zopa` keeps)."""
    return _settled(world, parties, world.feasible().nonzero()[0], weights)
