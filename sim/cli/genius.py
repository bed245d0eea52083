"""The ``negsim import-genius`` command."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ..files.inputs import require_regular_file
from ..files.outputs import check_output, is_stdout, write_output
from ..importers.genius_reading import HELP_WORDS, READINGS
from .options import positive


def add_import_genius_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import-genius`` command to the ``negsim`` sub-commands.

    Args:
        commands: The sub-parsers of the ``negsim`` parser.
    """
    cmd = commands.add_parser("import-genius", help="convert a Genius (ANAC) domain and its preference "
                              "profiles into a scenario file", description="\n".join(HELP_WORDS),
                              epilog="example:\n  negsim import-genius party_domain.xml party1_utility.xml "
                              "party2_utility.xml -o party.yaml", formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("domain", type=Path, metavar="DOMAIN", help="the Genius domain file (XML)")
    cmd.add_argument("profiles", nargs="+", type=Path, metavar="PROFILE",
                     help="one Genius preference profile (XML) per party")
    cmd.add_argument("-o", "--output", type=Path, required=True, metavar="PATH",
                     help="the scenario file to write (YAML; '-': standard output)")
    cmd.add_argument("--id", metavar="ID", help="id of the scenario (default: from the domain's file name)")
    cmd.add_argument("--reading", choices=READINGS, default="genius",
                     help="read the numbers as Genius does (each issue on its own scale; the default) or as "
                     "NegMAS does (evaluations as written)")
    cmd.add_argument("--rounds", type=positive, metavar="N",
                     help="the deadline in rounds the domain is negotiated under: the talks alternate offers "
                     "for N rounds (default: negsim's talks settings)")
    cmd.add_argument("--force", action="store_true", help="replace the output file if it exists")
    cmd.set_defaults(handler=run_import_genius)


def run_import_genius(args: argparse.Namespace) -> int:
    """Run ``negsim import-genius``: convert, write the scenario atomically, print a summary.

    Args:
        args: Parsed arguments with ``domain``, ``profiles``, ``output``, ``id``, ``reading`` and ``rounds``.

    Returns:
        The exit code, 0.

    Raises:
        UsageError: An input file is missing or the output folder does not exist.
        ScenarioError: An input file is malformed or a profile does not match the domain.
    """
    for path in (args.domain, *args.profiles):
        require_regular_file(Path(path), "Genius")
    output = Path(args.output)
    check_output(output, [Path(args.domain), *map(Path, args.profiles)], replace=args.force)
    from ..importers.genius.convert import convert  # loaded only when a domain is imported

    result = convert(Path(args.domain), [Path(p) for p in args.profiles], scenario_id=args.id,
                     reading=args.reading, rounds=args.rounds)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    write_output(output, result.text)
    scenario = result.scenario
    packages = math.prod(len(i.domain()) for i in scenario.issues)
    # With -o -, standard output holds the scenario alone; the summary goes to standard error.
    where = "standard output" if is_stdout(output) else output
    print(f"wrote {where}: scenario '{scenario.id}' with {len(scenario.issues)} issues, "
          f"{len(scenario.parties)} parties, {packages:,} packages",
          file=sys.stderr if is_stdout(output) else sys.stdout)
    return 0
