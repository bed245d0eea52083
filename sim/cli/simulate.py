"""``negsim run``: one simulated timeline, or the replay of one replication of a sweep."""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from ..errors import UsageError
from ..experiments.replicate import red_lines_played, replication_run
from ..files.outputs import check_output, is_stdout, write_output
from ..report.terminal import render_outcome, render_red_lines, render_timeline
from ..scenario.model import Scenario
from ..simulation.talks import run
from ..simulation.timeline import EventLog, Outcome
from .common import EXIT_FINDINGS, EXIT_OK, dump, load_for_command, new_console, provenance, say


def run_talks(args: argparse.Namespace) -> int:
    """Play the talks out once (a seed, or a sweep's replication) and show the timeline."""
    scenario = load_for_command(args.file)
    log_to_stdout = _check_run_options(args, scenario)
    draw = bool(args.draw)
    outcome, log, which = played(args, scenario, until=args.until)
    if args.log is not None:
        write_output(args.log, log.jsonl())
    rules = {ref: rule for ref in outcome.blocking
             if (rule := scenario.rule_of(ref, outcome.versions.get(ref, "stated"))) is not None}
    if args.json:
        dump({**outcome.to_dict(), "blocking_rules": rules, **which, "red_lines": red_lines_played(draw),
               "provenance": provenance(args.file)})
    elif not log_to_stdout:  # with --log -, standard output holds the log alone, so that it can be piped
        console = new_console()
        render_timeline(log.entries, console)
        render_outcome({**outcome.to_dict(), "blocking_rules": rules}, console)
        render_red_lines(outcome.versions, draw, console)
    return EXIT_FINDINGS if args.fail_on_no_deal and not outcome.agreed else EXIT_OK


def check_draw_options(args: argparse.Namespace) -> None:
    """Refuse ``--seed`` with ``--replication`` (two ways to choose a run's draws), and ``--root-seed`` alone."""
    if args.replication is not None and args.seed is not None:
        raise UsageError("--seed and --replication choose the run's draws two ways; give one "
                         "(a sweep's replication is --replication I --root-seed S)")
    if args.root_seed is not None and args.replication is None:
        raise UsageError("--root-seed goes with --replication: which replication of the sweep to replay")


def played(args: argparse.Namespace, scenario: Scenario, until: date | None = None,
           demands: bool = False) -> tuple[Outcome, EventLog, dict[str, int]]:
    """The run the options choose (``--seed``, 0 by default, or ``--replication`` of ``--root-seed``), and which.

    A replication is played as the sweep ran it: its own generator, from the root seed.
    ``demands``: the log keeps what each principal asked for (the negotiation dance draws it).
    """
    draw = bool(args.draw)
    method = getattr(args, "method", "auto")  # run's option; plot's dance lists or solves as auto decides
    if args.replication is None:
        outcome, log = run(scenario, seed=args.seed or 0, draw=draw, until=until, demands=demands, method=method)
        return outcome, log, {"seed": args.seed or 0}
    root = args.root_seed or 0
    outcome, log = replication_run(scenario, root, args.replication, draw=draw, until=until, demands=demands,
                                   method=method)
    return outcome, log, {"replication": args.replication, "root_seed": root}


def _check_run_options(args: argparse.Namespace, scenario: Scenario) -> bool:
    """Refuse options that cannot go together, before the run; return whether the log goes to standard output."""
    check_draw_options(args)
    if args.until is not None and args.until < scenario.start:
        raise UsageError(f"--until {args.until} is before the scenario starts ({scenario.start})")
    horizon = scenario.start + timedelta(days=scenario.horizon_days)
    if args.until is not None and args.until > horizon:
        say("warning", f"--until {args.until} is after the talks' horizon ({horizon}, {scenario.horizon_days} days "
            "from the start): the run ends there; raise horizon_days in the scenario to let it go on")
    log_to_stdout = args.log is not None and is_stdout(args.log)
    if log_to_stdout and args.json:
        raise UsageError("--log - and --json would both write to standard output; write the log to a file")
    if args.log is not None:
        check_output(args.log, [args.file])  # before the run, not after it
    return bool(log_to_stdout)
