"""What each principal refused over a run, and the one rule that picks the refusal it valued most.

A run's outcome reports, for each principal with preferences, the refused text or offer worth
the most to it: how close the talks came on its own terms. Texts answered one at a time and
offers answered a stretch at a time are noted here alike, in the order they were refused, and
:func:`most_valued_refusal` picks from all of them when the run ends. Of a stretch's refusals
only the one the rule picks is kept: the most valued of a run is then the same (the first of
equals among the stretch's comes before any later), and a run keeps a handful of numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sim.constraints.arrays import Floats


def most_valued_refusal(worth: Sequence[float] | Floats) -> int:
    """The refusal rule: which of a principal's refusals, in the order made, it valued most (the first such)."""
    return int(np.asarray(worth).argmax())  # np.argmax itself would take a few times longer on a short list


class Refusals:
    """Each principal's refusals in order: what each refused package was worth to it, and the package."""

    def __init__(self) -> None:
        self._worth: dict[str, list[float]] = {}
        self._packages: dict[str, list[int]] = {}

    def note(self, party: str, worth: float, package: int) -> None:
        """A party refused one package worth ``worth`` to it."""
        self._worth.setdefault(party, []).append(worth)
        self._packages.setdefault(party, []).append(package)

    def note_many(self, party: str, worth: Floats, packages: npt.NDArray[np.intp]) -> None:
        """A party refused these packages, in this order, worth ``worth`` to it (none is fine)."""
        if worth.size:
            best = most_valued_refusal(worth)
            self.note(party, float(worth[best]), int(packages[best]))

    def most_valued(self) -> dict[str, tuple[float, int]]:
        """For each party that refused something, by the order of its first refusal: (worth, package) by the rule."""
        found = {}
        for party, worth in self._worth.items():
            best = most_valued_refusal(worth)
            found[party] = (worth[best], self._packages[party][best])
        return found
