"""The ``negsim`` command line: ``main(argv) -> exit code``.

Exit codes: 0 ok, 1 findings (an invalid file), 2 usage or I/O error, 3 internal error, 130
stopped by the user. Parsing is light: each command's module (``sim.cli.check``, ``judge``,
``simulate``, ``experiment``, ``report``, ``genius``) is loaded only when that command runs,
so that ``negsim --version`` and ``negsim check`` do not load numpy, simpy or the simulation.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..analysis.budget import METHODS
from ..errors import OUT_OF_MEMORY, WORKER_DIED, NegsimError, UsageError, os_problem
from ..interrupts import KeptInterrupted, deferring, forget_interrupt, note_interrupt
from ..version import __version__
from .exits import ARGV, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, INTERRUPTED
from .genius import add_import_genius_command
from .options import (
    add_package_options,
    add_red_line_options,
    add_run_options,
    date_arg,
    positive,
    positive_seconds,
    seed,
)
from .report import add_report_command

HANDLERS = {"check": ".check:run_check", "schema": ".check:run_schema",
            "evaluate": ".judge:run_evaluate", "explain": ".judge:run_explain",
            "run": ".simulate:run_talks", "sweep": ".experiment:run_sweep",
            "compare": ".experiment:run_compare", "import-genius": ".genius:run_import_genius",
            "report": ".report:run_report", "plot": ".plot:run_plot"}
"""Each command's handler, as ``module:function``, imported when the command runs."""


def load_every_command() -> None:
    """Load every command's module now, and what argparse loads on first use.

    For a process about to lose access to the interpreter's own files (one that drops its
    privileges, say), which could not load them later, when a command runs.
    """
    for handler in HANDLERS.values():
        importlib.import_module(handler.partition(":")[0], __package__)
    importlib.import_module("..report.terminal", __package__)
    importlib.import_module("locale")
    _parser()


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    module, _, function = HANDLERS[command].partition(":")
    handler: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module, __package__), function)
    return handler


EXAMPLES = {
    "check": ["negsim check scenarios/gaza-2024-08.yaml", "negsim check scenarios/",
              "negsim check scenarios/gaza-2024-08.yaml --sources ../shared/seeds"],
    "evaluate": ["negsim evaluate scenarios/gaza-2024-08.yaml --proposal us-bridging-2024-08",
                 "negsim evaluate scenarios/gaza-2024-08.yaml --terms philadelphi=monitored,withdrawal=complete",
                 "negsim evaluate scenarios/gaza-2024-08.yaml --proposal us-bridging-2024-08 "
                 "--terms philadelphi=monitored --json"],
    "explain": ["negsim explain scenarios/gaza-2024-08.yaml",
                "negsim explain scenarios/gaza-2024-08.yaml --proposal us-bridging-2024-08 --json"],
    "run": ["negsim run scenarios/gaza-2024-08.yaml --seed 7",
            "negsim run scenarios/gaza-2024-08.yaml --draw --until 2024-08-31 --log events.jsonl",
            "negsim run scenarios/gaza-2024-08.yaml --replication 17 --root-seed 0 --draw"],
    "sweep": ["negsim sweep scenarios/gaza-2024-08.yaml -n 10000 -o results/gaza --report",
              "negsim sweep scenarios/gaza-2024-08.yaml -n 2000 --draw --jobs 2 -o results/gaza-drawn",
              "negsim sweep --resume results/gaza"],
    "plot": ["negsim plot scenarios/gaza-2024-08.yaml space --parties israel,hamas -o space.svg",
             "negsim plot scenarios/gaza-2024-08-israel-accepts-monitoring.yaml space --seed 3 -o space.png",
             "negsim plot scenarios/gaza-2024-08.yaml dance --seed 7 -o dance.svg"],
    "compare": ["negsim compare scenarios/gaza-2024-08.yaml scenarios/gaza-2024-08-israel-accepts-monitoring.yaml "
                "-n 2000 -o results/cmp --report",
                "negsim compare --resume results/cmp"],
}
"""Examples each subcommand's --help ends with."""


def _examples(command: str) -> dict[str, Any]:
    """The keyword arguments that give a subcommand's --help its examples."""
    lines = "\n".join(f"  {example}" for example in EXAMPLES.get(command, []))
    return {"epilog": f"examples:\n{lines}", "formatter_class": argparse.RawDescriptionHelpFormatter} \
        if lines else {}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="negsim", description="Negotiation-position simulator.")
    parser.add_argument("--version", action="version", version=f"negsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_check(commands)
    _add_evaluate(commands)
    _add_explain(commands)
    _add_run(commands)
    sw = commands.add_parser("sweep", help="many seeded replications into a results folder", **_examples("sweep"))
    sw.add_argument("file", type=Path, metavar="FILE", nargs="?", help="the scenario (not with --resume)")
    add_run_options(sw, output_required=False)
    sw.add_argument("--max-errors", type=int, metavar="K",
                    help="stop once K replications have failed, keeping those that ran (default: never stop)")
    sw.add_argument("--resume", type=Path, metavar="DIR",
                    help="finish the interrupted sweep in DIR, as it was started (its scenario, seed and size)")
    cp = commands.add_parser("compare", help="compare scenario variants over the same seeded replications",
                             **_examples("compare"))
    cp.add_argument("files", nargs="*", type=Path, metavar="FILE",
                    help="the baseline first, then variants (not with --resume)")
    add_run_options(cp, output_required=False)
    cp.add_argument("--max-errors", type=int, metavar="K",
                    help="stop each scenario's sweep once K of its replications have failed (default: never stop)")
    cp.add_argument("--resume", type=Path, metavar="DIR",
                    help="finish the interrupted comparison in DIR, as it was started (its files, seed and size)")
    _add_plot(commands)
    add_import_genius_command(commands)
    add_report_command(commands)
    commands.add_parser("schema", help="print the JSON Schema of scenario files")
    return parser


def _add_plot(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pl = commands.add_parser("plot", help="draw the utility space of two parties, or a run's negotiation dance",
                             **_examples("plot"))
    pl.add_argument("file", type=Path, metavar="FILE", help="the scenario file (YAML)")
    pl.add_argument("picture", choices=("space", "dance"),
                    help="space: every package, the ZOPA, its frontier, Nash, Kalai-Smorodinsky, the proposals "
                         "(and a run's texts); dance: what each text is worth to each principal over time")
    pl.add_argument("--parties", metavar="A,B", help="the two parties of the utility space (default: the first two "
                                                     "principals)")
    pl.add_argument("--seed", type=seed, help="the run to draw (dance: default 0; space: only if given)")
    pl.add_argument("--replication", type=seed, metavar="I", help="draw replication I of a sweep instead")
    pl.add_argument("--root-seed", type=seed, metavar="S", help="the sweep's root seed, with --replication")
    add_red_line_options(pl)
    pl.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                    help="the picture: .svg or .png ('-': SVG on standard output)")
    pl.add_argument("--force", action="store_true", help="replace the file if it exists")


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check", help="validate scenario files; errors as file:line:col",
                                **_examples("check"))
    check.add_argument("files", nargs="+", type=Path, metavar="FILE",
                       help="scenario files, or folders: each stands for the *.yaml and *.yml files under it")
    check.add_argument("--sources", type=Path, metavar="DIR",
                       help="verify that every quote appears verbatim in the documents in DIR")
    check.add_argument("--json", action="store_true", help="machine-readable output")


def _add_evaluate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = commands.add_parser("evaluate", help="judge a proposal against every party's red lines",
                             **_examples("evaluate"))
    ev.add_argument("file", type=Path, metavar="FILE", help="the scenario file (YAML)")
    add_package_options(ev, "judge")
    ev.set_defaults(needs_a_package=ev)
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    ev.add_argument("--fail-on-no-deal", action="store_true", help="exit 1 unless every party accepts")


def _add_explain(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ex = commands.add_parser("explain", help="ZOPA, clashing red lines, fewest concessions, bargaining points",
                             **_examples("explain"))
    ex.add_argument("file", type=Path, metavar="FILE", help="the scenario file (YAML)")
    add_package_options(ex, "also judge against the deal space")
    ex.add_argument("--max-sets", type=positive, default=10, metavar="K",
                    help="list at most K clashing and K concession sets (default 10)")
    ex.add_argument("--examples", type=_examples_count, default=5, metavar="N",
                    help="list N packages of the ZOPA, spread over it (default 5; 'all' for every one)")
    ex.add_argument("--method", choices=METHODS, default="auto",
                    help="list every package (enumerate), ask a constraint solver (solver), or list the space "
                         "when it fits the memory budget and ask the solver otherwise (auto, the default)")
    ex.add_argument("--time-limit", type=positive_seconds, default=None, metavar="SECONDS",
                    help="stop searching for clashing and concession sets after SECONDS and report what was "
                         "found, marked incomplete")
    ex.add_argument("--json", action="store_true", help="machine-readable output")
    ex.add_argument("--fail-on-no-deal", action="store_true", help="exit 1 when the ZOPA is empty")


def _examples_count(text: str) -> int | None:
    """An argparse type: a number of ZOPA packages to list, or 'all' (None)."""
    return None if text == "all" else positive(text)


def _add_run(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rn = commands.add_parser("run", help="simulate the talks over calendar time", **_examples("run"))
    rn.add_argument("file", type=Path, metavar="FILE", help="the scenario file (YAML)")
    rn.add_argument("--seed", type=seed, help="seed of the run's random draws (default 0)")
    rn.add_argument("--replication", type=seed, metavar="I",
                    help="replay replication I of a sweep (with its --root-seed and, if it drew them, --draw)")
    rn.add_argument("--root-seed", type=seed, metavar="S", help="the sweep's root seed, with --replication (default 0)")
    rn.add_argument("--until", type=date_arg, metavar="YYYY-MM-DD", help="stop the run on this date")
    rn.add_argument("--method", choices=METHODS, default="auto",
                    help="list every package (enumerate), ask a constraint solver (solver: mediated talks), or list "
                         "them when the run fits the memory budget and ask the solver otherwise (auto, the default); "
                         "the same run every way")
    add_red_line_options(rn)
    rn.add_argument("--log", type=Path, metavar="FILE.jsonl",
                    help="write the event log as JSON lines ('-': to standard output, instead of the timeline)")
    rn.add_argument("--json", action="store_true", help="machine-readable output")
    rn.add_argument("--fail-on-no-deal", action="store_true", help="exit 1 when the run ends without agreement")


def _stop_on_signals() -> None:
    """Turn SIGINT, SIGTERM and SIGHUP into KeyboardInterrupt, so that partial results are cleaned up.

    SIGINT is set explicitly because a process started in the background of a script
    inherits it ignored, and would then not stop on Ctrl-C or ``kill -INT``. SIGHUP (the
    terminal closed) is caught only if it is not ignored, so that ``nohup negsim ...`` goes on.
    """

    def handler(signum: int, frame: object) -> None:
        note_interrupt()  # kept too: a library may swallow the exception raised here
        if not deferring():  # a sweep writing a chunk, or keeping what a stopped sweep did, looks afterwards
            raise KeyboardInterrupt

    forget_interrupt()  # one of an earlier command run in this process (a test, a notebook) is over
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
        if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) is signal.SIG_DFL:
            signal.signal(signal.SIGHUP, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    _escape_what_cannot_be_encoded()
    ARGV[:] = list(argv if argv is not None else sys.argv[1:])
    args = _parser().parse_args(argv)
    if getattr(args, "needs_a_package", None) and args.proposal is None and args.terms is None:
        args.needs_a_package.error("one of the arguments --proposal --terms is required (or both: the proposal "
                                   "with these terms changed)")
    _stop_on_signals()
    try:
        return _handler(args.command)(args)
    except MemoryError:
        pass  # said below: leaving this block frees what the failed allocation held, so printing can work
    except (KeyboardInterrupt, Exception) as exc:
        return _failed(exc)
    print(f"negsim: error: {OUT_OF_MEMORY}", file=sys.stderr)
    return EXIT_USAGE


def _failed(exc: BaseException) -> int:
    """Say why a command stopped, and the exit code for it: the user's mistake, a finding, or a bug in negsim."""
    from ..report.terminal import shown_error  # loaded only when there is something to say

    match exc:
        case UsageError():
            print(f"negsim: error: {shown_error(exc)}", file=sys.stderr)
            return EXIT_USAGE
        case NegsimError():
            print(f"negsim: error: {shown_error(exc)}", file=sys.stderr)
            return EXIT_FINDINGS
        case KeptInterrupted():
            print(f"negsim: interrupted; {exc}", file=sys.stderr)
            return INTERRUPTED
        case KeyboardInterrupt():
            print("negsim: interrupted", file=sys.stderr)
            return INTERRUPTED
        case OSError():
            print(f"negsim: error: {os_problem(exc)}", file=sys.stderr)
            return EXIT_USAGE
        case _ if _worker_died(exc):
            print(f"negsim: error: {WORKER_DIED}", file=sys.stderr)
            return EXIT_USAGE
    if os.environ.get("NEGSIM_DEBUG"):
        traceback.print_exc()
    print(f"negsim: internal error: {type(exc).__name__}: {exc}\n"
          "This is a bug in negsim; rerun with NEGSIM_DEBUG=1 for details and report it.", file=sys.stderr)
    return EXIT_INTERNAL


def _escape_what_cannot_be_encoded() -> None:
    """Write a character that stdout or stderr cannot encode as a backslash escape instead of failing.

    Output goes wherever the user sends it, in whatever encoding (``PYTHONIOENCODING=ascii``,
    a legacy console); a name it cannot hold is no reason to stop.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _worker_died(exc: BaseException) -> bool:
    """Whether a process pool lost a worker (its module is loaded only by a command that made a pool)."""
    pools = sys.modules.get("concurrent.futures.process")
    return pools is not None and isinstance(exc, pools.BrokenProcessPool)
