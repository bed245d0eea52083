"""The lead mediator's book of mediated talks: whom it asks, who carries its text, whose answer stands.

Mediated talks (:class:`~sim.simulation.talks.Talks`) keep one :class:`Shuttle`. It decides,
between the simpy steps of a round, whether a principal is asked at all: not before a dated
event that gives its answer (``answering``), not again while its last answer to the same text
cannot have changed, and only through a mediator that reaches it. It keeps the acceptances
that stand while the text and the world stay the same, and tells the mediator when it has
news to redraft on, or nothing to do but wait for the world to change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import simpy

from ..agents.principal import Answer, Response
from .timeline import EventLog

State = tuple[int, int, int]
"""The state of the talks an answer was given in: the world's revision, what the table knew, and how
many issues the text leaves open (settling one makes a new text, even of the same package)."""


Word = Literal["accepts", "withholds", "refuses", "asks for more"]
"""How a principal last answered, as far as the mediator's book goes: a refusal that asks for more
can change as the party concedes; a refusal on red lines or below its walk-away value cannot."""


def _word(response: Response) -> Word:
    if response.accept:
        return "accepts"
    if response.answer is Answer.WITHHOLDS:
        return "withholds"
    return "asks for more" if response.answer is Answer.ASKS_FOR_MORE else "refuses"


class Shuttle:
    """What the lead mediator keeps track of between one answer and the next."""

    def __init__(self, env: simpy.Environment, log: EventLog, lead: str, carriers: list[str],
                 reaches: Mapping[str, tuple[str, ...] | None], due: dict[str, list[float]]) -> None:
        self.env, self.log, self.lead = env, log, lead
        self.carriers = carriers
        """Who may carry the text: the lead mediator first, then the others in file order."""
        self.reaches = reaches
        self.due = due
        """For each principal, the days of the dated events still to come at which it gives its answer."""
        self.news = False
        """Whether answers came in since the text was last drafted (at an event, say): the mediator redrafts."""
        self.changed = env.event()
        """Triggered when an event changes the world: a mediator with nothing to ask waits for it."""
        self._waits: list[simpy.Event] = []
        """The mediator's last wait (:meth:`wait`), after what it is made of."""
        self._told: set[str] = set()
        self._told_waiting = False
        self._last: dict[str, tuple[Word, int, State]] = {}
        """Each principal's last answer: how it answered, to which text, in which state of the talks."""

    # -- whom the mediator asks -------------------------------------------------------------------

    def awaits(self, party: str) -> bool:
        """Whether the party's answer to the text is due at a dated event still to come (logged once)."""
        days = self.due.get(party)
        if not days or self.env.now >= days[0]:
            return False
        if party not in self._told:
            self._told.add(party)
            self.log.add(self.env.now, "await", self.lead, cause=f"awaits {party}'s answer on {self.log.day(days[0])}")
        return True

    def stands(self, party: str, text: int | None, state: State) -> bool:
        """Whether the party's last answer was to this text, in this state, and time alone cannot change it.

        An acceptance, or a refusal on red lines or below the walk-away value, stands while the
        text and the state do; a refusal that asks for more can change as the party concedes.
        """
        last = self._last.get(party)
        return last is not None and last[0] != "asks for more" and last[1:] == (text, state)

    def carrier(self, party: str) -> str | None:
        """The mediator that carries the text to a principal: the lead if it reaches it, else the first that does."""
        for mediator in self.carriers:
            reaches = self.reaches.get(mediator)
            if reaches is None or party in reaches:
                return mediator
        if party not in self._told:
            self._told.add(party)
            self.log.add(self.env.now, "absent", party, cause="no mediator reaches it")
        return None

    def passed(self, parties: Iterable[str], day: float) -> None:
        """An event that gives these parties' answers has come (or will not): ask them as usual from now on."""
        for party in parties:
            days = self.due.get(party)
            if days and days[0] == day:
                days.pop(0)

    # -- what the mediator has heard --------------------------------------------------------------

    def heard(self, response: Response, state: State) -> None:
        """Note an answer, given in ``state``: news to redraft on, and the party's last word until its next."""
        self.news = True
        self._last[response.party] = (_word(response), response.package, state)

    def standing(self, text: int, state: State) -> list[str]:
        """The principals whose acceptance of ``text`` stands: given in this state, in this round or before.

        A party that accepted a text does not take it back while nothing changes; any event that
        changes the world, something the table learns (a refusal that reveals a red line, even in
        the same summit round), or a new text asks every party again.
        """
        return self._last_answering("accepts", text, state)

    def withholding(self, text: int, state: State) -> list[str]:
        """The principals that would accept ``text`` in this state but for the issues it leaves open."""
        return self._last_answering("withholds", text, state)

    def _last_answering(self, word: Word, text: int, state: State) -> list[str]:
        return [party for party, last in self._last.items() if last == (word, text, state)]

    def drafted(self) -> None:
        """The mediator drafted on what it heard."""
        self.news = False

    # -- waiting ----------------------------------------------------------------------------------

    def world_changed(self) -> None:
        """An event changed the world: a mediator waiting for something to change goes on."""
        if not self.changed.triggered:
            self.changed.succeed()
            self._told_waiting = False

    def wait(self) -> simpy.Event:
        """What the mediator waits for when nobody has anything new to say: an answer due, or a change."""
        pending = [days[0] for days in self.due.values() if days and days[0] > self.env.now]
        if not pending and not self._told_waiting:
            self._told_waiting = True
            self.log.add(self.env.now, "wait", self.lead,
                         cause="every principal has answered this text; waits for something to change")
        self.let_go()  # a wait a summit cut short, or that ended on one of its events: no longer called back
        self.changed = self.env.event()
        waits: list[simpy.Event] = [self.changed]
        if pending:
            waits.append(self.env.timeout(min(pending) - self.env.now))
        wait = self.env.any_of(waits)
        self._waits = [*waits, wait]
        return wait

    def let_go(self) -> None:
        """What the last wait is made of no longer calls back the wait it is part of (it is over, or the talks are).

        Each of those events holds the wait in its callbacks, and the wait holds them (and itself,
        until it is processed): reference cycles, left to the garbage collector, for a wait that
        ends on one of its events, that a summit cuts short, or that the talks end during.
        """
        for event in self._waits:
            if event.callbacks:
                event.callbacks.clear()
