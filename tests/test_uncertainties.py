"""A scenario in which nothing is uncertain gives the same run whatever the seed, and says so.

``negsim.simulation.draws.uncertainties`` lists what a replication draws that can differ between
runs; a sweep gives no interval when the list is empty and every outcome is the same. These
tests check the claim behind that: random scenarios (both protocols, summits, events that
switch, drop and add red lines) made certain give identical outcomes and event logs for every
seed, and scenarios the list calls certain as generated do too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from test_engine_invariants import random_scenario

from negsim.experiments.replicate import replication_rng
from negsim.scenario.loader import load
from negsim.scenario.model import Scenario
from negsim.simulation.draws import uncertainties
from negsim.simulation.talks import run
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]


def made_certain(data: dict[str, Any]) -> dict[str, Any]:
    """The same scenario with nothing left to chance: full confidence, sure events and attendance, fixed pace."""
    data = copy.deepcopy(data)
    lines = [line for party in data["parties"] for line in party.get("red_lines", [])]
    lines += [effect["red_line"] for event in data["events"] for effect in event.get("effects", [])
              if effect["type"] == "add"]
    for line in lines:
        line["confidence"] = 1.0
    data["events"] = [event for event in data["events"] if "rate_per_day" not in event]
    for event in data["events"]:
        event["probability"] = 1.0
        event["attendance"] = {party: 1.0 for party in event.get("attendance", {})}
    data["talks"]["deliberation_days"] = 0.0
    return data


def _runs(scenario: Scenario) -> list[tuple[str, str]]:
    """Three replications' outcomes (but for the seed) and event logs, as a sweep runs them."""
    found = []
    for index in (0, 1, 7):
        outcome, log = run(scenario, rng=replication_rng(3, index), draw=True)
        shown = outcome.to_dict()
        shown.pop("seed", None)
        found.append((json.dumps(shown, sort_keys=True), log.jsonl()))
    return found


@pytest.mark.parametrize("block", range(4))
def test_a_scenario_with_nothing_uncertain_runs_the_same_whatever_the_seed(block: int) -> None:
    rng = np.random.default_rng(7000 + block)
    checked = 0
    for index in range(25):
        data = random_scenario(rng, 25 * block + index)
        for candidate in (data, made_certain(data)):
            scenario = Scenario.model_validate(candidate)
            if uncertainties(scenario):
                assert candidate is data, uncertainties(scenario)  # made certain, it lists nothing
                continue
            first, *others = _runs(scenario)
            assert all(other == first for other in others), candidate["id"]
            checked += 1
    assert checked >= 25


def test_the_gaza_scenario_names_what_it_leaves_to_chance() -> None:
    gaza = load(ROOT / "scenarios" / "gaza-2024-08.yaml")
    found = uncertainties(gaza)
    assert any("is real with confidence" in phrase for phrase in found)
    assert any(phrase.startswith("each answer takes a random time") for phrase in found)
    stated = uncertainties(gaza, draw_red_lines=False)
    assert stated and not any("is real with confidence" in phrase for phrase in stated)


def test_a_sweep_of_a_scenario_with_nothing_uncertain_gives_no_interval(
        tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    data = yaml.safe_load((ROOT / "tests" / "valid" / "base.yaml").read_text(encoding="utf-8"))
    certain = made_certain({**data, "events": data.get("events", []), "talks": data.get("talks", {})})
    path = tmp_path / "certain.yaml"
    path.write_text(yaml.safe_dump(certain, sort_keys=False), encoding="utf-8")
    out = tmp_path / "results"
    ran = negsim_cli("sweep", str(path), "-n", "20", "--backend", "serial", "-o", str(out))
    assert ran.code == 0, ran.err
    shown = " ".join(ran.out.split())
    assert "100.0% (no interval)" in shown and "%)" not in shown, shown
    assert f"all 20 runs of {data['id']} are identical: nothing in this scenario is uncertain" in shown
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["distinct_outcomes"], summary["uncertain"], summary["identical_runs"]) == (1, [], True)
    assert summary["agreement_rate_95"] is None


def test_a_sweep_of_an_uncertain_scenario_counts_its_distinct_outcomes_and_gives_an_interval(
        tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    out = tmp_path / "results"
    ran = negsim_cli("sweep", str(ROOT / "tests" / "valid" / "base.yaml"), "-n", "20", "--backend", "serial",
                 "-o", str(out))
    assert ran.code == 0, ran.err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows = (out / "replications.csv").read_text(encoding="utf-8").splitlines()
    assert summary["uncertain"] and not summary["identical_runs"] and len(summary["agreement_rate_95"]) == 2
    assert 1 <= summary["distinct_outcomes"] <= len(rows) - 1
    assert "are identical" not in ran.out
