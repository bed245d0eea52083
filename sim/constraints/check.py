"""The one check: does a package meet each party's red lines and walk-away value?

Every caller (``negsim evaluate``, the analyses, the mediator, the engine) decides
feasibility through :meth:`CompiledConstraints.check`. Verdicts are three-valued (:class:`Verdict`): a red line
*holds*, *breaks*, or is *open* when the package leaves open an issue it depends on
and the way that issue is settled would decide it. Open verdicts from Kleene logic
are settled exactly by trying every completion of the open issues the red line reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..scenario.model import Scenario
from .arrays import Bools, Codes, Columns, Floats, Verdicts
from .compile import CompiledPreferences, CompiledRedLine, Compiler, Test
from .space import LEFT_OPEN, OutcomeSpace
from .verdict import Verdict
from .walk_away import meeting

WALK_AWAY_ID = "reservation-value"
_COMPLETIONS_LIMIT = 4096
_BLOCK_ROWS = 1_000_000
_CHECK_ROWS = 1 << 16


def columns_of(packages: Codes, read: frozenset[int] | None = None) -> Columns:
    """Split packages into one contiguous column of codes per issue, as ``np.intp`` for fast lookups.

    With ``read``, only those issues' columns are made; the others are empty (no test reads them).
    """
    return [packages[:, j].astype(np.intp) if read is None or j in read else _UNREAD
            for j in range(packages.shape[1])]


_UNREAD = np.empty(0, dtype=np.intp)


@dataclass(frozen=True)
class Check:
    """Verdicts of many packages: one row per red line or walk-away value, one column per package."""

    red_lines: Verdicts
    walk_aways: Verdicts
    utility_low: Floats
    utility_high: Floats

    def meets_everything(self) -> Bools:
        """Which packages meet every red line and every walk-away value (complete packages: none is open)."""
        ok = np.ones(self.utility_low.shape[1], dtype=bool)
        for rows in (self.red_lines, self.walk_aways):
            ok &= (rows == Verdict.HOLDS.value).all(axis=0)
        return ok


@dataclass(frozen=True)
class CompiledConstraints:
    """Every party's red lines and walk-away value, compiled for one scenario: the one check."""

    space: OutcomeSpace
    red_lines: tuple[CompiledRedLine, ...]
    preferences: tuple[CompiledPreferences, ...]

    @classmethod
    def of(cls, scenario: Scenario, compiler: Compiler | None = None) -> CompiledConstraints:
        """Compile the stated version of every red line and every party's preferences."""
        compiler = compiler or Compiler(scenario)
        red_lines = tuple(compiler.red_line(p.id, r) for p in scenario.parties for r in p.red_lines)
        prefs = tuple(c for p in scenario.parties if (c := compiler.preferences(p)) is not None)
        return cls(compiler.space, red_lines, prefs)

    def check(self, packages: Codes) -> Check:
        """Check packages (rows of codes, :data:`LEFT_OPEN` for open issues) against everything."""
        packages = np.atleast_2d(np.asarray(packages, dtype=np.int16))
        n = packages.shape[0]
        complete = not (packages == LEFT_OPEN).any()
        red = np.empty((len(self.red_lines), n), dtype=np.int8)
        low = np.empty((len(self.preferences), n))
        high = np.empty_like(low)
        # Only the issues something reads are made into columns: a red line alone reads one or two.
        read = None if self.preferences else frozenset().union(*(r.test.issues for r in self.red_lines))
        # Blocks of rows keep the intermediate arrays in cache and bound the memory used.
        for start in range(0, n, _CHECK_ROWS):
            rows = slice(start, start + _CHECK_ROWS)
            cols = columns_of(packages[rows], read)
            for r, red_line in enumerate(self.red_lines):
                red[r, rows] = red_line.test(cols)
            for p, prefs in enumerate(self.preferences):
                low[p, rows], high[p, rows] = prefs.utility_bounds(cols, complete=complete)
        if not complete:
            for r, red_line in enumerate(self.red_lines):
                settle_open(red_line.test, packages, red[r], self.space.sizes)
        walk_away = np.array([p.walk_away for p in self.preferences])[:, None]
        # holds if even the lowest completion meets the walk-away value, open if only the highest does
        walk_aways = np.where(meeting(low, walk_away), Verdict.HOLDS.value,
                              np.where(meeting(high, walk_away), Verdict.OPEN.value, Verdict.BREAKS.value))
        walk_aways = walk_aways.astype(np.int8)
        return Check(red, walk_aways, low, high)

    def feasible(self, packages: Codes) -> Bools:
        """Which complete packages meet every red line and every walk-away value."""
        return self.check(packages).meets_everything()


def settle_open(test: Test, packages: Codes, verdicts: Verdicts, sizes: tuple[int, ...]) -> None:
    """Replace open verdicts by holds/breaks where every completion agrees (in place)."""
    unsettled = np.flatnonzero(verdicts == Verdict.OPEN.value)
    if unsettled.size == 0:
        return
    issues = sorted(test.issues)
    patterns, inverse = np.unique(packages[unsettled][:, issues] == LEFT_OPEN, axis=0, return_inverse=True)
    for p, pattern in enumerate(patterns):
        free = [issues[j] for j in np.flatnonzero(pattern)]
        count = math.prod(sizes[f] for f in free)
        if not free or count > _COMPLETIONS_LIMIT:
            continue
        fills = np.indices([sizes[f] for f in free], dtype=np.int16).reshape(len(free), -1).T
        rows = unsettled[inverse.ravel() == p]
        step = max(1, _BLOCK_ROWS // count)
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            block = np.repeat(packages[chunk], count, axis=0)
            block[:, free] = np.tile(fills, (len(chunk), 1))
            found = test(columns_of(block)).reshape(len(chunk), count)
            verdicts[chunk] = np.where((found == Verdict.HOLDS.value).all(axis=1), Verdict.HOLDS.value,
                                       np.where((found == Verdict.BREAKS.value).all(axis=1), Verdict.BREAKS.value,
                                                Verdict.OPEN.value))
