"""Events and their typed effects on red lines, walk-away values (file key ``reservation``) and attendance."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, model_validator

from .base import MAX_RATE_PER_DAY, Day, Id, Model, Probability, Prose, RedLineRef, Shift, Source
from .redlines import RedLine


class _Shift(Model):
    """An effect that moves a number either by an amount or to a value."""

    by: Shift | None = None
    to: Shift | None = None

    @model_validator(mode="after")
    def _one_of_by_to(self) -> _Shift:
        if (self.by is None) == (self.to is None):
            raise ValueError("give exactly one of 'by' (a change) or 'to' (a new value)")
        return self


class SwitchVersion(Model):
    """Make another version of a red line the real one (harden or soften it)."""

    type: Literal["harden", "soften", "switch"]
    red_line: RedLineRef
    to: Id = Field(description="Id of one of the red line's `versions`.")


class DropRedLine(Model):
    """The party drops a red line."""

    type: Literal["drop"]
    red_line: RedLineRef


class AddRedLine(Model):
    """The party adds a new red line."""

    type: Literal["add"]
    party: Id
    red_line: RedLine


class MoveReservation(_Shift):
    """The party's walk-away value moves (the cost of war, an escalation)."""

    type: Literal["reservation"]
    party: Id


class ChangeSalience(_Shift):
    """An issue matters more or less to a party."""

    type: Literal["salience"]
    party: Id
    issue: Id


class ChangeUrgency(_Shift):
    """A party's urgency to settle changes."""

    type: Literal["urgency"]
    party: Id


class ChangeCostOfDelay(_Shift):
    """What each day without a deal costs a party changes (the human toll of a war, a strike's losses)."""

    type: Literal["cost_of_delay"]
    party: Id


class ChangeLean(Model):
    """A mediator leans towards a principal from now on (puts the onus on the others), or towards none."""

    type: Literal["lean"]
    party: Id = Field(description="The mediator.")
    toward: Id | None = Field(description="The principal it now leans towards; null: none (neutral).")


class ChangeTrust(_Shift):
    """A party's trust in another changes."""

    type: Literal["trust"]
    party: Id
    toward: Id


class Attendance(Model):
    """A party leaves or joins the talks."""

    type: Literal["leave", "join"]
    party: Id


Effect = Annotated[
    SwitchVersion | DropRedLine | AddRedLine | MoveReservation | ChangeSalience
    | ChangeUrgency | ChangeCostOfDelay | ChangeTrust | ChangeLean | Attendance,
    Field(discriminator="type"),
]


class Window(Model):
    """The first and last day on which a random event can fall."""

    first: Day
    last: Day


class Event(Model):
    """Something that happens on a date, or at random with a daily rate, and its effects."""

    id: Id
    kind: Literal["talks", "summit", "visit", "statement", "deadline", "shock", "other"]
    title: Prose = ""
    description: Prose = ""
    date: Day | None = Field(None, description="Day of a scheduled event.")
    rate_per_day: float | None = Field(None, gt=0, le=MAX_RATE_PER_DAY, description="Daily rate of a random event.")
    window: Window | None = Field(None, description="Days a random event can fall on; default: the whole run.")
    probability: Probability = Field(1.0, description="Chance that a scheduled event happens at all.")
    parties: list[Id] = []
    attendance: dict[Id, Probability] = Field({}, description="Chance that each party attends.")
    effects: list[Effect] = []
    progress_damping: Probability = Field(
        0.0, description="How much a prospect of progress lowers a random event's rate: the rate is "
        "multiplied by 1 - damping x progress, progress being the share of principals that accepted "
        "the latest text.")
    ends_talks: StrictBool = Field(False, description=(
        "The event ends the talks when it happens: a deadline (dated, which the principals plan for) or, "
        "for a random event, a break such as a war."))
    answering: list[Id] = Field([], description=(
        "Principals that give their answer to the text on the table at this event (a meeting, a statement). "
        "Until the event the lead mediator does not ask them for it; if the event does not happen, it does."))
    source: Source | None = None

    @model_validator(mode="after")
    def _timing_is_defined(self) -> Event:
        if (self.date is None) == (self.rate_per_day is None):
            raise ValueError("give exactly one of 'date' (a scheduled event) or "
                             "'rate_per_day' (a random event)")
        if self.window is not None and self.window.first > self.window.last:
            raise ValueError("'window' must run from its first day to its last")
        return self

