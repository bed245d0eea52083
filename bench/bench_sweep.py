"""Replications per second of Gaza sweeps with 1 and 2 workers, and peak memory at 100,000; drawn red lines.

Targets on a 2-core machine: at least 300 replications/s with 2 workers, a speed-up of at
least 1.7 over 1 worker, and peak memory under 300 MB for 100,000 replications. Each sweep
runs in a fresh process through the command line, exactly as a user runs it, writing its
results folder to a temporary directory, with ``--draw`` (each replication draws every red
line's version from its confidence); peak memory is the largest resident set of the main
process and of any worker.

Second workload: a seeded synthetic scenario of 10^5 packages whose red lines are all drawn
(``drawn_scenario.py``), swept with 2 workers to 1,000, 5,000 and 10,000 replications, with
alternating offers and mediated: the largest worker's peak must stay under 300 MB and flat
in the number of replications (the largest no more than 10% above the smallest).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from drawn_scenario import drawn_scenario

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"

MEASURE = """
import resource, sys, time
from negsim.cli.main import main
start = time.perf_counter()
code = main(sys.argv[1:])
elapsed = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"MEASURE {code} {elapsed} {own} {workers}", file=sys.stderr)
"""


def sweep(n: int, jobs: int, out: Path, scenario: Path = GAZA) -> dict[str, float]:
    # --draw: every replication draws its red lines, the work the second workload is about (and what Gaza's
    # sweeps did before run and sweep played them as stated by default, so that the rates stay comparable)
    argv = ["sweep", str(scenario), "-n", str(n), "--jobs", str(jobs), "-o", str(out), "--quiet", "--json",
            "--chunk-size", "250", "--draw"]
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, check=False)
    line = next((ln for ln in done.stderr.splitlines() if ln.startswith("MEASURE")), None)
    if line is None:
        raise SystemExit(f"sweep failed:\n{done.stderr}")
    _, code, elapsed, own, workers = line.split()
    if int(code) != 0:
        raise SystemExit(f"sweep exited {code}:\n{done.stderr}")
    summary = json.loads(done.stdout)
    return {"replications": n, "jobs": jobs, "seconds": float(elapsed), "per_second": n / float(elapsed),
            "peak_main_mb": int(own) / 1024, "peak_worker_mb": int(workers) / 1024,
            "agreement_rate": summary["agreement_rate"]}


def drawn(counts: list[int], tmp: Path) -> dict[str, Any]:
    """Peak memory of sweeps of the 10^5-package scenario with drawn red lines, by protocol and replications."""
    found: dict[str, Any] = {}
    for protocol, mediated in (("alternating", False), ("mediated", True)):
        scenario = tmp / f"drawn-{protocol}.yaml"
        scenario.write_text(yaml.safe_dump(drawn_scenario(seed=0, mediated=mediated), sort_keys=False))
        runs = [sweep(n, 2, tmp / f"drawn-{protocol}-{n}", scenario) for n in counts]
        peaks = [run["peak_worker_mb"] for run in runs]
        found[protocol] = {"runs": runs, "peak_worker_mb": max(peaks), "growth": max(peaks) / min(peaks)}
    return found


def gaza(n: int, memory_n: int, tmp: Path) -> dict[str, Any]:
    """The Gaza workload: speed with 1 and 2 workers, the same rows from both, peak memory at ``memory_n``."""
    one = sweep(n, 1, tmp / "one")
    two = sweep(n, 2, tmp / "two")
    same = (tmp / "one" / "replications.csv").read_bytes() == (tmp / "two" / "replications.csv").read_bytes()
    started = time.perf_counter()
    big = sweep(memory_n, 2, tmp / "big")
    big["wall"] = time.perf_counter() - started
    speedup = two["per_second"] / one["per_second"]
    peak = max(big["peak_main_mb"], big["peak_worker_mb"])
    checks = {"per_second_2_workers >= 300": two["per_second"] >= 300, "speedup >= 1.7": speedup >= 1.7,
              "peak memory < 300 MB": peak < 300, "same rows with 1 and 2 workers": same}
    return {"one_worker": one, "two_workers": two, "speedup": speedup, "memory_run": big, "peak_mb": peak,
            "checks": checks}


def print_gaza(found: dict[str, Any], n: int, memory_n: int) -> None:
    one, two, big = found["one_worker"], found["two_workers"], found["memory_run"]
    print(f"1 worker : {one['per_second']:8.1f} replications/s ({n:,} in {one['seconds']:.1f} s)")
    print(f"2 workers: {two['per_second']:8.1f} replications/s ({n:,} in {two['seconds']:.1f} s)")
    print(f"speed-up : {found['speedup']:8.2f}")
    print(f"memory   : {memory_n:,} replications with 2 workers in {big['seconds']:.1f} s; peak resident "
          f"{big['peak_main_mb']:.0f} MB (main), {big['peak_worker_mb']:.0f} MB (largest worker)")


def print_drawn(found: dict[str, Any]) -> None:
    for protocol, result in found.items():
        peaks = ", ".join(f"{run['replications']:,}: {run['peak_worker_mb']:.0f} MB ({run['per_second']:.0f}/s)"
                          for run in result["runs"])
        print(f"drawn red lines, 10^5 packages, {protocol}: largest worker's peak after {peaks}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000, help="replications for the speed runs")
    parser.add_argument("--memory-n", type=int, default=100_000, help="replications for the memory run")
    parser.add_argument("--drawn-n", type=int, nargs="*", default=[1_000, 5_000, 10_000],
                        help="replications of each sweep of the drawn-red-lines workload (none: skip it)")
    parser.add_argument("--skip-gaza", action="store_true", help="run the drawn-red-lines workload only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"checks": {}}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_gaza:
            result.update(gaza(args.n, args.memory_n, Path(tmp)))
        if args.drawn_n:
            result["drawn"] = drawn(args.drawn_n, Path(tmp))
    for protocol, found in result.get("drawn", {}).items():
        result["checks"][f"drawn, {protocol}: peak per worker < 300 MB"] = found["peak_worker_mb"] < 300
        result["checks"][f"drawn, {protocol}: flat (largest peak <= 1.1 x smallest)"] = found["growth"] <= 1.1
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        if not args.skip_gaza:
            print_gaza(result, args.n, args.memory_n)
        print_drawn(result.get("drawn", {}))
        for name, ok in result["checks"].items():
            print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(result["checks"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
