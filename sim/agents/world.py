"""The negotiation as it stands at one moment: active red lines, walk-away values, presence.

Verdict masks over every package come from :meth:`sim.constraints.check.CompiledConstraints.check`, the
one check, computed once per red-line version. Effects of events rewrite the world:
switch, drop or add a red line, move a walk-away value, change urgency, salience or
cost of delay or trust, take a party out of the talks or bring it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple, assert_never

import numpy as np
import numpy.typing as npt

from ..analysis.clashes import enumerate_sets
from ..constraints.arrays import Bools, Codes, Floats
from ..constraints.check import WALK_AWAY_ID
from ..constraints.walk_away import meeting
from ..scenario.base import Scalar
from ..scenario.events import (
    AddRedLine,
    Attendance,
    ChangeCostOfDelay,
    ChangeLean,
    ChangeSalience,
    ChangeTrust,
    ChangeUrgency,
    DropRedLine,
    MoveReservation,
    SwitchVersion,
)
from ..scenario.model import Scenario
from ..scenario.redlines import STATED, RedLine
from .shared import Prepared, RedLinesInForce, Same, ZopaKey, kept, shared_by_runs

Effect = SwitchVersion | DropRedLine | AddRedLine | MoveReservation | ChangeSalience | ChangeUrgency \
    | ChangeCostOfDelay | ChangeTrust | ChangeLean | Attendance


@dataclass
class RedLineState:
    """One red line in play: its definition, the version that is real now, and who may know it."""

    ref: str
    party: str
    definition: RedLine
    active: str | None
    private: bool


class Acceptable(NamedTuple):
    """The packages a party can accept: as a mask and as a list, with its utilities."""

    mask: Bools | None
    """Which packages it can accept (None: every one)."""
    packages: npt.NDArray[np.intp]
    """Those packages, in package order."""
    worth: Floats
    """Its utility of each of them (0 without preferences)."""
    utility: Floats | None
    """Its utility of every package (None without preferences)."""


class World:
    """Red lines, utilities and walk-away values over every package, as they stand now."""

    solved = False
    """Whether the world's questions are answered by the solver (:class:`~sim.agents.solved_world.SolvedWorld`)."""

    def __init__(self, scenario: Scenario, versions: Mapping[str, str | None] | None = None) -> None:
        self.shared = shared_by_runs(scenario)
        self._set_up(scenario, versions, self.shared)
        self.packages: Codes = self.shared.packages
        self.utility = self.shared.utility
        self._masks: dict[tuple[str, str, Same[RedLine]], Bools] = {}
        """The red-line masks this run has looked up (:meth:`mask`)."""
        self._feasible: Bools | None = None

    def _set_up(self, scenario: Scenario, versions: Mapping[str, str | None] | None, prepared: Prepared) -> None:
        """The negotiation as the scenario states it, the red lines at ``versions`` (default: as stated)."""
        self.scenario = scenario
        self.prepared = prepared
        """What the runs of the scenario share, listed or solved."""
        self.compiler = prepared.compiler
        self.space = prepared.space
        self.parties_with_utility = prepared.parties_with_utility
        self.walk_away = dict(prepared.walk_away)
        self.red_lines: dict[str, RedLineState] = {}
        self.own: dict[str, list[RedLineState]] = {}
        """Each party's red lines, in the order of :attr:`red_lines`."""
        for party in scenario.parties:
            name = party.id  # read once (architecture.md, speed)
            mine = self.own[name] = []
            for red_line in party.red_lines:
                ref = f"{name}/{red_line.id}"
                chosen = STATED if versions is None else versions.get(ref, STATED)
                mine.append(RedLineState(ref, name, red_line, chosen, red_line.private))
                self.red_lines[ref] = mine[-1]
        self.urgency = dict(prepared.urgency)
        self.cost_of_delay = dict(prepared.cost_of_delay)
        self.power = prepared.power
        """Each party's bargaining power as stated (no effect changes it)."""
        self.lean = dict(prepared.lean)
        """The principal each mediator leans towards now (None: neutral)."""
        self.salience = prepared.salience
        self._salience_copied = False
        self.trust: dict[tuple[str, str], float] = {}
        self.present = dict.fromkeys(self.own, True)
        self._zopa_key: ZopaKey | None = None
        self.revision = 0
        """Counts changes, so agents know when to refresh what they cached."""

    # -- the one check, read as masks ----------------------------------------------------------

    def mask(self, ref: str, version: str | None = None) -> Bools:
        """Packages meeting a red line's given version (default: the active one; dropped: all).

        Kept for the run once looked up: the shared cache keeps only as many masks as its bound
        allows (64 at 10^6 packages, 6 at 10^7), and a run that reads more of them in turn
        would find none there and work each out again, every time (an LRU cache read in a
        cycle longer than it holds).
        """
        state = self.red_lines[ref]
        version = state.active if version is None else version
        if version is None:
            return np.ones(len(self.packages), dtype=bool)
        key = (ref, version, Same(state.definition))
        found = self._masks.get(key)
        if found is None:
            found = self._masks[key] = self.shared.mask(state.party, state.definition, version)
        return found

    def meets_walk_away(self, party: str) -> Bools:
        """Packages worth at least the party's walk-away value now."""
        return meeting(self.utility[party], self.walk_away[party])

    def acceptable(self, party: str) -> Acceptable:
        """The packages a party's own active red lines and walk-away value allow, and its utilities of them.

        :class:`~sim.agents.ranking.Ranking` ranks them.
        """
        utility = self.utility.get(party)
        allowed = None if utility is None else meeting(utility, self.walk_away[party])
        mine = self.own.get(party)
        for state in mine or ():
            if state.active is not None:
                holds = self.mask(state.ref)
                allowed = holds.copy() if allowed is None else np.logical_and(allowed, holds, out=allowed)
        packages = np.arange(len(self.packages)) if allowed is None else np.flatnonzero(allowed)
        worth = np.zeros(len(packages)) if utility is None else utility[packages]
        return Acceptable(allowed, packages, worth, utility)

    def feasible(self) -> Bools:
        """Packages meeting every active red line and every walk-away value: the ZOPA now (read-only)."""
        if self._feasible is None:
            self._feasible = kept(self.shared.zopas, self.zopa_key(), self._zopa)
        return self._feasible

    def zopa_key(self) -> ZopaKey:
        """What the ZOPA depends on: every red line in force and every walk-away value (made once per change)."""
        if self._zopa_key is None:
            self._zopa_key = (_in_force(self.red_lines.values()), tuple(self.walk_away.items()))
        return self._zopa_key

    def _zopa(self) -> Bools:
        """:meth:`feasible` worked out: every walk-away test and active red line's mask, combined."""
        parts = [self.meets_walk_away(p) for p in self.utility]
        parts += [self.mask(ref) for ref, state in self.red_lines.items() if state.active is not None]
        if not parts:
            found = np.ones(len(self.packages), dtype=bool)
        elif self.utility:
            found = parts[0]  # a walk-away test made here: it takes the rest in place
        else:
            found = parts[0].copy()  # a red line's mask, shared: not to be written
        for part in parts[1:]:
            found &= part
        found.setflags(write=False)
        return found

    def clashing(self) -> tuple[str, ...]:
        """Where no package meets every active red line and walk-away value: those in the first ten clashing sets.

        Red lines by ref, walk-away values as ``party/reservation-value``, in the order of the
        sets. Shared by the runs that meet the same red lines and walk-away values: past a few
        dozen red lines the search takes a second or more.
        """
        return kept(self.shared.clashes, self.zopa_key(), self._clashing)

    def _clashing(self) -> tuple[str, ...]:
        refs = [ref for ref, state in self.red_lines.items() if state.active is not None]
        parties = list(self.utility)
        holds = np.array([self.mask(ref) for ref in refs] + [self.meets_walk_away(party) for party in parties])
        names = refs + [f"{party}/{WALK_AWAY_ID}" for party in parties]
        report = enumerate_sets(holds, np.ones(len(names)), limit=10)
        return tuple(dict.fromkeys(names[i] for clash in report.clashing_sets for i in clash))

    def red_lines_in_force(self, party: str) -> RedLinesInForce:
        """A party's own red lines, each with its active version and definition (what its ranking depends on)."""
        mine = self.own.get(party)
        return _in_force(mine) if mine else ()

    def utility_rows(self, parties: tuple[str, ...]) -> Floats:
        """Every package's utility for each of these parties, a row each (zeros without preferences); shared."""
        if parties == self.parties_with_utility:
            return self.shared.utility_table
        return kept(self.shared.utility_rows, parties, self._utility_rows, parties)

    def _utility_rows(self, parties: tuple[str, ...]) -> Floats:
        zeros = np.zeros(len(self.packages))
        rows = np.array([self.utility.get(p, zeros) for p in parties])
        rows.setflags(write=False)
        return rows

    def broken(self, package: int, party: str | None = None, open_issues: tuple[int, ...] = ()) -> list[str]:
        """Active red lines (of one party, or all) that a package breaks.

        With issues (positions) left open, those that every completion of the text breaks.
        """
        mine = [ref for ref, state in self.red_lines.items()
                if state.active is not None and (party is None or state.party == party)]
        if not open_issues:
            return [ref for ref in mine if not self.mask(ref)[package]]
        completions = self.completions(package, open_issues)
        return [ref for ref in mine if not (self.mask(ref) & completions).any()]

    def completions(self, package: int, open_issues: tuple[int, ...]) -> Bools:
        """The packages a text could end as: ``package``'s terms, but for the issues (positions) it leaves open."""
        return kept(self.shared.completions, (package, open_issues), self._completions, package, open_issues)

    def _completions(self, package: int, open_issues: tuple[int, ...]) -> Bools:
        fixed = [j for j in range(self.packages.shape[1]) if j not in open_issues]
        rows = self.packages[:, fixed]
        found = np.asarray((rows == rows[package]).all(axis=1))
        found.setflags(write=False)
        return found

    def defers(self, ref: str) -> bool:
        """Whether a red line's party accepts, for now, a text that leaves its issues open (``if_left_open: defer``)."""
        return self.red_lines[ref].definition.if_left_open == "defer"

    def agreement_allowed(self, package: int) -> bool:
        """Whether a package holds every active red line and every walk-away value."""
        return bool(self.feasible()[package])

    def has_zopa(self) -> bool:
        """Whether some package meets every active red line and every walk-away value."""
        return bool(self.feasible().any())

    def worth(self, party: str) -> Callable[[int], float]:
        """A package's utility to a party with preferences, as a plain float, for turn-by-turn lookups."""
        return self.shared.worth(party)

    def terms(self, package: int) -> dict[str, Scalar]:
        """The package's terms by issue (a fresh dict each call)."""
        return self.space.terms_at(package)

    # -- effects ---------------------------------------------------------------------------------

    def apply(self, effect: Effect) -> str:
        """Apply one effect of an event; return what changed, in words.

        The match is exhaustive: mypy rejects an effect kind added to :data:`Effect` without its case.
        """
        if isinstance(effect, ChangeLean):  # the mediator's alone: nothing a principal works out depends on it
            return self._change_lean(effect)
        self._feasible = self._zopa_key = None
        self.revision += 1
        match effect:
            case SwitchVersion():
                return self._switch(effect)
            case DropRedLine():
                return self._drop(effect)
            case AddRedLine():
                return self._add(effect)
            case MoveReservation():
                return self._move_walk_away(effect)
            case ChangeSalience():
                return self._change_salience(effect)
            case ChangeUrgency():
                return self._change_urgency(effect)
            case ChangeCostOfDelay():
                return self._change_cost_of_delay(effect)
            case ChangeTrust():
                return self._change_trust(effect)
            case Attendance():
                return self._attend(effect)
            case _:
                assert_never(effect)

    def _switch(self, effect: SwitchVersion) -> str:
        self.red_lines[effect.red_line].active = effect.to
        return f"{effect.red_line} is now its '{effect.to}' version ({effect.type})"

    def _drop(self, effect: DropRedLine) -> str:
        self.red_lines[effect.red_line].active = None
        return f"{effect.red_line} is dropped"

    def _add(self, effect: AddRedLine) -> str:
        ref = f"{effect.party}/{effect.red_line.id}"
        self.red_lines[ref] = RedLineState(ref, effect.party, effect.red_line, STATED, effect.red_line.private)
        self.own.setdefault(effect.party, []).append(self.red_lines[ref])
        return f"{ref} is added"

    def _move_walk_away(self, effect: MoveReservation) -> str:
        old = self.walk_away.get(effect.party, 0.0)
        self.walk_away[effect.party] = _shifted(old, effect.by, effect.to, 0.0, 1.0)
        return f"{effect.party}'s walk-away value moves from {old:.2f} to {self.walk_away[effect.party]:.2f}"

    def _change_salience(self, effect: ChangeSalience) -> str:
        if not self._salience_copied:  # the stated salience is shared between runs
            self.salience, self._salience_copied = {p: dict(s) for p, s in self.salience.items()}, True
        old = self.salience[effect.party].get(effect.issue, 1.0)
        self.salience[effect.party][effect.issue] = _shifted(old, effect.by, effect.to, 0.0, 1.0)
        more = self.salience[effect.party][effect.issue] > old
        return f"{effect.party} cares {'more' if more else 'less'} about {effect.issue}"

    def _change_urgency(self, effect: ChangeUrgency) -> str:
        old = self.urgency[effect.party]
        self.urgency[effect.party] = _shifted(old, effect.by, effect.to, 0.0, 100.0)
        return f"{effect.party}'s urgency moves from {old:.2f} to {self.urgency[effect.party]:.2f}"

    def _change_cost_of_delay(self, effect: ChangeCostOfDelay) -> str:
        old = self.cost_of_delay[effect.party]
        self.cost_of_delay[effect.party] = _shifted(old, effect.by, effect.to, 0.0, 1.0)
        new = self.cost_of_delay[effect.party]
        return f"each day without a deal now costs {effect.party} {new:.3g} (was {old:.3g})"

    def _change_lean(self, effect: ChangeLean) -> str:
        self.lean[effect.party] = effect.toward
        if effect.toward is None:
            return f"{effect.party} no longer leans towards either side"
        return f"{effect.party} leans towards {effect.toward}: the onus is on the other side"

    def _change_trust(self, effect: ChangeTrust) -> str:
        key = (effect.party, effect.toward)
        self.trust[key] = _shifted(self.trust.get(key, 0.0), effect.by, effect.to, -1.0, 1.0)
        return f"{effect.party}'s trust in {effect.toward} is now {self.trust[key]:+.2f}"

    def _attend(self, effect: Attendance) -> str:
        joins = effect.type == "join"
        self.present[effect.party] = joins
        return f"{effect.party} {'joins' if joins else 'leaves'} the talks"


def _in_force(states: Iterable[RedLineState]) -> RedLinesInForce:
    """Red lines as part of a cache key: each by ref, with its active version (None: dropped) and its definition."""
    return tuple([(state.ref, state.active, Same(state.definition)) for state in states])


def _shifted(old: float, by: float | None, to: float | None, low: float, high: float) -> float:
    value = to if to is not None else old + (by or 0.0)
    return float(min(high, max(low, value)))
