"""Figures of the HTML report, rendered by matplotlib to inline SVG strings.

Figures are built with the object-oriented API (``matplotlib.figure.Figure``), never
pyplot, so no backend is selected, no global figure registry is touched and nothing
needs closing; ``savefig(format="svg")`` renders through matplotlib's SVG canvas.
Text stays text (``svg.fonttype: none``) and falls back to the browser's sans-serif
font, so the page needs no font files. Element ids get a per-figure prefix, so many
figures can share one HTML document.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from ..constraints.check import CompiledConstraints
from ..constraints.compile import Compiler, allowed_values
from ..constraints.evaluation import evaluate
from ..scenario.conditions import MAX_CONDITION_DEPTH, AllOf, AnyOf, Atom, Condition, IfThen, Named, Negation
from ..scenario.model import Issue, Scenario
from ..scenario.redlines import STATED
from ..scenario.words import value_words

SCENARIO_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
PARTY_COLOURS = ("#4e79a7", "#e15759", "#59a14f", "#b07aa1", "#f28e2b", "#76b7b2", "#9c755f")
VERDICTS = ("holds", "breaks", "open", "not held")
VERDICT_COLOURS = ("#a6d8a8", "#c62828", "#f6c453", "#e0e0e0")
_RC: dict[Any, Any] = {
    "svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9, "axes.titlesize": 10,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": False, "axes.axisbelow": True,
    "legend.frameon": False,
}
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_ID = re.compile(r'(\bid="|xlink:href="#|href="#|url\(#)([^")]+)')


@dataclass(frozen=True)
class Lane:
    """One red-line atom on an issue: which of the issue's values it allows."""

    ref: str
    text: str
    party: int
    allowed: tuple[bool, ...]


@contextmanager
def figure_of(name: str, width: float, height: float, **grid: Any) -> Iterator[tuple[Figure, list[Axes]]]:
    """A figure with the report's style (one axes, or a grid of them), its ids salted by ``name``."""
    with matplotlib.rc_context({**_RC, "svg.hashsalt": name}):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(**grid, squeeze=False).ravel().tolist() if grid else [fig.subplots()]
        yield fig, axes


def to_svg(fig: Figure, name: str) -> str:
    """Render a figure as an inline ``<svg>`` element: no XML prolog or DTD, ids prefixed by ``name``."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**_RC, "svg.hashsalt": name}):
        fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = _ID.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", text)
    return text.replace("<svg ", f'<svg class="plot" role="img" aria-label="{name}" ', 1)


def rate_plot(labels: Sequence[str], rates: Sequence[float | None], intervals: Sequence[Sequence[float]]) -> str:
    """Agreement rate per scenario with its 95% interval as error bars."""
    with figure_of("agreement-rate", 9.5, 0.9 + 0.45 * len(labels)) as (fig, (ax,)):
        for k, (rate, (low, high)) in enumerate(zip(rates, intervals, strict=True)):
            y = len(labels) - 1 - k
            shown = 0.0 if rate is None else rate
            colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
            error = [[max(0.0, shown - low)], [max(0.0, high - shown)]]
            ax.errorbar([shown], [y], xerr=error, fmt="o", color=colour, capsize=5, markersize=7, linewidth=2)
            text = "n/a" if rate is None else f"{rate:.1%}  (95% CI {low:.1%} to {high:.1%})"
            ax.annotate(text, (high, y), xytext=(8, 0), textcoords="offset points", va="center")
        ax.set_yticks(range(len(labels)), list(reversed(labels)))
        ax.set_ylim(-0.6, len(labels) - 0.4)
        ax.set_xlim(0, 1.0)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("agreement rate (share of runs without error), Wilson 95% interval")
        ax.grid(axis="x", color="#eeeeee")
        return to_svg(fig, "agreement-rate")


def date_plot(labels: Sequence[str], cumulative: Sequence[dict[str, float]], dates: Sequence[Sequence[date]],
              starts: Sequence[date]) -> str:
    """Cumulative share agreed by date, and a histogram of agreement dates per scenario."""
    base = min(starts)
    with figure_of("agreement-dates", 10, 3.6, ncols=2) as (fig, (left, right)):
        for k, (label, points, start) in enumerate(zip(labels, cumulative, starts, strict=True)):
            xs = [(start - base).days] + [(date.fromisoformat(d) - base).days for d in points]
            ys = [0.0, *points.values()]
            xs.append(xs[-1] + 1)
            ys.append(ys[-1])
            left.step(xs, ys, where="post", color=SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)], label=label,
                      linewidth=2)
        left.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        left.set_ylim(bottom=0)
        left.set_ylabel("share of runs agreed by then")
        left.set_title("Cumulative share agreed by date")
        _date_axis(left, base)
        _histogram(right, labels, dates, base)
        fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=min(3, len(labels)),
                   fontsize=8)
        return to_svg(fig, "agreement-dates")


def _histogram(ax: Axes, labels: Sequence[str], dates: Sequence[Sequence[date]], base: date) -> None:
    found = [(d - base).days for ds in dates for d in ds]
    ax.set_title("Agreements per day")
    ax.set_ylabel("runs agreeing that day")
    if not found:
        ax.text(0.5, 0.5, "no agreements", ha="center", va="center", transform=ax.transAxes)
        return
    edges = [x - 0.5 for x in range(min(found), max(found) + 2)]
    values = [[(d - base).days for d in ds] for ds in dates]
    colours = [SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)] for k in range(len(labels))]
    ax.hist(values, bins=edges, color=colours, label=list(labels), histtype="bar")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _date_axis(ax, base)


def _date_axis(ax: Axes, base: date) -> None:
    """Label an axis of whole days since ``base`` with calendar dates."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=9))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: (base + timedelta(days=round(x))).strftime("%d %b")))
    ax.grid(axis="y", color="#eeeeee")


def blocking_plot(labels: Sequence[str], blocking: dict[str, list[int]], limit: int = 15) -> str:
    """Horizontal bars: in how many runs each red line blocked a deal, per scenario."""
    refs = sorted(blocking, key=lambda r: (-sum(blocking[r]), r))[:limit]
    height = 1.0 + 0.22 * max(1, len(refs)) * max(1, len(labels)) + 0.2 * len(refs)
    with figure_of("blocking", 10, height) as (fig, (ax,)):
        if not refs:
            ax.text(0.5, 0.5, "no red line blocked a deal", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return to_svg(fig, "blocking")
        bar = 0.8 / len(labels)
        for k, label in enumerate(labels):
            ys = [len(refs) - 1 - i + 0.4 - bar * (k + 0.5) for i in range(len(refs))]
            counts = [blocking[r][k] for r in refs]
            ax.barh(ys, counts, height=bar * 0.95, color=SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)], label=label)
            for y, count in ((y, c) for y, c in zip(ys, counts, strict=True) if c):
                ax.annotate(str(count), (count, y), xytext=(3, 0), textcoords="offset points", va="center",
                            fontsize=7)
        ax.set_yticks(range(len(refs)), list(reversed(refs)))
        ax.set_xlabel("runs without agreement in which the red line blocked the last text")
        ax.grid(axis="x", color="#eeeeee")
        ax.legend(loc="lower right", fontsize=8)
        return to_svg(fig, "blocking")


def term_plot(name: str, domain: Sequence[str], labels: Sequence[str], shares: Sequence[Sequence[float]],
              lanes: Sequence[Lane]) -> str:
    """Distribution of one agreed term over the issue's domain, with each red line's allowed values below."""
    fig_id = "term-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)
    bars, below = 1.9, 0.42 * len(lanes) + 0.35
    height, grid = bars + 0.5, {}
    if lanes:  # a second row of axes below the bars, sharing their values
        height = bars + below + 0.5
        grid = {"nrows": 2, "sharex": True, "gridspec_kw": {"height_ratios": [bars, below]}}
    with figure_of(fig_id, 10, height, **grid) as (fig, axes):
        if len(domain) > LOLLIPOP:
            _term_stems(axes[0], domain, labels, shares)
        else:
            _term_bars(axes[0], domain, labels, shares)
        _share_axis(axes[0], shares)
        if lanes:
            _lanes(axes[1], lanes)
        _domain_ticks(axes[-1], domain)
        return to_svg(fig, fig_id)


LOLLIPOP = 24  # above this many values, stems with dots: bars one value wide would vanish


def _term_bars(ax: Axes, domain: Sequence[str], labels: Sequence[str], shares: Sequence[Sequence[float]]) -> None:
    width = 0.8 / max(1, len(labels))
    for k, (label, values) in enumerate(zip(labels, shares, strict=True)):
        xs = [i - 0.4 + width * (k + 0.5) for i in range(len(domain))]
        ax.bar(xs, values, width=width, color=SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)], label=label)


def _term_stems(ax: Axes, domain: Sequence[str], labels: Sequence[str], shares: Sequence[Sequence[float]]) -> None:
    offset = 0.5 / max(1, len(labels))
    named: set[str] = set()
    for k, (label, values) in enumerate(zip(labels, shares, strict=True)):
        colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
        points = [(i + offset * (k - (len(labels) - 1) / 2), v, domain[i]) for i, v in enumerate(values) if v > 0]
        ax.vlines([x for x, _, _ in points], 0, [v for _, v, _ in points], color=colour, linewidth=2)
        ax.plot([x for x, _, _ in points], [v for _, v, _ in points], "o", color=colour, label=label, markersize=5)
        for x, v, text in sorted(points, key=lambda p: -p[1])[:4]:
            if text in named:
                continue
            named.add(text)
            ax.annotate(text, (x, v), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=7,
                        color=colour)


def _share_axis(ax: Axes, shares: Sequence[Sequence[float]]) -> None:
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("share of agreements")
    ax.grid(axis="y", color="#eeeeee")
    if not any(v for values in shares for v in values):
        ax.text(0.5, 0.5, "no agreements", ha="center", va="center", transform=ax.transAxes)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=min(3, len(shares)), fontsize=8)


def _lanes(ax: Axes, lanes: Sequence[Lane]) -> None:
    for row, lane in enumerate(lanes):
        y = len(lanes) - 1 - row
        colour = PARTY_COLOURS[lane.party % len(PARTY_COLOURS)]
        segments = _runs(lane.allowed)
        ax.broken_barh([(a - 0.5, b - a) for a, b in segments], (y - 0.34, 0.68), facecolors=colour, alpha=0.4,
                       edgecolor=colour, linewidth=1)
    ax.set_yticks(range(len(lanes)), [f"{lane.ref}\n{lane.text}" for lane in reversed(lanes)], fontsize=7.5)
    ax.set_ylim(-0.6, len(lanes) - 0.4)
    ax.set_title("values each red line allows (stated versions)", fontsize=8, loc="left")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)


def _runs(allowed: Sequence[bool]) -> list[tuple[int, int]]:
    segments: list[tuple[int, int]] = []
    for i, ok in enumerate(allowed):
        if ok and segments and segments[-1][1] == i:
            segments[-1] = (segments[-1][0], i + 1)
        elif ok:
            segments.append((i, i + 1))
    return segments


def _domain_ticks(ax: Axes, domain: Sequence[str]) -> None:
    """All values when few; else about a dozen, at round numbers for integer issues."""
    ticks = list(range(len(domain)))
    if len(domain) > 12 and all(v.lstrip("-").isdigit() for v in domain):
        ticks = _round_number_ticks([int(v) for v in domain])
    elif len(domain) > 12:
        ticks = ticks[::-(-len(domain) // 12)]  # every k-th value, k rounded up so that at most 12 remain
    ax.set_xticks(ticks, [domain[i] for i in ticks])
    ax.set_xlim(-0.6, len(domain) - 0.4)


def _round_number_ticks(numbers: Sequence[int]) -> list[int]:
    """Positions of the values that are multiples of the smallest round step giving at most a dozen ticks."""
    span = abs(numbers[-1] - numbers[0])
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10**9) if span / s <= 12)
    return [i for i, n in enumerate(numbers) if n % step == 0]


_MARKS = {"draft": ("D", "#1f77b4"), "offer": ("D", "#1f77b4"), "accept": ("o", "#2e7d32"),
          "reject": ("X", "#c62828"), "summit": ("*", "#6a1b9a"), "event": ("|", "#555555"),
          "effect": ("|", "#999999"), "history": ("|", "#bbbbbb"), "shock": ("v", "#000000"),
          "absent": ("_", "#000000"), "agreement": ("*", "#00a651"), "blocked": ("X", "#000000"),
          "start": ("s", "#777777"), "end": ("s", "#000000"), "no-offer": ("_", "#c62828"),
          "object": ("x", "#c62828"), "carry": (">", "#1f77b4"), "await": ("_", "#777777")}


def sample_run_plot(entries: Sequence[dict[str, Any]], start: date, rows: Sequence[str],
                    verdicts: Sequence[Sequence[str]]) -> str:
    """A run's timeline (who did what when) above a heat-map of red-line verdicts on each text tabled."""
    lanes = list(dict.fromkeys(str(e.get("party") or "talks") for e in entries))
    top = 0.9 + 0.3 * len(lanes)
    bottom = 0.9 + 0.26 * max(1, len(rows))
    with figure_of("sample-run", 10.5, top + bottom + 0.9, nrows=2,
                 gridspec_kw={"height_ratios": [top, bottom]}) as (fig, (upper, lower)):
        _timeline(upper, entries, start, lanes)
        _heatmap(lower, entries, rows, verdicts)
        return to_svg(fig, "sample-run")


def _timeline(ax: Axes, entries: Sequence[dict[str, Any]], start: date, lanes: list[str]) -> None:
    seen: set[str] = set()
    for entry in entries:
        kind = str(entry["kind"])
        marker, colour = _MARKS.get(kind, ("o", "#777777"))
        y = len(lanes) - 1 - lanes.index(str(entry.get("party") or "talks"))
        label = kind if kind not in seen else None
        seen.add(kind)
        size = 120 if kind in ("agreement", "summit") else 36
        ax.scatter([float(entry["time"])], [y], marker=marker, color=colour, s=size, label=label, zorder=3,
                   linewidths=1.5)
    ax.set_yticks(range(len(lanes)), list(reversed(lanes)))
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    _date_axis(ax, start)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_title("Timeline of the run (time in days from the start, labelled by date)", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5, markerscale=0.8)


def _heatmap(ax: Axes, entries: Sequence[dict[str, Any]], rows: Sequence[str],
             verdicts: Sequence[Sequence[str]]) -> None:
    ax.set_title("Verdict of each red line (version real in this run) on each text tabled", loc="left")
    drafts = [e for e in entries if e["kind"] in ("draft", "offer")]
    if not drafts or not rows:
        ax.text(0.5, 0.5, "no text was tabled", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    codes = [[VERDICTS.index(v) for v in row] for row in verdicts]
    cmap = ListedColormap(list(VERDICT_COLOURS))
    ax.pcolormesh(codes, cmap=cmap, vmin=-0.5, vmax=len(VERDICTS) - 0.5, edgecolors="white", linewidth=0.6)
    ax.set_yticks([i + 0.5 for i in range(len(rows))], list(rows), fontsize=8)
    ax.invert_yaxis()
    _draft_ticks(ax, drafts)
    ax.tick_params(length=0)
    handles = [Patch(color=c, label=v) for v, c in zip(VERDICTS, VERDICT_COLOURS, strict=True)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)


def _draft_ticks(ax: Axes, drafts: Sequence[dict[str, Any]]) -> None:
    """Number and date of the texts tabled, at most about two dozen of them."""
    step = max(1, len(drafts) // 24)
    ticks = list(range(0, len(drafts), step))
    ax.set_xticks([i + 0.5 for i in ticks], [f"{i + 1}: {drafts[i]['date'][5:]}" for i in ticks], rotation=60,
                  ha="right", fontsize=7.5)
    ax.set_xlabel("texts tabled, in order (number: month-day)")


def lanes_for(issue: Issue, scenarios: Sequence[tuple[str, Scenario]]) -> list[Lane]:
    """Every red-line atom on ``issue`` in the scenarios' stated red lines, merged across scenarios."""
    found: dict[tuple[str, str], tuple[int, tuple[bool, ...], list[str]]] = {}
    for label, scenario in scenarios:
        for index, party in enumerate(scenario.parties):
            for red_line in party.red_lines:
                atoms = [*_atoms(red_line.when, scenario, "when"), *_atoms(red_line.require, scenario, "requires")]
                for context, atom in atoms:
                    if atom.issue != issue.id:
                        continue
                    key = (f"{party.id}/{red_line.id}", f"{context} {atom.op} {value_words(atom.value)}")
                    found.setdefault(key, (index, allowed_values(issue, atom), []))[2].append(label)
    lanes = []
    for (ref, text), (colour, allowed, where) in found.items():
        only = f"   [only in {', '.join(where)}]" if len(where) < len(scenarios) else ""
        lanes.append(Lane(ref, text + only, colour, allowed))
    return lanes


def _atoms(cond: Condition | None, scenario: Scenario, context: str, depth: int = 0) -> Iterator[tuple[str, Atom]]:
    # A loaded scenario's conditions, written out, are at most MAX_CONDITION_DEPTH deep and
    # MAX_CONDITION_SIZE parts, so this walk ends quickly; the guard holds for models built in code.
    if cond is None or depth > MAX_CONDITION_DEPTH:
        return
    if isinstance(cond, Atom):
        yield context, cond
        return
    for sub, sub_context in _parts(cond, scenario, context):
        yield from _atoms(sub, scenario, sub_context, depth + 1)


def _parts(cond: Condition, scenario: Scenario, context: str) -> list[tuple[Condition, str]]:
    """A compound condition's sub-conditions, each with the words that say where its atoms sit."""
    match cond:
        case AllOf(all_of=parts):
            return [(sub, context) for sub in parts]
        case AnyOf(any_of=parts):
            return [(sub, f"{context} (one option)") for sub in parts]
        case Negation(negated=negated):
            return [(negated, f"{context} not")]
        case IfThen(if_=if_, then=then):
            return [(if_, "when"), (then, context)]
        case Named(condition=name) if name in scenario.conditions:
            return [(scenario.conditions[name], context)]
    return []


def draft_verdicts(scenario: Scenario, packages: Sequence[dict[str, Any]],
                   versions: dict[str, str | None]) -> tuple[list[str], list[list[str]]]:
    """Rows ``party/red-line [version]`` and, per package, each red line's verdict under the drawn version."""
    rows, refs, constraints = _drawn_red_lines(scenario, versions)
    by_terms: dict[str, dict[str, str]] = {}  # texts often repeat: each distinct package is evaluated once
    columns = []
    for package in packages:
        terms = {k: v for k, v in package.items() if v is not None}
        key = repr(sorted(terms.items()))
        if key not in by_terms:
            by_terms[key] = _verdicts(scenario, terms, constraints)
        columns.append([by_terms[key].get(ref, "not held") for ref in refs])
    if not columns:
        return rows, [[] for _ in rows]
    return rows, [list(row) for row in zip(*columns, strict=True)]


def _verdicts(scenario: Scenario, terms: dict[str, Any], constraints: CompiledConstraints) -> dict[str, str]:
    """Each red line's verdict on one package, by ``party/red-line``."""
    found = evaluate(scenario, terms, constraints)
    return {r.ref: r.verdict for p in found.parties for r in p.red_lines}


def _drawn_red_lines(scenario: Scenario, versions: dict[str, str | None]) -> tuple[
        list[str], list[str], CompiledConstraints]:
    """Row labels, refs and the compiled red lines as drawn in one run (a bluff is not held, so not compiled)."""
    compiler = Compiler(scenario)
    rows: list[str] = []
    refs: list[str] = []
    compiled = []
    for party in scenario.parties:
        for red_line in party.red_lines:
            ref = f"{party.id}/{red_line.id}"
            version = versions.get(ref, STATED)
            refs.append(ref)
            rows.append(_row_label(ref, version))
            made = None if version is None else compiler.version(party.id, red_line, version)
            if made is not None:
                compiled.append(made)
    return rows, refs, CompiledConstraints(compiler.space, tuple(compiled), ())


def _row_label(ref: str, version: str | None) -> str:
    """``party/red-line`` for the stated version, else the drawn version (or ``bluff``) in brackets."""
    if version == STATED:
        return ref
    if version is None:
        return f"{ref} [bluff]"
    return f"{ref} [{version}]"
