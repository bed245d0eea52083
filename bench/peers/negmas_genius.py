"""Peer for ``bench/validate_genius_reading.py``: how NegMAS reads a Genius domain and its profiles.

Runs ONLY inside a separate environment where NegMAS is installed (NegMAS is AGPL: negsim
never imports it and nothing imports this file; the validation runs it as a subprocess with
``--negmas-python``). It loads the files with ``Scenario.from_genius_files`` (discounting
ignored, as negsim ignores it), enumerates every outcome, and writes to ``--out`` as JSON, each
outcome as the index of its value in each issue (the domain's order):

- ``outcomes``, ``utilities`` and ``reserved``: every outcome, each party's utility of it and
  each party's reserved value, as NegMAS reads the files;
- ``frontier``: NegMAS's ``pareto_frontier`` over all outcomes;
- ``nash`` and ``kalai``: NegMAS's ``nash_points`` and ``kalai_points`` on that frontier.
"""

from __future__ import annotations

import argparse
import itertools
import json
import warnings
from pathlib import Path

from negmas import __version__ as negmas_version
from negmas.inout import Scenario
from negmas.preferences.ops import kalai_points, nash_points, pareto_frontier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("domain", type=Path)
    parser.add_argument("profiles", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # NegMAS's speed warnings about passing outcomes
    scenario = Scenario.from_genius_files(args.domain, args.profiles, ignore_discount=True)
    assert scenario is not None, "NegMAS could not load the files"
    issues = list(scenario.outcome_space.issues)
    ufuns = list(scenario.ufuns)
    outcomes = list(itertools.product(*(list(issue.all) for issue in issues)))
    indices = [tuple(list(issue.all).index(v) for issue, v in zip(issues, o, strict=True)) for o in outcomes]
    reserved = [float(u.reserved_value) for u in ufuns]
    utilities = [[float(u(o)) for u in ufuns] for o in outcomes]
    points, frontier = pareto_frontier(ufuns, outcomes=outcomes)
    nash = nash_points(ufuns, points, outcomes=outcomes)
    kalai = kalai_points(ufuns, points, outcomes=outcomes)
    result = {
        "negmas": negmas_version,
        "issues": [issue.name for issue in issues],
        "reserved": reserved,
        "outcomes": indices,
        "utilities": utilities,
        "frontier": [indices[frontier[k]] for k in range(len(frontier))],
        "nash": [indices[frontier[k]] for _, k in nash],
        "kalai": [indices[frontier[k]] for _, k in kalai],
    }
    args.out.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
