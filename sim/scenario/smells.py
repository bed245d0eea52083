"""Warnings on a valid scenario: things that are allowed but cannot be what the author meant.

- a walk-away value above the best utility any package gives its party (it can never accept);
- a named condition that nothing uses;
- fewer than two principals (nobody to negotiate with: a run "agrees" with itself).

They are warnings, not errors: ``check`` exits 0 with them, and every command runs the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import Diagnostic
from .conditions import Condition
from .model import Party, Scenario
from .semantics import named_refs
from .yamlio import Document, PathKey

REACHABLE_BY = 1e-9
"""A walk-away value this close above the best utility is still reachable (the one tolerance of utilities)."""


def smells(scenario: Scenario, doc: Document) -> list[Diagnostic]:
    """The warnings on a valid scenario, each at the value it is about."""
    found: list[tuple[PathKey, str]] = []
    found += _unreachable_walk_aways(scenario)
    found += _unused_conditions(scenario)
    found += _lone_principal(scenario)
    diagnostics = []
    for path, message in found:
        line, col = doc.where.locate(path)
        diagnostics.append(Diagnostic(doc.path, line, col, message, "warning"))
    return diagnostics


def best_utility(party: Party, scenario: Scenario) -> float | None:
    """The most any package is worth to a party (None without preferences): its best value on each issue, weighted.

    Utilities are additive over issues, and an integer issue's values are interpolated between
    the points given, never above the highest, so the best package takes each issue's best value.
    """
    prefs = party.preferences
    if prefs is None:
        return None
    total = sum(prefs.weights.values()) or 1.0
    best = 0.0
    for issue in scenario.issues:
        table = prefs.values.get(issue.id)
        if table:
            best += prefs.weights.get(issue.id, 0.0) / total * max(table.values())
    return best


def _unreachable_walk_aways(scenario: Scenario) -> Iterator[tuple[PathKey, str]]:
    for k, party in enumerate(scenario.parties):
        best = best_utility(party, scenario)
        if best is None or party.preferences is None:
            continue
        walk_away = party.preferences.reservation
        if walk_away > best + REACHABLE_BY:
            yield (("parties", k, "preferences", "reservation"),
                   f"{party.id}'s walk-away value {walk_away:g} is above the most any package is worth to it "
                   f"({best:.6g}, its best value on every issue): it can never accept a text; lower it, or "
                   "check its weights and values")


def _unused_conditions(scenario: Scenario) -> Iterator[tuple[PathKey, str]]:
    used = _used_names(scenario)
    for name in scenario.conditions:
        if name not in used:
            yield (("conditions", name), f"the named condition '{name}' is not used by any red line, version, "
                   "event or other condition; remove it, or refer to it with {condition: " + name + "}")


def _used_names(scenario: Scenario) -> set[str]:
    """The named conditions the red lines, versions and events refer to, directly or through other named ones."""
    used: set[str] = set()
    waiting = [name for condition in _every_condition(scenario) for name in named_refs(condition)]
    while waiting:
        name = waiting.pop()
        if name not in used and name in scenario.conditions:
            used.add(name)
            waiting.extend(named_refs(scenario.conditions[name]))
    return used


def _every_condition(scenario: Scenario) -> Iterator[Condition]:
    """The conditions of every red line, version and event effect (named conditions are reached from these)."""
    for party in scenario.parties:
        for red_line in party.red_lines:
            yield from _rule_parts(red_line)
            for version in red_line.versions:
                yield from _rule_parts(version)
    for event in scenario.events:
        for effect in event.effects:
            added = getattr(effect, "red_line", None)  # an added red line (a switch names one by its id)
            if added is not None and not isinstance(added, str):
                yield from _rule_parts(added)


def _rule_parts(rule: Any) -> Iterator[Condition]:
    for part in (rule.when, rule.require):
        if part is not None:
            yield part


def _lone_principal(scenario: Scenario) -> Iterator[tuple[PathKey, str]]:
    principals = [party.id for party in scenario.parties if party.role == "principal"]
    if len(principals) < 2:
        who = f"only one principal ({principals[0]})" if principals else "no principal"
        yield (("parties",), f"the scenario has {who}: a negotiation needs two, or a run 'agrees' with nobody; "
               "give the other side role: principal")
