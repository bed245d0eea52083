"""Benchmark: clash/concession-set enumeration and Pareto frontier + Nash point, against targets.

Two parts, one run:

1. **Clash and concession sets.** Synthetic scenarios built through the public schema: 6
   issues of 10 values (10**6 packages), 5 parties with 8 red lines each (40 in all), drawn
   at random from a seed: atoms (``>=``/``<=`` thresholds in each party's direction on ordered
   and integer issues, ``in`` on categorical ones) and compounds (``all``, ``any``,
   ``if``/``then``). Thresholds are tight enough that the ZOPA is empty or small and red
   lines clash. ``holds = CompiledConstraints.check(every package).red_lines == Verdict.HOLDS`` is computed
   once (not timed against the target); then ``negsim.analysis.clashes.enumerate_sets(holds,
   costs, limit=None)`` — every minimal concession set and every minimal clashing set — is
   timed, best of ``--repeat``. ``--clash-scenarios`` scenarios (seeds ``--seed``,
   ``--seed + 1``, ...) are run and every one must finish under 2 s: the time of this
   enumeration varies a lot from one scenario to another, so one seed would say little.
2. **Pareto frontier + Nash point** over 10**6 packages (6 issues of 10 values; ``--bargain-issues``
   for another size; every party has random per-issue value tables and random weights, so
   utilities are linear-additive),
   for 2 and 4 parties, with each party's 25th utility percentile as its reservation value
   (the disagreement point). ``pareto_front(utilities)`` over all 10**6 packages followed by
   ``nash_point(utilities, reservations)`` is timed, best of ``--repeat``. With
   ``--negmas-python PATH`` the peer ``bench/peers/negmas_pareto.py`` runs in that separate
   environment on the same utilities (passed as ``.npz``) and times NegMAS's
   ``pareto_frontier`` + ``nash_points``. NegMAS keeps only rational packages (at or above
   every reserved value) in its frontier, so negsim's frontier is compared after the same
   filter (the frontier of all packages restricted to rational ones *is* the rational
   frontier): they must hold the same utility vectors (rounded to 1e-9), and the Nash
   products must agree. The target is 30x NegMAS's time with mapping ufuns (issue 16); the peer's
   other variants (linear-additive ufuns; its frontier kernel on pre-evaluated points) are
   reported for information. If the peer exceeds ``--peer-timeout`` seconds, it is measured
   again on a seeded random subsample of ``--subsample`` packages, and the output says so.

Run ``python bench/bench_explain.py [--negmas-python /work/negmas-venv/bin/python]``
(``--help`` for options). Exit status 1 if a measured target fails or results disagree.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

import negsim
from negsim.analysis.bargaining import nash_point, pareto_front
from negsim.constraints.check import CompiledConstraints
from negsim.constraints.verdict import Verdict

Floats = npt.NDArray[np.float64]

TARGET_CLASH_SECONDS = 2.0
TARGET_RATIO = 30.0
REPEAT_BUDGET = 10.0  # seconds: stop repeating a measurement once it has used this much
PEER = Path(__file__).resolve().parent / "peers" / "negmas_pareto.py"

# -- part 1: clash and concession sets ---------------------------------------------------

LEVELS = [f"l{k}" for k in range(10)]
CITIES = ["cairo", "doha", "paris", "rome", "oslo", "geneva", "vienna", "amman", "riyadh", "ankara"]
CHAIRS = ["us", "eg", "qa", "un", "eu", "fr", "no", "ch", "jo", "tr"]
ISSUES: list[dict[str, Any]] = [
    {"id": "venue", "name": "Venue", "type": "categorical", "values": CITIES},
    {"id": "chair", "name": "Chair", "type": "categorical", "values": CHAIRS},
    {"id": "border", "name": "Troops on the border", "type": "ordered", "values": LEVELS},
    {"id": "aid", "name": "Aid trucks", "type": "ordered", "values": LEVELS},
    {"id": "hostages", "name": "Hostages released", "type": "integer", "min": 0, "max": 90, "step": 10},
    {"id": "days", "name": "Ceasefire days", "type": "integer", "min": 1, "max": 10},
]
PARTIES = ["alpha", "beta", "gamma", "delta", "epsilon"]
RED_LINES_PER_PARTY = 8
THRESHOLDS = (2, 7)  # a threshold atom rules out between 2 and 7 of an issue's 10 values
KINDS = (("atom", 0.4), ("all", 0.2), ("any", 0.25), ("if", 0.15))


def _domain(issue: dict[str, Any]) -> list[Any]:
    if issue["type"] == "integer":
        return list(range(issue["min"], issue["max"] + 1, issue.get("step", 1)))
    return list(issue["values"])


def _atom(rng: np.random.Generator, direction: npt.NDArray[np.int64]) -> dict[str, Any]:
    """A random atom: a threshold in the party's direction, or a set of allowed categories."""
    j = int(rng.integers(len(ISSUES)))
    issue, domain = ISSUES[j], _domain(ISSUES[j])
    if issue["type"] == "categorical":
        allowed = sorted(rng.choice(len(domain), size=int(rng.integers(5, 9)), replace=False).tolist())
        return {"issue": issue["id"], "op": "in", "value": [domain[v] for v in allowed]}
    cut = int(rng.integers(THRESHOLDS[0], THRESHOLDS[1] + 1))
    if direction[j] > 0:
        return {"issue": issue["id"], "op": ">=", "value": domain[cut]}
    return {"issue": issue["id"], "op": "<=", "value": domain[len(domain) - 1 - cut]}


def clash_scenario_text(seed: int) -> str:
    """A random 40-red-line scenario as YAML, loaded and checked like any scenario file."""
    rng = np.random.default_rng(seed)
    kinds, weights = zip(*KINDS, strict=True)
    parties = []
    for party in PARTIES:
        direction = rng.choice([-1, 1], size=len(ISSUES))  # wants high (+1) or low (-1) values
        red_lines = []
        for r in range(RED_LINES_PER_PARTY):
            kind = str(rng.choice(kinds, p=weights))
            if kind == "atom":
                require: dict[str, Any] = _atom(rng, direction)
            elif kind == "all":
                require = {"all": [_atom(rng, direction), _atom(rng, direction)]}
            elif kind == "any":
                require = {"any": [_atom(rng, direction) for _ in range(int(rng.integers(2, 4)))]}
            else:
                require = {"if": _atom(rng, direction), "then": _atom(rng, direction)}
            red_lines.append({"id": f"rl-{r}", "require": require, "rationale": "benchmark",
                              "source": "assumption"})
        parties.append({"id": party, "name": party.title(), "role": "principal", "red_lines": red_lines})
    data = {"negsim": 1, "id": f"bench-explain-{seed}", "title": "Clash enumeration benchmark",
            "start": "2024-08-12", "issues": ISSUES, "parties": parties}
    return yaml.safe_dump(data, sort_keys=False)


def _best_of(run: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Seconds of each run and the last result; repeats stop once they have used REPEAT_BUDGET."""
    seconds: list[float] = []
    result: Any = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
        if sum(seconds) > REPEAT_BUDGET:
            break
    return seconds, result


def _sizes(sets: tuple[tuple[int, ...], ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for members in sets:
        counts[str(len(members))] = counts.get(str(len(members)), 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: int(kv[0])))


def clash_part(seeds: list[int], repeat: int) -> dict[str, Any]:
    """Time enumerate_sets on each seeded scenario."""
    try:
        from negsim.analysis.clashes import enumerate_sets
    except ImportError:
        return {"available": False}
    runs = []
    for seed in seeds:
        scenario = negsim.loads(clash_scenario_text(seed), f"bench-explain-{seed}.yaml")
        constraints = CompiledConstraints.of(scenario)
        packages = constraints.space.every_package()
        start = time.perf_counter()
        holds = constraints.check(packages).red_lines == Verdict.HOLDS.value
        check_seconds = time.perf_counter() - start
        costs = np.random.default_rng(seed).uniform(0.5, 1.0, holds.shape[0])
        seconds, report = _best_of(lambda h=holds, c=costs: enumerate_sets(h, c, None), repeat)
        runs.append({
            "seed": seed, "packages": int(holds.shape[1]), "red_lines": int(holds.shape[0]),
            "zopa": int(holds.all(axis=0).sum()), "failure_sets": len(report.failures.masks),
            "concession_sets": len(report.concession_sets), "clashing_sets": len(report.clashing_sets),
            "concession_sizes": _sizes(report.concession_sets), "clashing_sizes": _sizes(report.clashing_sets),
            "complete": bool(report.concessions_complete and report.clashes_complete),
            "seconds_best": min(seconds), "seconds_all": seconds, "check_seconds": check_seconds,
        })
    worst = max(r["seconds_best"] for r in runs)
    return {"available": True, "scenarios": runs, "worst_seconds": worst,
            "median_seconds": statistics.median(r["seconds_best"] for r in runs),
            "target_seconds": TARGET_CLASH_SECONDS,
            "pass": worst < TARGET_CLASH_SECONDS and all(r["complete"] for r in runs)}


# -- part 2: Pareto frontier + Nash point ------------------------------------------------

BARGAIN_ISSUES = 6
BARGAIN_VALUES = 10  # values per issue: 10**BARGAIN_ISSUES packages
PARTY_COUNTS = (2, 4)
RESERVATION_QUANTILE = 0.25


def linear_additive(parties: int, seed: int, issues: int = BARGAIN_ISSUES) -> tuple[Floats, Floats, Floats, Floats]:
    """Random linear-additive utilities of every package: (utilities, reservations, tables, weights).

    Utilities are summed issue by issue from 0.0, in the same order as a NegMAS
    ``LinearAdditiveUtilityFunction`` does, so both sides hold bit-identical numbers.
    """
    rng = np.random.default_rng(seed)
    tables = rng.random((parties, issues, BARGAIN_VALUES))
    weights = rng.dirichlet(np.ones(issues), size=parties)
    codes = np.indices((BARGAIN_VALUES,) * issues).reshape(issues, -1)
    utilities = np.zeros((parties, codes.shape[1]))
    for k in range(parties):
        for j in range(issues):
            utilities[k] = utilities[k] + weights[k, j] * tables[k, j][codes[j]]
    reservations = np.quantile(utilities, RESERVATION_QUANTILE, axis=1)
    return utilities, reservations, tables, weights


def _rows(vectors: Floats) -> set[tuple[float, ...]]:
    return {tuple(v) for v in np.round(np.asarray(vectors, dtype=np.float64).reshape(len(vectors), -1), 9).tolist()}


def negsim_bargain(utilities: Floats, reservations: Floats, repeat: int) -> dict[str, Any]:
    """Time pareto_front + nash_point; the frontier's rational part and the Nash product."""
    def run() -> tuple[npt.NDArray[np.intp], int | None]:
        return pareto_front(utilities), nash_point(utilities, reservations)

    run()  # warm up
    seconds, (front, nash) = _best_of(run, repeat)
    rational = front[(utilities[:, front] >= reservations[:, None]).all(axis=0)]
    product = None if nash is None else float(np.prod(utilities[:, nash] - reservations))
    # For information: the same calls on the rational packages only, the input NegMAS's
    # pareto_frontier is left with after its own filter.
    kept = np.ascontiguousarray(utilities[:, (utilities >= reservations[:, None]).all(axis=0)])
    rational_seconds, _ = _best_of(lambda: (pareto_front(kept), nash_point(kept, reservations)), repeat)
    return {"seconds_best": min(seconds), "seconds_all": seconds, "frontier_packages": int(front.size),
            "rational_packages": int(kept.shape[1]), "seconds_rational_only": min(rational_seconds),
            "frontier": utilities[:, front].T, "rational_frontier": utilities[:, rational].T,
            "nash": None if nash is None else utilities[:, nash].tolist(), "nash_product": product}


def run_peer(python: str, utilities: Floats, reservations: Floats, tables: Floats, weights: Floats,
             repeat: int, timeout: float, variants: str) -> dict[str, Any]:
    """Run the NegMAS peer in its own environment; its JSON results, or {'error': ...}."""
    with tempfile.TemporaryDirectory(prefix="bench-explain-") as tmp:
        data, out = Path(tmp) / "utilities.npz", Path(tmp) / "negmas.json"
        np.savez(data, utilities=utilities, reservations=reservations, tables=tables, weights=weights)
        command = [python, str(PEER), str(data), "--out", str(out), "--repeat", str(repeat),
                   "--budget", str(REPEAT_BUDGET), "--variants", variants]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return {"error": "timeout", "timeout": timeout}
        except OSError as error:
            return {"error": str(error)}
        if done.returncode != 0 or not out.exists():
            return {"error": f"exit {done.returncode}: {done.stderr.strip()[-2000:]}"}
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def compare(ours: dict[str, Any], theirs: dict[str, Any], reservations: Floats) -> dict[str, Any]:
    """Frontier sets (rounded to 1e-9) and Nash products of one peer variant against negsim's."""
    mine, peer = _rows(ours["rational_frontier"]), _rows(np.array(theirs["frontier"]))
    products = [float(np.prod(np.array(p) - reservations)) for p in theirs["nash"]]
    peer_product = max(products) if products else None
    nash_equal = (peer_product is not None and ours["nash_product"] is not None
                  and math.isclose(peer_product, ours["nash_product"], rel_tol=1e-9, abs_tol=1e-12))
    return {"seconds_best": theirs["best"], "seconds_all": theirs["seconds"],
            "frontier_points": len(peer), "frontier_equal": mine == peer,
            "only_negsim": len(mine - peer), "only_negmas": len(peer - mine),
            "nash_product": peer_product, "nash_equal": bool(nash_equal),
            "nash_points": len(theirs["nash"]), "ratio": theirs["best"] / ours["seconds_best"]}


def bargain_part(parties: int, args: argparse.Namespace) -> dict[str, Any]:
    """negsim's figures for one party count, and the peer's if asked for."""
    utilities, reservations, tables, weights = linear_additive(parties, args.seed + parties, args.bargain_issues)
    ours = negsim_bargain(utilities, reservations, args.repeat)
    case: dict[str, Any] = {
        "parties": parties, "packages": int(utilities.shape[1]),
        "negsim": {k: v for k, v in ours.items() if k not in ("frontier", "rational_frontier")}
        | {"rational_frontier_points": len(_rows(ours["rational_frontier"]))},
    }
    if not args.negmas_python:
        return case
    peer = run_peer(args.negmas_python, utilities, reservations, tables, weights, args.repeat,
                    args.peer_timeout, "mapping,linear_additive,points")
    scope = {"packages": int(utilities.shape[1]), "subsample": False}
    if peer.get("error") == "timeout":
        # Too slow on every package: measure both sides again on a seeded random subsample.
        pick = np.sort(np.random.default_rng(args.seed).choice(utilities.shape[1], args.subsample, replace=False))
        utilities = np.ascontiguousarray(utilities[:, pick])
        ours = negsim_bargain(utilities, reservations, args.repeat)
        peer = run_peer(args.negmas_python, utilities, reservations, tables, weights, args.repeat,
                        args.peer_timeout, "mapping,points")
        scope = {"packages": int(utilities.shape[1]), "subsample": True,
                 "reason": f"NegMAS took over {args.peer_timeout:.0f} s on all packages"}
        case["negsim_on_subsample"] = {k: v for k, v in ours.items() if k not in ("frontier", "rational_frontier")}
    if "error" in peer:
        case["peer"] = {"error": peer["error"]} | scope
        return case
    variants = {name: compare(ours, result, reservations) for name, result in peer["variants"].items()}
    main = variants["mapping"]
    case["peer"] = scope | {
        "negmas": peer["negmas"], "variants": variants,
        "agree": all(v["frontier_equal"] and v["nash_equal"] for v in variants.values()),
        "pass": main["ratio"] >= TARGET_RATIO and main["frontier_equal"] and main["nash_equal"],
    }
    return case


# -- output ------------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _times(ratio: float) -> str:
    return f"negsim {ratio:.1f}x faster" if ratio >= 1 else f"negsim {1 / ratio:.1f}x SLOWER"


def print_report(report: dict[str, Any]) -> None:
    """Human-readable lines."""
    print(f"bench_explain: python {report['python']}, numpy {report['numpy']}, negsim {report['negsim']}; "
          f"{report['cpus']} CPUs, load average {report['load_average']:.2f} at start")
    clash = report["clash"]
    print()
    if not clash["available"]:
        print("clash enumeration: not available yet")
    else:
        first = clash["scenarios"][0]
        print(f"== clash and concession sets: {first['red_lines']} red lines x {first['packages']:,} packages "
              f"({len(PARTIES)} parties, {len(ISSUES)} issues of 10 values), enumerate_sets(limit=None)")
        print(f"{'seed':>6} {'zopa':>5} {'failure sets':>12} {'concession':>10} {'clashing':>8} {'complete':>8} "
              f"{'check s':>8} {'enumerate s':>12}")
        for r in clash["scenarios"]:
            print(f"{r['seed']:>6} {r['zopa']:>5} {r['failure_sets']:>12,} {r['concession_sets']:>10,} "
                  f"{r['clashing_sets']:>8,} {'yes' if r['complete'] else 'NO':>8} {r['check_seconds']:>8.3f} "
                  f"{r['seconds_best']:>12.3f}")
        print("(enumerate s: best of up to --repeat runs; check s: CompiledConstraints.check of every package, untimed "
              "against the target)")
        print(f"enumeration: median {clash['median_seconds']:.3f} s, worst {clash['worst_seconds']:.3f} s over "
              f"{len(clash['scenarios'])} scenario(s)")
        print(f"target < {TARGET_CLASH_SECONDS:.0f} s in every scenario: {_verdict(clash['pass'])}")
    for case in report["bargaining"]:
        ours = case["negsim"]
        print()
        print(f"== Pareto frontier + Nash point: {case['parties']} parties x {case['packages']:,} packages "
              f"(linear-additive, reservation = {RESERVATION_QUANTILE:.0%} quantile)")
        print(f"negsim pareto_front + nash_point: {ours['seconds_best']:.4f} s (best of {len(ours['seconds_all'])}); "
              f"frontier {ours['frontier_packages']:,} packages, {ours['rational_frontier_points']:,} distinct "
              f"rational points; Nash product {ours['nash_product']:.9g}")
        print(f"  (for information: {ours['rational_packages']:,} packages are rational, at or above every "
              f"reservation; negsim on those only: {ours['seconds_rational_only']:.4f} s)")
        peer = case.get("peer")
        if peer is None:
            continue
        if "error" in peer:
            print(f"NegMAS peer failed: {peer['error']}")
            continue
        if peer["subsample"]:
            sub = case["negsim_on_subsample"]
            print(f"NOTE: {peer['reason']}; both measured on a seeded random subsample of {peer['packages']:,} "
                  f"packages (negsim there: {sub['seconds_best']:.4f} s)")
        labels = {"mapping": "pareto_frontier + nash_points, mapping ufuns (target)",
                  "linear_additive": "pareto_frontier + nash_points, linear-additive ufuns",
                  "points": "pareto_frontier_active on evaluated points + nash_points"}
        for name, v in peer["variants"].items():
            print(f"NegMAS {peer['negmas']} {labels.get(name, name)}: {v['seconds_best']:.4f} s "
                  f"(best of {len(v['seconds_all'])}), {_times(v['ratio'])}; frontier "
                  f"{'equal' if v['frontier_equal'] else 'DIFFERENT'} ({v['frontier_points']:,} points"
                  + ("" if v["frontier_equal"] else f"; {v['only_negsim']} only in negsim, "
                     f"{v['only_negmas']} only in NegMAS") + "); Nash product "
                  f"{'equal' if v['nash_equal'] else 'DIFFERENT'}")
        main = peer["variants"]["mapping"]
        print(f"target >= {TARGET_RATIO:.0f}x NegMAS with equal results: {_verdict(peer['pass'])} "
              f"({main['ratio']:.1f}x)")
    if not report["peer_run"]:
        print()
        print("NegMAS peer not run (pass --negmas-python PATH, e.g. /work/negmas-venv/bin/python, to compare)")
    print()
    print(f"overall: {_verdict(report['pass'])} (of the targets measured in this run)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--negmas-python", metavar="PATH", default=None,
                        help="python of a separate environment with negmas==0.16.0 installed (the peer)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each measurement (best is kept)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the synthetic scenarios and utilities")
    parser.add_argument("--clash-scenarios", type=int, default=5,
                        help="number of seeded 40-red-line scenarios to enumerate (seeds --seed, --seed+1, ...)")
    parser.add_argument("--peer-timeout", type=float, default=300.0,
                        help="seconds before giving up on NegMAS over all packages and using a subsample")
    parser.add_argument("--subsample", type=int, default=10_000, help="packages in that subsample")
    parser.add_argument("--bargain-issues", type=int, default=BARGAIN_ISSUES,
                        help=f"issues of 10 values in part 2 (default {BARGAIN_ISSUES}: 10**{BARGAIN_ISSUES} packages)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args(argv)

    load = os.getloadavg()[0]
    clash = clash_part([args.seed + k for k in range(max(1, args.clash_scenarios))], args.repeat)
    bargaining = [bargain_part(parties, args) for parties in PARTY_COUNTS]
    verdicts = [clash["pass"]] if clash["available"] else []
    for case in bargaining:
        if "peer" in case:
            verdicts.append(bool(case["peer"].get("pass", False)) and bool(case["peer"].get("agree", False)))
    report = {
        "clash": clash, "bargaining": bargaining, "peer_run": bool(args.negmas_python),
        "targets": {"clash_seconds": TARGET_CLASH_SECONDS, "ratio_vs_negmas": TARGET_RATIO},
        "pass": all(verdicts), "python": platform.python_version(), "numpy": np.__version__,
        "negsim": negsim.__version__, "cpus": os.cpu_count(), "load_average": load,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
