"""Start-up time of the command line: ``negsim --version`` and ``negsim check`` beside ``python -c pass``.

Targets on this 2-core machine: ``negsim --version`` under 0.2 s and ``negsim check`` of the
Gaza scenario under 0.35 s, each the median wall-clock time of fresh processes, run one after
another (alternating, so that a slow spell of the machine falls on all three alike). The command
line loads each command's modules only when the command runs (``sim/cli/main.py``); the second
part says what they load, from ``python -X importtime``: the heavy packages a command must not
load (numpy, simpy, the simulation), and the ten largest imports by cumulative time.

    python bench/bench_startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "negsim --version": [sys.executable, "-m", "negsim", "--version"],
    "negsim check gaza-2024-08.yaml": [sys.executable, "-m", "negsim", "check", str(GAZA)],
}
TARGETS = {"negsim --version": 0.2, "negsim check gaza-2024-08.yaml": 0.35}
"""Seconds each command's median may take."""
NOT_LOADED = ("numpy", "simpy", "negsim.simulation.talks", "negsim.constraints.check", "matplotlib", "dask")
"""Packages that neither --version nor check may load."""


def timed(command: list[str]) -> float:
    """Wall-clock seconds of one fresh process (its output thrown away; it must succeed)."""
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
    return time.perf_counter() - began


def imports(command: list[str]) -> dict[str, int]:
    """Each module a command imports, with its cumulative import time in microseconds (``-X importtime``)."""
    done = subprocess.run([command[0], "-X", "importtime", *command[1:]], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    found: dict[str, int] = {}
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line.split("|"))
            if cumulative.isdigit():
                found[name] = int(cumulative)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="fresh processes per command (default 21)")
    args = parser.parse_args()
    for command in COMMANDS.values():  # once each, unmeasured: the files are in the page cache from now on
        timed(command)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            times[name].append(timed(command))
    failed = False
    print(f"median wall-clock time of {args.runs} fresh processes each (min to max):")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        target = TARGETS.get(name)
        verdict = "" if target is None else ("  PASS" if median < target else "  FAIL") + f" (target < {target} s)"
        failed |= target is not None and median >= target
        print(f"  {name:32s} {median * 1000:6.0f} ms ({min(seconds) * 1000:.0f} to {max(seconds) * 1000:.0f}){verdict}")
    for name in TARGETS:
        loaded = imports(COMMANDS[name])
        heavy = [module for module in NOT_LOADED if module in loaded]
        failed |= bool(heavy)
        print(f"\n{name}: {len(loaded)} modules imported; "
              + (f"FAIL: loads {', '.join(heavy)}" if heavy else f"PASS: none of {', '.join(NOT_LOADED)}"))
        top = sorted(((cumulative, module) for module, cumulative in loaded.items()
                      if "." not in module or module.startswith("negsim.")), reverse=True)[:10]
        for cumulative, module in top:
            print(f"  {cumulative / 1000:7.1f} ms  {module}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
