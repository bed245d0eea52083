"""The package face: what a notebook user calls, loaded lazily, and the verdict as an enum.

``import negsim`` loads and checks scenarios; the simulation, the experiments and the deal-space
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

import negsim
from negsim.analysis.explain import explain
from negsim.analysis.explanation import Explanation
from negsim.experiments.replicate import replicate, run_replication
from negsim.simulation.talks import run
from negsim.simulation.timeline import EventLog, Outcome

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
HEAVY = ("simpy", "negsim.simulation", "negsim.experiments", "negsim.analysis", "negsim.agents", "negsim.report",
         "negsim.cli")


def test_importing_negsim_leaves_the_simulation_and_the_analyses_unloaded() -> None:
    code = f"import sys, negsim; print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert loaded.stdout.strip() == "[]"


def test_lazy_names_are_the_objects_their_modules_define() -> None:
    assert (negsim.run, negsim.Outcome, negsim.EventLog) == (run, Outcome, EventLog)
    assert (negsim.explain, negsim.Explanation) == (explain, Explanation)
    assert (negsim.replicate, negsim.run_replication) == (replicate, run_replication)


def test_type_checkers_see_every_lazy_name() -> None:
    tree = ast.parse((ROOT / "sim" / "__init__.py").read_text(encoding="utf-8"))
    guarded = next(node for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
    imported = {("." * node.level + (node.module or ""), alias.name) for node in guarded.body
                if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert imported == {(module, name) for name, module in negsim._LAZY.items()}


def test_a_notebook_session_from_the_package_root() -> None:
    scenario = negsim.load(GAZA)
    evaluation = negsim.evaluate(scenario, "us-bridging-2024-08")
    assert isinstance(evaluation, negsim.Evaluation) and not evaluation.agreed
    assert all(isinstance(p, negsim.PartyStance) for p in evaluation.parties)
    explanation = negsim.explain(scenario)
    assert isinstance(explanation, negsim.Explanation) and explanation.narration
    outcome, log = negsim.run(scenario, seed=7)
    assert isinstance(outcome, negsim.Outcome) and isinstance(log, negsim.EventLog) and len(log) > 0
    row, events = negsim.run_replication(scenario, root_seed=0, index=3)
    assert (row["replication"], events) == (3, "")
    assert negsim.replicate(GAZA.read_text(encoding="utf-8"), 4, seed=0)[3] == row


def test_errors_are_catchable_from_the_package_root() -> None:
    with pytest.raises(negsim.ScenarioError) as raised:
        negsim.loads("negsim: 1\nid: broken\n")
    assert isinstance(raised.value, negsim.NegsimError)
    assert all(isinstance(d, negsim.Diagnostic) for d in raised.value.diagnostics)
    with pytest.raises(negsim.UsageError, match="unknown proposal"):
        negsim.evaluate(negsim.load(GAZA), "no-such-proposal")


def test_verdict_values_are_the_codes_stored_in_arrays_and_kleene_logic_holds_on_them() -> None:
    assert [(v.value, v.word) for v in negsim.Verdict] == [(0, "breaks"), (1, "open"), (2, "holds")]
    for a in negsim.Verdict:
        assert negsim.Verdict(2 - a) is {"breaks": negsim.Verdict.HOLDS, "open": negsim.Verdict.OPEN,
                                      "holds": negsim.Verdict.BREAKS}[a.word]  # not
        for b in negsim.Verdict:
            both, either = negsim.Verdict(min(a, b)), negsim.Verdict(max(a, b))
            assert (both is negsim.Verdict.HOLDS) == (a is b is negsim.Verdict.HOLDS)  # all
            assert (either is negsim.Verdict.BREAKS) == (a is b is negsim.Verdict.BREAKS)  # any
    codes = np.array(list(negsim.Verdict), dtype=np.int8)
    assert [negsim.Verdict(int(c)).word for c in codes] == ["breaks", "open", "holds"]


def test_an_issue_left_open_is_not_a_verdict() -> None:
    assert negsim.LEFT_OPEN not in {v.value for v in negsim.Verdict}
    space = negsim.OutcomeSpace.of(negsim.load(GAZA))
    row = space.encode({})
    assert (row == negsim.LEFT_OPEN).all()


def test_outputs_keep_the_words_of_verdicts_and_the_file_key_of_the_walk_away_value() -> None:
    evaluation = negsim.evaluate(negsim.load(GAZA), "us-bridging-2024-08").to_dict()
    words = {r["verdict"] for p in evaluation["parties"] for r in p["red_lines"]}
    assert words <= {"holds", "breaks", "open"} and "breaks" in words
    israel = next(p for p in evaluation["parties"] if p["party"] == "israel")
    assert israel["reservation"]["id"] == "israel/reservation-value"
    assert set(israel["reservation"]) == {"id", "verdict", "reservation", "utility"}
    json.dumps(evaluation)


def test_an_outcome_is_a_frozen_dataclass_made_of_its_fields_in_order() -> None:
    outcome, _ = negsim.run(negsim.load(GAZA), seed=7)
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
    space = negsim.OutcomeSpace.of(negsim.load(GAZA))
    given = [f.name for f in dataclasses.fields(negsim.OutcomeSpace) if f.init]
    assert list(inspect.signature(negsim.OutcomeSpace).parameters) == given == ["issues", "domains"]
    derived = negsim.OutcomeSpace(space.issues, space.domains)  # the written-out constructor fills every field
    assert {f.name: getattr(derived, f.name) for f in dataclasses.fields(derived)} == \
        {f.name: getattr(space, f.name) for f in dataclasses.fields(space)}
    assert derived == space and hash(derived) == hash(space)
    assert derived.size == len(space.every_package()) and derived.sizes == tuple(map(len, space.domains))
    smaller = dataclasses.replace(space, issues=space.issues[:1], domains=space.domains[:1])
    assert (smaller.sizes, smaller.size) == (space.sizes[:1], space.sizes[0])
    assert pickle.loads(pickle.dumps(space)) == space
    with pytest.raises(dataclasses.FrozenInstanceError):
        space.size = 0  # type: ignore[misc]
