"""Benchmark: explain, clash enumeration and runs as the outcome space grows, against the targets of issue 16.

Five parts, one run:

1. **Explain at 10**6, 10**9 and 10**12 packages**: synthetic scenarios of 6, 9 and 12 issues of
   10 values, 4 parties with preferences (random weights and value tables, walk-away values at
   ``--walk-away``) and 10 red lines each (40 in all), drawn from a seed: thresholds in each
   party's direction, sets of categories, ``all``/``any``/``if`` of two. ``explain(method="auto")``
   with ``max_sets=10`` runs in a fresh process per size (its peak resident memory is that
   process's), so the size that is listed is listed and the others go to the solver. At 10**6
   the same scenario is also explained by the solver in another process, and the answers (ZOPA
   empty or not, clashing sets, concession sets, completeness) must be equal.
2. **Clash enumeration at 60 red lines over 10**6 packages** (``bench_explain``'s scenarios with
   12 red lines per party): ``enumerate_sets`` with limit 10 and limit 1 on ``--clash-scenarios``
   seeds; the constraint solver's import (about 0.7 s, once per process) is made before timing.

   The answers compared include the Nash, Kalai-Smorodinsky and maximum-welfare packages. With 40
   red lines the ZOPA is empty, so the size is run again with ``--points-red-lines`` (3) red lines
   a party, where it is not and the reference points are searched for.

3. **Mediated runs at 10**6 packages** (``drawn_scenario``, seeds 0 to ``--mediated-seeds`` - 1:
   6 issues of 10 values, 4 principals and a mediator, ``max_rounds: 200``), with 4 red lines a
   principal (no ZOPA), with 2 (on some seeds a deal) and with none (rankings of nearly every
   package), one replication in a fresh process each: seconds, peak memory, rounds, drafts. The
   memory a run took above what its process held before, a package, must not exceed
   ``run_bytes_per_package``, the estimate by which a run is refused before it allocates. Each
   scenario is also run through the solver (``--method solver``, another process): the same
   outcome and log, byte for byte (a digest of both).
4. **Alternating runs at 10**6 packages whose parties may each rank every package** (no red
   lines, walk-away values 0, 2 seeds): the same memory check, on the largest rankings.
5. **Mediated runs at 10**9 packages through the solver** (the talks of part 3 with 9 issues,
   seeds 0 to ``--solved-seeds`` - 1, each number of red lines): seconds and peak memory, and the
   engine's invariants checked from the scenario's data (:func:`invariants_broken`).

Targets: explain under 5 s and 1 GB at every size; every mediated run under 1 s and 300 MB, and
the same run through the solver; clash enumeration under 2 s (limit 10) and under 1 s (limit 1)
on every seed; every run of parts 3 and 4 within the memory estimate it was admitted by; every
run of part 5 under 30 s and meeting the invariants.
Run ``python bench/bench_scale.py`` (``--help`` for options). Exit status 1 if a target fails or
the two methods disagree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

TARGET_EXPLAIN_SECONDS = 5.0
TARGET_EXPLAIN_BYTES = 10**9
TARGET_CLASH_SECONDS = {10: 2.0, 1: 1.0}
TARGET_MEDIATED_SECONDS = 1.0
TARGET_MEDIATED_BYTES = 300 * 10**6
TARGET_SOLVED_SECONDS = 30.0
MEDIATED_RED_LINES = (4, 2, 0)
"""Red lines a principal in the mediated runs: with 4 each no package meets them all; with 2, on some seeds one
does; with none, most packages are acceptable to every party (their rankings are nearly the whole space)."""
SIZES = {6: "10^6", 9: "10^9", 12: "10^12"}
PARTIES = ("alpha", "beta", "gamma", "delta")
RED_LINES_PER_PARTY = 10
HERE = Path(__file__).resolve().parent


def peak_bytes() -> int:
    """This process's peak resident memory since it started.

    Linux's ``ru_maxrss`` survives ``exec``: a child started by a process of 400 MB reports at
    least that, whatever it used itself. The peak of the process's own memory (``VmHWM``) does
    not; elsewhere, ``ru_maxrss``.
    """
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def scale_scenario_text(issues: int, seed: int, walk_away: float, per_party: int = RED_LINES_PER_PARTY) -> str:
    """A random scenario of ``issues`` issues of 10 values, 4 parties of ``per_party`` red lines each, as YAML."""
    rng = np.random.default_rng(seed)
    specs: list[dict[str, Any]] = []
    for j in range(issues):
        if j % 3 == 0:
            specs.append({"id": f"i{j}", "name": f"Issue {j}", "type": "categorical",
                          "values": [f"c{k}" for k in range(10)]})
        else:
            specs.append({"id": f"i{j}", "name": f"Issue {j}", "type": "ordered",
                          "values": [f"l{k}" for k in range(10)]})

    def atom(direction: np.ndarray) -> dict[str, Any]:
        j = int(rng.integers(issues))
        values = specs[j]["values"]
        if specs[j]["type"] == "categorical":
            allowed = sorted(rng.choice(10, size=int(rng.integers(5, 9)), replace=False).tolist())
            return {"issue": f"i{j}", "op": "in", "value": [values[v] for v in allowed]}
        cut = int(rng.integers(2, 7))
        return ({"issue": f"i{j}", "op": ">=", "value": values[cut]} if direction[j] > 0
                else {"issue": f"i{j}", "op": "<=", "value": values[9 - cut]})

    parties = []
    for party in PARTIES:
        direction = rng.choice([-1, 1], size=issues)
        red_lines = []
        for r in range(per_party):
            kind = str(rng.choice(["atom", "all", "any", "if"], p=[0.4, 0.2, 0.25, 0.15]))
            if kind == "atom":
                require: dict[str, Any] = atom(direction)
            elif kind in ("all", "any"):
                require = {kind: [atom(direction), atom(direction)]}
            else:
                require = {"if": atom(direction), "then": atom(direction)}
            red_lines.append({"id": f"rl-{r}", "require": require, "rationale": "benchmark", "source": "assumption"})
        values = {}
        for j, spec in enumerate(specs):
            ranks = np.linspace(0, 1, 10)
            if spec["type"] == "categorical":
                ranks = rng.permutation(ranks)
            elif direction[j] < 0:
                ranks = ranks[::-1]
            values[spec["id"]] = {v: round(float(u), 3) for v, u in zip(spec["values"], ranks, strict=True)}
        weights = {spec["id"]: int(rng.integers(1, 6)) for spec in specs}
        parties.append({"id": party, "name": party.title(), "role": "principal", "red_lines": red_lines,
                        "preferences": {"weights": weights, "values": values, "reservation": walk_away}})
    data = {"negsim": 1, "id": f"bench-scale-{issues}-{seed}", "title": "Scale benchmark", "start": "2024-08-12",
            "issues": specs, "parties": parties}
    return yaml.safe_dump(data, sort_keys=False)


def one(issues: int, seed: int, walk_away: float, method: str, red_lines: int) -> dict[str, Any]:
    """Explain one scenario in this process; seconds, peak memory and the answers."""
    import negsim
    from negsim.analysis.explain import explain

    scenario = negsim.loads(scale_scenario_text(issues, seed, walk_away, red_lines), f"scale-{issues}.yaml")
    start = time.perf_counter()
    result = explain(scenario, max_sets=10, method=method)
    seconds = time.perf_counter() - start
    return {"issues": issues, "method": result.method, "seconds": seconds,
            "peak_bytes": peak_bytes(),
            "zopa_empty": result.zopa.empty, "clashing_sets": [list(s) for s in result.clashing_sets],
            "clashes_complete": result.clashes_complete,
            "concession_sets": [list(c.refs) for c in result.concessions],
            "concessions_complete": result.concessions_complete,
            "points": {name: None if point is None else point.terms for name, point in (
                ("nash", result.reference.nash), ("kalai_smorodinsky", result.reference.kalai_smorodinsky),
                ("max_welfare", result.reference.max_welfare))}}


def in_process(issues: int, seed: int, walk_away: float, method: str, red_lines: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--one", str(issues), str(seed), str(walk_away), method,
                          str(red_lines)], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def same_answers(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("zopa_empty", "clashing_sets", "clashes_complete", "concession_sets", "concessions_complete", "points")
    return all(a[k] == b[k] for k in keys)


def explain_part(seed: int, walk_away: float, red_lines: int) -> dict[str, Any]:
    runs = []
    for issues, label in SIZES.items():
        found = in_process(issues, seed, walk_away, "auto", red_lines)
        found["packages"] = label
        if issues == 6:
            solver = in_process(issues, seed, walk_away, "solver", red_lines)
            found["solver_seconds"], found["solver_peak_bytes"] = solver["seconds"], solver["peak_bytes"]
            found["solver_agrees"] = same_answers(found, solver)
        found["pass"] = (found["seconds"] < TARGET_EXPLAIN_SECONDS and found["peak_bytes"] < TARGET_EXPLAIN_BYTES
                         and found.get("solver_agrees", True))
        runs.append(found)
        print(f"  {label:>6} packages: {found['method']:<9} {found['seconds']:6.2f} s  "
              f"{found['peak_bytes'] / 1e6:6.0f} MB  ZOPA {'empty' if found['zopa_empty'] else 'found'}, "
              f"{len(found['clashing_sets'])} clashing sets ({'complete' if found['clashes_complete'] else 'more'}), "
              f"{len(found['concession_sets'])} concession sets, Nash "
              f"{'none' if found['points']['nash'] is None else 'found'}"
              + (f"; solver {found['solver_seconds']:.2f} s {found['solver_peak_bytes'] / 1e6:.0f} MB, "
                 f"{'same answers' if found['solver_agrees'] else 'DIFFERENT answers'}" if issues == 6 else "")
              + ("" if found["pass"] else "  FAIL"), flush=True)
    return {"runs": runs, "pass": all(r["pass"] for r in runs)}


def one_mediated(issues: int, seed: int, red_lines: int, mediated: bool = True,
                 method: str = "auto") -> dict[str, Any]:
    """One replication in this process: 4 principals, a mediator, up to 200 rounds; seconds, peak, rounds.

    Not ``mediated``: alternating offers without a mediator, and every party's walk-away value 0,
    so that each may rank every package (the largest rankings a run can hold). ``method``: the
    run's (``auto`` lists 10**6 packages and asks the solver at 10**9). With the figures, a digest
    of the outcome and log (to compare two methods' runs) and whether the run meets the engine's
    invariants (:func:`invariants_broken`).
    """
    from negsim.constraints.space import run_bytes_per_package
    from negsim.experiments.replicate import replication_rng
    from negsim.scenario.model import Scenario
    from negsim.simulation.talks import run

    data = mediated_data(issues, seed, red_lines, mediated)
    scenario = Scenario.model_validate(data)
    before = peak_bytes()
    start = time.perf_counter()
    outcome, log = run(scenario, rng=replication_rng(0, 0), time_limit=None, method=method)
    seconds, peak = time.perf_counter() - start, peak_bytes()
    digest = hashlib.sha256((json.dumps(outcome.to_dict(), sort_keys=True) + log.jsonl()).encode()).hexdigest()
    return {"issues": issues, "seed": seed, "red_lines": red_lines, "method": method, "seconds": seconds,
            "rounds": outcome.rounds, "drafts": outcome.drafts, "agreed": outcome.agreed, "ending": outcome.ending,
            "peak_bytes": peak, "run_bytes_per_package": (peak - before) / 10**issues,
            "estimated_bytes_per_package": run_bytes_per_package(scenario), "digest": digest,
            "broken": invariants_broken(data, outcome) if method == "solver" or issues > 6 else []}


def mediated_data(issues: int, seed: int, red_lines: int, mediated: bool = True) -> dict[str, Any]:
    """The scenario of a run of parts 3 to 5, as data."""
    sys.path.insert(0, str(HERE))
    from drawn_scenario import drawn_scenario

    data = drawn_scenario(seed=seed, issues=issues, values=10, parties=4, red_lines=red_lines, mediated=mediated)
    data["talks"] = {"protocol": "mediated" if mediated else "alternating", "max_rounds": 200,
                     "deliberation_days": 0.01}
    data["horizon_days"] = 365
    for party in data["parties"] if not mediated else ():
        if "preferences" in party:
            party["preferences"]["reservation"] = 0.0
    return data


def invariants_broken(data: dict[str, Any], outcome: Any) -> list[str]:
    """The engine's invariants a run's outcome breaks, checked from the scenario's data (empty: none).

    A deal meets every red line in force at its end (each evaluated here from the data, at the
    version the outcome records) and every walk-away value (utilities summed here from the data);
    a run that ends for want of a ZOPA has none, and one that ends with a deal possible has one
    (``explain`` through the solver, on the red lines and walk-away values in force at the end).
    """
    from negsim.analysis.explain import explain
    from negsim.scenario.model import Scenario

    in_force = active_red_lines(data, outcome.versions)
    broken = []
    if outcome.agreed:
        terms = outcome.package
        broken += [f"the deal breaks {ref}" for ref, require in in_force.items() if not condition_holds(require, terms)]
        for party in data["parties"]:
            prefs = party.get("preferences")
            if prefs is not None:
                total = sum(prefs["weights"].values())
                worth = sum(w / total * prefs["values"][i][terms[i]] for i, w in prefs["weights"].items())
                if worth < outcome.walk_aways[party["id"]] - 1e-9:
                    broken.append(f"the deal is below {party['id']}'s walk-away value")
    elif outcome.ending in ("no-zopa", "not-reached"):
        final = json.loads(json.dumps(data))
        for party in final["parties"]:
            party["red_lines"] = [{**line, "require": in_force[f"{party['id']}/{line['id']}"], "versions": []}
                                  for line in party.get("red_lines", []) if f"{party['id']}/{line['id']}" in in_force]
            if "preferences" in party:
                party["preferences"]["reservation"] = outcome.walk_aways[party["id"]]
        empty = explain(Scenario.model_validate(final), method="solver", max_sets=1).zopa.empty
        if empty != (outcome.ending == "no-zopa"):
            broken.append(f"the run ended '{outcome.ending}' where explain finds the ZOPA "
                          + ("empty" if empty else "not empty"))
    return broken


def active_red_lines(data: dict[str, Any], versions: dict[str, str | None]) -> dict[str, dict[str, Any]]:
    """Each red line in force at the end of a run, by ref: the condition of the version it had then."""
    found = {}
    for party in data["parties"]:
        for line in party.get("red_lines", []):
            ref = f"{party['id']}/{line['id']}"
            version = versions.get(ref, "stated")
            if version == "stated":
                found[ref] = line["require"]
            elif version is not None:
                chosen = next(v for v in line["versions"] if v["id"] == version)
                if chosen.get("require") is not None:
                    found[ref] = chosen["require"]
    return found


def condition_holds(require: dict[str, Any], terms: dict[str, Any]) -> bool:
    """A drawn red line's condition (a threshold on an ordered issue of values v0, v1, ...) on a deal's terms."""
    value, bound = int(terms[require["issue"]][1:]), int(require["value"][1:])
    return {">=": value >= bound, "<=": value <= bound}[require["op"]]


def run_apart(flag: str, seed: int, red_lines: int, issues: int = 6, method: str = "auto") -> dict[str, Any]:
    """One run of :func:`one_mediated` in a fresh process (``flag``: ``--one-mediated`` or ``--one-alternating``)."""
    out = subprocess.run([sys.executable, __file__, flag, str(issues), str(seed), str(red_lines), "--method", method],
                         capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def measured(found: dict[str, Any]) -> str:
    """A run's seconds and memory as the parts print them."""
    return (f"{found['seconds']:.2f} s, {found['peak_bytes'] / 1e6:.0f} MB ({found['run_bytes_per_package']:.0f} B "
            f"a package, {found['estimated_bytes_per_package']} estimated), {found['rounds']} rounds")


def estimate_holds(runs: list[dict[str, Any]]) -> tuple[bool, str]:
    """Whether no run took more memory a package than the estimate it was admitted by, and that in words."""
    under = sum(1 for r in runs if r["run_bytes_per_package"] > r["estimated_bytes_per_package"])
    return not under, f"below what {under} runs took" if under else "at or above what every run took"


def mediated_part(seeds: list[int]) -> dict[str, Any]:
    """Item 3 of issue 16: mediated runs of 4 principals at 10**6 packages, each in a fresh process.

    With 4 red lines a principal no package meets them all; with 2, some seeds leave a ZOPA and
    their talks end in a deal; with none, every principal ranks nearly every package.
    """
    runs, differ = [], 0
    for red_lines in MEDIATED_RED_LINES:
        for seed in seeds:
            found = run_apart("--one-mediated", seed, red_lines)
            solved = run_apart("--one-mediated", seed, red_lines, method="solver")
            runs.append(found)
            same = solved["digest"] == found["digest"] and not solved["broken"]
            differ += not same
            print(f"  seed {seed}, {red_lines} red lines a principal: {measured(found)}, {found['drafts']} drafts, "
                  f"{'a deal' if found['agreed'] else 'no deal'}; through the solver {solved['seconds']:.2f} s, "
                  + ("the same run" if same else f"A DIFFERENT RUN {solved['broken']}"), flush=True)
    worst_seconds = max(r["seconds"] for r in runs)
    worst_bytes = max(r["peak_bytes"] for r in runs)
    held, estimate = estimate_holds(runs)
    passed = worst_seconds < TARGET_MEDIATED_SECONDS and worst_bytes < TARGET_MEDIATED_BYTES and held and not differ
    print(f"  worst: {worst_seconds:.2f} s, {worst_bytes / 1e6:.0f} MB (target {TARGET_MEDIATED_SECONDS:g} s and "
          f"{TARGET_MEDIATED_BYTES / 1e6:.0f} MB for up to 200 rounds); the memory estimate of a run {estimate}; "
          f"{len(runs) - differ} of {len(runs)} runs the same through the solver"
          + ("" if passed else "  FAIL"), flush=True)
    return {"runs": runs, "pass": passed}


def solved_part(seeds: list[int]) -> dict[str, Any]:
    """Item 3 of issue 16 at 10**9 packages: the same mediated talks (9 issues) through the solver, fresh processes.

    Each run must take under :data:`TARGET_SOLVED_SECONDS` and meet the engine's invariants
    (:func:`invariants_broken`).
    """
    runs = []
    for red_lines in MEDIATED_RED_LINES:
        for seed in seeds:
            found = run_apart("--one-mediated", seed, red_lines, issues=9)
            runs.append(found)
            print(f"  seed {seed}, {red_lines} red lines a principal: {found['seconds']:.2f} s, "
                  f"{found['peak_bytes'] / 1e6:.0f} MB, {found['rounds']} rounds, {found['drafts']} drafts, "
                  f"{found['ending']}; invariants " + ("met" if not found["broken"] else f"BROKEN {found['broken']}"),
                  flush=True)
    worst = max(r["seconds"] for r in runs)
    broken = sum(1 for r in runs if r["broken"])
    passed = worst < TARGET_SOLVED_SECONDS and not broken
    print(f"  worst: {worst:.2f} s, {max(r['peak_bytes'] for r in runs) / 1e6:.0f} MB (target "
          f"{TARGET_SOLVED_SECONDS:g} s); {len(runs) - broken} of {len(runs)} runs meet the invariants"
          + ("" if passed else "  FAIL"), flush=True)
    return {"runs": runs, "pass": passed}


def alternating_part(seeds: list[int]) -> dict[str, Any]:
    """Item 4 of issue 16: the memory estimate against runs whose parties may each rank every package.

    Alternating offers at 10**6 packages, 4 parties with walk-away values 0 and no red lines, each
    in a fresh process: the memory a run took above what its process held before, a package, must
    not exceed ``run_bytes_per_package``. Their time is shown, not judged (the issue's time target
    is for mediated runs).
    """
    runs = []
    for seed in seeds:
        found = run_apart("--one-alternating", seed, 0)
        runs.append(found)
        print(f"  seed {seed}: {measured(found)}, {'a deal' if found['agreed'] else 'no deal'}", flush=True)
    held, estimate = estimate_holds(runs)
    print(f"  the memory estimate of a run {estimate}" + ("" if held else "  FAIL"), flush=True)
    return {"runs": runs, "pass": held}


def clash_part(seeds: list[int]) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import bench_explain

    import negsim
    from negsim.analysis import hitting_sets
    from negsim.analysis.clashes import enumerate_sets
    from negsim.constraints.check import CompiledConstraints
    from negsim.constraints.verdict import Verdict

    hitting_sets.HittingSetSearch(1)  # the solver's import, once, before timing
    bench_explain.RED_LINES_PER_PARTY = 12
    runs = []
    for seed in seeds:
        scenario = negsim.loads(bench_explain.clash_scenario_text(seed), f"clash-{seed}.yaml")
        constraints = CompiledConstraints.of(scenario)
        holds = constraints.check(constraints.space.every_package()).red_lines == Verdict.HOLDS.value
        costs = np.random.default_rng(seed).uniform(0.5, 1.0, holds.shape[0])
        row: dict[str, Any] = {"seed": seed}
        for limit in TARGET_CLASH_SECONDS:
            start = time.perf_counter()
            report = enumerate_sets(holds, costs, limit)
            row[f"seconds_{limit}"] = time.perf_counter() - start
            row[f"clashing_{limit}"] = len(report.clashing_sets)
        runs.append(row)
    worst = {limit: max(r[f"seconds_{limit}"] for r in runs) for limit in TARGET_CLASH_SECONDS}
    return {"runs": runs, "worst": worst,
            "pass": all(worst[k] < TARGET_CLASH_SECONDS[k] for k in TARGET_CLASH_SECONDS)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--walk-away", type=float, default=0.45)
    parser.add_argument("--clash-scenarios", type=int, default=20)
    parser.add_argument("--points-red-lines", type=int, default=3,
                        help="red lines per party in the second explain run, few enough for a ZOPA (default 3)")
    parser.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--mediated-seeds", type=int, default=6,
                        help="mediated runs per number of red lines a principal (default 6)")
    parser.add_argument("--solved-seeds", type=int, default=3,
                        help="runs at 10^9 packages through the solver per number of red lines a principal (default 3)")
    parser.add_argument("--one-mediated", nargs=3, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-alternating", nargs=3, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--method", default="auto", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one_mediated or args.one_alternating:
        print(json.dumps(one_mediated(*(args.one_mediated or args.one_alternating), bool(args.one_mediated),
                                      args.method)))
        return 0
    if args.one:
        issues, seed, walk_away, method, red_lines = args.one
        print(json.dumps(one(int(issues), int(seed), float(walk_away), method, int(red_lines))))
        return 0
    print(f"explain, 4 parties, 40 red lines, walk-away values {args.walk_away} (seed {args.seed}):")
    explained = explain_part(args.seed, args.walk_away, RED_LINES_PER_PARTY)
    print(f"explain, 4 parties, {4 * args.points_red_lines} red lines (a ZOPA to find the reference points in), "
          f"walk-away values {args.walk_away} (seed {args.seed}):")
    pointed = explain_part(args.seed, args.walk_away, args.points_red_lines)
    print(f"clash enumeration, 60 red lines over 10^6 packages, {args.clash_scenarios} seeds:")
    clashes = clash_part(list(range(args.clash_scenarios)))
    for limit, worst in clashes["worst"].items():
        print(f"  limit {limit:>2}: worst {worst:.2f} s (target {TARGET_CLASH_SECONDS[limit]:g} s)")
    print(f"mediated runs at 10^6 packages, 4 principals and a mediator, up to 200 rounds "
          f"({args.mediated_seeds} seeds):")
    mediated = mediated_part(list(range(args.mediated_seeds)))
    print("alternating runs at 10^6 packages, 4 parties who may each rank every package (2 seeds):")
    alternating = alternating_part([0, 1])
    print(f"mediated runs at 10^9 packages through the solver, the same talks with 9 issues "
          f"({args.solved_seeds} seeds):")
    solved = solved_part(list(range(args.solved_seeds)))
    ok = explained["pass"] and pointed["pass"] and clashes["pass"] and mediated["pass"] and alternating["pass"] \
        and solved["pass"]
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
