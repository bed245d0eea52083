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

import pytest

from negsim.agents.shared import CacheBounds, CacheUse, Lru, kept, shared_by_runs
from negsim.agents.world import World
from negsim.experiments.replicate import run_replication
from negsim.scenario.model import Scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from drawn_scenario import drawn_scenario

SMALL = CacheBounds(version_mask_bytes=6 * 216, zopa_bytes=40 * 216, ranking_bytes=12 * 216 * 22,
                    mediator_array_bytes=8 * 216 * 8, drafts=24, concession_sets=8, reads=4, utility_rows=2)
"""Bounds small enough that a few hundred replications of a 216-package scenario fill every cache they use."""
REPLICATIONS = 240
"""Replications of the bound test: with :data:`SMALL`, the last cache to fill (the drafts) fills by the 60th."""


def drawn(mediated: bool, seed: int = 3, issues: int = 3, values: int = 6) -> Scenario:
    """A scenario of ``values ** issues`` packages, three principals with four drawn red lines each."""
    return Scenario.model_validate(drawn_scenario(seed, issues=issues, values=values, parties=3, mediated=mediated))


@pytest.mark.parametrize("mediated", [False, True], ids=["alternating", "mediated"])
def test_every_cache_stays_within_its_bound(mediated: bool) -> None:
    scenario = drawn(mediated)
    shared = shared_by_runs(scenario, SMALL)
    seen: list[dict[str, CacheUse]] = []
    for index in range(REPLICATIONS):
        run_replication(scenario, 11, index, draw=True)
        if index % 20 == 19:
            seen.append(shared.cache_use())
            for name, use in seen[-1].items():
                assert use.size <= use.bound, (name, use)
    assert shared_by_runs(scenario) is shared  # every run used the same preparation
    full = {name for name, use in shared.cache_use().items() if use.size + use.largest > use.bound}
    # The caches that grow with combinations of drawn versions reached their bound and evicted ...
    expected = {"zopas", "rankings", "version_masks"} | ({"drafts"} if mediated else set())
    assert expected <= full, shared.cache_use()
    # ... and, for the second half of the replications, stopped growing.
    for name in expected:
        half = [use[name].size for use in seen[len(seen) // 2:]]
        assert max(half) - min(half) <= shared.cache_use()[name].largest, (name, half)


@pytest.mark.slow
def test_memory_kept_between_runs_stops_growing() -> None:
    """What runs keep (traced by tracemalloc, numpy's arrays included) grows no more from run 300 to 1,000."""
    scenario = drawn(mediated=True, seed=5)
    shared_by_runs(scenario, SMALL)
    tracemalloc.start()
    try:
        kept = []
        for index in range(1000):
            run_replication(scenario, 17, index, draw=True)
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
    row, _ = run_replication(scenario, 0, 0, draw=True)
    assert shared.cache_use()["zopas"].entries == 0
    shared_by_runs(scenario, CacheBounds())
    assert run_replication(scenario, 0, 0, draw=True)[0] == row


def test_a_run_looks_each_red_line_up_once_however_few_masks_the_shared_cache_keeps() -> None:
    """A run reads its red lines in turn, round after round: more of them than the shared cache keeps must not
    each be worked out again every time they are read (an LRU cache read in a longer cycle keeps none)."""
    scenario = drawn(mediated=True, seed=4)
    shared = shared_by_runs(scenario, CacheBounds(version_mask_bytes=216))  # one mask of 216 packages
    world = World(scenario)
    first = {ref: world.mask(ref) for ref in world.red_lines}
    assert len(first) == 12 and shared.cache_use()["version_masks"].entries == 1
    assert all(world.mask(ref) is mask for ref, mask in first.items())
    row, _ = run_replication(scenario, 2, 0, draw=True)
    shared_by_runs(scenario, CacheBounds())
    assert run_replication(scenario, 2, 0, draw=True)[0] == row


def test_runs_that_meet_the_same_red_lines_search_their_clashes_once() -> None:
    scenario = drawn(mediated=False, seed=4)  # every principal's stated red lines leave no package
    shared = shared_by_runs(scenario, CacheBounds())
    rows = [run_replication(scenario, 3, index)[0] for index in range(3)]
    assert {row["reason"] for row in rows} == {"no-zopa"} and len({row["blocking"] for row in rows}) == 1
    assert shared.cache_use()["clashes"].entries == 1
    world = World(scenario)
    assert " ".join(world.clashing()) == rows[0]["blocking"] and world.clashing() is world.clashing()


@pytest.mark.slow
def test_ten_thousand_replications_of_a_large_scenario_keep_within_the_default_bounds() -> None:
    """10^4 packages, 10,000 mediated replications with drawn red lines: the default bounds hold."""
    scenario = drawn(mediated=True, seed=2, issues=4, values=10)
    shared = shared_by_runs(scenario, CacheBounds())
    for index in range(10_000):
        run_replication(scenario, 5, index, draw=True)
        if index % 500 == 499:
            for name, use in shared.cache_use().items():
                assert use.size <= use.bound, (name, use)


def test_lru_forgets_the_least_recently_used_first_and_counts_sizes() -> None:
    cache: Lru[str, list[int]] = Lru(10, len)
    made: list[str] = []

    def make(key: str, size: int) -> list[int]:
        made.append(key)
        return [0] * size

    kept(cache, "a", lambda: make("a", 4))
    kept(cache, "b", lambda: make("b", 4))
    kept(cache, "a", lambda: make("a", 4))  # a hit: "a" is now the most recently used
    kept(cache, "c", lambda: make("c", 4))  # 12 > 10: "b" goes
    assert list(cache) == ["a", "c"] and cache.size == 8 and made == ["a", "b", "c"]
    assert kept(cache, "d", lambda: make("d", 11)) == [0] * 11  # larger than the bound: used, not kept
    assert list(cache) == ["a", "c"] and cache.use() == CacheUse(2, 8, 10, 4)
    kept(cache, "e", lambda: make("e", 10))  # fills the bound alone
    assert list(cache) == ["e"] and cache.size == 10
