"""`check` warns of an effect that no decision in a run would read; the file stays valid."""

from __future__ import annotations

from pathlib import Path

import pytest

import negsim
from negsim.cli.main import main

BASE = (Path(__file__).parent / "valid" / "base.yaml").read_text(encoding="utf-8")
EVENTS = "events:\n"


def with_effect(effect: str) -> str:
    """The base scenario with one more dated event carrying ``effect``."""
    event = f"  - id: extra\n    kind: other\n    date: 2024-10-10\n    effects:\n      - {effect}\n"
    return BASE.replace(EVENTS, EVENTS + event, 1)


@pytest.mark.parametrize(("effect", "why"), [
    ("{type: reservation, party: mediator, by: 0.1}", "'mediator' has no preferences"),
    ("{type: cost_of_delay, party: mediator, by: 0.01}", "only a principal's cost of delay is read"),
    ("{type: salience, party: mediator, issue: wage-rise, by: 0.1}", "'mediator' has no red lines"),
    ("{type: trust, party: mediator, toward: union, by: -0.1}", "only a principal's trust is read"),
    ("{type: trust, party: union, toward: employers, by: -0.1}", "'employers' is a principal"),
    ("{type: leave, party: mediator}", "only principals are asked"),
])
def test_an_effect_nothing_reads_is_a_warning(effect: str, why: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "unread.yaml"
    path.write_text(with_effect(effect), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning: no decision in a run reads this effect" in out and why in out, out
    assert negsim.load(path).id == "port-strike-2024"  # a warning leaves the file valid


@pytest.mark.parametrize("effect", [
    "{type: reservation, party: union, by: -0.1}",
    "{type: urgency, party: mediator, by: 0.3}",  # the lead mediator's pace
    "{type: trust, party: union, toward: mediator, by: -0.2}",
    "{type: cost_of_delay, party: employers, to: 0.01}",
])
def test_an_effect_some_decision_reads_passes_quietly(effect: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "read.yaml"
    path.write_text(with_effect(effect), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert "warning" not in capsys.readouterr().out
