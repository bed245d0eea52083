"""The two pictures negotiation teaching is about: the utility space of two parties, and the dance of a run.

**Utility space** (Raiffa's picture): every package as a point, one party's utility across and
another's up; the zone of possible agreement (packages that meet every red line and walk-away
value) in colour, its Pareto frontier for the two, the walk-away values as lines, the Nash and
Kalai-Smorodinsky packages (of all the parties), the scenario's proposals, and the path of the
texts and offers of a run, numbered in order.

**Negotiation dance**: for each principal, the utility to it of each text tabled and each offer
over calendar time, what it asked for at each of its answers and offers (its aspiration, when the
run kept it: ``run(..., demands=True)``), and its walk-away value; events, summits and shocks
marked where they fell, and the agreement if there is one.

The numbers come from the one check (:class:`~sim.analysis.dealspace.DealSpace`), the texts from
the run's event log. Drawn with matplotlib's object-oriented API into inline SVG (or a PNG file),
as :mod:`sim.report.plots` draws the report's other figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..analysis.bargaining import pareto_front
from ..analysis.dealspace import DealSpace
from ..analysis.explain import judge, reference_points, settled_worth
from ..constraints.arrays import Floats
from ..errors import UsageError
from ..simulation.timeline import Demands
from .plots import PARTY_COLOURS, figure_of

SHOWN_PACKAGES = 20_000
"""The most packages drawn as points; beyond, an evenly spread sample of them (the ZOPA and frontier in full)."""
TEXT_KINDS = ("draft", "offer", "counter", "agreement")
"""Log entries that put a package on the table."""
MARKED_KINDS = ("event", "summit", "shock")
"""Log entries the dance marks on its time axis."""


@dataclass(frozen=True)
class Tabled:
    """A package put on the table in a run: when, by whom, what kind, and what it is worth to each party."""

    day: float
    party: str
    kind: str
    utilities: dict[str, float]


@dataclass
class UtilitySpace:
    """What the utility-space picture shows, for two parties of a scenario."""

    parties: tuple[str, str]
    names: tuple[str, str]
    everything: Floats
    """Two rows: each package's utility to the two parties (a sample, when there are many)."""
    zopa: Floats
    frontier: Floats
    """The ZOPA's Pareto frontier for the two (or all packages' frontier, without a ZOPA), by the first's utility."""
    walk_aways: tuple[float, float]
    points: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Named packages (Nash, Kalai-Smorodinsky, the proposals) at the two parties' utilities."""
    path: list[Tabled] = field(default_factory=list)
    shown_of: int = 0
    """How many packages there are in all (``everything`` may hold a sample)."""


def two_parties(space: DealSpace, asked: Sequence[str] | None) -> tuple[int, int]:
    """The rows of the two parties to draw: those asked for, or the first two principals with preferences."""
    parties = list(space.parties)
    if asked:
        if len(asked) != 2:
            raise UsageError(f"--parties takes two parties, got {len(asked)}: {', '.join(asked)}")
        unknown = [p for p in asked if p not in parties]
        if unknown:
            raise UsageError(f"--parties: {', '.join(unknown)} has no preferences (or no such party); parties with "
                             f"preferences: {', '.join(parties)}")
        return parties.index(asked[0]), parties.index(asked[1])
    principals = [k for k, p in enumerate(parties) if space.scenario.party(p).role == "principal"]
    chosen = (principals + [k for k in range(len(parties)) if k not in principals])[:2]
    if len(chosen) < 2:
        raise UsageError("the utility space needs two parties with preferences; the scenario has "
                         f"{len(parties)}")
    return chosen[0], chosen[1]


def utility_space(space: DealSpace, parties: Sequence[str] | None = None,
                  entries: Sequence[dict[str, Any]] = ()) -> UtilitySpace:
    """The utility space of two parties, with the scenario's proposals and the texts of a run's log ``entries``."""
    a, b = two_parties(space, parties)
    both = space.utilities[[a, b]]
    feasible = space.feasible
    zopa = both[:, feasible]
    over = zopa if zopa.shape[1] else both
    front = over[:, pareto_front(over)]
    front = front[:, np.argsort(front[0], kind="stable")]
    ids = (space.parties[a], space.parties[b])
    result = UtilitySpace(ids, tuple(space.scenario.party(p).name for p in ids),  # type: ignore[arg-type]
                          _sample(both), zopa, front, (float(space.walk_aways[a]), float(space.walk_aways[b])),
                          shown_of=both.shape[1])
    reference = reference_points(space, feasible)
    for name, point in (("Nash", reference.nash), ("Kalai-Smorodinsky", reference.kalai_smorodinsky)):
        if point is not None:
            result.points[name] = (point.utilities[ids[0]], point.utilities[ids[1]])
    for proposal in space.scenario.proposals:
        judged = judge(space, proposal.id, reference.nash)
        result.points[proposal.id] = (judged.utilities[ids[0]], judged.utilities[ids[1]])
    result.path = tabled(space, entries)
    return result


def _sample(utilities: Floats) -> Floats:
    """The packages drawn: all of them, or an evenly spread sample of :data:`SHOWN_PACKAGES`."""
    n = utilities.shape[1]
    if n <= SHOWN_PACKAGES:
        return utilities
    return utilities[:, np.linspace(0, n - 1, SHOWN_PACKAGES).astype(np.intp)]


def tabled(space: DealSpace, entries: Sequence[dict[str, Any]]) -> list[Tabled]:
    """The packages a run put on the table, each worth (with open issues) its worst admissible completion."""
    found = []
    for entry in entries:
        terms = entry.get("package")
        if entry.get("kind") not in TEXT_KINDS or not isinstance(terms, dict):
            continue
        settled = {issue: value for issue, value in terms.items() if value is not None}
        low = settled_worth(space, space.constraints.space.encode(settled)).low
        found.append(Tabled(float(entry["time"]), str(entry.get("party") or "talks"), str(entry["kind"]),
                            {party: float(low[k]) for k, party in enumerate(space.parties)}))
    return found


def utility_space_figure(picture: UtilitySpace, name: str = "utility-space") -> Figure:
    """The utility space as a figure (see the module's docstring)."""
    with figure_of(name, 7.2, 6.2) as (fig, (ax,)):
        _space(ax, picture)
        return fig


def _space(ax: Axes, picture: UtilitySpace) -> None:
    everything, zopa, front = picture.everything, picture.zopa, picture.frontier
    sampled = "" if everything.shape[1] == picture.shown_of else f" (a sample of {everything.shape[1]:,})"
    ax.scatter(everything[0], everything[1], s=6, color="#c9c9c9", linewidths=0, zorder=1,
               label=f"packages: {picture.shown_of:,}{sampled}")
    if zopa.shape[1]:
        ax.scatter(zopa[0], zopa[1], s=14, color="#59a14f", linewidths=0, zorder=2,
                   label=f"zone of possible agreement: {zopa.shape[1]:,}")
    frontier_label = "Pareto frontier of the ZOPA" if zopa.shape[1] else "Pareto frontier (no ZOPA: of all packages)"
    ax.plot(front[0], front[1], color="#2f4b7c", linewidth=1.6, marker="o", markersize=3, zorder=3,
            label=frontier_label)
    for k, (value, colour) in enumerate(zip(picture.walk_aways, PARTY_COLOURS, strict=False)):
        line = ax.axvline if k == 0 else ax.axhline
        line(value, color=colour, linestyle="--", linewidth=1, zorder=1,
             label=f"{picture.names[k]}'s walk-away value {value:.2f}")
    _points(ax, picture.points)
    _path(ax, picture.path, picture.parties)
    ax.set_xlabel(f"utility to {picture.names[0]} ({picture.parties[0]})")
    ax.set_ylabel(f"utility to {picture.names[1]} ({picture.parties[1]})")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_title("Utility space: every package, the zone of possible agreement, its frontier", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.12), fontsize=8, ncols=2)


_POINT_STYLES = {"Nash": ("*", "#e15759", 160), "Kalai-Smorodinsky": ("D", "#b07aa1", 60)}


def _points(ax: Axes, points: dict[str, tuple[float, float]]) -> None:
    """The bargaining points and the proposals; proposals at one point share one label."""
    at: dict[tuple[float, float], list[str]] = {}
    for name, (x, y) in points.items():
        marker, colour, size = _POINT_STYLES.get(name, ("s", "#f28e2b", 50))
        label = name if name in _POINT_STYLES else f"proposal {name}"
        ax.scatter([x], [y], marker=marker, s=size, color=colour, edgecolors="black", linewidths=0.6, zorder=5,
                   label=label)
        if name not in _POINT_STYLES:
            at.setdefault((round(x, 6), round(y, 6)), []).append(name)
    for (x, y), names in at.items():
        ax.annotate(", ".join(names), (x, y), xytext=(4, -10), textcoords="offset points", fontsize=7.5)


def _path(ax: Axes, path: Sequence[Tabled], parties: tuple[str, str]) -> None:
    if not path:
        return
    xs = [t.utilities[parties[0]] for t in path]
    ys = [t.utilities[parties[1]] for t in path]
    ax.plot(xs, ys, color="#333333", linewidth=0.9, alpha=0.7, zorder=4, label=f"texts and offers of the run: "
            f"{len(path)}, numbered")
    step = max(1, len(path) // 25)
    for k in range(0, len(path), step):
        ax.annotate(str(k + 1), (xs[k], ys[k]), fontsize=7, color="#333333", xytext=(2, 2),
                    textcoords="offset points", zorder=6)
    if path[-1].kind == "agreement":
        ax.scatter([xs[-1]], [ys[-1]], marker="*", s=220, color="#59a14f", edgecolors="black", zorder=6,
                   label="agreement")


def dance_figure(space: DealSpace, entries: Sequence[dict[str, Any]], start: date, demands: Demands | None = None,
                 name: str = "negotiation-dance") -> Figure:
    """The negotiation dance of a run (see the module's docstring); ``demands``, if kept: each one's aspiration."""
    principals = [p for p in space.parties if space.scenario.party(p).role == "principal"] or list(space.parties)
    path = tabled(space, entries)
    with figure_of(name, 10.5, 4.8) as (fig, (ax,)):
        for k, party in enumerate(principals):
            colour = PARTY_COLOURS[k % len(PARTY_COLOURS)]
            walk_away = float(space.walk_aways[list(space.parties).index(party)])
            ax.plot([t.day for t in path], [t.utilities[party] for t in path], color=colour, marker="o",
                    markersize=3.5, linewidth=1.2, label=f"{space.scenario.party(party).name}: worth of each text")
            ax.axhline(walk_away, color=colour, linestyle="--", linewidth=0.9,
                       label=f"{space.scenario.party(party).name}: walk-away value {walk_away:.2f}")
            asked = demands.of(party) if demands is not None else []
            if asked:
                # a step line, each demand held until the next, and a tick at each (a lone demand shows too)
                ax.plot([day for day, _ in asked], [value for _, value in asked], color=colour, linewidth=2.6,
                        alpha=0.35, drawstyle="steps-post", marker="_", markersize=11, markeredgewidth=2.0,
                        label=f"{space.scenario.party(party).name}: its demand (aspiration)")
        _marks(ax, entries)
        ax.set_ylim(-0.02, 1.05)
        ax.set_ylabel("utility")
        _dates(ax, start, entries)
        ax.set_title("Negotiation dance: what each text and offer is worth to each principal, over time", loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.16), fontsize=8, ncols=2)
        return fig


def _marks(ax: Axes, entries: Sequence[dict[str, Any]]) -> None:
    """Events, summits and shocks as dotted lines, those of one day under one label; the agreement in green."""
    days: dict[int, list[str]] = {}
    for entry in entries:
        if entry.get("kind") in MARKED_KINDS:
            days.setdefault(int(float(entry["time"])), []).append(str(entry.get("cause") or entry["kind"]))
        elif entry.get("kind") == "agreement":
            ax.axvline(float(entry["time"]), color="#59a14f", linewidth=1.4, label="agreement")
    for k, (day, causes) in enumerate(sorted(days.items())):
        ax.axvline(day, color="#999999", linewidth=0.8, linestyle=":", label=None if k else "events, summits, shocks")
        label = causes[0][:30] if len(causes) == 1 else f"{len(causes)}: {causes[0][:22]}…"
        ax.annotate(label, (day, 1.03), fontsize=6.5, rotation=90, va="top", ha="right", color="#666666")


def _dates(ax: Axes, start: date, entries: Sequence[dict[str, Any]]) -> None:
    end = max([float(e["time"]) for e in entries] or [1.0])
    ax.set_xlim(-0.02 * max(end, 1), end * 1.02 + 0.5)
    step = max(1, math.ceil(end / 7))
    ticks = list(range(0, math.floor(end) + 1, step))
    ax.set_xticks(ticks, [(start + timedelta(days=t)).strftime("%d %b") for t in ticks])
    ax.set_xlabel("date")
