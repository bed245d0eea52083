"""The known historical outcome of a scenario (``history``): read, exposed and checked like the rest."""

from __future__ import annotations

from datetime import date

import pytest

import negsim
from negsim.errors import ScenarioError

SCENARIO = """\
negsim: 1
id: wages
title: Wage talks
start: 2025-01-06
sources:
  - id: page
    title: Report on the talks
    url: https://example.org/talks
issues:
  - {id: raise, name: Pay rise, type: integer, min: 0, max: 6}
  - {id: tiers, name: Wage tiers, type: categorical, values: [kept, ended]}
parties:
  - id: union
    name: Union
    role: principal
    red_lines:
      - id: real-raise
        require: {issue: raise, op: ">=", value: 3}
        rationale: Pay must keep up with prices.
        source: assumption
        confidence: 0.5
  - {id: firm, name: Firm, role: principal}
history:
  outcome: agreement
  date: 2025-02-10
  terms: {raise: 4, tiers: ended}
  description: A four-year contract.
  source:
    doc: page
    quote: the two sides signed a contract
"""


def errors(text: str) -> list[str]:
    """Every finding of a scenario text, as ``line:col: message``."""
    with pytest.raises(ScenarioError) as caught:
        negsim.loads(text, "wages.yaml")
    return [f"{d.line}:{d.col}: {d.message}" for d in caught.value.diagnostics]


def test_the_history_is_on_the_scenario() -> None:
    history = negsim.loads(SCENARIO).history
    assert history is not None
    assert (history.outcome, history.date) == ("agreement", date(2025, 2, 10))
    assert history.terms == {"raise": 4, "tiers": "ended"}
    assert history.description == "A four-year contract." and not isinstance(history.source, str)
    assert history.source.doc == "page"


def test_history_is_optional_and_terms_may_leave_issues_out() -> None:
    assert negsim.loads(SCENARIO.partition("history:")[0]).history is None
    history = negsim.loads(SCENARIO.replace("{raise: 4, tiers: ended}", "{tiers: ended}")).history
    assert history is not None and history.terms == {"tiers": "ended"}


def test_no_agreement_needs_no_terms() -> None:
    text = SCENARIO.replace("outcome: agreement", "outcome: no-agreement")
    text = text.replace("  terms: {raise: 4, tiers: ended}\n", "")
    history = negsim.loads(text.replace("    doc: page\n    quote: the two sides signed a contract\n", " assumption\n")
                        .replace("  source:\n", "  source:")).history
    assert history is not None and history.outcome == "no-agreement" and history.source == "assumption"


def test_unknown_issues_and_values_in_the_terms_are_errors_at_their_place() -> None:
    found = errors(SCENARIO.replace("{raise: 4, tiers: ended}", "{raise: 9, tier: ended, tiers: gone}"))
    assert found == ["26:18: 9 is outside issue 'raise' (0 to 6)",
                     "26:21: unknown issue 'tier'; did you mean 'tiers'?",
                     "26:41: 'gone' is not a value of issue 'tiers'; its values are 'kept', 'ended'"]


def test_terms_with_no_agreement_are_an_error() -> None:
    assert errors(SCENARIO.replace("outcome: agreement", "outcome: no-agreement")) == [
        "26:3: a 'no-agreement' outcome has no terms; remove 'terms', or set 'outcome: agreement' if a deal was "
        "reached"]


def test_the_outcome_cannot_come_before_the_start() -> None:
    assert errors(SCENARIO.replace("date: 2025-02-10", "date: 2024-12-31")) == [
        "25:9: the outcome's date (2024-12-31) is before the scenario's start (2025-01-06); give the day the "
        "talks ended, on or after 'start'"]


def test_an_unknown_outcome_source_or_key_is_an_error() -> None:
    assert errors(SCENARIO.replace("outcome: agreement", "outcome: agreed")) == [
        "24:12: 'agreed' is not allowed here; expected one of: agreement, no-agreement; did you mean 'agreement'? "
        "(in history.outcome)"]
    assert errors(SCENARIO.replace("doc: page", "doc: pgae")) == [
        "29:10: unknown source document 'pgae'; did you mean 'page'?"]
    assert errors(SCENARIO.replace("  description:", "  sauce: x\n  description:"))[0].startswith(
        "27:3: unknown key 'sauce'")
    assert errors(SCENARIO.replace("  source:\n    doc: page\n    quote: the two sides signed a contract\n", ""))[0] \
        .startswith("24:3: missing required key 'source'")
