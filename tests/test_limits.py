"""Resource limits of the scenario format: each a clear error at its line, each run inside it quick.

Every file here is tests/valid/base.yaml with one number, date or list pushed past a limit of
docs/scenario-format.md ("Limits"). ``negsim check`` must exit 1 at the exact line and column,
naming the rule, in well under 5 s; a file at the limit must load, and run, just as quickly.
Runs go through a real subprocess with a timeout, so a hang fails the test instead of stalling it.
Times are CPU seconds (of this process, or of the finished child), so that other work on a
shared machine does not make a quick check look slow; the timeouts bound the wall time.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from negsim.errors import ScenarioError
from negsim.importers.genius import import_genius
from negsim.scenario.base import MAX_ROUNDS, MAX_VALUES_PER_ISSUE

HERE = Path(__file__).resolve().parent
BASE = HERE / "valid" / "base.yaml"
SECONDS = 5.0
LIMITS_DOC = "a limit of the scenario format, see 'Limits' in docs/scenario-format.md"

Run = Callable[..., Any]  # the `negsim` fixture of conftest.py


def variant(tmp_path: Path, *replacements: tuple[str, str], extra: str = "", name: str = "limit.yaml") -> Path:
    """base.yaml with each ``old`` text replaced by ``new`` (each must occur), plus ``extra`` at the end."""
    text = BASE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text + extra, encoding="utf-8")
    return path


def check_in_time(negsim_cli: Run, path: Path) -> tuple[int, str, float]:
    """Run ``negsim check`` in-process; return its exit code, its output and the CPU seconds it took."""
    began = time.process_time()
    run = negsim_cli("check", str(path))
    seconds = time.process_time() - began
    assert "Traceback" not in run.out + run.err and "internal error" not in run.err
    return run.code, run.out, seconds


def assert_refused_at(negsim_cli: Run, path: Path, line: int, col: int, *parts: str) -> None:
    """``negsim check`` exits 1 with one finding, at ``line:col``, holding every part, within the time limit."""
    code, out, seconds = check_in_time(negsim_cli, path)
    assert code == 1, out
    findings = out.splitlines()
    assert len(findings) == 1, out
    assert findings[0].startswith(f"{path}:{line}:{col}: error: "), findings[0]
    for part in parts:
        assert part in findings[0]
    assert seconds < SECONDS


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_in_time(*argv: str, timeout: float = 30.0) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``negsim ARGV`` in a fresh process, cut off after ``timeout`` seconds; return it and its CPU seconds."""
    began = _children_cpu()
    done = subprocess.run([sys.executable, "-m", "negsim", *argv], capture_output=True, text=True,
                          timeout=timeout, cwd=HERE.parent, check=False)
    return done, _children_cpu() - began


# -- random events -------------------------------------------------------------------------------


def test_a_random_event_of_a_huge_rate_is_refused_and_the_highest_rate_runs_quickly(
        negsim_cli: Run, tmp_path: Path) -> None:
    huge = variant(tmp_path, ("rate_per_day: 0.02", "rate_per_day: 1e300"))
    assert_refused_at(negsim_cli, huge, 90, 19, "'rate_per_day' must be at most 1, got a number (1e+300)", LIMITS_DOC)
    swept, _ = run_in_time("sweep", str(huge), "-n", "4", "-o", str(tmp_path / "results"))
    assert swept.returncode == 1, swept.stderr
    assert f"{huge}:90:19: error: 'rate_per_day' must be at most 1" in swept.stdout + swept.stderr
    assert not (tmp_path / "results").exists()
    highest = variant(tmp_path, ("rate_per_day: 0.02", "rate_per_day: 1"), ("horizon_days: 60", "horizon_days: 3650"),
                      ("date: 2024-11-15", "date: 2034-11-15"), name="highest.yaml")
    done, seconds = run_in_time("run", str(highest), "--seed", "1", "--json")
    assert done.returncode == 0, done.stderr
    assert seconds < SECONDS


STORM = "  - {{id: storm, kind: shock, rate_per_day: 1{window}}}\n"


def test_random_events_expected_too_often_in_all_are_refused_where_they_pass_the_limit(
        negsim_cli: Run, tmp_path: Path) -> None:
    ten_years = ("horizon_days: 60", "horizon_days: 3650")
    too_often = variant(tmp_path, ten_years, extra=STORM.format(window=""))
    assert_refused_at(negsim_cli, too_often, 94, 44, "random events would fall 3,723 times on average in a run",
                      "more than the 3,650 allowed", LIMITS_DOC)
    windowed = variant(tmp_path, ten_years, extra=STORM.format(window=", window: {first: 2024-10-01, "
                                                                      "last: 2025-01-08}"), name="windowed.yaml")
    code, out, _ = check_in_time(negsim_cli, windowed)
    assert code == 0, out


# -- talks ---------------------------------------------------------------------------------------

ZERO_LENGTH = "\ntalks: {{protocol: {protocol}, max_rounds: {rounds}, travel_days: 0, meeting_days: 0, " \
              "deliberation_days: 0}}\n"


@pytest.mark.parametrize("protocol", ["mediated", "alternating"])
def test_zero_length_talks_with_a_huge_number_of_rounds_are_refused_and_the_most_rounds_run_quickly(
        negsim_cli: Run, tmp_path: Path, protocol: str) -> None:
    huge = variant(tmp_path, extra=ZERO_LENGTH.format(protocol=protocol, rounds=10**9))
    assert_refused_at(negsim_cli, huge, 95, 33 + len(protocol), f"'max_rounds' must be at most {MAX_ROUNDS:,}",
                      LIMITS_DOC)
    most = variant(tmp_path, ("rate_per_day: 0.02", "rate_per_day: 0.00001"),
                   extra=ZERO_LENGTH.format(protocol=protocol, rounds=MAX_ROUNDS), name="most.yaml")
    done, seconds = run_in_time("run", str(most), "--seed", "3", "--json")
    assert done.returncode == 0, done.stderr
    assert seconds < SECONDS


@pytest.mark.parametrize(("setting", "line", "col", "message"), [
    ("summit_rounds: 1000000", 95, 24, "'summit_rounds' must be at most 100"),
    ("deliberation_days: 1e300", 95, 28, "'deliberation_days' must be at most 365"),
    ("meeting_days: 1000", 95, 23, "'meeting_days' must be at most 365"),
])
def test_talk_settings_out_of_range_are_refused(negsim_cli: Run, tmp_path: Path, setting: str, line: int, col: int,
                                                message: str) -> None:
    path = variant(tmp_path, extra=f"\ntalks: {{{setting}}}\n")
    assert_refused_at(negsim_cli, path, line, col, message)


def _summits(count: int, rounds: int) -> tuple[tuple[str, str], ...]:
    """Replacements adding ``count`` summits of ``rounds`` rounds each, none of them an agreement."""
    summits = "".join(f"  - {{id: s{k}, kind: summit, date: 2024-10-{k % 28 + 2:02d}, parties: [union, employers]}}\n"
                      for k in range(count))
    return (("events:\n", "events:\n" + summits), ("reservation: 0.3", "reservation: 0.99"),
            ("horizon_days: 60", f"horizon_days: 60\ntalks: {{summit_rounds: {rounds}}}"))


def test_summits_holding_more_rounds_in_all_than_allowed_are_refused_and_those_at_the_limit_run_quickly(
        negsim_cli: Run, tmp_path: Path) -> None:
    too_many = variant(tmp_path, *_summits(11, 100))
    assert_refused_at(negsim_cli, too_many, 96, 21, "11 summits of 100 round(s) each (talks.summit_rounds) would hold "
                      "1,100 rounds; all summits together may hold at most 1,000", LIMITS_DOC)
    at_limit = variant(tmp_path, *_summits(10, 100), name="at-limit.yaml")
    done, seconds = run_in_time("run", str(at_limit), "--seed", "4", "--json")
    assert done.returncode == 0, done.stderr
    assert seconds < SECONDS


# -- issues --------------------------------------------------------------------------------------


def _categories(count: int) -> str:
    return "values: [" + ", ".join(f"c{k}" for k in range(count)) + "]"


def test_sixty_thousand_categories_are_refused_quickly(negsim_cli: Run, tmp_path: Path) -> None:
    path = variant(tmp_path, ("values: [banned, limited, allowed]", _categories(60_000)))
    assert_refused_at(negsim_cli, path, 22, 13, f"'values' may hold at most {MAX_VALUES_PER_ISSUE:,} items, got 60,000",
                      LIMITS_DOC)


def test_an_issue_one_value_over_the_cap_is_refused_and_one_at_the_cap_checks_quickly(
        negsim_cli: Run, tmp_path: Path) -> None:
    over = variant(tmp_path, ("values: [banned, limited, allowed]", _categories(MAX_VALUES_PER_ISSUE + 1)))
    assert_refused_at(negsim_cli, over, 22, 13, f"got {MAX_VALUES_PER_ISSUE + 1:,}")
    # at the cap, with a full value table and values named in a red line and a proposal
    names = [f"c{k}" for k in range(MAX_VALUES_PER_ISSUE)]
    table = "automation: {" + ", ".join(f"{n}: {k % 10 / 10}" for k, n in enumerate(names)) + "}"
    at_cap = variant(tmp_path, ("values: [banned, limited, allowed]", _categories(MAX_VALUES_PER_ISSUE)),
                     ("value: [banned, limited]", f"value: [c0, {names[-1]}]"),
                     ("automation: {banned: 1, limited: 0.6, allowed: 0}", table),
                     ("automation: limited,", f"automation: {names[-2]},"), name="at-cap.yaml")
    code, out, seconds = check_in_time(negsim_cli, at_cap)
    assert code == 0, out
    assert seconds < SECONDS


@pytest.mark.parametrize(("bound", "col"), [("min: 0", 10), ("max: 30", 10)])
def test_an_integer_issue_beyond_a_billion_is_refused(negsim_cli: Run, tmp_path: Path, bound: str, col: int) -> None:
    key = bound.split(":")[0]
    path = variant(tmp_path, (bound, f"{key}: {'-' if key == 'min' else ''}10000000000000000000000"))
    line = 17 if key == "min" else 18
    assert_refused_at(negsim_cli, path, line, col, f"'{key}' must be at", "1,000,000,000")


# -- weights and other numbers -------------------------------------------------------------------


def test_weights_of_1e308_are_refused_at_each_weight(negsim_cli: Run, tmp_path: Path) -> None:
    path = variant(tmp_path, ("weights: {wage-rise: 2, automation: 1,",
                              "weights: {wage-rise: 1e308, automation: 1e308,"))
    code, out, seconds = check_in_time(negsim_cli, path)
    assert code == 1
    assert [line.split(": error: ")[0] for line in out.splitlines()] == [f"{path}:61:28", f"{path}:61:47"]
    assert "a weight must be at most 1,000,000, got a number (1e+308) (weights are relative" in out
    assert seconds < SECONDS


@pytest.mark.parametrize(("old", "new", "line", "col", "message"), [
    ("reservation: 0.3", "reservation: .nan", 66, 20, "'reservation' must be a finite number, got a number (nan)"),
    ("overtime: 0.5}", "overtime: .inf}", 61, 56, "a weight must be a finite number"),
    ("rate_per_day: 0.02", "rate_per_day: -.inf", 90, 19, "'rate_per_day' must be a finite number"),
    ("by: -0.1}", "by: .nan}", 93, 47, "'by' must be a finite number"),
])
def test_non_finite_numbers_are_refused_everywhere(negsim_cli: Run, tmp_path: Path, old: str, new: str, line: int,
                                                   col: int, message: str) -> None:
    path = variant(tmp_path, (old, new))
    assert_refused_at(negsim_cli, path, line, col, message, ".inf and .nan are not allowed")


@pytest.mark.parametrize(("old", "new", "line", "col", "message"), [
    ("reservation: 0.3", "reservation: 0.3\n      bargaining_power: 1e300", 67, 25,
     "'bargaining_power' must be at most 1,000"),
    ("role: mediator", "role: mediator\n    urgency: 1e300", 78, 14, "'urgency' must be at most 100"),
    ("role: mediator", "role: mediator\n    concession: {style: boulware, exponent: 1e-300}", 78, 45,
     "'exponent' must be at least 0.01"),
    ("by: -0.1}", "by: -1e300}", 93, 47, "'by' must be at least -100"),
    ("kind: softer", "kind: softer\n            weight: 1e300", 52, 21, "a weight must be at most 1,000,000"),
])
def test_numbers_beyond_their_range_are_refused(negsim_cli: Run, tmp_path: Path, old: str, new: str, line: int,
                                                col: int, message: str) -> None:
    path = variant(tmp_path, (old, new))
    assert_refused_at(negsim_cli, path, line, col, message)


# -- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "line", "col"), [
    ("start: 2024-10-01", "start: 9999-12-01", 5, 8),
    ("date: 2024-11-15", "date: 9999-12-31", 87, 11),
    ("date: 2024-09-28", "date: 0001-01-01", 11, 11),
    ("rate_per_day: 0.02", "rate_per_day: 0.02\n    window: {first: 2024-10-01, last: 3000-01-01}", 91, 39),
])
def test_dates_outside_the_supported_years_are_refused(negsim_cli: Run, tmp_path: Path, old: str, new: str, line: int,
                                                       col: int) -> None:
    path = variant(tmp_path, (old, new))
    assert_refused_at(negsim_cli, path, line, col, "is outside the years 1900 to 2999 that negsim supports")


def test_the_latest_start_with_the_longest_horizon_runs(tmp_path: Path) -> None:
    path = variant(tmp_path, ("start: 2024-10-01", "start: 2999-12-31"), ("horizon_days: 60", "horizon_days: 3650"),
                   ("date: 2024-11-15", "date: 2999-12-31"), ("date: 2024-09-28", "date: 2999-12-30"))
    done, seconds = run_in_time("run", str(path), "--seed", "2", "--json")
    assert done.returncode == 0, done.stderr
    assert seconds < SECONDS
    near_9999 = variant(tmp_path, ("start: 2024-10-01", "start: 9999-12-01"), name="near-9999.yaml")
    for argv in (("run", "--seed", "2"), ("sweep", "-n", "4", "-o", str(tmp_path / "results"))):
        done, _ = run_in_time(argv[0], str(near_9999), *argv[1:])
        assert done.returncode == 1, done.stderr
        assert f"{near_9999}:5:8: error: date 9999-12-01 is outside the years 1900 to 2999" in done.stdout + done.stderr
        assert "internal error" not in done.stderr
    assert not (tmp_path / "results").exists()


# -- Genius domains ------------------------------------------------------------------------------


def _genius_files(folder: Path, items: int) -> tuple[Path, Path]:
    """A Genius domain with one issue of ``items`` items and one of two, and a profile for it."""
    head = '<objective index="1" etype="objective" type="objective" name="Big">\n'
    many = "".join(f'<item index="{k + 1}" value="Item {k}"></item>\n' for k in range(items))
    rated = "".join(f'<item index="{k + 1}" value="Item {k}" evaluation="{k % 7 + 1}"></item>\n' for k in range(items))
    few = '<issue index="3" etype="discrete" type="discrete" name="Few">\n'
    domain, profile = folder / "big_domain.xml", folder / "big_profile.xml"
    domain.write_text('<negotiation_template>\n<utility_space number_of_issues="2">\n' + head
                      + '<issue index="2" etype="discrete" type="discrete" name="Many">\n' + many + "</issue>\n"
                      + few + '<item index="1" value="a"/><item index="2" value="b"/></issue>\n'
                      + "</objective>\n</utility_space>\n</negotiation_template>\n", encoding="utf-8")
    profile.write_text("<utility_space>\n" + head + '<issue index="2" etype="discrete" type="discrete" name="Many">\n'
                       + rated + "</issue>\n" + few + '<item index="1" value="a" evaluation="1"/>'
                       '<item index="2" value="b" evaluation="2"/></issue>\n<weight index="2" value="0.6"/>\n'
                       '<weight index="3" value="0.4"/>\n</objective>\n</utility_space>\n', encoding="utf-8")
    return domain, profile


def test_a_genius_domain_of_200000_items_is_refused_quickly_naming_the_issue(tmp_path: Path) -> None:
    domain, profile = _genius_files(tmp_path, 200_000)
    began = time.process_time()
    with pytest.raises(ScenarioError) as caught:
        import_genius(domain, [profile])
    seconds = time.process_time() - began
    ((finding,),) = [caught.value.diagnostics]
    assert (finding.path, finding.line, finding.col) == (str(domain), 4, 1)
    assert f"issue 'Many' has 200,000 items; negsim imports at most {MAX_VALUES_PER_ISSUE:,} values" in finding.message
    assert seconds < SECONDS


def test_a_genius_weight_beyond_the_limit_is_refused_in_the_profile(tmp_path: Path) -> None:
    domain, profile = _genius_files(tmp_path, 3)
    profile.write_text(profile.read_text(encoding="utf-8").replace('value="0.6"', 'value="1e308"'), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        import_genius(domain, [profile])
    ((finding,),) = [caught.value.diagnostics]
    assert finding.path == str(profile)
    assert "weight of issue 'Many' is 1e+308; negsim takes weights up to 1,000,000" in finding.message


def test_a_genius_integer_issue_beyond_a_billion_is_refused_in_the_domain(tmp_path: Path) -> None:
    fixtures = HERE / "genius"
    domain = tmp_path / "job_domain.xml"
    domain.write_text((fixtures / "job_domain.xml").read_text(encoding="utf-8").replace(
        'lowerbound="20"', 'lowerbound="20000000000"').replace('upperbound="30"', 'upperbound="20000000010"'),
        encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        import_genius(domain, [fixtures / "job_employer.xml"])
    ((finding,),) = [caught.value.diagnostics]
    assert (finding.path, finding.line) == (str(domain), 19)
    assert "integer issue 'Vacation days' ranges over [20000000000, 20000000010]; negsim's integer issues stay " \
           "within -1,000,000,000 to 1,000,000,000" in finding.message


def test_a_file_of_too_many_values_without_aliases_is_not_called_an_alias_bomb(negsim_cli: Run, tmp_path: Path) -> None:
    values = ", ".join(str(i) for i in range(200_001))
    path = variant(tmp_path, extra=f"notes: [{values}]\n")
    code, out, seconds = check_in_time(negsim_cli, path)
    assert code == 1, out
    assert "holds more than 200,000 values" in out and "alias" not in out
    assert seconds < 2 * SECONDS
