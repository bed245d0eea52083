"""``negsim report``: one self-contained HTML page over results folders (inline SVG, no scripts, no network).

A folder is a sweep's results folder, or a comparison folder (``compare.json`` next to
one results folder per scenario), which stands for its subfolders. The page shows the
agreement rate per scenario, the dates of agreement, the red lines that blocked deals,
the agreed terms against every red line, one sample run replayed, and provenance.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from ..errors import NegsimError, UsageError
from ..experiments.compare import FALLS_DUE_MEANS, change_notes, weighs_a_shock
from ..experiments.replicate import red_lines_played, replication_run
from ..files.markup import table_of
from ..files.outputs import check_output, write_output
from ..scenario.loader import load
from ..scenario.model import Issue, Scenario
from ..scenario.words import terms_text, value_words
from ..simulation.timeline import EventLog, Outcome
from ..version import __version__
from .folder import check_results_folder, comparison_folders

REQUIRED = ("manifest.json", "summary.json", "replications.csv")
Table = list[list[str]]


@dataclass
class Results:
    """What the report reads from one results folder."""

    path: Path
    label: str
    manifest: dict[str, Any]
    summary: dict[str, Any]
    scenario: Scenario | None = None
    problem: str = ""
    dates: list[date] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    sample: dict[str, str] | None = None


@dataclass
class Comparison:
    """A comparison folder's compare.json."""

    path: Path
    data: dict[str, Any]


def expand(folders: list[Path]) -> tuple[list[Path], list[Comparison]]:
    """Results folders to report on (comparison folders replaced by theirs) and the comparisons found."""
    found: list[Path] = []
    comparisons: list[Comparison] = []
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"'{folder}' {_not_a_folder(folder)}: "
                             "give a results folder of `negsim sweep` or `negsim compare`")
        if (folder / "compare.json").exists():
            data, names = comparison_folders(folder)
            comparisons.append(Comparison(folder, data))
            found += names
        else:
            found.append(folder)
    for folder in found:
        if not folder.is_dir():
            raise UsageError(f"'{folder}' is not a results folder: it {_not_a_folder(folder)}")
        check_results_folder(folder)
    return list(dict.fromkeys(found)), comparisons


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read '{path}': {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"cannot read '{path}': expected a JSON object")
    return data


def read_results(folder: Path) -> Results:
    """Read a results folder: summary, manifest, scenario copy, and what the report needs of each row."""
    summary, manifest = _json(folder / "summary.json"), _json(folder / "manifest.json")
    label = str(summary.get("scenario") or manifest.get("scenario") or folder.name)
    results = Results(folder, label, manifest, summary)
    _read_scenario(results)
    with (folder / "replications.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("error"):
                results.errors[row["error"]] += 1
            elif row.get("agreed") == "true" and row.get("date"):
                with suppress(ValueError):
                    results.dates.append(date.fromisoformat(row["date"]))
            if results.sample is None and not row.get("error"):
                results.sample = row
    return results


def _read_scenario(results: Results) -> None:
    """Load the folder's copy of its scenario, or say why the page must do without it."""
    path = results.path / "scenario.yaml"
    if not path.is_file():
        results.problem = "the folder has no scenario.yaml: its red lines and sample run are left out"
        return
    try:
        results.scenario = load(path)
    except (NegsimError, OSError) as exc:
        results.problem = (f"scenario.yaml could not be loaded ({type(exc).__name__}: {exc}): "
                           "its red lines and sample run are left out")


def _labelled(results: list[Results]) -> list[Results]:
    counts = Counter(r.label for r in results)
    for r in results:
        if counts[r.label] > 1:
            r.label = f"{r.label} ({r.path.name})"
    return results


def write_report(folders: list[Path], output: Path, *, replace: bool = True) -> None:
    """Write the HTML report on ``folders`` (results or comparison folders) to ``output`` (``-``: standard output).

    ``replace``: an existing file at ``output`` may be replaced (the user's ``--force``).
    """
    check_output(output, folders, replace=replace)  # before the work of reading and plotting
    paths, comparisons = expand(folders)
    results = _labelled([read_results(p) for p in paths])
    write_output(output, render(results, comparisons))


def _not_a_folder(path: Path) -> str:
    if path.exists():
        return "is not a folder"
    return "does not exist"


def cell(value: object) -> str:
    """Escape a value for a table cell; None becomes a dash."""
    return "–" if value is None or value == "" else escape(str(value))


def table(header: list[str], rows: Table, caption: str = "", numeric: tuple[int, ...] = ()) -> str:
    """An HTML table; cells are already escaped; ``numeric`` columns are right-aligned; it scrolls when narrow."""
    return f'<div class="scroll">{table_of(header, rows, caption, numeric)}</div>\n'


def _pct(value: object) -> str:
    return f"{value:.1%}" if isinstance(value, int | float) else "–"


def render(results: list[Results], comparisons: list[Comparison]) -> str:
    """The whole page."""
    titles = list(dict.fromkeys(str(r.summary.get("title") or r.label) for r in results))
    sections = [_agreement(results), _blocking(results), _terms(results),
                *(_comparison(c, k) for k, c in enumerate(comparisons)),
                _sample(results), _errors(results), _provenance(results)]
    body = "\n".join(s for s in sections if s)
    nav = "".join(f'<a href="#{k}">{escape(v)}</a>' for k, v in _NAV if f'id="{k}"' in body)
    title = "negsim report: " + " vs ".join(titles)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{escape(title)}</h1>\n<p class=\"meta\">{len(results)} results folder(s); "
            f"written by negsim {escape(__version__)}</p>\n<nav>{nav}</nav>\n{body}\n</main>\n</body>\n</html>\n")


_NAV = (("agreement", "Agreement"), ("blocking", "Blocking red lines"), ("terms", "Agreed terms"),
        ("comparison", "Comparison"), ("sample", "Sample run"), ("errors", "Errors"), ("provenance", "Provenance"))


def _figure(svg: str, caption: str) -> str:
    """A plot with its caption; on a narrow screen the plot keeps its size and scrolls (its text stays legible)."""
    return f'<figure><div class="scroll">{svg}</div><figcaption>{escape(caption)}</figcaption></figure>\n'


def _agreement(results: list[Results]) -> str:
    from . import plots  # matplotlib loads only when a report is written

    rows = [_agreement_row(r) for r in results]
    header = ["scenario", "runs", "errors", "agreements", "rate", "95% CI", "date 5%", "25%", "median", "75%", "95%"]
    rates = [_number(r.summary.get("agreement_rate")) for r in results]
    intervals = [_interval(r.summary) for r in results]
    labels = [r.label for r in results]
    dates = plots.date_plot(labels, [r.summary.get("agreed_by_date") or {} for r in results],
                            [r.dates for r in results], _starts(results))
    return ('<section id="agreement"><h2>Agreement</h2>\n'
            + table(header, rows, "Agreement rate and date of agreement per scenario",
                    numeric=(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
            + _figure(plots.rate_plot(labels, rates, intervals),
                      "Agreement rate per scenario; bars: Wilson 95% interval over runs without error.")
            + "<h3>Date of agreement</h3>\n"
            + _figure(dates, "Left: share of all runs agreed by each date (summary.json). "
                      "Right: runs reaching agreement on each day (replications.csv).")
            + "</section>")


def _agreement_row(r: Results) -> list[str]:
    """Runs, errors, agreements, rate and its interval, and the quantiles of the date of agreement."""
    s = r.summary
    low, high = _bounds(s.get("agreement_rate_95"))
    interval = "none: every run the same" if s.get("identical_runs") else f"{_pct(low)} to {_pct(high)}"
    q = s.get("date_quantiles") or {}
    return [cell(r.label), cell(s.get("replications")), cell(s.get("errors")), cell(s.get("agreements")),
            _pct(s.get("agreement_rate")), interval,
            *(cell(q.get(k)) for k in ("5%", "25%", "50%", "75%", "95%"))]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _interval(summary: dict[str, Any]) -> tuple[float, float]:
    """The interval drawn around a rate: none (the rate itself) when every run is the same."""
    rate = _number(summary.get("agreement_rate"))
    if summary.get("identical_runs") and rate is not None:
        return (rate, rate)
    low, high = (_number(end) for end in _bounds(summary.get("agreement_rate_95")))
    return (low or 0.0, 1.0 if high is None else high)


def _starts(results: list[Results]) -> list[date]:
    """Each scenario's start; without a scenario, its first agreement, else the earliest start known."""
    found = [r.scenario.start if r.scenario else min(r.dates, default=None) for r in results]
    known = [d for d in found if d is not None]
    return [d if d is not None else min(known, default=date.today()) for d in found]


def _blocking(results: list[Results]) -> str:
    from . import plots  # matplotlib loads only when a report is written

    counts = _blocking_counts(results)
    refs = sorted(counts, key=lambda ref: (-sum(counts[ref]), ref))
    failed = [_runs_without_agreement(r.summary) for r in results]
    rows = [[cell(ref), cell(_rule(results, ref)),
             *(f"{n} ({n / f:.0%})" for n, f in zip(counts[ref], failed, strict=True))] for ref in refs]
    return ('<section id="blocking"><h2>Blocking red lines</h2>\n'
            "<p>In runs that ended without agreement: the red lines the last text tabled still broke.</p>\n"
            + _figure(plots.blocking_plot([r.label for r in results], counts), "Runs blocked by each red line.")
            + table(["red line", "rule (as stated)", *(r.label for r in results)], rows,
                    "Runs blocked by each red line (share of the runs without agreement)",
                    numeric=tuple(range(2, len(results) + 2)))
            + "</section>")


def _rule(results: list[Results], ref: str) -> str:
    """A red line's stated rule in words, from the first scenario that has it ("-" if none has: a walk-away value)."""
    found = [rule for r in results if r.scenario is not None and (rule := r.scenario.rule_of(ref)) is not None]
    return found[0] if found else "-"


def _blocking_counts(results: list[Results]) -> dict[str, list[int]]:
    """Per red line, in how many runs of each folder it blocked a deal."""
    counts: dict[str, list[int]] = {}
    for k, r in enumerate(results):
        for ref, n in (r.summary.get("blocking") or {}).items():
            counts.setdefault(str(ref), [0] * len(results))[k] = int(n)
    return counts


def _runs_without_agreement(summary: dict[str, Any]) -> int:
    """Runs that ran and did not agree; at least one, as it divides."""
    ran = int(summary.get("replications") or 0) - int(summary.get("errors") or 0)
    return max(1, ran - int(summary.get("agreements") or 0))


def _terms(results: list[Results]) -> str:
    known = [(r.label, r.scenario) for r in results if r.scenario is not None]
    parts = ['<section id="terms"><h2>Agreed terms</h2>\n<p>For each issue: how often each value was agreed '
             "(share of the agreements of each scenario), and below it the values each party&#8217;s red lines "
             "allow on that issue, as stated in the scenario.</p>\n"]
    for issue_id, issue in _issues(results, known).items():
        parts.append(_term(results, known, issue_id, issue))
    return "".join(parts) + "</section>"


def _issues(results: list[Results], known: list[tuple[str, Scenario]]) -> dict[str, Issue | None]:
    """Every issue of the scenarios, then those only the summaries name (no scenario copy to say what they are)."""
    issues: dict[str, Issue | None] = {}
    for _, scenario in known:
        for issue in scenario.issues:
            issues.setdefault(issue.id, issue)
    for r in results:
        for issue_id in r.summary.get("terms") or {}:
            issues.setdefault(issue_id, None)
    return issues


def _term(results: list[Results], known: list[tuple[str, Scenario]], issue_id: str, issue: Issue | None) -> str:
    """One issue's heading and figure: the agreed values, and below them the values each red line allows."""
    from . import plots  # matplotlib loads only when a report is written

    if issue is None:  # known from the summaries alone: the values agreed, and no red lines to draw
        domain = sorted({str(v) for r in results for v in (r.summary.get("terms") or {}).get(issue_id, {})})
        lanes, name = [], issue_id
    else:
        domain = [value_words(v) for v in issue.domain()]
        lanes, name = plots.lanes_for(issue, known), f"{issue.name} ({issue_id})"
    shares = [[_share(r, issue_id, v) for v in domain] for r in results]
    return f"<h3>{escape(name)}</h3>\n" + _figure(
        plots.term_plot(issue_id, domain, [r.label for r in results], shares, lanes),
        f"Agreed {issue_id}; bands: values allowed by each red-line condition on {issue_id}.")


def _share(r: Results, issue: str, value: str) -> float:
    agreements = int(r.summary.get("agreements") or 0)
    count = int(((r.summary.get("terms") or {}).get(issue) or {}).get(value, 0))
    return count / agreements if agreements else 0.0


def _comparison(comparison: Comparison, k: int) -> str:
    data = comparison.data
    anchor = f"comparison-{k + 1}" if k else "comparison"
    return (f'<section id="{anchor}"><h2>Comparison</h2>\n<p>From {cell(comparison.path.name)}/compare.json; '
            f"scenarios: {cell(', '.join(map(str, data.get('scenarios') or [])))}.</p>\n"
            + _warnings(data) + _differences(data) + _changes(data) + _within_each(data) + "</section>")


def _changes(data: dict[str, Any]) -> str:
    """What each variant changes in the baseline's red lines (an older compare.json does not say)."""
    return "".join(f"<p>{cell(line)}</p>\n" for line in change_notes(data))


def _within_each(data: dict[str, Any]) -> str:
    """Each scenario's assumptions and box (an older compare.json has them pooled over all runs)."""
    by_scenario = data.get("by_scenario")
    if not isinstance(by_scenario, dict) or not by_scenario:
        return _assumptions(data, "all runs") + _box(data)
    each = [within for within in by_scenario.values() if isinstance(within, dict)]
    shown = "".join(_assumptions(within, str(scenario)) + _box(within)
                    for scenario, within in by_scenario.items() if isinstance(within, dict))
    return shown + (f"<p>{cell(FALLS_DUE_MEANS)}</p>\n" if any(map(weighs_a_shock, each)) else "")


def _warnings(data: dict[str, Any]) -> str:
    """What the comparison warned of (scenarios that are other negotiations, not variants)."""
    shown = "".join(f"<li>{cell(w)}</li>" for w in data.get("warnings") or [] if isinstance(w, str))
    return f'<ul class="warnings">{shown}</ul>\n' if shown else ""


def _differences(data: dict[str, Any]) -> str:
    """The table of rate differences, variant against baseline; an older compare.json has one difference."""
    differences = data.get("differences")
    if not differences:
        differences = [data["difference"]] if data.get("difference") else []
    shifts = data.get("date_shifts_days") or [data.get("date_shift_days")] * len(differences)
    rows = []
    for d, shift in zip(differences, shifts, strict=False):
        rows.append([cell(d.get("a")), cell(d.get("b")), _pct(d.get("rate_a")), _pct(d.get("rate_b")),
                     _signed(d.get("difference")), _signed_interval(d.get("ci95")), _p(d.get("z")),
                     _p(d.get("p_value")), cell(_days(shift))])
    if not rows:
        return ""
    return table(["baseline (a)", "variant (b)", "rate a", "rate b", "b − a (points)", "95% CI (points)", "z",
                  "p-value", "median date shift (days)"], rows, "Difference of agreement rates, in percentage points",
                 numeric=(2, 3, 4, 6, 7, 8))


def _days(shift: object) -> str | None:
    if isinstance(shift, int | float):
        return f"{shift:+.1f}"
    return None


def _assumptions(data: dict[str, Any], scenario: str) -> str:
    """The assumptions whose effect on the deal rate is clear among ``scenario``'s runs, and those whose is not."""
    ranked = sorted(data.get("assumptions") or [], key=lambda a: -abs(float(a.get("effect") or 0)))
    rows = [[cell(a.get("assumption")), _signed(a.get("effect")), _signed_interval(a.get("ci95")),
             _pct(a.get("rate_with")), _pct(a.get("rate_without")), cell(a.get("runs_with"))] for a in ranked]
    unclear = [row.get("assumption") for row in data.get("no_clear_effect") or [] if isinstance(row, dict)]
    shown = "" if not rows else table(
        ["assumption", "effect (points)", "95% CI (points)", "rate with", "rate without", "runs with"], rows,
        f"Among the runs of {scenario}: assumptions whose effect on the agreement rate is clear "
        "(the 95% interval excludes zero)", numeric=(1, 2, 3, 4, 5))
    if unclear:
        shown += (f"<p>Among the runs of {cell(scenario)}, no clear effect (the 95% interval contains zero): "
                  f"{cell(', '.join(map(str, unclear)))}.</p>\n")
    return shown


def _bounds(stored: object) -> tuple[object, object]:
    """An interval's two ends as a JSON file stores them (None, None when it has none, as an older file may)."""
    low, high = ([*(stored if isinstance(stored, list) else []), None, None])[:2]
    return low, high


def _signed_interval(stored: object) -> str:
    """A stored interval of a difference of rates, in percentage points."""
    low, high = _bounds(stored)
    return f"{_signed(low)} to {_signed(high)}"


def _box(data: dict[str, Any]) -> str:
    """The sentence naming the few conditions under which deals concentrate, if the peeling found any."""
    box = data.get("box") or {}
    if not box.get("conditions"):
        return ""
    fewest = f" (a box keeps at least {cell(box['fewest_runs'])} runs)" if box.get("fewest_runs") else ""
    return (f"<p>Deals concentrate where {cell(' and '.join(map(str, box['conditions'])))}: "
            f"{cell(box.get('runs'))} runs, {_pct(box.get('density'))} of them agreed, "
            f"holding {_pct(box.get('coverage'))} of all deals{fewest}.</p>\n")


def _signed(value: object) -> str:
    """A difference of two rates in percentage points (the tables' headers say so)."""
    return f"{value * 100:+.1f}" if isinstance(value, int | float) else "–"


def _p(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, int | float) else "–"


def _sample(results: list[Results]) -> str:
    from . import plots

    found = _replayable(results)
    if found is None:
        return ""
    chosen, scenario, sample = found
    try:
        index, seed = int(sample["replication"]), int(chosen.manifest.get("seed", 0))
        drawn = red_lines_played(True)  # folders made before the choice drew them
        outcome, log = replication_run(scenario, seed, index, draw=chosen.manifest.get("red_lines", drawn) == drawn,
                                       demands=True)
    except Exception as exc:  # the page says why the run could not be replayed, and goes on
        return f'<section id="sample"><h2>Sample run</h2><p>Replay failed: {cell(exc)}</p></section>'
    drafts = [e["package"] or {} for e in log.entries if e["kind"] in ("draft", "offer")]
    rows, verdicts = plots.draft_verdicts(scenario, drafts, outcome.versions)
    return (f'<section id="sample"><h2>Sample run</h2>\n<p>Replication {index} of {cell(chosen.label)} '
            f"(root seed {seed}), replayed: {cell(_ending(outcome))} after {outcome.rounds} rounds and "
            f"{outcome.drafts} texts.{_replay_note(sample, outcome)}</p>\n"
            + _figure(plots.sample_run_plot(log.entries, scenario.start, rows, verdicts),
                      "Top: what each party did, and when. Bottom: each red line (in the version drawn for this "
                      "run; [bluff]: not held) against each text tabled, in order.")
            + _utility_pictures(scenario, log)
            + "<details><summary>Event log of the run</summary>\n" + _log_table(log.entries) + "</details>"
            + "</section>")


def _utility_pictures(scenario: Scenario, log: EventLog) -> str:
    """The utility space with the run's texts, and the run's negotiation dance (a note if the space is too large)."""
    entries = log.entries
    from ..analysis.dealspace import DealSpace
    from .plots import to_svg
    from .utility_plots import dance_figure, utility_space, utility_space_figure

    try:
        space = DealSpace.of(scenario)
        picture = utility_space(space, None, entries)
    except UsageError as exc:  # a space too large to draw, or fewer than two parties with preferences
        return f"<p>No utility space: {cell(exc)}.</p>\n"
    return (_figure(to_svg(utility_space_figure(picture), "utility-space"),
                    f"The utility space of {picture.names[0]} and {picture.names[1]} (red lines as "
                    "stated): every package, the zone of possible agreement, its Pareto frontier, the Nash and "
                    "Kalai-Smorodinsky packages, the proposals, and the texts and offers of this run, numbered.")
            + _figure(to_svg(dance_figure(space, entries, scenario.start, log.demands), "negotiation-dance"),
                      "The negotiation dance of this run: what each text tabled and each offer is worth to each "
                      "principal (open issues at their worst admissible settlement), what it asked for at each "
                      "of its answers and offers (its aspiration), and its walk-away value; events, summits and "
                      "shocks dotted."))


def _replayable(results: list[Results]) -> tuple[Results, Scenario, dict[str, str]] | None:
    """The first folder with a scenario to replay and a row of a run that worked, with those two."""
    for r in results:
        if r.scenario is not None and r.sample is not None:
            return r, r.scenario, r.sample
    return None


def _ending(outcome: Outcome) -> str:
    if outcome.agreed:
        return f"agreement on {outcome.date}"
    return f"no agreement ({outcome.reason})"


def _replay_note(recorded: dict[str, str], outcome: Outcome) -> str:
    """Nothing if the replay ends as the recorded row says; else a warning that it does not."""
    agreed = "true" if outcome.agreed else "false"
    if (recorded.get("agreed"), recorded.get("date") or None) == (agreed, outcome.date):
        return ""
    return " <strong>The replay differs from the recorded row (another negsim version?).</strong>"


def _log_table(entries: list[dict[str, Any]], limit: int = 400) -> str:
    rows = []
    for e in entries[:limit]:
        verdicts = ", ".join(f"{ref} {v}" for ref, v in (e.get("verdicts") or {}).items())
        package = _terms_tabled(e)
        rows.append([cell(e["date"]), cell(f"{e['time']:.2f}"), cell(e.get("party")), cell(e["kind"]),
                     cell(e.get("cause")), cell("; ".join(x for x in (verdicts, package) if x))])
    more = f"{len(entries) - limit} more entries not shown" if len(entries) > limit else ""
    return table(["date", "day", "who", "what", "why", "red lines / text"], rows, more, numeric=(1,))


def _terms_tabled(entry: dict[str, Any]) -> str:
    """The terms of the entry's package; an acceptance's package is the text above it, so not repeated."""
    if entry["kind"] == "accept":
        return ""
    return terms_text(entry.get("package") or {})


def _errors(results: list[Results]) -> str:
    rows = [[cell(r.label), cell(n), cell(message)] for r in results for message, n in r.errors.most_common(10)]
    problems = [f"<li>{cell(r.label)}: {cell(r.problem)}</li>" for r in results if r.problem]
    if not rows and not problems:
        return ""
    parts = ['<section id="errors"><h2>Errors</h2>\n<p>Replications that raised are left out of every rate.</p>\n']
    if problems:
        parts.append(f"<ul>{''.join(problems)}</ul>\n")
    if rows:
        parts.append(table(["scenario", "runs", "error"], rows, "Errors by message", numeric=(1,)))
    return "".join(parts) + "</section>"


def _provenance(results: list[Results]) -> str:
    fields = (("scenario file", "scenario_file"), ("scenario sha256", "scenario_sha256"), ("root seed", "seed"),
              ("red lines", "red_lines"),
              ("replications", "replications"), ("replications asked", "replications_asked"),
              ("stopped early", "stopped_early"), ("backend", "backend"), ("workers", "workers"),
              ("chunk size", "chunk_size"), ("started", "started"), ("finished", "finished"),
              ("command", "command"))
    rows = [["folder", *(f"<code>{cell(r.path)}</code>" for r in results)]]
    rows += [[name, *(cell(r.manifest.get(key)) for r in results)] for name, key in fields]
    rows.append(["argv", *(f"<code>{cell(' '.join(map(str, r.manifest.get('argv') or [])))}</code>"
                           for r in results)])
    rows.append(["versions", *(cell(", ".join(f"{k} {v}" for k, v in (r.manifest.get("versions") or {}).items()))
                               for r in results)])
    return ('<section id="provenance"><h2>Provenance</h2>\n<div class="wide">'
            + table(["", *(r.label for r in results)], rows, "From each folder's manifest.json") + "</div></section>")


CSS = """
body { margin: 0; background: #f7f7f5; color: #1d1d1d; font: 15px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 1.5rem 2rem 3rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #e4e4e0;
  padding-bottom: .2rem; } h3 { margin: 1.4rem 0 .4rem; font-size: 1.05rem; }
.meta { color: #666; margin: 0 0 .8rem; }
nav { display: flex; flex-wrap: wrap; gap: .4rem 1rem; padding: .5rem 0; border-top: 1px solid #e4e4e0;
  border-bottom: 1px solid #e4e4e0; } nav a { color: #1f5fa8; text-decoration: none; }
figure { margin: 1rem 0; } figure svg.plot { display: block; width: 100%; height: auto; }
figcaption { color: #555; font-size: .85rem; margin-top: .2rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .85rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid #e8e8e4; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0ec; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafaf8; }
.wide { overflow-x: auto; } .wide td { overflow-wrap: anywhere; }
.wide td:first-child { font-weight: 600; white-space: nowrap; overflow-wrap: normal; }
code { font-size: .8rem; }
details { margin: .8rem 0; } summary { cursor: pointer; color: #1f5fa8; }
.scroll { overflow-x: auto; }
@media (max-width: 720px) {
  main { padding: 1rem .7rem 2rem; }
  figure svg.plot { width: auto; max-width: none; }
  table { width: auto; min-width: 100%; font-size: .8rem; }
  td { overflow-wrap: normal; }
}
"""
