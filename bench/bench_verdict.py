"""Benchmark: red-line checks per second, vectorised ``Constraints.check`` against a plain loop.

A synthetic scenario (6 issues of 10 values each, so 10**6 packages; 5 parties; 20 red
lines mixing atoms, compound conditions, named conditions, if/then and conditional
``when`` red lines) is built through the public schema. Every package is checked with
:meth:`negsim.constraints.check.Constraints.check` (best of ``--repeat`` runs) and with a plain Python
loop over tuples of codes, one red line at a time, whose verdicts must agree.
``checks = packages x red lines``.

Run ``python bench/bench_verdict.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from typing import Any

import numpy as np
import yaml

import negsim
from negsim.constraints.check import CompiledConstraints

TARGET_CHECKS_PER_SECOND = 50e6
TARGET_RATIO = 50.0
HOLDS = 2

LEVELS = [f"l{k}" for k in range(10)]
CITIES = ["cairo", "doha", "paris", "rome", "oslo", "geneva", "vienna", "amman", "riyadh", "ankara"]
CHAIRS = ["us", "eg", "qa", "un", "eu", "fr", "no", "ch", "jo", "tr"]
AID = ["none", "token", "minimal", "limited", "partial", "moderate", "substantial", "large", "full", "unlimited"]

ISSUES: list[dict[str, Any]] = [
    {"id": "venue", "name": "Venue", "type": "categorical", "values": CITIES},
    {"id": "chair", "name": "Chair", "type": "categorical", "values": CHAIRS},
    {"id": "border", "name": "Troops on the border", "type": "ordered", "values": LEVELS},
    {"id": "aid", "name": "Aid trucks", "type": "ordered", "values": AID},
    {"id": "hostages", "name": "Hostages released", "type": "integer", "min": 0, "max": 90, "step": 10},
    {"id": "days", "name": "Ceasefire days", "type": "integer", "min": 1, "max": 10},
]

CONDITIONS: dict[str, Any] = {
    "strong-ceasefire": {"all": [{"issue": "border", "op": "<=", "value": "l3"},
                                 {"issue": "days", "op": ">=", "value": 6}]},
    "aid-flowing": {"any": [{"issue": "aid", "op": ">=", "value": "moderate"},
                            {"issue": "venue", "op": "in", "value": ["cairo", "amman"]}]},
    "neutral-chair": {"issue": "chair", "op": "in", "value": ["un", "no", "ch"]},
}


def _atom(issue: str, op: str, value: Any) -> dict[str, Any]:
    return {"issue": issue, "op": op, "value": value}


# Four red lines per party: (require, when) pairs.
RED_LINES: dict[str, list[tuple[dict[str, Any], dict[str, Any] | None]]] = {
    "alpha": [
        (_atom("border", "<=", "l7"), None),
        ({"all": [_atom("hostages", ">=", 20), {"not": _atom("venue", "==", "paris")}]}, None),
        (_atom("aid", ">=", "limited"), _atom("days", ">", 3)),
        ({"if": {"condition": "strong-ceasefire"}, "then": _atom("hostages", ">=", 40)}, None),
    ],
    "beta": [
        (_atom("chair", "!=", "us"), None),
        ({"any": [_atom("border", "<", "l5"), _atom("days", "<=", 4)]}, None),
        ({"condition": "aid-flowing"}, _atom("hostages", ">", 50)),
        ({"not": {"all": [_atom("venue", "in", ["riyadh", "ankara"]), _atom("chair", "==", "tr")]}}, None),
    ],
    "gamma": [
        (_atom("venue", "not in", ["oslo", "vienna"]), None),
        ({"condition": "neutral-chair"}, _atom("border", ">=", "l8")),
        ({"all": [_atom("aid", "<=", "large"), {"any": [_atom("days", ">=", 2), _atom("hostages", "==", 0)]}]},
         None),
        ({"if": _atom("chair", "in", ["eg", "qa"]), "then": _atom("venue", "in", ["cairo", "doha"])}, None),
    ],
    "delta": [
        (_atom("hostages", "<=", 80), None),
        ({"any": [{"condition": "strong-ceasefire"}, {"condition": "aid-flowing"}]}, None),
        (_atom("days", "<", 10), _atom("aid", "==", "unlimited")),
        ({"all": [{"not": _atom("border", "==", "l9")}, _atom("chair", "not in", ["fr"])]},
         {"any": [_atom("venue", "==", "geneva"), _atom("days", ">=", 9)]}),
    ],
    "epsilon": [
        (_atom("aid", "!=", "none"), None),
        ({"if": _atom("border", ">", "l6"), "then": {"not": {"condition": "neutral-chair"}}}, None),
        ({"any": [_atom("hostages", ">=", 30), _atom("venue", "==", "doha"), _atom("days", "<", 3)]},
         _atom("chair", "in", ["us", "eu"])),
        ({"all": [_atom("border", ">=", "l1"), _atom("aid", "<", "unlimited"), _atom("hostages", "!=", 90)]}, None),
    ],
}


def scenario_text() -> str:
    """The benchmark scenario as YAML, so it is loaded and checked like any scenario file."""
    parties = []
    for party, rules in RED_LINES.items():
        red_lines = []
        for k, (require, when) in enumerate(rules):
            red_line: dict[str, Any] = {"id": f"rl-{k}", "require": require, "rationale": "benchmark",
                                        "source": "assumption"}
            if when is not None:
                red_line["when"] = when
            red_lines.append(red_line)
        parties.append({"id": party, "name": party.title(), "role": "principal", "red_lines": red_lines})
    data = {"negsim": 1, "id": "bench-verdict", "title": "Verdict benchmark", "start": "2024-08-12",
            "issues": ISSUES, "conditions": CONDITIONS, "parties": parties}
    return yaml.safe_dump(data, sort_keys=False)


# -- the plain loop: one package, one red line at a time, no numpy ---------------------------

Node = tuple[Any, ...]


def _domain(issue: dict[str, Any]) -> list[Any]:
    if issue["type"] == "integer":
        return list(range(issue["min"], issue["max"] + 1, issue.get("step", 1)))
    if issue["type"] == "boolean":
        return [False, True]
    return list(issue["values"])


def _atom_holds(issue: dict[str, Any], op: str, target: Any, value: Any) -> bool:
    if op in ("in", "not in"):
        return bool(value in target) == (op == "in")
    if op in ("==", "!="):
        return bool(value == target) == (op == "==")
    rank = issue["values"].index if issue["type"] == "ordered" else (lambda v: v)
    a, b = rank(value), rank(target)
    return bool({"<=": a <= b, ">=": a >= b, "<": a < b, ">": a > b}[op])


def plain_node(cond: dict[str, Any]) -> Node:
    """Turn a condition into nested tuples; an atom keeps the set of its issue's codes that hold."""
    if "issue" in cond:
        column = next(k for k, i in enumerate(ISSUES) if i["id"] == cond["issue"])
        issue = ISSUES[column]
        codes = frozenset(c for c, v in enumerate(_domain(issue)) if _atom_holds(issue, cond["op"], cond["value"], v))
        return ("atom", column, codes)
    if "all" in cond:
        return ("all", tuple(plain_node(c) for c in cond["all"]))
    if "any" in cond:
        return ("any", tuple(plain_node(c) for c in cond["any"]))
    if "not" in cond:
        return ("not", plain_node(cond["not"]))
    if "if" in cond:
        return ("if", plain_node(cond["if"]), plain_node(cond["then"]))
    return plain_node(CONDITIONS[cond["condition"]])


def plain_holds(node: Node, row: tuple[int, ...]) -> bool:
    """Whether a condition holds on one complete package."""
    kind = node[0]
    if kind == "atom":
        return row[node[1]] in node[2]
    if kind == "all":
        return all(plain_holds(n, row) for n in node[1])
    if kind == "any":
        return any(plain_holds(n, row) for n in node[1])
    if kind == "not":
        return not plain_holds(node[1], row)
    return not plain_holds(node[1], row) or plain_holds(node[2], row)


def plain_loop(rows: list[tuple[int, ...]]) -> tuple[float, float, list[bytearray]]:
    """Check every package against every red line in pure Python.

    Returns wall-clock seconds, CPU seconds and, per red line, whether it holds on each package.
    """
    rules = [(plain_node(require), None if when is None else plain_node(when))
             for party_rules in RED_LINES.values() for require, when in party_rules]
    results = [bytearray(len(rows)) for _ in rules]
    start, cpu = time.perf_counter(), time.process_time()
    for n, row in enumerate(rows):
        for r, (require, when) in enumerate(rules):
            if when is not None and not plain_holds(when, row):
                results[r][n] = 1  # the red line does not apply
            else:
                results[r][n] = plain_holds(require, row)
    return time.perf_counter() - start, time.process_time() - cpu, results


# -- the benchmark --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=10**6,
                        help="packages to check (default: all 10**6; fewer are drawn at random)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the vectorised check (best is kept)")
    parser.add_argument("--loop-packages", type=int, default=None,
                        help="time the plain loop on the first N packages only (default: all)")
    parser.add_argument("--seed", type=int, default=2024, help="seed for drawing packages")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args(argv)

    scenario = negsim.loads(scenario_text(), "bench-verdict.yaml")
    constraints = CompiledConstraints.of(scenario)
    space = constraints.space
    if args.packages >= space.size:
        packages = space.every_package()
    else:
        packages = space.random_packages(np.random.default_rng(args.seed), args.packages)
    n, red = packages.shape[0], len(constraints.red_lines)

    constraints.check(packages[:1000])  # warm up
    times = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        result = constraints.check(packages)
        times.append(time.perf_counter() - start)
    best = min(times)

    loop_n = n if args.loop_packages is None else max(1, min(args.loop_packages, n))
    rows = [tuple(r) for r in packages[:loop_n].tolist()]
    loop_seconds, loop_cpu, loop_results = plain_loop(rows)
    plain = np.array([np.frombuffer(bytes(r), dtype=np.uint8) for r in loop_results]).astype(bool)
    agree = bool(np.array_equal(plain, result.red_lines[:, :loop_n] == HOLDS)
                 and np.isin(result.red_lines, (0, HOLDS)).all())

    vector_rate = n * red / best
    loop_rate = loop_n * red / loop_seconds
    ratio = vector_rate / loop_rate
    passed = agree and vector_rate >= TARGET_CHECKS_PER_SECOND and ratio >= TARGET_RATIO
    report = {
        "packages": n, "red_lines": red, "parties": len(scenario.parties), "checks": n * red,
        "vectorised": {"seconds_best": best, "seconds_all": times, "checks_per_second": vector_rate},
        "loop": {"packages": loop_n, "checks": loop_n * red, "seconds": loop_seconds, "cpu_seconds": loop_cpu,
                 "checks_per_second": loop_rate},
        "ratio": ratio, "agree": agree, "holds_share": float((result.red_lines == HOLDS).mean()),
        "targets": {"checks_per_second": TARGET_CHECKS_PER_SECOND, "ratio": TARGET_RATIO},
        "pass": passed, "python": platform.python_version(), "numpy": np.__version__,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        loop_scope = "all packages" if loop_n == n else f"first {loop_n:,} of {n:,} packages"
        print(f"space: {n:,} packages x {red} red lines ({len(scenario.parties)} parties) = {n * red:,} checks")
        print(f"vectorised: {vector_rate / 1e6:10.1f} M checks/s  (best of {len(times)}: {best:.3f} s)")
        print(f"plain loop: {loop_rate / 1e6:10.3f} M checks/s  ({loop_seconds:.1f} s on {loop_scope}; "
              f"{loop_cpu:.1f} s CPU)")
        print(f"ratio:      {ratio:10.1f} x")
        print(f"verdicts agree: {'yes' if agree else 'NO'}; red lines holding: {report['holds_share']:.1%}")
        print(f"target >= {TARGET_CHECKS_PER_SECOND / 1e6:.0f} M checks/s: "
              f"{'PASS' if vector_rate >= TARGET_CHECKS_PER_SECOND else 'FAIL'}")
        print(f"target >= {TARGET_RATIO:.0f}x the loop: {'PASS' if ratio >= TARGET_RATIO else 'FAIL'}")
        print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
