"""Bargaining reference points over a set of packages, on utility arrays.

Every function takes ``utilities`` of shape (parties, packages) and returns package
indices into its second axis, so the same code serves any subset of the outcome space.
Ties are broken towards the lowest index, which makes results deterministic.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Indices = npt.NDArray[np.intp]


def pareto_front(utilities: Floats) -> Indices:
    """Indices of the packages that no other package Pareto-dominates, ascending.

    A package is dominated when another is at least as good for every party and better
    for one. Packages with equal utility vectors stand or fall together.
    """
    utilities = np.asarray(utilities, dtype=np.float64)
    if utilities.shape[1] == 0:
        return np.empty(0, dtype=np.intp)
    points, inverse = np.unique(utilities.T, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    keep = _front_of_two(points) if points.shape[1] == 2 else _front_of_many(points)
    return np.flatnonzero(keep[inverse])


def _front_of_two(points: Floats) -> npt.NDArray[np.bool_]:
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    second = points[order, 1]
    best_before = np.concatenate(([-np.inf], np.maximum.accumulate(second)[:-1]))
    keep = np.zeros(len(points), dtype=bool)
    keep[order] = second > best_before
    return keep


def _front_of_many(points: Floats) -> npt.NDArray[np.bool_]:
    order = np.argsort(-points.sum(axis=1), kind="stable")
    candidates = points[order]
    alive = np.arange(len(candidates))
    i = 0
    while i < len(candidates):
        better_somewhere = (candidates > candidates[i]).any(axis=1)
        better_somewhere[i] = True
        candidates, alive = candidates[better_somewhere], alive[better_somewhere]
        i = int(better_somewhere[:i].sum()) + 1
    keep = np.zeros(len(points), dtype=bool)
    keep[order[alive]] = True
    return keep


def nash_point(utilities: Floats, disagreement: Floats, powers: Floats | None = None) -> int | None:
    """The package maximising the (asymmetric) Nash product, or None if none beats disagreement.

    Maximises ``prod_i (u_i - d_i) ** w_i`` over packages where every party gains
    strictly over its disagreement value ``d_i``; ``powers`` are the bargaining weights ``w_i``.
    """
    gains = np.asarray(utilities, dtype=np.float64) - np.asarray(disagreement, dtype=np.float64)[:, None]
    weights = np.ones(gains.shape[0]) if powers is None else np.asarray(powers, dtype=np.float64)
    viable = (gains > 0).all(axis=0)
    if not viable.any():
        return None
    score = np.full(gains.shape[1], -np.inf)
    score[viable] = weights @ np.log(gains[:, viable])
    return int(np.argmax(score))


def kalai_smorodinsky(utilities: Floats, disagreement: Floats) -> int | None:
    """The Pareto package with the largest equal share of every party's ideal gain.

    Maximises ``min_i (u_i - d_i) / (ideal_i - d_i)`` over Pareto packages at or above
    disagreement, ``ideal_i`` being party i's best utility among them; ties go to the
    package with the larger total utility.
    """
    utilities = np.asarray(utilities, dtype=np.float64)
    d = np.asarray(disagreement, dtype=np.float64)[:, None]
    front = pareto_front(utilities)
    front = front[(utilities[:, front] >= d).all(axis=0)]
    if front.size == 0:
        return None
    gains = utilities[:, front] - d
    ideal = gains.max(axis=1, keepdims=True)
    share = np.where(ideal > 0, gains / np.where(ideal > 0, ideal, 1.0), 1.0).min(axis=0)
    best = np.flatnonzero(np.isclose(share, share.max(), rtol=0, atol=1e-12))
    return int(front[best[np.argmax(utilities[:, front[best]].sum(axis=0))]])


def max_welfare(utilities: Floats) -> int | None:
    """The package with the largest sum of utilities."""
    utilities = np.asarray(utilities, dtype=np.float64)
    if utilities.shape[1] == 0:
        return None
    return int(np.argmax(utilities.sum(axis=0)))
