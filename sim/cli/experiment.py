"""``negsim sweep`` and ``negsim compare``: many seeded replications, their summaries, their comparison."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..experiments.compare import differences_in_kind
from ..experiments.comparison import Compared, resume_comparison, run_comparison
from ..experiments.defaults import DEFAULT_REPLICATIONS, DEFAULT_TIME_LIMIT
from ..experiments.sweep import SweepSettings, resumable, sweep
from ..report.terminal import plain
from ..scenario.hints import counted
from ..scenario.loader import loads
from .common import ARGV, EXIT_FINDINGS, EXIT_OK, dump, load_for_command, new_console, notice, say
from .sweep import comparison_table, identical_runs_notes, progress_bar, summary_table

AT_LEAST_ONE = "-n, --jobs and --chunk-size must be at least 1"


def settings_from(args: argparse.Namespace) -> SweepSettings:
    """The sweep settings the options give, each checked (a usage error says which is wrong)."""
    replications = DEFAULT_REPLICATIONS if args.replications is None else args.replications
    time_limit = DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
    if replications < 1:
        raise UsageError(AT_LEAST_ONE)
    if not 0 < time_limit < float("inf"):
        raise UsageError(f"--time-limit must be a number of seconds above 0, got {time_limit:g}")
    max_errors = getattr(args, "max_errors", None)  # sweep's alone
    if max_errors is not None and max_errors < 1:
        raise UsageError(f"--max-errors must be at least 1, got {max_errors}")
    return replace(running_from(args), n=replications, seed=args.seed or 0, trace=bool(args.trace),
                   time_limit=time_limit, max_errors=max_errors, draw=bool(args.draw))


def running_from(args: argparse.Namespace) -> SweepSettings:
    """Where and how the replications run, which changes no result (what a --resume may choose anew)."""
    if args.jobs < 1 or args.chunk_size < 1:
        raise UsageError(AT_LEAST_ONE)
    if args.scheduler and args.backend != "dask":
        raise UsageError("--scheduler goes with --backend dask")
    return SweepSettings(DEFAULT_REPLICATIONS, jobs=args.jobs, backend=args.backend, scheduler=args.scheduler,
                         chunk_size=args.chunk_size, parquet=args.parquet)


def run_sweep(args: argparse.Namespace) -> int:
    """Run a sweep into a results folder, or finish an interrupted one (``--resume``)."""
    if args.resume is not None:
        return _resume(args)
    if args.file is None or args.output is None:
        raise UsageError("sweep needs a scenario FILE and -o DIR (or --resume DIR to finish an interrupted sweep)")
    scenario = load_for_command(args.file)
    settings = settings_from(args)
    with progress_bar(settings.n, f"sweeping {scenario.id}", args.quiet) as advance:
        result = sweep(scenario, args.file, settings, args.output, overwrite=args.force, progress=advance,
                       argv=ARGV, notify=notice)
    return _swept(args, result, args.output)


def _resume(args: argparse.Namespace) -> int:
    """Finish an interrupted sweep as it was started: its scenario, seed, size and red lines from its folder."""
    _refuse_with_resume(args, "a sweep", "manifest.json", files=args.file)
    stopped = resumable(args.resume)
    settings = stopped.settings(running_from(args))
    scenario = loads(stopped.text, str(args.resume / "scenario.yaml"))
    with progress_bar(settings.n, f"sweeping {scenario.id}", args.quiet) as advance:
        result = sweep(scenario, stopped.scenario_path, settings, args.resume, progress=advance, argv=ARGV,
                       notify=notice, resume_text=stopped.text)
    return _swept(args, result, args.resume)


def _refuse_with_resume(args: argparse.Namespace, what: str, record: str, *, files: object) -> None:
    """Refuse, with --resume, the options that decide results: a resume runs as the folder records."""
    given = [name for name, value in (("FILE", files), ("-o", args.output), ("-n", args.replications),
                                      ("--seed", args.seed), ("--draw or --stated", args.draw),
                                      ("--trace", args.trace), ("--time-limit", args.time_limit),
                                      ("--max-errors", args.max_errors), ("--force", args.force or None))
             if value is not None]
    if given:
        raise UsageError(f"--resume finishes {what} as it was started, from its {record}: leave out "
                         f"{', '.join(given)}")


def _swept(args: argparse.Namespace, result: dict[str, Any], output: Path) -> int:
    """Show a finished sweep (its table, or JSON; the report if asked) and return the exit code."""
    if args.report:
        from ..report.html import write_report

        write_report([output], output / "report.html")
    if args.json:
        dump({**result, "output": str(output)})
    else:
        console = new_console()
        console.print(summary_table([result]))
        for note in identical_runs_notes([result]):
            console.print(plain(note))
        print(f"results in {output}", file=sys.stderr)
    return failed_replications([result])


def failed_replications(results: list[dict[str, Any]]) -> int:
    """Say how many replications failed and the most common error; exit 1 if a scenario's all did or a sweep stopped.

    Some failures leave a summary over the runs that worked (exit 0, with a warning); a
    scenario none of whose runs worked has no result at all, which a script must not take for
    one, and a sweep stopped by --max-errors did not run what was asked.
    """
    code = EXIT_OK
    for result in results:
        errors, total, name = result["errors"], result["replications"], result["scenario"]
        if not errors:
            continue
        if result.get("stopped_early"):
            code = EXIT_FINDINGS
            say("error", f"the sweep of {name} stopped after {total} of {result['replications_asked']} replications: "
                 f"{result['stopped_early']}; {_most_common_error(result)}")
        elif errors == total:
            code = EXIT_FINDINGS
            say("error", f"all {total} replications of {name} failed; {_most_common_error(result)}")
        else:
            say("warning", f"{errors} of {total} replications of {name} failed; {_most_common_error(result)}")
    return code


def _most_common_error(result: dict[str, Any]) -> str:
    """The kind of error most of a sweep's failed replications had, with its first text, and how many other kinds."""
    kinds = list(result["errors_by_kind"].values())
    shown = f"the most common error ({kinds[0]['count']} of {result['errors']}): {kinds[0]['first']}"
    if len(kinds) > 1:
        shown += f"; {counted(len(kinds) - 1, 'other kind')} of error in summary.json"
    return shown


def run_compare(args: argparse.Namespace) -> int:
    """Compare scenarios over the same seeded replications, or finish an interrupted comparison."""
    bars = partial(progress_bar, quiet=args.quiet)
    if args.resume is not None:
        _refuse_with_resume(args, "a comparison", "compare.json", files=args.files or None)
        compared = resume_comparison(args.resume, running_from(args), bars=bars, notify=notice, argv=ARGV)
        output: Path = args.resume
    else:
        if len(args.files) < 2 or args.output is None:
            raise UsageError("compare needs at least two scenario files, a baseline and a variant, and -o DIR "
                             "(or --resume DIR to finish an interrupted comparison)")
        scenarios = [load_for_command(path) for path in args.files]
        ids = [s.id for s in scenarios]
        if len(set(ids)) != len(ids):
            raise UsageError(f"the scenarios must have different ids, got {', '.join(ids)}")
        for warning in differences_in_kind(scenarios):
            say("warning", warning)
        output = args.output
        compared = run_comparison(list(zip(scenarios, args.files, strict=True)), settings_from(args), output,
                                  overwrite=args.force, bars=bars, notify=notice, argv=ARGV)
    return _compared(args, compared, output)


def _compared(args: argparse.Namespace, compared: Compared, output: Path) -> int:
    """Show a finished comparison (its tables, or JSON; the report if asked) and return the exit code."""
    if args.report:
        from ..report.html import write_report

        write_report([output], output / "report.html")
    if args.json:
        dump({"summaries": compared.summaries, "comparison": compared.comparison, "output": str(output)})
    else:
        console = new_console()
        console.print(summary_table(compared.summaries))
        for note in identical_runs_notes(compared.summaries):
            console.print(plain(note))
        console.print(comparison_table(compared.comparison))
        print(f"results in {output}", file=sys.stderr)
    return failed_replications(compared.summaries)
