"""``negsim check`` and ``negsim schema``: scenario files, checked, and the schema they follow."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from ..errors import Diagnostic, UsageError
from ..files.inputs import require_scenario_file, scenario_files
from ..report.terminal import plain, render_diagnostics
from ..scenario.hints import counted
from ..scenario.loader import inspect
from ..scenario.model import Scenario
from ..scenario.sources import check_quotes
from .common import EXIT_FINDINGS, EXIT_OK, dump, new_console


def run_check(args: argparse.Namespace) -> int:
    """Check each scenario file (a folder: the scenario files under it); exit 1 if one is invalid."""
    args.files = scenario_files(args.files)
    _require_check_inputs(args.files, args.sources)
    report: list[dict[str, Any]] = []
    console = new_console()
    failed = 0
    for path in args.files:
        scenario, findings = _findings(path, args.sources)
        failed += any(d.severity == "error" for d in findings)
        report.append(_file_report(path, scenario, findings))
        if not args.json:
            _print_check(console, path, scenario, findings)
    if args.json:
        dump({"files": report, "valid": failed == 0})
    elif len(args.files) > 1 or failed:
        print(f"{len(args.files) - failed} of {counted(len(args.files), 'file')} valid", file=sys.stderr)
    return EXIT_FINDINGS if failed else EXIT_OK


def _require_check_inputs(files: list[Path], sources: Path | None) -> None:
    """Refuse a missing file or sources folder before checking any file."""
    for path in files:
        require_scenario_file(path)
    if sources is not None and not sources.is_dir():
        raise UsageError(f"--sources '{sources}' is not a folder")


def _findings(path: Path, sources: Path | None) -> tuple[Scenario | None, list[Diagnostic]]:
    """A file's scenario (None if it has none) and what is wrong with it, quotes checked against ``sources``."""
    checked = inspect(path)
    findings = list(checked.findings)
    if sources is not None and checked.document is not None and checked.scenario is not None:
        findings += check_quotes(checked.document, sources)
    return checked.scenario, findings


def _print_check(console: Console, path: Path, scenario: Scenario | None, findings: list[Diagnostic]) -> None:
    render_diagnostics(findings, console)
    if scenario is not None and not any(d.severity == "error" for d in findings):
        console.print(plain(f"{path}: ok ({scenario.counts()})", "green"), soft_wrap=True)


def _file_report(path: Path, scenario: Scenario | None, findings: list[Diagnostic]) -> dict[str, Any]:
    valid = scenario is not None and not any(d.severity == "error" for d in findings)
    return {"path": str(path), "valid": valid, "diagnostics": [d.to_dict() for d in findings]}


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files."""
    from ..scenario.schema import json_schema_text

    sys.stdout.write(json_schema_text())
    return EXIT_OK
