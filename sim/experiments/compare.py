"""Compare scenario variants: agreement rates, dates, blockers, and what separates deal from no deal.

The assumptions ranked are the uncertain draws of each replication (which version of
each red line was real, who attended, whether events happened, shocks): for each, the
agreement rate with and without it. A greedy peeling box, in the manner of PRIM,
then names the few conditions under which deals concentrate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.experiments.results import read_rows
from sim.experiments.summary import Z95, quantile, wilson

MIN_SHARE = 0.01
Samples = list[tuple[set[str], bool]]
"""Replications as the assumptions that held in each and whether it ended in a deal."""


def rate_difference(agreed_a: int, n_a: int, agreed_b: int, n_b: int) -> dict[str, Any]:
    """Difference of two agreement rates (b - a), Newcombe's 95% interval, two-sided z-test p-value.

    A side without a single replication that ran (every one failed) has no rate: then the
    rates it lacks, the difference, its interval and the p-value are None.
    """
    if n_a == 0 or n_b == 0:
        return {"rate_a": round(agreed_a / n_a, 6) if n_a else None,
                "rate_b": round(agreed_b / n_b, 6) if n_b else None,
                "difference": None, "ci95": [None, None], "p_value": None, "z": Z95}
    p_a, p_b = agreed_a / n_a, agreed_b / n_b
    low_a, high_a = wilson(agreed_a, n_a)
    low_b, high_b = wilson(agreed_b, n_b)
    d = p_b - p_a
    lower = d - math.sqrt((p_b - low_b) ** 2 + (high_a - p_a) ** 2)
    upper = d + math.sqrt((high_b - p_b) ** 2 + (p_a - low_a) ** 2)
    pooled = (agreed_a + agreed_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    p_value = 1.0 if se == 0 else math.erfc(abs(d) / se / math.sqrt(2))
    return {"rate_a": round(p_a, 6), "rate_b": round(p_b, 6), "difference": round(d, 6),
            "ci95": [round(lower, 6), round(upper, 6)], "p_value": float(f"{p_value:.6g}"), "z": Z95}


def _features(row: dict[str, str], scenario: str, baseline: str) -> set[str]:
    """The uncertain assumptions that held in one replication (baselines left out)."""
    found = set() if scenario == baseline else {f"scenario is {scenario}"}
    for key, value in row.items():
        feature = _feature(key, value)
        if feature is not None:
            found.add(feature)
    return found


def _feature(key: str, value: str) -> str | None:
    """The assumption one column of a replication's row states, if it held there (the column prefixes are disjoint)."""
    if key.startswith("version:") and value and value != "stated":
        return f"{key[8:]} is {_version_words(value)}"
    if key.startswith("draw:shocks:") and value not in ("0", ""):
        return f"{key[12:]} happened"
    if key.startswith("draw:attends:") and value == "true":
        _, _, event, party = key.split(":")
        return f"{party} attends {event}"
    if key.startswith("draw:happens:") and value == "true":
        return f"{key[13:]} happens"
    return None


def _version_words(version: str) -> str:
    if version == "none":
        return "a bluff (no red line)"
    return version


def discover(samples: Samples) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rank assumptions by how much they move the agreement rate; peel a box where deals concentrate."""
    total = len(samples)
    names = sorted(set().union(*(f for f, _ in samples))) if samples else []
    ranked: list[dict[str, Any]] = []
    for name in names:
        with_it = [ok for f, ok in samples if name in f]
        without = [ok for f, ok in samples if name not in f]
        if not (MIN_SHARE * total <= len(with_it) <= (1 - MIN_SHARE) * total):
            continue
        rate_with, rate_without = sum(with_it) / len(with_it), sum(without) / len(without)
        ranked.append({"assumption": name, "effect": round(rate_with - rate_without, 6),
                       "rate_with": round(rate_with, 6), "rate_without": round(rate_without, 6),
                       "runs_with": len(with_it)})
    ranked.sort(key=lambda r: (-abs(r["effect"]), r["assumption"]))
    return ranked, _peel(samples, [r["assumption"] for r in ranked[:20]])


def _peel(samples: Samples, candidates: list[str], depth: int = 3) -> dict[str, Any]:
    """Greedy box: add the condition that most raises the deal rate while keeping 10% of the deals."""
    deals = sum(ok for _, ok in samples)
    box: list[str] = []
    inside = samples
    for _ in range(depth):
        best = _densest([name for name in candidates if name not in box], inside, 0.1 * deals)
        if best is None or best[0] <= _deal_rate(inside):  # rates of counts: equal rates are equal floats
            break
        box.append(best[1])
        inside = best[2]
    kept_deals = sum(ok for _, ok in inside)
    return {"conditions": box, "runs": len(inside), "density": _share(kept_deals, len(inside)),
            "coverage": _share(kept_deals, deals)}


def _densest(candidates: list[str], inside: Samples, fewest_deals: float) -> tuple[float, str, Samples] | None:
    """The condition whose replications have the highest deal rate, among those keeping enough deals.

    Returns that rate, the condition and its replications; of conditions with the same rate, the first.
    """
    best: tuple[float, str, Samples] | None = None
    for name in candidates:
        kept = [s for s in inside if name in s[0]]
        kept_deals = sum(ok for _, ok in kept)
        if not kept or kept_deals < fewest_deals:
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


def _tally(folder: Path, scenario: str, baseline: str) -> _Runs:
    runs = _Runs()
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
        runs.samples.append((_features(row, scenario, baseline), ok))
    runs.days.sort()
    return runs


def compare_folders(folders: list[Path], ids: list[str]) -> dict[str, Any]:
    """Compare results folders; the first is the baseline the others are measured against."""
    tallies = [_tally(folder, scenario, ids[0]) for folder, scenario in zip(folders, ids, strict=True)]
    base = tallies[0]
    differences = [{"a": ids[0], "b": i, **rate_difference(base.agreed, base.ran, t.agreed, t.ran)}
                   for i, t in zip(ids[1:], tallies[1:], strict=True)]
    shifts = [_median_shift(base.days, t.days) for t in tallies[1:]]
    ranked, box = discover([sample for t in tallies for sample in t.samples])
    return {"scenarios": ids, "folders": [f.name for f in folders],
            "rates": {i: {"agreements": t.agreed, "runs": t.ran} for i, t in zip(ids, tallies, strict=True)},
            "difference": differences[0] if differences else None, "differences": differences,
            "date_shift_days": shifts[0] if shifts else None, "date_shifts_days": shifts,
            "blocking": _blocking(tallies), "assumptions": ranked[:25], "box": box}


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
