"""compare reports effects that mean what they say: differences with intervals, in percentage points.

A scenario in which one uncertain red line decides the deal (tests/valid/one-line-decides.yaml)
is compared with a copy of itself: among each one's runs, compare must name exactly that
assumption as an effect, put the chance event among those with no clear effect, and draw its
box of conditions from no fewer runs than it says.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.experiments.compare import (
    MIN_BOX_RUNS,
    MIN_BOX_SHARE,
    OVER_TIME,
    UNREACHED,
    discover,
    rate_difference,
)
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
DECIDES = ROOT / "tests" / "valid" / "one-line-decides.yaml"
RUNS = 400


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from sim.cli.main import main

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
        tmp_path: Path, negsim: Callable[..., CliRun]) -> None:
    ran = negsim("compare", str(DECIDES), str(ROOT / "tests" / "valid" / "base.yaml"), "-n", "5",
                 "--backend", "serial", "--quiet", "-o", str(tmp_path / "cmp"))
    assert ran.code == 0, ran.err
    warning = ("negsim: warning: port-strike-2024 has other issues than one-line-decides (without delivery, price; "
               "with automation, no-layoffs, overtime, wage-rise): it is another negotiation, not a variant")
    assert warning in ran.err
    saved = json.loads((tmp_path / "cmp" / "compare.json").read_text(encoding="utf-8"))
    assert len(saved["warnings"]) == 2 and "has other parties" in saved["warnings"][1]


def test_the_top_blocking_red_lines_are_shown_as_a_tie_when_they_tie() -> None:
    from sim.cli.sweep import top_blocking

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


def test_a_random_shock_is_not_weighed_as_an_effect() -> None:
    # Runs that agree early have less time for a shock: 100 agree with none; 100 that went on had one, and failed.
    early = [(set(), True)] * 100
    long = [({OVER_TIME + "retaliation happened"}, False)] * 100
    found = discover(early + long)
    assert not found.effects and not found.unclear and not found.box["conditions"]
    assert found.over_time == [{"assumption": "retaliation happened", "rate_with": 0.0, "rate_without": 1.0,
                                "runs_with": 100, "runs_without": 100}]
