"""Load a scenario file: safe YAML, strict schema, cross-references; every finding at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import Diagnostic, ScenarioError
from .base import Day
from .conditions import Condition
from .events import Event
from .model import History, Issue, Party, Proposal, Scenario, SourceDocument
from .redlines import RedLine
from .semantics import Checker, Parts
from .smells import smells
from .validate import diagnostics_from
from .yamlio import Document, YamlProblem, parse, read_text

_SECTIONS: dict[str, tuple[str, Any]] = {
    "issues": ("issue", Issue), "parties": ("party", Party), "proposals": ("proposal", Proposal),
    "events": ("event", Event), "sources": ("source document", SourceDocument),
}
_CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)
_DAY: TypeAdapter[Any] = TypeAdapter(Day)
_HISTORY: TypeAdapter[Any] = TypeAdapter(History)


@dataclass(frozen=True)
class Checked:
    """A scenario file as read: its document (None if unreadable), scenario (None if invalid), findings."""

    document: Document | None
    scenario: Scenario | None
    findings: list[Diagnostic]


def inspect(path: str | Path) -> Checked:
    """Read and check a scenario file, keeping the parsed document for positions."""
    path = Path(path)
    try:
        doc = parse(read_text(path), str(path))
    except YamlProblem as problem:
        return Checked(None, None, [problem.diagnostic])
    scenario, findings = check_document(doc)
    return Checked(doc, scenario, findings)


def read(path: str | Path) -> tuple[Scenario | None, list[Diagnostic]]:
    """Read and check a scenario file, returning the scenario (None if invalid) and findings."""
    checked = inspect(path)
    return checked.scenario, checked.findings


def load(path: str | Path) -> Scenario:
    """Load a valid scenario, or raise :class:`ScenarioError` with every finding."""
    scenario, findings = read(path)
    errors = [d for d in findings if d.severity == "error"]
    if scenario is None or errors:
        raise ScenarioError(errors)
    return scenario


def loads(text: str, name: str = "<string>") -> Scenario:
    """Load a scenario from YAML text (for notebooks and tests)."""
    try:
        doc = parse(text, name)
    except YamlProblem as problem:
        raise ScenarioError([problem.diagnostic]) from None
    scenario, findings = check_document(doc)
    if scenario is None or any(d.severity == "error" for d in findings):
        raise ScenarioError([d for d in findings if d.severity == "error"])
    return scenario


def check_document(doc: Document) -> tuple[Scenario | None, list[Diagnostic]]:
    """Validate a parsed document against the schema and its cross-references."""
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        line, col = doc.where.locate(())
        return None, [Diagnostic(doc.path, line, col, f"a scenario is a mapping of keys such as "
                                 f"'issues' and 'parties', but this file holds {kind}")]
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        findings = diagnostics_from(exc, doc, Scenario)
        findings += Checker(doc, _partial_parts(doc.data)).run()
        return None, _dedupe(findings)
    findings = Checker(doc, _parts_of(scenario)).run()
    if any(d.severity == "error" for d in findings):
        return None, findings
    return scenario, findings + smells(scenario, doc)


def _parts_of(scenario: Scenario) -> Parts:
    return Parts(
        issues=list(scenario.issues), parties=list(scenario.parties),
        proposals=list(scenario.proposals), events=list(scenario.events),
        sources=list(scenario.sources), conditions=dict(scenario.conditions),
        lead_mediator=scenario.talks.lead_mediator, start=scenario.start, history=scenario.history,
    )


def _partial_parts(data: dict[str, Any]) -> Parts:
    """Validate each item of each section on its own, keeping those that pass."""
    parts = Parts()
    for section, (kind, model) in _SECTIONS.items():
        raw = data.get(section)
        items = raw if isinstance(raw, list) else []
        kept: list[Any] = getattr(parts, section)
        for item in items:
            try:
                kept.append(model.model_validate(item))
            except ValidationError:
                kept.append(None)
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    parts.unchecked.setdefault(kind, set()).add(item["id"])
                if section == "parties" and isinstance(item, dict):
                    _loose_red_lines(parts, len(kept) - 1, item.get("red_lines"))
    talks = data.get("talks")
    if isinstance(talks, dict) and isinstance(talks.get("lead_mediator"), str):
        parts.lead_mediator = talks["lead_mediator"]
    parts.start = _valid_or_none(_DAY, data.get("start"))
    if data.get("history") is not None:
        parts.history = _valid_or_none(_HISTORY, data.get("history"))
    raw_conditions = data.get("conditions")
    for name, cond in (raw_conditions.items() if isinstance(raw_conditions, dict) else ()):
        try:
            parts.conditions[str(name)] = _CONDITION.validate_python(cond)
        except ValidationError:
            parts.conditions[str(name)] = None
            parts.unchecked.setdefault("named condition", set()).add(str(name))
    return parts


def _valid_or_none(adapter: TypeAdapter[Any], raw: Any) -> Any:
    """``raw`` validated, or None where it fails (its errors are reported by the schema)."""
    try:
        return adapter.validate_python(raw)
    except ValidationError:
        return None


def _loose_red_lines(parts: Parts, index: int, raw: Any) -> None:
    """Keep the valid red lines of a party that failed, so their references are checked."""
    for j, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            red_line = RedLine.model_validate(item)
        except ValidationError:
            continue
        parts.loose_red_lines.append((("parties", index, "red_lines", j), red_line))


def _dedupe(findings: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(findings))
