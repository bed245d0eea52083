"""How a party's demands fall over time: time-based styles and tit-for-tat.

A party's aspiration is the utility it still asks for. Time-based styles follow
``a(t) = r + (b - r) * (1 - t ** (1 / e))`` from its best achievable utility ``b`` down to
its walk-away value ``r``: Boulware (``e < 1``) holds firm until late, Conceder
(``e > 1``) gives ground early, linear (``e = 1``) in between, a hardliner never moves.
Tit-for-tat gives up as much as the other side gave up, in the party's own utility, and as the
deadline nears at least as much as its time-based curve (Boulware by default) would: two
tit-for-tat parties that wait for each other would otherwise never move (Faratin, Sierra and
Jennings combine behaviour- and time-dependent tactics for the same reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np
import numpy.typing as npt

DEFAULT_EXPONENTS = {"boulware": 0.2, "conceder": 5.0, "linear": 1.0, "tit-for-tat": 0.2, "hardliner": 1.0}
"""Each style's exponent ``e``; a tit-for-tat principal comes down as a Boulware would as the deadline nears."""


def fall(pace: float, inverse: float) -> float:
    """How far a time-based curve has come down, from 0 (its best) to 1 (the walk-away value).

    ``pace`` is the relative time times the party's speed (1 + urgency), ``inverse`` is
    ``1 / e``: ``1 - min(1, max(0, pace)) ** inverse``. The demand is then
    ``r + (b - r) * fall``. The power is Python's on purpose: numpy's vectorised power may
    differ from it in the last bit, and every path must give the same demands.
    """
    powered: float = min(1.0, max(0.0, pace)) ** inverse
    return 1.0 - powered


def falls(times: npt.NDArray[np.float64], inverses: Sequence[float],
          speeds: Sequence[float]) -> npt.NDArray[np.float64]:
    """:func:`fall` at many relative times: row ``k`` of ``times`` for the curve ``inverses[k]``, ``speeds[k]``."""
    rows, n = times.shape
    paces = times * np.asarray(speeds, dtype=np.float64)[:, None]  # one IEEE product each, as in Python
    powers = chain.from_iterable(repeat(inverse, n) for inverse in inverses)
    return np.fromiter(map(fall, paces.ravel().tolist(), powers), dtype=np.float64, count=rows * n).reshape(rows, n)


def tit_for_tat(best: float, walk_away: float, conceded_by_other: float) -> float:
    """Aspiration after the other side conceded ``conceded_by_other`` in this party's utility."""
    return max(walk_away, best - max(0.0, conceded_by_other))
