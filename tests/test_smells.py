"""check warns (exit 0) of what a valid file allows but cannot mean: a walk-away value no package
reaches, a named condition nothing uses, a negotiation with one principal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import negsim
from negsim.scenario.smells import best_utility
from tests.conftest import CliRun

SMELLY = """negsim: 1
id: smelly
title: A file with three smells
start: 2025-01-01
issues:
  - {id: price, name: Price, type: integer, min: 0, max: 10}
  - {id: colour, name: Colour, type: categorical, values: [red, blue]}
conditions:
  cheap: {issue: price, op: "<=", value: 3}
  blue: {issue: colour, op: "==", value: blue}
  used-by-nothing-but-unused: {condition: blue}
parties:
  - id: seller
    name: Seller
    role: principal
    red_lines:
      - {id: not-cheap, require: {not: {condition: cheap}}, rationale: No sale below 4., source: assumption}
    preferences:
      weights: {price: 3, colour: 1}
      values: {price: {0: 0, 10: 0.8}, colour: {red: 0.5, blue: 1.0}}
      reservation: 0.9
  - id: buyer
    name: Buyer
    role: outside
"""


def test_the_three_smells_are_warnings_at_their_values(tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    path = tmp_path / "smelly.yaml"
    path.write_text(SMELLY, encoding="utf-8")
    ran = negsim_cli("check", str(path), "--json")
    assert ran.code == 0, ran.err
    report = json.loads(ran.out)
    assert report["valid"] is True
    found = {(d["line"], d["severity"], d["message"].split(":")[0]) for d in report["files"][0]["diagnostics"]}
    assert found == {
        (21, "warning", "seller's walk-away value 0.9 is above the most any package is worth to it (0.85, its "
                        "best value on every issue)"),
        (10, "warning", "the named condition 'blue' is not used by any red line, version, event or other condition; "
                        "remove it, or refer to it with {condition"),
        (11, "warning", "the named condition 'used-by-nothing-but-unused' is not used by any red line, version, "
                        "event or other condition; remove it, or refer to it with {condition"),
        (13, "warning", "the scenario has only one principal (seller)"),
    }


def test_the_best_utility_takes_each_issues_best_value() -> None:
    scenario = negsim.loads(SMELLY)
    assert best_utility(scenario.party("seller"), scenario) == 3 / 4 * 0.8 + 1 / 4 * 1.0
    assert best_utility(scenario.party("buyer"), scenario) is None
