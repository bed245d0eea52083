"""``negsim plot``: the utility space of two parties, or the negotiation dance of a run, to SVG or PNG.

``negsim plot FILE space [--parties A,B] [--seed N | --replication I --root-seed S] [--draw] -o space.svg``
and ``negsim plot FILE dance [...] -o dance.png``.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

from sim.cli.common import EXIT_OK, load_for_command
from sim.errors import UsageError
from sim.files.outputs import check_output, is_stdout, write_atomically, write_stdout

FORMATS = (".svg", ".png")


def run_plot(args: argparse.Namespace) -> int:
    """Draw the picture asked for and write it where -o says (SVG on standard output for '-')."""
    output: Path = args.output
    suffix = ".svg" if is_stdout(output) else output.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"-o {output}: a picture is written as .svg or .png (or '-' for SVG on standard output)")
    check_output(output, [args.file], replace=args.force)
    scenario = load_for_command(args.file)
    from sim.analysis.dealspace import DealSpace  # the analysis and matplotlib load only for a picture
    from sim.report.utility_plots import dance_figure, utility_space, utility_space_figure

    space = DealSpace.of(scenario)
    entries = _run_entries(args, scenario)
    if args.picture == "space":
        parties = args.parties.split(",") if args.parties else None
        figure = utility_space_figure(utility_space(space, parties, entries or []))
    else:
        figure = dance_figure(space, entries or _run_entries(args, scenario, default=True) or [], scenario.start)
    data = _rendered(figure, suffix)
    if is_stdout(output):
        write_stdout(data if isinstance(data, str) else data.decode("ascii"))
    else:
        write_atomically(output, data)
        print(f"wrote {output}", file=sys.stderr)
    return EXIT_OK


def _run_entries(args: argparse.Namespace, scenario: Any, *, default: bool = False) -> list[dict[str, Any]] | None:
    """The event log of the run asked for (--seed, or --replication), or of seed 0 when ``default``; else None."""
    if args.replication is None and args.seed is None and not default:
        return None
    if args.replication is not None and args.seed is not None:
        raise UsageError("--seed and --replication choose the run's draws two ways; give one")
    from sim.experiments.replicate import replication_run
    from sim.simulation.talks import run

    if args.replication is not None:
        _, log = replication_run(scenario, args.root_seed or 0, args.replication, draw=bool(args.draw))
    else:
        _, log = run(scenario, seed=args.seed or 0, draw=bool(args.draw))
    return log.entries


def _rendered(figure: Any, suffix: str) -> str | bytes:
    if suffix == ".svg":
        from sim.report.plots import to_svg

        return '<?xml version="1.0" encoding="utf-8"?>\n' + to_svg(figure, "negsim") + "\n"
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()
