"""compare reports effects that mean what they say: differences with intervals, in percentage points.

A scenario in which one uncertain red line decides the deal (tests/valid/one-line-decides.yaml)
is compared with a copy of itself: among each one's runs, compare must name exactly that
assumption as an effect, put the chance event among those with no clear effect, and draw its
box of conditions from no fewer runs than it says. A scenario with two random shocks
(tests/valid/shocks-over-time.yaml), a walk-out that ends the talks and a rumour that changes
nothing, checks that a shock is weighed by when it fell due, not by whether it struck.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from negsim.experiments.compare import (
    MIN_BOX_RUNS,
    MIN_BOX_SHARE,
    UNREACHED,
    discover,
    landmarks,
    rate_difference,
)
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
DECIDES = ROOT / "tests" / "valid" / "one-line-decides.yaml"
RUNS = 400


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from negsim.cli.main import main

    root = tmp_path_factory.mktemp("compare")
    again = root / "again.yaml"
    again.write_text(DECIDES.read_text(encoding="utf-8").replace("id: one-line-decides", "id: decides-again", 1),
                     encoding="utf-8")
    assert main(["compare", str(DECIDES), str(again), "-n", str(RUNS), "--draw", "--backend", "serial",
                 "--quiet", "-o", str(root / "cmp")]) == 0
    data: dict[str, object] = json.loads((root / "cmp" / "compare.json").read_text(encoding="utf-8"))
    return data


def test_compare_names_exactly_the_assumption_that_decides(compared: dict[str, object]) -> None:
    effects = compared["assumptions"]
    assert isinstance(effects, list) and [row["assumption"] for row in effects] == ["seller/floor is soft-floor"]
    [decides] = effects
    assert decides["rate_with"] == 1.0 and decides["rate_without"] == 0.0 and decides["effect"] == 1.0
    assert 0.9 < decides["ci95"][0] <= decides["effect"] <= decides["ci95"][1] <= 1.0
    assert decides["runs_with"] + decides["runs_without"] == RUNS  # the baseline's runs: each scenario apart
    again = compared["by_scenario"]["decides-again"]  # type: ignore[index]
    assert [row["assumption"] for row in again["assumptions"]] == ["seller/floor is soft-floor"]


def test_assumptions_without_an_effect_have_intervals_across_zero_and_are_not_ranked(
        compared: dict[str, object]) -> None:
    unclear = {row["assumption"]: row for row in compared["no_clear_effect"]}  # type: ignore[attr-defined]
    assert set(unclear) == {"rain happens"}
    for row in unclear.values():
        low, high = row["ci95"]
        assert low <= 0 <= high and abs(row["effect"]) < 0.1


def test_the_box_is_the_deciding_condition_and_no_smaller_than_its_stated_size(compared: dict[str, object]) -> None:
    box = compared["box"]
    assert isinstance(box, dict)
    assert box["fewest_runs"] == max(MIN_BOX_RUNS, math.ceil(MIN_BOX_SHARE * RUNS)) == 30
    assert box["conditions"] == ["seller/floor is soft-floor"]
    assert box["runs"] == compared["assumptions"][0]["runs_with"] >= box["fewest_runs"]  # type: ignore[index]
    assert (box["density"], box["coverage"]) == (1.0, 1.0)


def test_the_difference_of_rates_gives_the_test_statistic_not_the_critical_value() -> None:
    found = rate_difference(30, 100, 50, 100)
    pooled = 80 / 200
    z = 0.2 / math.sqrt(pooled * (1 - pooled) * (2 / 100))
    assert found["z"] == round(z, 6) and found["difference"] == 0.2
    assert math.isclose(found["p_value"], math.erfc(z / math.sqrt(2)), rel_tol=1e-5)
    assert found["ci95"][0] < 0.2 < found["ci95"][1]
    no_variance = rate_difference(0, 50, 0, 60)
    assert (no_variance["difference"], no_variance["z"], no_variance["p_value"]) == (0.0, None, None)


def test_comparing_another_negotiation_warns_that_it_is_not_a_variant(
        tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    ran = negsim_cli("compare", str(DECIDES), str(ROOT / "tests" / "valid" / "base.yaml"), "-n", "5",
                 "--backend", "serial", "--quiet", "-o", str(tmp_path / "cmp"))
    assert ran.code == 0, ran.err
    warning = ("negsim: warning: port-strike-2024 has other issues than one-line-decides (without delivery, price; "
               "with automation, no-layoffs, overtime, wage-rise): it is another negotiation, not a variant")
    assert warning in ran.err
    saved = json.loads((tmp_path / "cmp" / "compare.json").read_text(encoding="utf-8"))
    assert len(saved["warnings"]) == 2 and "has other parties" in saved["warnings"][1]


def test_the_top_blocking_red_lines_are_shown_as_a_tie_when_they_tie() -> None:
    from negsim.cli.sweep import top_blocking

    assert top_blocking({"a/x": 235, "b/y": 235, "c/z": 3}) == "a/x, b/y (235 runs each)"
    assert top_blocking({"a/x": 235, "b/y": 234}) == "a/x (235 runs)"
    assert top_blocking({}) == "-"


def test_a_run_that_ended_before_a_dated_event_counts_neither_with_it_nor_without_it() -> None:
    # 100 runs agree before the summit's date (its draw never made); of the 200 that reach it, the
    # summit happens in half, and deals are as likely either way: no effect, though a deal ends a run early.
    early = [({UNREACHED + "summit happens"}, True)] * 100
    reached = [({"summit happens"}, k % 2 == 0) for k in range(100)] + [(set(), k % 2 == 0) for k in range(100)]
    found = discover(early + reached)
    assert not found.effects
    [summit] = found.unclear
    assert (summit["runs_with"], summit["runs_without"], summit["effect"]) == (100, 100, 0.0)


SHOCKS = ROOT / "tests" / "valid" / "shocks-over-time.yaml"


def test_a_shocks_landmark_is_the_day_by_which_it_falls_due_in_half_the_runs_within_its_window() -> None:
    import negsim

    scenario = negsim.load(SHOCKS)
    found = landmarks(scenario)
    assert {key: (mark.day, mark.words) for key, mark in found.items()} == {
        "draw:due:walk-out": (35, "walk-out falls due before 2025-02-05"),
        "draw:due:rumour": (35, "rumour falls due before 2025-02-05")}
    assert math.ceil(math.log(2) / 0.02) == 35
    gaza = landmarks(negsim.load(ROOT / "scenarios" / "gaza-2024-08.yaml"))["draw:due:regional-retaliation"]
    assert gaza.date == "2024-09-14"  # the window opens on 21 August: 24 days on, before it closes on 15 September


@pytest.fixture(scope="module")
def shocks_compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    from negsim.cli.main import main

    root = tmp_path_factory.mktemp("shocks")
    again = root / "again.yaml"
    again.write_text(SHOCKS.read_text(encoding="utf-8").replace("id: shocks-over-time", "id: shocks-again", 1),
                     encoding="utf-8")
    assert main(["compare", str(SHOCKS), str(again), "-n", str(RUNS), "--backend", "serial", "--quiet",
                 "-o", str(root / "cmp")]) == 0
    data: dict[str, object] = json.loads((root / "cmp" / "compare.json").read_text(encoding="utf-8"))
    return data, root / "cmp" / "shocks-over-time" / "replications.csv"


def test_a_shock_that_ends_the_talks_is_an_effect_and_one_that_changes_nothing_is_not(
        shocks_compared: tuple[dict[str, object], Path]) -> None:
    data, _ = shocks_compared
    [walk_out] = data["assumptions"]  # type: ignore[misc]
    assert walk_out["assumption"] == "walk-out falls due before 2025-02-05"
    assert walk_out["falls_due_before"] == "2025-02-05"
    # Due before day 35, the walk-out comes before the deal of day 58 in every run: none agrees.
    assert walk_out["rate_with"] == 0.0 and walk_out["ci95"][1] < -0.5
    assert walk_out["runs_with"] + walk_out["runs_without"] == RUNS  # every run is exposed from the first day
    [rumour] = data["no_clear_effect"]  # type: ignore[misc]
    assert rumour["assumption"] == "rumour falls due before 2025-02-05"
    assert rumour["ci95"][0] <= 0 <= rumour["ci95"][1]
    # Deals concentrate where the walk-out did not fall due early: the box can name an assumption's absence.
    box = data["box"]
    assert isinstance(box, dict) and box["conditions"] == ["not (walk-out falls due before 2025-02-05)"]
    assert box["runs"] == walk_out["runs_without"] >= box["fewest_runs"] and box["coverage"] == 1.0


def test_weighed_by_whether_it_struck_the_rumour_would_pass_for_an_effect(
        shocks_compared: tuple[dict[str, object], Path]) -> None:
    # What compare no longer does, and why: the rumour strikes the long runs, those the walk-out spared.
    import csv

    _, replications = shocks_compared
    with replications.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    struck = [row["agreed"] == "true" for row in rows if row["draw:shocks:rumour"] != "0"]
    spared = [row["agreed"] == "true" for row in rows if row["draw:shocks:rumour"] == "0"]
    naive = rate_difference(sum(spared), len(spared), sum(struck), len(struck))
    assert naive["ci95"][0] > 0.2  # a clear "effect" of a rumour that changes nothing


def test_a_run_that_ended_before_a_shocks_window_counts_neither_with_it_nor_without_it() -> None:
    early = [({UNREACHED + "retaliation falls due before 2024-09-14"}, True)] * 100
    reached = [({"retaliation falls due before 2024-09-14"}, k % 2 == 0) for k in range(100)]
    reached += [(set(), k % 2 == 0) for k in range(100)]
    found = discover(early + reached)
    assert not found.effects
    [shock] = found.unclear
    assert (shock["runs_with"], shock["runs_without"], shock["effect"]) == (100, 100, 0.0)
