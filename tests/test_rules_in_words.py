"""Every output that names a red line can say what it requires, in words.

A quote out of its context can read as the opposite demand ("not below four per cent" could
be read as a ceiling); the rule cannot. evaluate, explain and run carry each red line's rule
in the terminal and in the JSON, and the report's blocking table beside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import negsim
from negsim.scenario.conditions import AllOf, AnyOf, Atom, IfThen, Named, Negation
from negsim.scenario.words import condition_words, red_line_rule
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
Negsim = Callable[..., CliRun]


def _atom(issue: str, op: str, value: object) -> Atom:
    return Atom.model_validate({"issue": issue, "op": op, "value": value})


@pytest.mark.parametrize(("condition", "words"), [
    (_atom("philadelphi", "==", "none"), "philadelphi = none"),
    (_atom("hostages", ">=", 109), "hostages >= 109"),
    (_atom("screening", "not in", ["israeli", "none"]), "screening not in [israeli, none]"),
    (_atom("amnesty", "==", False), "amnesty = false"),
    (AllOf.model_validate({"all": [{"issue": "a", "op": "<", "value": 3}, {"issue": "b", "op": "!=", "value": "x"}]}),
     "a < 3 and b != x"),
    (AnyOf.model_validate({"any": [{"issue": "a", "op": ">", "value": 1},
                                   {"all": [{"issue": "b", "op": "==", "value": "y"},
                                            {"issue": "c", "op": "<=", "value": 2}]}]}),
     "a > 1 or (b = y and c <= 2)"),
    (Negation.model_validate({"not": {"issue": "a", "op": "in", "value": [1, 2]}}), "not (a in [1, 2])"),
    (IfThen.model_validate({"if": {"issue": "a", "op": "==", "value": 1}, "then": {"condition": "calm"}}),
     "if a = 1 then calm (b = quiet)"),
    (Named.model_validate({"condition": "unknown-name"}), "unknown-name"),
])
def test_each_form_of_condition_reads_as_the_file_writes_it(condition: object, words: str) -> None:
    named = {"calm": _atom("b", "==", "quiet")}
    assert condition_words(condition, named) == words  # type: ignore[arg-type]


def test_gaza_red_lines_and_versions_in_words() -> None:
    scenario = negsim.load(GAZA)
    israel = scenario.party("israel")
    rules = {r.id: red_line_rule(r, scenario.conditions) for r in israel.red_lines}
    assert rules["troops-in-philadelphi"] == "requires philadelphi >= reduced"
    assert rules["permanent-only-for-all-hostages"] == "when ceasefire = permanent, requires hostages >= 109"
    assert scenario.rule_of("israel/troops-in-philadelphi", "monitoring-suffices") == \
        "requires philadelphi >= monitored"
    assert scenario.rule_of("hamas/no-israeli-screening", None) == "no red line (a bluff)"
    assert scenario.rule_of("egypt/no-troops-in-philadelphi") == \
        "requires israeli-troops-out-of-philadelphi (philadelphi <= monitored)"
    assert scenario.rule_of("israel/reservation-value") is None


def test_evaluate_shows_each_red_lines_rule_and_rationale(negsim_cli: Negsim) -> None:
    shown = negsim_cli("evaluate", str(GAZA), "--proposal", "us-bridging-2024-08")
    assert "requires philadelphi >= reduced" in shown.out
    words = " ".join(shown.out.replace("│", " ").split())  # the table's cells, as one text
    assert "is one of Netanyahu's core demands" in words  # the rationale, beside a quote too
    data = json.loads(negsim_cli("evaluate", str(GAZA), "--proposal", "us-bridging-2024-08", "--json").out)
    israel = next(p for p in data["parties"] if p["party"] == "israel")
    rules = {r["id"]: r["rule"] for r in israel["red_lines"]}
    assert rules["israel/permanent-only-for-all-hostages"] == "when ceasefire = permanent, requires hostages >= 109"
    assert all(r["rationale"] for p in data["parties"] for r in p["red_lines"])


def test_explain_names_each_red_line_with_its_rule(negsim_cli: Negsim) -> None:
    data = json.loads(negsim_cli("explain", str(GAZA), "--json").out)
    assert data["red_lines"]["israel/troops-in-philadelphi"]["rule"] == "requires philadelphi >= reduced"
    assert set(data["red_lines"]) == {ref for s in data["clashing_sets"] for ref in s} | {
        ref for c in data["concession_sets"] for ref in c["red_lines"]}
    assert "israel/troops-in-philadelphi (requires philadelphi >= reduced; " in negsim_cli("explain", str(GAZA)).out


def test_run_names_the_blocking_red_lines_with_their_rules_in_force(negsim_cli: Negsim) -> None:
    data = json.loads(negsim_cli("run", str(GAZA), "--seed", "7", "--json").out)
    assert data["blocking_rules"]["israel/troops-in-philadelphi"] == "requires philadelphi >= reduced"
    shown = negsim_cli("run", str(GAZA), "--seed", "7").out
    assert "Blocking: israel/troops-in-philadelphi (requires philadelphi >= reduced)" in shown
