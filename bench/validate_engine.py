"""Validation: does the simulation find the deals that exist, and only those, on cases nobody tuned it to?

For every scenario of ``scenarios/`` (real negotiations encoded from public reporting) and for
synthetic cases whose answer is known by construction, the script runs the talks with the
scenario's own settings and its red lines as stated (what ``negsim run`` does), seeds 1 to
``--runs``, and prints one row per case:

- **ZOPA**: packages that meet every stated red line and walk-away value (``negsim explain``);
- **agree**: the share of runs that reach an agreement before the horizon;
- **in ZOPA**: the share of agreements inside that ZOPA (a run may move it with events; an
  agreement outside the stated ZOPA is listed so that a reader can look);
- **Pareto**: the share of agreements that no other ZOPA package makes better for one party
  and no worse for any;
- **Nash ratio**: the median, over agreements, of the agreement's weighted Nash product (gains
  over walk-away values, powered by bargaining power) over the Nash point's;
- **median date** of the agreements;
- **history**: for a scenario with a ``history`` block, whether the runs' majority (deal or no
  deal) is what happened, and the historical date.

Targets (issue "talks a reader can believe"): on every case with a non-empty ZOPA at least 95% of
runs agree, every agreement is in the ZOPA, at least 80% are Pareto-optimal and the median Nash
ratio is at least 0.8; on every case with an empty ZOPA no run ever agrees. The exit status is
0 when every target holds and 1 otherwise.

Run ``python bench/validate_engine.py`` (``--runs 100`` by default; ``--json`` for machine output).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from negsim.analysis.bargaining import nash_point, pareto_front
from negsim.analysis.dealspace import DealSpace
from negsim.scenario import load
from negsim.scenario.model import Scenario
from negsim.simulation.talks import run

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
AGREE_AT_LEAST, PARETO_AT_LEAST, NASH_RATIO_AT_LEAST = 0.95, 0.80, 0.80


@dataclass
class Row:
    """What the runs of one case show."""

    case: str
    kind: str
    zopa: int
    packages: int
    runs: int
    agree: float
    in_zopa: float | None
    pareto: float | None
    nash_ratio: float | None
    median_date: str | None
    history: str
    passed: bool
    why: str


# -- synthetic cases whose answer is known by construction ------------------------------------------


def _ordered(issue: str, count: int) -> dict[str, Any]:
    return {"id": issue, "name": issue, "type": "ordered", "values": [f"{issue}{k}" for k in range(count)]}


def _line(rid: str, issue: str, op: str, value: str, private: bool = False) -> dict[str, Any]:
    return {"id": rid, "require": {"issue": issue, "op": op, "value": value}, "rationale": "by construction",
            "source": "assumption", "confidence": 0.9, "private": private}


def _rising(issues: list[dict[str, Any]], up: set[str]) -> dict[str, dict[str, float]]:
    """Value tables: 0 to 1 along each issue, rising on the issues in ``up`` and falling on the others."""
    tables = {}
    for issue in issues:
        n = len(issue["values"]) - 1
        tables[issue["id"]] = {v: round(k / n if issue["id"] in up else 1 - k / n, 4)
                               for k, v in enumerate(issue["values"])}
    return tables


def _principal(pid: str, issues: list[dict[str, Any]], up: set[str], weights: dict[str, int],
               red_lines: list[dict[str, Any]], reservation: float, style: str = "boulware") -> dict[str, Any]:
    return {"id": pid, "name": pid, "role": "principal", "red_lines": red_lines,
            "preferences": {"weights": weights, "values": _rising(issues, up), "reservation": reservation},
            "concession": {"style": style}}


def _scenario(cid: str, issues: list[dict[str, Any]], parties: list[dict[str, Any]],
              talks: dict[str, Any] | None = None) -> Scenario:
    data = {"negsim": 1, "id": cid, "title": cid, "start": "2025-01-01", "horizon_days": 30, "issues": issues,
            "parties": parties}
    if talks:
        data["talks"] = talks
    return Scenario.model_validate(data)


def synthetic_cases() -> Iterator[tuple[str, Scenario]]:
    """Cases whose deal space is known by construction: the red lines leave a ZOPA, or none."""
    issues = [_ordered("price", 6), _ordered("delivery", 4), _ordered("warranty", 3), _ordered("volume", 3)]
    weights_buyer = {"price": 4, "delivery": 2, "warranty": 2, "volume": 1}
    weights_seller = {"price": 4, "delivery": 1, "warranty": 1, "volume": 3}
    buyer_lines = [_line("price-cap", "price", "<=", "price3"), _line("fast-enough", "delivery", "<=", "delivery2")]
    seller_lines = [_line("price-floor", "price", ">=", "price2"), _line("some-volume", "volume", ">=", "volume1")]
    buyer = _principal("buyer", issues, set(), weights_buyer, buyer_lines, 0.3)
    seller = _principal("seller", issues, {"price", "delivery", "warranty"}, weights_seller, seller_lines, 0.3)
    seller["preferences"]["values"]["volume"] = {"volume0": 0.0, "volume1": 0.5, "volume2": 1.0}
    buyer["preferences"]["values"]["volume"] = {"volume0": 0.2, "volume1": 0.6, "volume2": 1.0}
    yield "two-sides", _scenario("synthetic-two-sides", issues, [buyer, seller])

    third_lines = [_line("warranty-kept", "warranty", ">=", "warranty1")]
    third = _principal("insurer", issues, {"price", "volume"}, {"price": 1, "delivery": 1, "warranty": 3, "volume": 1},
                       third_lines, 0.25)
    yield "three-sides", _scenario("synthetic-three-sides", issues, [buyer, seller, third])

    mediator = {"id": "broker", "name": "broker", "role": "mediator"}
    yield "mediated", _scenario("synthetic-mediated", issues, [buyer, seller, mediator])

    hidden = dict(seller, red_lines=[*seller_lines, _line("hidden-warranty", "warranty", "<=", "warranty1", True)])
    yield "private-line", _scenario("synthetic-private-line", issues, [buyer, hidden])

    clash = dict(seller, red_lines=[_line("price-floor", "price", ">=", "price4")])
    yield "clash", _scenario("synthetic-clash", issues, [buyer, clash])
    yield "clash-mediated", _scenario("synthetic-clash-mediated", issues, [buyer, clash, mediator])


def real_cases() -> Iterator[tuple[str, Scenario]]:
    """Every scenario bundled in ``scenarios/``."""
    for path in sorted(SCENARIOS.glob("*.yaml")):
        yield path.stem, load(path)


# -- measuring -----------------------------------------------------------------------------------------


def measure(case: str, kind: str, scenario: Scenario, runs: int) -> Row:
    """Run the case ``runs`` times (seeds 1 to ``runs``) and compare the agreements with its deal space."""
    space = DealSpace.of(scenario)
    feasible = space.feasible
    front = _pareto_packages(space, feasible)
    nash_product = _nash_products(space)
    best = _best_nash(space, feasible, nash_product)
    index = {tuple(row): i for i, row in enumerate(space.packages.tolist())}
    deals, dates = [], []
    for seed in range(1, runs + 1):
        outcome, _ = run(scenario, seed=seed)
        if outcome.agreed and outcome.package is not None:
            codes = tuple(space.constraints.space.code(issue, value) for issue, value in outcome.package.items())
            deals.append(index[codes])
            dates.append(outcome.date)
    zopa = int(feasible.sum())
    agree = len(deals) / runs
    in_zopa = None if not deals else float(np.mean([feasible[d] for d in deals]))
    pareto = None if not deals else float(np.mean([d in front for d in deals]))
    ratios = [] if best is None else [nash_product[d] / best if best > 0 else 1.0 for d in deals]
    nash_ratio = float(statistics.median(ratios)) if ratios else None
    median_date = _median_date(dates)
    history, _ = _history(scenario, agree)
    passed, why = _verdict(zopa, agree, in_zopa, pareto, nash_ratio)
    return Row(case, kind, zopa, len(space.packages), runs, agree, in_zopa, pareto, nash_ratio, median_date,
               history, passed, why)


def _pareto_packages(space: DealSpace, feasible: np.ndarray) -> set[int]:
    chosen = np.flatnonzero(feasible)
    if not chosen.size or not space.parties:
        return set(chosen.tolist())
    return {int(chosen[i]) for i in pareto_front(space.utilities[:, chosen])}


def _nash_products(space: DealSpace) -> np.ndarray:
    gains = np.maximum(space.utilities - space.walk_aways[:, None], 0.0)
    return np.prod(gains ** space.powers[:, None], axis=0)


def _best_nash(space: DealSpace, feasible: np.ndarray, products: np.ndarray) -> float | None:
    chosen = np.flatnonzero(feasible)
    if not chosen.size or not space.parties:
        return None
    point = nash_point(space.utilities[:, chosen], space.walk_aways, space.powers)
    return None if point is None else float(products[chosen[point]])


def _median_date(dates: list[str | None]) -> str | None:
    days = sorted(date.fromisoformat(d).toordinal() for d in dates if d)
    return date.fromordinal(days[(len(days) - 1) // 2]).isoformat() if days else None


def _history(scenario: Scenario, agree: float) -> tuple[str, bool | None]:
    history = getattr(scenario, "history", None)
    if history is None:
        return "-", None
    happened = history.outcome == "agreement"
    said = agree >= 0.5
    return f"{history.outcome} {history.date}: runs {'agree' if said == happened else 'DISAGREE'}", said == happened


def _verdict(zopa: int, agree: float, in_zopa: float | None, pareto: float | None,
             nash_ratio: float | None) -> tuple[bool, str]:
    if zopa == 0:
        return (agree == 0.0, "" if agree == 0.0 else "agreements with an empty ZOPA")
    misses = []
    if agree < AGREE_AT_LEAST:
        misses.append(f"agree < {AGREE_AT_LEAST:.0%}")
    if in_zopa is not None and in_zopa < 1.0:
        misses.append("agreements outside the ZOPA")
    if pareto is not None and pareto < PARETO_AT_LEAST:
        misses.append(f"Pareto < {PARETO_AT_LEAST:.0%}")
    if nash_ratio is not None and nash_ratio < NASH_RATIO_AT_LEAST:
        misses.append(f"Nash ratio < {NASH_RATIO_AT_LEAST}")
    return not misses, "; ".join(misses)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def print_table(rows: list[Row]) -> None:
    header = f"{'case':34} {'kind':9} {'ZOPA':>11} {'agree':>6} {'in ZOPA':>7} {'Pareto':>6} {'Nash':>5} " \
             f"{'median date':>11}  {'target':6} history"
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = "-" if r.nash_ratio is None else f"{r.nash_ratio:.2f}"
        verdict = "PASS" if r.passed else "FAIL"
        print(f"{r.case:34} {r.kind:9} {f'{r.zopa}/{r.packages}':>11} {r.agree:>6.0%} {_percent(r.in_zopa):>7} "
              f"{_percent(r.pareto):>6} {ratio:>5} {r.median_date or '-':>11}  {verdict:6} {r.history}"
              + (f"  [{r.why}]" if r.why else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100, help="runs per case, seeds 1 to RUNS (default 100)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    rows = [measure(case, "real", scenario, args.runs) for case, scenario in real_cases()]
    rows += [measure(case, "synthetic", scenario, args.runs) for case, scenario in synthetic_cases()]
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        print_table(rows)
        print(f"\n{sum(r.passed for r in rows)} of {len(rows)} cases meet the targets")
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
