"""What every run of one scenario shares: packages, utilities, and named caches with a bound each.

Runs of one scenario (a sweep's replications in one worker) meet the same red-line versions,
red lines in force and walk-away values again and again, so what agents work out from them is kept for
the next run. With red lines drawn, every replication can bring a new combination of
versions, so every cache here has a bound and evicts its least recently used entries
(:class:`Lru`): caches of arrays over every package are bounded by bytes, the
others by count. Each key holds everything its value depends on; a red line's definition
takes part through :class:`Same` (identity, kept alive by the key), never through ``id()``
alone. An entry evicted is worked out again, to the same value, when next needed.
"""

from __future__ import annotations

from collections import ChainMap, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from ..constraints.arrays import Bools, Codes, Floats
from ..constraints.check import CompiledConstraints
from ..constraints.compile import Compiler
from ..constraints.space import OutcomeSpace, run_bytes_per_package
from ..constraints.verdict import Verdict
from ..scenario.model import Party, Scenario
from ..scenario.redlines import RedLine
from .neighbours import Neighbours

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
    """Principals' rankings of acceptable packages, counted at the most each may come to hold."""
    mediator_array_bytes: int = 16 * MB
    """Each of the mediator's caches of arrays over every package (known masks; scores; penalties)."""
    completion_bytes: int = 16 * MB
    """Completions of texts that leave issues open (1 byte per package each), by package and open issues."""
    drafts: int = 4096
    """The mediator's drafts, by what it knows and weighs (small records)."""
    clashes: int = 1024
    """The red lines that clash when no package meets them all, by red lines in force and walk-away values."""
    concession_sets: int = 1024
    """The mediator's concession sets, by what it knows (short lists of red-line refs)."""
    reads: int = 1024
    """The issues each red line reads, by red line and definition."""
    utility_rows: int = 8
    """Tables of utilities of several parties in a turn order (parties x 8 bytes per package each)."""


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


CodesByIssue = npt.NDArray[np.signedinteger[Any]]
"""Every package's codes, one row per issue: one byte a code where the issues' values allow, else two."""
RedLinesInForce = tuple[tuple[str, str | None, Same[RedLine]], ...]
"""Red lines by ref, each with its active version (None: dropped) and its definition."""
RankingKey = tuple[str, RedLinesInForce, float | None]
"""A party, its own red lines in force, and its walk-away value."""
ZopaKey = tuple[RedLinesInForce, tuple[tuple[str, float], ...]]
"""Every red line with its active version (None: dropped), and every party's walk-away value."""


class CacheUse(NamedTuple):
    """How full a cache is: entries, their size as counted against the bound, the bound, the largest entry."""

    entries: int
    size: float
    bound: float
    largest: float


class Lru(OrderedDict[K, V]):
    """Values by key, at most ``bound`` in all (by ``size_of``; 1 each by default), least recently used out first.

    An ``OrderedDict`` (least recently used first) with a bound, rather than cachetools'
    ``LRUCache``: every run reads and fills these caches, and on the fresh scenario of each run
    of ``bench_engine`` cachetools' layers of Python methods cost about 8% of the run
    (measured); here a hit or a miss is one call, the rest in C. The cache is the ordered dict
    itself, not a wrapper around one: a fresh preparation makes a dozen of them, and each
    object it keeps is one more the garbage collector goes through (architecture.md, speed).
    No value is None (:func:`kept` tells a miss by None).
    """

    __slots__ = ("bound", "size", "size_of")

    def __init__(self, bound: float, size_of: Callable[[V], float] | None = None) -> None:
        # no call to OrderedDict's own __init__: it only adds the items it is given, and a cache starts empty
        self.bound = bound
        self.size_of = size_of
        self.size: float = 0
        """The entries' size in all, as counted against the bound."""

    def sized(self, value: V) -> float:
        """A value's size, as counted against the bound."""
        return 1 if self.size_of is None else self.size_of(value)

    def use(self) -> CacheUse:
        """How full the cache is."""
        largest = max((self.sized(value) for value in self.values()), default=0)
        return CacheUse(len(self), self.size, self.bound, largest)


def kept(cache: Lru[K, V], key: K, make: Callable[..., V], *args: Any) -> V:
    """The value kept under ``key``, made by ``make(*args)`` and kept first if missing.

    One larger than the whole bound is made but not kept. ``make`` and its arguments are given
    apart, rather than as a closure, so that a hit makes nothing.
    """
    value = cache.get(key)
    if value is not None:
        cache.move_to_end(key)
        return value
    value = make(*args)
    size = 1 if cache.size_of is None else cache.size_of(value)
    if size <= cache.bound:
        cache[key] = value
        cache.size += size
        while cache.size > cache.bound:
            cache.size -= cache.sized(cache.popitem(last=False)[1])  # seldom: only once the bound is reached
    return value


class SharedPart:
    """Caches an agent module keeps for the runs of one scenario: a subclass per module, made by :meth:`Shared.part`.

    Agents define their own cached records (a principal's rankings, a mediator's drafts), which
    this module, below them, cannot name; each part holds typed :class:`Lru` caches bounded from
    ``shared.bounds``.
    """

    def __init__(self, shared: Prepared) -> None:
        """Make the part's caches, empty, with bounds from ``shared.bounds``.

        Keep no reference to ``shared``: a cycle would keep a scenario's arrays alive until the
        garbage collector runs.
        """


P = TypeVar("P", bound=SharedPart)


class Prepared:
    """What every run of one scenario shares, its packages listed or not.

    The compiled scenario, what it states of each party, and the caches agent modules keep
    (:class:`SharedPart`). :class:`Shared` adds the listed packages; a solved world, the solver's model.
    """

    def __init__(self, scenario: Scenario, bounds: CacheBounds = BOUNDS) -> None:
        self.scenario = scenario
        self.compiler = Compiler(scenario)
        self.space = self.compiler.space
        stated = PartiesStated.of(scenario)
        self.walk_away, self.urgency, self.cost_of_delay = stated.walk_away, stated.urgency, stated.cost_of_delay
        self.power, self.lean, self.reaches = stated.power, stated.lean, stated.reaches
        self.salience = stated.salience
        """Each party's salience of issues as stated (worlds copy it before they change it)."""
        self.weighing = stated.weighing
        """The parties with preferences, in file order."""
        self.parties_with_utility = tuple(self.walk_away)
        self.bounds = bounds
        self._parts: dict[type[SharedPart], SharedPart] = {}
        """Caches agent modules define (:class:`SharedPart`), one of each kind: their classes bound them."""

    def part(self, kind: type[P]) -> P:
        """The caches of one kind an agent module keeps for this scenario's runs (made on first use)."""
        found = self._parts.get(kind)
        if not isinstance(found, kind):
            found = self._parts[kind] = kind(self)
        return found


class Shared(Prepared):
    """What every run of one scenario shares: packages, utilities, verdict masks and the agents' caches.

    Everything is filled in lazily and kept, within its bound, for the next run.
    """

    def __init__(self, scenario: Scenario, bounds: CacheBounds = BOUNDS) -> None:
        super().__init__(scenario, bounds)
        self.space.require_memory(run_bytes_per_package(scenario), "a run")  # before anything is allocated
        self.packages: Codes = _every_package(self.space.sizes) if self.space.size <= _SHARED_SPACE \
            else self.space.every_package_of(self.space.sizes)
        self.utility_table = self.compiler.every_utility(self.weighing)
        """Every package's utility for each party with preferences, a row each (read-only)."""
        self.utility_table.setflags(write=False)
        table = self.utility_table  # rows by number (architecture.md, speed)
        self.utility: dict[str, Floats] = {party: table[k] for k, party in enumerate(self.parties_with_utility)}
        self._codes_by_issue: CodesByIssue | None = None
        self._neighbours: Neighbours | None = None
        # Per party: keyed by the scenario's party ids alone, so bounded by its parties and never evicting.
        self._lists: dict[str, list[float]] = {}
        self._make_caches(bounds)

    def rebound(self, bounds: CacheBounds) -> None:
        """Start every bounded cache afresh, with other bounds."""
        self.bounds = bounds
        self._make_caches(bounds)

    def _make_caches(self, bounds: CacheBounds) -> None:
        """The bounded caches, empty."""
        self._parts = {}
        self.utility_rows: Lru[tuple[str, ...], Floats] = Lru(bounds.utility_rows)
        # Per red-line version, red lines in force or combination of them: bounded by bytes.
        # Masks are one byte a package each, so a count is the bound in bytes exactly (and spares a call a miss).
        masks = len(self.packages)
        self.version_masks: Lru[tuple[str, str, Same[RedLine]], Bools] = Lru(bounds.version_mask_bytes // masks)
        self.zopas: Lru[ZopaKey, Bools] = Lru(bounds.zopa_bytes // masks)
        self.clashes: Lru[ZopaKey, tuple[str, ...]] = Lru(bounds.clashes)
        self.completions: Lru[tuple[int, tuple[int, ...]], Bools] = Lru(bounds.completion_bytes // masks)

    def codes_by_issue(self) -> CodesByIssue:
        """Every package's codes, one row per issue (each issue's codes side by side), made on first use.

        One byte a code where every issue has fewer than 128 values: principals' counters take
        their candidates' codes from it (:meth:`~sim.agents.ranking.Ranking.counter`).
        """
        if self._codes_by_issue is None:
            small = max(self.space.sizes, default=0) < 128
            self._codes_by_issue = np.ascontiguousarray(self.packages.T, dtype=np.int8 if small else np.int16)
        return self._codes_by_issue

    def neighbours(self) -> Neighbours:
        """The packages one or two terms from a text (:mod:`sim.agents.neighbours`), made on first use."""
        if self._neighbours is None:
            self._neighbours = Neighbours(self.space.sizes)
        return self._neighbours

    def worth(self, party: str) -> Callable[[int], float]:
        """A package's utility to a party, as a plain float, for turn-by-turn lookups.

        Up to :data:`_LISTED` packages an item of a plain list, made once and shared by every run
        (quicker than the array's ``item``); above, the array's ``item``: a list of 10**6 floats
        would cost 32 MB a party.
        """
        if len(self.packages) > _LISTED:
            return self.utility[party].item
        found = self._lists.get(party)
        if found is None:
            found = self._lists[party] = self.utility[party].tolist()
        return found.__getitem__

    def cache_use(self) -> dict[str, CacheUse]:
        """How full each cache is, by name (what tests and benchmarks inspect; agents' parts once made)."""
        parts = [vars(part) for part in self._parts.values()]
        caches = {name: value for name, value in ChainMap(vars(self), *parts).items() if isinstance(value, Lru)}
        use = {name: cache.use() for name, cache in caches.items()}
        parties = len(self.scenario.parties)
        return use | {"utility_lists": CacheUse(len(self._lists), len(self._lists), parties, 1)}

    def mask(self, party: str, definition: RedLine, version: str) -> Bools:
        """Packages meeting one version of a red line, by the one check."""
        key = (f"{party}/{definition.id}", version, Same(definition))
        return kept(self.version_masks, key, self._version_mask, party, definition, version)

    def _version_mask(self, party: str, definition: RedLine, version: str) -> Bools:
        compiled = self.compiler.version(party, definition, version)
        if compiled is None:
            return np.ones(len(self.packages), dtype=bool)
        only = CompiledConstraints(self.space, (compiled,), ())
        return np.asarray(only.check(self.packages).red_lines[0] == Verdict.HOLDS.value)


class PartiesStated(NamedTuple):
    """What the scenario states of each party that runs read: walk-away, urgency, cost of delay, power, salience."""

    walk_away: dict[str, float]
    """Of the parties with preferences, in file order."""
    urgency: dict[str, float]
    cost_of_delay: dict[str, float]
    power: dict[str, float]
    """Of the parties with preferences: their bargaining power as stated."""
    lean: dict[str, str | None]
    """Of the mediators: the principal each leans towards as stated (None: neutral)."""
    reaches: dict[str, tuple[str, ...] | None]
    """Of the mediators: the principals each carries texts to itself (None: every one)."""
    salience: dict[str, dict[str, float]]
    weighing: list[Party]
    """The parties with preferences, in file order."""

    @classmethod
    def of(cls, scenario: Scenario) -> PartiesStated:
        """Read each party once (each model field once: architecture.md, speed)."""
        stated = cls({}, {}, {}, {}, {}, {}, {}, [])
        for party in scenario.parties:
            name, preferences = party.id, party.preferences
            stated.urgency[name], stated.salience[name] = party.urgency, party.salience  # never written: worlds copy
            stated.cost_of_delay[name] = party.cost_of_delay
            if party.role == "mediator":
                mediation = party.mediation
                stated.lean[name] = mediation.lean if mediation else None
                reaches = mediation.reaches if mediation else None
                stated.reaches[name] = None if reaches is None else tuple(reaches)
            if preferences is not None:
                stated.weighing.append(party)
                stated.walk_away[name] = preferences.reservation
                stated.power[name] = preferences.bargaining_power
        return stated


def rank_by_utility(utility: Floats) -> tuple[npt.NDArray[np.intp], Floats]:
    """Positions ranked by utility (ascending, ties by position, as a stable sort has them), and those utilities."""
    count = len(utility)
    order = utility.argsort()  # the fast sort: ties come in no set order
    ranked = utility.take(order)
    starts = np.empty(count, dtype=bool)  # where a run of equal utilities starts
    starts[:1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=starts[1:])
    if starts.all():
        return order, ranked
    # Ties by position, as a stable sort has them: order by (run, position), keys already in order
    # but within runs, so this sort costs little (a stable sort of the floats took 3x the first).
    key = np.cumsum(starts, dtype=np.int64) * count + order
    key.sort()
    return key % count, ranked


_SHARED_SPACE = 100_000
"""Outcome spaces up to this many packages share one array of packages between scenarios."""
_LISTED = 100_000
"""Outcome spaces up to this many packages keep each party's utilities as a plain list too (:meth:`Shared.worth`)."""


@lru_cache(maxsize=16)
def _every_package(sizes: tuple[int, ...]) -> Codes:
    """Every complete package of a space of these sizes, shared read-only by the scenarios that have them."""
    packages = OutcomeSpace.every_package_of(sizes)
    packages.setflags(write=False)
    return packages


def shared_by_runs(scenario: Scenario, bounds: CacheBounds | None = None) -> Shared:
    """What the runs of a scenario share (kept for the few most recently used scenarios).

    With ``bounds`` other than those it has, its caches start afresh with these bounds; without,
    a new preparation has :data:`BOUNDS`.
    """
    # By id: an entry's Shared keeps its scenario alive, so no other scenario takes that id meanwhile.
    found = kept(_PREPARED, id(scenario), Shared, scenario)
    if bounds is not None and found.bounds != bounds:
        found.rebound(bounds)
    return found


_PREPARED: Lru[int, Shared] = Lru(PREPARED_SCENARIOS)
"""The scenarios whose preparation is kept, by id."""
