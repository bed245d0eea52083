"""The outcome space as integer codes.

A package gives every issue a value; we store it as a row of integer codes, one per
issue (the value's position in the issue's domain), with :data:`LEFT_OPEN` (-1) where the
package leaves an issue open. Many packages are a 2-D ``int16`` array, so that checking
one package and checking a million run the same vectorised code.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from operator import mul

import numpy as np

from ..errors import UsageError
from ..scenario.base import Scalar
from ..scenario.events import AddRedLine
from ..scenario.hints import did_you_mean, one_of, quoted
from ..scenario.model import Scenario
from .arrays import Codes

LEFT_OPEN = -1
"""Code of an issue that a package leaves open (not the verdict :attr:`~sim.constraints.verdict.Verdict.OPEN`)."""

MEMORY_BUDGET_VARIABLE = "NEGSIM_MEMORY_BUDGET"
DEFAULT_MEMORY_BUDGET = 4_000_000_000
"""Bytes that enumerating an outcome space may take (4 GB), unless NEGSIM_MEMORY_BUDGET says otherwise."""
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
          "t": 10**12, "tb": 10**12}


def memory_budget() -> int:
    """Bytes an enumeration of the outcome space may take: NEGSIM_MEMORY_BUDGET (e.g. ``16GB``), else 4 GB."""
    text = os.environ.get(MEMORY_BUDGET_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MEMORY_BUDGET
    found = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-z]*)", text.lower())
    if found is None or found.group(2) not in _UNITS or float(found.group(1)) <= 0:
        raise UsageError(f"{MEMORY_BUDGET_VARIABLE}={text!r} is not an amount of memory; "
                         "write bytes or a number with KB, MB, GB or TB, e.g. 16GB")
    return int(float(found.group(1)) * _UNITS[found.group(2)])


_BEYOND_DIGITS = 10**15
"""From here on, a count is shown by its order of magnitude: spaces of many issues have counts
of hundreds of digits, which a float cannot hold and no reader wants spelt out."""


def readable_count(count: int) -> str:
    """A count of packages with thousands separators, or ``about 10^N`` when it is astronomical."""
    if count < _BEYOND_DIGITS:
        return f"{count:,}"
    return f"about 10^{math.floor(math.log10(count))}"


def readable_bytes(amount: float) -> str:
    """An amount of memory in decimal units, e.g. ``7.4 GB``."""
    if amount >= _BEYOND_DIGITS * 10**3:
        return f"10^{math.floor(math.log10(amount))} bytes"
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if amount >= size:
            return f"{amount / size:,.1f} {unit}"
    return f"{amount:,.0f} bytes"


def _red_line_count(scenario: Scenario) -> int:
    """Red lines of every party, their versions, and the red lines events add: each may get a mask."""
    count = 0  # plain loops: each comprehension would make a function object (architecture.md, speed)
    for party in scenario.parties:
        for red_line in party.red_lines:
            count += 1 + len(red_line.versions)
    for event in scenario.events:
        for effect in event.effects:
            if isinstance(effect, AddRedLine):
                count += 1 + len(effect.red_line.versions)
    return count


def run_bytes_per_package(scenario: Scenario) -> int:
    """Upper estimate of the memory a run takes per package of its outcome space.

    Measured with tracemalloc and the peak resident size on random scenarios, on the Gaza
    scenario widened to 1.8e6-1.8e7 packages and on talks of 4 parties who accept every package
    (the largest rankings: 211 bytes a package alternating, 142 mediated, against 332 and 348
    estimated); see docs/scenario-format.md. Per party
    with preferences: its utilities (8), its ranking at its largest (the packages it can accept
    and its utilities of them as found, a mask of them, the same ranked from the top down with
    the temporaries of ranking the last part, best offers and their value to the others while the
    offers are worked out: 56), and its codes issue by issue for counters (2 per issue); per
    red line or version: its mask and the check's verdicts (4); per mediator: its scores and
    penalties (16); codes (2 per issue) and the ZOPA.
    """
    weighing = mediators = 0
    for party in scenario.parties:  # one pass, each field read once (architecture.md, speed)
        weighing += party.preferences is not None
        mediators += party.role == "mediator"
    issues = len(scenario.issues)
    return 16 + 2 * issues + (64 + 2 * issues) * weighing + 4 * _red_line_count(scenario) + 16 * mediators


def explain_bytes_per_package(scenario: Scenario) -> int:
    """Upper estimate of the memory the deal-space analysis of ``explain`` takes per package.

    Measured with tracemalloc on random scenarios of 2-4 parties (117-261 bytes a package):
    per party with preferences its utilities, bounds and the reference points' arrays (64);
    per red line its verdicts (2); codes (2 per issue).
    """
    weighing = sum(1 for p in scenario.parties if p.preferences is not None)
    return 16 + 2 * len(scenario.issues) + 64 * weighing + 2 * _red_line_count(scenario)


@dataclass(frozen=True)
class OutcomeSpace:
    """The product of the issues' domains; a package is one code per issue."""

    issues: tuple[str, ...]
    domains: tuple[tuple[Scalar, ...], ...]
    sizes: tuple[int, ...] = field(init=False, repr=False, compare=False)
    """Number of values of each issue."""
    size: int = field(init=False, repr=False, compare=False)
    """Number of complete packages."""

    _digits: tuple[tuple[str, tuple[Scalar, ...], int, int], ...] = field(init=False, repr=False, compare=False)
    """Per issue, what :meth:`terms_at` reads its value with: the issue, its values, how many
    packages one step of its code spans, and its number of values."""

    def __init__(self, issues: tuple[str, ...], domains: tuple[tuple[Scalar, ...], ...]) -> None:
        """The dataclass's own constructor, written out to set the fields faster (as :class:`Outcome`'s).

        The fields go straight into the instance's dict: the constructor a frozen dataclass
        generates, and a ``__post_init__`` for the derived ones, set each through
        ``object.__setattr__`` (architecture.md, speed). Once made, a space is as frozen as any.
        """
        sizes = tuple(map(len, domains))
        spans = list(accumulate(sizes[:0:-1], mul, initial=1))  # products of the sizes after each issue's, last first
        spans.reverse()
        vars(self).update(issues=issues, domains=domains, sizes=sizes, size=math.prod(sizes),
                          _digits=tuple(zip(issues, domains, spans, sizes, strict=True)))

    @classmethod
    def of(cls, scenario: Scenario) -> OutcomeSpace:
        """Build the outcome space of a scenario, issues in file order."""
        ids, domains = [], []
        for issue in scenario.issues:  # one plain loop, each issue read once (architecture.md, speed)
            ids.append(issue.id)
            domains.append(issue.domain())
        return cls(tuple(ids), tuple(domains))

    def position(self, issue: str) -> int:
        """Column of an issue in a package row."""
        try:
            return self.issues.index(issue)
        except ValueError:
            raise UsageError(f"unknown issue '{issue}'" + did_you_mean(issue, self.issues)) from None

    def code(self, issue: str, value: Scalar) -> int:
        """Code of one value of one issue."""
        domain = self.domains[self.position(issue)]
        for code, known in enumerate(domain):
            if known == value and type(known) is type(value):
                return code
        raise UsageError(f"{quoted(value)} is not a value of issue '{issue}'"
                         + (did_you_mean(value, domain) or f"; its values are {one_of(domain)}"))

    def encode(self, terms: Mapping[str, Scalar]) -> Codes:
        """Encode a package; issues missing from ``terms`` are open."""
        row = np.full(len(self.issues), LEFT_OPEN, dtype=np.int16)
        for issue, value in terms.items():
            row[self.position(issue)] = self.code(issue, value)
        return row

    def terms_at(self, index: int) -> dict[str, Scalar]:
        """Terms of the complete package at position ``index`` of :meth:`every_package` (a fresh dict each call).

        Packages are listed in lexicographic order of codes, so an issue's code is a digit of
        ``index`` written in the mixed radix of the issues' sizes.
        """
        terms = {}
        for issue, values, span, size in self._digits:  # a plain loop: a few times a run, quicker than a comprehension
            terms[issue] = values[index // span % size]
        return terms

    def decode(self, row: Codes) -> dict[str, Scalar | None]:
        """Terms of an encoded package, with None for open issues."""
        return {
            issue: (None if code == LEFT_OPEN else domain[code])
            for issue, domain, code in zip(self.issues, self.domains, row.tolist(), strict=True)
        }

    def every_package(self, bytes_per_package: int = 2, purpose: str = "listing every package") -> Codes:
        """All complete packages, one row each, in lexicographic order of codes.

        Refused before anything is allocated when ``bytes_per_package`` (what the caller
        will hold per package, codes included) times the packages exceeds the memory budget.
        """
        self.require_memory(bytes_per_package, purpose)
        return self.every_package_of(self.sizes)

    def fits_memory(self, bytes_per_package: int) -> bool:
        """Whether an enumeration of this space holding ``bytes_per_package`` a package fits the memory budget."""
        return self._needed(bytes_per_package) <= memory_budget()

    def _needed(self, bytes_per_package: int) -> int:
        return self.size * max(bytes_per_package, 2 * len(self.sizes))  # the packages' codes at least

    def require_memory(self, bytes_per_package: int, purpose: str) -> None:
        """Refuse, with the figures, an enumeration of this space that would need more than the memory budget."""
        needed, budget = self._needed(bytes_per_package), memory_budget()
        if needed > budget:
            raise UsageError(
                f"the outcome space has {readable_count(self.size)} packages; {purpose} may need up to "
                f"{readable_bytes(needed)} of memory, more than the {readable_bytes(budget)} allowed; give issues "
                f"fewer values, leave out issues no party weighs, or raise {MEMORY_BUDGET_VARIABLE} (e.g. 16GB) if "
                "the machine has the memory")

    @staticmethod
    def every_package_of(sizes: tuple[int, ...]) -> Codes:
        """All complete packages of a space whose issues have these numbers of values."""
        return np.indices(sizes, dtype=np.int16).reshape(len(sizes), -1).T.copy()

    def random_packages(self, rng: np.random.Generator, n: int) -> Codes:
        """``n`` complete packages drawn uniformly."""
        sizes = np.asarray(self.sizes)
        codes: Codes = (rng.random((n, len(sizes))) * sizes).astype(np.int16)
        return codes
