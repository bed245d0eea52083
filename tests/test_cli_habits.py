"""Command-line habits a user brings from ruff, pytest and git.

`check DIR` checks the scenario files in the folder; `--proposal` with `--terms` is the proposal
with some terms changed; an option given twice is refused, not silently kept; `report -o` and
`import-genius -o` replace an existing file only with `--force`, as `sweep` does; counts read
"1 proposal", not "1 proposals".
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
GENIUS = ROOT / "tests" / "genius"
Negsim = Callable[..., CliRun]


def test_check_of_a_folder_checks_every_scenario_file_under_it(tmp_path: Path, negsim_cli: Negsim) -> None:
    (tmp_path / "cases" / "more").mkdir(parents=True)
    shutil.copy(GAZA, tmp_path / "cases" / "gaza.yaml")
    shutil.copy(ROOT / "scenarios" / "hanoi-summit-2019.yaml", tmp_path / "cases" / "more" / "hanoi.yml")
    (tmp_path / "cases" / "notes.txt").write_text("not a scenario")
    (tmp_path / "cases" / ".hidden.yaml").write_text("not even YAML: [")
    ran = negsim_cli("check", str(tmp_path / "cases"))
    assert ran.code == 0, ran.err
    assert f"{tmp_path / 'cases' / 'gaza.yaml'}: ok" in ran.out
    assert f"{tmp_path / 'cases' / 'more' / 'hanoi.yml'}: ok (4 issues, 2 parties, 4 red lines, 1 proposal, " \
           "2 events)" in ran.out
    assert "2 of 2 files valid" in ran.err
    (tmp_path / "empty").mkdir()
    empty = negsim_cli("check", str(tmp_path / "empty"))
    assert empty.code == 2 and "is a folder with no scenario files in it" in empty.err


def test_a_proposal_with_some_terms_changed(negsim_cli: Negsim) -> None:
    ran = negsim_cli("evaluate", str(GAZA), "--proposal", "us-bridging-2024-08", "--terms", "philadelphi=monitored",
                 "--json")
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    assert data["proposal"] == "us-bridging-2024-08 with philadelphi=monitored"
    assert data["terms"] == {"philadelphi": "monitored", "withdrawal": "partial", "screening": None,
                             "ceasefire": "phased", "hostages": 33}
    explained = json.loads(negsim_cli("explain", str(GAZA), "--proposal", "us-bridging-2024-08", "--terms",
                                  "philadelphi=monitored", "--json").out)
    assert explained["proposal"]["id"] == "us-bridging-2024-08 with philadelphi=monitored"
    unknown = negsim_cli("evaluate", str(GAZA), "--proposal", "us-bridging", "--terms", "philadelphi=monitored")
    assert unknown.code == 2 and "unknown proposal 'us-bridging'" in unknown.err


@pytest.mark.parametrize("twice", [["--proposal", "a", "--proposal", "b"], ["--terms", "hostages=33",
                                                                           "--terms", "hostages=109"]])
def test_an_option_given_twice_is_refused(twice: list[str], negsim_cli: Negsim) -> None:
    ran = negsim_cli("evaluate", str(GAZA), *twice)
    assert ran.code == 2
    assert f"{twice[0]} is given twice; give it once" in ran.err


def test_evaluate_without_a_package_is_a_usage_error(negsim_cli: Negsim) -> None:
    ran = negsim_cli("evaluate", str(GAZA))
    assert ran.code == 2 and "one of the arguments --proposal --terms is required" in ran.err


def test_report_and_import_genius_replace_a_file_only_with_force(tmp_path: Path, negsim_cli: Negsim) -> None:
    results = tmp_path / "results"
    assert negsim_cli("sweep", str(GAZA), "-n", "4", "--backend", "serial", "--quiet", "-o", str(results)).code == 0
    page = tmp_path / "report.html"
    page.write_text("mine")
    refused = negsim_cli("report", str(results), "-o", str(page))
    assert refused.code == 2 and f"'{page}' already exists; pass --force to replace it" in refused.err
    assert page.read_text() == "mine"
    assert negsim_cli("report", str(results), "-o", str(page), "--force").code == 0
    assert page.read_text().startswith("<!DOCTYPE html>")
    scenario = tmp_path / "job.yaml"
    scenario.write_text("mine")
    args = ["import-genius", str(GENIUS / "job_domain.xml"), str(GENIUS / "job_candidate.xml"),
            str(GENIUS / "job_employer.xml"), "-o", str(scenario)]
    refused = negsim_cli(*args)
    assert refused.code == 2 and "already exists; pass --force" in refused.err and scenario.read_text() == "mine"
    assert negsim_cli(*args, "--force").code == 0 and "negsim: 1" in scenario.read_text()


@pytest.mark.parametrize("command", ["check", "evaluate", "explain", "run", "sweep", "compare"])
def test_each_command_explains_its_file_and_ends_its_help_with_examples(command: str, negsim_cli: Negsim) -> None:
    shown = negsim_cli(command, "--help")
    assert shown.code == 0
    examples = shown.out.split("examples:\n", 1)[1].splitlines()
    assert examples and all(line.startswith(f"  negsim {command} ") for line in examples)
    assert "FILE" in shown.out and ("the scenario" in shown.out or "scenario files" in shown.out
                                    or "the baseline first" in shown.out)


def test_the_terminal_shows_red_line_ids_without_markdown_backticks(negsim_cli: Negsim) -> None:
    shown = negsim_cli("explain", str(GAZA))
    assert "Israel's israel/troops-in-philadelphi (requires" in shown.out and "`" not in shown.out
    narration = json.loads(negsim_cli("explain", str(GAZA), "--json").out)["narration"]
    assert any("`israel/troops-in-philadelphi`" in line for line in narration)  # kept for Markdown readers


def test_a_repeated_genius_item_is_dropped_with_a_warning_and_the_reading_is_written(
        tmp_path: Path, negsim_cli: Negsim) -> None:
    domain = tmp_path / "job_domain.xml"
    text = (GENIUS / "job_domain.xml").read_text(encoding="utf-8")
    domain.write_text(text.replace('<item index="3" value="60000"/>',
                                   '<item index="3" value="60000"/>\n<item index="4" value="50000"/>', 1),
                      encoding="utf-8")
    profile = tmp_path / "job_candidate.xml"
    text = (GENIUS / "job_candidate.xml").read_text(encoding="utf-8")
    profile.write_text(text.replace('<item evaluation="1.0" index="3" value="60000"/>',
                                    '<item evaluation="1.0" index="3" value="60000"/>\n'
                                    '<item evaluation="0.1" index="4" value="50000"/>', 1), encoding="utf-8")
    out = tmp_path / "job.yaml"
    ran = negsim_cli("import-genius", str(domain), str(profile), str(GENIUS / "job_employer.xml"), "-o", str(out))
    assert ran.code == 0, ran.err
    assert f"{domain}:" in ran.err and ": warning: value '50000' of issue" in ran.err
    assert "appears twice; the repeat is dropped, as Genius and NegMAS drop it" in ran.err
    assert "is evaluated twice; the first evaluation is kept" in ran.err
    written = out.read_text(encoding="utf-8")
    assert "# Read as Genius reads them (--reading genius, the default): each issue's evaluations are" in written
    assert "# Note: job_domain.xml:" in written and "Genius's deadline is not in" in written
    salary = next(i for i in sim_load(out).issues if "50000" in [str(v) for v in i.domain()])
    assert [str(v) for v in salary.domain()].count("50000") == 1


def sim_load(path: Path) -> Any:
    import negsim

    return negsim.load(path)


def test_evaluate_lists_red_lines_on_a_narrow_terminal(negsim_cli: Negsim, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    shown = negsim_cli("evaluate", str(GAZA), "--proposal", "us-bridging-2024-08")
    assert shown.code == 0 and "│" not in shown.out  # no table whose cells wrap ids mid-word
    lines = shown.out.splitlines()
    assert "  israel/troops-in-philadelphi  holds" in lines and "    requires philadelphi >= reduced" in lines
    wrapped = [line for line in lines[2:-1] if line.startswith("    ")]
    assert wrapped and all(len(line) <= 80 for line in wrapped)
    monkeypatch.setenv("COLUMNS", "120")
    assert "│" in negsim_cli("evaluate", str(GAZA), "--proposal", "us-bridging-2024-08").out  # wide: the tables
