"""What a variant changes in the baseline's red lines, each version matched by what it requires, not by its name.

Two files may name one requirement differently (the baseline's alternative ``monitoring-suffices``
is the variant's stated red line) or spell it differently (``>= monitored`` and ``in [monitored,
none]``). A version's requirement is the set of complete packages it allows; two versions are the
same requirement when they allow the same packages, which is checked over the product of the
issues either one reads (a bluff allows every package). That takes issues the two files share:
scenarios with other issues are other negotiations (:func:`sim.experiments.compare.differences_in_kind`),
and their red lines are not matched.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

import numpy as np

from ..constraints.arrays import Bools
from ..constraints.compile import Compiler, Test
from ..constraints.space import OutcomeSpace
from ..constraints.verdict import Verdict
from ..scenario.model import Scenario
from ..scenario.redlines import STATED, RedLine

MAX_PACKAGES_COMPARED = 1_000_000
"""The most packages over which two versions are compared; beyond, they are matched only when written alike."""
BLUFF = "none"
"""A version that is no red line at all, as replications.csv names it."""


@dataclass(frozen=True)
class Version:
    """One version of a red line in one file: its name there, its chance of being real, and its test."""

    name: str
    chance: float
    test: Test | None
    """None: a bluff, which allows every package."""


def versions_of(compiler: Compiler, party: str, red_line: RedLine) -> list[Version]:
    """A red line's versions in its file: the stated one first, with their chances of being real."""
    alternatives = red_line.versions
    total = sum(v.weight for v in alternatives)
    rest = 1.0 - red_line.confidence
    found = [Version(STATED, red_line.confidence, compiler.red_line(party, red_line).test)]
    if not alternatives and rest > 0:
        return [*found, Version(BLUFF, rest, None)]
    for version in alternatives:
        compiled = compiler.version(party, red_line, version.id)
        found.append(Version(BLUFF if compiled is None else version.id, rest * version.weight / total,
                             None if compiled is None else compiled.test))
    return found


def same_requirement(one: Test | None, other: Test | None, space: OutcomeSpace) -> bool:
    """Whether two compiled versions allow the same complete packages (None: a bluff, which allows all)."""
    if one is None and other is None:
        return True
    read = sorted((one.issues if one else frozenset()) | (other.issues if other else frozenset()))
    sizes = [space.sizes[k] for k in read]
    if math.prod(sizes) > MAX_PACKAGES_COMPARED:
        return False
    columns = _columns(read, sizes, len(space.sizes))
    return bool(np.array_equal(_allowed(one, columns), _allowed(other, columns)))


def _columns(read: list[int], sizes: list[int], width: int) -> tuple[np.ndarray, ...]:
    """Every combination of the values of the issues read, the other issues at their first value (not read)."""
    rows = np.array(list(product(*[range(size) for size in sizes])), dtype=np.int16).reshape(-1, len(read))
    n = len(rows)
    columns = [np.zeros(n, dtype=np.int16) for _ in range(width)]
    for j, k in enumerate(read):
        columns[k] = rows[:, j].copy()
    return tuple(columns)


def _allowed(test: Test | None, columns: tuple[np.ndarray, ...]) -> Bools:
    if test is None:
        return np.ones(len(columns[0]), dtype=bool)
    allowed: Bools = test(columns) == Verdict.HOLDS
    return allowed


def red_line_changes(base: Scenario, variant: Scenario) -> list[str]:
    """How the variant's red lines differ from the baseline's, one sentence each (empty: none differ).

    A red line whose versions allow the same packages with the same chances in both files is
    unchanged if it also states the same one, whatever its versions are called; otherwise the
    sentence says which of the baseline's versions the variant states, and with what chance.
    """
    if _issues(base) != _issues(variant):
        return []
    mine, theirs = _red_lines(base), _red_lines(variant)
    changed = {ref: f"{ref}: {_stated(old, new, space, base.id, variant.id)}"
               for ref, old, new, space in _shared(base, variant) if not _alike(old, new, space)}
    found = [f"{ref}: only in {base.id}" for ref in mine if ref not in theirs]
    for ref in theirs:  # in the variant's order, as written
        if ref not in mine:
            found.append(f"{ref}: only in {variant.id}")
        elif ref in changed:
            found.append(changed[ref])
    return found


def baseline_names(base: Scenario, variant: Scenario) -> dict[tuple[str, str], str]:
    """For each of the variant's versions that the baseline calls otherwise, the baseline's name for it.

    Keyed by red line and version as replications.csv names them (``party/id``, ``stated``, an
    alternative's id, or ``none`` for a bluff); the baseline's names are in the same form.
    """
    if _issues(base) != _issues(variant):
        return {}
    found = {}
    for ref, old, new, space in _shared(base, variant):
        for version in new:
            match = _matching(old, version, space)
            if match is not None and match.name != version.name:
                found[(ref, version.name)] = match.name
    return found


def _shared(base: Scenario, variant: Scenario) -> Iterator[tuple[str, list[Version], list[Version], OutcomeSpace]]:
    """Each red line of both files, in the variant's order: its ref, its versions in each, and the space to compare in.

    The two files have the same issues (the callers check), so the baseline's space serves both.
    """
    space = OutcomeSpace.of(base)
    mine = _red_lines(base)
    base_compiler, variant_compiler = Compiler(base), Compiler(variant)
    for ref, (party, red_line) in _red_lines(variant).items():
        if ref in mine:
            yield (ref, versions_of(base_compiler, *mine[ref]), versions_of(variant_compiler, party, red_line),
                   space)


def _matching(known: list[Version], version: Version, space: OutcomeSpace) -> Version | None:
    """The first of ``known`` that requires what ``version`` requires (None: none does)."""
    return next((one for one in known if same_requirement(one.test, version.test, space)), None)


def _issues(scenario: Scenario) -> list[tuple[str, tuple[object, ...]]]:
    return [(issue.id, issue.domain()) for issue in scenario.issues]


def _red_lines(scenario: Scenario) -> dict[str, tuple[str, RedLine]]:
    return {f"{party.id}/{red_line.id}": (party.id, red_line)
            for party in scenario.parties for red_line in party.red_lines}


def _alike(old: list[Version], new: list[Version], space: OutcomeSpace) -> bool:
    """Whether two red lines state the same requirement, and have the same requirements with the same chances.

    Names aside: the stated one is what runs play by default, the chances what ``--draw`` draws from.
    """
    return (same_requirement(old[0].test, new[0].test, space)
            and _chances(old, old, space) == _chances(old, new, space))


def _chances(base: list[Version], versions: list[Version], space: OutcomeSpace) -> list[float]:
    """The chance of each of the baseline's requirements among ``versions`` (and, last, of any other requirement)."""
    chances = [0.0] * (len(base) + 1)
    for version in versions:
        match = _matching(base, version, space)
        chances[len(base) if match is None else base.index(match)] += version.chance
    return [round(chance, 9) for chance in chances]


def _stated(old: list[Version], new: list[Version], space: OutcomeSpace, base: str, variant: str) -> str:
    """What the variant states, in the baseline's names, and with what confidence against the baseline's."""
    stated = new[0]
    match = _matching(old, stated, space)
    confidence = f"confidence {stated.chance:g}; {base} states its own with {old[0].chance:g}"
    if match is None:
        return f"{variant} states a requirement that {base} has no version of ({confidence})"
    if match.name == STATED:
        return (f"{variant} states the same requirement as {base}, with other alternatives or confidence "
                f"({stated.chance:g} against {old[0].chance:g})")
    if match.name == BLUFF:
        return f"{variant} states no red line at all, {base}'s bluff ({confidence})"
    return f"{variant} states what {base} calls its version '{match.name}' ({confidence})"
