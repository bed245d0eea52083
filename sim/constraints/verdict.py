"""The three-valued verdict of a red line or a walk-away value on a package.

A verdict is stored as its integer value in ``int8`` arrays, one per package, and combined with
Kleene's three-valued logic on those integers: ``all`` is the minimum, ``any`` the maximum and
``not`` is ``2 - x``, which is why the values are ordered breaks < open < holds.

Array code compares and computes with a member's ``.value`` (a plain ``int``): given the member
itself, numpy widens an ``int8`` array to ``int64`` first, about ten times slower.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal, cast

VerdictWord = Literal["holds", "breaks", "open"]
"""A verdict as output writes it."""


class Verdict(IntEnum):
    """Whether a package meets a red line or a walk-away value: it breaks it, holds it, or leaves it open.

    *Open* is the verdict on a package that leaves open an issue the red line depends on, when the
    way that issue is settled would decide it (not to be confused with
    :data:`~sim.constraints.space.LEFT_OPEN`, the code of an issue a package leaves open).
    """

    BREAKS = 0
    OPEN = 1
    HOLDS = 2

    @property
    def word(self) -> VerdictWord:
        """The verdict as output writes it: ``breaks``, ``open`` or ``holds``."""
        return cast(VerdictWord, self.name.lower())


__all__ = ["Verdict", "VerdictWord"]
