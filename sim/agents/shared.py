"""What every run of one scenario shares: packages, utilities, and named caches with a bound each.

Runs of one scenario (a sweep's replications in one worker) meet the same red-line versions,
stances and walk-away values again and again, so what agents work out from them is kept for
the next run. With red lines drawn, every replication can bring a new combination of
versions, so every cache here has a bound and evicts its least recently used entries
(cachetools' ``LRUCache``): caches of arrays over every package are bounded by bytes, the
others by count. Each key holds everything its value depends on; a red line's definition
takes part through :class:`Same` (identity, kept alive by the key), never through ``id()``
alone. An entry evicted is worked out again, to the same value, when next needed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache

from sim.constraints.check import Constraints
from sim.constraints.compile import HOLDS, Compiler
from sim.constraints.space import Codes, OutcomeSpace, run_bytes_per_package
from sim.scenario.model import Scenario
from sim.scenario.redlines import RedLine

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")

MB = 1_000_000


@dataclass(frozen=True)
class CacheBounds:
    """The bound of each of a :class:`Shared`'s caches: bytes for arrays over every package, else entries."""

    version_mask_bytes: int = 64 * MB
    """Masks of red-line versions (1 byte per package each): 640 at 10^5 packages, 64 at 10^6."""
    zopa_bytes: int = 32 * MB
    """ZOPA masks, one per combination of active versions and walk-away values: 320 at 10^5 packages."""
    ranking_bytes: int = 96 * MB
    """Rankings of acceptable packages, counted at the most each may come to hold (:meth:`Ranking.most_bytes`)."""
    mediator_array_bytes: int = 16 * MB
    """Each of the mediator's caches of arrays over every package (known masks; scores; penalties)."""
    drafts: int = 4096
    """The mediator's drafts, by what it knows and weighs (small records)."""
    concession_sets: int = 1024
    """The mediator's concession sets, by what it knows (short lists of red-line refs)."""
    reads: int = 1024
    """The issues each red line reads, by red line and definition."""
    utility_rows: int = 8
    """Tables of utilities of several parties in a turn order (parties x 8 bytes per package each)."""
    decoded_packages: int = 4096
    """Packages decoded into their terms for event logs (a small dict each)."""


BOUNDS = CacheBounds()
"""The bounds every scenario's runs use unless prepared with others (tests use smaller ones)."""
PREPARED_SCENARIOS = 4
"""Scenarios whose shared preparation is kept by :func:`shared_by_runs`."""


class Same(Generic[T]):
    """An object as part of a cache key by identity; the key keeps it alive, so its id is never reused meanwhile."""

    __slots__ = ("of",)

    def __init__(self, of: T) -> None:
        self.of = of

    def __hash__(self) -> int:
        return id(self.of)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.of is self.of


Stance = tuple[tuple[str, str | None, Same[RedLine]], ...]
"""Red lines by ref, each with its active version (None: dropped) and its definition."""
RankingKey = tuple[str, Stance, float | None]
"""A party, its own red lines' stance, and its walk-away value."""
ZopaKey = tuple[Stance, tuple[tuple[str, float], ...]]
"""Every active red line, and every party's walk-away value."""
Knowledge = tuple[tuple[str, str | None, float], ...]
"""What a mediator assumes of each red line it knows (ref, version), with its price."""
Weighing = tuple[tuple[str, float, float], ...]
"""Each principal the mediator weighs: (party, weight, walk-away value)."""


def kept(cache: LRUCache[K, V], key: K, make: Callable[[], V]) -> V:
    """The value kept under ``key``, made and kept first if missing (one larger than the whole bound is not kept)."""
    try:
        return cache[key]
    except KeyError:
        pass
    value = make()
    with contextlib.suppress(ValueError):  # cachetools refuses a value larger than maxsize: use it once
        cache[key] = value
    return value


def _nbytes(array: npt.NDArray[Any]) -> int:
    return int(array.nbytes)


class Ranking:
    """The packages a party can accept, by its utility (ascending); list copies and code rows made on first use."""

    __slots__ = ("_lists", "_rows", "packages", "utility")

    def __init__(self, packages: npt.NDArray[np.intp], utility: Floats) -> None:
        self.packages, self.utility = packages, utility
        self._lists: tuple[list[int], list[float]] | None = None
        self._rows: npt.NDArray[np.int16] | None = None

    def lists(self) -> tuple[list[int], list[float]]:
        """The packages and utilities as plain lists, for turn-by-turn lookups (same float64 values)."""
        if self._lists is None:
            self._lists = (self.packages.tolist(), self.utility.tolist())
        return self._lists

    def rows(self, every: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        """The packages' codes, one row each, taken from ``every`` package of the space."""
        if self._rows is None:
            self._rows = every[self.packages]
        return self._rows

    def most_bytes(self, issues: int) -> int:
        """The most memory this ranking comes to hold: its arrays, code rows and list copies (~70 bytes an entry)."""
        return len(self.packages) * (self.packages.itemsize + self.utility.itemsize + 2 * issues + 70)


@dataclass(frozen=True)
class Draft:
    """A text the mediator tables, and why."""

    package: int
    reason: str
    testing: tuple[str, ...] = ()


class PackageTerms:
    """A package's terms by issue, from its index in an outcome space (a fresh dict each call)."""

    __slots__ = ("decoded", "space")

    def __init__(self, space: OutcomeSpace, bound: int) -> None:
        self.space = space
        self.decoded: LRUCache[int, dict[str, Any]] = LRUCache(bound)

    def __call__(self, package: int) -> dict[str, Any]:
        """The terms of one package (decoded once while it is among the most recently used)."""
        terms = kept(self.decoded, package, lambda: self.space.terms_at(package))
        return dict(terms)


class Shared:
    """What every run of one scenario shares: packages, utilities, verdict masks and the agents' caches.

    Everything is filled in lazily and kept, within its bound, for the next run.
    """

    def __init__(self, scenario: Scenario, bounds: CacheBounds = BOUNDS) -> None:
        self.scenario = scenario
        self.bounds = bounds
        self.compiler = Compiler(scenario)
        self.space = self.compiler.space
        self.space.require_memory(run_bytes_per_package(scenario), "a run")  # before anything is allocated
        self.packages: Codes = _every_package(self.space.sizes) if self.space.size <= _SHARED_SPACE \
            else self.space.every_package_of(self.space.sizes)
        weighing = [p for p in scenario.parties if p.preferences is not None]
        self.parties_with_utility = tuple(p.id for p in weighing)
        self.utility_table = self.compiler.every_utility(weighing)
        """Every package's utility for each party with preferences, a row each (read-only)."""
        self.utility_table.setflags(write=False)
        self.utility: dict[str, Floats] = dict(zip(self.parties_with_utility, self.utility_table, strict=True))
        self.reservation = {p.id: p.preferences.reservation for p in weighing if p.preferences is not None}
        self.urgency = {p.id: p.urgency for p in scenario.parties}
        self.salience = {p.id: dict(p.salience) for p in scenario.parties}
        """Each party's salience of issues as stated (worlds copy it before they change it)."""
        self.terms_of = PackageTerms(self.space, bounds.decoded_packages)
        """Decodes a package of the scenario into its terms (what event logs keep of the scenario)."""
        parties = max(1, len(scenario.parties))
        issues = len(self.space.sizes)
        # Per party: bounded by the scenario's parties, so nothing is ever evicted.
        self.by_utility_of: LRUCache[str, tuple[npt.NDArray[np.intp], Floats]] = LRUCache(parties)
        self.utility_lists: LRUCache[str, list[float]] = LRUCache(parties)
        self.utility_rows: LRUCache[tuple[str, ...], Floats] = LRUCache(bounds.utility_rows)
        # Per red-line version, stance or combination of them: bounded by bytes.
        self.version_masks: LRUCache[tuple[str, str, Same[RedLine]], Bools] = LRUCache(
            bounds.version_mask_bytes, getsizeof=_nbytes)
        self.zopas: LRUCache[ZopaKey, Bools] = LRUCache(bounds.zopa_bytes, getsizeof=_nbytes)
        self.rankings: LRUCache[RankingKey, Ranking] = LRUCache(
            bounds.ranking_bytes, getsizeof=lambda ranking: ranking.most_bytes(issues))
        # What the mediator works out from what it knows.
        self.known_masks: LRUCache[tuple[Knowledge, tuple[str, ...]], Bools] = LRUCache(
            bounds.mediator_array_bytes, getsizeof=_nbytes)
        self.scores: LRUCache[Weighing, Floats] = LRUCache(bounds.mediator_array_bytes, getsizeof=_nbytes)
        self.penalties: LRUCache[Knowledge, Floats] = LRUCache(bounds.mediator_array_bytes, getsizeof=_nbytes)
        self.drafts: LRUCache[tuple[Knowledge, frozenset[str], Weighing], Draft] = LRUCache(bounds.drafts)
        self.concession_sets: LRUCache[Knowledge, list[tuple[str, ...]]] = LRUCache(bounds.concession_sets)
        self.reads: LRUCache[tuple[str, Same[RedLine]], tuple[str, ...]] = LRUCache(bounds.reads)

    def caches(self) -> dict[str, LRUCache[Any, Any]]:
        """Every cache, by name (what tests and benchmarks inspect)."""
        return {name: value for name, value in vars(self).items() if isinstance(value, LRUCache)} | {
            "terms_of": self.terms_of.decoded}

    def as_list(self, party: str) -> list[float]:
        """A party's utilities as a plain-Python list, made once and shared by every run."""
        return kept(self.utility_lists, party, lambda: self.utility[party].tolist())

    def by_utility(self, party: str) -> tuple[npt.NDArray[np.intp], Floats]:
        """Every package, ranked by a party's utility (ascending, ties by package), and those utilities."""
        return kept(self.by_utility_of, party, lambda: self._rank_by_utility(party))

    def _rank_by_utility(self, party: str) -> tuple[npt.NDArray[np.intp], Floats]:
        utility = self.utility.get(party)
        if utility is None:
            return np.arange(len(self.packages)), np.zeros(len(self.packages))
        order = utility.argsort()  # without ties, the stable order; with ties, sort again stably
        ranked = utility.take(order)
        if np.count_nonzero(ranked[1:] == ranked[:-1]):
            order = utility.argsort(kind="stable")
            ranked = utility.take(order)
        return order, ranked

    def mask(self, party: str, definition: RedLine, version: str) -> Bools:
        """Packages meeting one version of a red line, by the one check."""
        key = (f"{party}/{definition.id}", version, Same(definition))
        return kept(self.version_masks, key, lambda: self._version_mask(party, definition, version))

    def _version_mask(self, party: str, definition: RedLine, version: str) -> Bools:
        compiled = self.compiler.version(party, definition, version)
        if compiled is None:
            return np.ones(len(self.packages), dtype=bool)
        only = Constraints(self.space, (compiled,), ())
        return np.asarray(only.check(self.packages).red_lines[0] == HOLDS)


_SHARED_SPACE = 100_000
"""Outcome spaces up to this many packages share one array of packages between scenarios."""


@lru_cache(maxsize=16)
def _every_package(sizes: tuple[int, ...]) -> Codes:
    """Every complete package of a space of these sizes, shared read-only by the scenarios that have them."""
    packages = OutcomeSpace.every_package_of(sizes)
    packages.setflags(write=False)
    return packages


_SHARED: LRUCache[Same[Scenario], Shared] = LRUCache(PREPARED_SCENARIOS)


def shared_by_runs(scenario: Scenario, bounds: CacheBounds | None = None) -> Shared:
    """What the runs of a scenario share (kept for the few most recently used scenarios).

    ``bounds`` replaces a preparation kept with other bounds; without it, whatever is kept is used,
    else the preparation is made with :data:`BOUNDS`.
    """
    found = kept(_SHARED, Same(scenario), lambda: Shared(scenario, bounds or BOUNDS))
    if bounds is not None and found.bounds != bounds:
        found = _SHARED[Same(scenario)] = Shared(scenario, bounds)
    return found
