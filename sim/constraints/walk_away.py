"""The walk-away test: is a utility at least a party's walk-away value (or any other demand)?

Utilities are sums of float64 products, so two ways of adding up the same package can
differ in the last bits. :data:`UTILITY_TOLERANCE` says how close two utilities must be to
count as equal; every comparison of a utility with a walk-away value or a demand in the
package goes through the functions here, so that the one check, the agents, the stretches
of offers and the explanation draw the line in the same place.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from .arrays import Bools, Floats

UTILITY_TOLERANCE = 1e-9
"""Utilities closer than this are equal: a package worth this much less than a demand still meets it."""



@overload
def lowest_meeting(demand: float) -> float: ...


@overload
def lowest_meeting(demand: Floats) -> Floats: ...


def lowest_meeting(demand: float | Floats) -> float | Floats:
    """The least utility that still meets ``demand`` (a walk-away value or what a party asks for).

    A utility ``u`` meets the demand exactly when ``u >= lowest_meeting(demand)``; hot paths
    that compare many utilities with one demand work this out once.
    """
    return demand - UTILITY_TOLERANCE


def meets(utility: float, demand: float) -> bool:
    """Whether one utility meets a walk-away value or demand, within :data:`UTILITY_TOLERANCE`."""
    return utility >= lowest_meeting(demand)


def meeting(utilities: Floats, demand: float | Floats) -> Bools:
    """Which of many utilities meet a walk-away value or demand (``demand`` may be one per row)."""
    found: Bools = utilities >= lowest_meeting(demand)
    return found


def falling_short(utilities: Floats, demand: float | Floats) -> Bools:
    """Which of many utilities fall short of a walk-away value or demand: the opposite of :func:`meeting`."""
    found: Bools = utilities < lowest_meeting(demand)
    return found


def first_meeting(ascending: Floats, demand: float) -> int:
    """The first position in utilities sorted ascending whose utility meets ``demand`` (their number if none)."""
    return int(first_reaching(ascending, lowest_meeting(demand)))


def first_meeting_each(ascending: Floats, demands: Floats | float) -> npt.NDArray[np.intp]:
    """:func:`first_meeting` for each of many demands (or one, as a 0-d array)."""
    return first_reaching(ascending, lowest_meeting(demands))


def first_reaching(ascending: Floats, least: Floats | float) -> npt.NDArray[np.intp]:
    """:func:`first_meeting_each` of demands given as the least utility meeting each (:func:`lowest_meeting`)."""
    found: npt.NDArray[np.intp] = ascending.searchsorted(least)
    return found


def short_of(utilities: Floats, least: Floats) -> Bools:
    """:func:`falling_short` of demands given as the least utility meeting each (:func:`lowest_meeting`)."""
    found: Bools = utilities < least
    return found
