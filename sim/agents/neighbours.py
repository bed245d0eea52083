"""The packages one or two terms away from a text, found by arithmetic on package numbers.

Packages are numbered in lexicographic order of their codes (:meth:`~sim.constraints.space.
OutcomeSpace.terms_at`): an issue's code is a digit of the number in the mixed radix of the
issues' sizes. Changing issue ``j`` from code ``t`` to code ``a`` moves the number by
``(a - t) * span[j]``, so the packages a given number of terms from a text are its number plus
sums of such moves, over every choice of issues and of other codes. The tables of the choices
depend only on the issues' sizes and are made once per space; the moves from one text are then
worked out at once, with no loop over issues.

A principal's counter to a text (:meth:`~sim.agents.ranking.Ranking.counter`) looks here first
when many packages could meet its demand: the nearest of them is then usually one or two terms
from the text, among a few dozen or a few thousand packages, where a count of the differences of
every candidate reads hundreds of thousands.
"""

from __future__ import annotations

from itertools import accumulate, combinations
from operator import mul

import numpy as np
import numpy.typing as npt

from ..constraints.arrays import Codes

Numbers = npt.NDArray[np.int64]
"""Package numbers (positions in the list of every package)."""

MOST_PAIRS = 1 << 16
"""Most entries of the table of two-term moves: past it (issues of very many values) only one-term moves are kept."""


class Neighbours:
    """The packages one or two terms from a text, for a space of issues of these sizes."""

    def __init__(self, sizes: tuple[int, ...]) -> None:
        self.spans = spans_of(sizes)
        self._issue, self._code = _singles(sizes)
        """Every (issue, code) pair, one entry each: the one-term moves from any text, its own codes included."""
        pairs = sum(a * b for a, b in combinations(sizes, 2))
        self._pairs = _pairs(sizes) if pairs <= MOST_PAIRS else None
        """Every ((issue, code), (issue, code)) of two issues, the first before the second: the two-term moves."""
        self.reach = min(len(sizes), 1 if self._pairs is None else 2)
        """The most terms away this finds packages."""
        self.packages = sum(_ring_sizes(sizes)[:self.reach + 1])
        """How many packages are within :attr:`reach` terms of any text (what looking costs)."""

    def at(self, package: int, terms: Codes, distance: int) -> Numbers:
        """The packages exactly ``distance`` terms (0 to :attr:`reach`) unlike ``terms``, the terms of ``package``."""
        if distance == 0:
            return np.array([package], dtype=np.int64)
        t = terms.astype(np.int64)
        if distance == 1:
            issue, code = self._issue, self._code
            keep = code != t[issue]
            issue, code = issue[keep], code[keep]
            moved: Numbers = package + (code - t[issue]) * self.spans[issue]
            return moved
        assert distance == 2 and self._pairs is not None, f"{distance} terms is beyond this space's reach"
        first, first_code, second, second_code = self._pairs
        keep = (first_code != t[first]) & (second_code != t[second])
        first, first_code, second, second_code = first[keep], first_code[keep], second[keep], second_code[keep]
        twice: Numbers = package + (first_code - t[first]) * self.spans[first] \
            + (second_code - t[second]) * self.spans[second]
        return twice


def spans_of(sizes: tuple[int, ...]) -> Numbers:
    """What a code of each issue counts for in a package's number (packages in lexicographic order of codes).

    The product of the sizes of the issues after it.
    """
    spans = list(accumulate(sizes[:0:-1], mul, initial=1))
    spans.reverse()
    return np.array(spans, dtype=np.int64)


def _singles(sizes: tuple[int, ...]) -> tuple[Numbers, Numbers]:
    """Every issue's position and code, side by side, issue by issue."""
    issue = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    code = np.concatenate([np.arange(size, dtype=np.int64) for size in sizes]) if sizes else issue
    return issue, code


def _pairs(sizes: tuple[int, ...]) -> tuple[Numbers, Numbers, Numbers, Numbers]:
    """Every pair of (issue, code) of two issues, the first issue before the second: four arrays side by side."""
    parts: list[tuple[Numbers, Numbers, Numbers, Numbers]] = []
    for j, k in combinations(range(len(sizes)), 2):
        a, b = np.meshgrid(np.arange(sizes[j]), np.arange(sizes[k]), indexing="ij")
        count = a.size
        parts.append((np.full(count, j, dtype=np.int64), a.ravel().astype(np.int64),
                      np.full(count, k, dtype=np.int64), b.ravel().astype(np.int64)))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, empty
    first, first_code, second, second_code = (np.concatenate(column) for column in zip(*parts, strict=True))
    return first, first_code, second, second_code


def _ring_sizes(sizes: tuple[int, ...]) -> list[int]:
    """How many packages are exactly 0, 1, 2, ... terms from any text: the elementary symmetric sums of ``size - 1``."""
    rings = [1] + [0] * len(sizes)
    for size in sizes:
        for d in range(len(sizes), 0, -1):
            rings[d] += rings[d - 1] * (size - 1)
    return rings
