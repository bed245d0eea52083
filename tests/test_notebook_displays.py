"""Results read well in a notebook: a one-line repr, an HTML table (every text escaped), records and a DataFrame.

A scenario no longer prints as a 17,000-character line, nor an event log as ``<EventLog at 0x…>``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import negsim
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"


def test_a_scenario_shows_as_a_line_and_as_tables_with_its_rules() -> None:
    scenario = negsim.load(GAZA)
    assert repr(scenario) == str(scenario) == \
        "<Scenario gaza-2024-08: 5 issues, 7 parties, 8 red lines, 3 proposals, 9 events>"
    html = scenario._repr_html_()
    assert html.count("<table>") == 3 and "requires philadelphi &gt;= reduced" in html
    records = scenario.red_line_records()
    assert len(records) == 8 and records[0]["rule"] == "requires philadelphi >= reduced"


def test_text_from_a_scenario_is_escaped_in_its_html() -> None:
    text = GAZA.read_text(encoding="utf-8").replace("title: Gaza cease-fire talks, August 2024",
                                                    "title: Talks <script>alert(1)</script>", 1)
    html = negsim.loads(text)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_evaluation_an_explanation_an_outcome_and_a_log_have_html_and_records() -> None:
    scenario = negsim.load(GAZA)
    evaluation = negsim.evaluate(scenario, "us-bridging-2024-08")
    records = evaluation.to_records()
    assert {r["constraint"] for r in records} >= {"hamas/complete-withdrawal", "israel/reservation-value"}
    assert "rejected by hamas" in evaluation._repr_html_()
    assert "Clashing sets" in negsim.explain(scenario)._repr_html_()
    outcome, log = negsim.run(scenario, seed=7)
    assert "Outcome of the run" in outcome._repr_html_()
    assert repr(log) == f"<EventLog of {len(log):,} entries from 2024-08-16>"
    assert log._repr_html_().count("<tr>") == len(log) + 1 and log.to_records() == log.entries


def test_to_frame_gives_a_dataframe_of_the_records() -> None:
    scenario = negsim.load(GAZA)
    evaluation = negsim.evaluate(scenario, "us-bridging-2024-08")
    table = evaluation.to_frame()
    assert list(table.columns)[:4] == ["party", "stance", "constraint", "verdict"]
    assert len(table) == len(evaluation.to_records())
    _, log = negsim.run(scenario, seed=7)
    assert len(log.to_frame()) == len(log)


def test_to_frame_without_pandas_says_how_to_install_it() -> None:
    code = ("import sys; sys.modules['pandas'] = None\n"
            "import negsim\n"
            "from negsim.errors import UsageError\n"
            "try:\n"
            "    negsim.evaluate(negsim.load(sys.argv[1]), 'us-bridging-2024-08').to_frame()\n"
            "except UsageError as exc:\n"
            "    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", code, str(GAZA)], capture_output=True, text=True, check=True)
    assert "to_frame() needs pandas: pip install 'negsim[frames]'" in done.stdout


DECIDES = ROOT / "tests" / "valid" / "one-line-decides.yaml"


def test_replications_are_rows_with_the_summary_negsim_sweep_writes(tmp_path: Path,
                                                                    negsim_cli: Callable[..., CliRun]) -> None:
    runs = negsim.replicate(DECIDES.read_text(encoding="utf-8"), 60, seed=3, draw=True, name=str(DECIDES))
    assert isinstance(runs, list) and len(runs) == 60 and runs[0]["replication"] == 0
    assert negsim_cli("sweep", str(DECIDES), "-n", "60", "--seed", "3", "--draw", "--quiet",
                      "-o", str(tmp_path / "r")).code == 0
    written = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    assert {key: written[key] for key in runs.summary} == runs.summary
    assert 0 < runs.summary["agreements"] < 60  # both kinds of run, so both tables show
    html = runs._repr_html_()
    assert "red lines that blocked runs" in html and "terms of the agreements" in html and "requires " in html
    assert repr(runs).startswith("<Replications: 60 replications of ") and "95% interval" in repr(runs)
    assert runs.to_frame().shape[0] == 60 and runs.to_records() == [dict(row) for row in runs]


DIGITS = {"values: [fast, slow]": "values: ['10', '20']",
          "delivery: {fast: 0, slow: 1}": "delivery: {'10': 0, '20': 1}",
          "delivery: {fast: 1, slow: 0}": "delivery: {'10': 1, '20': 0}", "id: soft-floor": "id: '2'"}
"""Categories and a version id that look like numbers, for the one-line-decides scenario."""


@pytest.mark.parametrize("digits", [False, True], ids=["words", "categories-and-versions-of-digits"])
def test_a_results_folder_reads_back_as_the_replications_that_made_it(digits: bool, tmp_path: Path,
                                                                      negsim_cli: Callable[..., CliRun]) -> None:
    text = DECIDES.read_text(encoding="utf-8")
    for old, new in DIGITS.items() if digits else ():
        assert old in text
        text = text.replace(old, new)
    scenario = tmp_path / "decides.yaml"
    scenario.write_text(text, encoding="utf-8")
    runs = negsim.replicate(text, 40, seed=5, draw=True, name=str(scenario))
    assert negsim_cli("sweep", str(scenario), "-n", "40", "--seed", "5", "--draw", "--quiet",
                      "-o", str(tmp_path / "r")).code == 0
    read = negsim.read_results(tmp_path / "r")
    if digits:  # both kinds of run and both versions drawn, so the cells that look like numbers are there
        assert {row["term:delivery"] for row in read} >= {"10", None}
        assert {row["version:seller/floor"] for row in read} == {"stated", "2"}
    assert read.summary["replications"] == 40 and read.seed == 5 and read.headline() == runs.headline()
    for mine, theirs in zip(runs, read, strict=True):  # typed back as replicate's rows, replay command aside
        assert {k: v for k, v in theirs.items() if k != "replay" and not isinstance(v, float)} == \
            {k: v for k, v in mine.items() if k in theirs and k != "replay" and not isinstance(v, float)}
        assert all(theirs[k] == round(v, 6) for k, v in mine.items() if isinstance(v, float))


def test_a_folder_that_is_no_results_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(negsim.UsageError, match="not a results folder negsim sweep finished"):
        negsim.read_results(tmp_path)


def test_every_result_a_notebook_shows_has_records_and_a_frame_of_them() -> None:
    scenario = negsim.load(ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml")
    explanation = negsim.explain(scenario)
    outcome, log = negsim.run(scenario, seed=3)
    runs = negsim.replicate(DECIDES.read_text(encoding="utf-8"), 5)
    for result in (scenario, negsim.evaluate(scenario, "us-bridging-2024-08"), explanation, outcome, log, runs):
        records = result.to_records()
        assert records and all(isinstance(row, dict) for row in records), type(result).__name__
        assert len(result.to_frame()) == len(records), type(result).__name__
    roles = [row["role"] for row in explanation.to_records()]
    assert roles[:3] == ["nash", "kalai_smorodinsky", "max_welfare"]
    assert roles.count("pareto") == len(explanation.reference.frontier)
    assert {"utility:israel", "utility:hamas", "philadelphi"} <= set(explanation.to_records()[0])
    (row,) = outcome.to_records()
    assert row["agreed"] and row["term:philadelphi"] == outcome.package["philadelphi"]
    assert [r["red_line"] for r in scenario.to_records()] == [r.id for p in scenario.parties for r in p.red_lines]
