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

from ..errors import UsageError
from ..files.outputs import check_output, is_stdout, write_atomically, write_stdout
from .common import EXIT_OK, load_for_command
from .simulate import check_draw_options, played

FORMATS = (".svg", ".png")


def run_plot(args: argparse.Namespace) -> int:
    """Draw the picture asked for and write it where -o says (SVG on standard output for '-')."""
    output: Path = args.output
    suffix = ".svg" if is_stdout(output) else output.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"-o {output}: a picture is written as .svg or .png (or '-' for SVG on standard output)")
    check_output(output, [args.file], replace=args.force)
    check_draw_options(args)
    scenario = load_for_command(args.file)
    from ..analysis.dealspace import DealSpace  # the analysis and matplotlib load only for a picture
    from ..report.utility_plots import dance_figure, utility_space, utility_space_figure

    space = DealSpace.of(scenario)
    drawn = args.picture == "dance" or args.seed is not None or args.replication is not None
    log = played(args, scenario, demands=True)[1] if drawn else None  # the dance draws a run, seed 0 by default
    entries = [] if log is None else log.entries
    if args.picture == "space":
        figure = utility_space_figure(utility_space(space, args.parties.split(",") if args.parties else None, entries))
    else:
        figure = dance_figure(space, entries, scenario.start, log.demands if log is not None else None)
    if is_stdout(output):
        write_stdout(_svg(figure))
    else:
        write_atomically(output, _svg(figure) if suffix == ".svg" else _png(figure))
        print(f"wrote {output}", file=sys.stderr)
    return EXIT_OK


def _svg(figure: Any) -> str:
    """The figure as an SVG document."""
    from ..report.plots import to_svg

    return '<?xml version="1.0" encoding="utf-8"?>\n' + to_svg(figure, "negsim") + "\n"


def _png(figure: Any) -> bytes:
    """The figure as a PNG image."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()
