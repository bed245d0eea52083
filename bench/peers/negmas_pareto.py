"""Peer for ``bench/bench_explain.py``: NegMAS's ``pareto_frontier`` + ``nash_points`` on given utilities.

Runs ONLY inside a separate environment where NegMAS is installed (NegMAS is AGPL: negsim
never imports it and nothing imports this file; ``bench_explain.py`` runs it as a
subprocess with ``--negmas-python``). It loads an ``.npz`` written by the benchmark:

- ``utilities`` (parties, packages): each party's utility of each package;
- ``reservations`` (parties,): the disagreement values, given to NegMAS as reserved values;
- ``tables`` (parties, issues, values) and ``weights`` (parties, issues): the linear-additive
  definition that produced ``utilities`` (packages in lexicographic order of value codes).

It builds NegMAS utility functions giving exactly these utilities (building is not timed)
and times, best of ``--repeat`` (repeats stop early once a variant has used ``--budget``
seconds), three variants:

- ``mapping`` (the one the benchmark's target is about): one issue whose values are the
  package indices and a ``MappingUtilityFunction`` per party (a dict lookup per package),
  then ``pareto_frontier(ufuns, outcomes=...)`` + ``nash_points(ufuns, frontier, ranges=...)``;
- ``linear_additive``: the same two calls on ``LinearAdditiveUtilityFunction``s built from the
  tables and weights over the 5-issue outcome space;
- ``points``: NegMAS's frontier kernel ``pareto_frontier_active`` (the one ``pareto_frontier``
  calls) on the pre-evaluated rational points + ``nash_points``, i.e. without evaluating ufuns.

``ranges`` (each party's min and max utility) are computed before timing, so ``nash_points``
does not scan the outcome space again. Results go to ``--out`` as JSON: seconds per repeat,
frontier utility vectors, Nash points, NegMAS's version.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from negmas import __version__ as negmas_version
from negmas.outcomes import make_issue, make_os
from negmas.preferences import (
    LinearAdditiveUtilityFunction,
    MappingUtilityFunction,
    nash_points,
    pareto_frontier,
    pareto_frontier_active,
)

Vectors = list[list[float]]
Result = tuple[Vectors, Vectors]


def _vectors(points: Sequence[Sequence[float]]) -> Vectors:
    return [[float(x) for x in p] for p in points]


def _timed(run: Callable[[], Result], repeat: int, budget: float) -> dict[str, Any]:
    seconds: list[float] = []
    frontier: Vectors = []
    nash: Vectors = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        frontier, nash = run()
        seconds.append(time.perf_counter() - start)
        if sum(seconds) > budget:
            break
    return {"seconds": seconds, "best": min(seconds), "frontier": frontier, "nash": nash}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data", help=".npz with utilities, reservations, tables, weights")
    parser.add_argument("--out", required=True, help="where to write the JSON results")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=60.0, help="stop repeating a variant after this many seconds")
    parser.add_argument("--variants", default="mapping,linear_additive,points")
    args = parser.parse_args(argv)

    data = np.load(args.data)
    utilities = np.asarray(data["utilities"], dtype=np.float64)
    reservations = [float(r) for r in data["reservations"]]
    tables = np.asarray(data["tables"], dtype=np.float64)
    weights = np.asarray(data["weights"], dtype=np.float64)
    parties, n = utilities.shape
    ranges = [(float(utilities[k].min()), float(utilities[k].max())) for k in range(parties)]
    results: dict[str, Any] = {"negmas": negmas_version, "parties": parties, "packages": n, "variants": {}}
    wanted = args.variants.split(",")

    if "mapping" in wanted:
        space = make_os([make_issue(n, "package")])
        outcomes = [(i,) for i in range(n)]
        ufuns = [MappingUtilityFunction(dict(zip(outcomes, utilities[k].tolist(), strict=True)),
                                        reserved_value=reservations[k], outcome_space=space)
                 for k in range(parties)]

        def mapping() -> Result:
            frontier, _ = pareto_frontier(ufuns, outcomes=outcomes)
            nash = nash_points(ufuns, frontier, ranges=ranges)
            return _vectors(frontier), _vectors([p for p, _ in nash])

        results["variants"]["mapping"] = _timed(mapping, args.repeat, args.budget)

    if "linear_additive" in wanted:
        issues, values = tables.shape[1], tables.shape[2]
        space = make_os([make_issue(values, f"issue{j}") for j in range(issues)])
        # Same order as the benchmark's packages: lexicographic in the codes, last issue fastest.
        outcomes = list(itertools.product(range(values), repeat=issues))
        if len(outcomes) != n:
            raise SystemExit(f"tables give {len(outcomes)} packages, utilities have {n}")
        additive = [LinearAdditiveUtilityFunction(
            [dict(enumerate(tables[k, j].tolist())) for j in range(issues)], weights=weights[k].tolist(),
            outcome_space=space, reserved_value=reservations[k]) for k in range(parties)]

        def linear_additive() -> Result:
            frontier, _ = pareto_frontier(additive, outcomes=outcomes)
            nash = nash_points(additive, frontier, ranges=ranges)
            return _vectors(frontier), _vectors([p for p, _ in nash])

        results["variants"]["linear_additive"] = _timed(linear_additive, args.repeat, args.budget)

    if "points" in wanted:
        points = np.ascontiguousarray(utilities.T)
        reserved = np.asarray(reservations)
        plain = [MappingUtilityFunction(lambda o: 0.0, reserved_value=r) for r in reservations]

        def kernel() -> Result:
            rational = points[(points >= reserved).all(axis=1)]
            frontier = [tuple(p) for p in rational[pareto_frontier_active(rational)]]
            nash = nash_points(plain, frontier, ranges=ranges)
            return _vectors(frontier), _vectors([p for p, _ in nash])

        results["variants"]["points"] = _timed(kernel, args.repeat, args.budget)

    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(results, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
