"""``negsim report DIR... -o FILE``: the HTML report on results folders (written by sim.report.html)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..files.outputs import is_stdout


def add_report_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``negsim report DIR... -o FILE`` to the command line's subcommands."""
    parser = commands.add_parser("report", help="write a self-contained HTML report on results folders")
    parser.add_argument("folders", nargs="+", type=Path, metavar="DIR",
                        help="results folders of `negsim sweep`, or a folder of `negsim compare`")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="the HTML file to write ('-': standard output)")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    parser.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    """Handle ``negsim report``: write the page, say where."""
    from ..report.html import write_report  # matplotlib and the analysis load only for a report

    write_report(list(args.folders), args.output, replace=args.force)
    where = "standard output" if is_stdout(args.output) else args.output
    print(f"report written to {where}", file=sys.stderr)
    return 0
