"""The command line: exit codes, JSON output, the schema, usage errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bundled import BUNDLED

from negsim.cli.main import main
from negsim.scenario.schema import json_schema_text

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), "run: negsim schema > docs/scenario.schema.json"


def test_schema_command_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["additionalProperties"] is False
    assert {"issues", "parties", "proposals", "events"} <= set(schema["properties"])


def test_scenario_files_carry_the_schema_modeline() -> None:
    for path in BUNDLED:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../docs/scenario.schema.json", path


def test_check_json_lists_files_and_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GAZA.read_text(encoding="utf-8").replace("role: mediator", "role: mediatr", 1))
    assert main(["check", str(GAZA), str(bad), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    good, broken = report["files"]
    assert good["valid"] is True and good["diagnostics"] == []
    (finding,) = broken["diagnostics"]
    assert finding["severity"] == "error" and "did you mean 'mediator'?" in finding["message"]
    assert finding["line"] > 1 and finding["col"] == 11


def test_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "no/such/file.yaml"]) == 2
    assert "cannot read 'no/such/file.yaml': no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--proposal", "us-bridging"], "unknown proposal 'us-bridging'; did you mean 'us-bridging-2024-08'?"),
        (["--terms", "philadelpi=none"], "unknown issue 'philadelpi' in --terms; did you mean 'philadelphi'?"),
        (["--terms", "philadelphi=nowhere"], "'nowhere' is not a value of issue 'philadelphi'"),
        (["--terms", "hostages=many"], "issue 'hostages' takes an integer, not 'many'"),
        (["--terms", "philadelphi"], "term 'philadelphi' should read issue=value"),
    ],
)
def test_bad_evaluate_arguments_exit_2_with_a_hint(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(GAZA), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_evaluate_refuses_an_invalid_scenario_with_its_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GAZA.read_text(encoding="utf-8").replace("value: reduced}", "value: reducd}", 1))
    assert main(["evaluate", str(bad), "--proposal", "us-bridging-2024-08"]) == 1
    err = capsys.readouterr().err
    assert "'reducd' is not a value of issue 'philadelphi'; did you mean 'reduced'?" in err
    assert "is not a valid scenario (1 error)" in err


def test_evaluate_json_carries_provenance(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(GAZA), "--proposal", "us-bridging-2024-08", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["provenance"]["scenario_sha256"]) == 64
    assert out["provenance"]["negsim"]


def test_python_dash_m_runs_the_command_line() -> None:
    done = subprocess.run([sys.executable, "-m", "negsim", "evaluate", str(GAZA), "--proposal",
                           "us-bridging-2024-08", "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rejected_by"] == ["hamas", "egypt"]


def test_a_usage_mistake_prints_argparse_help_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", str(GAZA)])
    assert exit_info.value.code == 2
    assert "one of the arguments --proposal --terms is required" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["evaluate", str(GAZA), "--proposal", "us-bridging-2024-08", "--fail-on-no-deal"], 1),
        (["explain", str(GAZA), "--fail-on-no-deal"], 1),
        (["run", str(GAZA), "--seed", "1", "--fail-on-no-deal"], 1),
        (["run", str(ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"), "--seed", "1",
          "--fail-on-no-deal"], 0),
        (["explain", str(ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"), "--fail-on-no-deal"], 0),
    ],
)
def test_fail_on_no_deal_sets_the_exit_code(argv: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == code
