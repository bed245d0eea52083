"""Numbers as they are: full precision in JSON, ties kept when float addition separates them, margins shown.

A domain written for it: the seller's utility of (a, c) adds 0.1 and 0.2 halves, of (b, d) a 0.3
half; they are equal in decimal, 0.15, but not in floating point (0.15000000000000002). The buyer
values both alike, so both are on the Pareto frontier, and neither hides the other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import negsim
from negsim.scenario.words import told_apart
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
TIES = """
negsim: 1
id: float-ties
title: Two packages equal in decimal, not in floating point
start: 2025-01-01
issues:
  - {id: x, name: X, type: categorical, values: [a, b]}
  - {id: y, name: Y, type: categorical, values: [c, d]}
parties:
  - id: seller
    name: Seller
    role: principal
    red_lines:
      - id: not-a-with-d
        require: {not: {all: [{issue: x, op: "==", value: a}, {issue: y, op: "==", value: d}]}}
        rationale: The seller does not sell a with d.
        source: assumption
    preferences:
      weights: {x: 1, y: 1}
      values: {x: {a: 0.1, b: 0.0}, y: {c: 0.2, d: 0.3}}
      reservation: 0.0
  - id: buyer
    name: Buyer
    role: principal
    preferences:
      weights: {x: 1, y: 1}
      values: {x: {a: 0.5, b: 0.5}, y: {c: 0.5, d: 0.5}}
      reservation: 0.0
"""


def test_packages_equal_in_decimal_stand_together_on_the_frontier(tmp_path: Path,
                                                                    negsim_cli: Callable[..., CliRun]) -> None:
    path = tmp_path / "ties.yaml"
    path.write_text(TIES, encoding="utf-8")
    utilities = negsim.explain(negsim.load(path)).reference
    assert utilities.pareto_size == 2
    data = json.loads(negsim_cli("explain", str(path), "--json").out)["reference_points"]
    frontier = {tuple(p["package"].values()): p["utilities"]["seller"] for p in data["pareto_frontier"]}
    assert frontier == {("a", "c"): 0.15000000000000002, ("b", "d"): 0.15}  # full precision, as computed
    assert data["pareto_size"] == 2


def test_json_utilities_are_not_rounded(negsim_cli: Callable[..., CliRun]) -> None:
    data = json.loads(negsim_cli("evaluate", str(ROOT / "docs" / "examples" / "tutorial.yaml"), "--terms",
                             "pay-rise=4,automation=pilot,job-guarantee=true", "--json").out)
    union = next(p for p in data["parties"] if p["party"] == "union")
    low, high = union["reservation"]["utility"]
    assert low == high == 0.8166666666666667  # as computed, not 0.816667


def test_a_margin_is_written_with_the_digits_that_show_it() -> None:
    assert told_apart(0.62, 0.62 - 1 / 512) == ["0.620", "0.618"]
    assert told_apart(0.5, 0.25) == ["0.50", "0.25"]
    assert told_apart(0.4, 0.4 - 1e-12) == ["0.40", "0.40"]  # equal within the one tolerance: written alike
    assert told_apart(0.3, 0.3 + 2e-6, 0.9) == ["0.300000", "0.300002", "0.900000"]


def test_explain_lists_as_many_zopa_packages_as_asked(negsim_cli: Callable[..., CliRun]) -> None:
    tutorial = str(ROOT / "docs" / "examples" / "tutorial.yaml")
    every = json.loads(negsim_cli("explain", tutorial, "--examples", "all", "--json").out)["zopa"]
    assert len(every["examples"]) == every["size"] == 8
    assert len(json.loads(negsim_cli("explain", tutorial, "--json").out)["zopa"]["examples"]) == 5  # the default
    two = json.loads(negsim_cli("explain", tutorial, "--examples", "2", "--json").out)["zopa"]["examples"]
    assert two == [every["examples"][0], every["examples"][-1]]  # spread over the ZOPA: its ends
