"""An interrupted comparison keeps its sweeps, and `compare --resume` finishes it as an uninterrupted one.

Stopped in code (the progress counter raises KeyboardInterrupt, as the command line's signal
handler makes a Ctrl-C do) in the baseline's sweep or in the variant's, the folder holds the
finished sweeps, the stopped one marked interrupted and a compare.json that says so; resumed,
compare.json, replications.csv and summary.json are byte for byte those of one uninterrupted run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from negsim.cli.main import main
from negsim.experiments.comparison import CompareInterrupted, run_comparison
from negsim.experiments.sweep import Progress, SweepSettings
from negsim.scenario.loader import load

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
VARIANT = ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"
SETTINGS = SweepSettings(60, seed=3, chunk_size=10, backend="serial", draw=True)
ARGV = ["-n", "60", "--seed", "3", "--chunk-size", "10", "--backend", "serial", "--draw", "--quiet"]


def _stopped_in(scenario: str) -> object:
    """Progress counters that raise a Ctrl-C at the second chunk of one scenario's sweep."""
    @contextmanager
    def bars(total: int, label: str) -> Iterator[Progress | None]:
        chunks: list[int] = []

        def advance(done: int) -> None:
            chunks.append(done)
            if label.endswith(scenario) and len(chunks) == 2:
                raise KeyboardInterrupt

        yield advance
    return bars


def _interrupted(tmp_path: Path, scenario: str) -> Path:
    out = tmp_path / "stopped"
    with pytest.raises(CompareInterrupted, match="compare --resume"):
        run_comparison([(load(GAZA), GAZA), (load(VARIANT), VARIANT)], SETTINGS, out,
                       bars=_stopped_in(scenario))  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize("scenario", ["gaza-2024-08", "gaza-2024-08-israel-accepts-monitoring"])
def test_an_interrupted_then_resumed_comparison_equals_an_uninterrupted_one(scenario: str, tmp_path: Path) -> None:
    out = _interrupted(tmp_path, scenario)
    kept = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert kept["interrupted"] is True and kept["files"] == [str(GAZA), str(VARIANT)]
    stopped = json.loads((out / scenario / "manifest.json").read_text(encoding="utf-8"))
    assert (stopped["interrupted"], stopped["replications"]) == (True, 20)
    assert (out / "gaza-2024-08-israel-accepts-monitoring").exists() == (scenario != "gaza-2024-08")
    assert main(["compare", "--resume", str(out), "--quiet", "--jobs", "2", "--backend", "process"]) == 0
    whole = tmp_path / "whole"
    assert main(["compare", str(GAZA), str(VARIANT), *ARGV, "-o", str(whole)]) == 0
    assert (out / "compare.json").read_bytes() == (whole / "compare.json").read_bytes()
    for name in ("gaza-2024-08", "gaza-2024-08-israel-accepts-monitoring"):
        for file in ("replications.csv", "summary.json"):
            assert (out / name / file).read_bytes() == (whole / name / file).read_bytes(), (name, file)


def test_a_report_of_an_interrupted_comparison_says_to_resume_it(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = _interrupted(tmp_path, "gaza-2024-08")
    assert main(["report", str(out), "-o", str(tmp_path / "r.html")]) == 2
    assert f"`negsim compare --resume {out}` finishes it" in capsys.readouterr().err


def test_resume_refuses_what_would_change_the_comparison_and_leaves_the_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _interrupted(tmp_path, "gaza-2024-08")
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    assert main(["compare", str(GAZA), "--resume", str(out), "-n", "5"]) == 2
    assert "leave out FILE, -n" in capsys.readouterr().err
    changed = tmp_path / "variant.yaml"  # a file the comparison has not swept yet, changed since it began
    changed.write_text(VARIANT.read_text(encoding="utf-8"), encoding="utf-8")
    data = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    data["files"][1] = str(changed)
    (out / "compare.json").write_text(json.dumps(data), encoding="utf-8")
    changed.write_text(VARIANT.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert main(["compare", "--resume", str(out), "--quiet", "--backend", "serial"]) == 2
    assert "has changed since the comparison began" in capsys.readouterr().err
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before


def test_resume_refuses_a_finished_comparison(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole = tmp_path / "whole"
    assert main(["compare", str(GAZA), str(VARIANT), "-n", "5", "--backend", "serial", "--quiet",
                 "-o", str(whole)]) == 0
    assert main(["compare", "--resume", str(whole)]) == 2
    assert "the comparison was not interrupted" in capsys.readouterr().err


def test_max_errors_stops_each_scenarios_sweep_and_the_comparison_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_sweep import HUGE  # every replication fails: the space is too large to run

    files = [tmp_path / "huge.yaml", tmp_path / "huge-again.yaml"]
    files[0].write_text(HUGE, encoding="utf-8")
    files[1].write_text(HUGE.replace("id: too-big-to-enumerate", "id: too-big-again"), encoding="utf-8")
    out = tmp_path / "cmp"
    assert main(["compare", *map(str, files), "-n", "50", "--chunk-size", "5", "--backend", "serial", "--quiet",
                 "--max-errors", "3", "--json", "-o", str(out)]) == 1
    captured = capsys.readouterr()
    summaries = json.loads(captured.out)["summaries"]
    assert [(s["replications"], s["replications_asked"]) for s in summaries] == [(5, 50), (5, 50)]
    assert all(s["stopped_early"] == "5 replications failed, and --max-errors is 3" for s in summaries)
    assert "the sweep of too-big-again stopped after 5 of 50 replications" in captured.err
