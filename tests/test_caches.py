"""The caches that runs of one scenario share stay within their bounds, however many replications run.

With red lines drawn (confidence below 1, alternatives), each replication can bring a new
combination of versions; the caches of rankings, ZOPA masks and the mediator's work must
evict rather than grow with the number of replications.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from cachetools import LRUCache

from sim.agents.shared import CacheBounds, Shared, shared_by_runs
from sim.experiments.replicate import run_replication
from sim.scenario.model import Scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from drawn_scenario import drawn_scenario

SMALL = CacheBounds(version_mask_bytes=6 * 216, zopa_bytes=40 * 216, ranking_bytes=12 * 216 * 94,
                    mediator_array_bytes=8 * 216 * 8, drafts=24, concession_sets=8, reads=4, utility_rows=2,
                    decoded_packages=16)
"""Bounds small enough that a few hundred replications of a 216-package scenario fill every cache they use."""


def drawn(mediated: bool, seed: int = 3, issues: int = 3, values: int = 6) -> Scenario:
    """A scenario of ``values ** issues`` packages, three principals with four drawn red lines each."""
    return Scenario.model_validate(drawn_scenario(seed, issues=issues, values=values, parties=3, mediated=mediated))


def largest_entry(cache: LRUCache[Any, Any]) -> float:
    """The size of a cache's largest entry, as the cache counts it."""
    return max((cache.getsizeof(value) for value in cache.values()), default=0)


def sizes(shared: Shared) -> dict[str, tuple[int, float]]:
    """Each cache's (entries, size as counted against its bound)."""
    return {name: (len(cache), cache.currsize) for name, cache in shared.caches().items()}


@pytest.mark.parametrize("mediated", [False, True], ids=["alternating", "mediated"])
def test_every_cache_stays_within_its_bound(mediated: bool) -> None:
    scenario = drawn(mediated)
    shared = shared_by_runs(scenario, SMALL)
    seen: list[dict[str, tuple[int, float]]] = []
    for index in range(600):
        run_replication(scenario, 11, index)
        if index % 50 == 49:
            seen.append(sizes(shared))
            for name, cache in shared.caches().items():
                assert cache.currsize <= cache.maxsize, name
    assert shared_by_runs(scenario) is shared  # every run used the same preparation
    full = {name for name, cache in shared.caches().items() if cache.currsize + largest_entry(cache) > cache.maxsize}
    # The caches that grow with combinations of drawn versions reached their bound and evicted ...
    expected = {"zopas", "rankings", "version_masks"} | ({"drafts", "scores"} if mediated else set())
    assert expected <= full, sizes(shared)
    # ... and, for the second half of the replications, stopped growing.
    for name in expected:
        half = [counted for _, counted in (s[name] for s in seen[len(seen) // 2:])]
        assert max(half) <= shared.caches()[name].maxsize
        assert max(half) - min(half) <= largest_entry(shared.caches()[name]), (name, half)


@pytest.mark.slow
def test_memory_kept_between_runs_stops_growing() -> None:
    """What runs keep (traced by tracemalloc, numpy's arrays included) grows no more from run 300 to 1,000."""
    scenario = drawn(mediated=True, seed=5)
    shared_by_runs(scenario, SMALL)
    tracemalloc.start()
    try:
        kept = []
        for index in range(1000):
            run_replication(scenario, 17, index)
            if index in (299, 999):
                gc.collect()
                kept.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert kept[1] - kept[0] < 200_000, kept


def test_a_value_larger_than_its_cache_is_used_but_not_kept() -> None:
    scenario = drawn(mediated=False, seed=1)
    bounds = CacheBounds(zopa_bytes=100)  # every ZOPA mask of 216 packages is larger
    shared = shared_by_runs(scenario, bounds)
    row, _ = run_replication(scenario, 0, 0)
    assert len(shared.zopas) == 0
    shared_by_runs(scenario, CacheBounds())
    assert run_replication(scenario, 0, 0)[0] == row


@pytest.mark.slow
def test_ten_thousand_replications_of_a_large_scenario_keep_within_the_default_bounds() -> None:
    """10^4 packages, 10,000 mediated replications with drawn red lines: the default bounds hold."""
    scenario = drawn(mediated=True, seed=2, issues=4, values=10)
    shared = shared_by_runs(scenario, CacheBounds())
    for index in range(10_000):
        run_replication(scenario, 5, index)
        if index % 500 == 499:
            for name, cache in shared.caches().items():
                assert cache.currsize <= cache.maxsize, name
