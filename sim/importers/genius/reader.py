"""The Genius model: domains (issues) and profiles (weights, evaluations, reservation), as the files write them.

How the numbers become utilities is a reading of them (``readings.py``): Genius's or NegMAS's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from xml.etree.ElementTree import Element

from ...errors import Diagnostic
from ...scenario.base import MAX_INTEGER, MAX_VALUES_PER_ISSUE, MAX_WEIGHT
from .xmlfile import XmlFile

Table = dict[Any, float]


@dataclass(frozen=True)
class LinearEvaluator:
    """An integer issue's ``<evaluator ftype="linear">``: ``offset``, ``slope`` and the issue's lower bound there."""

    slope: float
    offset: float
    base: int


Evaluation = dict[str, float] | LinearEvaluator
"""One issue's evaluation in a profile, as written: item evaluations, or a linear evaluator."""


# -- the Genius model ------------------------------------------------------------------------


@dataclass(frozen=True)
class GeniusIssue:
    """One issue of a Genius domain: discrete items, or an integer range."""

    name: str
    index: str | None
    kind: Literal["discrete", "integer"]
    items: tuple[str, ...] = ()
    low: int = 0
    high: int = 0


@dataclass
class GeniusProfile:
    """One preference profile as written: per-issue weights and evaluations, reservation, discount."""

    path: Path
    weights: list[float] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    reservation: float | None = None
    discount: str | None = None
    weights_beside_objective: list[int] = field(default_factory=list)
    """Issues (positions) whose weight is not a child of the top ``<objective>``: NegMAS does not see it."""


@dataclass
class _Reader:
    """Collects every finding of one import, so one run reports them all."""

    findings: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    """What the import let pass but says (a duplicate item dropped, as Genius and NegMAS drop it)."""

    def report(self, xml: XmlFile, element: Element | None, message: str) -> None:
        self.findings.append(xml.finding(element, message))

    def warn(self, xml: XmlFile, element: Element | None, message: str) -> None:
        """Note something the import let pass, at its element."""
        self.warnings.append(replace(xml.finding(element, message), severity="warning"))

    def number(self, xml: XmlFile, element: Element, attribute: str) -> float | None:
        """A finite number read from an attribute, or None after reporting why not."""
        text = element.get(attribute)
        if text is None:
            self.report(xml, element, f"<{element.tag}> has no '{attribute}' attribute")
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.report(xml, element, f"'{attribute}' of <{element.tag}> is not a number: '{text}'")
            return None
        return value

    def integer(self, xml: XmlFile, element: Element, attribute: str) -> int | None:
        value = self.number(xml, element, attribute)
        if value is not None and not value.is_integer():
            self.report(xml, element, f"'{attribute}' of <{element.tag}> must be a whole number")
            return None
        return None if value is None else int(value)


# -- domains ---------------------------------------------------------------------------------


def _issue_kind(element: Element) -> str:
    return (element.get("type") or element.get("vtype") or "discrete").strip().lower()


def read_domain(xml: XmlFile, reader: _Reader) -> list[GeniusIssue]:
    """Read the issues of a Genius domain file, in the order Genius lists them."""
    elements = list(xml.root.iter("issue"))
    if not elements:
        reader.report(xml, xml.root, "no <issue> found: a Genius domain lists its issues under "
                      "<utility_space><objective>")
    issues = [issue for element in elements if (issue := _domain_issue(xml, element, reader))]
    _unique_labels(xml, reader, [(e, e.get("index")) for e in elements], "issue index")
    return issues


def _domain_issue(xml: XmlFile, element: Element, reader: _Reader) -> GeniusIssue | None:
    name, kind = element.get("name"), _issue_kind(element)
    if not name:
        reader.report(xml, element, "<issue> has no 'name' attribute")
        return None
    if kind == "discrete":
        return _discrete_issue(xml, element, name, reader)
    if kind == "integer":
        return _integer_issue(xml, element, name, reader)
    reader.report(xml, element, f"issue '{name}' is of type '{kind}'; negsim imports discrete and "
                  "integer issues only (discretise real-valued issues first)")
    return None


def _discrete_issue(xml: XmlFile, element: Element, name: str, reader: _Reader) -> GeniusIssue | None:
    items = element.findall("item")
    if len(items) > MAX_VALUES_PER_ISSUE:
        reader.report(xml, element, f"issue '{name}' has {len(items):,} items; negsim imports at most "
                      f"{MAX_VALUES_PER_ISSUE:,} values per issue (merge or drop items first)")
        return None
    values: list[str | None] = []
    for item in items:
        value = item.get("value")
        if value is None:
            reader.report(xml, item, f"an <item> of issue '{name}' has no 'value' attribute")
        elif value in values:  # Genius 10.4's own FlightBooking domain repeats one
            reader.warn(xml, item, f"value '{value}' of issue '{name}' appears twice; the repeat is dropped, as "
                        "Genius and NegMAS drop it")
            continue
        values.append(value)
    if len(values) < 2:
        reader.report(xml, element, f"issue '{name}' has {len(values)} item(s); negsim needs at least two")
    if None in values or len(values) < 2:
        return None
    return GeniusIssue(name, element.get("index"), "discrete", tuple(v for v in values if v is not None))


def _integer_issue(xml: XmlFile, element: Element, name: str, reader: _Reader) -> GeniusIssue | None:
    low, high = reader.integer(xml, element, "lowerbound"), reader.integer(xml, element, "upperbound")
    if low is None or high is None:
        return None
    if low >= high or high - low + 1 > MAX_VALUES_PER_ISSUE:
        reader.report(xml, element, f"integer issue '{name}' ranges over [{low}, {high}]; negsim needs "
                      f"a lower bound below the upper and at most {MAX_VALUES_PER_ISSUE:,} values")
        return None
    if max(abs(low), abs(high)) > MAX_INTEGER:
        reader.report(xml, element, f"integer issue '{name}' ranges over [{low}, {high}]; negsim's integer "
                      f"issues stay within -{MAX_INTEGER:,} to {MAX_INTEGER:,}")
        return None
    return GeniusIssue(name, element.get("index"), "integer", low=low, high=high)


def _unique_labels(xml: XmlFile, reader: _Reader, labelled: list[tuple[Element, str | None]], what: str) -> None:
    seen: set[str] = set()
    for element, label in labelled:
        if label is not None and label in seen:
            reader.report(xml, element, f"{what} '{label}' appears twice")
        if label is not None:
            seen.add(label)


# -- profiles --------------------------------------------------------------------------------


def read_profile(xml: XmlFile, issues: Sequence[GeniusIssue], reader: _Reader) -> GeniusProfile:
    """Read a Genius preference profile against the issues of its domain."""
    profile = GeniusProfile(xml.path, [0.0] * len(issues), [{} for _ in issues])
    found = _profile_issues(xml, issues, reader)
    for position, issue in enumerate(issues):
        element = found.get(position)
        if element is None:
            reader.report(xml, xml.objective, f"issue '{issue.name}' of the domain has no evaluation here")
        elif issue.kind == "discrete":
            profile.evaluations[position] = _item_evaluations(xml, element, issue, reader)
        else:
            profile.evaluations[position] = _linear_evaluator(xml, element, issue, reader) or {}
    _read_weights(xml, issues, profile, reader)
    _read_reservation(xml, profile, reader)
    discount = xml.root.find(".//discount_factor")
    profile.discount = None if discount is None else discount.get("value")
    return profile


def _profile_issues(xml: XmlFile, issues: Sequence[GeniusIssue], reader: _Reader) -> dict[int, Element]:
    """Match the profile's issues to the domain's: by index, else by name."""
    by_index = {issue.index: k for k, issue in enumerate(issues) if issue.index is not None}
    by_name = {issue.name: k for k, issue in enumerate(issues)}
    found: dict[int, Element] = {}
    for element in xml.root.iter("issue"):
        index, name = element.get("index"), element.get("name")
        position = by_index.get(index) if index in by_index else by_name.get(name or "")
        problem = _profile_issue_problem(issues, position, index, name, twice=position in found)
        if problem is not None:
            reader.report(xml, element, problem)
        elif position is not None:
            found[position] = element
    return found


def _profile_issue_problem(issues: Sequence[GeniusIssue], position: int | None, index: str | None,
                           name: str | None, *, twice: bool) -> str | None:
    """What is wrong with a profile's issue matched to the domain's issue at ``position``, if anything."""
    if position is None:
        return f"issue '{name}' (index {index}) is not an issue of the domain"
    if name is not None and name != issues[position].name:
        return f"issue index {index} is '{issues[position].name}' in the domain but '{name}' here"
    if twice:
        return f"issue '{issues[position].name}' is evaluated twice"
    return None


def _item_evaluations(xml: XmlFile, element: Element, issue: GeniusIssue, reader: _Reader) -> dict[str, float]:
    """The evaluation of every item, as written (a repeated item's first)."""
    raw: dict[str, float] = {}
    known = set(issue.items)
    for item in element.findall("item"):
        value = item.get("value")
        if value not in known:
            reader.report(xml, item, f"'{value}' is not a value of issue '{issue.name}'")
            continue
        if value in raw:
            reader.warn(xml, item, f"'{value}' of issue '{issue.name}' is evaluated twice; the first evaluation "
                        "is kept, the repeat dropped")
            continue
        evaluation = reader.number(xml, item, "evaluation")
        if evaluation is not None and evaluation < 0:
            reader.report(xml, item, f"evaluation of '{value}' is negative; Genius needs evaluations >= 0")
        elif evaluation is not None:
            raw[value] = evaluation
    _report_missing_items(xml, element, issue, reader)
    return raw


def _report_missing_items(xml: XmlFile, element: Element, issue: GeniusIssue, reader: _Reader) -> None:
    listed = {item.get("value") for item in element.findall("item")}
    missing = [v for v in issue.items if v not in listed]
    if missing:
        shown = ", ".join(f"'{v}'" for v in missing)
        reader.report(xml, element, f"issue '{issue.name}' gives no evaluation for {shown}")


def _linear_evaluator(xml: XmlFile, element: Element, issue: GeniusIssue, reader: _Reader) -> LinearEvaluator | None:
    evaluator = element.find("evaluator")
    if evaluator is None or evaluator.get("slope") is None or evaluator.get("offset") is None:
        reader.report(xml, element, f"integer issue '{issue.name}' needs <evaluator ftype=\"linear\" "
                      "slope=.. offset=..>")
        return None
    if (evaluator.get("ftype") or "linear").lower() != "linear":
        reader.report(xml, evaluator, f"evaluator type '{evaluator.get('ftype')}' is not supported; "
                      "negsim imports linear integer evaluators only")
        return None
    slope, offset = reader.number(xml, evaluator, "slope"), reader.number(xml, evaluator, "offset")
    base = reader.integer(xml, element, "lowerbound") if element.get("lowerbound") else issue.low
    if slope is None or offset is None or base is None:
        return None
    return LinearEvaluator(slope, offset, base)


def _read_weights(xml: XmlFile, issues: Sequence[GeniusIssue], profile: GeniusProfile, reader: _Reader) -> None:
    """Weights by issue index, wherever they sit; weights of objectives are ignored."""
    by_index = {issue.index: k for k, issue in enumerate(issues) if issue.index is not None}
    objectives = {o.get("index") for o in xml.root.iter("objective")}
    top = xml.root.find("objective")
    inside = {id(child) for child in (xml.root if top is None else top)}
    seen: set[int] = set()
    for element in xml.root.iter("weight"):
        index, value = element.get("index"), reader.number(xml, element, "value")
        position = by_index.get(index or "")
        if position is None:
            if index not in objectives:
                reader.report(xml, element, f"weight index {index} names no issue of the domain")
            continue
        problem = _weight_problem(issues[position].name, value, twice=position in seen)
        if problem is not None:
            reader.report(xml, element, problem)
        elif value is not None:
            profile.weights[position] = value
            if id(element) not in inside:
                profile.weights_beside_objective.append(position)
        seen.add(position)
    _report_missing_weights(xml, issues, profile, reader, seen)


def _report_missing_weights(xml: XmlFile, issues: Sequence[GeniusIssue], profile: GeniusProfile, reader: _Reader,
                            seen: set[int]) -> None:
    """Every issue without a weight; and weights that are all zero, which weigh nothing."""
    for position in sorted(set(range(len(issues))) - seen):
        reader.report(xml, xml.objective, f"issue '{issues[position].name}' (index {issues[position].index}) "
                      "has no <weight index=.. value=..>")
    if seen and sum(profile.weights) <= 0:
        reader.report(xml, xml.objective, "every weight is zero")


def _weight_problem(issue: str, value: float | None, *, twice: bool) -> str | None:
    """What is wrong with an issue's weight, if anything (a missing value is reported where it is read)."""
    if twice:
        return f"issue '{issue}' has two weights"
    if value is not None and value < 0:
        return f"weight of issue '{issue}' is negative"
    if value is not None and value > MAX_WEIGHT:
        return (f"weight of issue '{issue}' is {value:g}; negsim takes "
                f"weights up to {MAX_WEIGHT:,.0f} (weights are relative: scale them all down)")
    return None


def _read_reservation(xml: XmlFile, profile: GeniusProfile, reader: _Reader) -> None:
    element = xml.root.find(".//reservation")
    if element is None:
        return
    profile.reservation = reader.number(xml, element, "value")  # its scale is the reading's (readings.py)
