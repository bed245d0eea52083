"""Check ``negsim import-genius --reading negmas`` against NegMAS itself, on the same Genius files.

For the test fixtures (``tests/genius``) and seeded random domains (weights inside
``<objective>``, evaluations on scales of their own, an integer issue whose linear evaluator
goes below zero), it imports the files with ``--reading negmas``, asks ``negsim explain --json``
for the zone of possible agreement, the Pareto frontier and the Nash and Kalai-Smorodinsky
packages, and compares them with what NegMAS's own reading of the files gives: every outcome's
utility and reserved value as NegMAS computes them (``bench/peers/negmas_genius.py``, run in a
separate environment where NegMAS is installed), and from them, by brute force, the ZOPA (every
utility at least its reserved value), the Pareto packages of the ZOPA, the Nash package (the
largest product of gains over the reserved values) and the Kalai-Smorodinsky package (the
largest equal share of each party's best gain in the ZOPA). NegMAS's own ``nash_points`` and
``kalai_points`` are printed beside them: they search its frontier beyond the ZOPA, so they can
differ, and that is NegMAS's convention, not its reading.

Run: ``python bench/validate_genius_reading.py --negmas-python /work/negmas-venv/bin/python``.
Exit code 0 when every domain matches.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

import negsim

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT / "bench" / "peers" / "negmas_genius.py"
FIXTURES = ROOT / "tests" / "genius"
FIXED = {"party": ["party_alice.xml", "party_bob.xml"], "job": ["job_employer.xml", "job_candidate.xml"],
         "holiday": ["holiday_ann.xml", "holiday_ben.xml", "holiday_cleo.xml"]}
TIE = 1e-9


def random_domain(folder: Path, seed: int) -> tuple[Path, list[Path]]:
    """A Genius domain with 2-4 discrete issues and one integer issue, and 2-3 profiles of it."""
    rng = np.random.default_rng(seed)
    sizes = [int(n) for n in rng.integers(2, 5, size=int(rng.integers(2, 5)))]
    low, high = 0, int(rng.integers(3, 8))
    issues = "".join(
        f'<issue index="{k + 1}" name="Issue {k + 1}" type="discrete" etype="discrete" vtype="discrete">'
        + "".join(f'<item index="{j + 1}" value="v{j + 1}"/>' for j in range(n)) + "</issue>"
        for k, n in enumerate(sizes))
    integer = len(sizes) + 1
    issues += (f'<issue index="{integer}" name="Days" type="integer" etype="integer" vtype="integer" '
               f'lowerbound="{low}" upperbound="{high}"/>')
    domain = folder / f"gen{seed}_domain.xml"
    domain.write_text(f'<negotiation_template><utility_space><objective index="0" name="Gen {seed}" '
                      f'type="objective" etype="objective">{issues}</objective></utility_space>'
                      "</negotiation_template>", encoding="utf-8")
    profiles = []
    for p in range(int(rng.integers(2, 4))):
        body = "".join(
            f'<issue index="{k + 1}" name="Issue {k + 1}" type="discrete" etype="discrete" vtype="discrete">'
            + "".join(f'<item index="{j + 1}" value="v{j + 1}" evaluation="{int(rng.integers(0, 11))}"/>'
                      for j in range(n)) + "</issue>" for k, n in enumerate(sizes))
        slope = round(float(rng.uniform(-1.5, 1.5)), 2)
        body += (f'<issue index="{integer}" name="Days" type="integer" etype="integer" vtype="integer" '
                 f'lowerbound="{low}" upperbound="{high}"><evaluator ftype="linear" '
                 f'offset="{round(float(rng.uniform(0, 3)), 2)}" slope="{slope}"/></issue>')
        weights = rng.dirichlet(np.ones(integer)) * float(rng.uniform(0.5, 3))
        body += "".join(f'<weight index="{k + 1}" value="{w:.3f}"/>' for k, w in enumerate(weights))
        reservation = round(float(rng.uniform(0, 4)), 2)
        path = folder / f"gen{seed}_party{p + 1}.xml"
        path.write_text(f'<utility_space><objective index="0" name="Gen {seed}" type="objective" '
                        f'etype="objective">{body}</objective><reservation value="{reservation}"/>'
                        "</utility_space>", encoding="utf-8")
        profiles.append(path)
    return domain, profiles


def negsim_answers(domain: Path, profiles: list[Path], folder: Path) -> dict[str, Any]:
    """ZOPA, frontier, Nash and KS of the import under NegMAS's reading, packages as value-index tuples."""
    scenario_path = folder / f"{domain.stem}.yaml"
    subprocess.run([sys.executable, "-m", "negsim", "import-genius", str(domain), *map(str, profiles),
                    "--reading", "negmas", "-o", str(scenario_path), "--force"], check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-m", "negsim", "explain", str(scenario_path), "--json",
                           "--examples", "all"], capture_output=True, text=True, check=False)
    data = json.loads(done.stdout)
    scenario = negsim.load(scenario_path)
    domains = [list(issue.domain()) for issue in scenario.issues]
    ids = [issue.id for issue in scenario.issues]

    def index(package: dict[str, Any] | None) -> tuple[int, ...] | None:
        return None if package is None else tuple(d.index(package[i]) for d, i in zip(domains, ids, strict=True))

    points = data["reference_points"]
    return {"zopa": {index(p) for p in data["zopa"]["examples"]},
            "frontier": {index(p["package"]) for p in points["pareto_frontier"]},
            "nash": index((points["nash"] or {}).get("package")),
            "kalai": index((points["kalai_smorodinsky"] or {}).get("package"))}


def brute_force(peer: dict[str, Any]) -> dict[str, Any]:
    """The same four answers, from NegMAS's utilities by the definitions negsim states."""
    outcomes = [tuple(o) for o in peer["outcomes"]]
    u = np.array(peer["utilities"], dtype=float)  # outcomes x parties
    r = np.array(peer["reserved"], dtype=float)
    zopa = [k for k in range(len(outcomes)) if (u[k] >= r - TIE).all()]
    front = [k for k in zopa if not any((u[j] >= u[k] - TIE).all() and (u[j] > u[k] + TIE).any() for j in zopa)]
    gains = u - r
    nash_values = {k: math.prod(gains[k]) for k in front}
    best_nash = max(nash_values.values(), default=None)
    ideal = gains[zopa].max(axis=0) if zopa else None
    shares = {k: min((g / i if i > 0 else 1.0) for g, i in zip(gains[k], ideal, strict=True)) for k in front} \
        if ideal is not None else {}
    best_share = max(shares.values(), default=None)
    return {"zopa": {outcomes[k] for k in zopa}, "frontier": {outcomes[k] for k in front},
            "nash": {outcomes[k] for k, v in nash_values.items() if best_nash is not None and v >= best_nash - TIE},
            "kalai": {outcomes[k] for k, v in shares.items() if best_share is not None and v >= best_share - TIE},
            "negmas_nash": {tuple(p) for p in peer["nash"]}, "negmas_kalai": {tuple(p) for p in peer["kalai"]}}


def run_peer(python: str, domain: Path, profiles: list[Path], folder: Path) -> dict[str, Any] | str:
    """NegMAS's reading of the files, or the last line of its error when it cannot read them."""
    out = folder / f"{domain.stem}.negmas.json"
    done = subprocess.run([python, str(PEER), str(domain), *map(str, profiles), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["no message"])[-1]
    peer: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return peer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--negmas-python", required=True, metavar="PATH",
                        help="python of a separate environment with negmas==0.16.0 installed (the peer)")
    parser.add_argument("--seeds", type=int, default=12, help="how many random domains (default 12)")
    args = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = [(name, FIXTURES / f"{name}_domain.xml", [FIXTURES / p for p in files])
                 for name, files in FIXED.items()]
        cases += [(f"random {seed}", *random_domain(folder, seed)) for seed in range(args.seeds)]
        print(f"{'domain':<12} {'packages':>8} {'zopa':>6} {'frontier':>8}  zopa frontier nash kalai  "
              "NegMAS's own nash/kalai")
        for name, domain, profiles in cases:
            mine = negsim_answers(domain, profiles, folder)
            peer = run_peer(args.negmas_python, domain, profiles, folder)
            if isinstance(peer, str):
                print(f"{name:<12} NegMAS cannot read these files: {peer}")
                continue
            truth = brute_force(peer)
            same = {"zopa": mine["zopa"] == truth["zopa"], "frontier": mine["frontier"] == truth["frontier"],
                    "nash": (mine["nash"] in truth["nash"]) if truth["nash"] else mine["nash"] is None,
                    "kalai": (mine["kalai"] in truth["kalai"]) if truth["kalai"] else mine["kalai"] is None}
            failures += not all(same.values())
            own = ("same" if mine["nash"] in truth["negmas_nash"] else "differs") + "/" + \
                ("same" if mine["kalai"] in truth["negmas_kalai"] else "differs")
            print(f"{name:<12} {len(peer['outcomes']):>8} {len(truth['zopa']):>6} {len(truth['frontier']):>8}  "
                  + " ".join(f"{'ok' if same[k] else 'FAIL':>{len(k)}}" for k in ("zopa", "frontier", "nash", "kalai"))
                  + f"  {own}")
    print("PASS: negsim's reading of every domain is NegMAS's" if not failures else f"FAIL: {failures} domains differ")
    return 0 if not failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
