"""Fingerprint the engine's runs, to show that a change to the engine changes no outcome and no log.

Runs about 5,900 simulations and hashes each run's outcome (JSON) and event log (JSONL):
the ``bench_engine`` instances with both curve sets; both Gaza scenarios over 25 seeds, with
stated and with drawn red lines; random scenarios of ``tests/test_engine_invariants.py`` as
written (3 seeds each), forced to alternating offers, and forced to alternating offers with
every concession style, openings, urgency, deliberation from 0 to 1 day, horizons from 3 to
365 days and ``--until``. Take a fingerprint before a change, another after, and compare:

    python bench/fingerprint_engine.py -o before.json
    ... change the engine ...
    python bench/fingerprint_engine.py --compare before.json

The exit status is 1 when any run differs from the compared fingerprint (the names of the
first ones are printed), else 0.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

from bench_engine import make_instances, scenario_of  # noqa: E402
from test_engine_invariants import random_scenario  # noqa: E402

import negsim  # noqa: E402
from negsim.scenario.model import Scenario  # noqa: E402
from negsim.simulation.talks import run  # noqa: E402
from negsim.simulation.timeline import EventLog, Outcome  # noqa: E402

STYLES = ["boulware", "conceder", "linear", "hardliner", "tit-for-tat"]


def digest(outcome: Outcome, log: EventLog) -> str:
    """A short hash of a run's outcome and event log, times unrounded (the JSON rounds them)."""
    text = json.dumps(outcome.to_dict(), sort_keys=True) + log.jsonl() + repr(outcome.day) + repr(log.times)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def varied(data: dict[str, Any], index: int) -> dict[str, Any]:
    """An alternating-offers copy of a random scenario with styles, openings, urgency and timing varied."""
    data = copy.deepcopy(data)
    data["talks"]["protocol"] = "alternating"
    data["talks"]["deliberation_days"] = [0.0, 0.25, 1.0, 0.1][index % 4]
    data["horizon_days"] = [20, 3, 365, 7][index % 4]
    for party in data["parties"]:
        if party["role"] == "principal":
            party["concession"] = {"style": STYLES[(index + int(party["id"][1:])) % 5]}
            if index % 3 == 0:
                party["concession"]["opening"] = 0.8
            if index % 5 == 1:
                party["urgency"] = 0.5
    return data


def fingerprint() -> dict[str, str]:
    """Every run's hash, by a name that says which run it is."""
    out: dict[str, str] = {}
    for curves in ("negmas", "negsim"):
        for i, instance in enumerate(make_instances(200, 2024)):
            out[f"bench-{curves}-{i}"] = digest(*run(scenario_of(instance, curves), seed=i))
    for name in ("gaza-2024-08", "gaza-2024-08-israel-accepts-monitoring"):
        scenario = negsim.load(ROOT / "scenarios" / f"{name}.yaml")
        for seed in range(25):
            out[f"{name}-{seed}"] = digest(*run(scenario, seed=seed))
            out[f"{name}-{seed}-draw"] = digest(*run(scenario, seed=seed, draw=True))
    for block in range(3):
        rng = np.random.default_rng(7000 + block)
        for index in range(300):
            data = random_scenario(rng, index)
            scenario = Scenario.model_validate(data)
            for seed in range(3):
                out[f"rand-{block}-{index}-{seed}"] = digest(*run(scenario, seed=seed, draw=seed % 2 == 1))
            alternating = copy.deepcopy(data)
            alternating["talks"]["protocol"] = "alternating"
            out[f"alt-{block}-{index}"] = digest(*run(Scenario.model_validate(alternating), seed=index, draw=True))
            styled = Scenario.model_validate(varied(data, index))
            out[f"alt3-{block}-{index}"] = digest(*run(styled, seed=index))
            out[f"alt3u-{block}-{index}"] = digest(*run(styled, seed=index, until=date(2024, 1, 2 + index % 5)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", help="write the fingerprint (JSON) here")
    parser.add_argument("--compare", help="a fingerprint written before: report every run that differs")
    args = parser.parse_args(argv)
    prints = fingerprint()
    total = hashlib.sha256(json.dumps(prints, sort_keys=True).encode()).hexdigest()[:16]
    print(f"{len(prints)} runs; fingerprint {total}")
    if args.output:
        Path(args.output).write_text(json.dumps(prints, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    if args.compare:
        before = json.loads(Path(args.compare).read_text(encoding="utf-8"))
        differ = sorted(k for k in before.keys() | prints.keys() if before.get(k) != prints.get(k))
        print(f"{len(differ)} runs differ" + (f", first: {', '.join(differ[:10])}" if differ else ""))
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
