"""A scenario as a function of keyword parameters, for EMA Workbench and notebooks.

``scenario_model(path)`` returns ``model(**parameters) -> dict of outcomes``. Parameters
are Python identifiers (``-`` in ids becomes ``_``):

- ``<party>__<red_line>__confidence``: chance that the stated version of a red line is real;
- ``<party>__reservation``: a party's walk-away value;
- ``<event>__<party>__attendance``: chance that a party attends an event;
- ``<event>__rate``: daily rate of a random event; ``<event>__probability``: chance of a
  scheduled one;
- ``replications`` and ``seed``: how many seeded replications to average over.

EMA Workbench wraps it as ``Model("talks", function=scenario_model(path))`` with
uncertainties named as above and outcomes ``agreement_rate``, ``median_day``, ``mean_rounds``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..scenario.hints import did_you_mean
from ..scenario.loader import load
from ..scenario.model import Scenario
from .replicate import run_replication

Outcomes = dict[str, float]


def _key(*parts: str) -> str:
    return "__".join(p.replace("-", "_") for p in parts)


def parameters_of(scenario: Scenario) -> dict[str, float]:
    """Every parameter the model takes, with its value in the scenario."""
    found: dict[str, float] = {}
    for party in scenario.parties:
        for red_line in party.red_lines:
            found[_key(party.id, red_line.id, "confidence")] = red_line.confidence
        if party.preferences is not None:
            found[_key(party.id, "reservation")] = party.preferences.reservation
    for event in scenario.events:
        for attendee, chance in event.attendance.items():
            found[_key(event.id, attendee, "attendance")] = chance
        if event.rate_per_day is not None:
            found[_key(event.id, "rate")] = event.rate_per_day
        else:
            found[_key(event.id, "probability")] = event.probability
    return found


def with_parameters(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """A copy of the scenario with parameters set (unknown names raise UsageError)."""
    known = parameters_of(scenario)
    for name in values:
        if name not in known:
            raise UsageError(f"unknown parameter '{name}'" + did_you_mean(name, known))
    data = scenario.model_dump(by_alias=True, exclude_defaults=False)
    for party in data["parties"]:
        for red_line in party["red_lines"]:
            red_line["confidence"] = values.get(_key(party["id"], red_line["id"], "confidence"),
                                                red_line["confidence"])
        if party["preferences"] is not None:
            prefs = party["preferences"]
            prefs["reservation"] = values.get(_key(party["id"], "reservation"), prefs["reservation"])
    for event in data["events"]:
        for party in event["attendance"]:
            event["attendance"][party] = values.get(_key(event["id"], party, "attendance"), event["attendance"][party])
        if event["rate_per_day"] is not None:
            event["rate_per_day"] = values.get(_key(event["id"], "rate"), event["rate_per_day"])
        else:
            event["probability"] = values.get(_key(event["id"], "probability"), event["probability"])
    return Scenario.model_validate(data, strict=False)


def scenario_model(path: str | Path) -> Callable[..., Outcomes]:
    """The scenario at ``path`` as ``model(**parameters) -> outcomes``."""
    base = load(path)

    def model(replications: int = 100, seed: int = 0, **values: float) -> Outcomes:
        scenario = with_parameters(base, values) if values else base
        rows = [run_replication(scenario, seed, i, draw=True)[0] for i in range(replications)]  # confidences count
        days = [float(r["day"]) for r in rows if r["agreed"]]
        return {"agreement_rate": sum(bool(r["agreed"]) for r in rows) / replications,
                "median_day": statistics.median(days) if days else float("nan"),
                "mean_rounds": statistics.fmean(float(r["rounds"]) for r in rows)}

    return model


def describe(path: str | Path) -> dict[str, Any]:
    """Parameters of a scenario model and their values, for setting up uncertainties."""
    return dict(parameters_of(load(path)))
