"""Minimal concession sets and minimal clashing sets of constraints, on boolean masks.

Given ``holds`` (constraints × packages), each package fails a set of constraints.
A *concession set* is a minimal set of constraints whose relaxation lets some package
through: exactly the minimal failure sets over all packages. A *clashing set* is a
minimal set of constraints that no package meets together: exactly the minimal sets
that intersect every concession set (the two families are each other's minimal
hitting sets). Failure sets are computed as bitmasks in one vectorised pass; the
hitting sets are enumerated smallest first, with a limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..constraints.arrays import Bools, Floats

_BLOCK = 4096


@dataclass(frozen=True)
class FailureSets:
    """The distinct sets of failed constraints over a set of packages, with counts."""

    masks: tuple[int, ...]
    counts: tuple[int, ...]

    @classmethod
    def of(cls, holds: Bools) -> FailureSets:
        """Collect each package's failed constraints as a bitmask (bit c: constraint c fails)."""
        holds = np.asarray(holds, dtype=bool)
        if holds.shape[0] <= 64:
            bits = np.zeros(holds.shape[1], dtype=np.uint64)
            for c in range(holds.shape[0]):
                bits |= (~holds[c]).astype(np.uint64) << np.uint64(c)
            unique, counts = np.unique(bits, return_counts=True)
            return cls(tuple(int(m) for m in unique), tuple(int(n) for n in counts))
        packed = np.packbits(~holds, axis=0, bitorder="little").T
        unique, counts = np.unique(packed, axis=0, return_counts=True)
        masks = tuple(int.from_bytes(row.tobytes(), "little") for row in unique)
        return cls(masks, tuple(int(n) for n in counts))

    def packages_within(self, allowed: int) -> int:
        """How many packages fail only constraints inside ``allowed``."""
        return sum(n for m, n in zip(self.masks, self.counts, strict=True) if m & ~allowed == 0)


def minimal_sets(masks: tuple[int, ...]) -> list[int]:
    """The inclusion-minimal bitmasks among ``masks``, smallest first, then by value."""
    ordered = sorted(set(masks), key=lambda m: (m.bit_count(), m))
    if ordered and max(ordered).bit_length() <= 64:
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


BERGE_LIMIT = 200_000
"""Most partial transversals Berge's method may hold before the bounded search takes over."""


def minimal_hitting_sets(family: list[int], limit: int | None = None) -> tuple[list[int], bool]:
    """Minimal sets meeting every set of ``family``, smallest first, at most ``limit``.

    Returns the sets and whether the enumeration is complete (nothing left out). Berge's
    method folds the family in one set at a time on vectorised bitmasks; should the partial
    transversals grow past :data:`BERGE_LIMIT`, a search bounded by size takes over.
    """
    if not family or 0 in family:
        return [], True
    family = sorted(family, key=lambda m: (m.bit_count(), m))
    universe = 0
    for members in family:
        universe |= members
    every = _berge(family) if universe.bit_length() <= 64 else None
    if every is not None:
        shown = every if limit is None else every[:limit]
        return shown, len(shown) == len(every)
    return _bounded_search(family, universe, limit)


def _berge(family: list[int]) -> list[int] | None:
    """All minimal transversals by Berge's method, or None if they grow too many."""
    transversals = np.zeros(1, dtype=np.uint64)
    for members in family:
        mask = np.uint64(members)
        hit = (transversals & mask) != 0
        bits = np.array([m for m in _members(members)], dtype=np.uint64)
        grown = (transversals[~hit][:, None] | bits[None, :]).ravel()
        candidates = np.unique(np.concatenate((transversals[hit], grown)))
        if len(candidates) > BERGE_LIMIT:
            return None
        transversals = np.array(_minimal_sets_vectorised(sorted(
            (int(c) for c in candidates), key=lambda m: (m.bit_count(), m))), dtype=np.uint64)
    return sorted((int(t) for t in transversals), key=lambda m: (m.bit_count(), m))


def _bounded_search(family: list[int], universe: int, limit: int | None) -> tuple[list[int], bool]:
    found: list[int] = []
    sizes = range(1, universe.bit_count() + 1)
    for size in sizes:
        found += sorted(_hitting_sets_of_size(family, size, found))
        if limit is not None and len(found) >= limit:
            more = len(found) > limit or any(
                True for larger in sizes if larger > size for _ in _hitting_sets_of_size(family, larger, found))
            return found[:limit], not more
    return found, True


def _hitting_sets_of_size(family: list[int], size: int, smaller: list[int]) -> Iterator[int]:
    """Minimal hitting sets with exactly ``size`` members (``smaller``: those already found)."""
    seen: set[int] = set()
    stack: list[int] = [0]
    while stack:
        chosen = stack.pop()
        missed = next((s for s in family if s & chosen == 0), None)
        if missed is None:
            if chosen.bit_count() == size and _is_minimal(chosen, family):
                yield chosen
            continue
        if chosen.bit_count() == size:
            continue
        for member in _members(missed):
            grown = chosen | member
            if grown not in seen and not any(h & grown == h for h in smaller):
                seen.add(grown)
                stack.append(grown)


def _members(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low
        mask ^= low


def _is_minimal(chosen: int, family: list[int]) -> bool:
    return all(any(s & (chosen ^ member) == 0 for s in family) for member in _members(chosen))


def bits_of(mask: int) -> tuple[int, ...]:
    """Indices of the set bits of a mask, ascending."""
    return tuple(i for i in range(mask.bit_length()) if mask >> i & 1)


@dataclass(frozen=True)
class ClashReport:
    """Concession sets (cheapest first) and clashing sets (smallest first) as constraint indices."""

    concession_sets: tuple[tuple[int, ...], ...]
    clashing_sets: tuple[tuple[int, ...], ...]
    concessions_complete: bool
    clashes_complete: bool
    failures: FailureSets


def enumerate_sets(holds: Bools, costs: Floats, limit: int | None = None) -> ClashReport:
    """Find the minimal concession sets and minimal clashing sets of the constraints.

    ``holds[c, p]`` says whether constraint ``c`` holds for package ``p``; ``costs[c]`` is
    the price of relaxing constraint ``c``. Concession sets are ranked by total cost, then
    size; clashing sets by size. ``limit`` caps how many of each are returned.
    """
    failures = FailureSets.of(holds)
    concessions = minimal_sets(failures.masks)
    costs = np.asarray(costs, dtype=np.float64)

    def price(mask: int) -> tuple[float, int, tuple[int, ...]]:
        members = bits_of(mask)
        return (round(float(costs[list(members)].sum()), 12), len(members), members)

    ranked = sorted(concessions, key=price)
    clashes, clashes_complete = minimal_hitting_sets(concessions, limit)
    shown = ranked if limit is None else ranked[:limit]
    return ClashReport(
        concession_sets=tuple(bits_of(m) for m in shown), clashing_sets=tuple(bits_of(m) for m in clashes),
        concessions_complete=len(shown) == len(ranked), clashes_complete=clashes_complete, failures=failures,
    )
