"""explain --proposal judges a draft that leaves issues open over the ways of settling them that meet every red line.

A party is not judged at a settlement its own red line forbids, and a ZOPA package is said to
beat a proposal only when it is at least as good for every party as the proposal's best such
settlement, and better for some, in those words.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import negsim
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "examples" / "tutorial.yaml"

# The draft leaves the colour open. The buyer's worst settlement of it is red (0.46), which its own
# red line forbids; the seller forbids blue; green is the only admissible settlement, worth 0.61 to
# the buyer. The ZOPA package (green, 2) gives the buyer PRICE_2 and the seller 0.55 against 0.45.
OPEN_COLOUR = """
negsim: 1
id: open-colour
title: A draft that leaves the colour open
start: 2025-01-01
issues:
  - {id: colour, name: Colour, type: categorical, values: [red, green, blue]}
  - {id: price, name: Price, type: integer, min: 0, max: 2}
parties:
  - id: buyer
    name: Buyer
    role: principal
    red_lines:
      - {id: not-red, require: {issue: colour, op: "!=", value: red}, rationale: No red cars., source: assumption}
    preferences:
      weights: {colour: 1, price: 1}
      values: {colour: {red: 0.3, green: 0.6, blue: 1.0}, price: {0: 0.62, 1: 0.5, 2: PRICE_2}}
      reservation: 0.5
  - id: seller
    name: Seller
    role: principal
    red_lines:
      - {id: not-blue, require: {issue: colour, op: "!=", value: blue}, rationale: No blue paint., source: assumption}
    preferences:
      weights: {colour: 1, price: 1}
      values: {colour: {red: 0.5, green: 0.5, blue: 0.5}, price: {0: 0.4, 1: 0.6, 2: 0.6}}
      reservation: 0.3
proposals:
  - {id: draft, proposer: seller, terms: {price: 0}}
"""


def _colour(price_2: float) -> negsim.Scenario:
    return negsim.loads(OPEN_COLOUR.replace("PRICE_2", str(price_2)))


def test_open_issues_are_judged_over_the_settlements_that_meet_every_red_line() -> None:
    judgement = negsim.explain(_colour(0.6), "draft").judgement  # (green, 2) is worth 0.60 to the buyer
    assert judgement is not None
    assert (judgement.completions, judgement.admissible_completions) == (3, 1)
    assert judgement.utilities == judgement.utilities_high == {"buyer": 0.61, "seller": 0.45}  # green, not red
    # Judged at red, the buyer's 0.46, (green, 2) would pass for better for both: it is not.
    assert judgement.dominated_by is None


def test_a_package_as_good_for_one_and_better_for_the_other_is_said_to_be_so(
        negsim_cli: Callable[..., CliRun], tmp_path: Path) -> None:
    path = tmp_path / "colour.yaml"
    path.write_text(OPEN_COLOUR.replace("PRICE_2", "0.62"), encoding="utf-8")  # (green, 2): buyer 0.61, a tie
    data = json.loads(negsim_cli("explain", str(path), "--proposal", "draft", "--json").out)["proposal"]
    assert data["dominated_by"] == {"package": {"colour": "green", "price": 2},
                                    "utilities": {"buyer": 0.61, "seller": 0.55}}
    assert (data["completions"], data["admissible_completions"]) == (3, 1)
    narration = " ".join(negsim_cli("explain", str(path), "--proposal", "draft").out.split())
    assert ("the ZOPA package colour=green, price=2 is at least as good for every party, however the open issues "
            "are settled, and better for some") in narration
    assert "better for every party" not in narration


def test_the_tutorials_draft_leaves_nobody_short_once_the_union_is_not_held_to_full_automation() -> None:
    judgement = negsim.explain(negsim.load(TUTORIAL), "mediator-draft").judgement
    assert judgement is not None and judgement.terms["automation"] is None
    assert (judgement.completions, judgement.admissible_completions) == (4, 1)  # only a pilot meets both red lines
    assert judgement.short == {}
    line = next(x for x in negsim.explain(negsim.load(TUTORIAL), "mediator-draft").narration if "mediator-draft" in x)
    assert "its open issues taken as the one way of settling them that meets every red line" in line
