"""A seeded synthetic scenario whose red lines are drawn: many combinations of versions per replication.

Used by ``bench_sweep.py`` (its second workload) and by ``tests/test_caches.py``. Every red
line has a confidence below 1 and alternatives (a softer and a harder version, some a
bluff), so each replication of a sweep draws its own combination of versions, as the
scenarios that made the old per-scenario memo grow without end did.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def drawn_scenario(seed: int = 0, issues: int = 5, values: int = 10, parties: int = 2, red_lines: int = 4,
                   mediated: bool = False) -> dict[str, Any]:
    """A scenario of ``values ** issues`` packages with ``red_lines`` drawn red lines per principal.

    Returns the scenario as data (what a YAML file holds); ``negsim.scenario.model.Scenario.model_validate``
    or ``yaml.safe_dump`` take it from there.
    """
    rng = np.random.default_rng(seed)
    names = [f"v{k}" for k in range(values)]
    issue_list = [{"id": f"i{i}", "name": f"Issue {i}", "type": "ordered", "values": names} for i in range(issues)]
    party_list = [_principal(rng, p, issue_list, names, red_lines) for p in range(parties)]
    if mediated:
        party_list.append({"id": "m", "name": "Mediator", "role": "mediator"})
    return {"negsim": 1, "id": f"drawn-{seed}", "title": "Synthetic scenario with drawn red lines",
            "start": "2024-01-01", "horizon_days": 30, "issues": issue_list, "parties": party_list,
            "talks": {"protocol": "mediated" if mediated else "alternating", "max_rounds": 60,
                      "deliberation_days": 0.25}}


def _principal(rng: np.random.Generator, index: int, issues: list[dict[str, Any]], names: list[str],
               red_lines: int) -> dict[str, Any]:
    """A principal wanting high values of its issues (even parties) or low ones (odd), with drawn red lines."""
    rising = index % 2 == 0
    values = {i["id"]: {v: round(k / (len(names) - 1) if rising else 1 - k / (len(names) - 1), 4)
                        for k, v in enumerate(names)} for i in issues}
    return {"id": f"p{index}", "name": f"Party {index}", "role": "principal",
            "red_lines": [_red_line(rng, issues, names, rising, r) for r in range(red_lines)],
            "preferences": {"weights": {i["id"]: int(rng.integers(1, 5)) for i in issues}, "values": values,
                            "reservation": 0.25},
            "concession": {"style": str(rng.choice(["boulware", "conceder", "linear"]))}}


def _red_line(rng: np.random.Generator, issues: list[dict[str, Any]], names: list[str], rising: bool,
              index: int) -> dict[str, Any]:
    """A threshold on one issue in the party's direction, stated with a softer and a harder (or bluff) version."""
    issue = str(issues[int(rng.integers(len(issues)))]["id"])
    op = ">=" if rising else "<="
    stated = int(rng.integers(2, len(names) - 2))
    softer, harder = (stated - 1, stated + 1) if rising else (stated + 1, stated - 1)
    last = {"id": "harder", "kind": "harder", "require": {"issue": issue, "op": op, "value": names[harder]}} \
        if rng.random() < 0.7 else {"id": "bluff", "kind": "bluff"}
    return {"id": f"r{index}", "require": {"issue": issue, "op": op, "value": names[stated]},
            "rationale": "synthetic", "source": "assumption", "confidence": float(rng.choice([0.4, 0.6, 0.8])),
            "versions": [{"id": "softer", "kind": "softer",
                          "require": {"issue": issue, "op": op, "value": names[softer]}}, last]}
