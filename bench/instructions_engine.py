"""Instructions a fresh run of the engine takes, counted by valgrind: a speed figure that does not wander.

Timing on a shared machine swings by a third from one minute to the next, which hides a
change of a few percent. Counting the instructions the processor executes does not: the same
code on the same input executes the same instructions, run after run. This script runs
``bench_engine``'s workload (the same seeded instances, each a fresh scenario) under
``valgrind --tool=cachegrind --cache-sim=no`` twice, once running ``--runs`` of them and once
none, and prints the difference per run. Everything that could make the count wander is held
still: one BLAS thread, a fixed hash seed and no address-space randomisation (``setarch -R``).

Instructions are not time (a cache miss costs many), so a change is still confirmed with the
timed benchmark; but the count tells a 1% change apart where timing on a shared machine
cannot. With ``--checkout DIR`` the same count is made for another checkout of negsim (for
instance a ``git worktree`` of an older commit) for a before/after pair.

With ``--negmas-python PATH`` the peer's negotiations are counted the same way: NegMAS 0.16's
``SAOMechanism`` on the same instances, built by ``bench/peers/negmas_sao.py`` (building is in
both counts, so the difference is ``run()`` alone, as ``bench_engine`` times it). The ratio of
the two counts is the work each engine does per negotiation; it is not the timed ratio that
``bench_engine``'s target is about, since the two engines execute their instructions at
different rates (negsim's many short numpy calls mispredict more branches and miss the
instruction cache more often than NegMAS's loops). With ``--cache-sim`` valgrind also simulates
the caches and branch predictor and the script prints those misses a run beside the count.

Run ``python bench/instructions_engine.py`` (about 20 s; needs valgrind and setarch).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = 100
WORKLOAD = '''
import importlib, sys
sys.path.insert(0, {bench!r})
from bench_engine import make_instances, scenario_of
for name in ("negsim.simulation.talks", "negsim.engine"):  # today's layout, or before issue 12's
    try:
        run = importlib.import_module(name).run
        break
    except ImportError:
        pass
for scenario in [scenario_of(i) for i in make_instances(3, 2025)]:
    run(scenario, seed=0)
scenarios = [scenario_of(i) for i in make_instances({runs}, 2024)]
for seed, scenario in enumerate(scenarios[:{count}]):
    run(scenario, seed=seed)
'''

PEER_WORKLOAD = '''
import json, sys
sys.path.insert(0, {peers!r})
from negmas_sao import build
instances = json.loads(open({instances!r}, encoding="utf-8").read())["instances"]
for instance in instances[:2]:  # warm-up, as the peer does before timing
    build(instance).run()
mechanisms = [build(instance) for instance in instances[2:]]
for mechanism in mechanisms[:{count}]:
    mechanism.run()
'''
COUNTED = {"I": r"I\s+refs", "I1 misses": r"I1\s+misses", "D1 misses": r"D1\s+misses", "mispredicts": r"Mispredicts"}
"""What valgrind's summary gives, by name: instructions; with ``--cache-sim``, cache misses and mispredictions."""


def counted(script: str, python: str, cwd: Path, pythonpath: str | None, cache_sim: bool) -> dict[str, int]:
    """What valgrind counts for one Python script: its instructions, and with ``cache_sim`` misses too."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "workload.py"
        path.write_text(script, encoding="utf-8")
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
        if pythonpath is not None:
            env["PYTHONPATH"] = pythonpath
        simulated = ["--cache-sim=yes", "--branch-sim=yes"] if cache_sim else ["--cache-sim=no"]
        command = ["setarch", "-R", "valgrind", "--tool=cachegrind", *simulated,
                   f"--cachegrind-out-file={Path(tmp) / 'out'}", python, str(path)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd, env=env)
    found = {name: re.search(pattern + r":\s+([\d,]+)", done.stderr) for name, pattern in COUNTED.items()}
    if done.returncode != 0 or found["I"] is None:
        raise SystemExit(f"valgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return {name: int(match.group(1).replace(",", "")) for name, match in found.items() if match is not None}


def per_negotiation(checkout: Path, runs: int, negmas_python: str, cache_sim: bool) -> dict[str, float]:
    """What NegMAS's ``run()`` takes a negotiation, on ``runs`` of bench_engine's instances (after 2 for warm-up)."""
    sys.path.insert(0, str(checkout / "bench"))
    from bench_engine import make_instances  # the checkout's own instances, as bench_engine writes them

    with tempfile.TemporaryDirectory() as tmp:
        instances = Path(tmp) / "instances.json"
        instances.write_text(json.dumps({"instances": make_instances(runs + 2, 2024)}), encoding="utf-8")
        peers = str(checkout / "bench" / "peers")
        none, all_ = (counted(PEER_WORKLOAD.format(peers=peers, instances=str(instances), count=count), negmas_python,
                              checkout, None, cache_sim) for count in (0, runs))
    return {name: (all_[name] - none[name]) / runs for name in all_}


def per_run(checkout: Path, runs: int, cache_sim: bool = False) -> dict[str, float]:
    """What a fresh run takes (instructions, and misses if simulated): ``runs`` runs less none, divided by ``runs``."""
    none, all_ = (counted(WORKLOAD.format(bench=str(checkout / "bench"), runs=runs, count=count), sys.executable,
                          checkout, str(checkout), cache_sim) for count in (0, runs))
    return {name: (all_[name] - none[name]) / runs for name in all_}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"fresh runs counted (default: {RUNS})")
    parser.add_argument("--checkout", type=Path, action="append", default=[],
                        help="another checkout of negsim to count the same way (may be given more than once)")
    parser.add_argument("--negmas-python", metavar="PATH",
                        help="Python of an environment with NegMAS 0.16: count its negotiations too, and the ratio")
    parser.add_argument("--cache-sim", action="store_true",
                        help="also simulate caches and branches (slower) and print misses a run beside the count")
    args = parser.parse_args(argv)
    missing = [tool for tool in ("valgrind", "setarch") if shutil.which(tool) is None]
    if missing:
        print(f"needs {' and '.join(missing)} (Debian: apt install valgrind util-linux)", file=sys.stderr)
        return 2
    ours = {}
    for checkout in [HERE.parent, *args.checkout]:
        ours[checkout] = found = per_run(checkout.resolve(), args.runs, args.cache_sim)
        print(f"{found['I'] / 1e6:.3f} M instructions a fresh run{_misses(found)}  ({checkout})")
    if args.negmas_python:
        peer = per_negotiation(HERE.parent, args.runs, args.negmas_python, args.cache_sim)
        print(f"{peer['I'] / 1e6:.3f} M instructions a NegMAS negotiation{_misses(peer)}  "
              f"({args.runs} of the same instances)")
        print(f"NegMAS executes {peer['I'] / ours[HERE.parent]['I']:.1f}x the instructions of a fresh negsim run "
              "(work, not time: bench_engine times them)")
    return 0


def _misses(found: dict[str, float]) -> str:
    """The cache misses and mispredicted branches a run, if counted."""
    parts = [f"{found[name] / 1e3:,.1f}k {name}" for name in ("I1 misses", "D1 misses", "mispredicts") if name in found]
    return f" ({', '.join(parts)})" if parts else ""


if __name__ == "__main__":
    sys.exit(main())
