"""Two readings of a Genius profile's numbers as negsim utilities: Genius's own, and NegMAS's.

Both give linear-additive preferences, but they weigh issues differently, so their zones of
possible agreement, frontiers and bargaining points can differ on the same files:

- **genius**: each issue's evaluations are divided by that issue's largest one, and an integer
  issue's linear evaluator ``offset + slope * (x - lowerbound)`` is clamped to [0, 1]; the
  weights are normalised to sum 1; the reservation value is on that scale.
- **negmas**: a package is worth ``sum(weight * evaluation)`` with the evaluations as written
  (an integer issue's ``offset + slope * x``, unclamped) and the weights as written; the
  reservation value is on that raw scale. negsim's utilities must lie in [0, 1], so each
  profile is mapped by one positive affine map ``u = (U / W - m) / (M - m)`` (W the sum of the
  weights, m and M the least, floored at 0, and the largest evaluation of the profile). Such a
  map changes no comparison and no ratio of gains over the walk-away value, so the ZOPA, the
  Pareto frontier and the Nash and Kalai-Smorodinsky packages are NegMAS's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .reader import Evaluation, GeniusIssue, GeniusProfile, LinearEvaluator, Table

Reading = Literal["genius", "negmas"]
_NOTHING = 1e-5
"""An issue (genius) or profile (negmas) whose largest evaluation is below this is worth nothing: no division."""


@dataclass
class ReadProfile:
    """A profile's numbers read as negsim preferences: a value table per issue, weights, reservation."""

    tables: list[Table]
    weights: list[float]
    reservation: float
    notes: list[str] = field(default_factory=list)
    """What the reading says about this profile, for the imported file's header."""
    problem: str | None = None
    """Why this profile cannot be imported under the reading (a walk-away value no package reaches)."""


def read_as(reading: Reading, profile: GeniusProfile, issues: Sequence[GeniusIssue]) -> ReadProfile:
    """The profile's preferences under ``reading``."""
    return (genius_reading if reading == "genius" else negmas_reading)(profile, issues)


def genius_reading(profile: GeniusProfile, issues: Sequence[GeniusIssue]) -> ReadProfile:
    """Genius's reading: every issue on its own scale, its best value worth 1."""
    tables = [_genius_table(e, i) for e, i in zip(profile.evaluations, issues, strict=True)]
    reservation = profile.reservation or 0.0
    problem = None if 0 <= reservation <= 1 else f"reservation value {reservation} is outside 0 to 1"
    return ReadProfile(tables, list(profile.weights), reservation, problem=problem)


def _genius_table(evaluation: Evaluation, issue: GeniusIssue) -> Table:
    if isinstance(evaluation, LinearEvaluator):
        return linear_points(issue.low, issue.high, evaluation.base, evaluation.slope, evaluation.offset)
    top = max(evaluation.values(), default=0.0)
    if top < _NOTHING:  # nothing to divide by: every item is worth nothing
        return dict.fromkeys(evaluation, 0.0)
    return {value: score / top for value, score in evaluation.items()}


def negmas_reading(profile: GeniusProfile, issues: Sequence[GeniusIssue]) -> ReadProfile:
    """NegMAS's reading, mapped into [0, 1] by one positive affine map for the whole profile."""
    raw = [_raw_table(e, i) for e, i in zip(profile.evaluations, issues, strict=True)]
    scores = [score for table in raw for score in table.values()]
    least, most = min([0.0, *scores]), max(scores, default=0.0)
    span = most - least if most - least >= _NOTHING else 1.0
    weights = [1.0 if k in profile.weights_beside_objective else w for k, w in enumerate(profile.weights)]
    total = sum(weights)
    tables = [{value: (score - least) / span for value, score in table.items()} for table in raw]
    written = profile.reservation or 0.0
    reservation = (written / total - least) / span
    name = profile.path.name
    notes = [f"{name}: u = {_affine_words(total, least, span)}, where U is its utility as NegMAS reads it"]
    if profile.weights_beside_objective:
        shown = ", ".join(issues[k].name for k in profile.weights_beside_objective)
        notes.append(f"{name}: the weights of {shown} sit beside <objective>, not in it, where NegMAS does not "
                     "look: each counts as 1, as NegMAS takes it")
    problem = None
    if reservation > 1 + 1e-12:
        problem = (f"reservation value {written:g} is above every utility this profile gives as NegMAS reads it "
                   f"(at most {most * total:g} with these weights): no deal could meet it")
    elif reservation < 0:
        notes.append(f"{name}: reservation value {written:g} is below every utility, as 0 is here: "
                     "every package meets it")
    return ReadProfile(tables, weights, min(1.0, max(0.0, reservation)), notes, problem)


def _affine_words(total: float, least: float, span: float) -> str:
    """``(U / total - least) / span`` as a reader would write it: no division by 1, no "- -"."""
    words = "U" if total == 1 else f"U / {total:g}"
    if least < 0:
        words = f"({words} + {-least:g})"
    return words if span == 1 else f"{words} / {span:g}"


def _raw_table(evaluation: Evaluation, issue: GeniusIssue) -> Table:
    """The evaluations as NegMAS takes them: items as written, an integer issue's ``offset + slope * x``.

    A linear function is exact at every integer from its two ends, between which negsim
    interpolates.
    """
    if isinstance(evaluation, LinearEvaluator):
        return {x: evaluation.offset + evaluation.slope * x for x in sorted({issue.low, issue.high})}
    return dict(evaluation)


def linear_points(low: int, high: int, base: int, slope: float, offset: float) -> dict[int, float]:
    """Points of Genius's clipped linear evaluator, exact at every integer of [low, high].

    The value of ``x`` is ``offset + slope * (x - base)`` clipped to [0, 1]. Between two
    consecutive points returned the evaluator is linear, so negsim's interpolation between
    them gives the same value at every integer.

    Args:
        low: Lowest value of the issue.
        high: Highest value of the issue.
        base: The lower bound that the profile measures from.
        slope: Change of value per unit.
        offset: Value at ``base``.

    Returns:
        Value (0 to 1) at each point, points ascending.
    """
    xs = {low, high}
    if slope != 0:
        for level in (0.0, 1.0):
            kink = base + (level - offset) / slope
            if low < kink < high:
                xs |= {math.floor(kink), math.ceil(kink)}
    return {x: min(1.0, max(0.0, offset + slope * (x - base))) for x in sorted(xs)}
