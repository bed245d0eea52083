"""The package face: what a notebook user calls, loaded lazily, and the verdict as an enum.

``import sim`` loads and checks scenarios; the simulation, the experiments and the deal-space
analysis load on first use. Each lazy name is the very object its module defines, and mypy sees
it through the ``TYPE_CHECKING`` imports.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.analysis.explain import explain
from sim.analysis.explanation import Explanation
from sim.experiments.replicate import replicate, run_replication
from sim.simulation.talks import run
from sim.simulation.timeline import EventLog, Outcome

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
HEAVY = ("simpy", "sim.simulation", "sim.experiments", "sim.analysis", "sim.agents", "sim.report", "sim.cli")


def test_importing_sim_leaves_the_simulation_and_the_analyses_unloaded() -> None:
    code = f"import sys, sim; print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert loaded.stdout.strip() == "[]"


def test_lazy_names_are_the_objects_their_modules_define() -> None:
    assert (sim.run, sim.Outcome, sim.EventLog) == (run, Outcome, EventLog)
    assert (sim.explain, sim.Explanation) == (explain, Explanation)
    assert (sim.replicate, sim.run_replication) == (replicate, run_replication)


def test_type_checkers_see_every_lazy_name() -> None:
    tree = ast.parse((ROOT / "sim" / "__init__.py").read_text(encoding="utf-8"))
    guarded = next(node for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
    imported = {(node.module, alias.name) for node in guarded.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert imported == {(module, name) for name, module in sim._LAZY.items()}


def test_a_notebook_session_from_the_package_root() -> None:
    scenario = sim.load(GAZA)
    evaluation = sim.evaluate(scenario, "us-bridging-2024-08")
    assert isinstance(evaluation, sim.Evaluation) and not evaluation.agreed
    assert all(isinstance(p, sim.PartyStance) for p in evaluation.parties)
    explanation = sim.explain(scenario)
    assert isinstance(explanation, sim.Explanation) and explanation.narration
    outcome, log = sim.run(scenario, seed=7)
    assert isinstance(outcome, sim.Outcome) and isinstance(log, sim.EventLog) and len(log) > 0
    row, events = sim.run_replication(scenario, root_seed=0, index=3)
    assert (row["replication"], events) == (3, "")
    assert sim.replicate(GAZA.read_text(encoding="utf-8"), 4, seed=0)[3] == row


def test_errors_are_catchable_from_the_package_root() -> None:
    with pytest.raises(sim.ScenarioError) as raised:
        sim.loads("negsim: 1\nid: broken\n")
    assert isinstance(raised.value, sim.NegsimError)
    assert all(isinstance(d, sim.Diagnostic) for d in raised.value.diagnostics)
    with pytest.raises(sim.UsageError, match="unknown proposal"):
        sim.evaluate(sim.load(GAZA), "no-such-proposal")


def test_verdict_values_are_the_codes_stored_in_arrays_and_kleene_logic_holds_on_them() -> None:
    assert [(v.value, v.word) for v in sim.Verdict] == [(0, "breaks"), (1, "open"), (2, "holds")]
    for a in sim.Verdict:
        assert sim.Verdict(2 - a) is {"breaks": sim.Verdict.HOLDS, "open": sim.Verdict.OPEN,
                                      "holds": sim.Verdict.BREAKS}[a.word]  # not
        for b in sim.Verdict:
            both, either = sim.Verdict(min(a, b)), sim.Verdict(max(a, b))
            assert (both is sim.Verdict.HOLDS) == (a is b is sim.Verdict.HOLDS)  # all
            assert (either is sim.Verdict.BREAKS) == (a is b is sim.Verdict.BREAKS)  # any
    codes = np.array(list(sim.Verdict), dtype=np.int8)
    assert [sim.Verdict(int(c)).word for c in codes] == ["breaks", "open", "holds"]


def test_an_issue_left_open_is_not_a_verdict() -> None:
    assert sim.LEFT_OPEN not in {v.value for v in sim.Verdict}
    space = sim.OutcomeSpace.of(sim.load(GAZA))
    row = space.encode({})
    assert (row == sim.LEFT_OPEN).all()


def test_outputs_keep_the_words_of_verdicts_and_the_file_key_of_the_walk_away_value() -> None:
    evaluation = sim.evaluate(sim.load(GAZA), "us-bridging-2024-08").to_dict()
    words = {r["verdict"] for p in evaluation["parties"] for r in p["red_lines"]}
    assert words <= {"holds", "breaks", "open"} and "breaks" in words
    israel = next(p for p in evaluation["parties"] if p["party"] == "israel")
    assert israel["reservation"]["id"] == "israel/reservation-value"
    assert set(israel["reservation"]) == {"id", "verdict", "reservation", "utility"}
    json.dumps(evaluation)


def test_an_outcome_is_a_frozen_dataclass_made_of_its_fields_in_order() -> None:
    outcome, _ = sim.run(sim.load(GAZA), seed=7)
    fields = [f.name for f in dataclasses.fields(Outcome)]
    assert list(inspect.signature(Outcome).parameters) == fields  # the written-out constructor misses none
    assert Outcome(*[getattr(outcome, name) for name in fields]) == outcome
    assert dataclasses.replace(outcome, rounds=outcome.rounds + 1).rounds == outcome.rounds + 1
    assert pickle.loads(pickle.dumps(outcome)) == outcome
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.rounds = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del outcome.reason


def test_an_outcome_space_is_a_frozen_dataclass_made_of_its_issues_and_domains() -> None:
    space = sim.OutcomeSpace.of(sim.load(GAZA))
    given = [f.name for f in dataclasses.fields(sim.OutcomeSpace) if f.init]
    assert list(inspect.signature(sim.OutcomeSpace).parameters) == given == ["issues", "domains"]
    derived = sim.OutcomeSpace(space.issues, space.domains)  # the written-out constructor fills every field
    assert {f.name: getattr(derived, f.name) for f in dataclasses.fields(derived)} == \
        {f.name: getattr(space, f.name) for f in dataclasses.fields(space)}
    assert derived == space and hash(derived) == hash(space)
    assert derived.size == len(space.every_package()) and derived.sizes == tuple(map(len, space.domains))
    smaller = dataclasses.replace(space, issues=space.issues[:1], domains=space.domains[:1])
    assert (smaller.sizes, smaller.size) == (space.sizes[:1], space.sizes[0])
    assert pickle.loads(pickle.dumps(space)) == space
    with pytest.raises(dataclasses.FrozenInstanceError):
        space.size = 0  # type: ignore[misc]
