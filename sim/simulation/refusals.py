"""What each principal refused over a run, and the one rule that picks the refusal it valued most.

A run's outcome reports, for each principal with preferences, the refused text or offer worth
the most to it: how close the talks came on its own terms. :func:`most_valued_refusal` is the
rule. Texts answered one at a time are noted here as they are refused; of a stretch's offers,
the refusal the rule picks among them (:func:`sim.simulation.stretch.play`). When the run ends
the rule picks from what was noted, in order: the same refusal as from every refusal of the
run, since the first of equals in a stretch comes before any later one.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..constraints.arrays import Floats


def most_valued_refusal(worth: Floats) -> npt.NDArray[np.intp]:
    """The refusal rule: which of a principal's refusals, in the order made, it valued most (the first such).

    ``worth`` holds what each refusal was worth to the principal, in order; given a row per
    principal, the rule picks in each row at once.
    """
    found: npt.NDArray[np.intp] = worth.argmax(axis=-1)
    return found


class Refusals:
    """Each principal's refusals in order (of a stretch, its most valued): each package's worth to it, and it."""

    def __init__(self) -> None:
        self._worth: dict[str, list[float]] = {}
        self._packages: dict[str, list[int]] = {}

    def note(self, party: str, worth: float, package: int) -> None:
        """A party refused one package worth ``worth`` to it."""
        self._worth.setdefault(party, []).append(worth)
        self._packages.setdefault(party, []).append(package)

    def most_valued(self) -> dict[str, tuple[float, int]]:
        """For each party that refused something, by the order of its first refusal: (worth, package) by the rule."""
        found = {}
        for party, worth in self._worth.items():
            # the rule picks the one of a single refusal (a run of one stretch has one a party), at no cost
            best = 0 if len(worth) == 1 else int(most_valued_refusal(np.array(worth)))
            found[party] = (worth[best], self._packages[party][best])
        return found
