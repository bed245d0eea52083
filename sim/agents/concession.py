"""How a party's demands fall over time: time-based styles and tit-for-tat.

A party's aspiration is the utility it still asks for. Time-based styles follow
``a(t) = r + (b - r) * (1 - t ** (1 / e))`` from its best achievable utility ``b`` down to
its walk-away value ``r``: Boulware (``e < 1``) holds firm until late, Conceder
(``e > 1``) gives ground early, linear (``e = 1``) in between, a hardliner never moves.
Tit-for-tat gives up as much as the other side gave up, in the party's own utility.
"""

from __future__ import annotations

from itertools import repeat

import numpy as np
import numpy.typing as npt

DEFAULT_EXPONENTS = {"boulware": 0.2, "conceder": 5.0, "linear": 1.0, "tit-for-tat": 1.0, "hardliner": 1.0}


def time_based(t: float, best: float, reservation: float, exponent: float) -> float:
    """Aspiration at relative time ``t`` in [0, 1] for a time-based style."""
    t = min(1.0, max(0.0, t))
    return float(reservation + (best - reservation) * (1.0 - t ** (1.0 / exponent)))


def time_based_curve(times: npt.NDArray[np.float64], best: float, reservation: float, exponent: float,
                     speed: float = 1.0) -> npt.NDArray[np.float64]:
    """:func:`time_based` at many relative times, each first multiplied by ``speed``; equal to the bit.

    Clipping and arithmetic are single IEEE operations in numpy as in Python; the power is
    Python's, since numpy's vectorised power may differ from it in the last bit.
    """
    clipped = np.minimum(np.maximum(times * speed if speed != 1.0 else times, 0.0), 1.0).tolist()
    powered = np.fromiter(map(pow, clipped, repeat(1.0 / exponent)), dtype=np.float64, count=len(clipped))
    return reservation + (best - reservation) * (1.0 - powered)


def tit_for_tat(best: float, reservation: float, conceded_by_other: float) -> float:
    """Aspiration after the other side conceded ``conceded_by_other`` in this party's utility."""
    return max(reservation, best - max(0.0, conceded_by_other))
