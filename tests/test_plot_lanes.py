"""The report's lanes (which values each red-line atom allows) say what the one check says.

For every atom the lanes chart draws, the values it marks as allowed must be exactly the
values for which the one check finds the atom holding on complete packages that differ only
in that issue: on every atom of the bundled scenarios and on atoms hypothesis makes up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from bundled import BUNDLED
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import negsim
from negsim.constraints.compile import Compiler, allowed_values
from negsim.constraints.verdict import Verdict
from negsim.report import plots
from negsim.scenario.conditions import Atom
from negsim.scenario.model import Issue, Scenario
from negsim.scenario.words import value_words

ROOT = Path(__file__).resolve().parent.parent


def checked(scenario: Scenario, atom: Atom) -> tuple[bool, ...]:
    """Whether the one check finds ``atom`` holding on each value of its issue, other issues at their first value."""
    compiler = Compiler(scenario)
    position = compiler.space.position(atom.issue)
    size = compiler.space.sizes[position]
    columns = [np.zeros(size, dtype=np.intp) for _ in compiler.space.sizes]
    columns[position] = np.arange(size, dtype=np.intp)
    return tuple(bool(v == Verdict.HOLDS) for v in compiler.condition(atom)(columns))


def drawn_atoms(scenario: Scenario) -> Iterator[tuple[str, str, Atom]]:
    """Every atom the lanes chart draws: its red line, its lane text and the atom."""
    for party in scenario.parties:
        for red_line in party.red_lines:
            for condition, context in ((red_line.when, "when"), (red_line.require, "requires")):
                for where, atom in plots._atoms(condition, scenario, context):
                    text = f"{where} {atom.op} {value_words(atom.value)}"
                    yield f"{party.id}/{red_line.id}", text, atom


def test_bundled_scenarios_have_atoms_to_draw() -> None:
    assert BUNDLED
    assert all(any(True for _ in drawn_atoms(negsim.load(path))) for path in BUNDLED)


def test_lanes_of_every_bundled_atom_are_what_the_one_check_says() -> None:
    for path in BUNDLED:
        scenario = negsim.load(path)
        issues = {issue.id: issue for issue in scenario.issues}
        for ref, text, atom in drawn_atoms(scenario):
            lanes = {(lane.ref, lane.text): lane for lane in plots.lanes_for(issues[atom.issue], [("s", scenario)])}
            assert lanes[ref, text].allowed == checked(scenario, atom), (path.name, ref, text)


def test_every_atom_of_every_version_allows_what_the_one_check_says() -> None:
    """Alternative versions are not drawn, but the same question must get the same answer there too."""
    tried = 0
    for path in BUNDLED:
        scenario = negsim.load(path)
        issues = {issue.id: issue for issue in scenario.issues}
        versions = [(v.when, v.require) for p in scenario.parties for r in p.red_lines for v in r.versions]
        atoms = [atom for pair in versions for cond in pair for _, atom in plots._atoms(cond, scenario, "")]
        tried += len(atoms)
        for atom in atoms:
            assert allowed_values(issues[atom.issue], atom) == checked(scenario, atom), (path.name, atom)
    assert tried, "no bundled scenario has versions of its red lines"


CATEGORIES = ("a", "b", "c", "d", "yes", "1")
OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
SET_OPERATORS = ("in", "not in")


@st.composite
def issues_and_atoms(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A raw issue of any type and a raw atom over it, its value sometimes outside the domain."""
    kind = draw(st.sampled_from(["categorical", "ordered", "boolean", "integer"]))
    issue: dict[str, Any] = {"id": "term", "name": "The term", "type": kind}
    values: list[Any]
    if kind in ("categorical", "ordered"):
        values = draw(st.lists(st.sampled_from(CATEGORIES), min_size=2, max_size=5, unique=True))
        issue["values"] = values
        strangers: list[Any] = ["zz", 1, True]
    elif kind == "boolean":
        values, strangers = [False, True], ["true", 0]
    else:
        low, count, step = draw(st.integers(-5, 5)), draw(st.integers(1, 6)), draw(st.integers(1, 3))
        issue.update(min=low, max=low + count * step, step=step)
        values, strangers = list(range(low, low + count * step + 1, step)), [low - 1, low + 1 if step > 1 else -99, "3"]
    pick = st.sampled_from(values + strangers)
    op = draw(st.sampled_from(OPERATORS + SET_OPERATORS))
    value = draw(st.lists(pick, min_size=1, max_size=3)) if op in SET_OPERATORS else draw(pick)
    return issue, {"issue": "term", "op": op, "value": value}


def one_atom_scenario(issue: dict[str, Any], atom: dict[str, Any]) -> Scenario:
    """A scenario with the issue, a second issue, and one party whose one red line requires the atom."""
    data = {
        "negsim": 1, "id": "lanes", "title": "Lanes", "start": "2024-10-01", "horizon_days": 10,
        "issues": [issue, {"id": "other", "name": "Another term", "type": "boolean"}],
        "parties": [{"id": "p", "name": "P", "role": "principal",
                     "red_lines": [{"id": "rl", "require": atom, "rationale": "r", "source": "assumption"}]},
                    {"id": "q", "name": "Q", "role": "principal"}],
    }
    # Built as a model, not loaded: the loader would refuse an operator the issue's type cannot take or a
    # value outside its domain, but a scenario built in code can hold them and the chart must still agree.
    return Scenario.model_validate(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(issues_and_atoms(), st.booleans())
@example(({"id": "term", "name": "The term", "type": "boolean"}, {"issue": "term", "op": "==", "value": 0}), False)
@example(({"id": "term", "name": "The term", "type": "integer", "min": 0, "max": 3},
          {"issue": "term", "op": "<", "value": 2}), True)
def test_lanes_of_made_up_atoms_are_what_the_one_check_says(raw: tuple[dict[str, Any], dict[str, Any]],
                                                            other: bool) -> None:
    scenario = one_atom_scenario(*raw)
    issue: Issue = scenario.issues[0]
    (lane,) = plots.lanes_for(issue, [("s", scenario)])
    verdicts = [negsim.evaluate(scenario, {"term": value, "other": other}).parties[0].red_lines[0].verdict
                for value in issue.domain()]
    assert lane.allowed == tuple(verdict == "holds" for verdict in verdicts)
