"""The options commands share, and their argparse types: light, as parsing the command line must be."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..experiments.defaults import DEFAULT_REPLICATIONS, DEFAULT_TIME_LIMIT

MAX_SEED = 2**63 - 1  # seeds go into replications.csv, whose Parquet copy stores them as 64-bit integers


def scheduler_address(text: str) -> str:
    """An argparse type: a Dask scheduler's address (checked by the backends, loaded only when one is given)."""
    from ..experiments.backends import scheduler_address as checked

    return checked(text)


def seed(text: str) -> int:
    """An argparse type: a seed is a whole number from 0 to MAX_SEED."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"a seed runs from 0 to {MAX_SEED} (2**63 - 1), got {value}")
    return value


def add_red_line_options(parser: argparse.ArgumentParser) -> None:
    """``--stated`` (the default) or ``--draw``: the red lines ``run``, ``sweep`` and ``compare`` play.

    One question for all three: by default every red line is played as stated; with ``--draw``
    each run draws every red line's real version from its confidence and alternatives.
    """
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--stated", dest="draw", action="store_false",
                       help="play every red line as stated (the default)")
    group.add_argument("--draw", "--draw-red-lines", dest="draw", action="store_true",
                       help="draw each red line's real version from its confidence and alternatives, run by run")
    parser.set_defaults(draw=None)  # neither given: as stated (None tells a --resume that nothing was asked)


def add_run_options(parser: argparse.ArgumentParser, output_required: bool = True) -> None:
    """Options shared by ``sweep`` and ``compare``: size, seed, red lines, backend, output.

    Options that decide the results default to None here (their defaults are filled in by
    the command), so that ``sweep --resume`` can tell that one was given.
    """
    parser.add_argument("-n", "--replications", type=int, metavar="N",
                        help=f"replications per scenario (default {DEFAULT_REPLICATIONS})")
    parser.add_argument("--seed", type=seed, help="root seed (default 0)")
    add_red_line_options(parser)
    parser.add_argument("--jobs", type=int, default=2, metavar="J", help="worker processes (default 2)")
    parser.add_argument("--backend", choices=("serial", "process", "dask"), default="process",
                        help="where replications run (default: a local process pool)")
    parser.add_argument("--scheduler", metavar="ADDRESS", type=scheduler_address,
                        help="Dask scheduler address (tcp://host:8786); default: a local cluster")
    parser.add_argument("--chunk-size", type=int, default=100, metavar="K", help="replications per task")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS",
                        help=f"seconds one replication may compute before it becomes an error row "
                             f"(default {DEFAULT_TIME_LIMIT:g})")
    parser.add_argument("-o", "--output", type=Path, required=output_required, metavar="DIR", help="results folder")
    parser.add_argument("--force", action="store_true", help="replace an existing results folder")
    parser.add_argument("--trace", action="store_true", default=None,
                        help="also keep every run's event log (events.jsonl)")
    parser.add_argument("--parquet", action="store_true", help="also write replications.parquet (extra: parquet)")
    parser.add_argument("--report", action="store_true", help="also write report.html into the folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


class Once(argparse.Action):
    """An option that may be given once: a second one is refused, not silently kept in place of the first."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        """Keep the value, or refuse it if the option was given before."""
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option_string} is given twice; give it once")
        setattr(namespace, self.dest, values)


def add_package_options(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--proposal ID`` and ``--terms ISSUE=VALUE,...``: a proposal, a package, or the proposal amended."""
    parser.add_argument("--proposal", metavar="ID", action=Once,
                        help=f"{verb} this proposal of the scenario (with --terms: changed by them)")
    parser.add_argument("--terms", metavar="ISSUE=VALUE,...", action=Once,
                        help=f"{verb} this package (issues left out stay open), or, with --proposal, "
                             "change these terms of the proposal")


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def positive_seconds(text: str) -> float:
    """An argparse type: a number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got '{text}'") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got '{text}'")
    return value


def date_arg(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'") from None
