"""A mediator's text may leave issues open: they stay open until the mediator settles them.

A buyer and a seller over price, delivery and who inspects the goods. The broker tabled a
proposal on price and delivery and left inspection open. The parties answer the text as
``evaluate`` judges a proposal with open issues; the broker settles inspection once every
principal accepts the rest, or once a principal withholds acceptance while it is open, and
the log says so. Only a whole text can be agreed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from negsim.agents.knowledge import RedLineKnowledge
from negsim.agents.principal import Principal
from negsim.agents.world import World
from negsim.scenario.model import Scenario
from negsim.simulation.talks import run

SEEDS = range(1, 11)


def _values(count: int, rising: bool) -> dict[str, float]:
    return {f"v{k}": round(k / (count - 1) if rising else 1 - k / (count - 1), 4) for k in range(count)}


def talks(buyer_if_open: str = "defer") -> Scenario:
    """The broker's proposal fixes price and delivery; the buyer wants inspection, the seller not by the buyer."""
    issues = [{"id": i, "name": i, "type": "ordered", "values": [f"v{k}" for k in range(n)]}
              for i, n in (("price", 8), ("delivery", 4))]
    issues.append({"id": "inspection", "name": "inspection", "type": "ordered", "values": ["none", "joint", "buyer"]})
    line = {"rationale": "r", "source": "assumption"}
    weights = {"price": 3, "delivery": 1, "inspection": 1}
    parties: list[dict[str, Any]] = [
        {"id": "buyer", "name": "Buyer", "role": "principal",
         "red_lines": [dict(line, id="inspected", require={"issue": "inspection", "op": ">=", "value": "joint"},
                            if_left_open=buyer_if_open)],
         "preferences": {"weights": weights, "reservation": 0.2,
                         "values": {"price": _values(8, False), "delivery": _values(4, False),
                                    "inspection": {"none": 0.0, "joint": 0.6, "buyer": 1.0}}}},
        {"id": "seller", "name": "Seller", "role": "principal",
         "red_lines": [dict(line, id="not-by-the-buyer", require={"issue": "inspection", "op": "!=", "value": "buyer"},
                            if_left_open="defer")],
         "preferences": {"weights": weights, "reservation": 0.2,
                         "values": {"price": _values(8, True), "delivery": _values(4, True),
                                    "inspection": {"none": 1.0, "joint": 0.6, "buyer": 0.0}}}},
        {"id": "broker", "name": "Broker", "role": "mediator"},
    ]
    proposal = {"id": "broker-text", "title": "The broker's text", "proposer": "broker",
                "terms": {"price": "v4", "delivery": "v2"}}
    return Scenario.model_validate({
        "negsim": 1, "id": "open-issues", "title": "Open issues", "start": "2025-01-01", "horizon_days": 40,
        "issues": issues, "parties": parties, "proposals": [proposal], "talks": {"protocol": "mediated"}})


def rows_of(scenario: Scenario, seed: int) -> tuple[Any, list[dict[str, Any]]]:
    outcome, log = run(scenario, seed=seed)
    return outcome, list(log.entries)


def settling(rows: list[dict[str, Any]]) -> int:
    """The position of the draft that settles inspection (there must be one)."""
    return next(k for k, r in enumerate(rows) if r["kind"] == "draft" and "settles inspection" in r["cause"])


@pytest.mark.parametrize("seed", SEEDS)
def test_an_open_issue_stays_open_until_the_mediator_settles_it(seed: int) -> None:
    outcome, rows = rows_of(talks(), seed)
    settled = settling(rows)
    texts = [r for r in rows[:settled] if r["kind"] in ("draft", "accept", "reject")]
    assert texts and all(r["package"]["inspection"] is None for r in texts)
    assert rows[settled]["cause"] == "every principal accepts the rest of the text; settles inspection at joint"
    assert {r["party"] for r in rows[:settled] if r["kind"] == "accept"} == {"buyer", "seller"}
    assert outcome.agreed and outcome.package["inspection"] == "joint"
    agreement = next(k for k, r in enumerate(rows) if r["kind"] == "agreement")
    assert agreement > settled and rows[agreement]["package"]["inspection"] == "joint"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_principal_that_withholds_while_an_issue_is_open_has_it_settled(seed: int) -> None:
    outcome, rows = rows_of(talks(buyer_if_open="withhold"), seed)
    settled = settling(rows)
    withheld = [r for r in rows[:settled] if r["party"] == "buyer" and r["kind"] == "reject"]
    assert withheld[-1]["cause"] == "withholds acceptance while issues are open"
    assert withheld[-1]["verdicts"] == {"buyer/inspected": "open"}
    assert rows[settled]["cause"] == "buyer withholds acceptance while inspection is open; settles inspection at joint"
    assert outcome.agreed and outcome.package["inspection"] == "joint"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_principal_that_open_issues_could_put_below_its_walk_away_value_has_them_settled(seed: int) -> None:
    data = talks().model_dump(mode="json", by_alias=True, exclude_none=True)
    buyer = next(p for p in data["parties"] if p["id"] == "buyer")
    buyer["red_lines"] = []  # nothing protects its inspection: settled against it, the text is not worth enough
    buyer["preferences"].update(weights={"price": 3, "delivery": 1, "inspection": 3}, reservation=0.45)
    outcome, rows = rows_of(Scenario.model_validate(data), seed)
    refusal = next(k for k, r in enumerate(rows) if r["party"] == "buyer" and r["kind"] == "reject")
    assert rows[refusal]["verdicts"] == {"buyer/reservation-value": "breaks"}
    settled = settling(rows)
    assert settled > refusal and rows[settled]["cause"].startswith(
        "buyer refuses while inspection is open: settled against it, the text would fall below its walk-away value")
    assert outcome.agreed and None not in outcome.package.values()


def test_an_open_text_is_worth_its_worst_completion_within_the_known_red_lines() -> None:
    world = World(talks())
    knowledge = RedLineKnowledge(world)
    buyer = Principal(talks().party("buyer"), world, knowledge, ("buyer", "seller"))
    buyer.plan()  # fresh caches
    inspection = world.space.position("inspection")
    package = int(np.flatnonzero(world.completions(0, (inspection,)))[-1])  # price v0, delivery v0, buyer inspects
    utility, broken, withheld = buyer.read_open_text(package, (inspection,))
    joint = next(p for p in np.flatnonzero(world.completions(package, (inspection,)))
                 if world.terms(int(p))["inspection"] == "joint")
    # none breaks the buyer's line, buyer inspection breaks the seller's (public) line: only joint is left
    assert utility == pytest.approx(world.utility["buyer"][joint])
    assert broken == () and withheld == ()  # the buyer defers its line
    assert world.broken(package, "seller", (inspection,)) == []  # the text does not yet break it
    assert world.broken(package, "seller") == ["seller/not-by-the-buyer"]
