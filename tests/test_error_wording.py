"""Error wording that says what the writer meant: a reversed operator, an impossible day, a share above 1,
and --until past the horizon."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "tests" / "valid" / "one-line-decides.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "said"), [
    ('op: ">=", value: 8', 'op: "=>", value: 8', "'=>' is not allowed here; expected one of: ==, !=, in, not in, "
                                                   "<=, >=, <, >; did you mean '>='?"),
    ('op: "<=", value: 6', 'op: "=<", value: 6', "did you mean '<='?"),
    ("start: 2025-01-01", "start: 2025-02-29", "'2025-02-29' is not a date: February 2025 has 28 days"),
    ("start: 2025-01-01", "start: 2025-00-10", "'2025-00-10' is not a date: there is no month 0"),
    ("reservation: 0.1\n  - id: buyer", "reservation: 1.2\n  - id: buyer",
     "'reservation' must be at most 1, got a number (1.2) (it runs from 0 to 1) (in"),
    ("confidence: 0.5", "confidence: 50", "(it runs from 0 to 1: write 0.5 for 50%)"),
])
def test_a_mistake_is_named_as_what_was_meant(old: str, new: str, said: str, tmp_path: Path,
                                                negsim_cli: Callable[..., CliRun]) -> None:
    assert old in BASE
    path = tmp_path / "mistake.yaml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    ran = negsim_cli("check", str(path))
    assert ran.code == 1
    assert said in ran.out, ran.out


def test_until_past_the_horizon_is_said(negsim_cli: Callable[..., CliRun]) -> None:
    ran = negsim_cli("run", str(ROOT / "scenarios" / "gaza-2024-08.yaml"), "--until", "2025-01-01")
    assert ran.code == 0
    assert ("negsim: warning: --until 2025-01-01 is after the talks' horizon (2024-09-15, 30 days from the start): "
            "the run ends there") in ran.err
