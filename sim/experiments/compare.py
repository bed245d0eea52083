"""Compare scenario variants: agreement rates, dates, blockers, and what separates deal from no deal.

The assumptions weighed are the uncertain draws of each replication (which version of
each red line was real, who attended, whether events happened, when a random shock fell
due), within each scenario's runs: for each, the difference between the agreement rates
with and without it, with a 95% interval; only those whose interval excludes zero are ranked
as effects. A greedy peeling box, in the manner of PRIM, then names the few conditions under
which deals concentrate, never from fewer runs than :data:`MIN_BOX_RUNS` (or
:data:`MIN_BOX_SHARE` of them).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..scenario.model import Issue, Party, Scenario
from .results import read_rows
from .summary import quantile, wilson
from .variants import baseline_names, red_line_changes

MIN_SHARE = 0.01
Samples = list[tuple[set[str], bool]]
"""Replications as the assumptions that held in each and whether it ended in a deal."""


def rate_difference(agreed_a: int, n_a: int, agreed_b: int, n_b: int) -> dict[str, Any]:
    """Difference of two agreement rates (b - a), Newcombe's 95% interval, and the two-proportion z-test.

    The difference and its interval are proportions (0.05 is 5 percentage points); ``z`` is
    the test statistic (difference over its pooled standard error) and ``p_value`` its
    two-sided p-value. A side without a single replication that ran (every one failed) has no
    rate: then the rates it lacks, the difference, its interval, ``z`` and the p-value are
    None; so are ``z`` and the p-value when both sides agree always or never (no variance).
    """
    if n_a == 0 or n_b == 0:
        return {"rate_a": round(agreed_a / n_a, 6) if n_a else None,
                "rate_b": round(agreed_b / n_b, 6) if n_b else None,
                "difference": None, "ci95": [None, None], "z": None, "p_value": None}
    p_a, p_b = agreed_a / n_a, agreed_b / n_b
    low_a, high_a = wilson(agreed_a, n_a)
    low_b, high_b = wilson(agreed_b, n_b)
    d = p_b - p_a
    lower = d - math.sqrt((p_b - low_b) ** 2 + (high_a - p_a) ** 2)
    upper = d + math.sqrt((high_b - p_b) ** 2 + (p_a - low_a) ** 2)
    pooled = (agreed_a + agreed_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = None if se == 0 else d / se
    p_value = None if z is None else math.erfc(abs(z) / math.sqrt(2))
    return {"rate_a": round(p_a, 6), "rate_b": round(p_b, 6), "difference": round(d, 6),
            "ci95": [round(lower, 6), round(upper, 6)], "z": None if z is None else round(z, 6),
            "p_value": None if p_value is None else float(f"{p_value:.6g}")}


def excludes_zero(interval: list[float | None]) -> bool:
    """Whether a 95% interval of a difference lies wholly on one side of zero."""
    low, high = interval
    return low is not None and high is not None and (low > 0 or high < 0)


UNREACHED = "unreached: "
"""Marks, in a replication's set of assumptions, one it never came to: a dated event or summit after its end,
a random shock whose window opened after it."""


@dataclass(frozen=True)
class Landmark:
    """The day that splits a random shock's runs: its first strike fell due before it, or not.

    A shock strikes only while the talks last, and a deal ends them: runs it struck are the
    long ones, and agree less often whatever it does. When its first strike falls due is
    drawn as its window opens, by chance alone, so runs in which it fell due early and runs
    in which it fell due late (or never) differ by nothing else. The day is the one by which
    it falls due in half the runs, or the end of its window if that comes first.
    """

    event: str
    day: int
    """Days after the start: the runs in which the first strike fell due before it against the rest."""
    date: str
    """The day as a date (ISO)."""
    words: str
    """The assumption as the outputs name it."""


def landmarks(scenario: Scenario) -> dict[str, Landmark]:
    """The landmark of each random shock of a scenario, by the column of replications.csv that it reads."""
    found = {}
    for event in scenario.events:
        if event.rate_per_day is None:
            continue
        opens = (event.window.first - scenario.start).days if event.window else 0
        closes = (event.window.last - scenario.start).days + 1 if event.window else scenario.horizon_days
        day = max(opens, 0) + math.ceil(math.log(2) / event.rate_per_day)
        day = min(day, closes)
        when = (scenario.start + timedelta(days=day)).isoformat()
        found[f"draw:due:{event.id}"] = Landmark(event.id, day, when, f"{event.id} falls due before {when}")
    return found


FALLS_DUE_MEANS = ("A random shock is weighed by when its first strike fell due, a day chance alone sets as its "
                   "window opens, whether or not the talks were still on by then (or a prospect of progress held the "
                   "strike off): runs in which it fell due early differ from the others by nothing else, where runs "
                   "it struck are the long ones a deal did not cut short.")
"""How a random shock's effect is to be read; every output that weighs one says it."""


def weighs_a_shock(within: dict[str, Any]) -> bool:
    """Whether one scenario's assumptions (as compare.json holds them) include a random shock's."""
    rows = [*(within.get("assumptions") or []), *(within.get("no_clear_effect") or [])]
    return any(isinstance(row, dict) and row.get("falls_due_before") for row in rows)


def _features(row: dict[str, str], shocks: dict[str, Landmark], names: Names) -> set[str]:
    """The uncertain assumptions that held in one replication (stated versions left out), and those it never reached.

    A dated event's or a summit's draw is made on its date: a run that ended before (an
    agreement, say) was never exposed to it, and counts neither with it nor without it
    (marked :data:`UNREACHED`), or a deal that ends a run early would pass for the event's absence.
    A random shock is weighed by its :class:`Landmark`. A version the baseline calls otherwise
    says so (``names``, from :func:`~sim.experiments.variants.baseline_names`).
    """
    found = set()
    for key, value in row.items():
        feature = _feature(key, value, names) if key not in shocks else _due(shocks[key], value)
        if feature is not None:
            found.add(feature)
    return found


def _feature(key: str, value: str, names: Names) -> str | None:
    """The assumption one column of a replication's row states, if it held there (the column prefixes are disjoint)."""
    if key.startswith("version:") and value and value != "stated":
        ref = key[8:]
        known = names.baseline.get((ref, value))
        also = "" if known is None else f" ({names.base}'s {_version_words(known)})"
        return f"{ref} is {_version_words(value)}{also}"
    if key.startswith("draw:attends:"):
        _, _, event, party = key.split(":")
        return _dated(f"{party} attends {event}", value)
    if key.startswith("draw:happens:"):
        return _dated(f"{key[13:]} happens", value)
    return None


def _due(landmark: Landmark, value: str) -> str | None:
    """A shock's assumption if its first strike fell due before its landmark (unreached: over before its window)."""
    if value == "":
        return UNREACHED + landmark.words
    return landmark.words if float(value) < landmark.day else None


def _dated(assumption: str, value: str) -> str | None:
    """A dated draw's assumption if it held, marked unreached if the run ended before its date."""
    if value == "true":
        return assumption
    return UNREACHED + assumption if value == "" else None


def _version_words(version: str) -> str:
    if version == "none":
        return "a bluff (no red line)"
    if version == "stated":
        return "stated red line"
    return version


@dataclass(frozen=True)
class Names:
    """The baseline's names for a variant's versions that it calls otherwise (empty for the baseline itself)."""

    base: str = ""
    baseline: dict[tuple[str, str], str] = field(default_factory=dict)


MIN_BOX_RUNS = 30
"""The fewest runs a box of conditions may hold, whatever the share below: a box of 7 runs says nothing."""
MIN_BOX_SHARE = 0.05
"""The smallest share of all runs a box of conditions may hold."""


@dataclass
class Discovery:
    """What moves the deal rate among some runs: effects, assumptions without a clear one, and a box."""

    effects: list[dict[str, Any]]
    """Assumptions whose 95% interval excludes zero, the largest effect first."""
    unclear: list[dict[str, Any]]
    """Assumptions whose 95% interval contains zero."""
    box: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """As compare.json holds it."""
        return {"assumptions": self.effects[:25], "no_clear_effect": self.unclear, "box": self.box}


def discover(samples: Samples) -> Discovery:
    """What moves the deal rate: each assumption's effect with its 95% interval, and a box where deals concentrate.

    An effect is the deal rate of the runs where the assumption held minus that of the runs
    where it did not (of a dated draw, among the runs that reached its date; of a random
    shock, by its :class:`Landmark`), with Newcombe's interval; each interval is 95% on its
    own, not adjusted for the number of assumptions tried.
    """
    total = len(samples)
    names = sorted({name for f, _ in samples for name in f if not name.startswith(UNREACHED)})
    found = Discovery([], [], {})
    for name in names:
        unreached = UNREACHED + name
        with_it = [ok for f, ok in samples if name in f]
        without = [ok for f, ok in samples if name not in f and unreached not in f]
        if not (MIN_SHARE * total <= len(with_it) <= (1 - MIN_SHARE) * total):
            continue
        rates = rate_difference(sum(without), len(without), sum(with_it), len(with_it))
        row = {"assumption": name, "effect": rates["difference"], "ci95": rates["ci95"], "z": rates["z"],
               "p_value": rates["p_value"], "rate_with": rates["rate_b"], "rate_without": rates["rate_a"],
               "runs_with": len(with_it), "runs_without": len(without)}
        (found.effects if excludes_zero(rates["ci95"]) else found.unclear).append(row)
    found.effects.sort(key=lambda r: (-abs(r["effect"]), r["assumption"]))
    minimum = max(MIN_BOX_RUNS, math.ceil(MIN_BOX_SHARE * total))
    conditions = [row["assumption"] if row["effect"] > 0 else NOT + row["assumption"] for row in found.effects[:20]]
    found.box = _peel(samples, conditions, minimum)
    return found


NOT = "not: "
"""Marks a box's condition that holds where an assumption does not (one that lowers the deal rate)."""


def _holds(condition: str, features: set[str]) -> bool:
    """Whether a box's condition holds in a replication of these assumptions (a negated one: where it did not hold)."""
    if condition.startswith(NOT):
        return condition[len(NOT):] not in features
    return condition in features


def _words(condition: str) -> str:
    """A box's condition as the outputs say it."""
    return f"not ({condition[len(NOT):]})" if condition.startswith(NOT) else condition


def _peel(samples: Samples, candidates: list[str], fewest_runs: int, depth: int = 3) -> dict[str, Any]:
    """Greedy box: add the condition that most raises the deal rate while keeping 10% of the deals and enough runs.

    A condition is an assumption that raises the deal rate, or the absence of one that lowers it.
    """
    deals = sum(ok for _, ok in samples)
    box: list[str] = []
    inside = samples
    for _ in range(depth):
        best = _densest([name for name in candidates if name not in box], inside, 0.1 * deals, fewest_runs)
        if best is None or best[0] <= _deal_rate(inside):  # rates of counts: equal rates are equal floats
            break
        box.append(best[1])
        inside = best[2]
    kept_deals = sum(ok for _, ok in inside)
    return {"conditions": [_words(condition) for condition in box], "runs": len(inside),
            "density": _share(kept_deals, len(inside)), "coverage": _share(kept_deals, deals),
            "fewest_runs": fewest_runs}


def _densest(candidates: list[str], inside: Samples, fewest_deals: float,
             fewest_runs: int) -> tuple[float, str, Samples] | None:
    """The condition whose replications have the highest deal rate, among those keeping enough deals and runs.

    Returns that rate, the condition and its replications; of conditions with the same rate, the first.
    """
    best: tuple[float, str, Samples] | None = None
    for name in candidates:
        kept = [s for s in inside if _holds(name, s[0])]
        kept_deals = sum(ok for _, ok in kept)
        if len(kept) < fewest_runs or not kept or kept_deals < fewest_deals:
            continue
        density = kept_deals / len(kept)
        if best is None or density > best[0]:
            best = (density, name, kept)
    return best


def _deal_rate(samples: Samples) -> float:
    if not samples:
        return 0.0
    return sum(ok for _, ok in samples) / len(samples)


def _share(part: int, whole: int) -> float | None:
    """``part / whole`` rounded as the outputs write it; None when there is no whole."""
    if not whole:
        return None
    return round(part / whole, 6)


@dataclass
class _Runs:
    """What the replications of one results folder that ran (no error) say."""

    agreed: int = 0
    ran: int = 0
    days: list[float] = field(default_factory=list)
    """Day of each agreement, sorted."""
    blocking: dict[str, int] = field(default_factory=dict)
    """Per red line, in how many replications it blocked a deal."""
    samples: Samples = field(default_factory=list)
    shocks: list[Landmark] = field(default_factory=list)
    """The landmark of each random shock of the scenario."""


def _tally(folder: Path, scenario: Scenario, names: Names) -> _Runs:
    shocks = landmarks(scenario)
    runs = _Runs(shocks=list(shocks.values()))
    for row in read_rows(folder):
        if row["error"]:
            continue
        ok = row["agreed"] == "true"
        runs.ran += 1
        runs.agreed += ok
        if ok:
            runs.days.append(float(row["day"]))
        for ref in row["blocking"].split():
            runs.blocking[ref] = runs.blocking.get(ref, 0) + 1
        runs.samples.append((_features(row, shocks, names), ok))
    runs.days.sort()
    return runs


def differences_in_kind(scenarios: list[Scenario]) -> list[str]:
    """How each variant differs from the baseline in what is negotiated and by whom (empty: variants of one case).

    A comparison measures what a changed assumption does to the same negotiation; scenarios
    with other issues or parties are other negotiations, and their difference says little.
    """
    base = scenarios[0]
    found = []
    for other in scenarios[1:]:
        for what, mine, theirs in (("issues", _ids(base.issues), _ids(other.issues)),
                                   ("parties", _ids(base.parties), _ids(other.parties))):
            if mine != theirs:
                gone, new = sorted(mine - theirs), sorted(theirs - mine)
                said = "; ".join(part for part in (f"without {', '.join(gone)}" if gone else "",
                                                   f"with {', '.join(new)}" if new else "") if part)
                found.append(f"{other.id} has other {what} than {base.id} ({said}): it is another negotiation, "
                             "not a variant of the baseline")
    return found


def _ids(items: Iterable[Issue] | Iterable[Party]) -> set[str]:
    return {item.id for item in items}


def compare_folders(folders: list[Path], scenarios: list[Scenario],
                    warnings: list[str] | None = None) -> dict[str, Any]:
    """Compare the results folders of these scenarios; the first is the baseline the others are measured against.

    ``warnings`` (such as :func:`differences_in_kind`'s) go into the comparison as they are.
    """
    ids = [scenario.id for scenario in scenarios]
    baseline = scenarios[0]
    names = [Names()] + [Names(baseline.id, baseline_names(baseline, other)) for other in scenarios[1:]]
    tallies = [_tally(*each) for each in zip(folders, scenarios, names, strict=True)]
    base = tallies[0]
    differences = [{"a": ids[0], "b": i, **rate_difference(base.agreed, base.ran, t.agreed, t.ran)}
                   for i, t in zip(ids[1:], tallies[1:], strict=True)]
    shifts = [_median_shift(base.days, t.days) for t in tallies[1:]]
    within = {scenario: _within(t) for scenario, t in zip(ids, tallies, strict=True)}
    changes = {other.id: red_line_changes(scenarios[0], other) for other in scenarios[1:]}
    return {"scenarios": ids, "folders": [f.name for f in folders], "warnings": list(warnings or []),
            "red_line_changes": changes,
            "rates": {i: {"agreements": t.agreed, "runs": t.ran} for i, t in zip(ids, tallies, strict=True)},
            "difference": differences[0] if differences else None, "differences": differences,
            "date_shift_days": shifts[0] if shifts else None, "date_shifts_days": shifts,
            "blocking": _blocking(tallies), **within[ids[0]], "by_scenario": within}


def change_notes(comparison: dict[str, Any]) -> list[str]:
    """What each variant changes in the baseline's red lines, versions matched by what they require."""
    base = comparison["scenarios"][0]
    notes = []
    for variant, changes in (comparison.get("red_line_changes") or {}).items():
        if changes:
            notes.append(f"What {variant} changes in the red lines of {base} (versions matched by the packages "
                         f"they allow, not by name): {'; '.join(changes)}.")
        else:
            notes.append(f"{variant} has the red lines of {base}, with the same chances (versions matched by the "
                         "packages they allow, not by name).")
    return notes


def _within(runs: _Runs) -> dict[str, Any]:
    """What moves the deal rate among one scenario's runs (:func:`discover`), as compare.json holds it.

    Each scenario's runs are weighed apart: pooled, a variant's runs would count as "without"
    every assumption it states outright, and its own deal rate would pass for their effect.
    A random shock's row says the date its landmark falls on (``falls_due_before``).
    """
    found = discover(runs.samples)
    dates = {landmark.words: landmark.date for landmark in runs.shocks}
    for row in found.effects + found.unclear:
        if row["assumption"] in dates:
            row["falls_due_before"] = dates[row["assumption"]]
    return found.to_dict()


def _median_shift(base_days: list[float], days: list[float]) -> float | None:
    """How many days later the median agreement comes than in the baseline; None if either has none."""
    if not days or not base_days:
        return None
    return round(quantile(days, 0.5) - quantile(base_days, 0.5), 6)


def _blocking(tallies: list[_Runs]) -> dict[str, list[int]]:
    """Per red line, how often it blocked in each folder; the most blocking first."""
    refs = {ref for t in tallies for ref in t.blocking}
    counts = {ref: [t.blocking.get(ref, 0) for t in tallies] for ref in refs}
    return dict(sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0])))
