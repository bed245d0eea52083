"""A party's ranking of the packages it can accept, and the rules that read it: the offer rule and the counter rule.

A :class:`Ranking` is shared by the runs of a scenario (:class:`Rankings`, per red lines in force
and walk-away value) and cut down in each run to what the red lines of others the party knows
of allow. The ranking is worked out from the top down as far as a demand needs: the offer rule
of unmediated talks reads the offer table of a top part, the counter rule of mediated talks a top
part or the packages a term or two from the text (:mod:`sim.agents.neighbours`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from ..constraints.arrays import Bools, Codes, Floats
from ..constraints.walk_away import first_reaching, lowest_meeting
from .neighbours import Neighbours
from .shared import CodesByIssue, Lru, Prepared, RankingKey, SharedPart, rank_by_utility


class Ranking:
    """The packages a party can accept and their utilities, ranked from the top down as far as a demand needs.

    The ranking is ascending utility, ties by package (the order of a stable sort). Both rules
    that read it look only at the packages worth at least what the party asks for, near the top:
    the offer rule (unmediated talks) at their offer table, the counter rule (mediated talks) at
    their distance from a text. So the ranking is worked out from the top down, a band at a time
    as demands come down (:meth:`_above`): on large spaces a sort of every package a party can
    accept cost more than all of a run's offers or counters together.

    The offer table of a top part of the ranking: ``table[i]`` is the package the party offers
    when the least it can offer is at position ``i`` of the part: of the packages at ``i`` and
    above, the one the other principals value most (the product of their utilities; of equals,
    the one the party values more); one more entry, for a demand no package meets, holds the
    offer at the top. An entry depends only on the packages at and above it, so the table of a
    top part is the end of the whole ranking's.
    """

    __slots__ = ("_columns", "_offers", "_others", "_part", "acceptable", "admits", "knows_others", "valued", "worth")

    def __init__(self, acceptable: npt.NDArray[np.intp], worth: Floats, others: tuple[Floats, ...],
                 knows_others: bool = True, *, admits: Bools | None = None, valued: Floats | None = None,
                 part: _Part | None = None) -> None:
        self.acceptable, self.worth = acceptable, worth
        """The packages, in package order until the whole ranking is worked out (then in its order), and their
        utilities beside."""
        self.admits, self.valued = admits, valued
        """Which of every package are among them (None: all), and the party's utility of every package (None: 0)."""
        self.knows_others = knows_others
        """Whether the packages meet every red line of the others that the party knows of (else none could)."""
        self._others = others
        """The other principals' utilities of every package (shared arrays): what the offer table weighs."""
        self._part = part
        """The top part of the ranking worked out so far (None: none yet)."""
        self._offers: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None = None
        """The packages of the part whose offer table was last worked out, and that table."""
        self._columns: tuple[npt.NDArray[np.intp], CodesByIssue] | None = None
        """The packages of the part last countered from, and their codes, one row per issue."""

    @property
    def count(self) -> int:
        """How many packages the party can accept."""
        return len(self.acceptable)

    @property
    def top(self) -> float:
        """The party's utility of the best package it can accept (0 if none)."""
        if not self.count:
            return 0.0
        part = self._part
        return part.utility.item(-1) if part is not None and len(part.packages) else float(self.worth.max())

    def known(self, others_allow: Bools | None) -> Ranking:
        """This ranking cut down to what the red lines of others the party knows of allow (itself if none cut it).

        If they allow none of its packages, the ranking as it is, marked as not meeting them. The
        top part worked out so far is cut with it: it stays a top part of the cut ranking.
        """
        if others_allow is None:
            return self
        keep = others_allow[self.acceptable]
        if keep.all():
            return self
        if not keep.any():
            return Ranking(self.acceptable, self.worth, self._others, False, admits=self.admits, valued=self.valued,
                           part=self._part)
        part = None if self._part is None else self._part.cut(others_allow)
        admits = others_allow if self.admits is None else self.admits & others_allow
        return Ranking(self.acceptable[keep], self.worth[keep], self._others, admits=admits, valued=self.valued,
                       part=part)

    @property
    def packages(self) -> npt.NDArray[np.intp]:
        """The whole ranking: every package the party can accept, ascending utility, ties by package."""
        return self._above(-math.inf).packages

    @property
    def utility(self) -> Floats:
        """The utilities of :attr:`packages`, beside them."""
        return self._above(-math.inf).utility

    def _above(self, least: float) -> _Part:
        """A top part of the ranking holding every package worth ``least`` or more (and at least one package).

        Grown as demands come down, a band at a time: each band to at least twice the part's size
        and twice what is needed, its threshold found by a partial sort (numpy's ``partition``),
        its packages ranked alone (:func:`~sim.agents.shared.rank_by_utility`) and put below the
        part. A band holds the utilities from its threshold up to the part's, so the part and the
        bands below it in turn are the ranking's end, in its order.
        """
        found = self._covering(least)
        if found is not None:
            return found
        part = self._part or _Part(self.acceptable[:0], self.worth[:0], math.inf)
        count, worth = self.count, self.worth
        size = max(2 * int(np.count_nonzero(worth >= least)), 2 * len(part.packages), _FIRST_PART)
        below = worth < part.threshold
        if size >= count:
            threshold, band = -math.inf, np.flatnonzero(below)
        else:
            threshold = float(np.partition(worth, count - size)[count - size])  # the size-th highest utility
            band = np.flatnonzero(np.logical_and(below, worth >= threshold, out=below))
        order, ranked = rank_by_utility(worth[band])
        self._part = _Part(np.concatenate((self.acceptable[band[order]], part.packages)),
                           np.concatenate((ranked, part.utility)), threshold)
        if threshold == -math.inf:  # the whole ranking: it takes the place of the packages as found
            self.acceptable, self.worth = self._part.packages, self._part.utility
        return self._part

    def _covering(self, least: float) -> _Part | None:
        """The part worked out so far if it holds every package worth ``least`` or more (and one at least), else None.

        A cut (:meth:`known`) may have left a part with no package.
        """
        part = self._part
        return part if part is not None and part.threshold <= least and len(part.packages) else None

    def _offer_table(self, part: _Part) -> npt.NDArray[np.intp]:
        """The offer table of a top part of the ranking (see the class), kept for the part last asked about."""
        if self._offers is not None and self._offers[0] is part.packages:
            return self._offers[1]
        packages = part.packages
        found, count = valued_by(self._others, packages), len(packages)
        table = np.empty(count + 1, dtype=np.intp)
        if found is None:
            table[:count] = packages
        else:  # worked out from the top down, and written back to front (no reversal of the result)
            top_down = packages[::-1]  # arrays taken by index arrays, here and below: half the cost of take
            table[count - 1::-1] = top_down[_best_so_far(found[::-1])]
        table[count] = table[count - 1]  # no package meets the demand: the offer at the top
        self._offers = packages, table
        return table

    def offers(self, asked: Floats | float) -> npt.NDArray[np.intp]:
        """The offer rule: for each demand, of the packages that meet it, the one the others value most.

        The most valued package if none meets it. The ranking must not be empty.
        """
        return self.offers_from(lowest_meeting(asked))

    def offers_from(self, least: Floats | float) -> npt.NDArray[np.intp]:
        """:meth:`offers` for demands given as the least utility that meets each (:func:`lowest_meeting`)."""
        part = self._above(least if isinstance(least, float) else float(least.min(initial=math.inf)))  # maybe no turn
        return self._offer_table(part)[first_reaching(part.utility, least)]

    def counter(self, asked: float, text: int, codes: CodesByIssue, neighbours: Neighbours) -> int:
        """The counter rule: of the packages that meet the demand, the one with fewest terms unlike the text's.

        Of those, the one the party values most; of equals, the first in the ranking (the lowest
        package). If no package meets the demand, the one at the top of the ranking (the highest
        package of the most valued). ``text`` is the text's package; ``codes``: every package's,
        one row per issue (:meth:`~sim.agents.shared.Shared.codes_by_issue`); ``neighbours``: the
        space's (:meth:`~sim.agents.shared.Shared.neighbours`). The ranking must not be empty.

        Where few packages meet the demand, they are the end of a top part of the ranking
        (:meth:`_above`), and their distances from the text are counted issue by issue over
        contiguous codes. Where many do, the nearest is usually a term or two from the text: the
        packages within :attr:`~sim.agents.neighbours.Neighbours.reach` terms are looked at first,
        nearest first, and the first ring holding one that meets the demand holds the counter.
        """
        least = lowest_meeting(asked)
        terms = codes[:, text]
        part = self._covering(least)
        if part is not None:
            start = int(first_reaching(part.utility, least))
            if len(part.packages) - start <= neighbours.packages:
                return _nearest(part, self._columns_of(part, codes), start, terms)
        for distance in range(neighbours.reach + 1):
            ring = neighbours.at(text, terms, distance)
            meets = np.full(len(ring), least <= 0.0) if self.valued is None else self.valued[ring] >= least
            if self.admits is not None:
                meets &= self.admits[ring]
            if meets.any():
                found = ring[meets]
                if self.valued is None:
                    return int(found.min())
                valued = self.valued[found]
                return int(found[valued == valued.max()].min())
        part = self._above(least)
        return _nearest(part, self._columns_of(part, codes), int(first_reaching(part.utility, least)), terms)

    def _columns_of(self, part: _Part, codes: CodesByIssue) -> CodesByIssue:
        """The codes of a part's packages, one row per issue, kept for the part last countered from."""
        if self._columns is None or self._columns[0] is not part.packages:
            self._columns = part.packages, codes.take(part.packages, axis=1)
        return self._columns[1]


def _nearest(part: _Part, columns: CodesByIssue, start: int, terms: Codes) -> int:
    """Of the packages of ``part`` from ``start`` on, the one with fewest terms unlike ``terms``; see the counter rule.

    ``columns``: the part's codes, one row per issue. Of the nearest, the most valued, the lowest
    package of equals; the top package (the highest of the most valued) if ``start`` is past the end.
    """
    if start == len(part.packages):  # no package meets the demand: the top of the ranking
        return int(part.packages[part.utility == part.utility[-1]].max())
    distance = np.not_equal(columns[0, start:], terms[0]).astype(np.uint8 if len(terms) < _FAR else np.uint16)
    for issue in range(1, len(terms)):
        distance += np.not_equal(columns[issue, start:], terms[issue])
    closest = np.flatnonzero(distance == distance.min()) + start
    valued = part.utility[closest]  # ascending: the most valued last
    return int(part.packages[closest[valued.searchsorted(valued[-1]):]].min())


_FAR = 255
"""Fewer issues than this, and distances are counted in bytes."""


class _Part(NamedTuple):
    """A top part of a ranking: every package worth ``threshold`` or more, in the ranking's order, with its utility."""

    packages: npt.NDArray[np.intp]
    utility: Floats
    threshold: float

    def cut(self, allow: Bools) -> _Part:
        """This part cut down to the packages ``allow`` lets through."""
        keep = allow[self.packages]
        return _Part(self.packages[keep], self.utility[keep], self.threshold)


_FIRST_PART = 1 << 12
"""Packages in the first part worked out from the top of a ranking (more if a demand needs more)."""


def _best_so_far(score: Floats) -> npt.NDArray[np.intp]:
    """For each position, the position at or before it with the highest score (of equal scores, the first).

    Given scores from the top of a ranking down, that is the best package at or above each.
    """
    best = np.maximum.accumulate(score)  # the best score so far: ascending
    return best.searchsorted(best)  # where each best was first reached, i.e. found


UNRANKED = Ranking(np.empty(0, dtype=np.intp), np.empty(0), ())
"""What a principal holds before it first ranks the packages."""


class Rankings(SharedPart):
    """Each principal's ranking per red lines in force and walk-away value, shared by the runs of one scenario."""

    def __init__(self, shared: Prepared) -> None:
        # bytes a package at most: the packages and utilities, a ranked part of them, best offers, codes by issue
        entry = 40 + 2 * len(shared.space.sizes)
        self.rankings: Lru[RankingKey, Ranking] = Lru(shared.bounds.ranking_bytes, lambda r: r.count * entry)


def valued_by(others: tuple[Floats, ...], packages: npt.NDArray[np.intp]) -> Floats | None:
    """Each of ``packages``' value to other principals together (``others``: their utilities): their product.

    For one party its utility; for several, the sum of the logarithms of their utilities,
    each at least :data:`_FLOOR` (so that a zero does not hide the others). None when they
    have no preferences. Worked out for the packages of a top part of a ranking alone, when its
    offer table is needed (mediated talks, whose principals counter a text, may never need it).
    """
    if len(others) < 2:
        return others[0][packages] if others else None
    total = np.log(np.maximum(others[0][packages], _FLOOR))
    for utility in others[1:]:
        total += np.log(np.maximum(utility[packages], _FLOOR))
    return total


_FLOOR = 1e-9
"""A utility of zero counts as this little in the others' product (its logarithm stays finite)."""
