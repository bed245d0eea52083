"""Summaries of many replications: agreement rate with its interval, dates, blockers, terms."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (95% by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def quantile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolated quantile of sorted values."""
    if not sorted_values:
        return math.nan
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass
class ErrorKind:
    """How many replications failed with one kind of error, and the first one's text."""

    count: int
    first: str


def error_kind(error: str) -> str:
    """The kind of a replication's error: the exception's name its text starts with (``RunTooLong: ...``).

    Errors are grouped by kind, not by text: texts of one kind differ from run to run (a run's
    events and seconds when it went on too long).
    """
    kind, colon, _ = error.partition(":")
    return kind if colon and kind.isidentifier() else error


@dataclass
class Summary:
    """Accumulates replication rows one at a time, in constant memory per distinct value.

    A row is its cells as replications.csv holds them, in the order of ``columns``: the
    summary of a sweep read back from its file (a stopped one, a resumed one) is then the one
    it had while running, to the byte.
    """

    start: date
    columns: Sequence[str]
    uncertain: list[str] = field(default_factory=list)
    """What the scenario's runs draw that can differ between them (:func:`sim.simulation.draws.uncertainties`)."""
    runs: int = 0
    errors: int = 0
    agreed: int = 0
    days: list[float] = field(default_factory=list)
    blocking: Counter[str] = field(default_factory=Counter)
    terms: dict[str, Counter[str]] = field(default_factory=dict)
    error_kinds: dict[str, ErrorKind] = field(default_factory=dict)
    """Failed replications by the kind of their error, each with the first one's text."""
    outcomes: set[int] = field(default_factory=set)
    """A hash of each distinct outcome (a row but for its replication, seed, replay command and draws)."""
    _at: dict[str, int] = field(init=False, repr=False)
    _outcome: Callable[[Sequence[str]], object] = field(init=False, repr=False)
    _term_at: list[tuple[Counter[str], int]] = field(init=False, repr=False)
    """Each issue's counts of agreed terms, and where its term sits in a row."""

    def __post_init__(self) -> None:
        self._at = {name: k for k, name in enumerate(self.columns)}
        self._outcome = itemgetter(*[k for name, k in self._at.items() if _is_outcome(name)])
        self.terms = {name[5:]: Counter() for name in self.columns if name.startswith("term:")}
        self._term_at = [(counts, self._at[f"term:{issue}"]) for issue, counts in self.terms.items()]

    def add(self, cells: Sequence[str]) -> None:
        """Take one replication row (its cells, in the order of ``columns``) into the summary."""
        at = self._at
        self.runs += 1
        self.outcomes.add(hash(self._outcome(cells)))
        error = cells[at["error"]]
        if error:
            self.errors += 1
            self._note_error(error)
            return
        if cells[at["agreed"]] == "true":
            self.agreed += 1
            self.days.append(float(cells[at["day"]]))
            for counts, k in self._term_at:
                counts[cells[k]] += 1
        else:
            self.blocking.update(cells[at["blocking"]].split())

    def add_all(self, rows: Iterable[Sequence[str]]) -> Summary:
        """Take these rows into the summary (and return it)."""
        for cells in rows:
            self.add(cells)
        return self

    def _note_error(self, error: str) -> None:
        kind = error_kind(error)
        found = self.error_kinds.get(kind)
        if found is None:
            self.error_kinds[kind] = ErrorKind(1, error)
        else:
            found.count += 1

    @property
    def valid(self) -> int:
        """Replications that ran without error."""
        return self.runs - self.errors

    @property
    def identical(self) -> bool:
        """Whether the runs are copies of one run: nothing in the scenario is uncertain, and every outcome is the same.

        Such runs are not independent draws, and no interval is given for them (runs that all
        failed have no rate to give one for, and are not called identical).
        """
        return not self.uncertain and len(self.outcomes) == 1 and self.valid > 0

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (summary.json)."""
        low, high = wilson(self.agreed, self.valid)
        days = sorted(self.days)
        return {
            "replications": self.runs,
            "distinct_outcomes": len(self.outcomes),
            "uncertain": list(self.uncertain),
            "identical_runs": self.identical,
            "errors": self.errors,
            "errors_by_kind": {kind: {"count": found.count, "first": found.first}
                               for kind, found in sorted(self.error_kinds.items(), key=lambda kv: -kv[1].count)},
            "agreements": self.agreed,
            "agreement_rate": _r(self.agreed / self.valid) if self.valid else None,
            "agreement_rate_95": None if self.identical or not self.valid else [_r(low), _r(high)],
            "date_quantiles": {f"{int(q * 100)}%": self._date(quantile(days, q)) for q in QUANTILES} if days else {},
            "day_quantiles": {f"{int(q * 100)}%": _r(quantile(days, q)) for q in QUANTILES} if days else {},
            "agreed_by_date": self._cumulative(days),
            "blocking": dict(sorted(self.blocking.items(), key=lambda kv: (-kv[1], kv[0]))),
            "terms": {issue: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
                      for issue, c in self.terms.items() if c},
        }

    def _date(self, day: float) -> str:
        return (self.start + timedelta(days=int(day // 1))).isoformat()

    def _cumulative(self, days: list[float]) -> dict[str, float]:
        counts = Counter(self._date(d) for d in days)
        out, total = {}, 0
        for when in sorted(counts):
            total += counts[when]
            out[when] = _r(total / self.valid)
        return out


def _is_outcome(column: str) -> bool:
    """Whether a column of replications.csv is part of a run's outcome (not its index, seed, replay or draws)."""
    return column not in ("replication", "root_seed", "replay") and not column.startswith(("version:", "draw:"))


def _r(value: float) -> float:
    return round(value, 6)
