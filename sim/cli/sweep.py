"""Command-line front of sweeps and comparisons: progress bars and summary tables."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..experiments.compare import FALLS_DUE_MEANS, change_notes, weighs_a_shock
from ..experiments.sweep import Progress as Advance
from ..report.terminal import plain
from ..scenario.hints import counted


@contextmanager
def progress_bar(total: int, label: str, quiet: bool) -> Iterator[Advance | None]:
    """A progress bar on stderr, off when stderr is not a terminal or with --quiet."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.advance(task, done)


RED_LINES_SHOWN = {"stated": "red lines as stated", "drawn": "red lines drawn from their confidence"}


def summary_table(results: list[dict[str, Any]]) -> Table:
    """One row per scenario: agreement rate and interval, median date, top blocker."""
    played = {RED_LINES_SHOWN.get(str(result.get("red_lines")), "") for result in results} - {""}
    title = "Sweep summary" + (f" ({', '.join(sorted(played))})" if played else "")
    table = Table(title=title, title_justify="left")
    for name in ("scenario", "runs", "distinct outcomes", "agreement rate (95% CI)", "median date",
                 "top blocking red line"):
        table.add_column(name, overflow="fold")
    for result in results:
        rate, interval = result["agreement_rate"], result["agreement_rate_95"]
        shown = "n/a" if rate is None else f"{rate:.1%}"
        if rate is not None:
            shown += " (no interval)" if interval is None else \
                f" ({interval[0]:.1%} to {interval[1]:.1%})"
        top = top_blocking(result["blocking"])
        runs = str(result["replications"])
        if result.get("stopped_early"):
            runs += f" of {result['replications_asked']} asked, stopped early"
        if result["errors"]:
            runs += f" ({counted(result['errors'], 'error')})"
        table.add_row(plain(result["scenario"]), plain(runs), plain(str(result["distinct_outcomes"])), plain(shown),
                      plain(result["date_quantiles"].get("50%", "-")), plain(top))
    return table


def top_blocking(blocking: dict[str, int]) -> str:
    """The red line that blocked most runs, or every one tied for most ("a, b (235 runs each)")."""
    if not blocking:
        return "-"
    most = max(blocking.values())
    tied = [ref for ref, count in blocking.items() if count == most]
    return f"{', '.join(tied)} ({counted(most, 'run')}{' each' if len(tied) > 1 else ''})"


def identical_runs_notes(results: list[dict[str, Any]]) -> list[str]:
    """A sentence for each scenario whose runs are all the same: they are copies, not a sample."""
    return [f"all {result['replications']} runs of {result['scenario']} are identical: nothing in this scenario "
            "is uncertain (no red line below full confidence, no chance or random event, no attendance in doubt, "
            "no random time to answer), so one run says it all and no interval is given"
            for result in results if result.get("identical_runs")]


def points(value: float) -> str:
    """A difference of two rates in percentage points, signed ("+27.1 pp")."""
    return f"{value * 100:+.1f} pp"


def interval_in_points(interval: list[float | None]) -> str:
    """A 95% interval of a difference of rates in percentage points."""
    low, high = interval
    return "-" if low is None or high is None else f"{low * 100:+.1f} to {high * 100:+.1f} pp"


def comparison_table(comparison: dict[str, Any]) -> Table:
    """Differences against the baseline (percentage points), then the assumptions whose effect is clear."""
    table = Table(title=plain(f"Against the baseline {comparison['scenarios'][0]}"), title_justify="left")
    for name in ("variant", "difference in agreement rate (95% CI)", "z", "p-value", "median date shift"):
        table.add_column(name, overflow="fold")
    for diff, shift in zip(comparison["differences"], comparison["date_shifts_days"], strict=True):
        shown = "n/a (no run without error)"
        if diff["difference"] is not None:
            shown = f"{points(diff['difference'])} ({interval_in_points(diff['ci95'])})"
        z = "-" if diff["z"] is None else f"{diff['z']:.2f}"
        p_value = "-" if diff["p_value"] is None else f"{diff['p_value']:.3g}"
        table.add_row(diff["b"], shown, z, p_value, "-" if shift is None else f"{shift:+.1f} days")
    grid = Table.grid(padding=(1, 0))
    grid.add_row(table)
    for line in change_notes(comparison):
        grid.add_row(plain(line))
    for scenario, within in _within_each(comparison):
        if within["assumptions"]:
            grid.add_row(_effects_table(scenario, within["assumptions"]))
        for line in comparison_notes(scenario, within):
            grid.add_row(plain(line))
    if any(weighs_a_shock(within) for _, within in _within_each(comparison)):
        grid.add_row(plain(FALLS_DUE_MEANS))
    return grid


def _within_each(comparison: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each scenario's assumptions, effects and box (an older compare.json has the pooled ones only)."""
    by_scenario = comparison.get("by_scenario")
    if by_scenario:
        return list(by_scenario.items())
    return [("all runs", comparison)]


def _effects_table(scenario: str, effects: list[dict[str, Any]]) -> Table:
    ranked = Table(title=plain(f"Among the runs of {scenario}: assumptions whose effect on the deal rate is clear "
                               "(95% interval excludes zero)"), title_justify="left")
    for name in ("assumption", "deal rate with", "without", "effect (95% CI)", "runs with"):
        ranked.add_column(name, overflow="fold")
    for row in effects[:10]:
        ranked.add_row(plain(row["assumption"]), Text(f"{row['rate_with']:.1%}"), Text(f"{row['rate_without']:.1%}"),
                       Text(f"{points(row['effect'])} ({interval_in_points(row['ci95'])})"),
                       Text(str(row["runs_with"])))
    return ranked


def comparison_notes(scenario: str, within: dict[str, Any]) -> list[str]:
    """The sentences under a scenario's table: assumptions without a clear effect, and where deals concentrate."""
    notes = []
    unclear = within.get("no_clear_effect") or []
    if unclear:
        notes.append(f"Among the runs of {scenario}, no clear effect (the 95% interval contains zero): "
                     f"{', '.join(row['assumption'] for row in unclear)}.")
    box = within.get("box") or {}
    if box.get("conditions"):
        notes.append(f"Among the runs of {scenario}, deals concentrate where {' and '.join(box['conditions'])}: "
                     f"{box['runs']} runs, "
                     f"{box['density']:.0%} of them agreed, holding {box['coverage']:.0%} of all deals "
                     f"(a box keeps at least {box['fewest_runs']} runs).")
    return notes
