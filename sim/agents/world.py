"""The negotiation as it stands at one moment: active red lines, walk-away values, presence.

Verdict masks over every package come from :meth:`sim.constraints.check.CompiledConstraints.check`, the
one check, computed once per red-line version. Effects of events rewrite the world:
switch, drop or add a red line, move a walk-away value, change urgency, salience or
trust, take a party out of the talks or bring it back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.constraints.arrays import Codes
from sim.constraints.check import CompiledConstraints
from sim.constraints.compile import STATED, Compiler
from sim.constraints.space import OutcomeSpace, run_bytes_per_package
from sim.constraints.verdict import Verdict
from sim.constraints.walk_away import first_meeting, meeting
from sim.scenario.events import (
    AddRedLine,
    Attendance,
    ChangeSalience,
    ChangeTrust,
    ChangeUrgency,
    DropRedLine,
    MoveReservation,
    SwitchVersion,
)
from sim.scenario.model import Scenario
from sim.scenario.redlines import RedLine

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Effect = SwitchVersion | DropRedLine | AddRedLine | MoveReservation | ChangeSalience | ChangeUrgency | ChangeTrust \
    | Attendance


@dataclass
class RedLineState:
    """One red line in play: its definition, the version that is real now, and who may know it."""

    ref: str
    party: str
    definition: RedLine
    active: str | None
    private: bool


class PackageTerms:
    """A package's terms by issue, from its index in an outcome space (a fresh dict each call)."""

    __slots__ = ("_known", "space")

    def __init__(self, space: OutcomeSpace) -> None:
        self.space = space
        self._known: dict[int, dict[str, Any]] = {}

    def __call__(self, package: int) -> dict[str, Any]:
        """The terms of one package (each package is decoded once)."""
        found = self._known.get(package)
        if found is None:
            found = self._known[package] = self.space.terms_at(package)
        return dict(found)


class Prepared:
    """What every run of one scenario shares: packages, utilities and verdict masks.

    Masks are filled in lazily, through the one check, and kept for the next run.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
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
        self._by_utility: dict[str, tuple[npt.NDArray[np.intp], Floats]] = {}
        self.urgency = {p.id: p.urgency for p in scenario.parties}
        self.salience = {p.id: dict(p.salience) for p in scenario.parties}
        """Each party's salience of issues as stated (worlds copy it before they change it)."""
        self.masks: dict[tuple[str, str, int], Bools] = {}
        self.terms_of = PackageTerms(self.space)
        """Decodes a package of the scenario into its terms (what event logs keep of the scenario)."""
        self.lists: dict[object, list[Any]] = {}
        self.memo: dict[object, object] = {}
        """Results agents may keep across runs, keyed by everything they depend on."""

    def as_list(self, key: object, array: Callable[[], npt.NDArray[Any]]) -> list[Any]:
        """A plain-Python copy of an array, made once and shared by every run."""
        if key not in self.lists:
            self.lists[key] = array().tolist()
        return self.lists[key]

    def by_utility(self, party: str) -> tuple[npt.NDArray[np.intp], Floats]:
        """Every package, ranked by a party's utility (ascending, ties by package), and those utilities."""
        found = self._by_utility.get(party)
        if found is None:
            utility = self.utility.get(party)
            if utility is None:
                found = (np.arange(len(self.packages)), np.zeros(len(self.packages)))
            else:
                order = utility.argsort()  # without ties, the stable order; with ties, sort again stably
                ranked = utility.take(order)
                if np.count_nonzero(ranked[1:] == ranked[:-1]):
                    order = utility.argsort(kind="stable")
                    ranked = utility.take(order)
                found = (order, ranked)
            self._by_utility[party] = found
        return found

    def mask(self, party: str, definition: RedLine, version: str) -> Bools:
        """Packages meeting one version of a red line, by the one check."""
        key = (f"{party}/{definition.id}", version, id(definition))
        if key not in self.masks:
            compiled = self.compiler.version(party, definition, version)
            if compiled is None:
                self.masks[key] = np.ones(len(self.packages), dtype=bool)
            else:
                only = CompiledConstraints(self.space, (compiled,), ())
                self.masks[key] = np.asarray(only.check(self.packages).red_lines[0] == Verdict.HOLDS.value)
        return self.masks[key]


_SHARED_SPACE = 100_000
"""Outcome spaces up to this many packages share one array of packages between scenarios."""


@lru_cache(maxsize=16)
def _every_package(sizes: tuple[int, ...]) -> Codes:
    """Every complete package of a space of these sizes, shared read-only by the scenarios that have them."""
    packages = OutcomeSpace.every_package_of(sizes)
    packages.setflags(write=False)
    return packages


_PREPARED: dict[int, Prepared] = {}


def prepared(scenario: Scenario) -> Prepared:
    """The shared preparation of a scenario (kept for the few most recent scenarios)."""
    found = _PREPARED.get(id(scenario))
    if found is None or found.scenario is not scenario:
        if len(_PREPARED) >= 4:
            _PREPARED.pop(next(iter(_PREPARED)))
        found = _PREPARED[id(scenario)] = Prepared(scenario)
    return found


class World:
    """Red lines, utilities and walk-away values over every package, as they stand now."""

    def __init__(self, scenario: Scenario, versions: Mapping[str, str | None] | None = None) -> None:
        self.scenario = scenario
        self.shared = prepared(scenario)
        self.compiler = self.shared.compiler
        self.space = self.shared.space
        self.packages: Codes = self.shared.packages
        self.parties_with_utility = self.shared.parties_with_utility
        self.utility = self.shared.utility
        self.reservation = dict(self.shared.reservation)
        self.red_lines: dict[str, RedLineState] = {}
        self.own: dict[str, list[RedLineState]] = {}
        """Each party's red lines, in the order of :attr:`red_lines`."""
        for party in scenario.parties:
            mine = self.own[party.id] = []
            for red_line in party.red_lines:
                ref = f"{party.id}/{red_line.id}"
                chosen = STATED if versions is None else versions.get(ref, STATED)
                mine.append(RedLineState(ref, party.id, red_line, chosen, red_line.private))
                self.red_lines[ref] = mine[-1]
        self.urgency = dict(self.shared.urgency)
        self.salience = self.shared.salience
        self._salience_copied = False
        self.trust: dict[tuple[str, str], float] = {}
        self.present = dict.fromkeys(self.own, True)
        self._feasible: Bools | None = None
        self.revision = 0
        """Counts changes, so agents know when to refresh what they cached."""

    # -- the one check, read as masks ----------------------------------------------------------

    def mask(self, ref: str, version: str | None = None) -> Bools:
        """Packages meeting a red line's given version (default: the active one; dropped: all)."""
        state = self.red_lines[ref]
        version = state.active if version is None else version
        if version is None:
            return np.ones(len(self.packages), dtype=bool)
        return self.shared.mask(state.party, state.definition, version)

    def meets_reservation(self, party: str) -> Bools:
        """Packages worth at least the party's walk-away value now."""
        return meeting(self.utility[party], self.reservation[party])

    def ranked(self, party: str) -> tuple[npt.NDArray[np.intp], Floats]:
        """The packages a party's own active red lines and walk-away value allow, by its utility.

        Ascending utility, ties by package (the order of a stable sort); its utilities beside.
        """
        order, utility = self.shared.by_utility(party)
        if party in self.utility:
            start = first_meeting(utility, self.reservation[party])  # as meets_reservation
            order, utility = order[start:], utility[start:]
        masks = [self.mask(state.ref) for state in self.own.get(party, ()) if state.active is not None]
        if masks:
            keep = masks[0][order]
            for holds in masks[1:]:
                keep &= holds[order]
            order, utility = order[keep], utility[keep]
        return order, utility

    def feasible(self) -> Bools:
        """Packages meeting every active red line and every walk-away value: the ZOPA now (read-only)."""
        if self._feasible is None:
            active = [(ref, state.active, id(state.definition)) for ref, state in self.red_lines.items()
                      if state.active is not None]
            key = ("feasible", tuple(active), tuple(self.reservation.items()))
            found = self.shared.memo.get(key)
            if found is None:
                parts = [self.mask(ref) for ref, _, _ in active] + [self.meets_reservation(p) for p in self.utility]
                found = parts[0].copy() if parts else np.ones(len(self.packages), dtype=bool)
                for part in parts[1:]:
                    found &= part
                found.setflags(write=False)
                self.shared.memo[key] = found
            self._feasible = found  # type: ignore[assignment]
            return found  # type: ignore[return-value]
        return self._feasible

    def utility_rows(self, parties: tuple[str, ...]) -> Floats:
        """Every package's utility for each of these parties, a row each (zeros without preferences); shared."""
        if parties == self.parties_with_utility:
            return self.shared.utility_table
        key = ("utility rows", parties)
        found = self.shared.memo.get(key)
        if found is None:
            zeros = np.zeros(len(self.packages))
            found = self.shared.memo[key] = np.array([self.utility.get(p, zeros) for p in parties])
            found.setflags(write=False)
        return found  # type: ignore[return-value]

    def broken(self, package: int, party: str | None = None) -> list[str]:
        """Active red lines (of one party, or all) that a package breaks."""
        return [ref for ref, state in self.red_lines.items()
                if state.active is not None and (party is None or state.party == party)
                and not self.mask(ref)[package]]

    def agreement_allowed(self, package: int) -> bool:
        """Whether a package holds every active red line and every walk-away value."""
        return bool(self.feasible()[package])

    def terms(self, package: int) -> dict[str, object]:
        """The package's terms by issue (a fresh dict each call)."""
        return self.shared.terms_of(package)

    # -- effects ---------------------------------------------------------------------------------

    def apply(self, effect: Effect) -> str:
        """Apply one effect of an event; return what changed, in words."""
        self._feasible = None
        self.revision += 1
        if isinstance(effect, SwitchVersion):
            self.red_lines[effect.red_line].active = effect.to
            return f"{effect.red_line} is now its '{effect.to}' version ({effect.type})"
        if isinstance(effect, DropRedLine):
            self.red_lines[effect.red_line].active = None
            return f"{effect.red_line} is dropped"
        if isinstance(effect, AddRedLine):
            ref = f"{effect.party}/{effect.red_line.id}"
            self.red_lines[ref] = RedLineState(ref, effect.party, effect.red_line, STATED, effect.red_line.private)
            self.own.setdefault(effect.party, []).append(self.red_lines[ref])
            return f"{ref} is added"
        if isinstance(effect, MoveReservation):
            old = self.reservation.get(effect.party, 0.0)
            self.reservation[effect.party] = _shifted(old, effect.by, effect.to, 0.0, 1.0)
            return f"{effect.party}'s walk-away value moves from {old:.2f} to {self.reservation[effect.party]:.2f}"
        if isinstance(effect, ChangeSalience):
            if not self._salience_copied:  # the stated salience is shared between runs
                self.salience, self._salience_copied = {p: dict(s) for p, s in self.salience.items()}, True
            old = self.salience[effect.party].get(effect.issue, 1.0)
            self.salience[effect.party][effect.issue] = _shifted(old, effect.by, effect.to, 0.0, 1.0)
            return f"{effect.party} cares {'more' if self.salience[effect.party][effect.issue] > old else 'less'} " \
                   f"about {effect.issue}"
        if isinstance(effect, ChangeUrgency):
            old = self.urgency[effect.party]
            self.urgency[effect.party] = _shifted(old, effect.by, effect.to, 0.0, 100.0)
            return f"{effect.party}'s urgency moves from {old:.2f} to {self.urgency[effect.party]:.2f}"
        if isinstance(effect, ChangeTrust):
            key = (effect.party, effect.toward)
            self.trust[key] = _shifted(self.trust.get(key, 0.0), effect.by, effect.to, -1.0, 1.0)
            return f"{effect.party}'s trust in {effect.toward} is now {self.trust[key]:+.2f}"
        self.present[effect.party] = effect.type == "join"
        return f"{effect.party} {'joins' if effect.type == 'join' else 'leaves'} the talks"


def _shifted(old: float, by: float | None, to: float | None, low: float, high: float) -> float:
    value = to if to is not None else old + (by or 0.0)
    return float(min(high, max(low, value)))
