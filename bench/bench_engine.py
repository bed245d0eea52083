"""Benchmark: negotiations per second of the simulated talks, side by side with NegMAS's SAOMechanism.

The workload, which NegMAS runs too: two parties; 3 issues of 5, 4 and 6 values;
linear-additive utilities (per-issue value tables drawn from U(0, 1), random weights
normalised to sum to one) with walk-away values (the file's ``reservation``) drawn from U(0.15, 0.45); the first
party concedes over time as a Boulware, the second as a Conceder; alternating offers for
at most 100 rounds; the event log kept in memory (what :func:`negsim.simulation.talks.run` returns).

Each seeded instance becomes a negsim scenario (categorical issues, two principals, no
mediator, ``talks: {protocol: alternating, max_rounds: 100, deliberation_days: 0.01}``
and the longest horizon, 3650 days, so that rounds, not days, set the relative time:
from the second round on it is exactly ``round / 100``). Building scenarios is not timed;
``run()`` is, including the one-off preparation of each scenario's packages and
utilities. For information it also times each scenario's second run (preparation cached)
and a run with every turn played singly (``run(..., stretches=False)``). With
``--negmas-python`` the same instances go, as a JSON file, to ``bench/peers/negmas_sao.py``
run by that interpreter: NegMAS 0.16's ``SAOMechanism`` with
``BoulwareTBNegotiator`` against ``ConcederTBNegotiator``, timing only ``run()``. The two
engines' passes are taken in turns (one of negsim's, one of NegMAS's, and so on) and last about
as long (a negsim pass goes ``--laps`` times over the instances), so that a shared machine's
slow and quick spells fall on both alike; the best pass of each counts.

Concession curves. NegMAS's named curves are ``1 - t**4`` (boulware) and ``1 - t**0.25``
(conceder) of the way from the best utility down to the walk-away value; negsim's are
``1 - t**(1/e)``. By default the bench scenarios therefore use ``e = 0.25`` and ``e = 4``
(``--curves negmas``), the same curves; ``--curves negsim`` keeps negsim's defaults
(0.2 and 5).

Run ``python bench/bench_engine.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from negsim.scenario.model import Scenario
from negsim.simulation.talks import run

TARGET_RATIO = 30.0
TARGET_POINTS = 5.0
SIZES = (5, 4, 6)
ROUNDS = 100
RESERVATION = (0.15, 0.45)
HORIZON_DAYS = 3650
DELIBERATION_DAYS = 0.01
STYLES = ("boulware", "conceder")
EXPONENTS = {"negmas": {"boulware": 1 / 4.0, "conceder": 1 / 0.25}, "negsim": {"boulware": None, "conceder": None}}
PEER = Path(__file__).resolve().parent / "peers" / "negmas_sao.py"


# -- the instances ----------------------------------------------------------------------------


def make_instances(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` seeded negotiation instances as plain data (what both engines read)."""
    rng = np.random.default_rng(seed)
    issues = [{"id": f"issue{j}", "values": [f"v{k}" for k in range(size)]} for j, size in enumerate(SIZES)]
    instances = []
    for i in range(n):
        parties = []
        for pid, style in zip(("a", "b"), STYLES, strict=True):
            tables = [rng.random(size).tolist() for size in SIZES]
            weights = rng.random(len(SIZES))
            weights /= weights.sum()
            reservation = float(rng.uniform(*RESERVATION))
            parties.append({"id": pid, "style": style, "tables": tables, "weights": weights.tolist(),
                            "reservation": reservation})
        instances.append({"id": f"bench-engine-{i}", "rounds": ROUNDS, "issues": issues, "parties": parties})
    return instances


def scenario_of(instance: dict[str, Any], curves: str = "negmas") -> Scenario:
    """The negsim scenario of one instance."""
    issues = [{"id": issue["id"], "name": issue["id"], "type": "categorical", "values": issue["values"]}
              for issue in instance["issues"]]
    parties = []
    for party in instance["parties"]:
        concession: dict[str, Any] = {"style": party["style"]}
        exponent = EXPONENTS[curves][party["style"]]
        if exponent is not None:
            concession["exponent"] = exponent
        parties.append({
            "id": party["id"], "name": party["id"].upper(), "role": "principal",
            "preferences": {
                "weights": {issue["id"]: w for issue, w in zip(instance["issues"], party["weights"], strict=True)},
                "values": {issue["id"]: dict(zip(issue["values"], table, strict=True))
                           for issue, table in zip(instance["issues"], party["tables"], strict=True)},
                "reservation": party["reservation"],
            },
            "concession": concession,
        })
    return Scenario.model_validate({
        "negsim": 1, "id": instance["id"], "title": "Engine benchmark", "start": "2024-01-01",
        "horizon_days": HORIZON_DAYS, "issues": issues, "parties": parties,
        "talks": {"protocol": "alternating", "max_rounds": instance["rounds"], "deliberation_days": DELIBERATION_DAYS},
    })


# -- the two engines --------------------------------------------------------------------------


def _timed_turn_by_turn(scenarios: list[Scenario], repeat: int) -> float:
    """Best CPU seconds of ``repeat`` passes of ``run(..., stretches=False)`` over the scenarios, logs kept."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        start, kept = time.process_time(), [run(scenario, seed=seed, stretches=False)
                                                for seed, scenario in enumerate(scenarios)]
        best = min(best, time.process_time() - start)
        del kept
    return best


def _timed_prepared(scenarios: list[Scenario], repeat: int) -> float:
    """Best CPU seconds of ``repeat`` passes in which each scenario's timed run finds it prepared.

    Each scenario is run once, untimed, just before its timed run, so that the timed run finds
    the scenario's packages and utilities already prepared; the pass's outcomes and logs are kept
    until it ends.
    """
    best = float("inf")
    for _ in range(max(1, repeat)):
        kept, cpu = [], 0.0
        for seed, scenario in enumerate(scenarios):
            run(scenario, seed=seed)
            cpu_start = time.process_time()
            kept.append(run(scenario, seed=seed))
            cpu += time.process_time() - cpu_start
        best = min(best, cpu)
        del kept
    return best


def _headline_pass(scenarios: list[Scenario], laps: int) -> tuple[float, float, list[Any]]:
    """``laps`` laps of ``run()`` over the scenarios, each run from scratch.

    Returns the CPU and wall seconds of all laps, and the last lap's outcomes and logs. Each lap
    keeps its outcomes and logs until it ends; they are let go, untimed, before the next.
    """
    cpu = wall = 0.0
    kept: list[Any] = []
    for _ in range(max(1, laps)):
        kept = []
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        for seed, scenario in enumerate(scenarios):
            kept.append(run(scenario, seed=seed))
        cpu += time.process_time() - cpu_start
        wall += time.perf_counter() - wall_start
    return cpu, wall, kept


def run_negsim(scenarios: list[Scenario], warmup: list[Scenario], repeat: int, laps: int = 1,
               between: Callable[[], None] | None = None) -> dict[str, Any]:
    """Time ``run()`` on every scenario; keep outcomes and event logs in memory.

    Times are CPU seconds of this process (``time.process_time``, as the machine may be
    shared) and wall seconds, best of ``repeat`` passes by CPU time. The headline figure runs
    each scenario from scratch, ``laps`` times over in a pass, so that a pass lasts about as long
    as one of the peer's; a second figure, for information, times a second run
    of each scenario, whose preparation (packages, utilities) is then already cached.
    ``between``, if given, runs after each headline pass: the peer's passes, so that both
    engines are timed over the same stretch of a shared machine's slow and quick spells.
    """
    for scenario in warmup:
        run(scenario, seed=0)
    passes: list[tuple[float, float]] = []
    kept: list[Any] = []
    for _ in range(max(1, repeat)):
        del kept  # what a pass keeps is let go before the next (every pass keeps the same outcomes and logs)
        cpu, wall, kept = _headline_pass(scenarios, laps)
        passes.append((cpu / laps, wall / laps))
        if between is not None:
            between()
    cpu, wall = min(passes)
    warm_cpu = _timed_prepared(scenarios, repeat)
    stepped_cpu = _timed_turn_by_turn(scenarios, repeat)
    n = len(scenarios)
    agreements = [None if not o.agreed or o.package is None else [o.package[i["id"]] for i in _issues(scenarios[0])]
                  for o, _ in kept]
    return {"engine": "negsim", "negotiations": n, "passes": max(1, repeat), "laps": max(1, laps),
            "cpu_seconds": cpu, "wall_seconds": wall,
            "cpu_seconds_all": [p[0] for p in passes],
            "negotiations_per_second": n / cpu, "negotiations_per_wall_second": n / wall,
            "prepared_cpu_seconds": warm_cpu, "prepared_negotiations_per_second": n / warm_cpu,
            "turn_by_turn_cpu_seconds": stepped_cpu, "turn_by_turn_negotiations_per_second": n / stepped_cpu,
            "agreement_rate": sum(a is not None for a in agreements) / n, "agreements": agreements,
            "rounds": [o.rounds + 1 if o.agreed else o.rounds for o, _ in kept],
            "log_entries": sum(len(log.entries) for _, log in kept)}


def _issues(scenario: Scenario) -> list[dict[str, Any]]:
    return [{"id": issue.id} for issue in scenario.issues]


class Peer:
    """The NegMAS peer, run by another interpreter on the same instances, one timed pass per call."""

    def __init__(self, python: str, instances: list[dict[str, Any]], n: int | None) -> None:
        self.python, self.instances, self.n = python, instances, n
        self.passes: list[dict[str, Any]] = []

    def __call__(self) -> None:
        """Run one timed pass over the instances (a new process: NegMAS's import and warm-up are not timed)."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "instances.json"
            path.write_text(json.dumps({"instances": self.instances}), encoding="utf-8")
            first = [] if self.n is None else ["-n", str(self.n)]
            command = [self.python, str(PEER), str(path), "--repeat", "1", *first]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"the NegMAS peer failed ({done.returncode}):\n{done.stderr[-4000:]}")
        self.passes.append(json.loads(done.stdout.strip().splitlines()[-1]))

    def report(self) -> dict[str, Any]:
        """The pass with the least CPU time, with every pass's CPU and wall seconds beside it."""
        best = dict(min(self.passes, key=lambda p: p["cpu_seconds"]))
        best["passes"] = len(self.passes)
        best["cpu_seconds_all"] = [p["cpu_seconds"] for p in self.passes]
        best["wall_seconds_all"] = [p["wall_seconds"] for p in self.passes]
        return best


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# -- the benchmark ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="negotiations for negsim (default: 200)")
    parser.add_argument("--negmas-n", type=int, default=None,
                        help="negotiations for NegMAS, the first of negsim's (default: the same N)")
    parser.add_argument("--seed", type=int, default=2024, help="seed for drawing the instances")
    parser.add_argument("--negmas-python", metavar="PATH",
                        help="Python of an environment with NegMAS 0.16 (e.g. /work/negmas-venv/bin/python)")
    parser.add_argument("--curves", choices=sorted(EXPONENTS), default="negmas",
                        help="negsim's concession exponents: NegMAS's curves (default) or negsim's defaults")
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed passes for each engine, taken in turns with the peer; the best counts")
    parser.add_argument("--laps", type=int, default=25,
                        help="laps over the instances in each of negsim's timed passes, so that a pass lasts about "
                             "as long as one of NegMAS's (default: 25); the figures are per lap")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args(argv)

    instances = make_instances(args.n, args.seed)
    scenarios = [scenario_of(instance, args.curves) for instance in instances]
    warmup = [scenario_of(instance, args.curves) for instance in make_instances(3, args.seed + 1)]
    peer_passes = Peer(args.negmas_python, instances, args.negmas_n) if args.negmas_python else None
    ours = run_negsim(scenarios, warmup, args.repeat, args.laps, between=peer_passes)
    report: dict[str, Any] = {
        "workload": {"parties": 2, "issues": list(SIZES), "packages": int(np.prod(SIZES)), "rounds": ROUNDS,
                     "reservation": list(RESERVATION), "styles": list(STYLES), "curves": args.curves,
                     "exponents": EXPONENTS[args.curves], "seed": args.seed},
        "negsim": {k: v for k, v in ours.items() if k not in ("agreements", "rounds")},
        "negmas": None, "targets": {"ratio": TARGET_RATIO, "agreement_points": TARGET_POINTS},
        "python": platform.python_version(), "numpy": np.__version__,
    }
    report["negsim"]["mean_rounds_to_agreement"] = _mean(
        [r for r, a in zip(ours["rounds"], ours["agreements"], strict=True) if a is not None])

    passed: bool | None = None
    if peer_passes is not None:
        peer = peer_passes.report()
        k = peer["negotiations"]
        mine, theirs = ours["agreements"][:k], peer["agreements"]
        our_rate = sum(a is not None for a in mine) / k
        both = [(i, a, b) for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a is not None and b is not None]
        ratio = ours["negotiations_per_second"] / peer["negotiations_per_second"]
        points = 100.0 * (our_rate - peer["agreement_rate"])
        passed = ratio >= TARGET_RATIO and abs(points) <= TARGET_POINTS
        report["negmas"] = {key: v for key, v in peer.items() if key not in ("agreed", "agreements", "steps")}
        report["negmas"]["mean_rounds_to_agreement"] = _mean(
            [s for s, a in zip(peer["steps"], theirs, strict=True) if a is not None])
        report["comparison"] = {
            "instances": k, "ratio": ratio,
            "wall_ratio": ours["negotiations_per_wall_second"] / peer["negotiations_per_wall_second"],
            "prepared_ratio": ours["prepared_negotiations_per_second"] / peer["negotiations_per_second"],
            "turn_by_turn_ratio": ours["turn_by_turn_negotiations_per_second"] / peer["negotiations_per_second"],
            "negsim_agreement_rate_same_instances": our_rate, "agreement_points": points,
            "same_verdict": sum((a is None) == (b is None) for a, b in zip(mine, theirs, strict=True)),
            "same_package": sum(a == b for _, a, b in both), "both_agreed": len(both),
            "mean_round_difference": _mean([ours["rounds"][i] - peer["steps"][i] for i, _, _ in both]),
            "pass_ratio": ratio >= TARGET_RATIO, "pass_agreement": abs(points) <= TARGET_POINTS,
        }
        report["pass"] = passed

    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    return 0 if passed in (None, True) else 1


def _rate(r: dict[str, Any]) -> str:
    laps = r.get("laps", 1)
    per = f" a lap, best of {r['passes']} passes of {laps} laps" if laps > 1 else f", best of {r['passes']}"
    return (f"{r['negotiations_per_second']:8.1f} negotiations/s  ({r['negotiations']} in {r['cpu_seconds']:.3f} "
            f"CPU s{per}; wall {r['wall_seconds']:.3f} s = {r['negotiations_per_wall_second']:.1f}/s)")


def _print(report: dict[str, Any]) -> None:
    w, ours, peer = report["workload"], report["negsim"], report["negmas"]
    exponents = ", ".join(f"{k} e={v:g}" if v else f"{k} default" for k, v in w["exponents"].items())
    print(f"workload: {w['parties']} parties, issues of {'/'.join(map(str, w['issues']))} values "
          f"({w['packages']} packages), reservations U{tuple(w['reservation'])}, boulware vs conceder "
          f"({w['curves']} curves: {exponents}), {w['rounds']} rounds, seed {w['seed']}")
    mean = ours["mean_rounds_to_agreement"]
    print(f"negsim:        {_rate(ours)}; agreements {ours['agreement_rate']:.1%}"
          + (f", mean {mean:.1f} rounds to agree" if mean is not None else "")
          + f"; {ours['log_entries']:,} log entries kept")
    print(f"  (for information: {ours['prepared_negotiations_per_second']:.1f} negotiations/s when each scenario's "
          "packages and utilities are already prepared, as in a Monte Carlo over one scenario; "
          f"{ours['turn_by_turn_negotiations_per_second']:.1f}/s when every turn is played singly, as with "
          "tit-for-tat or an event between every two turns)")
    if peer is None:
        print("NegMAS peer not run (give --negmas-python PATH)")
        return
    mean = peer["mean_rounds_to_agreement"]
    print(f"NegMAS {peer['version']}: {_rate(peer)}; agreements {peer['agreement_rate']:.1%}"
          + (f", mean {mean:.1f} rounds to agree" if mean is not None else ""))
    c = report["comparison"]
    print(f"speed ratio: {c['ratio']:.1f}x NegMAS in CPU time ({c['wall_ratio']:.1f}x in wall time; "
          f"{c['prepared_ratio']:.1f}x with scenarios prepared; {c['turn_by_turn_ratio']:.1f}x turn by turn) "
          f"(target >= {TARGET_RATIO:.0f}x): "
          f"{'PASS' if c['pass_ratio'] else 'FAIL'}")
    print(f"agreement rate: negsim {c['negsim_agreement_rate_same_instances']:.1%} vs NegMAS "
          f"{peer['agreement_rate']:.1%} on the same {c['instances']} instances: {c['agreement_points']:+.1f} points "
          f"(target within {TARGET_POINTS:.0f}): {'PASS' if c['pass_agreement'] else 'FAIL'}")
    diff = c["mean_round_difference"]
    print(f"same verdict on {c['same_verdict']}/{c['instances']} instances; same agreed package on "
          f"{c['same_package']}/{c['both_agreed']} that both settled"
          + (f"; rounds to agree, negsim minus NegMAS: {diff:+.2f} on average" if diff is not None else ""))
    print("PASS" if report["pass"] else "FAIL")


if __name__ == "__main__":
    sys.exit(main())
