"""The talks over calendar time: a simpy discrete-event simulation.

Time is in days from the scenario's start. Processes: the lead mediator shuttling one
text between the principals (or the principals exchanging offers in turn), summits
where the attending parties meet at once, scheduled events and deadlines, and random
shocks whose rate a prospect of progress can damp. Every answer and every agreement is
decided by the one check, through :class:`~sim.agents.world.World`; an agreement forms
only when every principal accepts one package that holds every active red line and
every walk-away value.
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import simpy

from ..agents.knowledge import RedLineKnowledge
from ..agents.mediator import Draft, Mediator
from ..agents.principal import Answer, Principal, Response
from ..agents.solved_agents import mediator_for, principal_for, world_for
from ..constraints.walk_away import meets
from ..errors import UsageError
from ..interrupts import raise_if_interrupted
from ..scenario.events import AddRedLine, DropRedLine, Event, SwitchVersion
from ..scenario.model import Party, Scenario
from ..scenario.redlines import STATED
from .draws import draw_versions
from .offer_log import AGREEMENT, CARRIED, NO_OFFER, blocked_record, breaking, offer_turns
from .refusals import Refusals
from .shuttle import Shuttle, State
from .stretch import (
    Stretch,
    agreement_rule,
    concession_deadline,
    last_round,
    relative_time,
    schedule,
    share_accepting,
)
from .stretch import play as play_stretch
from .text import Text
from .timeline import Demands, EventLog, Outcome

Process = Generator[simpy.Event, Any, None]
SHUTTLE, SUMMIT = 1, 0
_FIRST_STRETCH = 256
"""Turns worked out at once on the first stretch of alternating offers; each later one doubles."""


@lru_cache(maxsize=64)
def _opening(horizon: float) -> str:
    """How the log's first entry reads."""
    return f"talks open; horizon {horizon:g} days"


MAX_SIMULATED_EVENTS = 60_000
"""Most simulated events (simpy steps) one run may take. The largest talks the format allows
(1,000 rounds, summits) take a few thousand, a random event at the highest rate over the
longest horizon about 7,300 (eight of those fit); a run that would never end reaches the
bound in a second or two."""
STEPS_BETWEEN_CHECKS = 1024
"""Simulated events between two looks at the clock and the count: the guard costs next to nothing."""


class _Clock(simpy.Environment):
    """simpy's environment, its event makers found on the class rather than bound early.

    ``Environment.__init__`` binds them to each instance (it looks in the instance's own class
    only, so not for a subclass): a run uses few of them, and the bound ones would keep every
    environment in a reference cycle, left to the garbage collector.
    """

    def clear(self) -> None:
        """Drop every event still scheduled: the run is over, and the schedule would keep them and the clock alive."""
        self._queue.clear()  # simpy's own schedule: no public way to empty it without processing the events


class RunTooLong(UsageError):
    """A run went past its time limit or its number of simulated events; nothing of it is kept."""


class Talks:
    """One simulated run of a scenario's talks."""

    def __init__(self, scenario: Scenario, versions: Mapping[str, str | None] | None, horizon: float, *,
                 seed: int | None = None, rng: np.random.Generator | None = None, stretches: bool = True,
                 time_limit: float | None = None, demands: bool = False, method: str = "auto") -> None:
        """Set the talks up; randomness comes from ``rng``, else from a generator seeded with ``seed``.

        Red lines are at the versions ``versions`` names, the others (all, if None) at their stated ones.

        With ``stretches`` off, alternating offers are played one turn at a time even where a
        stretch of turns could be worked out at once (the same outcome and log, more slowly).
        A run that computes longer than ``time_limit`` seconds, or takes more than
        :data:`MAX_SIMULATED_EVENTS` steps, raises :class:`RunTooLong`. With ``demands``, the log
        keeps what each principal asked for at each offer and answer (:class:`Demands`). ``method``:
        list every package (``enumerate``), ask the solver (``solver``: mediated talks only), or list
        them where a run fits the memory budget and ask the solver otherwise (``auto``).
        """
        self.scenario, self.horizon, self.seed, self._rng = scenario, horizon, seed, rng
        self.time_limit = time_limit
        self.stretches = stretches
        self.settings = scenario.talks
        self.env = _Clock()
        self.world = world_for(scenario, versions, method)
        self.knowledge = RedLineKnowledge(self.world)
        self.log = EventLog(scenario.start, scenario)
        self.demands = self.log.demands = Demands() if demands else None
        parties: list[Party] = []
        self._mediators: list[str] = []
        for party in scenario.parties:  # one pass, each field read once (architecture.md, speed)
            role = party.role
            if role == "principal":
                parties.append(party)
            elif role == "mediator":
                self._mediators.append(party.id)
        principals = tuple([p.id for p in parties])
        self.principals = {name: principal_for(p, self.world, self.knowledge, principals)
                           for name, p in zip(principals, parties, strict=True)}
        self.mediator = self._lead_mediator()
        self.deadline = self._concession_deadline()
        self.shuttle = self._shuttle() if self.mediator else None
        self.table = simpy.PreemptiveResource(self.env, capacity=1) if self.mediator else None
        """The mediator's table: a shuttle and a summit do not hold talks at once (a summit takes it from a shuttle)."""
        self.done = self.env.event()
        self._start_counts()

    def _lead_mediator(self) -> Mediator | None:
        """The mediator who leads the talks, if they are mediated (the default when the scenario has one)."""
        lead = self.settings.lead(self._mediators)
        return None if lead is None else mediator_for(lead, self.world, tuple(self.principals))

    def _shuttle(self) -> Shuttle:
        """The lead mediator's book: who carries its text (itself first), whose answers dated events give."""
        assert self.mediator is not None
        lead = self.mediator.party
        due: dict[str, list[float]] = {}
        for event in self.scenario.events:
            if event.date is not None and self._offset(event.date) >= 0:
                for party in event.answering:
                    due.setdefault(party, []).append(self._offset(event.date))
        carriers = [lead] + [m for m in self._mediators if m != lead]
        return Shuttle(self.env, self.log, lead, carriers, self.world.prepared.reaches,
                       {party: sorted(days) for party, days in due.items()})

    def _state(self) -> State:
        """The state an answer is given in: what the world and the table's knowledge are now, and the open issues."""
        return self.world.revision, self.knowledge.revision, len(self.text.open)

    def _concession_deadline(self) -> float:
        """The day by which principals plan to have come down to what they expect to settle for.

        A round before the talks end: at the scenario's horizon (not at a shorter ``--until``,
        which the parties do not know of) or at an earlier dated deadline that ends the talks.
        """
        end = float(self.scenario.horizon_days)
        for event in self.scenario.events:
            if event.ends_talks and event.date is not None and 0 < self._offset(event.date) < end:
                end = self._offset(event.date)
        return concession_deadline(end, self._round_days)

    @property
    def _round_days(self) -> float:
        """How long a round takes: each principal's deliberation, and in mediated talks the mediator's legs."""
        settings = self.settings
        legs = settings.travel_days + settings.meeting_days if self.mediator else 0.0
        return len(self.principals) * (legs + settings.deliberation_days)

    def _start_counts(self) -> None:
        """What the talks keep count of as they go, at its start."""
        self.rounds = self.drafts = 0
        self.text = Text(self.world)
        """The text on the table (mediated talks): the mediator's package, whole or with issues open."""
        self.progress = 0.0
        self.agreement: tuple[float, int] | None = None
        self.refusals = Refusals()
        self.stop_reason = "the horizon was reached"
        self.ended_by_event = False
        self._everyone = set(self.principals)
        self._max_rounds = self.settings.max_rounds
        self._last_round = last_round(self._max_rounds)
        self.draws: dict[str, bool | int | float] = {}
        """What chance decided in this run (events happening, attendance, shocks), for analysis."""
        self._horizon: simpy.Timeout | None = None

    @property
    def rng(self) -> np.random.Generator:
        """The run's random generator (made from the seed on the first draw: many runs draw nothing)."""
        if self._rng is None:
            self._rng = np.random.default_rng(self.seed)
        return self._rng

    # -- running ---------------------------------------------------------------------------------

    def run(self) -> Outcome:
        """Play the talks out and return the outcome."""
        self.log.add(0.0, "start", cause=_opening(self.horizon))
        processes = []
        for event in self.scenario.events:  # a plain loop: often there are none, and a comprehension costs
            processes.append(self._scheduled(event) if event.date else self._shocks(event))
        processes.append(self._mediation() if self.mediator else self._alternating())
        started = []
        for process in processes:
            started.append(self.env.process(process))
        try:
            self._play()
        finally:  # also when the run stops on an error or a Ctrl-C: nothing of it runs later, in a finaliser
            for process in processes:
                process.close()
            self._let_go(started)
        for begun in started:
            _raise_if_failed(begun)
        return self._outcome()

    def _let_go(self, started: list[simpy.Process]) -> None:
        """Undo the references that would keep a run's events and the talks in reference cycles once it is over.

        Events refer to the clock, and what waits on an event is in its callbacks: left as
        they are, the events still scheduled, the processes still waiting and the table's
        requests would stay in cycles that only the garbage collector frees, run after run.
        """
        for process in started:
            if process.is_alive:
                waiting = process.target
                if waiting.callbacks:
                    waiting.callbacks.clear()
                if isinstance(waiting, simpy.resources.resource.Request):
                    waiting.proc = None  # a request for the table names the process waiting on it
        if self._horizon is not None and self._horizon.callbacks:
            self._horizon.callbacks.clear()
        if self.table is not None:
            self.table.users.clear()
            self.table.queue.clear()
        if self.shuttle is not None:
            self.shuttle.let_go()
        self.env.clear()

    def _play(self) -> None:
        """Process simulated events until the talks end, as ``env.run(until=self.done)`` does.

        Every STEPS_BETWEEN_CHECKS events, look at the clock, the count and the user's interrupt: a
        run that would never end stops with a clear error, one the user stopped stops even if the
        interrupt raised in it was lost, and one that ends in time is not changed at all.
        """
        began = time.monotonic()
        steps = 0
        while True:
            for _ in range(STEPS_BETWEEN_CHECKS):
                self.env.step()
                if self.done.callbacks is None:  # processed: the talks are over
                    return
            steps += STEPS_BETWEEN_CHECKS
            raise_if_interrupted()
            seconds = time.monotonic() - began
            if self.time_limit is not None and seconds > self.time_limit:
                raise RunTooLong(f"the run went on longer than {self.time_limit:g} s ({steps:,} simulated events, "
                                 f"{self._when()}); {_TOO_LONG_HINT}, or allow more with --time-limit")
            if steps >= MAX_SIMULATED_EVENTS:
                raise RunTooLong(f"the run took more than {MAX_SIMULATED_EVENTS:,} simulated events ({self._when()}, "
                                 f"{seconds:.1f} s); {_TOO_LONG_HINT}")

    def _when(self) -> str:
        """How far in simulated time a run stopped for taking too long had come."""
        return f"stopped on day {self.env.now:.3g} of {self.horizon:g}"

    def _start_clock(self) -> None:
        """Set the horizon, at which the talks end; the first thing the talks process does.

        A timeout with a call back rather than a process of its own: it costs a run less, and it
        keeps its place among things due at the same moment (after the events scheduled before the
        talks began, before anything the talks schedule), as a clock process started just before
        the talks would.
        """
        self._horizon = self.env.timeout(self.horizon)
        self._horizon.callbacks.append(self._horizon_reached)

    def _horizon_reached(self, _: simpy.Event) -> None:
        self._finish(self.stop_reason)

    def _finish(self, reason: str, by_event: bool = False) -> None:
        if not self.done.triggered:
            self.stop_reason = reason
            self.ended_by_event = by_event
            self.done.succeed()

    def _relative_time(self) -> float:
        return relative_time(float(self.env.now), self.deadline, self.rounds, self._last_round)

    # -- events and shocks -------------------------------------------------------------------------

    def _offset(self, day: date) -> float:
        return float((day - self.scenario.start).days)

    def _scheduled(self, event: Event) -> Process:
        assert event.date is not None
        at = self._offset(event.date)
        if at > 0:
            yield self.env.timeout(at)
            if self.done.triggered:  # the talks ended at this very instant, before the event's turn came
                return
        happens = at < 0 or self.rng.random() < event.probability
        if event.probability < 1.0:
            self.draws[f"happens:{event.id}"] = happens
        if self.shuttle is not None:  # the answers are given now, or never: the mediator asks as usual from now on
            self.shuttle.passed(event.answering, at)
        if not happens:
            self.log.add(self.env.now, "event", cause=f"{event.title or event.id} does not happen")
            return
        self._happen(event, "event" if at >= 0 else "history")
        if at >= 0:
            self._answers_at(event)
        if event.kind == "summit" and at >= 0:
            yield from self._summit(event)
        if event.ends_talks:
            self._finish(f"the deadline '{event.title or event.id}' passed", by_event=True)

    def _answers_at(self, event: Event) -> None:
        """The principals that give their answer to the text on the table at this event (mediated talks)."""
        if self.mediator is None or self.text.package is None or self.done.triggered:
            return
        for party in event.answering:
            if self.world.present.get(party) and self._conclude([self._answer(party)]):
                return

    def _shocks(self, event: Event) -> Process:
        assert event.rate_per_day is not None
        struck, due = f"shocks:{event.id}", f"due:{event.id}"
        self.draws[struck] = 0
        first = self._offset(event.window.first) if event.window else 0.0
        last = self._offset(event.window.last) + 1 if event.window else self.horizon
        yield self.env.timeout(max(0.0, first))
        while True:
            gap = float(self.rng.exponential(1.0 / event.rate_per_day))
            if due not in self.draws:
                # When the first strike falls due is pure chance, drawn as the window opens, whatever the talks do
                # later: compare weighs the shock by it (a strike comes only while the talks last; a deal ends them).
                self.draws[due] = self.env.now + gap
            yield self.env.timeout(gap)
            if self.env.now >= last or self.done.triggered:
                return
            if self.rng.random() < 1.0 - event.progress_damping * self.progress:
                self.draws[struck] = int(self.draws[struck]) + 1
                self._happen(event, "shock")
                if event.ends_talks:  # a regional war, say
                    self._finish(f"'{event.title or event.id}' ended the talks", by_event=True)
                    return

    def _happen(self, event: Event, kind: str) -> None:
        self.log.add(self.env.now, kind, cause=event.title or event.id)
        if event.effects and self.shuttle is not None:
            self.shuttle.world_changed()
        for effect in event.effects:
            change = self.world.apply(effect)
            if isinstance(effect, SwitchVersion | DropRedLine):
                version = effect.to if isinstance(effect, SwitchVersion) else None
                self.knowledge.hear(effect.red_line, version)
                if self.mediator:
                    self.mediator.hear(effect.red_line, version)
            elif isinstance(effect, AddRedLine) and not effect.red_line.private:
                self.knowledge.hear(f"{effect.party}/{effect.red_line.id}", STATED)
            self.log.add(self.env.now, "effect", getattr(effect, "party", None), cause=change)

    # -- mediated talks ----------------------------------------------------------------------------

    def _mediation(self) -> Process:
        assert self.mediator is not None and self.table is not None
        self._start_clock()
        self._table_text(self.mediator.first_text(*self._opening()))
        while self.rounds < self.settings.max_rounds:
            with self.table.request(priority=SHUTTLE, preempt=False) as turn:
                yield turn
                try:
                    ended = yield from self._shuttle_round()
                except simpy.Interrupt:  # a summit took the table: the round starts again after it
                    continue
                if ended:
                    return

    def _shuttle_round(self) -> Generator[simpy.Event, Any, bool]:
        """The text goes to each principal in turn; returns whether a deal ended the talks.

        A principal whose answer a dated event will give (``answering``) is not asked before it;
        if none can be asked, the mediator waits for the first such event. A principal the lead
        mediator does not reach gets the text from a mediator that does.
        """
        shuttle = self.shuttle
        assert shuttle is not None
        asked = 0
        for party in self.principals:
            if not self.world.present[party]:
                self.log.add(self.env.now, "absent", party, cause="out of the talks")
                continue
            if shuttle.awaits(party) or shuttle.stands(party, self.text.package, self._state()):
                continue
            carrier = shuttle.carrier(party)
            if carrier is None:
                continue
            asked += 1
            yield self.env.timeout(self._shuttle_leg())
            if carrier != shuttle.lead:
                self.log.add(self.env.now, "carry", carrier, cause=f"carries the text to {party}")
            yield self.env.timeout(self._deliberation(party, carrier))
            if self._conclude([self._answer(party)]):  # the last acceptance the text needed
                self.rounds += 1
                return True
        if not asked and not shuttle.news:
            yield shuttle.wait()
            return False
        self.rounds += 1
        self._redraft()
        return self.agreement is not None  # settling the open issues can complete a deal

    def _summit(self, event: Event) -> Process:
        """The principals that come meet at the mediator's table on the day, answering each text at once.

        The summit takes the table from a shuttle in progress. It holds up to ``summit_rounds``
        rounds and ends early when a round leaves the text as it was; with no principal
        present it holds none.
        """
        attending = self._attendance(event)
        if self.mediator is None or self.table is None or self.done.triggered:
            return
        present = [p for p in self.principals if p in attending and self.world.present[p]]
        if not present:
            self.log.add(self.env.now, "summit", cause="no principal is there: no rounds are held")
            return
        with self.table.request(priority=SUMMIT, preempt=True) as turn:
            yield turn
            for _ in range(self.settings.summit_rounds):
                yield self.env.timeout(self.settings.meeting_days)
                answers = [self._answer(p) for p in present if self.world.present[p]]
                self.rounds += 1
                if self._conclude(answers) or not self._redraft() or self.agreement is not None:
                    return

    def _attendance(self, event: Event) -> list[str]:
        """Draw who comes to a summit, note it among the run's draws and log it."""
        attending = [p for p in event.parties if self.rng.random() < event.attendance.get(p, 1.0)]
        for party in event.attendance:
            self.draws[f"attends:{event.id}:{party}"] = party in attending
        missing = [p for p in event.parties if p not in attending]
        absent = f"; absent: {', '.join(missing)}" if missing else ""
        self.log.add(self.env.now, "summit", cause=f"attending: {', '.join(attending) or 'nobody'}{absent}")
        return attending

    def _opening(self) -> tuple[np.ndarray | None, dict[int, int] | None, tuple[int, ...]]:
        """The latest proposal on the table at the start: its completions (None if none), terms, open issues.

        The latest by date, undated proposals counting as of the start and, among equals, the
        last listed. The terms (issue position: value code) are returned only when the lead
        mediator made the proposal itself: they are its core terms. The open issues are the
        positions of the issues the proposal leaves open (none without a proposal).
        """
        assert self.mediator is not None
        start = self.scenario.start
        tabled = [(p.date or start, i, p) for i, p in enumerate(self.scenario.proposals) if (p.date or start) <= start]
        if not tabled:
            return None, None, ()
        rows, space = self.world.packages, self.world.space
        ok = np.ones(len(rows), dtype=bool)
        latest = max(tabled, key=lambda entry: entry[:2])[2]
        terms = {space.position(issue): space.code(issue, value) for issue, value in latest.terms.items()}
        for position, code in terms.items():
            ok &= rows[:, position] == code
        left_open = tuple(j for j in range(len(space.issues)) if j not in terms)
        return ok, terms if latest.proposer == self.mediator.party else None, left_open

    def _table_text(self, draft: Draft) -> None:
        """Put a text on the table and log it, with what it changes; mediators whose red lines it breaks object.

        A text that leaves issues open is logged with those terms open; a mediator objects to
        it on the red lines that every way of settling them would break. The mediator has drafted
        on what it heard already (:meth:`_redraft`; the opening text comes before anything is heard).
        """
        changed, said = self.text.table(draft)
        self.drafts += 1
        self.log.add(self.env.now, "draft", self.mediator.party if self.mediator else None,
                     package=self.text.logged(), cause=said)
        if changed:
            assert self.text.package is not None
            for mediator in self._mediators:
                broken = self.world.broken(self.text.package, mediator, self.text.open)
                if broken:
                    self.log.add(self.env.now, "object", mediator, package=self.text.logged(),
                                 verdicts=breaking(tuple(broken)), cause="the text breaks its red lines")

    def _redraft(self) -> bool:
        """The mediator redrafts after a round; returns whether the text changed.

        The draft is logged when the text or the mediator's reason changed, not when the
        same text stays on the table for the same reason.
        """
        assert self.mediator is not None and self.shuttle is not None
        self.shuttle.drafted()
        draft = self.mediator.draft()
        in_principle = self._in_principle() if self.text.open and not draft.open else {}
        changed = not self.text.same(draft)
        if changed or draft.reason != self.text.reason:
            self._table_text(draft)
        if in_principle:
            self._carry_over(in_principle)
        return changed

    def _in_principle(self) -> dict[str, float]:
        """Who accepts the open text on the table, or would but for its open issues, and what it reads it worth."""
        text = self.text.package
        assert self.shuttle is not None and text is not None
        state = self._state()
        agreeing = set(self.shuttle.standing(text, state) + self.shuttle.withholding(text, state))
        parties = [party for party in self.principals if party in agreeing]  # in the principals' order
        worth = {party: self.principals[party].read_open_text(text, self.text.open)[0] for party in parties}
        return {party: -math.inf if value is None else value for party, value in worth.items()}

    def _carry_over(self, in_principle: dict[str, float]) -> None:
        """Acceptances in principle carry over to the settled text where it gives what was accepted.

        A principal that accepted the text with issues open, or withheld only on them, accepts
        the settled text if it breaks none of its red lines and is worth to it at least what it
        read the open text to be worth (its worst admissible completion); the others are asked again.
        """
        text = self.text.package
        assert text is not None and self.shuttle is not None
        carried = []
        for party, worth in in_principle.items():
            utility, broken = self.principals[party].judge(text)
            if not broken and (utility is None or meets(utility, worth)):
                carried.append(Response(party, text, Answer.ACCEPTS, (), CARRIED, utility))
        for response in carried:
            self.log.add(self.env.now, "accept", response.party, package=text, cause=CARRIED)
            self.shuttle.heard(response, self._state())
        self._conclude(carried)

    def _shuttle_leg(self) -> float:
        """Travel to and meet one party; an urgent mediator moves faster."""
        assert self.mediator is not None
        pace = 1.0 + self.world.urgency.get(self.mediator.party, 0.0)
        return (self.settings.travel_days + self.settings.meeting_days) / pace

    def _deliberation(self, party: str, carrier: str | None = None) -> float:
        """How long a principal takes to answer: longer the more it distrusts who brought the text."""
        lead = carrier or (self.mediator.party if self.mediator else party)
        distrust = max(0.0, -self.world.trust.get((party, lead), 0.0))
        return float(self.rng.exponential(self.settings.deliberation_days)) * (1.0 + distrust)

    def _answer(self, party: str, package: int | None = None, t: float | None = None) -> Response:
        """A principal's answer to the text on the table, or to ``package`` offered at relative time ``t``.

        An offer is answered by what the principal asks for now, when it makes its own next offer
        (two principals: the end of the turn). A mediator's text is answered by what it would ask
        for at its next answer, a round later: the acceptance condition of the ANAC agents, "accept
        what beats what you would ask for next".
        """
        open_issues = self.text.open if package is None else ()
        package = self.text.package if package is None else package
        assert package is not None
        if t is None:
            day = float(self.env.now) + self._round_days
            t = relative_time(day, self.deadline, self.rounds + 1, self._last_round)
        else:
            day = float(self.env.now)
        principal = self.principals[party]
        response = principal.respond(package, t, day, open_issues)
        if self.demands is not None:
            # what the answer rule tested, at the moment the answer is logged
            self.demands.add(party, float(self.env.now), principal.plan().accepts_from(t, day))
        verdicts = breaking(response.broken)
        if response.withheld:
            verdicts = (verdicts or {}) | dict.fromkeys(response.withheld, "open")
        self.log.add(self.env.now, "accept" if response.accept else "reject", party,
                     package=self.text.logged() if open_issues else package, verdicts=verdicts, cause=response.cause)
        if not response.accept and (response.broken or response.withheld):
            self.knowledge.reveal(tuple(ref for ref in response.broken + response.withheld
                                        if ref in self.world.red_lines))
        if not response.accept and response.utility is not None:
            self.refusals.note(party, response.utility, package)
        if self.mediator and self.shuttle is not None:
            self.shuttle.heard(response, self._state())
            self.mediator.learn(response)
            if open_issues and response.answer is Answer.WITHHOLDS:
                self.mediator.settle(f"{party} withholds acceptance while {self.text.open_named()} open")
            elif open_issues and response.answer is Answer.BELOW_WALK_AWAY:
                self.mediator.settle(f"{party} refuses while {self.text.open_named()} open: settled against it, "
                                     "the text would fall below its walk-away value")
            elif not response.accept and not response.broken:
                self._counter(party, package)
        return response

    def _counter(self, party: str, text: int) -> None:
        """A party that turns a text down on terms says what it would sign instead."""
        counter = self.principals[party].offer(self._relative_time(), float(self.env.now), near=text)
        if counter is not None and counter != text:
            self.log.add(self.env.now, "counter", party, package=counter,
                         cause="the nearest package it would accept now")

    def _conclude(self, answers: list[Response]) -> bool:
        """Agreement if every principal accepted the same text and the one check allows it.

        In mediated talks an acceptance stands while the text and the world stay as they were
        (:meth:`Shuttle.standing`); in alternating offers each offer is answered afresh.
        """
        if not answers:
            return False
        package = answers[-1].package
        accepted = [a.party for a in answers if a.accept]
        if self.shuttle is not None:
            accepted = self.shuttle.standing(package, self._state())
        self.progress = share_accepting(len(accepted), len(self.principals))
        if self.text.open:  # agreed in principle at most: a deal needs the whole text
            return self._settle_if_agreed_in_principle(accepted, package)
        unanimous = len(accepted) == len(self._everyone) and set(accepted) == self._everyone
        agreed, blocked = agreement_rule(unanimous, unanimous and self.world.agreement_allowed(package))
        if blocked:
            blockers = self.world.broken(package)
            self.log.extend((blocked_record(self.env.now, package, blockers),))
            if self.mediator:
                self.mediator.note_blocked(blockers)
        if not agreed:
            return False
        self.agreement = (self.env.now, package)
        self.log.add(self.env.now, "agreement", package=package, cause=AGREEMENT)
        self._finish("agreement")
        return True

    def _settle_if_agreed_in_principle(self, accepted: list[str], package: int) -> bool:
        """Once every principal accepts the open text, or would but for its open issues, the mediator settles them.

        It does so at once; returns whether the settled text is then agreed (:meth:`_carry_over`).
        """
        assert self.mediator is not None and self.shuttle is not None
        withholding = self.shuttle.withholding(package, self._state())
        if set(accepted) | set(withholding) != self._everyone:
            return False
        # a withholding already made the mediator decide to settle, giving its reason (:meth:`_answer`)
        self.mediator.settle("every principal accepts the rest of the text")
        self._redraft()
        return self.agreement is not None

    # -- alternating offers ------------------------------------------------------------------------

    def _alternating(self) -> Process:
        """Principals take turns to offer; every other principal answers each offer.

        Where nothing can happen between turns, many turns are worked out at once with arrays
        (a stretch); otherwise, and for tit-for-tat, one at a time, as mediated talks answer a
        text. Both ways apply the same rules: :func:`~sim.agents.principal.answer_to`, the
        offer rule, :func:`~sim.agents.principal.demand` and :func:`relative_time`.
        """
        self._start_clock()
        order = tuple(self.principals)
        agents = list(self.principals.values())
        ahead = self._plan_ahead(agents)
        utility = self.world.utility_rows(order) if ahead else None
        turn, chunk = 0, _FIRST_STRETCH
        while self.rounds < self._max_rounds:
            planned = self._plan_stretch(agents, order, utility, turn, chunk) if utility is not None else None
            if planned is None:
                ended = yield from self._one_turn(agents, order, turn)
                played = 0 if ended else 1
            else:
                delay, stretch = planned
                yield self.env.timeout(delay)
                chunk *= 2
                ended = stretch.agreed or stretch.no_offer
                played = stretch.turns - ended  # a turn without an offer, or that ends in a deal, is not counted
                if stretch.agreed:
                    self._finish("agreement")
            turn += played
            self.rounds = turn // len(order)
            if ended:
                return

    def _plan_ahead(self, agents: list[Principal]) -> bool:
        """Whether stretches of turns may be worked out at once: asked for, turns take time, demands move with it."""
        return self.stretches and self.settings.deliberation_days > 0 and all(a.plans_ahead for a in agents)

    def _one_turn(self, agents: list[Principal], order: tuple[str, ...],
                  turn: int) -> Generator[simpy.Event, Any, bool]:
        """Play turn ``turn`` alone: the offer made now, the answers one deliberation later, as the world is then.

        Returns whether the talks end on it (an agreement, or a proposer with nothing to offer).
        """
        k = turn % len(order)
        t, day = self._relative_time(), float(self.env.now)
        offer = agents[k].offer(t, day)
        if self.demands is not None:
            self.demands.add(order[k], day, agents[k].plan().asks(t, day))
        yield self.env.timeout(self.settings.deliberation_days)
        if offer is None:
            self.log.add(self.env.now, "no-offer", order[k], cause=NO_OFFER)
            return True
        self.log.add(self.env.now, "offer", order[k], package=offer)
        t = self._relative_time()
        answers = [Response(order[k], offer, Answer.PROPOSES, (), Answer.PROPOSES.cause, None)]
        for j, agent in enumerate(agents):
            if j != k:
                agent.observe(offer)  # tit-for-tat measures the concession before it answers
                answers.append(self._answer(order[j], offer, t))
        return self._conclude(answers)

    def _plan_stretch(self, agents: list[Principal], order: tuple[str, ...], utility: np.ndarray, turn: int,
                      chunk: int) -> tuple[float, Stretch] | None:
        """Work out and log up to ``chunk`` turns from ``turn`` on that end before anything else can happen.

        ``utility`` holds every package's utility for each principal, in ``order``.

        Returns the delay to the end of the stretch and what happened on it, or None when
        fewer than two turns fit before the next thing on simpy's queue, so that the caller
        plays one turn as usual.
        """
        parties, now = len(order), self.env.now
        turns = schedule(now, self.settings.deliberation_days, min(chunk, self._max_rounds * parties - turn),
                         self.deadline, turn, parties, self._last_round)
        count = int(turns.ends.searchsorted(self.env.peek()))  # the turns that end before the next event
        if count < 2:
            return None
        plans = [agent.plan() for agent in agents]
        allowed = self.world.feasible()
        stretch = play_stretch(plans, turns, count, allowed, utility)
        end: float = turns.ends.item(stretch.turns - 1)  # a Python float, as float() of numpy's but quicker
        if now + (end - now) != end:  # one timeout would not land on its end: stop before the first such turn
            count = turns.landing(now, count)
            if count < 2:
                return None
            stretch = play_stretch(plans, turns, count, allowed, utility)
        telling = self._first_telling_refusal(stretch, agents)
        if telling is not None and telling + 1 < stretch.turns:  # what it reveals changes the offers after it
            if telling + 1 < 2:
                return None
            stretch = play_stretch(plans, turns, telling + 1, allowed, utility)
        end = turns.ends.item(stretch.turns - 1)  # of the stretch as played
        self._log_stretch(stretch, order, agents, turns.ends, end)
        if self.demands is not None:
            self.demands.add_turns(order, turns.days, stretch.asked, stretch.turns)
        return end - now, stretch

    def _first_telling_refusal(self, stretch: Stretch, agents: list[Principal]) -> int | None:
        """The first turn of a stretch refused on a red line the table did not know as it is (None if none)."""
        for turn, k in stretch.on_red_lines:
            if self.knowledge.would_tell(agents[k].breaks(int(stretch.offers[turn]))):
                return turn
        return None

    def _log_stretch(self, stretch: Stretch, order: tuple[str, ...], agents: list[Principal], times: np.ndarray,
                     end: float) -> None:
        """Log a stretch's offers, answers, blocked texts and ending as turn-by-turn play does.

        ``agents`` are the principals in ``order``; ``times`` the ends of turns from the
        stretch's first on (at least as many as it has), ``end`` that of its last turn.
        """
        self.log.add_turns(offer_turns(stretch, order, times, end, agents, self.world))
        for turn, k in stretch.on_red_lines:
            self.knowledge.reveal(agents[k].breaks(int(stretch.offers[turn])))
        if stretch.agreed:
            self.agreement = (end, stretch.offers.item(-1))
        for j, (worth, package) in stretch.refusals.items():
            self.refusals.note(order[j], worth, package)
        if stretch.progress is not None:
            self.progress = stretch.progress

    # -- outcome -------------------------------------------------------------------------------------

    def _outcome(self) -> Outcome:
        """How the run ended: the deal, or what blocked one (logged as the last entry)."""
        if self.agreement is not None:
            at, package = self.agreement
            return self._ending(day=at, package=package, blocking=(), reason="agreement", ending="agreement")
        blocking, reason, ending = self._blocking()
        self.log.add(self.env.now, "end", cause=reason)
        return self._ending(day=None, package=None, blocking=blocking, reason=reason, ending=ending)

    def _ending(self, *, day: float | None, package: int | None, blocking: tuple[str, ...], reason: str,
                ending: str) -> Outcome:
        """The outcome record: the deal's day and package (None without one), or what blocked it, and why."""
        world = self.world
        versions: dict[str, str | None] = {}
        for ref, state in world.red_lines.items():  # a plain loop: often there are none, and a comprehension costs
            versions[ref] = state.active
        return Outcome(
            scenario=self.scenario.id, seed=self.seed, agreed=package is not None, day=day,
            date=None if day is None else self.log.day(day),
            package=None if package is None else world.terms(package),
            rounds=self.rounds, drafts=self.drafts, blocking=blocking, reason=reason, ending=ending,
            best_refused={p: {"package": world.terms(best), "utility": round(u, 6)}
                          for p, (u, best) in self.refusals.most_valued().items()},
            versions=versions, walk_aways=dict(world.walk_away), draws=dict(self.draws))

    def _blocking(self) -> tuple[tuple[str, ...], str, str]:
        """Why no deal: the clashing red lines if no package is left, else what the last text broke.

        With them, the reason in words and the ending (a key of :data:`ENDINGS`).
        """
        if not self.world.has_zopa():
            return self.world.clashing(), f"no package meets every active red line ({self.stop_reason})", "no-zopa"
        text = self.text.package
        broken = self.world.broken(text, open_issues=self.text.open) if text is not None else []
        ending = "ended-by-event" if self.ended_by_event else "not-reached"
        return tuple(broken), f"a deal was possible but not reached; {self.stop_reason}", ending


def _raise_if_failed(process: simpy.Process) -> None:
    """Raise what a process of the talks raised, if it failed.

    simpy raises a process's exception when it steps to the failure, which it schedules: a
    process that fails on the step that ends the talks (a Ctrl-C landing just after the
    agreement, say) would otherwise be left unstepped, and the interrupt or error lost.
    """
    if process.triggered and not process.ok:
        failure = process.value
        assert isinstance(failure, BaseException), "simpy keeps a failed process's exception as its value"
        raise failure


def run(scenario: Scenario, seed: int | None = None, *, rng: np.random.Generator | None = None,
        versions: Mapping[str, str | None] | None = None, draw: bool = False, until: date | None = None,
        stretches: bool = True, time_limit: float | None = None, demands: bool = False,
        method: str = "auto") -> tuple[Outcome, EventLog]:
    """Simulate the talks once.

    Red lines are at their stated versions unless ``versions`` names them or ``draw`` asks
    to draw them from their confidence and alternatives. All randomness comes from
    ``rng`` (or a generator seeded with ``seed``). ``stretches`` and ``time_limit`` are
    :class:`Talks`'s: a run over :data:`MAX_SIMULATED_EVENTS` or ``time_limit`` seconds
    raises :class:`RunTooLong`. With ``demands``, the log's ``demands`` keeps what each principal
    asked for over the run (the same run otherwise). ``method`` is :class:`Talks`'s: where the
    packages are listed or the solver answers (the same run either way).
    """
    if draw and versions is None and rng is None:
        rng = np.random.default_rng(seed)
    if versions is None and draw and rng is not None:
        versions = draw_versions(scenario, rng)
    horizon = float(scenario.horizon_days)
    if until is not None:
        horizon = max(0.0, min(horizon, float((until - scenario.start).days) + 1))
    talks = Talks(scenario, versions, max(horizon, _SHORTEST_HORIZON), seed=seed, rng=rng, stretches=stretches,
                  time_limit=time_limit, demands=demands, method=method)
    return talks.run(), talks.log


_SHORTEST_HORIZON = 1e-9
"""Days the talks last at the least (relative time divides by the horizon), when ``until`` leaves none."""
_TOO_LONG_HINT = ("a random event with a very high rate_per_day, or talks whose rounds take no time, "
                  "can keep a run from ending; lower them")

__all__ = ["MAX_SIMULATED_EVENTS", "RunTooLong", "Talks", "run"]
