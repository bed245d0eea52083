"""The outcome space as integer codes.

A package gives every issue a value; we store it as a row of integer codes, one per
issue (the value's position in the issue's domain), with :data:`OPEN` (-1) where the
package leaves an issue open. Many packages are a 2-D ``int16`` array, so that checking
one package and checking a million run the same vectorised code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim.errors import UsageError
from sim.scenario.base import Scalar
from sim.scenario.hints import did_you_mean, one_of, quoted
from sim.scenario.model import Scenario

OPEN = -1
"""Code of an issue that a package leaves open."""

Codes = npt.NDArray[np.int16]


@dataclass(frozen=True)
class OutcomeSpace:
    """The product of the issues' domains; a package is one code per issue."""

    issues: tuple[str, ...]
    domains: tuple[tuple[Scalar, ...], ...]
    sizes: tuple[int, ...] = field(init=False, repr=False, compare=False)
    """Number of values of each issue."""
    size: int = field(init=False, repr=False, compare=False)
    """Number of complete packages."""

    def __post_init__(self) -> None:
        sizes = tuple([len(d) for d in self.domains])
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "size", math.prod(sizes))

    @classmethod
    def of(cls, scenario: Scenario) -> OutcomeSpace:
        """Build the outcome space of a scenario, issues in file order."""
        return cls(tuple([i.id for i in scenario.issues]), tuple([i.domain() for i in scenario.issues]))

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
        row = np.full(len(self.issues), OPEN, dtype=np.int16)
        for issue, value in terms.items():
            row[self.position(issue)] = self.code(issue, value)
        return row

    def terms_at(self, index: int) -> dict[str, Scalar]:
        """Terms of the complete package at position ``index`` of :meth:`every_package`."""
        codes = []
        for size in reversed(self.sizes):
            index, code = divmod(index, size)
            codes.append(code)
        codes.reverse()
        return {issue: domain[code] for issue, domain, code in zip(self.issues, self.domains, codes, strict=True)}

    def decode(self, row: Codes) -> dict[str, Scalar | None]:
        """Terms of an encoded package, with None for open issues."""
        return {
            issue: (None if code == OPEN else domain[code])
            for issue, domain, code in zip(self.issues, self.domains, row.tolist(), strict=True)
        }

    def every_package(self, limit: int = 50_000_000) -> Codes:
        """All complete packages, one row each, in lexicographic order of codes."""
        if self.size > limit:
            raise UsageError(f"the outcome space has {self.size:,} packages, more than {limit:,}")
        return self.every_package_of(self.sizes)

    @staticmethod
    def every_package_of(sizes: tuple[int, ...]) -> Codes:
        """All complete packages of a space whose issues have these numbers of values."""
        return np.indices(sizes, dtype=np.int16).reshape(len(sizes), -1).T.copy()

    def random_packages(self, rng: np.random.Generator, n: int) -> Codes:
        """``n`` complete packages drawn uniformly."""
        sizes = np.asarray(self.sizes)
        codes: Codes = (rng.random((n, len(sizes))) * sizes).astype(np.int16)
        return codes
