"""Minimal concession sets and minimal clashing sets of constraints, on boolean masks.

Given ``holds`` (constraints × packages), each package fails a set of constraints.
A *concession set* is a minimal set of constraints whose relaxation lets some package
through: exactly the minimal failure sets over all packages. A *clashing set* is a
minimal set of constraints that no package meets together: exactly the minimal sets
that intersect every concession set (the two families are each other's minimal
hitting sets). Failure sets are computed as bit rows in one vectorised pass.

Both lists are built smallest (or cheapest) first and only as far as asked: the work grows
with the limit, not with the number of sets there are. Concession sets are read off the
failure sets in order of price; clashing sets come from Berge's method while the family is
small, otherwise one at a time from a constraint solver (:mod:`sim.analysis.hitting_sets`)
that learns the family from the failure sets as it needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..constraints.arrays import Bools, Floats, Indices
from .budget import UNLIMITED, Budget
from .hitting_sets import members, smallest_hitting_sets

_BLOCK = 4096
_WORD = 64


@dataclass(frozen=True)
class FailureSets:
    """The distinct sets of failed constraints over a set of packages, with counts.

    ``rows`` holds each set as 64-bit words, lowest constraints in the first word;
    ``masks`` the same sets as Python integers (bit c: constraint c fails).
    """

    masks: tuple[int, ...]
    counts: tuple[int, ...]
    rows: np.ndarray
    width: int

    @classmethod
    def of(cls, holds: Bools) -> FailureSets:
        """Collect each package's failed constraints as a bit row."""
        holds = np.asarray(holds, dtype=bool)
        width, count = holds.shape
        words = max(1, -(-width // _WORD))
        # Bit c of byte c // 8 of each package's row: built a constraint at a time over contiguous
        # bytes, then turned into rows once (numpy's packbits along the constraints reads across
        # rows and took three to four times as long on 10**6 packages).
        as_bytes = np.zeros((words * 8, count), dtype=np.uint8)
        failed = np.empty(count, dtype=np.uint8)
        for constraint in range(width):
            np.logical_not(holds[constraint], out=failed.view(bool))
            failed <<= constraint % 8
            as_bytes[constraint // 8] |= failed
        rows, counts = _distinct_rows(np.ascontiguousarray(as_bytes.T).view(np.uint64), width)
        masks = tuple(int.from_bytes(row.tobytes(), "little") for row in rows)
        return cls(masks, tuple(int(n) for n in counts), rows, width)

    def packages_within(self, allowed: int) -> int:
        """How many packages fail only constraints inside ``allowed``."""
        return sum(n for m, n in zip(self.masks, self.counts, strict=True) if m & ~allowed == 0)

    def meeting(self, mask: int) -> Bools:
        """Which failure sets leave every constraint of ``mask`` met."""
        return np.asarray(((self.rows & _words(mask, self.rows.shape[1])) == 0).all(axis=1), dtype=bool)

    def containing(self, mask: int) -> Bools:
        """Which failure sets hold every constraint of ``mask``."""
        words = _words(mask, self.rows.shape[1])
        return np.asarray(((self.rows & words) == words).all(axis=1), dtype=bool)

    @cached_property
    def sizes(self) -> np.ndarray:
        """Constraints in each failure set (counted once: the concession and the clash searches both read them)."""
        return np.asarray(np.bitwise_count(self.rows).sum(axis=1), dtype=np.int64)

    def costs(self, costs: Floats) -> Floats:
        """Each failure set's total price of relaxing, rounded as :func:`price` ranks it."""
        weights = np.zeros(self.rows.shape[1] * _WORD)
        weights[:self.width] = costs
        total = np.zeros(len(self.masks))
        for start in range(0, len(self.masks), _BLOCK):
            bits = np.unpackbits(self.rows[start:start + _BLOCK].view(np.uint8), axis=1, bitorder="little")
            total[start:start + _BLOCK] = bits @ weights
        return np.round(total, 12)


def _distinct_rows(rows: np.ndarray, width: int) -> tuple[np.ndarray, Indices]:
    """The distinct rows of words, in order, with how often each occurs.

    Up to :data:`_COUNTED_WIDTH` constraints, a count of every possible row (no sort); one word, numpy's
    fast sort of plain integers.
    """
    if width <= _COUNTED_WIDTH:
        tally = np.bincount(rows[:, 0].view(np.int64), minlength=1)
        values = np.flatnonzero(tally)
        return values.astype(np.uint64)[:, None], tally[values]
    if rows.shape[1] == 1:
        values, counts = np.unique(rows[:, 0], return_counts=True)
        return values[:, None], counts
    ordered = rows[np.lexsort(rows.T[::-1])]
    starts = np.flatnonzero(np.concatenate(([True], (ordered[1:] != ordered[:-1]).any(axis=1))))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


_COUNTED_WIDTH = 20
"""Up to this many constraints, distinct failure sets are counted in a table of every possible set (8 MB at most)."""


def _words(mask: int, count: int) -> np.ndarray:
    return np.frombuffer(mask.to_bytes(count * 8, "little"), dtype=np.uint64)


def minimal_sets(masks: tuple[int, ...]) -> list[int]:
    """The inclusion-minimal bitmasks among ``masks``, smallest first, then by value."""
    ordered = sorted(set(masks), key=lambda m: (m.bit_count(), m))
    if ordered and max(ordered).bit_length() <= _WORD:
        return _minimal_sets_vectorised(ordered)
    found: list[int] = []
    for mask in ordered:
        if not any(m & mask == m for m in found):
            found.append(mask)
    return found


def _minimal_sets_vectorised(ordered: list[int]) -> list[int]:
    values = np.array(ordered, dtype=np.uint64)
    sizes = np.bitwise_count(values)
    found = np.empty(0, dtype=np.uint64)
    for size in np.unique(sizes):
        level = values[sizes == size]
        keep = np.ones(len(level), dtype=bool)
        for start in range(0, len(found), _BLOCK):
            block = found[start:start + _BLOCK]
            keep &= ~((level[:, None] & block[None, :]) == block[None, :]).any(axis=1)
        found = np.concatenate((found, level[keep]))
    return [int(m) for m in found]


BERGE_LIMIT = 20_000
"""Most partial transversals Berge's method may hold before the solver takes over."""
BERGE_FAMILY = 4096
"""Most distinct failure sets for which the whole family is built and Berge's method is tried first
(with no limit it always is: every clashing set is wanted)."""


def minimal_hitting_sets(family: list[int], limit: int | None = None,
                         budget: Budget = UNLIMITED) -> tuple[list[int], bool]:
    """Minimal sets meeting every set of ``family``, smallest first, at most ``limit``.

    Returns the sets and whether the enumeration is complete (nothing left out). Berge's
    method folds the family in one set at a time on vectorised bitmasks; should the partial
    transversals grow past :data:`BERGE_LIMIT`, or the sets reach past 64 constraints, the
    solver finds them one at a time.
    """
    if not family or 0 in family:
        return [], True
    family = sorted(family, key=lambda m: (m.bit_count(), m))
    universe = 0
    for mask in family:
        universe |= mask
    every = _berge(family) if universe.bit_length() <= _WORD else None
    if every is not None:
        shown = every if limit is None else every[:limit]
        return shown, len(shown) == len(every)
    return smallest_hitting_sets(family, universe.bit_length(), limit, budget)


def _berge(family: list[int]) -> list[int] | None:
    """All minimal transversals by Berge's method, or None if they grow too many."""
    transversals = np.zeros(1, dtype=np.uint64)
    for mask in family:
        hit = (transversals & np.uint64(mask)) != 0
        bits = np.array([1 << c for c in members(mask)], dtype=np.uint64)
        grown = (transversals[~hit][:, None] | bits[None, :]).ravel()
        candidates = np.unique(np.concatenate((transversals[hit], grown)))
        if len(candidates) > BERGE_LIMIT:
            return None
        transversals = np.array(_minimal_sets_vectorised(sorted(
            (int(c) for c in candidates), key=lambda m: (m.bit_count(), m))), dtype=np.uint64)
    return sorted((int(t) for t in transversals), key=lambda m: (m.bit_count(), m))


def bits_of(mask: int) -> tuple[int, ...]:
    """Indices of the set bits of a mask, ascending."""
    return tuple(members(mask))


def price(mask: int, costs: Floats) -> tuple[float, int, tuple[int, ...]]:
    """How concession sets are ranked: total cost (to 12 decimals), then size, then the constraints."""
    chosen = bits_of(mask)
    return (round(float(costs[list(chosen)].sum()), 12), len(chosen), chosen)


def cheapest_minimal(failures: FailureSets, costs: Floats, limit: int | None) -> tuple[list[int], bool]:
    """The minimal failure sets in order of :func:`price`, at most ``limit``, and whether that is all of them.

    Failure sets are read in order of total cost and size; the first not holding an earlier
    minimal set is minimal (a set inside it costs no more and is smaller, so came earlier), and
    every failure set holding it is struck out at once.
    """
    sizes = failures.sizes
    order = np.lexsort((sizes, failures.costs(costs)))
    alive = np.ones(len(order), dtype=bool)
    found: list[int] = []
    position = 0
    while position < len(order) and (limit is None or len(found) <= limit):
        index = int(order[position])
        position += 1
        if not alive[index]:
            continue
        found.append(failures.masks[index])
        alive &= ~failures.containing(failures.masks[index])
    ranked = sorted(found, key=lambda m: price(m, costs))
    if limit is None or len(ranked) <= limit:
        return ranked, True
    return ranked[:limit], False


@dataclass(frozen=True)
class ClashReport:
    """Concession sets (cheapest first) and clashing sets (smallest first) as constraint indices."""

    concession_sets: tuple[tuple[int, ...], ...]
    clashing_sets: tuple[tuple[int, ...], ...]
    concessions_complete: bool
    clashes_complete: bool
    failures: FailureSets


def enumerate_sets(holds: Bools, costs: Floats, limit: int | None = None, budget: Budget = UNLIMITED) -> ClashReport:
    """Find the minimal concession sets and minimal clashing sets of the constraints.

    ``holds[c, p]`` says whether constraint ``c`` holds for package ``p``; ``costs[c]`` is
    the price of relaxing constraint ``c``. Concession sets are ranked by total cost, then
    size; clashing sets by size. ``limit`` caps how many of each are returned, and the work;
    once ``budget`` is spent the clashing sets found so far are returned, marked incomplete.
    """
    failures = FailureSets.of(holds)
    costs = np.asarray(costs, dtype=np.float64)
    concessions, concessions_complete = cheapest_minimal(failures, costs, limit)
    clashes, clashes_complete = _clashing_sets(failures, concessions, limit, budget)
    return ClashReport(
        concession_sets=tuple(bits_of(m) for m in concessions), clashing_sets=tuple(bits_of(m) for m in clashes),
        concessions_complete=concessions_complete, clashes_complete=clashes_complete, failures=failures,
    )


def concession_sets(holds: Bools, costs: Floats, limit: int | None = None) -> tuple[tuple[tuple[int, ...], ...], bool]:
    """The minimal concession sets alone, as :func:`enumerate_sets` finds them, and whether that is all of them.

    For a caller that needs no clashing sets (a mediator choosing what to ask for): their
    search is the larger part of :func:`enumerate_sets` once there are many constraints.
    """
    found, complete = cheapest_minimal(FailureSets.of(holds), np.asarray(costs, dtype=np.float64), limit)
    return tuple(bits_of(m) for m in found), complete


def _clashing_sets(failures: FailureSets, known: list[int], limit: int | None,
                   budget: Budget) -> tuple[list[int], bool]:
    if 0 in failures.masks or not failures.masks:
        return [], True
    if failures.width <= _WORD and (limit is None or len(failures.masks) <= BERGE_FAMILY):
        # every set is wanted, or the family is small: build it whole and try Berge's method first
        return minimal_hitting_sets(minimal_sets(failures.masks), limit, budget)
    sizes = failures.sizes

    def oracle(candidate: int) -> int | None:
        met = np.flatnonzero(failures.meeting(candidate))
        return None if not met.size else failures.masks[int(met[np.argmin(sizes[met])])]

    return smallest_hitting_sets(known, failures.width, limit, budget, oracle)
