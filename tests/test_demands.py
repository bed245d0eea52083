"""What each principal asked for over a run (its aspiration): kept on request, and changing nothing else.

The negotiation dance draws it. A run that keeps it must be the same run to the byte; the
stretch path (turns worked out with arrays) and turn-by-turn play must keep the same demands,
as they keep the same log; and no demand is below the principal's walk-away value.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import negsim
from negsim.importers.genius import import_genius
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
GENIUS = ROOT / "tests" / "genius"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "tests" / "valid").glob("*.yaml"))


def _job(rounds: int) -> negsim.Scenario:
    """The Genius job domain as alternating talks of ``rounds`` rounds (Boulware on both sides)."""
    return negsim.loads(import_genius(GENIUS / "job_domain.xml",
                                      [GENIUS / "job_employer.xml", GENIUS / "job_candidate.xml"], rounds=rounds))


def _same_run(scenario: negsim.Scenario, seed: int, **options: bool) -> None:
    plain, plain_log = negsim.run(scenario, seed=seed, draw=True, **options)
    kept, kept_log = negsim.run(scenario, seed=seed, draw=True, demands=True, **options)
    assert json.dumps(kept.to_dict()) == json.dumps(plain.to_dict())
    assert kept_log.entries == plain_log.entries and plain_log.demands is None


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_keeping_the_demands_changes_nothing_in_the_run(path: Path) -> None:
    scenario = negsim.load(path)
    for seed in (0, 5):
        _same_run(scenario, seed)


@pytest.mark.parametrize("rounds", [7, 60])
def test_stretches_and_turn_by_turn_play_keep_the_same_demands(rounds: int) -> None:
    scenario = _job(rounds)
    kept = []
    for stretches in (True, False):
        _same_run(scenario, 2, stretches=stretches)
        _, log = negsim.run(scenario, seed=2, demands=True, stretches=stretches)
        assert log.demands is not None
        kept.append({p.id: log.demands.of(p.id) for p in scenario.parties})
    assert kept[0] == kept[1]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_no_demand_is_below_the_walk_away_value(path: Path) -> None:
    scenario = negsim.load(path)
    _, log = negsim.run(scenario, seed=1, demands=True)
    assert log.demands is not None
    for party in scenario.parties:
        if party.role != "principal" or party.preferences is None:
            continue
        asked = log.demands.of(party.id)
        assert all(value >= party.preferences.reservation - 1e-12 for _, value in asked), party.id
        assert all(value <= 1 + 1e-12 for _, value in asked), party.id


def test_a_boulware_principal_comes_down_to_its_walk_away_value_by_the_last_round() -> None:
    scenario = _job(40)
    outcome, log = negsim.run(scenario, seed=0, demands=True)
    assert log.demands is not None
    for party in scenario.parties:
        asked = [value for _, value in log.demands.of(party.id)]
        assert len(asked) >= 2 * outcome.rounds  # an offer and an answer a round
        assert all(later <= earlier + 1e-12 for earlier, later in itertools.pairwise(asked))
        assert asked[0] > asked[-1]


def test_the_dance_draws_each_principals_aspiration(tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    out = tmp_path / "dance.svg"
    done = negsim_cli("plot", str(ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"), "dance",
                      "--seed", "3", "-o", str(out))
    assert done.code == 0, done.err
    svg = out.read_text(encoding="utf-8")
    assert svg.count("its demand (aspiration)") == 2  # Israel and Hamas, the principals
