"""What a replication leaves uncertain: which version of each red line is real, and what else it draws."""

from __future__ import annotations

import numpy as np

from ..scenario.model import Scenario
from ..scenario.redlines import STATED


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


def uncertainties(scenario: Scenario, draw_red_lines: bool = True) -> list[str]:
    """What a replication draws that can differ from one run to the next, one phrase each.

    Empty when every run is the same, whatever its seed: no red line drawn below full
    confidence, no scheduled event that may not happen, no random event, no attendance in
    doubt, and no random time to answer (mediated talks draw each principal's deliberation).
    ``tests/test_uncertainties.py`` checks on random scenarios that an empty list means
    identical runs.
    """
    found = []
    if draw_red_lines:
        found += [f"{party.id}/{red_line.id} is real with confidence {red_line.confidence:g}"
                  for party in scenario.parties for red_line in party.red_lines if red_line.confidence < 1.0]
    for event in scenario.events:
        if event.rate_per_day is not None:
            found.append(f"{event.id} strikes at random ({event.rate_per_day:g} a day)")
        elif event.probability < 1.0 and event.date is not None and event.date >= scenario.start:
            found.append(f"{event.id} happens with probability {event.probability:g}")
        if event.kind == "summit":
            found += [f"{party} attends {event.id} with probability {chance:g}"
                      for party, chance in event.attendance.items() if chance < 1.0]
    mediators = [party.id for party in scenario.parties if party.role == "mediator"]
    if scenario.talks.lead(mediators) is not None and scenario.talks.deliberation_days > 0:
        found.append(f"each answer takes a random time (mean {scenario.talks.deliberation_days:g} days)")
    return found
