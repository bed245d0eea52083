"""What ``negsim explain`` finds, as plain records: the ZOPA, concessions, reference points, a judgement.

Kept apart from the analysis that fills them (:mod:`sim.analysis.explain`) and the sentences
that tell them (:mod:`sim.analysis.narrate`), so that both read them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..constraints.arrays import Floats
from ..constraints.walk_away import meets
from ..files.markup import frame, heading, html_list, html_table
from ..scenario.base import Scalar


@dataclass(frozen=True)
class Point:
    """A package with each party's utility for it."""

    terms: dict[str, Scalar | None]
    utilities: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"package": self.terms, "utilities": dict(self.utilities)}


@dataclass(frozen=True)
class Zopa:
    """The packages that meet every red line and walk-away value."""

    size: int | None
    """How many packages meet everything; None where the solver searched the space (it finds, it does not count)."""
    total: int
    values: dict[str, list[Scalar]]
    """Each issue's values found in the ZOPA (listed space only)."""
    examples: list[dict[str, Scalar | None]]

    @property
    def empty(self) -> bool:
        """Whether no package meets every red line and walk-away value."""
        return self.size == 0 or (self.size is None and not self.examples)


@dataclass(frozen=True)
class Concession:
    """A minimal set of constraints whose relaxation opens a deal."""

    refs: tuple[str, ...]
    cost: float
    opens: int | None
    """Packages the relaxation lets through; None where the solver searched the space (not counted)."""
    best: Point | None


@dataclass(frozen=True)
class ReferencePoints:
    """Bargaining solutions over a set of packages."""

    over: int | None
    """Packages the points are chosen among (the ZOPA); None where the solver searched the space (not counted)."""
    pareto_size: int | None
    """Pareto-efficient packages among them; None where the solver searched the space (not counted)."""
    nash: Point | None
    kalai_smorodinsky: Point | None
    max_welfare: Point | None
    frontier: list[Point] = field(default_factory=list)
    """The Pareto-efficient packages, in package order (listed for the ZOPA; empty for a concession's packages)."""
    settled: bool = True
    """Whether every point was searched to the end (false: the solver's time ran out, or it met too many ties)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"packages": self.over, "pareto_size": self.pareto_size,
                "pareto_frontier": [point.to_dict() for point in self.frontier],
                "nash": self.nash.to_dict() if self.nash else None,
                "kalai_smorodinsky": self.kalai_smorodinsky.to_dict() if self.kalai_smorodinsky else None,
                "max_welfare": self.max_welfare.to_dict() if self.max_welfare else None, "settled": self.settled}


@dataclass(frozen=True)
class Worth:
    """What a package is worth to each party when its open issues are settled, over its admissible completions.

    Those are the ways of settling its open issues that meet every party's red lines (every
    way, when none does); a package with no issue open is its own one completion.
    """

    low: Floats
    """Each party's utility at its worst admissible completion (the package's own, when none is open)."""
    high: Floats
    """Each party's utility at its best admissible completion."""
    completions: int
    """Ways of settling the open issues (1: none is open)."""
    admissible: int
    """Of those, the ways that meet every party's red lines (0: none does; then every completion counts)."""


@dataclass(frozen=True)
class Judgement:
    """How a proposal fares against walk-away values and the ZOPA's reference points."""

    proposal: str | None
    terms: dict[str, Scalar | None]
    utilities: dict[str, float]
    """Each party's utility at its worst admissible completion (the proposal's own, when none is open)."""
    short: dict[str, float]
    dominated_by: Point | None
    """A ZOPA package at least as good for every party as its best admissible completion, and better for one."""
    distance_to_nash: float | None
    utilities_high: dict[str, float] = field(default_factory=dict)
    """Each party's utility at its best admissible completion."""
    completions: int = 1
    """Ways of settling the open issues (1: none is open)."""
    admissible_completions: int = 1
    """Of those, the ways that meet every party's red lines (0: none does; then every completion is judged)."""
    settled: bool = True
    """Whether ``dominated_by`` and ``distance_to_nash`` are settled (False: the solver's search stopped short)."""

    @classmethod
    def of(cls, proposal: str | None, terms: dict[str, Scalar | None], parties: tuple[str, ...], walk_aways: Floats,
           worth: Worth, dominated_by: Point | None, nash: Point | None, *, settled: bool = True) -> Judgement:
        """The judgement of a proposal worth ``worth``, with ``dominated_by`` as found over the space.

        Who it leaves short is read at its worst admissible completion, and so is its distance to
        the Nash package.
        """
        low, high = worth.low, worth.high
        short = {p: float(walk_aways[k] - low[k]) for k, p in enumerate(parties) if not meets(low[k], walk_aways[k])}
        distance = None if nash is None else float(np.linalg.norm(low - np.array(list(nash.utilities.values()))))
        return cls(proposal=proposal, terms=terms, utilities={p: float(low[k]) for k, p in enumerate(parties)},
                   utilities_high={p: float(high[k]) for k, p in enumerate(parties)}, short=short,
                   dominated_by=dominated_by, distance_to_nash=distance, completions=worth.completions,
                   admissible_completions=worth.admissible, settled=settled)

    @property
    def open(self) -> bool:
        """Whether the proposal leaves issues open."""
        return any(value is None for value in self.terms.values())

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"id": self.proposal, "package": self.terms,
                "utilities": dict(self.utilities), "utilities_high": dict(self.utilities_high),
                "completions": self.completions, "admissible_completions": self.admissible_completions,
                "short_of_reservation": self.short,
                "dominated_by": self.dominated_by.to_dict() if self.dominated_by else None,
                "distance_to_nash": self.distance_to_nash, "settled": self.settled}


@dataclass(frozen=True)
class Explanation:
    """Everything ``negsim explain`` reports."""

    scenario: str
    zopa: Zopa
    clashing_sets: list[tuple[str, ...]]
    clashes_complete: bool
    concessions: list[Concession]
    concessions_complete: bool
    reference: ReferencePoints
    judgement: Judgement | None = None
    narration: list[str] = field(default_factory=list)
    red_lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Every red line the explanation names: its rule in words, rationale, confidence and source."""
    method: str = "enumerate"
    """How the deal space was searched: ``enumerate`` (every package listed) or ``solver`` (a constraint solver)."""

    def _repr_html_(self) -> str:
        """The explanation in a notebook: the narration, then the clashing and concession sets."""
        clashes = [[k + 1, ", ".join(refs)] for k, refs in enumerate(self.clashing_sets)]
        concessions = [[", ".join(c.refs), c.cost, c.opens] for c in self.concessions]
        return (heading(f"Deal space of {self.scenario}") + html_list(self.narration)
                + (html_table(["#", "red lines"], clashes, "Clashing sets") if clashes else "")
                + (html_table(["red lines", "cost", "opens"], concessions, "Concession sets") if concessions else ""))

    def to_records(self) -> list[dict[str, Any]]:
        """The packages the explanation names, a row each: the reference points, then the Pareto frontier.

        Each row has the package's role (``nash``, ``kalai_smorodinsky``, ``max_welfare``,
        ``pareto``), its terms (one column per issue) and each party's utility (``utility:PARTY``).
        """
        reference = self.reference
        named = [("nash", reference.nash), ("kalai_smorodinsky", reference.kalai_smorodinsky),
                 ("max_welfare", reference.max_welfare)]
        points = [(role, point) for role, point in named if point is not None]
        points += [("pareto", point) for point in reference.frontier]
        return [{"role": role, **point.terms, **{f"utility:{p}": u for p, u in point.utilities.items()}}
                for role, point in points]

    def to_frame(self) -> Any:
        """The records as a pandas DataFrame (pandas is an optional extra)."""
        return frame(self.to_records())

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "scenario": self.scenario,
            "method": self.method,
            "zopa_size": self.zopa.size,
            "zopa": {"size": self.zopa.size, "packages": self.zopa.total, "values": self.zopa.values,
                     "examples": self.zopa.examples},
            "clashing_sets": [list(s) for s in self.clashing_sets],
            "clashing_sets_complete": self.clashes_complete,
            "concession_sets": [
                {"red_lines": list(c.refs), "cost": c.cost, "opens": c.opens,
                 "best": c.best.to_dict() if c.best else None} for c in self.concessions],
            "concession_sets_complete": self.concessions_complete,
            "reference_points": self.reference.to_dict(),
            "proposal": self.judgement.to_dict() if self.judgement else None,
            "narration": self.narration,
            "red_lines": self.red_lines,
        }
