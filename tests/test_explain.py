"""negsim explain: the Gaza deal space, JSON shape, narration under golden files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import negsim
from negsim.analysis.explain import explain
from negsim.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
GOLDEN = Path(__file__).parent / "golden"

SMALL = """
negsim: 1
id: wage-talks
title: Wage talks
start: 2024-01-01
issues:
  - {id: raise, name: Pay rise, type: integer, min: 0, max: 6, unit: percent}
  - {id: remote, name: Remote work, type: boolean}
parties:
  - id: union
    name: Union
    role: principal
    red_lines:
      - id: real-raise
        require: {issue: raise, op: ">=", value: 3}
        rationale: inflation
        source: assumption
        confidence: 0.7
    preferences:
      weights: {raise: 2, remote: 1}
      values: {raise: {0: 0, 6: 1}, remote: {true: 1, false: 0}}
      reservation: 0.3
  - id: firm
    name: Firm
    role: principal
    red_lines:
      - id: budget
        require: {issue: raise, op: "<=", value: 4}
        rationale: budget
        source: assumption
    preferences:
      weights: {raise: 3, remote: 1}
      values: {raise: {0: 1, 6: 0}, remote: {true: 0.2, false: 1}}
      reservation: 0.2
proposals:
  - {id: low-offer, proposer: firm, terms: {raise: 2, remote: false}}
"""


def golden(name: str, lines: list[str]) -> None:
    path = GOLDEN / name
    text = "\n".join(lines) + "\n"
    if os.environ.get("NEGSIM_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"narration changed; NEGSIM_UPDATE_GOLDEN=1 rewrites {path}"


def test_gaza_has_no_zopa_and_philadelphi_clashes() -> None:
    result = explain(negsim.load(GAZA))
    assert result.zopa.size == 0
    assert ("israel/troops-in-philadelphi", "hamas/complete-withdrawal") in result.clashing_sets
    assert ("israel/troops-in-philadelphi", "egypt/no-troops-in-philadelphi") in result.clashing_sets
    assert result.clashes_complete and result.concessions_complete


def test_gaza_concessions_open_deals_and_name_their_best_package() -> None:
    result = explain(negsim.load(GAZA))
    cheapest = result.concessions[0]
    assert cheapest.refs == ("israel/troops-in-philadelphi",)
    assert cheapest.opens > 0 and cheapest.best is not None
    assert cheapest.best.terms["philadelphi"] in ("none", "monitored")
    assert [c.cost for c in result.concessions] == sorted(c.cost for c in result.concessions)


def test_gaza_narration_is_stable() -> None:
    golden("gaza-explain.txt", explain(negsim.load(GAZA), "us-bridging-2024-08").narration)


def test_small_scenario_narration_is_stable() -> None:
    golden("wage-explain.txt", explain(negsim.loads(SMALL), "low-offer").narration)


def test_a_zopa_lists_its_values_and_reference_points() -> None:
    result = explain(negsim.loads(SMALL))
    assert result.zopa.size == 4  # raise 3 or 4, remote either way
    assert result.zopa.values == {"raise": [3, 4], "remote": [False, True]}
    assert result.clashing_sets == [] and result.concessions == []
    assert result.reference.nash is not None and result.reference.pareto_size >= 1


def test_judging_a_proposal_names_who_is_short_and_what_dominates_it() -> None:
    judgement = explain(negsim.loads(SMALL), "low-offer").judgement
    assert judgement is not None
    assert judgement.short == {"union": pytest.approx(0.3 - 2 / 9, abs=1e-6)}
    assert judgement.distance_to_nash is not None and judgement.distance_to_nash > 0


def test_explain_json_holds_sets_as_red_line_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(GAZA), "--json", "--proposal", "us-bridging-2024-08"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["zopa_size"] == 0
    assert ["israel/troops-in-philadelphi", "hamas/complete-withdrawal"] in out["clashing_sets"]
    assert out["concession_sets"][0]["red_lines"] == ["israel/troops-in-philadelphi"]
    assert out["concession_sets"][0]["opens"] > 0
    assert set(out["reference_points"]) == {"packages", "pareto_size", "pareto_frontier", "nash", "kalai_smorodinsky",
                                             "max_welfare", "settled"}
    assert out["proposal"]["short_of_reservation"] == {"hamas": pytest.approx(0.060275, abs=1e-6)}


def test_explain_text_prints_narration_and_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(GAZA)]) == 0
    out = capsys.readouterr().out
    assert "there is no zone of possible agreement" in out
    assert "Clashing sets" in out and "Concession sets" in out


def test_max_sets_limits_the_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(GAZA), "--json", "--max-sets", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["clashing_sets"]) == 1 and out["clashing_sets_complete"] is False
    assert len(out["concession_sets"]) == 1 and out["concession_sets_complete"] is False
