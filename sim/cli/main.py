"""The ``negsim`` command line: ``main(argv) -> exit code``.

Exit codes: 0 ok, 1 findings (an invalid file), 2 usage or I/O error, 3 internal error.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console

from sim.analysis.explain import explain
from sim.cli.genius import add_import_genius_command, run_import_genius
from sim.cli.sweep import (
    DEFAULT_REPLICATIONS,
    add_red_line_options,
    add_run_options,
    comparison_table,
    identical_runs_notes,
    progress_bar,
    seed,
    summary_table,
)
from sim.cli.terms import parse_terms
from sim.constraints.evaluation import Amended, ProposalLike, evaluate, resolve_terms
from sim.errors import OUT_OF_MEMORY, WORKER_DIED, Diagnostic, NegsimError, UsageError, os_problem
from sim.experiments.compare import differences_in_kind
from sim.experiments.comparison import Compared, CompareInterrupted, resume_comparison, run_comparison
from sim.experiments.replicate import DEFAULT_TIME_LIMIT, red_lines_played, replication_run
from sim.experiments.sweep import SweepInterrupted, SweepSettings, resumable, sweep
from sim.files.inputs import require_scenario_file, scenario_files
from sim.files.outputs import check_output, is_stdout, write_output
from sim.interrupts import deferring, forget_interrupt, note_interrupt
from sim.report.html import add_report_command, run_report
from sim.report.terminal import (
    json_text,
    plain,
    render_diagnostics,
    render_evaluation,
    render_explanation,
    render_outcome,
    render_red_lines,
    render_timeline,
    shown_error,
)
from sim.scenario.hints import counted
from sim.scenario.loader import inspect, loads
from sim.scenario.model import Scenario
from sim.scenario.schema import json_schema_text
from sim.scenario.sources import check_quotes
from sim.scenario.words import rule_of
from sim.simulation.talks import run
from sim.version import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="negsim", description="Negotiation-position simulator.")
    parser.add_argument("--version", action="version", version=f"negsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_check(commands)
    _add_evaluate(commands)
    _add_explain(commands)
    _add_run(commands)
    sw = commands.add_parser("sweep", help="many seeded replications into a results folder")
    sw.add_argument("file", type=Path, metavar="FILE", nargs="?", help="the scenario (not with --resume)")
    add_run_options(sw, output_required=False)
    sw.add_argument("--max-errors", type=int, metavar="K",
                    help="stop once K replications have failed, keeping those that ran (default: never stop)")
    sw.add_argument("--resume", type=Path, metavar="DIR",
                    help="finish the interrupted sweep in DIR, as it was started (its scenario, seed and size)")
    cp = commands.add_parser("compare", help="compare scenario variants over the same seeded replications")
    cp.add_argument("files", nargs="*", type=Path, metavar="FILE",
                    help="the baseline first, then variants (not with --resume)")
    add_run_options(cp, output_required=False)
    cp.add_argument("--max-errors", type=int, metavar="K",
                    help="stop each scenario's sweep once K of its replications have failed (default: never stop)")
    cp.add_argument("--resume", type=Path, metavar="DIR",
                    help="finish the interrupted comparison in DIR, as it was started (its files, seed and size)")
    add_import_genius_command(commands)
    add_report_command(commands)
    commands.add_parser("schema", help="print the JSON Schema of scenario files")
    return parser


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check", help="validate scenario files; errors as file:line:col")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE",
                       help="scenario files, or folders: each stands for the *.yaml and *.yml files under it")
    check.add_argument("--sources", type=Path, metavar="DIR",
                       help="verify that every quote appears verbatim in the documents in DIR")
    check.add_argument("--json", action="store_true", help="machine-readable output")


def _add_evaluate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = commands.add_parser("evaluate", help="judge a proposal against every party's red lines")
    ev.add_argument("file", type=Path, metavar="FILE")
    _add_package_options(ev, "judge")
    ev.set_defaults(needs_a_package=ev)
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    ev.add_argument("--fail-on-no-deal", action="store_true", help="exit 1 unless every party accepts")


class _Once(argparse.Action):
    """An option that may be given once: a second one is refused, not silently kept in place of the first."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option_string} is given twice; give it once")
        setattr(namespace, self.dest, values)


def _add_package_options(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument("--proposal", metavar="ID", action=_Once,
                        help=f"{verb} this proposal of the scenario (with --terms: changed by them)")
    parser.add_argument("--terms", metavar="ISSUE=VALUE,...", action=_Once,
                        help=f"{verb} this package (issues left out stay open), or, with --proposal, "
                             "change these terms of the proposal")


def _package(args: argparse.Namespace, scenario: Scenario) -> ProposalLike | None:
    """The package --proposal and --terms name: a proposal, one with some terms changed, terms, or None."""
    terms = None if args.terms is None else parse_terms(args.terms, scenario)
    if args.proposal is not None and terms is not None:
        resolve_terms(scenario, args.proposal)  # an unknown proposal is named as such
        return Amended(args.proposal, terms)
    return args.proposal if args.proposal is not None else terms


def _add_explain(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ex = commands.add_parser("explain", help="ZOPA, clashing red lines, fewest concessions, bargaining points")
    ex.add_argument("file", type=Path, metavar="FILE")
    _add_package_options(ex, "also judge against the deal space")
    ex.add_argument("--max-sets", type=_positive, default=10, metavar="K",
                    help="list at most K clashing and K concession sets (default 10)")
    ex.add_argument("--json", action="store_true", help="machine-readable output")
    ex.add_argument("--fail-on-no-deal", action="store_true", help="exit 1 when the ZOPA is empty")


def _add_run(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rn = commands.add_parser("run", help="simulate the talks over calendar time")
    rn.add_argument("file", type=Path, metavar="FILE")
    rn.add_argument("--seed", type=seed, help="seed of the run's random draws (default 0)")
    rn.add_argument("--replication", type=seed, metavar="I",
                    help="replay replication I of a sweep (with its --root-seed and, if it drew them, --draw)")
    rn.add_argument("--root-seed", type=seed, metavar="S", help="the sweep's root seed, with --replication (default 0)")
    rn.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="stop the run on this date")
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


_ARGV: list[str] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    _escape_what_cannot_be_encoded()
    _ARGV[:] = list(argv if argv is not None else sys.argv[1:])
    args = _parser().parse_args(argv)
    if getattr(args, "needs_a_package", None) and args.proposal is None and args.terms is None:
        args.needs_a_package.error("one of the arguments --proposal --terms is required (or both: the proposal "
                                   "with these terms changed)")
    _stop_on_signals()
    try:
        handler = {"check": _check, "evaluate": _evaluate, "explain": _explain, "run": _run,
                   "sweep": _sweep, "compare": _compare, "import-genius": run_import_genius,
                   "report": run_report,
                   "schema": _schema}[args.command]
        return handler(args)
    except MemoryError:
        pass  # said below: leaving this block frees what the failed allocation held, so printing can work
    except (KeyboardInterrupt, Exception) as exc:
        return _failed(exc)
    print(f"negsim: error: {OUT_OF_MEMORY}", file=sys.stderr)
    return EXIT_USAGE


def _failed(exc: BaseException) -> int:
    """Say why a command stopped, and the exit code for it: the user's mistake, a finding, or a bug in negsim."""
    match exc:
        case UsageError():
            print(f"negsim: error: {shown_error(exc)}", file=sys.stderr)
            return EXIT_USAGE
        case NegsimError():
            print(f"negsim: error: {shown_error(exc)}", file=sys.stderr)
            return EXIT_FINDINGS
        case SweepInterrupted() | CompareInterrupted():
            print(f"negsim: interrupted; {exc}", file=sys.stderr)
            return 130
        case KeyboardInterrupt():
            print("negsim: interrupted", file=sys.stderr)
            return 130
        case OSError():
            print(f"negsim: error: {os_problem(exc)}", file=sys.stderr)
            return EXIT_USAGE
        case BrokenProcessPool():
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


def _console() -> Console:
    # markup and emoji off: text from a scenario such as "[bold]" or ":warning:" prints as written
    return Console(width=None if sys.stdout.isatty() else 120, soft_wrap=False, highlight=False,
                   markup=False, emoji=False)


def _provenance(path: Path | None, argv: Sequence[str] | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {"negsim": __version__, "argv": list(argv if argv is not None else _ARGV)}
    if path is not None:
        info["scenario_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return info


def _dump(data: Any) -> None:
    sys.stdout.write(json_text(data, ascii_only=not _encodes_everything(sys.stdout)) + "\n")


def _encodes_everything(stream: Any) -> bool:
    """Whether a stream's encoding holds every character (UTF-8 does, ASCII does not)."""
    try:
        "\U0010ffff".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _check(args: argparse.Namespace) -> int:
    args.files = scenario_files(args.files)
    _require_check_inputs(args.files, args.sources)
    report: list[dict[str, Any]] = []
    console = _console()
    failed = 0
    for path in args.files:
        scenario, findings = _findings(path, args.sources)
        failed += any(d.severity == "error" for d in findings)
        report.append(_file_report(path, scenario, findings))
        if not args.json:
            _print_check(console, path, scenario, findings)
    if args.json:
        _dump({"files": report, "valid": failed == 0})
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


def _counts(scenario: Scenario) -> str:
    red_lines = sum(len(p.red_lines) for p in scenario.parties)
    return ", ".join(counted(n, what) for n, what in (
        (len(scenario.issues), "issue"), (len(scenario.parties), "party"), (red_lines, "red line"),
        (len(scenario.proposals), "proposal"), (len(scenario.events), "event")))


def _print_check(console: Console, path: Path, scenario: Scenario | None, findings: list[Diagnostic]) -> None:
    render_diagnostics(findings, console)
    if scenario is not None and not any(d.severity == "error" for d in findings):
        console.print(plain(f"{path}: ok ({_counts(scenario)})", "green"), soft_wrap=True)


def _file_report(path: Path, scenario: Scenario | None, findings: list[Diagnostic]) -> dict[str, Any]:
    valid = scenario is not None and not any(d.severity == "error" for d in findings)
    return {"path": str(path), "valid": valid, "diagnostics": [d.to_dict() for d in findings]}


def _load_for_command(path: Path) -> Scenario:
    require_scenario_file(path)
    checked = inspect(path)
    if checked.scenario is None:
        render_diagnostics(checked.findings, Console(stderr=True, highlight=False))
        raise _InvalidScenario(path, len([d for d in checked.findings if d.severity == "error"]))
    return checked.scenario


class _InvalidScenario(NegsimError):
    def __init__(self, path: Path, count: int) -> None:
        super().__init__(f"{path} is not a valid scenario ({count} error{'s' * (count != 1)}); "
                         f"run 'negsim check {path}'")


def _evaluate(args: argparse.Namespace) -> int:
    scenario = _load_for_command(args.file)
    proposal = _package(args, scenario)
    assert proposal is not None, "main() refuses evaluate without --proposal or --terms"
    result = evaluate(scenario, proposal)
    if args.json:
        _dump({**result.to_dict(), "provenance": _provenance(args.file)})
    else:
        render_evaluation(result, _console())
    return EXIT_FINDINGS if args.fail_on_no_deal and not result.agreed else EXIT_OK


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def _explain(args: argparse.Namespace) -> int:
    scenario = _load_for_command(args.file)
    result = explain(scenario, _package(args, scenario), max_sets=args.max_sets)
    if args.json:
        _dump({**result.to_dict(), "provenance": _provenance(args.file)})
    else:
        render_explanation(result, _console())
    return EXIT_FINDINGS if args.fail_on_no_deal and result.zopa.size == 0 else EXIT_OK


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'") from None


def _run(args: argparse.Namespace) -> int:
    scenario = _load_for_command(args.file)
    log_to_stdout = _check_run_options(args, scenario)
    draw = bool(args.draw)
    if args.replication is None:
        outcome, log = run(scenario, seed=args.seed or 0, draw=draw, until=args.until)
        which = {"seed": args.seed or 0}
    else:  # as the sweep ran it: the replication's own generator, from the root seed
        root = args.root_seed or 0
        outcome, log = replication_run(scenario, root, args.replication, draw=draw, until=args.until)
        which = {"replication": args.replication, "root_seed": root}
    if args.log is not None:
        write_output(args.log, log.jsonl())
    rules = {ref: rule for ref in outcome.blocking
             if (rule := rule_of(scenario, ref, outcome.versions.get(ref, "stated"))) is not None}
    if args.json:
        _dump({**outcome.to_dict(), "blocking_rules": rules, **which, "red_lines": red_lines_played(draw),
               "provenance": _provenance(args.file)})
    elif not log_to_stdout:  # with --log -, standard output holds the log alone, so that it can be piped
        console = _console()
        render_timeline(log.entries, console)
        render_outcome({**outcome.to_dict(), "blocking_rules": rules}, console)
        render_red_lines(outcome.versions, draw, console)
    return EXIT_FINDINGS if args.fail_on_no_deal and not outcome.agreed else EXIT_OK


def _check_run_options(args: argparse.Namespace, scenario: Scenario) -> bool:
    """Refuse options that cannot go together, before the run; return whether the log goes to standard output."""
    if args.replication is not None and args.seed is not None:
        raise UsageError("--seed and --replication choose the run's draws two ways; give one "
                         "(a sweep's replication is --replication I --root-seed S)")
    if args.root_seed is not None and args.replication is None:
        raise UsageError("--root-seed goes with --replication: which replication of the sweep to replay")
    if args.until is not None and args.until < scenario.start:
        raise UsageError(f"--until {args.until} is before the scenario starts ({scenario.start})")
    log_to_stdout = args.log is not None and is_stdout(args.log)
    if log_to_stdout and args.json:
        raise UsageError("--log - and --json would both write to standard output; write the log to a file")
    if args.log is not None:
        check_output(args.log, [args.file])  # before the run, not after it
    return bool(log_to_stdout)


AT_LEAST_ONE = "-n, --jobs and --chunk-size must be at least 1"


def _settings(args: argparse.Namespace) -> SweepSettings:
    replications = DEFAULT_REPLICATIONS if args.replications is None else args.replications
    time_limit = DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
    if replications < 1:
        raise UsageError(AT_LEAST_ONE)
    if not 0 < time_limit < float("inf"):
        raise UsageError(f"--time-limit must be a number of seconds above 0, got {time_limit:g}")
    max_errors = getattr(args, "max_errors", None)  # sweep's alone
    if max_errors is not None and max_errors < 1:
        raise UsageError(f"--max-errors must be at least 1, got {max_errors}")
    return replace(_running(args), n=replications, seed=args.seed or 0, trace=bool(args.trace),
                   time_limit=time_limit, max_errors=max_errors, draw=bool(args.draw))


def _running(args: argparse.Namespace) -> SweepSettings:
    """Where and how the replications run, which changes no result (what a --resume may choose anew)."""
    if args.jobs < 1 or args.chunk_size < 1:
        raise UsageError(AT_LEAST_ONE)
    if args.scheduler and args.backend != "dask":
        raise UsageError("--scheduler goes with --backend dask")
    return SweepSettings(DEFAULT_REPLICATIONS, jobs=args.jobs, backend=args.backend, scheduler=args.scheduler,
                         chunk_size=args.chunk_size, parquet=args.parquet)


def _sweep(args: argparse.Namespace) -> int:
    if args.resume is not None:
        return _resume(args)
    if args.file is None or args.output is None:
        raise UsageError("sweep needs a scenario FILE and -o DIR (or --resume DIR to finish an interrupted sweep)")
    scenario = _load_for_command(args.file)
    settings = _settings(args)
    with progress_bar(settings.n, f"sweeping {scenario.id}", args.quiet) as advance:
        result = sweep(scenario, args.file, settings, args.output, overwrite=args.force, progress=advance,
                       argv=_ARGV, notify=_notice)
    return _swept(args, result, args.output)


def _resume(args: argparse.Namespace) -> int:
    """Finish an interrupted sweep as it was started: its scenario, seed, size and red lines from its folder."""
    _refuse_with_resume(args, "a sweep", "manifest.json", files=args.file)
    stopped = resumable(args.resume)
    settings = stopped.settings(_running(args))
    scenario = loads(stopped.text, str(args.resume / "scenario.yaml"))
    with progress_bar(settings.n, f"sweeping {scenario.id}", args.quiet) as advance:
        result = sweep(scenario, stopped.scenario_path, settings, args.resume, progress=advance, argv=_ARGV,
                       notify=_notice, resume_text=stopped.text)
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
        from sim.report.html import write_report

        write_report([output], output / "report.html")
    if args.json:
        _dump({**result, "output": str(output)})
    else:
        console = _console()
        console.print(summary_table([result]))
        for note in identical_runs_notes([result]):
            console.print(plain(note))
        print(f"results in {output}", file=sys.stderr)
    return _failed_replications([result])


def _failed_replications(results: list[dict[str, Any]]) -> int:
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
            _say("error", f"the sweep of {name} stopped after {total} of {result['replications_asked']} replications: "
                 f"{result['stopped_early']}; {_most_common_error(result)}")
        elif errors == total:
            code = EXIT_FINDINGS
            _say("error", f"all {total} replications of {name} failed; {_most_common_error(result)}")
        else:
            _say("warning", f"{errors} of {total} replications of {name} failed; {_most_common_error(result)}")
    return code


def _most_common_error(result: dict[str, Any]) -> str:
    """The kind of error most of a sweep's failed replications had, with its first text, and how many other kinds."""
    kinds = list(result["errors_by_kind"].values())
    shown = f"the most common error ({kinds[0]['count']} of {result['errors']}): {kinds[0]['first']}"
    if len(kinds) > 1:
        shown += f"; {len(kinds) - 1} other kind{'s' if len(kinds) > 2 else ''} of error in summary.json"
    return shown


def _say(level: str, message: str) -> None:
    print(f"negsim: {level}: {message}", file=sys.stderr)


def _compare(args: argparse.Namespace) -> int:
    bars = partial(progress_bar, quiet=args.quiet)
    if args.resume is not None:
        _refuse_with_resume(args, "a comparison", "compare.json", files=args.files or None)
        compared = resume_comparison(args.resume, _running(args), bars=bars, notify=_notice, argv=_ARGV)
        output: Path = args.resume
    else:
        if len(args.files) < 2 or args.output is None:
            raise UsageError("compare needs at least two scenario files, a baseline and a variant, and -o DIR "
                             "(or --resume DIR to finish an interrupted comparison)")
        scenarios = [_load_for_command(path) for path in args.files]
        ids = [s.id for s in scenarios]
        if len(set(ids)) != len(ids):
            raise UsageError(f"the scenarios must have different ids, got {', '.join(ids)}")
        for warning in differences_in_kind(scenarios):
            _say("warning", warning)
        output = args.output
        compared = run_comparison(list(zip(scenarios, args.files, strict=True)), _settings(args), output,
                                  overwrite=args.force, bars=bars, notify=_notice, argv=_ARGV)
    return _compared(args, compared, output)


def _compared(args: argparse.Namespace, compared: Compared, output: Path) -> int:
    """Show a finished comparison (its tables, or JSON; the report if asked) and return the exit code."""
    if args.report:
        from sim.report.html import write_report

        write_report([output], output / "report.html")
    if args.json:
        _dump({"summaries": compared.summaries, "comparison": compared.comparison, "output": str(output)})
    else:
        console = _console()
        console.print(summary_table(compared.summaries))
        for note in identical_runs_notes(compared.summaries):
            console.print(plain(note))
        console.print(comparison_table(compared.comparison))
        print(f"results in {output}", file=sys.stderr)
    return _failed_replications(compared.summaries)


def _notice(message: str) -> None:
    print(f"negsim: {message}", file=sys.stderr)


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json_schema_text())
    return EXIT_OK
