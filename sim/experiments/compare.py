"""Compare scenario variants: agreement rates, dates, blockers, and what separates deal from no deal.

The assumptions ranked are the uncertain draws of each replication (which version of
each red line was real, who attended, whether events happened, shocks): for each, the
agreement rate with and without it. A greedy peeling box, in the manner of PRIM,
then names the few conditions under which deals concentrate.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sim.experiments.summary import Z95, quantile, wilson

MIN_SHARE = 0.01


def read_rows(folder: Path) -> Iterator[dict[str, str]]:
    """Rows of a results folder's replications.csv, as strings."""
    with (folder / "replications.csv").open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


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
        if key.startswith("version:") and value and value != "stated":
            found.add(f"{key[8:]} is {'a bluff (no red line)' if value == 'none' else value}")
        elif key.startswith("draw:shocks:") and value not in ("0", ""):
            found.add(f"{key[12:]} happened")
        elif key.startswith("draw:attends:") and value == "true":
            _, _, event, party = key.split(":")
            found.add(f"{party} attends {event}")
        elif key.startswith("draw:happens:") and value == "true":
            found.add(f"{key[13:]} happens")
    return found


def discover(samples: list[tuple[set[str], bool]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
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


def _peel(samples: list[tuple[set[str], bool]], candidates: list[str], depth: int = 3) -> dict[str, Any]:
    """Greedy box: add the condition that most raises the deal rate while keeping 10% of the deals."""
    deals = sum(ok for _, ok in samples)
    box: list[str] = []
    inside = samples
    for _ in range(depth):
        best: tuple[float, str, list[tuple[set[str], bool]]] | None = None
        for name in candidates:
            if name in box:
                continue
            kept = [s for s in inside if name in s[0]]
            kept_deals = sum(ok for _, ok in kept)
            if not kept or kept_deals < 0.1 * deals:
                continue
            density = kept_deals / len(kept)
            if best is None or density > best[0] + 1e-12:
                best = (density, name, kept)
        current = sum(ok for _, ok in inside) / len(inside) if inside else 0.0
        if best is None or best[0] <= current + 1e-9:
            break
        box.append(best[1])
        inside = best[2]
    kept_deals = sum(ok for _, ok in inside)
    return {"conditions": box, "runs": len(inside),
            "density": round(kept_deals / len(inside), 6) if inside else None,
            "coverage": round(kept_deals / deals, 6) if deals else None}


def compare_folders(folders: list[Path], ids: list[str]) -> dict[str, Any]:
    """Compare results folders; the first is the baseline the others are measured against."""
    counts: list[tuple[int, int]] = []
    days: list[list[float]] = []
    blocking: dict[str, list[int]] = {}
    samples: list[tuple[set[str], bool]] = []
    for k, (folder, scenario) in enumerate(zip(folders, ids, strict=True)):
        agreed = valid = 0
        agreed_days: list[float] = []
        for row in read_rows(folder):
            if row["error"]:
                continue
            valid += 1
            ok = row["agreed"] == "true"
            agreed += ok
            if ok:
                agreed_days.append(float(row["day"]))
            for ref in row["blocking"].split():
                blocking.setdefault(ref, [0] * len(folders))[k] += 1
            samples.append((_features(row, scenario, ids[0]), ok))
        counts.append((agreed, valid))
        days.append(sorted(agreed_days))
    differences = [{"a": ids[0], "b": ids[k], **rate_difference(*counts[0], *counts[k])}
                   for k in range(1, len(ids))]
    shifts = [round(quantile(days[k], 0.5) - quantile(days[0], 0.5), 6) if days[k] and days[0] else None
              for k in range(1, len(ids))]
    ranked, box = discover(samples)
    return {"scenarios": ids, "folders": [f.name for f in folders],
            "rates": {i: {"agreements": a, "runs": n} for i, (a, n) in zip(ids, counts, strict=True)},
            "difference": differences[0] if differences else None, "differences": differences,
            "date_shift_days": shifts[0] if shifts else None, "date_shifts_days": shifts,
            "blocking": dict(sorted(blocking.items(), key=lambda kv: (-sum(kv[1]), kv[0]))),
            "assumptions": ranked[:25], "box": box}
