"""Bargaining reference points over a set of packages, on utility arrays.

Every function takes ``utilities`` of shape (parties, packages) and returns package
indices into its second axis, so the same code serves any subset of the outcome space.
Ties are broken towards the lowest index, which makes results deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..constraints.arrays import Bools, Floats, Indices


def pareto_front(utilities: Floats) -> Indices:
    """Indices of the packages that no other package Pareto-dominates, ascending.

    A package is dominated when another is at least as good for every party and better
    for one, utilities compared rounded to :data:`TIE_DECIMALS` decimals: two packages whose
    utilities are equal but were added up in another order (0.1 + 0.2 and 0.3) are equal,
    and packages with equal utility vectors stand or fall together. Packages that a few
    anchors (the best packages for several weightings of the parties) beat for every party
    by more than the rounding are dropped first; the rest are swept in order of falling
    total utility, a block at a time.
    """
    utilities = np.asarray(utilities, dtype=np.float64)
    if utilities.shape[1] == 0:
        return np.empty(0, dtype=np.intp)
    candidates = _not_dominated_by_anchors(utilities)
    points = np.round(utilities[:, candidates], TIE_DECIMALS)
    keep = _front_of_two(points) if points.shape[0] == 2 else _front_of_many(points)
    return np.sort(candidates[keep])


TIE_DECIMALS = 12
"""Decimals to which the Pareto front compares utilities: far coarser than float rounding (about 1e-16),
far finer than any difference a scenario means."""
_CLEARLY = 10.0 ** -TIE_DECIMALS
"""A margin by which an anchor beats a package for every party even after both are rounded."""


_ANCHOR_ROUNDS = (16, 64, 256)
"""Weightings of the parties whose best packages serve as anchors, round by round after the first (equal weights)."""
_BLOCK = 2**22
"""Anchor-package comparisons or weighted sums made at once (bounds the temporary arrays to tens of megabytes)."""


def _not_dominated_by_anchors(utilities: Floats) -> Indices:
    """Drop packages dominated by anchors: the best packages for several weightings of the parties.

    Each anchor maximises a positive weighted sum (fixed pseudo-random weights, so results are
    deterministic), hence no package beats it. The first (equal weights) is sought among every
    package and drops what it beats; then, round by round, more anchors are sought among the
    survivors and drop together what any of them beats. Any package may serve as an anchor,
    since only packages it beats by more than the rounding go: anchors decide the speed, never
    the front.
    """
    parties = utilities.shape[0]
    first = int(np.argmax(_weighted(utilities, np.ones(parties))))
    alive = np.flatnonzero(~_beaten_clearly(utilities[:, first:first + 1], utilities))
    points = utilities[:, alive]
    rng = np.random.default_rng(0)
    for count in _ANCHOR_ROUNDS:
        weights = rng.dirichlet(np.ones(parties), count)
        step = max(1, _BLOCK // max(1, points.shape[1]))
        found = np.unique(np.concatenate([np.argmax(weights[start:start + step] @ points, axis=1)
                                          for start in range(0, count, step)]))
        keep = ~_beaten_clearly(points[:, found], points)
        alive, points = alive[keep], points[:, keep]
    return alive


def _beaten_clearly(anchors: Floats, points: Floats) -> Bools:
    """Which points (columns) some anchor (column) beats for every party by more than the rounding of the front."""
    lowered = anchors - _CLEARLY
    beaten = np.zeros(points.shape[1], dtype=bool)
    step = max(1, _BLOCK // max(1, anchors.shape[1]))
    for start in range(0, points.shape[1], step):
        block = points[:, start:start + step]
        below = lowered[0, :, None] >= block[0]
        for j in range(1, len(lowered)):
            below &= lowered[j, :, None] >= block[j]
        beaten[start:start + step] = below.any(axis=0)
    return beaten


def _weighted(utilities: Floats, weights: Sequence[float] | Floats) -> Floats:
    """Weighted sum of the parties' utilities per package (a loop beats BLAS on thin matrices); read only.

    A row whose weight is exactly 1 is added as it is (``x * 1.0`` is ``x`` to the bit), so equal
    powers of 1, the usual case, cost no products; one row weighted 1 is returned itself.
    """
    terms: list[Floats] = [utilities[j] if weights[j] == 1.0 else utilities[j] * weights[j]
                           for j in range(len(weights))]
    if len(terms) == 1:
        return terms[0]
    total = terms[0] + terms[1]
    for term in terms[2:]:
        total += term
    return total


def _front_of_two(points: Floats) -> Bools:
    """Pareto front of two parties by one sort: better first, ties grouped."""
    order = np.lexsort((-points[1], -points[0]))
    first, second = points[0, order], points[1, order]
    starts = np.concatenate(([True], first[1:] != first[:-1]))
    group = np.cumsum(starts) - 1
    group_best = second[starts]
    best_before = np.concatenate(([-np.inf], np.maximum.accumulate(group_best)[:-1]))
    keep = np.zeros(points.shape[1], dtype=bool)
    keep[order] = (second == group_best[group]) & (group_best[group] > best_before[group])
    return keep


def _front_of_many(points: Floats, block: int = 32) -> Bools:
    """Pareto front of any number of parties: sweep in order of falling total utility.

    No package is dominated by one with a lower or equal total. So among the packages not
    yet dominated, the ``block`` with the highest totals that no other of them dominates are
    on the front; they then drop every later package they dominate.
    """
    order = np.argsort(-points.sum(axis=0), kind="stable")
    alive, index = points[:, order].T, order
    front: list[Indices] = []
    while len(index):
        head, rest = alive[:block], alive[block:]
        on_front = ~_beaten(head, head)
        front.append(index[:block][on_front])
        dropped = _beaten(head[on_front], rest)
        alive, index = rest[~dropped], index[block:][~dropped]
    mask = np.zeros(points.shape[1], dtype=bool)
    mask[np.concatenate(front)] = True
    return mask


def _beaten(by: Floats, points: Floats) -> Bools:
    """Which rows of ``points`` some row of ``by`` dominates."""
    if len(by) == 0 or len(points) == 0:
        return np.zeros(len(points), dtype=bool)
    at_least = np.ones((len(by), len(points)), dtype=bool)
    better = np.zeros((len(by), len(points)), dtype=bool)
    for j in range(by.shape[1]):
        mine, theirs = by[:, j, None], points[None, :, j]
        at_least &= mine >= theirs
        better |= mine > theirs
    return np.asarray((at_least & better).any(axis=0))


def nash_point(utilities: Floats, disagreement: npt.ArrayLike, powers: npt.ArrayLike | None = None) -> int | None:
    """The package maximising the (asymmetric) Nash product, or None if none beats disagreement.

    Maximises ``prod_i (u_i - d_i) ** w_i`` over packages where every party gains
    strictly over its disagreement value ``d_i``; ``powers`` are the bargaining weights ``w_i``
    (both an array or a plain sequence of floats, one per party).
    """
    gains = np.asarray(utilities, dtype=np.float64) - np.asarray(disagreement, dtype=np.float64)[:, None]
    weights = _weights(powers, len(gains))
    if not gains.size:
        return None
    if gains.item(gains.argmin()) > 0:  # the usual case over a ZOPA: every party gains everywhere (argmin: no reduce)
        return int(_nash_scores(gains, weights).argmax())  # gains is this call's own
    viable: Bools = gains.min(axis=0) > 0  # every party gains
    chosen = viable.nonzero()[0]
    if not len(chosen):
        return None
    return int(chosen[_nash_scores(gains[:, chosen], weights).argmax()])


GAIN_FLOOR = 1e-6
"""The least gain :func:`floored_nash_scores` counts, so that a party without a gain does not make a score infinite."""


def floored_nash_scores(utilities: Floats, disagreement: npt.ArrayLike, powers: npt.ArrayLike) -> Floats:
    """Each package's weighted Nash product of gains over ``disagreement``, each at least :data:`GAIN_FLOOR` (logs).

    ``utilities``: a row per party, a column per package. What a mediator falls back on where no
    package gives every party a gain: finite everywhere, it still ranks packages by how close
    they come. Party by party from zero, in one order, so that the same packages score the
    same to the bit however many are scored at once.
    """
    total = np.zeros(utilities.shape[1])
    for row, walk_away, weight in zip(utilities, np.asarray(disagreement, dtype=np.float64).tolist(),
                                      np.asarray(powers, dtype=np.float64).tolist(), strict=True):
        total += weight * np.log(np.maximum(row - walk_away, 0.0) + GAIN_FLOOR)
    return total


def nash_score(utilities: Floats, disagreement: npt.ArrayLike, powers: npt.ArrayLike | None = None) -> float:
    """The score :func:`nash_point` ranks one package by (utilities: one per party), the same to the bit.

    For comparing the Nash packages of several blocks of packages; -inf where some party does not gain.
    """
    gains = np.asarray(utilities, dtype=np.float64).reshape(-1, 1) - np.asarray(disagreement, dtype=np.float64)[:, None]
    if not gains.size or gains.min() <= 0:
        return -math.inf
    return float(_nash_scores(gains, _weights(powers, len(gains)))[0])


def _weights(powers: npt.ArrayLike | None, parties: int) -> list[float]:
    """The parties' powers as a plain list (1 each without powers), as the Nash scores take them."""
    return [1.0] * parties if powers is None else np.asarray(powers, dtype=np.float64).tolist()


PRODUCT_PARTIES = 16
"""Up to this many parties of equal powers, the Nash product is multiplied out rather than summed in logs.

Every gain is positive and at least about 1e-17 (a utility near 1 one step above a walk-away
value), so a product of 16 is at least 1e-272, far from a double's underflow; beyond, logs.
"""


def _nash_scores(gains: Floats, weights: list[float]) -> Floats:
    """A score per package ordered as the Nash product of these positive gains (rows), with these powers.

    With equal powers, the product itself: the same order as its log, one rounding a party
    instead of a logarithm and a weighted sum (over a ZOPA of 80 packages, 5k instructions
    instead of 16k).
    Otherwise the sum of each party's log gain times its power. ``gains`` may be overwritten.
    """
    parties = len(weights)
    if parties <= PRODUCT_PARTIES and weights.count(weights[0]) == parties:
        product: Floats = gains[0]
        for row in gains[1:]:
            product = product * row
        return product
    return _weighted(np.log(gains, out=gains), weights)


SAME_SHARE = 1e-12
"""Kalai-Smorodinsky shares (ratios of gains, from 0 to 1) this close are a tie, broken by total utility.

Not a utility tolerance: a share is a ratio, and ties of exact ratios differ only in the last bits.
"""


def kalai_smorodinsky(utilities: Floats, disagreement: Floats, ideal_gains: Floats | None = None) -> int | None:
    """The Pareto package with the largest equal share of every party's ideal gain.

    Maximises ``min_i (u_i - d_i) / (ideal_i - d_i)`` over Pareto packages at or above
    disagreement, ``ideal_i`` being party i's best utility among them; ties go to the
    package with the larger total utility. ``ideal_gains`` (``ideal_i - d_i``) when the
    packages are only those near the point and the ideal was found over more.
    """
    utilities = np.asarray(utilities, dtype=np.float64)
    d = np.asarray(disagreement, dtype=np.float64)[:, None]
    front = pareto_front(utilities)
    front = front[(utilities[:, front] >= d).all(axis=0)]
    if front.size == 0:
        return None
    gains = utilities[:, front] - d
    ideal = gains.max(axis=1, keepdims=True) if ideal_gains is None else np.asarray(ideal_gains)[:, None]
    share = np.where(ideal > 0, gains / np.where(ideal > 0, ideal, 1.0), 1.0).min(axis=0)
    best = np.flatnonzero(np.isclose(share, share.max(), rtol=0, atol=SAME_SHARE))
    return int(front[best[np.argmax(utilities[:, front[best]].sum(axis=0))]])


def max_welfare(utilities: Floats) -> int | None:
    """The package with the largest sum of utilities."""
    utilities = np.asarray(utilities, dtype=np.float64)
    if utilities.shape[1] == 0:
        return None
    return int(np.argmax(utilities.sum(axis=0)))
