"""Sweeps: identical rows on every backend, atomic results folders, error rows, compare."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import pytest

import negsim
from negsim.cli.main import main
from negsim.experiments.backends import executor_for
from negsim.experiments.compare import rate_difference
from negsim.experiments.replicate import Job, replicate, run_chunk
from negsim.experiments.summary import Summary, wilson
from negsim.experiments.sweep import SweepInterrupted, SweepSettings, sweep
from negsim.interrupts import deferred, forget_interrupt, raise_if_interrupted
from negsim.scenario.loader import load
from tests.stopping import DUMPING, stop, wait_for

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
VARIANT = ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"
TEXT = GAZA.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def serial_rows() -> list[dict[str, object]]:
    return replicate(TEXT, 64, seed=5, chunk_size=7)


def test_a_process_pool_gives_the_same_rows(serial_rows: list[dict[str, object]]) -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert replicate(TEXT, 64, seed=5, executor=pool, chunk_size=7) == serial_rows


def test_chunking_does_not_change_rows(serial_rows: list[dict[str, object]]) -> None:
    assert replicate(TEXT, 64, seed=5, chunk_size=64) == serial_rows


def test_a_dask_local_cluster_gives_the_same_rows(serial_rows: list[dict[str, object]]) -> None:
    pytest.importorskip("distributed", reason="the dask extra is part of the dev install")
    with executor_for("dask", 2) as executor:
        assert executor is not None
        assert replicate(TEXT, 64, seed=5, executor=executor, chunk_size=7) == serial_rows


def test_rows_differ_between_root_seeds(serial_rows: list[dict[str, object]]) -> None:
    assert replicate(TEXT, 64, seed=6, chunk_size=7) != serial_rows


HUGE = """
negsim: 1
id: too-big-to-enumerate
title: An outcome space of a trillion packages
start: 2024-01-01
issues:
  - {id: a, name: A, type: integer, min: 0, max: 9999}
  - {id: b, name: B, type: integer, min: 0, max: 9999}
  - {id: c, name: C, type: integer, min: 0, max: 9999}
parties:
  - {id: p, name: P, role: principal}
  - {id: q, name: Q, role: principal}
"""


def test_a_replication_that_raises_becomes_an_error_row() -> None:
    chunk = run_chunk(Job(HUGE, "huge.yaml", 1), 0, 3)
    assert [row["replication"] for row in chunk.rows] == [0, 1, 2]
    assert all("outcome space has 1,000,000,000,000 packages" in str(row["error"]) for row in chunk.rows)
    assert all(row["agreed"] is None for row in chunk.rows)


def test_a_sweep_goes_on_past_failing_replications(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "huge.yaml"
    scenario.write_text(HUGE, encoding="utf-8")
    # every replication failing is exit 1, but the sweep still writes every row
    assert main(["sweep", str(scenario), "-n", "5", "--jobs", "1", "-o", str(tmp_path / "out"), "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["errors"] == 5 and summary["replications"] == 5
    rows = list(csv.DictReader((tmp_path / "out" / "replications.csv").open()))
    assert all(r["error"].startswith("UsageError: the outcome space has") for r in rows)


def sweep_args(out: Path, *extra: str) -> list[str]:
    return ["sweep", str(GAZA), "-n", "40", "--jobs", "1", "-o", str(out), "--quiet", *extra]


def test_sweep_writes_a_complete_results_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gaza"
    assert main([*sweep_args(out, "--trace", "--parquet"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert sorted(p.name for p in out.iterdir()) == [
        "events.jsonl", "manifest.json", "replications.csv", "replications.parquet", "scenario.yaml", "summary.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 0 and manifest["replications"] == 40 and manifest["versions"]["negsim"]
    assert (out / "scenario.yaml").read_text() == TEXT
    rows = list(csv.DictReader((out / "replications.csv").open()))
    assert [int(r["replication"]) for r in rows] == list(range(40))
    summary = json.loads((out / "summary.json").read_text())
    agreed = sum(r["agreed"] == "true" for r in rows)
    assert summary["agreements"] == agreed == printed["agreements"]
    assert summary["agreement_rate_95"] == [round(x, 6) for x in wilson(agreed, 40)]
    assert {json.loads(line)["replication"] for line in (out / "events.jsonl").open()} == set(range(40))
    assert not list(tmp_path.glob(".*partial*"))


def test_failed_replications_are_counted_by_the_kind_of_their_error_most_first() -> None:
    columns = ["replication", "agreed", "day", "blocking", "error"]
    summary = Summary(date(2024, 1, 1), columns)
    for k, error in enumerate(["UsageError: too big", "RunTooLong: 1,024 events", "RunTooLong: 2,048 events", "",
                               "MemoryError: ", "no name: a text", "RunTooLong: 3,072 events"]):
        summary.add([str(k), "" if error else "false", "", "", error])
    kinds = summary.to_dict()["errors_by_kind"]
    assert list(kinds.items()) == [("RunTooLong", {"count": 3, "first": "RunTooLong: 1,024 events"}),
                                   ("UsageError", {"count": 1, "first": "UsageError: too big"}),
                                   ("MemoryError", {"count": 1, "first": "MemoryError: "}),
                                   ("no name: a text", {"count": 1, "first": "no name: a text"})]
    assert summary.errors == 6 and summary.valid == 1


def test_sweep_refuses_to_overwrite_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gaza"
    assert main(sweep_args(out)) == 0
    before = (out / "replications.csv").read_bytes()
    assert main(sweep_args(out)) == 2
    assert "already holds results" in capsys.readouterr().err
    assert (out / "replications.csv").read_bytes() == before
    assert main([*sweep_args(out), "--force", "--seed", "1"]) == 0
    assert (out / "replications.csv").read_bytes() != before


def test_same_sweep_same_rows_whatever_the_workers(tmp_path: Path) -> None:
    assert main(sweep_args(tmp_path / "one")) == 0
    assert main([*sweep_args(tmp_path / "two"), "--jobs", "2", "--chunk-size", "3"]) == 0
    assert (tmp_path / "one" / "replications.csv").read_bytes() == (tmp_path / "two" / "replications.csv").read_bytes()
    assert (tmp_path / "one" / "summary.json").read_bytes() == (tmp_path / "two" / "summary.json").read_bytes()


def _kept_when_stopped(tmp_path: Path, err: str, asked: int = 200000) -> dict[str, object]:
    """What a stopped sweep kept: only its folder (no partial one), finished and marked interrupted."""
    assert "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == ["big"], list(tmp_path.iterdir())
    manifest = json.loads((tmp_path / "big" / "manifest.json").read_text())
    summary = json.loads((tmp_path / "big" / "summary.json").read_text())
    rows = (tmp_path / "big" / "replications.csv").read_text().splitlines()[1:]
    assert manifest["interrupted"] is summary["interrupted"] is True
    assert manifest["replications"] == summary["replications"] == len(rows) < asked == manifest["replications_asked"]
    assert [row.split(",", 1)[0] for row in rows] == [str(i) for i in range(len(rows))]
    assert f"kept the {len(rows):,} replications that ran (of {asked:,}) in {tmp_path / 'big'}" in err
    return manifest


def test_an_interrupted_sweep_keeps_what_ran_and_no_half_written_file(tmp_path: Path) -> None:
    out = tmp_path / "big"
    command = [sys.executable, "-m", "negsim", "sweep", str(GAZA), "-n", "200000", "--jobs", "1", "-o", str(out)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=DUMPING)
    wait_for(lambda: (tmp_path / ".big.partial" / "replications.csv").exists(), 60)
    time.sleep(1.0)
    err = stop(child, signal.SIGINT, 60)
    assert child.returncode == 130, err
    _kept_when_stopped(tmp_path, err)


def test_sigterm_also_keeps_what_ran(tmp_path: Path) -> None:
    out = tmp_path / "big"
    command = [sys.executable, "-m", "negsim", "sweep", str(GAZA), "-n", "200000", "--jobs", "2", "-o", str(out)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=DUMPING)
    wait_for(lambda: (tmp_path / ".big.partial").exists(), 60)
    time.sleep(1.5)
    err = stop(child, signal.SIGTERM, 60)
    assert child.returncode in (130, 143), err
    _kept_when_stopped(tmp_path, err)


@pytest.mark.parametrize("jobs", ["1", pytest.param("2", marks=pytest.mark.slow)])
def test_an_interrupted_then_resumed_sweep_equals_an_uninterrupted_one(jobs: str, tmp_path: Path) -> None:
    # Stopped with one worker or two, resumed with two and other chunks: the same bytes as one sweep.
    stopped, whole = tmp_path / "stopped", tmp_path / "whole"
    stopped.mkdir()
    argv = ["sweep", str(GAZA), "-n", "1500", "--seed", "4", "--draw", "--trace", "--chunk-size", "40", "--quiet"]
    command = [sys.executable, "-m", "negsim", *argv, "--jobs", jobs, "-o", str(stopped / "big")]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=DUMPING)
    wait_for(lambda: (stopped / ".big.partial" / "replications.csv").stat().st_size > 20_000
             if (stopped / ".big.partial" / "replications.csv").exists() else False, 60)
    err = stop(child, signal.SIGINT, 60)
    if child.returncode == 0:
        pytest.skip("the sweep finished before the Ctrl-C")
    assert child.returncode == 130, err
    _kept_when_stopped(stopped, err, 1500)
    assert main(["sweep", "--resume", str(stopped / "big"), "--jobs", "2", "--chunk-size", "7", "--quiet"]) == 0
    assert main([*argv, "-o", str(whole)]) == 0
    for name in ("replications.csv", "summary.json", "events.jsonl"):
        assert (stopped / "big" / name).read_bytes() == (whole / name).read_bytes(), name
    manifest = json.loads((stopped / "big" / "manifest.json").read_text())
    assert (manifest["interrupted"], manifest["replications"], manifest["stopped_early"]) == (False, 1500, None)


def test_compare_finds_the_variant_opens_deals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cmp"
    argv = ["compare", str(GAZA), str(VARIANT), "-n", "150", "--jobs", "2", "-o", str(out), "--quiet", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    diff = result["comparison"]["difference"]
    assert diff["a"] == "gaza-2024-08" and diff["b"] == "gaza-2024-08-israel-accepts-monitoring"
    assert diff["difference"] > 0 and diff["ci95"][0] > 0, diff
    # Red lines as stated: the base never deals, and the pinned counterfactual's premise is what sets the
    # deals apart (the difference above). Among the base's runs, nothing that chance decides (the summit,
    # who attends, the retaliation) has a clear effect: each interval contains zero, none is ranked.
    comparison = result["comparison"]
    assert comparison["assumptions"] == [] and comparison["no_clear_effect"], comparison
    for row in comparison["no_clear_effect"]:
        assert row["ci95"][0] <= 0 <= row["ci95"][1], row
    # What the counterfactual changes, in the baseline's own words: its premise, and nothing else.
    assert comparison["red_line_changes"] == {"gaza-2024-08-israel-accepts-monitoring": [
        "israel/troops-in-philadelphi: gaza-2024-08-israel-accepts-monitoring states what gaza-2024-08 calls its "
        "version 'monitoring-suffices' (confidence 1; gaza-2024-08 states its own with 0.8)"]}
    assert sorted(p.name for p in out.iterdir()) == ["compare.json", "gaza-2024-08",
                                                      "gaza-2024-08-israel-accepts-monitoring"]


def test_rate_difference_matches_hand_computation() -> None:
    result = rate_difference(10, 100, 30, 100)
    assert result["difference"] == pytest.approx(0.2)
    # Wilson 95%: 30/100 -> (0.2189, 0.3958), 10/100 -> (0.0552, 0.1744); Newcombe's hybrid:
    # 0.2 - sqrt(0.0811^2 + 0.0744^2) = 0.0900 and 0.2 + sqrt(0.0958^2 + 0.0448^2) = 0.3058.
    assert result["ci95"][0] == pytest.approx(0.0900, abs=2e-4)
    assert result["ci95"][1] == pytest.approx(0.3058, abs=2e-4)
    # pooled z = 0.2 / sqrt(0.2 * 0.8 * 0.02) = 3.5355; two-sided p = erfc(z / sqrt 2) = 0.000407
    assert result["p_value"] == pytest.approx(0.000407, rel=5e-3)


def test_compare_needs_two_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["compare", str(GAZA), "-o", str(tmp_path / "x")]) == 2
    assert "at least two" in capsys.readouterr().err


def test_python_api_replicates_from_text() -> None:
    rows = negsim.experiments.replicate.replicate(TEXT, 3, seed=2)
    assert [r["replication"] for r in rows] == [0, 1, 2]


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_dask_without_the_extra_names_the_install(tmp_path: Path) -> None:
    from negsim.experiments.backends import DASK_HINT

    assert "pip install 'negsim[dask]'" in DASK_HINT


def _interrupted_folder(tmp_path: Path) -> Path:
    """A real interrupted sweep's folder, made in-process: a Ctrl-C lands as the second chunk is written."""
    out = tmp_path / "stopped"
    calls = []

    def interrupt_at_the_second_chunk(done: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    settings = SweepSettings(60, seed=2, chunk_size=10, backend="serial", draw=True)
    with pytest.raises(SweepInterrupted):
        sweep(load(GAZA), GAZA, settings, out, progress=interrupt_at_the_second_chunk)
    return out


def test_a_sweep_stopped_in_code_keeps_the_chunks_it_wrote(tmp_path: Path) -> None:
    out = _interrupted_folder(tmp_path)
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["replications"], manifest["replications_asked"], manifest["interrupted"]) == (20, 60, True)
    assert len((out / "replications.csv").read_text().splitlines()) == 21


@pytest.mark.parametrize(("change", "problem"), [
    (lambda folder: (folder / "scenario.yaml").write_text("changed"), "scenario.yaml is not the scenario that ran"),
    (lambda folder: (folder / "replications.csv").write_text(
        (folder / "replications.csv").read_text().rsplit("\n", 2)[0] + "\n"), "replications.csv has 19 rows"),
    (lambda folder: (folder / "manifest.json").write_text(json.dumps(
        {**json.loads((folder / "manifest.json").read_text()), "seed": "2"})), "its manifest.json lacks seed"),
    (lambda folder: (folder / "notes.txt").write_text("mine"), "holds 'notes.txt', which negsim did not write"),
    (lambda folder: (folder / "replications.csv").write_text(
        (folder / "replications.csv").read_text().rsplit(",", 1)[0] + "\n"),
     "replications.csv line 21 has not as many cells as its header"),
], ids=["scenario-changed", "row-lost", "manifest-edited", "foreign-file", "cell-lost"])
def test_a_folder_that_cannot_be_resumed_is_refused_and_left_as_it_is(
        change: Callable[[Path], object], problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _interrupted_folder(tmp_path)
    change(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main(["sweep", "--resume", str(out), "--quiet"]) == 2
    assert problem in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_resume_refuses_a_finished_sweep_and_options_that_would_change_its_results(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _interrupted_folder(tmp_path)
    assert main(["sweep", "--resume", str(out), "-n", "100", "--seed", "3", "--stated", "--quiet"]) == 2
    assert "leave out -n, --seed, --draw or --stated" in capsys.readouterr().err
    assert main(["sweep", str(GAZA), "--resume", str(out), "-o", str(tmp_path / "x"), "--quiet"]) == 2
    assert "leave out FILE, -o" in capsys.readouterr().err
    assert main(["sweep", "--resume", str(out), "--quiet", "--backend", "serial"]) == 0
    assert main(["sweep", "--resume", str(out), "--quiet"]) == 2
    assert "the sweep was not interrupted; it ran 60 of 60 replications" in capsys.readouterr().err
    assert main(["sweep", "--resume", str(tmp_path / "nowhere"), "--quiet"]) == 2
    assert main(["sweep", "--quiet", "-o", str(tmp_path / "y")]) == 2
    assert "sweep needs a scenario FILE and -o DIR" in capsys.readouterr().err


def test_a_ctrl_c_while_a_chunk_is_written_is_noted_and_raised_after_it() -> None:
    from negsim.cli.main import _stop_on_signals

    _stop_on_signals()
    try:
        with deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)  # the handler ran, and did not raise here
        with pytest.raises(KeyboardInterrupt):
            raise_if_interrupted()
    finally:
        forget_interrupt()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
