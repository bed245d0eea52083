"""``explain`` on spaces too large to list: the solver answers, and says what it leaves uncounted."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import negsim
from negsim.analysis.explain import explain
from negsim.analysis.narrate import SOLVER_NOTE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from bench_scale import scale_scenario_text


def _scenario(issues: int, walk_away: float, seed: int = 1, per_party: int = 10) -> negsim.Scenario:
    return negsim.loads(scale_scenario_text(issues, seed, walk_away, per_party), f"scale-{issues}.yaml")


@pytest.mark.parametrize(("walk_away", "per_party"), [(0.3, 10), (0.45, 10), (0.45, 3), (0.3, 2)])
def test_a_space_of_a_million_packages_gets_the_same_answers_listed_and_solved(walk_away: float,
                                                                              per_party: int) -> None:
    scenario = _scenario(6, walk_away, per_party=per_party)
    listed = explain(scenario, method="enumerate", max_sets=5)
    solved = explain(scenario, method="solver", max_sets=5)
    assert (listed.method, solved.method) == ("enumerate", "solver")
    assert listed.zopa.empty == solved.zopa.empty
    assert listed.clashing_sets == solved.clashing_sets
    assert listed.clashes_complete == solved.clashes_complete
    assert [c.refs for c in listed.concessions] == [c.refs for c in solved.concessions]
    assert [c.cost for c in listed.concessions] == [c.cost for c in solved.concessions]
    assert listed.concessions_complete == solved.concessions_complete
    assert solved.reference.settled
    assert [c.best for c in listed.concessions] == [c.best for c in solved.concessions]
    for mine, theirs in ((solved.reference.nash, listed.reference.nash),
                         (solved.reference.kalai_smorodinsky, listed.reference.kalai_smorodinsky),
                         (solved.reference.max_welfare, listed.reference.max_welfare)):
        assert (mine is None) == (theirs is None)
        assert mine is None or theirs is None or mine == theirs  # terms and utilities
    if not solved.zopa.empty:  # the witness meets everything, by the one check
        assert negsim.evaluate(scenario, {k: v for k, v in solved.zopa.examples[0].items() if v is not None}).agreed


def test_a_space_of_a_billion_packages_is_explained_by_the_solver_without_listing_it(
        negsim_cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "billion.yaml"
    path.write_text(scale_scenario_text(9, 1, 0.45), encoding="utf-8")
    run = negsim_cli("explain", str(path), "--json", "--max-sets", "3")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["method"] == "solver"
    assert data["zopa"]["packages"] == 10**9 and data["zopa_size"] is None
    assert data["clashing_sets"] and len(data["clashing_sets"]) <= 3
    assert all(c["opens"] is None for c in data["concession_sets"])
    assert SOLVER_NOTE in data["narration"]
    text = negsim_cli("explain", str(path), "--max-sets", "1")
    assert text.code == 0 and "not counted" in text.out


def test_a_proposal_is_not_judged_against_a_space_the_solver_searched(negsim_cli: Callable[..., Any],
                                                                      tmp_path: Path) -> None:
    path = tmp_path / "billion.yaml"
    path.write_text(scale_scenario_text(9, 1, 0.45), encoding="utf-8")
    run = negsim_cli("explain", str(path), "--terms", "i0=c1")
    assert run.code == 2
    assert "negsim evaluate" in run.err and "Traceback" not in run.err


def test_a_time_limit_is_a_number_of_seconds(negsim_cli: Callable[..., Any]) -> None:
    gaza = Path(__file__).resolve().parents[1] / "scenarios" / "gaza-2024-08.yaml"
    run = negsim_cli("explain", str(gaza), "--time-limit", "0")
    assert run.code == 2 and "above 0" in run.err
