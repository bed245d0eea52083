"""Peer for ``bench/bench_engine.py``: the same negotiations run by NegMAS's ``SAOMechanism``.

Run only with the Python of a separate environment that has NegMAS 0.16 installed, e.g.
``/work/negmas-venv/bin/python bench/peers/negmas_sao.py INSTANCES.json``. negsim never
imports this file or NegMAS; ``bench_engine.py`` starts it as a subprocess and reads the
one JSON object it prints.

Each instance (written by ``bench_engine.py``) gives the issues' values and, for each of
the two parties, per-issue value tables, weights and a reservation value. For each we
build the outcome space, one ``LinearAdditiveUtilityFunction`` per party, an
``SAOMechanism(n_steps=ROUNDS)``, a ``BoulwareTBNegotiator`` for the first party and a
``ConcederTBNegotiator`` for the second. Building is not timed; only ``mechanism.run()`` is,
in CPU seconds of this process (``time.process_time``) and in wall seconds, over
``--repeat`` passes of which the one with least CPU time is reported.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from typing import Any

import negmas
from negmas import SAOMechanism, make_issue
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator

STYLES: dict[str, Any] = {"boulware": BoulwareTBNegotiator, "conceder": ConcederTBNegotiator}


def build(instance: dict[str, Any]) -> SAOMechanism:
    """One ready-to-run mechanism for one instance."""
    issues = [make_issue(list(issue["values"]), issue["id"]) for issue in instance["issues"]]
    mechanism = SAOMechanism(issues=issues, n_steps=instance["rounds"])
    for party in instance["parties"]:
        tables = {issue["id"]: dict(zip(issue["values"], table, strict=True))
                  for issue, table in zip(instance["issues"], party["tables"], strict=True)}
        weights = {issue["id"]: w for issue, w in zip(instance["issues"], party["weights"], strict=True)}
        ufun = LinearAdditiveUtilityFunction(tables, weights=weights, issues=issues,
                                             reserved_value=party["reservation"])
        mechanism.add(STYLES[party["style"]](name=party["id"]), ufun=ufun)
    return mechanism


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", help="JSON file written by bench_engine.py")
    parser.add_argument("-n", type=int, default=None, help="run only the first N instances")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the instances; the best counts")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs before timing (default: 2)")
    args = parser.parse_args(argv)

    with open(args.instances, encoding="utf-8") as f:
        instances = json.load(f)["instances"]
    if args.n is not None:
        instances = instances[:args.n]

    for instance in instances[:args.warmup]:
        build(instance).run()

    passes = []
    for _ in range(max(1, args.repeat)):
        agreements: list[list[str] | None] = []
        steps: list[int] = []
        cpu = wall = 0.0
        for instance in instances:
            mechanism = build(instance)
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            state = mechanism.run()
            cpu += time.process_time() - cpu_start
            wall += time.perf_counter() - wall_start
            agreements.append(None if state.agreement is None else list(state.agreement))
            steps.append(int(state.step))
        passes.append((cpu, wall, agreements, steps))
    cpu, wall, agreements, steps = min(passes, key=lambda p: p[0])
    agreed = [a is not None for a in agreements]
    n = len(instances)
    print(json.dumps({
        "engine": "negmas", "version": negmas.__version__, "python": platform.python_version(),
        "negotiations": n, "passes": len(passes), "cpu_seconds": cpu, "wall_seconds": wall,
        "cpu_seconds_all": [p[0] for p in passes], "wall_seconds_all": [p[1] for p in passes],
        "negotiations_per_second": n / cpu if cpu else None,
        "negotiations_per_wall_second": n / wall if wall else None,
        "agreement_rate": sum(agreed) / n if n else None, "agreed": agreed,
        "agreements": agreements, "steps": steps,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
