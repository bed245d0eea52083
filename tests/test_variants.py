"""Versions are matched across files by the packages they allow, not by their names.

The Gaza counterfactual states what the baseline calls 'monitoring-suffices'; a copy of
tests/valid/one-line-decides.yaml that swaps the seller's stated floor and its alternative,
renamed and spelt otherwise, is the same red line under other names, and compare says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import negsim
from negsim.experiments.variants import baseline_names, red_line_changes
from negsim.scenario.model import Scenario

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
MONITORING = ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"
DECIDES = ROOT / "tests" / "valid" / "one-line-decides.yaml"

SWAPPED = """      - id: floor
        require: {issue: price, op: in, value: [4, 5, 6, 7, 8, 9, 10]}
        rationale: The seller may take 4.
        source: assumption
        confidence: 0.5
        versions:
          - id: hard
            kind: harder
            require: {issue: price, op: ">", value: 7}
            rationale: It says it will not go below 8.
"""


def _swapped(tmp_path: Path, *, confidence: str = "0.5") -> Path:
    text = DECIDES.read_text(encoding="utf-8")
    start = text.index("      - id: floor")
    end = text.index("    preferences:", start)
    swapped = text[:start] + SWAPPED.replace("confidence: 0.5", f"confidence: {confidence}") + text[end:]
    path = tmp_path / "swapped.yaml"
    path.write_text(swapped.replace("id: one-line-decides", "id: swapped", 1), encoding="utf-8")
    return path


def test_the_gaza_counterfactual_states_what_the_baseline_calls_monitoring_suffices() -> None:
    base, variant = negsim.load(GAZA), negsim.load(MONITORING)
    assert red_line_changes(base, variant) == [
        "israel/troops-in-philadelphi: gaza-2024-08-israel-accepts-monitoring states what gaza-2024-08 calls its "
        "version 'monitoring-suffices' (confidence 1; gaza-2024-08 states its own with 0.8)"]
    assert baseline_names(base, variant) == {("israel/troops-in-philadelphi", "stated"): "monitoring-suffices"}
    assert red_line_changes(variant, base) == [
        "israel/troops-in-philadelphi: gaza-2024-08 states a requirement that gaza-2024-08-israel-accepts-monitoring "
        "has no version of (confidence 0.8; gaza-2024-08-israel-accepts-monitoring states its own with 1)"]
    assert red_line_changes(base, base) == [] and baseline_names(base, base) == {}


def test_versions_spelt_and_named_otherwise_are_matched_by_what_they_allow(tmp_path: Path) -> None:
    base, swapped = negsim.load(DECIDES), negsim.load(_swapped(tmp_path))
    assert baseline_names(base, swapped) == {("seller/floor", "stated"): "soft-floor",
                                             ("seller/floor", "hard"): "stated"}
    # The same two requirements with the same chances, but the other one stated: runs as stated differ.
    assert red_line_changes(base, swapped) == [
        "seller/floor: swapped states what one-line-decides calls its version 'soft-floor' "
        "(confidence 0.5; one-line-decides states its own with 0.5)"]


def test_a_red_line_stated_alike_with_other_chances_is_a_change(tmp_path: Path) -> None:
    base = negsim.load(DECIDES)
    surer = tmp_path / "surer.yaml"
    surer.write_text(DECIDES.read_text(encoding="utf-8").replace("confidence: 0.5", "confidence: 0.9")
                     .replace("id: one-line-decides", "id: surer", 1), encoding="utf-8")
    assert red_line_changes(base, negsim.load(surer)) == [
        "seller/floor: surer states the same requirement as one-line-decides, with other alternatives or "
        "confidence (0.9 against 0.5)"]


def test_scenarios_with_other_issues_are_not_matched() -> None:
    other: Scenario = negsim.load(ROOT / "tests" / "valid" / "base.yaml")
    assert red_line_changes(negsim.load(DECIDES), other) == [] and baseline_names(negsim.load(DECIDES), other) == {}


@pytest.mark.parametrize("draw", [False, True])
def test_compare_names_a_variants_versions_in_the_baselines_words(tmp_path: Path, draw: bool) -> None:
    from negsim.cli.main import main

    output = tmp_path / "cmp"
    args = ["compare", str(DECIDES), str(_swapped(tmp_path)), "-n", "200", "--backend", "serial", "--quiet",
            "-o", str(output)]
    assert main(args + (["--draw"] if draw else [])) == 0
    data = json.loads((output / "compare.json").read_text(encoding="utf-8"))
    assert data["red_line_changes"]["swapped"] == [
        "seller/floor: swapped states what one-line-decides calls its version 'soft-floor' "
        "(confidence 0.5; one-line-decides states its own with 0.5)"]
    if draw:  # the one assumption that decides, in each file's words and, in the variant's, the baseline's too
        [base_effect] = data["by_scenario"]["one-line-decides"]["assumptions"]
        [variant_effect] = data["by_scenario"]["swapped"]["assumptions"]
        assert base_effect["assumption"] == "seller/floor is soft-floor" and base_effect["effect"] == 1.0
        assert variant_effect["assumption"] == "seller/floor is hard (one-line-decides's stated red line)"
        assert variant_effect["effect"] == -1.0
    else:  # as stated, the variant plays what the baseline calls its soft floor: every run agrees
        assert data["rates"]["swapped"]["agreements"] == 200 and data["rates"]["one-line-decides"]["agreements"] == 0
