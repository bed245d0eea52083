"""The scenarios in scenarios/: real negotiations with their known outcome, every red line sourced.

They are a validation corpus: each is encoded from public reporting, and its ``history`` says
what really happened. A counterfactual variant (a scenario that changes one assumption of
another) has no history of its own and is listed in COUNTERFACTUAL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bundled import BUNDLED

import negsim
from negsim.cli.main import main
from negsim.scenario.base import SourceRef

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = BUNDLED
COUNTERFACTUAL = {"gaza-2024-08-israel-accepts-monitoring"}
"""Scenarios that change an assumption of a real case; what happened is in the case's own file."""


def test_the_corpus_holds_real_cases_from_several_fields() -> None:
    names = {path.stem for path in SCENARIOS}
    assert {"uaw-ford-2023", "new-start-2010", "colombia-farc-2016", "ever-given-2021",
            "hanoi-summit-2019"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_checks_clean(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(path)]) == 0
    assert "error" not in capsys.readouterr().out
    assert negsim.load(path).id == path.stem


@pytest.mark.parametrize("path", [p for p in SCENARIOS if p.stem not in COUNTERFACTUAL], ids=lambda p: p.stem)
def test_every_real_case_records_its_outcome(path: Path) -> None:
    scenario = negsim.load(path)
    assert scenario.history is not None, f"{path.name} has no history"
    assert scenario.start <= scenario.history.date
    if scenario.history.outcome == "no-agreement":
        assert not scenario.history.terms


PINNED = "VARIANT ASSUMPTION, pinned:"
"""How a counterfactual's rationale opens for the red line it pins (confidence 1, no other version)."""


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_red_line_quotes_a_document_or_says_it_is_an_assumption(path: Path) -> None:
    scenario = negsim.load(path)
    documents = {doc.id for doc in scenario.sources}
    said = ("Assumption:", "VARIANT ASSUMPTION:") if path.stem in COUNTERFACTUAL else ("Assumption:",)
    for party in scenario.parties:
        for red_line in party.red_lines:
            ref, source = f"{party.id}/{red_line.id}", red_line.source
            if isinstance(source, SourceRef):
                assert source.doc in documents and source.quote.strip(), ref
                if source.inferred:
                    assert red_line.confidence < 1 and red_line.rationale.startswith("Inferred"), ref
            elif path.stem in COUNTERFACTUAL and red_line.rationale.startswith(PINNED):
                # a counterfactual's premise ("what if Israel accepted ..."), not a claim about the world:
                # certain by construction, so that drawn runs answer the question asked
                assert source == "assumption" and red_line.confidence == 1 and not red_line.versions, ref
            else:
                assert source == "assumption", ref
                assert red_line.confidence < 1 and red_line.rationale.startswith(said), ref


@pytest.mark.parametrize("path", [p for p in SCENARIOS if p.stem not in COUNTERFACTUAL and "gaza" not in p.stem],
                         ids=lambda p: p.stem)
def test_every_case_explains_and_runs(path: Path) -> None:
    """Whatever the deal space and the run say is a finding about the case, not a failure; both must finish."""
    assert main(["explain", str(path)]) == 0
    assert main(["run", str(path), "--seed", "1"]) == 0
