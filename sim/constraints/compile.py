"""Compile red lines and preferences into vectorised tests over package codes.

Each atom of a condition becomes a lookup table over its issue's codes holding a
:class:`~sim.constraints.verdict.Verdict` (0 breaks, 1 open, 2 holds); its last slot is the verdict
for an open issue, so indexing with :data:`~sim.constraints.space.LEFT_OPEN` (-1) reads it. Compound conditions combine
verdicts with Kleene's three-valued logic: ``all`` is the minimum, ``any`` the maximum,
``not`` is ``2 - x``. Each named condition is compiled once and its test shared by every
condition that refers to it; a combined test evaluates each shared part once per call, so
the work is linear in the distinct parts, however often names are reused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import Literal, Protocol

import numpy as np

from ..errors import UsageError
from ..scenario.base import Scalar
from ..scenario.conditions import MAX_CONDITION_DEPTH, AllOf, AnyOf, Atom, Condition, IfThen, Named, Negation
from ..scenario.model import Issue, Party, Preferences, Scenario
from ..scenario.redlines import STATED, RedLine
from .arrays import Columns, Floats, Indices, Verdicts
from .space import OutcomeSpace
from .verdict import Verdict


class Test(Protocol):
    """A compiled condition: package columns in, one verdict per package out."""

    @property
    def issues(self) -> frozenset[int]:
        """Columns of the issues the test reads."""
        ...

    def __call__(self, columns: Columns) -> Verdicts:
        """Verdicts for the packages whose code columns are given."""
        ...


@dataclass(frozen=True, eq=False)
class AtomTest:
    """Verdict of one issue's value, read from a table indexed by its code."""

    issue: int
    table: Verdicts

    @property
    def issues(self) -> frozenset[int]:
        """The one issue this atom reads."""
        return frozenset((self.issue,))

    def __call__(self, columns: Columns) -> Verdicts:
        """Look each package's code up in the table."""
        # np.take reads code -1 (LEFT_OPEN) as the last slot, as indexing does, but runs faster.
        return np.take(self.table, columns[self.issue])


@dataclass(frozen=True, eq=False)
class Combined:
    """Kleene combination of sub-tests: ``all``, ``any``, ``not`` or ``implies``.

    Sub-tests may be shared (a named condition used twice is one test): a call evaluates
    every distinct combined part once, in an order worked out when the test is built,
    without recursion.
    """

    how: Literal["all", "any", "not", "implies"]
    parts: tuple[Test, ...]
    issues: frozenset[int] = field(init=False, repr=False)
    """Every issue the sub-tests read."""
    _plan: tuple[Combined, ...] = field(init=False, repr=False)
    """The distinct combined tests under this one, each after its parts (not itself: a test holding
    itself would be a reference cycle, freed only by the garbage collector)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "issues", frozenset().union(*(p.issues for p in self.parts)))
        object.__setattr__(self, "_plan", _evaluation_order(self))

    def __call__(self, columns: Columns) -> Verdicts:
        """Combine the sub-tests' verdicts with Kleene logic."""
        done: dict[int, Verdicts] = {}
        for node in self._plan:
            done[id(node)] = node.combine(node.verdicts_of_parts(columns, done))
        return self.combine(self.verdicts_of_parts(columns, done))

    def verdicts_of_parts(self, columns: Columns, done: dict[int, Verdicts]) -> list[Verdicts]:
        """Each part's verdicts: a combined part's from ``done``, where its own are by then."""
        return [done[id(p)] if isinstance(p, Combined) else p(columns) for p in self.parts]

    def combine(self, values: list[Verdicts]) -> Verdicts:
        """This test's verdicts from its parts' verdicts."""
        if self.how == "not":
            return (Verdict.HOLDS.value - values[0]).astype(np.int8)
        if self.how == "implies":
            return np.maximum(Verdict.HOLDS.value - values[0], values[1]).astype(np.int8)
        reduce = np.minimum if self.how == "all" else np.maximum
        out = values[0]
        for value in values[1:]:
            out = reduce(out, value)
        return out


def _evaluation_order(root: Combined) -> tuple[Combined, ...]:
    """Distinct combined tests under ``root`` (by identity), each after its parts; ``root`` itself not.

    Parts are built before the tests that hold them, so their own orders already exist.
    """
    order: list[Combined] = []
    placed: set[int] = set()
    for part in root.parts:
        for inner in (*part._plan, part) if isinstance(part, Combined) else ():
            if id(inner) not in placed:
                placed.add(id(inner))
                order.append(inner)
    return tuple(order)


@dataclass(frozen=True)
class CompiledRedLine:
    """One party's red line, ready to check: ``ref`` is ``party/red-line-id``."""

    party: str
    red_line_id: str
    test: Test
    defer_if_open: bool
    source: RedLine

    @property
    def ref(self) -> str:
        """The red line's name in output: ``party/red-line-id``."""
        return f"{self.party}/{self.red_line_id}"


@dataclass(frozen=True)
class CompiledPreferences:
    """A party's additive utility as per-issue tables of weighted values."""

    party: str
    tables: tuple[Floats, ...]
    walk_away: float
    _open_slots: list[tuple[Floats, ...]] = field(
        default_factory=list, init=False, repr=False, compare=False)

    def _extended(self) -> list[tuple[Floats, ...]]:
        """Tables with a last slot for an open issue (code -1): its lowest, then its highest value."""
        if not self._open_slots:
            self._open_slots.append(tuple(np.append(t, t.min()) for t in self.tables))
            self._open_slots.append(tuple(np.append(t, t.max()) for t in self.tables))
        return self._open_slots

    def utility_bounds(self, columns: Columns, *, complete: bool = False) -> tuple[
            Floats, Floats]:
        """Lowest and highest utility over the ways open issues can be settled.

        With ``complete`` (no issue open), both bounds are the utility itself.
        """
        n = len(columns[0]) if columns else 0
        if complete:
            utility = np.zeros(n)
            for table, column in zip(self.tables, columns, strict=True):
                utility += np.take(table, column)
            return utility, utility
        lowest, highest = self._extended()
        low, high = np.zeros(n), np.zeros(n)
        for table, column in zip(lowest, columns, strict=True):
            low += np.take(table, column)
        for table, column in zip(highest, columns, strict=True):
            high += np.take(table, column)
        return low, high


def _table(issue: Issue, atom: Atom) -> Verdicts:
    domain = issue.domain()
    codes = np.arange(len(domain))
    wanted = atom.value if isinstance(atom.value, list) else [atom.value]
    hits = np.array([any(v == w and type(v) is type(w) for w in wanted) for v in domain])
    target = int(np.argmax(hits)) if hits.any() else -1
    truth = {
        "==": hits, "in": hits, "!=": ~hits, "not in": ~hits,
        "<=": codes <= target, ">=": codes >= target, "<": codes < target, ">": codes > target,
    }[atom.op]
    table = np.where(truth, Verdict.HOLDS.value, Verdict.BREAKS.value).astype(np.int8)
    open_verdict = Verdict.HOLDS if truth.all() else Verdict.BREAKS if not truth.any() else Verdict.OPEN
    return np.append(table, np.int8(open_verdict))


def allowed_values(issue: Issue, atom: Atom) -> tuple[bool, ...]:
    """Which of the issue's values, in domain order, satisfy the atom: the table the one check looks codes up in.

    Args:
        issue: The issue the atom compares; its domain gives the codes.
        atom: A comparison of that issue's value.

    Returns:
        One flag per value of the issue's domain, true where the atom holds (the open slot left out).
    """
    return tuple(bool(verdict == Verdict.HOLDS) for verdict in _table(issue, atom)[:-1])


class Compiler:
    """Compiles the conditions of one scenario against its outcome space."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.space = OutcomeSpace.of(scenario)
        self._integer = tuple([issue.type == "integer" for issue in scenario.issues])
        """Whether each issue is an integer issue, in file order; read once, not per party (architecture.md, speed)."""
        self._named: dict[str, Test] = {}
        self._depth = 0

    @cached_property
    def issues(self) -> dict[str, Issue]:
        """The scenario's issues by id (made when an atom is first compiled: runs without red lines compile none)."""
        return {i.id: i for i in self.scenario.issues}

    def condition(self, cond: Condition) -> Test:
        """Compile a validated condition; each named condition is compiled once and shared."""
        if isinstance(cond, Named):
            if cond.condition not in self._named:
                self._named[cond.condition] = self._nested(self.scenario.conditions[cond.condition])
            return self._named[cond.condition]
        return self._nested(cond)

    def _nested(self, cond: Condition) -> Test:
        """Compile one level down, refusing nesting a loaded scenario cannot have (a model built in code can)."""
        if self._depth >= MAX_CONDITION_DEPTH:
            raise UsageError(f"a condition nests more than {MAX_CONDITION_DEPTH} levels deep with its named "
                             "conditions written out; load the scenario with negsim's loader to find where")
        self._depth += 1
        try:
            return self._compile(cond)
        finally:
            self._depth -= 1

    def _compile(self, cond: Condition) -> Test:
        if isinstance(cond, Atom):
            return AtomTest(self.space.position(cond.issue), _table(self.issues[cond.issue], cond))
        if isinstance(cond, AllOf):
            return Combined("all", tuple(self.condition(c) for c in cond.all_of))
        if isinstance(cond, AnyOf):
            return Combined("any", tuple(self.condition(c) for c in cond.any_of))
        if isinstance(cond, Negation):
            return Combined("not", (self.condition(cond.negated),))
        if isinstance(cond, IfThen):
            return Combined("implies", (self.condition(cond.if_), self.condition(cond.then)))
        return self.condition(cond)

    def red_line(self, party: str, red_line: RedLine) -> CompiledRedLine:
        """Compile a red line: where ``when`` holds, ``require`` must."""
        test = self.condition(red_line.require)
        if red_line.when is not None:
            test = Combined("implies", (self.condition(red_line.when), test))
        return CompiledRedLine(party=party, red_line_id=red_line.id, test=test,
                               defer_if_open=red_line.if_left_open == "defer", source=red_line)

    def version(self, party: str, red_line: RedLine, version_id: str) -> CompiledRedLine | None:
        """Compile one version of a red line (``stated`` or an alternative); None for a bluff."""
        if version_id == STATED:
            return self.red_line(party, red_line)
        version = next(v for v in red_line.versions if v.id == version_id)
        if version.require is None:
            return None
        test = self.condition(version.require)
        if version.when is not None:
            test = Combined("implies", (self.condition(version.when), test))
        return CompiledRedLine(party=party, red_line_id=red_line.id, test=test,
                               defer_if_open=red_line.if_left_open == "defer", source=red_line)

    def weighted_values(self, prefs: Preferences) -> list[list[float]]:
        """A party's value of each value of each issue, times the issue's weight (weights normalised to sum to one)."""
        weights, tables = prefs.weights, prefs.values
        total = sum(weights.values()) or 1.0
        rows = []
        for issue, domain, integer in zip(self.space.issues, self.space.domains, self._integer, strict=True):
            weight = weights.get(issue, 0.0) / total
            table = tables.get(issue)
            if not table:
                rows.append([0.0 * weight] * len(domain))
            elif integer:
                rows.append((_interpolated(domain, table) * weight).tolist())
            else:
                rows.append([table[v] * weight for v in domain])
        return rows

    def preferences(self, party: Party) -> CompiledPreferences | None:
        """Compile a party's preferences, weights normalised to sum to one."""
        prefs = party.preferences
        if prefs is None:
            return None
        tables = tuple(np.array(values, dtype=np.float64) for values in self.weighted_values(prefs))
        return CompiledPreferences(party=party.id, tables=tables, walk_away=prefs.reservation)

    def every_utility(self, parties: Sequence[Party]) -> Floats:
        """Every complete package's utility for each of these parties (all with preferences), a row each.

        Packages in the order of :meth:`OutcomeSpace.every_package`; the same sums in the
        same order as :meth:`CompiledPreferences.utility_bounds` of complete packages, to the bit.
        """
        sizes = self.space.sizes
        if not parties or not sizes:
            return np.zeros((len(parties), self.space.size))
        flat: list[float] = []  # every party's weighted values, end to end
        for party in parties:
            prefs = party.preferences
            assert prefs is not None, "every party must have preferences"
            for values in self.weighted_values(prefs):
                flat += values  # one extend in C, where a comprehension steps through every value
        return _summed(np.array(flat, dtype=np.float64), len(parties), self.space)


def _summed(values: Floats, rows: int, space: OutcomeSpace) -> Floats:
    """Every package's utility for each of ``rows`` parties from ``values``, their rows end to end.

    A row holds each issue's weighted values, issue after issue. Issue by issue from the empty
    sum, as :meth:`CompiledPreferences.utility_bounds` adds them.
    """
    sizes = space.sizes
    if space.size <= _TAKEN_SPACE:
        # (issues, rows, packages): each issue's block is contiguous, so each sum runs numpy's plain loop
        # (a block strided between issues takes its slow one, twice the instructions).
        taken = values.take(_value_columns(sizes, rows))
        utility: Floats = taken[0] + 0.0  # the empty sum plus the first issue's value, as the outer sums start
        for issue in range(1, len(sizes)):
            utility += taken[issue]
        return utility
    values = values.reshape(rows, -1)
    starts = list(accumulate(sizes, initial=0))
    utility = values[:, :sizes[0]] + 0.0
    for issue in range(1, len(sizes)):
        table = values[:, starts[issue]:starts[issue + 1]]
        utility = (utility[..., None] + table.reshape(rows, *(1,) * issue, -1))
    return utility.reshape(rows, -1)


_TAKEN_SPACE = 10_000
"""Up to this many packages, utilities are summed from value columns kept per space shape and parties."""


@lru_cache(maxsize=16)
def _value_columns(sizes: tuple[int, ...], rows: int) -> Indices:
    """By issue, row and package: where the package's value of the issue sits in ``rows`` rows end to end.

    A row holds every issue's values, issue after issue (as :func:`_summed` reads them).
    """
    codes = np.indices(sizes).reshape(len(sizes), 1, -1)
    starts = np.array(list(accumulate(sizes, initial=0))[:-1])[:, None, None]
    columns: Indices = codes + starts + (np.arange(rows) * sum(sizes))[None, :, None]
    columns.setflags(write=False)
    return columns


def _interpolated(domain: tuple[Scalar, ...], table: Mapping[Scalar, float]) -> Floats:
    """An integer issue's values at each of its values, interpolated between the given points."""
    points = sorted((int(k), v) for k, v in table.items())
    xs, ys = [p for p, _ in points], [v for _, v in points]
    values: Floats = np.interp(np.asarray(domain, float), xs, ys).astype(np.float64)
    return values
