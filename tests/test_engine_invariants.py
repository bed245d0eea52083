"""No simulated agreement ever breaks an active red line or a walk-away value.

Random scenarios (both protocols, private red lines, drawn versions, events that switch,
drop and add red lines and move walk-away values) are run through the engine; every
agreement is re-checked independently from the scenario data and the run's final state.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from negsim.scenario.model import Scenario
from negsim.scenario.redlines import STATED
from negsim.simulation.talks import run

OPS_ORDERED = ["==", "!=", "<=", ">=", "<", ">", "in", "not in"]
OPS_PLAIN = ["==", "!=", "in", "not in"]


def random_atom(rng: np.random.Generator, issues: list[dict[str, Any]]) -> dict[str, Any]:
    issue = issues[rng.integers(len(issues))]
    values = issue["values"]
    op = str(rng.choice(OPS_ORDERED if issue["type"] == "ordered" else OPS_PLAIN))
    if op in ("in", "not in"):
        picked = rng.choice(len(values), size=rng.integers(1, len(values) + 1), replace=False)
        return {"issue": issue["id"], "op": op, "value": [values[i] for i in sorted(picked)]}
    return {"issue": issue["id"], "op": op, "value": values[rng.integers(len(values))]}


def random_red_line(rng: np.random.Generator, issues: list[dict[str, Any]], rid: str) -> dict[str, Any]:
    require = random_atom(rng, issues) if rng.random() < 0.6 else {
        str(rng.choice(["all", "any"])): [random_atom(rng, issues) for _ in range(2)]}
    red_line: dict[str, Any] = {"id": rid, "require": require, "rationale": "r", "source": "assumption",
                                "confidence": float(rng.choice([0.4, 0.7, 1.0])), "private": bool(rng.random() < 0.3)}
    if rng.random() < 0.3:
        red_line["when"] = random_atom(rng, issues)
    if rng.random() < 0.4:
        red_line["versions"] = [{"id": "soft", "kind": "softer", "require": random_atom(rng, issues)}]
    return red_line


def random_scenario(rng: np.random.Generator, index: int) -> dict[str, Any]:
    issues = []
    for i in range(int(rng.integers(2, 4))):
        kind = str(rng.choice(["categorical", "ordered"]))
        issues.append({"id": f"i{i}", "name": f"I{i}", "type": kind,
                       "values": [f"v{k}" for k in range(int(rng.integers(2, 5)))]})
    parties = []
    for p in range(int(rng.integers(2, 4))):
        values = {i["id"]: {v: float(rng.choice([0, 0.25, 0.5, 0.75, 1])) for v in i["values"]} for i in issues}
        parties.append({
            "id": f"p{p}", "name": f"P{p}", "role": "principal",
            "red_lines": [random_red_line(rng, issues, f"r{r}") for r in range(int(rng.integers(0, 3)))],
            "preferences": {"weights": {i["id"]: int(rng.integers(1, 4)) for i in issues}, "values": values,
                            "reservation": float(rng.choice([0.0, 0.2, 0.4]))},
            "concession": {"style": str(rng.choice(["boulware", "conceder", "linear", "tit-for-tat"]))},
        })
    mediated = rng.random() < 0.6
    if mediated:
        parties.append({"id": "m", "name": "M", "role": "mediator",
                        "red_lines": [random_red_line(rng, issues, "mr")] if rng.random() < 0.4 else []})
    events: list[dict[str, Any]] = []
    principal_lines = [(p["id"], r) for p in parties if p["role"] == "principal" for r in p["red_lines"]]
    for e in range(int(rng.integers(0, 4))):
        effects: list[dict[str, Any]] = []
        choice = rng.integers(4)
        if choice == 0 and principal_lines:
            party, line = principal_lines[rng.integers(len(principal_lines))]
            if line.get("versions"):
                effects.append({"type": "soften", "red_line": f"{party}/{line['id']}", "to": "soft"})
            else:
                effects.append({"type": "drop", "red_line": f"{party}/{line['id']}"})
        elif choice == 1:
            effects.append({"type": "add", "party": "p0", "red_line": random_red_line(rng, issues, f"added{e}")})
        elif choice == 2:
            shift = float(rng.choice([-0.2, 0.2]))
            effects.append({"type": "reservation", "party": f"p{rng.integers(2)}", "by": shift})
        else:
            effects.append({"type": "leave" if rng.random() < 0.5 else "join", "party": "p1"})
        timing: dict[str, Any] = {"date": f"2024-01-{int(rng.integers(1, 20)):02d}"} if rng.random() < 0.5 else \
            {"rate_per_day": float(rng.choice([0.05, 0.2])), "progress_damping": float(rng.choice([0, 0.5]))}
        kind = "summit" if mediated and "date" in timing and rng.random() < 0.3 else "shock"
        events.append({"id": f"e{e}", "kind": kind, **timing, "effects": effects,
                       "parties": ["p0", "p1"], "attendance": {"p1": 0.5}})
    proposals = [_open_proposal(rng, issues, parties)] if mediated and rng.random() < 0.5 else []
    return {"negsim": 1, "id": f"random-{index}", "title": "Random", "start": "2024-01-01", "horizon_days": 20,
            "issues": issues, "parties": parties, "events": events, "proposals": proposals,
            "talks": {"max_rounds": int(rng.integers(5, 40)), "deliberation_days": 0.5}}


def _open_proposal(rng: np.random.Generator, issues: list[dict[str, Any]],
                   parties: list[dict[str, Any]]) -> dict[str, Any]:
    """The mediator's own proposal, leaving some issues open; principals' red lines defer or withhold at random."""
    for party in parties:
        for line in party["red_lines"]:
            line["if_left_open"] = str(rng.choice(["defer", "withhold"]))
    settled = [i for i in issues if rng.random() < 0.5]
    return {"id": "open-text", "title": "Open text", "proposer": "m",
            "terms": {i["id"]: str(rng.choice(i["values"])) for i in settled}}


def satisfies(cond: dict[str, Any], terms: dict[str, Any], order: dict[str, list[str]]) -> bool:
    """Plain evaluation of a condition on complete terms (independent of negsim.constraints.compile)."""
    if "all" in cond:
        return all(satisfies(c, terms, order) for c in cond["all"])
    if "any" in cond:
        return any(satisfies(c, terms, order) for c in cond["any"])
    value, target, rank = terms[cond["issue"]], cond["value"], order[cond["issue"]].index
    return {"==": value == target, "!=": value != target,
            "in": value in target if isinstance(target, list) else False,
            "not in": value not in target if isinstance(target, list) else False,
            "<=": rank(value) <= rank(target) if not isinstance(target, list) else False,
            ">=": rank(value) >= rank(target) if not isinstance(target, list) else False,
            "<": rank(value) < rank(target) if not isinstance(target, list) else False,
            ">": rank(value) > rank(target) if not isinstance(target, list) else False}[cond["op"]]


def red_line_holds(line: dict[str, Any], terms: dict[str, Any], order: dict[str, list[str]]) -> bool:
    return ("when" in line and not satisfies(line["when"], terms, order)) or satisfies(line["require"], terms, order)


def utility(prefs: dict[str, Any], terms: dict[str, Any]) -> float:
    total = sum(prefs["weights"].values())
    return sum(w / total * prefs["values"][i][terms[i]] for i, w in prefs["weights"].items())


def active_definitions(data: dict[str, Any], versions: dict[str, str | None]) -> dict[str, dict[str, Any]]:
    lines = {f"{p['id']}/{r['id']}": r for p in data["parties"] for r in p["red_lines"]}
    for event in data["events"]:
        for effect in event["effects"]:
            if effect["type"] == "add":
                lines[f"{effect['party']}/{effect['red_line']['id']}"] = effect["red_line"]
    active = {}
    for ref, version in versions.items():
        if version is None:
            continue
        line = lines[ref]
        if version == STATED:
            active[ref] = line
        else:
            alt = next(v for v in line["versions"] if v["id"] == version)
            active[ref] = {"require": alt["require"], **({"when": alt["when"]} if "when" in alt else {})}
    return active


def check_run(data: dict[str, Any], seed: int) -> None:
    scenario = Scenario.model_validate(data)
    outcome, log = run(scenario, seed=seed, draw=seed % 2 == 1)
    kinds = [entry["kind"] for entry in log.entries]
    assert [k for k in kinds if k in ("agreement", "end")] == kinds[-1:], (data["id"], seed)  # nothing after the end
    order = {i["id"]: i["values"] for i in data["issues"]}
    active = active_definitions(data, outcome.versions)
    prefs = {p["id"]: p["preferences"] for p in data["parties"] if "preferences" in p}
    packages = [dict(zip(order, combo, strict=True)) for combo in itertools.product(*order.values())]

    def feasible(terms: dict[str, Any]) -> bool:
        return all(red_line_holds(line, terms, order) for line in active.values()) and all(
            utility(prefs[p], terms) >= outcome.walk_aways[p] - 1e-6 for p in prefs)

    if outcome.agreed:
        assert outcome.package is not None
        assert None not in outcome.package.values(), (data["id"], seed)  # a deal is a whole text
        broken = [ref for ref, line in active.items() if not red_line_holds(line, outcome.package, order)]
        assert not broken, (data["id"], seed, broken)
        assert feasible(outcome.package), (data["id"], seed)
    elif not any(feasible(t) for t in packages):
        assert outcome.blocking, (data["id"], seed)
    if not any(feasible(t) for t in packages):
        assert not outcome.agreed


@pytest.mark.parametrize("block", range(10))
def test_no_agreement_breaks_an_active_red_line(block: int) -> None:
    rng = np.random.default_rng(1000 + block)
    for index in range(100):
        check_run(random_scenario(rng, block * 100 + index), seed=index)


@pytest.mark.slow
@pytest.mark.parametrize("block", range(100))
def test_no_agreement_breaks_an_active_red_line_at_scale(block: int) -> None:
    rng = np.random.default_rng(50_000 + block)
    for index in range(1000):
        check_run(random_scenario(rng, block * 1000 + index), seed=index)


def test_importing_the_agents_loads_no_simpy() -> None:
    code = ("import sys, negsim.agents.world, negsim.agents.principal, negsim.agents.mediator; "
            "print('simpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
