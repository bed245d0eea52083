"""The scenario schema: issues, parties with red lines and preferences, proposals, events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StrictStr, model_validator

from ..files.markup import frame, heading, html_table
from .base import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_SUMMIT_ROUNDS,
    MAX_BARGAINING_POWER,
    MAX_EXPONENT,
    MAX_HORIZON_DAYS,
    MAX_INTEGER,
    MAX_ROUNDS,
    MAX_SUMMIT_ROUNDS,
    MAX_URGENCY,
    MAX_VALUES_PER_ISSUE,
    MIN_EXPONENT,
    Day,
    Days,
    Id,
    Model,
    Probability,
    Prose,
    Scalar,
    Source,
    Utility,
    Weight,
)
from .conditions import Condition
from .events import Event
from .hints import counted
from .redlines import STATED, RedLine
from .words import red_line_rule, rule_words

MAX_DOMAIN = MAX_VALUES_PER_ISSUE
"""Values an issue may hold (kept under this name for the modules that import it)."""

IssueInteger = Annotated[StrictInt, Field(ge=-MAX_INTEGER, le=MAX_INTEGER)]


class SourceDocument(Model):
    """A document that red lines and proposals quote: a local file, a page online or a printed work."""

    id: Id
    title: Prose
    publisher: StrictStr | None = None
    date: Day | None = None
    file: StrictStr | None = Field(None, description="File name looked up by `check --sources DIR`.")
    url: StrictStr | None = Field(None, description="Where the document is online.")
    citation: Prose | None = Field(
        None, min_length=1, description="A printed work: author, title, publisher, year, pages, as one string.")

    @model_validator(mode="after")
    def _can_be_found(self) -> SourceDocument:
        if self.file is None and self.url is None and self.citation is None:
            raise ValueError(f"source '{self.id}' gives no 'file', 'url' or 'citation', so no reader can find it; "
                             "add 'url' for a page online, 'citation' for a printed work (author, title, "
                             "publisher, year, pages) or 'file' for a local copy that check --sources reads")
        return self

    def found_at(self) -> str | None:
        """Where a reader finds the document: its citation and url, joined, or None if it gives neither."""
        found = [where for where in (self.citation, self.url) if where]
        return ", ".join(found) or None


class Issue(Model):
    """A term on the table, with its typed domain of values."""

    id: Id
    name: StrictStr
    description: Prose = ""
    type: Literal["categorical", "ordered", "boolean", "integer"]
    values: list[StrictStr] | None = Field(None, max_length=MAX_VALUES_PER_ISSUE,
                                           description="Categories; for `ordered`, lowest first.")
    min: IssueInteger | None = None
    max: IssueInteger | None = None
    step: StrictInt = Field(1, gt=0, le=2 * MAX_INTEGER)
    unit: StrictStr | None = None

    @model_validator(mode="after")
    def _domain_is_well_formed(self) -> Issue:
        if self.type in ("categorical", "ordered"):
            self._check_categories()
        elif self.values is not None:
            raise ValueError(f"a {self.type} issue takes no 'values'")
        if self.type == "integer":
            self._check_range()
        elif self.min is not None or self.max is not None:
            raise ValueError(f"a {self.type} issue takes no 'min' or 'max'")
        return self

    def _check_categories(self) -> None:
        if not self.values or len(self.values) < 2:
            article = "an" if self.type == "ordered" else "a"
            raise ValueError(f"{article} {self.type} issue needs 'values', a list of at least two")
        twice = sorted(value for value, count in Counter(self.values).items() if count > 1)
        if twice:
            raise ValueError(f"value '{twice[0]}' is listed twice in 'values'")

    def _check_range(self) -> None:
        if self.min is None or self.max is None:
            raise ValueError("an integer issue needs 'min' and 'max'")
        if self.min >= self.max:
            raise ValueError(f"'min' ({self.min}) must be below 'max' ({self.max})")
        if (self.max - self.min) % self.step:
            last = self.max - (self.max - self.min) % self.step
            raise ValueError(f"steps of {self.step} from {self.min} never reach 'max' ({self.max}); "
                             f"set 'max' to {last} or {last + self.step}")
        if (self.max - self.min) // self.step + 1 > MAX_DOMAIN:
            raise ValueError(f"an integer issue may hold at most {MAX_DOMAIN:,} values; "
                             "raise 'step' or narrow the range")

    def domain(self) -> tuple[Scalar, ...]:
        """Every value the issue can take, lowest first where ordered."""
        kind = self.type
        if kind == "boolean":
            return (False, True)
        if kind == "integer":
            assert self.min is not None and self.max is not None
            return tuple(range(self.min, self.max + 1, self.step))
        return tuple(self.values or ())

    @cached_property
    def value_set(self) -> frozenset[Scalar]:
        """The issue's values as a set, for checks in constant time on large domains."""
        return frozenset(self.domain())

    @property
    def is_ordered(self) -> bool:
        """Whether `<=`, `>=`, `<` and `>` make sense on this issue."""
        return self.type in ("ordered", "integer")


class Preferences(Model):
    """Linear-additive preferences: per-issue value tables, weights and a walk-away value."""

    weights: dict[Id, Weight]
    values: dict[Id, dict[Scalar, Utility]] = Field(
        description="Per issue, the value (0 to 1) of each of its values; for integer issues, "
        "points between which value is interpolated linearly.")
    reservation: Utility = Field(0.0, description="Walk-away utility: below it the party rejects.")
    bargaining_power: float = Field(1.0, gt=0, le=MAX_BARGAINING_POWER)


class Concession(Model):
    """How a party concedes over time (used by the simulation)."""

    style: Literal["boulware", "conceder", "linear", "tit-for-tat", "hardliner"]
    exponent: float | None = Field(None, ge=MIN_EXPONENT, le=MAX_EXPONENT,
                                   description="Time exponent of time-based styles.")
    opening: Utility | None = Field(
        None, description="Utility the party asks for at the start; default: the best it can get.")


class Mediation(Model):
    """How a mediator mediates: whom it leans towards, and whom it can reach itself."""

    lean: Id | None = Field(None, description=(
        "A principal the mediator leans towards: it starts from that party's terms and puts the onus on "
        "the others (it tests their red lines before that party's). Default: none, a neutral mediator."))
    reaches: list[Id] | None = Field(None, description=(
        "The principals the mediator carries texts to itself; another mediator that reaches a party carries "
        "the lead mediator's text to it. Default: every principal."))


class Party(Model):
    """A principal, mediator or outside actor, with its red lines and preferences."""

    id: Id
    name: StrictStr
    role: Literal["principal", "mediator", "outside"]
    description: Prose = ""
    red_lines: list[RedLine] = []
    preferences: Preferences | None = None
    concession: Concession | None = None
    salience: dict[Id, Probability] = {}
    urgency: float = Field(0.0, ge=0, le=MAX_URGENCY,
                           description="Speeds up concession: time runs 1 + urgency times faster.")
    mediation: Mediation | None = Field(None, description="For a mediator: its lean and whom it reaches.")
    cost_of_delay: float = Field(0.0, ge=0, le=1, description=(
        "Utility each day without a deal costs the party: its demand falls by that much a day, "
        "never below its walk-away value."))


class Proposal(Model):
    """A package put forward by a party; issues left out of ``terms`` stay open."""

    id: Id
    title: Prose = ""
    proposer: Id
    date: Day | None = None
    terms: dict[Id, Scalar]
    source: Source | None = None
    description: Prose = ""


class Talks(Model):
    """How the simulated talks run: protocol, pace and limits."""

    protocol: Literal["mediated", "alternating"] | None = Field(
        None, description="`mediated`: a mediator shuttles one negotiating text; `alternating`: the "
        "principals exchange offers in turn. Default: mediated when the scenario has a mediator.")
    lead_mediator: Id | None = Field(None, description="The mediator who holds the text; default: the first.")
    max_rounds: StrictInt = Field(200, gt=0, le=MAX_ROUNDS, description="Rounds before the talks stop.")
    travel_days: Days = Field(0.5, description="A mediator's travel between two parties.")
    meeting_days: Days = Field(0.25, description="One meeting with one party.")
    deliberation_days: Days = Field(1.0, description="Mean time a party takes to answer a text.")
    summit_rounds: StrictInt = Field(DEFAULT_SUMMIT_ROUNDS, gt=0, le=MAX_SUMMIT_ROUNDS,
                                     description="Rounds held at a summit, all attending at once.")

    def lead(self, mediators: Sequence[str]) -> str | None:
        """The mediator who leads the talks among ``mediators`` (file order), or None if they are not mediated.

        The named lead mediator, else the first; talks are mediated as ``protocol`` says, and by
        default whenever there is a mediator.
        """
        lead = self.lead_mediator or (mediators[0] if mediators else None)
        protocol = self.protocol or ("mediated" if lead else "alternating")
        return lead if protocol == "mediated" else None


class History(Model):
    """What really happened: the deal reached, or the talks ending without one."""

    outcome: Literal["agreement", "no-agreement"] = Field(
        description="`agreement`: a deal was reached; `no-agreement`: none was, in the period studied.")
    date: Day = Field(description="The day the deal was reached; for `no-agreement`, the day the talks broke "
                      "off or the end of the period studied.")
    terms: dict[Id, Scalar] = Field({}, description="The deal's terms on the scenario's issues (only for "
                                    "`agreement`); issues left out are not known or not settled.")
    description: Prose = ""
    source: Source = Field(description="Where the outcome is reported, or `assumption`.")


class Scenario(Model):
    """A whole negotiation: who, over what, with which constraints, and what may happen."""

    negsim: Literal[1] = Field(description="Scenario format version.")
    id: Id
    title: Prose
    description: Prose = ""
    start: Day
    horizon_days: StrictInt = Field(DEFAULT_HORIZON_DAYS, gt=0, le=MAX_HORIZON_DAYS)
    sources: list[SourceDocument] = []
    issues: list[Issue] = Field(min_length=1)
    conditions: dict[Id, Condition] = {}
    parties: list[Party] = Field(min_length=1)
    proposals: list[Proposal] = []
    events: list[Event] = []
    talks: Talks = Talks()
    history: History | None = Field(None, description="The known historical outcome, if any.")

    def issue(self, issue_id: str) -> Issue:
        """Return the issue with this id."""
        return next(i for i in self.issues if i.id == issue_id)

    def party(self, party_id: str) -> Party:
        """Return the party with this id."""
        return next(p for p in self.parties if p.id == party_id)

    def proposal(self, proposal_id: str) -> Proposal:
        """Return the proposal with this id."""
        return next(p for p in self.proposals if p.id == proposal_id)

    def rule_of(self, ref: str, version: str | None = STATED) -> str | None:
        """The rule of red line ``party/id`` in words, in one of its versions (None: a bluff, "no red line").

        None when ``ref`` names no red line of the scenario (a walk-away value, say).
        """
        party_id, _, red_line_id = ref.partition("/")
        party = next((p for p in self.parties if p.id == party_id), None)
        red_line = next((r for r in party.red_lines if r.id == red_line_id), None) if party else None
        if red_line is None:
            return None
        if version is None:
            return rule_words(None, None, self.conditions)
        chosen = next((v for v in red_line.versions if v.id == version), red_line)
        return red_line_rule(chosen, self.conditions)

    def counts(self) -> str:
        """``5 issues, 7 parties, 8 red lines, 3 proposals, 9 events``: what the file holds, in words."""
        red_lines = sum(len(p.red_lines) for p in self.parties)
        return ", ".join(counted(n, what) for n, what in (
            (len(self.issues), "issue"), (len(self.parties), "party"), (red_lines, "red line"),
            (len(self.proposals), "proposal"), (len(self.events), "event")))

    def __repr__(self) -> str:
        """A line, not the whole model (a scenario's fields run to thousands of characters)."""
        return f"<Scenario {self.id}: {self.counts()}>"

    __str__ = __repr__

    def red_line_records(self) -> list[dict[str, object]]:
        """Every red line as a row: its party, id, rule in words, confidence, versions, source and rationale."""
        return [{"party": party.id, "red_line": red_line.id, "rule": red_line_rule(red_line, self.conditions),
                 "confidence": red_line.confidence, "versions": ", ".join(v.id for v in red_line.versions),
                 "source": red_line.source if isinstance(red_line.source, str) else red_line.source.doc,
                 "rationale": red_line.rationale}
                for party in self.parties for red_line in party.red_lines]

    def to_records(self) -> list[dict[str, object]]:
        """The scenario's red lines as rows (:meth:`red_line_records`), what a table of a scenario is most about."""
        return self.red_line_records()

    def to_frame(self) -> Any:
        """The red lines as a pandas DataFrame (pandas is an optional extra)."""
        return frame(self.to_records())

    def _repr_html_(self) -> str:
        """The scenario in a notebook: its issues, parties and red lines (with their rules), as tables."""
        issues = [[i.id, i.name, i.type, ", ".join(map(str, i.domain()))] for i in self.issues]
        parties = [[p.id, p.name, p.role, len(p.red_lines),
                    None if p.preferences is None else p.preferences.reservation] for p in self.parties]
        red_lines = [[f"{r['party']}/{r['red_line']}", r["rule"], r["confidence"], r["source"]]
                     for r in self.red_line_records()]
        return (heading(f"{self.title} ({self.id}), from {self.start}, {self.horizon_days} days")
                + html_table(["issue", "name", "type", "values"], issues, "Issues")
                + html_table(["party", "name", "role", "red lines", "walk-away value"], parties, "Parties")
                + html_table(["red line", "rule", "confidence", "source"], red_lines, "Red lines"))
