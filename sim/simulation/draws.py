"""Draw what a replication leaves uncertain about red lines: which version is real."""

from __future__ import annotations

import numpy as np

from sim.constraints.compile import STATED
from sim.scenario.model import Scenario


def draw_versions(scenario: Scenario, rng: np.random.Generator) -> dict[str, str | None]:
    """For each red line: the stated version with probability ``confidence``, else an alternative.

    Alternatives are drawn by weight; a red line without alternatives is, with probability
    ``1 - confidence``, a bluff (no red line at all). A ``bluff`` version means the same.
    """
    chosen: dict[str, str | None] = {}
    for party in scenario.parties:
        for red_line in party.red_lines:
            ref = f"{party.id}/{red_line.id}"
            if rng.random() < red_line.confidence or red_line.confidence >= 1.0:
                chosen[ref] = STATED
            elif not red_line.versions:
                chosen[ref] = None
            else:
                weights = np.array([v.weight for v in red_line.versions])
                version = red_line.versions[int(rng.choice(len(weights), p=weights / weights.sum()))]
                chosen[ref] = None if version.kind == "bluff" else version.id
    return chosen
