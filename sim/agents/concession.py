"""How a party's demands fall over time: time-based styles and tit-for-tat.

A party's aspiration is the utility it still asks for. Time-based styles follow
``a(t) = r + (b - r) * (1 - t ** (1 / e))`` from its best achievable utility ``b`` down to
its walk-away value ``r``: Boulware (``e < 1``) holds firm until late, Conceder
(``e > 1``) gives ground early, linear (``e = 1``) in between, a hardliner never moves.
Tit-for-tat gives up as much as the other side gave up, in the party's own utility.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np
import numpy.typing as npt

DEFAULT_EXPONENTS = {"boulware": 0.2, "conceder": 5.0, "linear": 1.0, "tit-for-tat": 1.0, "hardliner": 1.0}


def time_based(t: float, best: float, reservation: float, exponent: float) -> float:
    """Aspiration at relative time ``t`` in [0, 1] for a time-based style."""
    t = min(1.0, max(0.0, t))
    return float(reservation + (best - reservation) * (1.0 - t ** (1.0 / exponent)))


def falls(times: npt.NDArray[np.float64], inverses: Sequence[float],
          speeds: Sequence[float]) -> npt.NDArray[np.float64]:
    """How far each of several time-based curves has come down, at many relative times.

    Row ``k`` of ``times`` belongs to the curve with inverse exponent ``inverses[k]`` and
    ``speeds[k]``: ``1 - min(1, max(0, t * speed)) ** inverse``, so that a curve's
    aspiration is ``r + (b - r) * falls``, equal to :func:`time_based` of ``t * speed`` to
    the bit. Clipping and arithmetic are single IEEE operations in numpy as in Python; the
    power is Python's, since numpy's vectorised power may differ from it in the last bit.
    """
    rows, n = times.shape
    paces = np.minimum(np.maximum(times * np.asarray(speeds, dtype=np.float64)[:, None], 0.0), 1.0)
    powers = chain.from_iterable(repeat(inverse, n) for inverse in inverses)
    powered = np.fromiter(map(pow, paces.ravel().tolist(), powers), dtype=np.float64, count=rows * n)
    return 1.0 - powered.reshape(rows, n)


def tit_for_tat(best: float, reservation: float, conceded_by_other: float) -> float:
    """Aspiration after the other side conceded ``conceded_by_other`` in this party's utility."""
    return max(reservation, best - max(0.0, conceded_by_other))
