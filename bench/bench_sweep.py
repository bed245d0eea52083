"""Replications per second of Gaza sweeps with 1 and 2 workers, and peak memory at 100,000.

Targets on a 2-core machine: at least 300 replications/s with 2 workers, a speed-up of at
least 1.7 over 1 worker, and peak memory under 300 MB for 100,000 replications. Each sweep
runs in a fresh process through the command line, exactly as a user runs it, writing its
results folder to a temporary directory; peak memory is the largest resident set of the
main process and of any worker.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"

MEASURE = """
import resource, sys, time
from sim.cli.main import main
start = time.perf_counter()
code = main(sys.argv[1:])
elapsed = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"MEASURE {code} {elapsed} {own} {workers}", file=sys.stderr)
"""


def sweep(n: int, jobs: int, out: Path) -> dict[str, float]:
    argv = ["sweep", str(GAZA), "-n", str(n), "--jobs", str(jobs), "-o", str(out), "--quiet", "--json",
            "--chunk-size", "250"]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000, help="replications for the speed runs")
    parser.add_argument("--memory-n", type=int, default=100_000, help="replications for the memory run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one = sweep(args.n, 1, Path(tmp) / "one")
        two = sweep(args.n, 2, Path(tmp) / "two")
        rows = [(Path(tmp) / name / "replications.csv").read_bytes() for name in ("one", "two")]
        same = rows[0] == rows[1]
        started = time.perf_counter()
        big = sweep(args.memory_n, 2, Path(tmp) / "big")
        big["wall"] = time.perf_counter() - started
    speedup = two["per_second"] / one["per_second"]
    peak = max(big["peak_main_mb"], big["peak_worker_mb"])
    checks = {"per_second_2_workers >= 300": two["per_second"] >= 300, "speedup >= 1.7": speedup >= 1.7,
              "peak memory < 300 MB": peak < 300, "same rows with 1 and 2 workers": same}
    result = {"one_worker": one, "two_workers": two, "speedup": speedup, "memory_run": big,
              "peak_mb": peak, "checks": checks}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"1 worker : {one['per_second']:8.1f} replications/s ({args.n:,} in {one['seconds']:.1f} s)")
        print(f"2 workers: {two['per_second']:8.1f} replications/s ({args.n:,} in {two['seconds']:.1f} s)")
        print(f"speed-up : {speedup:8.2f}")
        print(f"memory   : {args.memory_n:,} replications with 2 workers in {big['seconds']:.1f} s; peak resident "
              f"{big['peak_main_mb']:.0f} MB (main), {big['peak_worker_mb']:.0f} MB (largest worker)")
        for name, ok in checks.items():
            print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
