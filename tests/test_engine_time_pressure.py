"""What moves the date of a deal: the deadline, a cost of delay, urgency (raised by an event too).

The same two-party scenario (a ZOPA of several packages, Boulware principals) is run over
seeds 1-20 with alternating offers and with a mediator. An earlier deadline that ends the
talks, a cost of delay, or urgency gives an earlier median agreement date; every run agrees.
"""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from negsim.scenario.model import Scenario
from negsim.simulation.talks import run


def _values(count: int, rising: bool) -> dict[str, float]:
    return {f"v{k}": round(k / (count - 1) if rising else 1 - k / (count - 1), 4) for k in range(count)}


def talks(protocol: str, **changes: Any) -> dict[str, Any]:
    """Buyer and seller over price and delivery, red lines leaving a ZOPA in the middle."""
    issues = [{"id": i, "name": i, "type": "ordered", "values": [f"v{k}" for k in range(n)]}
              for i, n in (("price", 8), ("delivery", 4))]
    line = {"rationale": "r", "source": "assumption"}
    parties: list[dict[str, Any]] = [
        {"id": "buyer", "name": "Buyer", "role": "principal",
         "red_lines": [dict(line, id="cap", require={"issue": "price", "op": "<=", "value": "v5"})],
         "preferences": {"weights": {"price": 3, "delivery": 1}, "reservation": 0.2,
                         "values": {"price": _values(8, False), "delivery": _values(4, False)}}},
        {"id": "seller", "name": "Seller", "role": "principal",
         "red_lines": [dict(line, id="floor", require={"issue": "price", "op": ">=", "value": "v2"})],
         "preferences": {"weights": {"price": 3, "delivery": 1}, "reservation": 0.2,
                         "values": {"price": _values(8, True), "delivery": _values(4, True)}}},
    ]
    if protocol == "mediated":
        parties.append({"id": "broker", "name": "Broker", "role": "mediator"})
    data: dict[str, Any] = {"negsim": 1, "id": "time-pressure", "title": "Time pressure", "start": "2025-01-01",
                            "horizon_days": 40, "issues": issues, "parties": parties,
                            "talks": {"protocol": protocol}}
    for key, value in changes.items():
        if key in ("cost_of_delay", "urgency"):
            for party in parties[:2]:
                party[key] = value
        else:
            data[key] = value
    return data


def median_day(data: dict[str, Any]) -> float:
    """The median day of agreement over seeds 1-20; every run must agree."""
    scenario = Scenario.model_validate(data)
    outcomes = [run(scenario, seed=seed)[0] for seed in range(1, 21)]
    assert all(o.agreed for o in outcomes), [o.reason for o in outcomes if not o.agreed]
    return statistics.median(o.day for o in outcomes if o.day is not None)


DEADLINE = [{"id": "deadline", "kind": "deadline", "date": "2025-01-21", "ends_talks": True}]
ESCALATION = [{"id": "escalation", "kind": "shock", "date": "2025-01-06",
               "effects": [{"type": "urgency", "party": p, "by": 1.0} for p in ("buyer", "seller")]}]


@pytest.mark.parametrize("protocol", ["alternating", "mediated"])
def test_an_earlier_deadline_brings_the_deal_forward(protocol: str) -> None:
    assert median_day(talks(protocol, events=DEADLINE)) < median_day(talks(protocol))


@pytest.mark.parametrize("protocol", ["alternating", "mediated"])
def test_a_higher_cost_of_delay_brings_the_deal_forward(protocol: str) -> None:
    days = [median_day(talks(protocol, cost_of_delay=cost)) for cost in (0.0, 0.005, 0.02)]
    assert days[0] > days[1] > days[2], days


@pytest.mark.parametrize("protocol", ["alternating", "mediated"])
def test_urgency_and_an_event_that_raises_it_bring_the_deal_forward(protocol: str) -> None:
    calm = median_day(talks(protocol))
    assert median_day(talks(protocol, urgency=0.5)) < calm
    assert median_day(talks(protocol, events=ESCALATION)) < calm


@pytest.mark.parametrize("protocol", ["alternating", "mediated"])
def test_a_random_event_that_ends_the_talks_ends_them_when_it_falls(protocol: str) -> None:
    war = [{"id": "war", "kind": "shock", "title": "A regional war", "rate_per_day": 0.5, "ends_talks": True,
            "window": {"first": "2025-01-03", "last": "2025-02-09"}}]
    scenario = Scenario.model_validate(talks(protocol, events=war))
    ended = 0
    for seed in range(1, 21):
        outcome, log = run(scenario, seed=seed)
        if outcome.agreed:
            continue
        ended += 1
        shocks = [e for e in log.entries if e["kind"] == "shock"]
        assert len(shocks) == 1 and log.entries[-1]["time"] == shocks[0]["time"], seed
        assert outcome.reason.endswith("'A regional war' ended the talks")
    assert ended >= 15  # at half a war a day from day 2, it falls long before the talks would agree
