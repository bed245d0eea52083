"""Fuzzing negsim with mutated scenarios (tests/fuzzing.py): only negsim's own errors, and never a hang.

The default suite runs a short, derandomised hypothesis run with small sizes; ``-m slow`` runs a
randomised campaign of several minutes with every size (``NEGSIM_FUZZ_MINUTES``, default 3), in a
child process under a watchdog, as ``python -m tests.fuzzing`` does.
"""

from __future__ import annotations

import io
import os
import secrets
from datetime import date, timedelta
from pathlib import Path

import pytest
from fuzzing import (
    GROWN_BYTES,
    TIME_LIMIT_S,
    DataChooser,
    Driver,
    FuzzInput,
    TerminalLeak,
    campaign,
    classify,
    generate,
    input_number,
    load_corpus,
    parse_tree,
)
from fuzzing import _shown as check_shown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CORPUS = load_corpus()


def shown(text: str) -> None:
    check_shown(io.StringIO(text))


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Driver:
    return Driver(tmp_path_factory.mktemp("fuzz"))


def test_the_corpus_holds_valid_and_malformed_scenarios_and_genius_domains() -> None:
    assert len(CORPUS.valid) >= 4 and len(CORPUS.malformed) >= 40
    assert all(parse_tree(seed) is not None for seed in CORPUS.valid)
    assert set(CORPUS.genius) == {"holiday", "job", "party"}


def test_a_valid_scenario_goes_through_every_step_without_a_finding(driver: Driver) -> None:
    item = FuzzInput("scenario", {"scenario.yaml": (Path(__file__).parent / "valid" / "base.yaml").read_bytes()})
    result = driver.drive(item)
    assert result.accepted and result.finding is None
    assert {"load", "evaluate", "evaluate-terms", "explain", "run", "run-drawn"} <= set(result.steps)


def test_mutations_stay_near_the_loaders_size_limit() -> None:
    # A string mutated inside an item that a grown list held 5,000 times over once made this input
    # 500 MB: the fuzzer took 292 s to write it and its watchdog reported a hang of negsim.
    generated = input_number(2096952927, 112, CORPUS)
    assert sum(len(data) for data in generated.files.values()) < 4 * GROWN_BYTES


def test_findings_are_classed_by_type_step_and_where_they_escaped_negsim() -> None:
    try:
        date(9999, 12, 31) + timedelta(days=1)
    except OverflowError as exc:
        assert classify(exc, "run").key == "OverflowError-run-harness"
    with pytest.raises(TerminalLeak):
        shown("name \x1b]0;title\x07")
    with pytest.raises(UnicodeEncodeError):
        shown("name \ud800")
    shown("plain text, with a tab\t and é\n")


def test_the_driver_stops_an_input_at_its_time_limit(driver: Driver) -> None:
    gaza = Path(__file__).parents[1] / "scenarios" / "gaza-2024-08.yaml"
    result = driver.drive(FuzzInput("scenario", {"scenario.yaml": gaza.read_bytes()}), seconds=0.005)
    assert result.finding is not None and result.finding.kind == "timeout"


@settings(derandomize=True, max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_short_fuzz_gives_only_negsim_errors_within_the_time_limit(driver: Driver, data: st.DataObject) -> None:
    item = generate(DataChooser(data), CORPUS)
    result = driver.drive(item)
    if result.finding is not None:
        pytest.fail(f"{result.finding.key} after {', '.join(item.recipe)}:\n{result.finding.detail[-3000:]}")
    assert result.slowest_step < TIME_LIMIT_S + 1  # CPU seconds: an alarm that came late is a time-out too


@pytest.mark.slow
def test_long_fuzz_campaign(tmp_path: Path) -> None:
    minutes = float(os.environ.get("NEGSIM_FUZZ_MINUTES", "3"))
    seed = int(os.environ.get("NEGSIM_FUZZ_SEED", secrets.randbelow(2**31)))
    results = campaign(minutes, seed, tmp_path)
    assert not results.classes, f"seed {seed}:\n{results.report()}\nfailing inputs in {tmp_path}"
