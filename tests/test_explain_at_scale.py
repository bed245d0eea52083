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
    proposal = {"i0": "c1", "i1": "l3", "i2": "l5", "i3": "c2", "i4": "l7"}  # i5 left open
    listed = explain(scenario, proposal, method="enumerate", max_sets=5)
    solved = explain(scenario, proposal, method="solver", max_sets=5)
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
    assert listed.judgement is not None and solved.judgement is not None
    assert solved.judgement.to_dict() == listed.judgement.to_dict()
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


def test_a_proposal_is_judged_against_a_space_the_solver_searched(negsim_cli: Callable[..., Any],
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "billion.yaml"
    path.write_text(scale_scenario_text(9, 1, 0.45, 3), encoding="utf-8")
    terms = "i0=c0,i1=l7,i2=l6,i3=c0,i4=l0,i5=l3,i6=c2,i7=l3"  # i8 left open
    run = negsim_cli("explain", str(path), "--json", "--max-sets", "1", "--terms", terms)
    assert run.code == 0, run.err
    data = json.loads(run.out)
    judged = data["proposal"]
    assert data["method"] == "solver" and judged["settled"]
    assert (judged["completions"], judged["admissible_completions"], judged["short_of_reservation"]) == (10, 2, {})
    assert judged["dominated_by"] is not None, judged
    assert any("is at least as good for every party" in line for line in data["narration"]), data["narration"]
    better = judged["dominated_by"]  # in the ZOPA by the one check, no worse for anyone than the best completion
    assert negsim.evaluate(negsim.loads(path.read_text(encoding="utf-8"), "b.yaml"), better["package"]).agreed
    assert all(better["utilities"][p] >= judged["utilities_high"][p] - 1e-9 for p in judged["utilities"])
    assert any(better["utilities"][p] > judged["utilities_high"][p] + 1e-9 for p in judged["utilities"])


def test_a_proposal_leaving_too_much_open_on_a_solved_space_is_refused_clearly(negsim_cli: Callable[..., Any],
                                                                               tmp_path: Path) -> None:
    path = tmp_path / "billion.yaml"
    path.write_text(scale_scenario_text(9, 1, 0.45), encoding="utf-8")
    run = negsim_cli("explain", str(path), "--terms", "i0=c1")
    assert run.code == 2
    assert "100,000,000 ways" in run.err and "settle some of them" in run.err and "Traceback" not in run.err


def test_a_time_limit_is_a_number_of_seconds(negsim_cli: Callable[..., Any]) -> None:
    gaza = Path(__file__).resolve().parents[1] / "scenarios" / "gaza-2024-08.yaml"
    run = negsim_cli("explain", str(gaza), "--time-limit", "0")
    assert run.code == 2 and "above 0" in run.err
