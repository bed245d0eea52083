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

Run ``python bench/instructions_engine.py`` (about 20 s; needs valgrind and setarch).
"""

from __future__ import annotations

import argparse
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
for name in ("sim.simulation.talks", "sim.engine"):  # today's layout, or before issue 12's
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


def instructions(checkout: Path, runs: int, count: int) -> int:
    """Instructions valgrind counts for warming up, building ``runs`` scenarios and running ``count`` of them.

    The workload is the checkout's own ``bench_engine``, run with the checkout's ``sim``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "workload.py"
        script.write_text(WORKLOAD.format(bench=str(checkout / "bench"), runs=runs, count=count), encoding="utf-8")
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONHASHSEED="0",
                   PYTHONPATH=str(checkout))
        command = ["setarch", "-R", "valgrind", "--tool=cachegrind", "--cache-sim=no",
                   f"--cachegrind-out-file={Path(tmp) / 'out'}", sys.executable, str(script)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=checkout, env=env)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_run(checkout: Path, runs: int) -> float:
    """Instructions a fresh run takes: ``runs`` runs less none, divided by ``runs``."""
    return (instructions(checkout, runs, runs) - instructions(checkout, runs, 0)) / runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"fresh runs counted (default: {RUNS})")
    parser.add_argument("--checkout", type=Path, action="append", default=[],
                        help="another checkout of negsim to count the same way (may be given more than once)")
    args = parser.parse_args(argv)
    missing = [tool for tool in ("valgrind", "setarch") if shutil.which(tool) is None]
    if missing:
        print(f"needs {' and '.join(missing)} (Debian: apt install valgrind util-linux)", file=sys.stderr)
        return 2
    for checkout in [HERE.parent, *args.checkout]:
        print(f"{per_run(checkout.resolve(), args.runs) / 1e6:.3f} M instructions a fresh run  ({checkout})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
