"""Any replication of a sweep replays from the command line, and run and sweep ask the same question.

Each row of ``replications.csv`` carries the command that replays it (``negsim run FILE
--replication I --root-seed S``, with ``--draw`` when the sweep drew red lines) and the reason the
run ended. The replay gives the row's outcome and, to the byte, the event log the sweep traced.
``run``, ``sweep`` and ``compare`` play the red lines as stated unless ``--draw`` asks to draw
them, and every output says which.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from negsim.simulation.timeline import ENDINGS
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"


def _sweep(tmp_path: Path, negsim_cli: Callable[..., CliRun], *options: str) -> tuple[list[dict[str, str]], Path]:
    """200 traced Gaza replications, serially: the rows, and the folder."""
    tmp_path.mkdir(exist_ok=True)
    out = tmp_path / "results"
    ran = negsim_cli("sweep", str(GAZA), "-n", "200", "--backend", "serial", "--trace", "--quiet", *options,
                 "-o", str(out))
    assert ran.code == 0, ran.err
    with (out / "replications.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle)), out


def _traced(out: Path, index: int) -> str:
    """The event log the sweep traced for one replication, as ``run --log`` writes it (without the tag)."""
    tag = f'{{"replication":{index},'
    return "".join("{" + line[len(tag):] for line in (out / "events.jsonl").open(encoding="utf-8")
                   if line.startswith(tag))


def _replays(rows: list[dict[str, str]], out: Path, indices: list[int], tmp_path: Path,
             negsim_cli: Callable[..., CliRun]) -> None:
    for index in indices:
        row = rows[index]
        argv = shlex.split(row["replay"])
        assert argv[:3] == ["negsim", "run", str(GAZA)] and row["replication"] == str(index)
        log = tmp_path / f"replay-{index}.jsonl"
        ran = negsim_cli(*argv[1:], "--json", "--log", str(log))
        assert ran.code == 0, ran.err
        outcome = json.loads(ran.out)
        assert log.read_text(encoding="utf-8") == _traced(out, index), index
        assert (str(outcome["agreed"]).lower(), outcome["ending"], outcome["rounds"], outcome["drafts"]) == (
            row["agreed"], row["reason"], int(row["rounds"]), int(row["drafts"])), index
        assert " ".join(outcome["blocking"]) == row["blocking"] and (outcome["date"] or "") == row["date"]
        assert outcome["replication"] == index and outcome["root_seed"] == int(row["root_seed"])
        for ref, version in outcome["red_line_versions"].items():
            assert row[f"version:{ref}"] == ("none" if version is None else version)


SAMPLE = [0, 1, 17, 64, 99, 128, 150, 199]


@pytest.mark.parametrize("draw", [False, True], ids=["stated", "drawn"])
def test_a_replication_replays_from_its_row_with_the_same_outcome_and_event_log(
        draw: bool, tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    rows, out = _sweep(tmp_path, negsim_cli, *(["--draw", "--seed", "11"] if draw else []))
    assert len(rows) == 200 and all(row["replay"].endswith(" --draw") == draw for row in rows)
    _replays(rows, out, SAMPLE, tmp_path, negsim_cli)


@pytest.mark.slow
def test_every_replication_of_a_200_run_sweep_replays(tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    rows, out = _sweep(tmp_path, negsim_cli, "--draw", "--seed", "3")
    _replays(rows, out, list(range(200)), tmp_path, negsim_cli)


def test_the_reason_column_says_why_each_run_ended(tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    rows, _ = _sweep(tmp_path, negsim_cli, "--draw")
    reasons = {row["reason"] for row in rows}
    assert reasons <= set(ENDINGS) | {"error"} and {"no-zopa", "not-reached"} <= reasons, reasons
    for row in rows:
        assert (row["reason"] == "agreement") == (row["agreed"] == "true")
    stated, _ = _sweep(tmp_path / "stated", negsim_cli)
    assert {row["reason"] for row in stated} == {"no-zopa"}  # as stated, Gaza's red lines leave no package


def test_run_and_sweep_play_the_red_lines_as_stated_unless_asked_to_draw(
        tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    stated, out = _sweep(tmp_path / "a", negsim_cli)
    assert all(row[key] == "stated" for row in stated for key in row if key.startswith("version:"))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert summary["red_lines"] == manifest["red_lines"] == "stated" and summary["agreements"] == 0
    assert not any("is real with confidence" in phrase for phrase in summary["uncertain"])
    drawn, out = _sweep(tmp_path / "b", negsim_cli, "--draw")
    assert any(row[key] != "stated" for row in drawn for key in row if key.startswith("version:"))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["red_lines"] == "drawn"
    assert any("is real with confidence" in phrase for phrase in summary["uncertain"])
    run_stated = negsim_cli("run", str(GAZA), "--seed", "7")
    run_drawn = negsim_cli("run", str(GAZA), "--seed", "7", "--draw")
    assert "Red lines as stated (--draw draws" in run_stated.out
    assert "Red lines drawn from their confidence: " in " ".join(run_drawn.out.split())
    assert json.loads(negsim_cli("run", str(GAZA), "--json").out)["red_lines"] == "stated"
    table = negsim_cli("sweep", str(GAZA), "-n", "5", "--backend", "serial", "--draw", "-o", str(tmp_path / "c"))
    assert "Sweep summary (red lines drawn from their confidence)" in table.out


@pytest.mark.parametrize(("argv", "problem"), [
    (["--replication", "3", "--seed", "2"], "--seed and --replication choose the run's draws two ways"),
    (["--root-seed", "2"], "--root-seed goes with --replication"),
    (["--replication", "-1"], "a seed runs from 0 to"),
    (["--stated", "--draw"], "not allowed with argument"),
])
def test_run_refuses_draws_chosen_two_ways(argv: list[str], problem: str, negsim_cli: Callable[..., CliRun]) -> None:
    ran = negsim_cli("run", str(GAZA), *argv)
    assert ran.code == 2 and problem in ran.err, ran.err
