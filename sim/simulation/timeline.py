"""What a simulated run leaves behind: an append-only event log and its outcome."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ..constraints.space import OutcomeSpace
from ..files.markup import frame, html_table
from ..scenario.model import Scenario
from ..scenario.words import terms_text


def _rounded(value: float) -> float:
    return round(float(value), 6)


Terms = dict[str, Any]
Record = tuple[float, str, str | None, "int | Terms | None", "dict[str, str] | None", str]
LoggedVerdicts = dict[str, str] | None
AnswerEntry = tuple[str, LoggedVerdicts, str]
"""How an answer reads in the log: (kind, verdicts, cause)."""

NOTHING: Mapping[Any, Any] = MappingProxyType({})
"""An empty mapping shared by the blocks of turns that have no verdicts or blocked texts of their own."""


class CodedAnswers(Protocol):
    """What a block of turns reads its answers from when the log is read (:class:`sim.agents.principal.Answers`)."""

    def codes(self, turns: int) -> npt.NDArray[np.int8]:
        """Each principal's answer code (a row) to each of the first ``turns`` offers."""


@dataclass(slots=True)
class OfferTurns:
    """Many turns of offers and answers kept as columns, and spelled out into records when read.

    The block holds the first ``turns`` turns of the columns (which may go on further: they
    are cut when read, not when logged). Turn ``i`` happens at ``times[i]``: party
    ``proposers[i]`` offers package ``offers[i]``, and every other party ``j`` answers with
    answer code ``answers.codes(turns)[j, i]``, logged as the entry ``entries[j][code]`` (kind,
    verdicts, cause) unless ``verdicts`` holds verdicts of its own for ``(i, j)``. Turns in
    ``blocked`` end with a ``blocked`` entry carrying the given verdicts; ``closing``, if any,
    is the last record.

    A run's log keeps its blocks, so a block holds as few objects of its own as it can (the
    collector goes through every one a program keeps: architecture.md, speed): the parties
    and the entries are shared between runs, and a block with no verdicts or blocked texts
    of its own holds :data:`NOTHING` for them.
    """

    turns: int
    times: npt.NDArray[np.float64]
    parties: tuple[str, ...]
    proposers: npt.NDArray[np.intp]
    offers: npt.NDArray[np.intp]
    answers: CodedAnswers
    entries: tuple[Sequence[AnswerEntry], ...]
    verdicts: Mapping[tuple[int, int], LoggedVerdicts]
    blocked: Mapping[int, Record]
    closing: Record | None

    def __len__(self) -> int:
        return self.turns * len(self.parties) + len(self.blocked) + (self.closing is not None)

    def records(self) -> list[Record]:
        """The turns' records, in the order they happened."""
        out: list[Record] = []
        n = self.turns
        codes = self.answers.codes(n).tolist()
        for i, (t, k, offer) in enumerate(zip(self.times[:n].tolist(), self.proposers[:n].tolist(),
                                              self.offers[:n].tolist(), strict=True)):
            out.append((t, "offer", self.parties[k], offer, None, ""))
            for j, party in enumerate(self.parties):
                if j != k:
                    kind, verdicts, cause = self.entries[j][codes[j][i]]
                    out.append((t, kind, party, offer, self.verdicts.get((i, j), verdicts), cause))
            if i in self.blocked:
                out.append(self.blocked[i])
        if self.closing is not None:
            out.append(self.closing)
        return out


@lru_cache(maxsize=4096)
def _date(start: date, days: int) -> str:
    """The ISO date ``days`` after ``start`` (shared by every log)."""
    return (start + timedelta(days=days)).isoformat()


SHOWN_ENTRIES = 100
"""Entries a notebook shows of each end of a long event log."""


class Demands:
    """What each principal asked for over a run, its aspiration, at each of its offers and answers.

    Kept only when a run is asked to keep it (``run(..., demands=True)``: the negotiation dance
    draws it); a run that keeps it is otherwise the same run, to the byte. A demand is a
    utility on the principal's own scale: the least it would take at that moment.
    """

    def __init__(self) -> None:
        self._points: dict[str, list[tuple[float, float]]] = {}

    def add(self, party: str, day: float, asked: float) -> None:
        """Note what ``party`` asked for on day ``day``."""
        self._points.setdefault(party, []).append((float(day), float(asked)))

    def add_turns(self, order: Sequence[str], days: npt.NDArray[np.float64], asked: npt.NDArray[np.float64],
                  turns: int) -> None:
        """Note many turns' demands at once: principal ``order[p]`` asked ``asked[p, i]`` on day ``days[p, i]``."""
        for p, party in enumerate(order):
            self._points.setdefault(party, []).extend(zip(days[p, :turns].tolist(), asked[p, :turns].tolist(),
                                                          strict=True))

    def of(self, party: str) -> list[tuple[float, float]]:
        """(day, demand) of ``party``, in the order of the days."""
        return sorted(self._points.get(party, []), key=lambda point: point[0])

    def __repr__(self) -> str:
        return f"<Demands of {len(self._points)} principals>"


class EventLog:
    """Append-only log of a run: one entry per event, draft, answer, shock or agreement.

    Entries are kept as compact records while the run goes (a package as its index in the
    outcome space) and turned into dicts only when read, through the scenario's outcome space.
    """

    def __init__(self, start: date, scenario: Scenario | None = None) -> None:
        self.start = start
        # the scenario, whose packages the records name by index: its outcome space is made when the log
        # is first read, so that a kept log does not keep the run's (architecture.md, speed)
        self._scenario = scenario
        self._records: list[Record | OfferTurns] = []
        self._length = 0
        self._entries: list[dict[str, Any]] | None = None  # made when first read: a log kept unread holds no list
        self.demands: Demands | None = None
        """What each principal asked for, when the run was asked to keep it (``run(..., demands=True)``)."""

    def day(self, t: float) -> str:
        """Calendar date of simulation time ``t`` (days since the start)."""
        return _date(self.start, int(t // 1))

    def __repr__(self) -> str:
        return f"<EventLog of {self._length:,} entries from {self.start}>"

    def to_records(self) -> list[dict[str, Any]]:
        """Every entry as a dict (time, date, kind, party, package, verdicts, cause): a row each."""
        return [dict(entry) for entry in self.entries]

    def to_frame(self) -> Any:
        """The entries as a pandas DataFrame (pandas is an optional extra)."""
        return frame(self.to_records())

    def _repr_html_(self) -> str:
        """The timeline as a table in a notebook: its first and last ``SHOWN_ENTRIES`` entries when long."""
        entries = self.entries
        shown = entries if len(entries) <= 2 * SHOWN_ENTRIES else [*entries[:SHOWN_ENTRIES], None,
                                                                   *entries[-SHOWN_ENTRIES:]]
        rows = [["…", "", "", f"{len(entries) - 2 * SHOWN_ENTRIES:,} entries not shown", ""] if e is None else
                [e["date"], e["party"], e["kind"], e["cause"], terms_text(e["package"]) if e["package"] else ""]
                for e in shown]
        return html_table(["date", "who", "what", "why", "terms"], rows, f"Event log: {len(entries):,} entries")

    def add(self, t: float, kind: str, party: str | None = None, *, package: int | Terms | None = None,
            verdicts: dict[str, str] | None = None, cause: str = "") -> None:
        """Append one entry; ``package`` is terms, or a package index that ``decode`` reads."""
        self._records.append((t, kind, party, package, verdicts, cause))
        self._length += 1

    def extend(self, records: Sequence[Record]) -> None:
        """Append many entries at once, as ``(time, kind, party, package, verdicts, cause)`` records."""
        self._records.extend(records)
        self._length += len(records)

    def add_turns(self, turns: OfferTurns) -> None:
        """Append a block of turns, kept as columns until the log is read."""
        self._records.append(turns)
        self._length += len(turns)

    def _spelled_out(self) -> list[Record]:
        """Every record, blocks of turns spelled out (once: they are replaced by their records)."""
        if any(isinstance(r, OfferTurns) for r in self._records):
            self._records = [x for r in self._records for x in (r.records() if isinstance(r, OfferTurns) else (r,))]
        return self._records  # type: ignore[return-value]

    def __len__(self) -> int:
        return self._length

    @property
    def times(self) -> list[float]:
        """Every entry's simulation time in days, unrounded (the entries round it to six places)."""
        return [record[0] for record in self._spelled_out()]

    @property
    def entries(self) -> list[dict[str, Any]]:
        """Every entry as a dict: time, date, kind, party, package, verdicts, cause."""
        if self._entries is None:
            self._entries = []
        entries, space = self._entries, None
        for t, kind, party, package, verdicts, cause in self._spelled_out()[len(entries):]:
            if isinstance(package, int):
                if space is None:
                    assert self._scenario is not None, "a log whose records name packages by index has their scenario"
                    space = OutcomeSpace.of(self._scenario)
                package = space.terms_at(package)
            entries.append({"time": _rounded(t), "date": self.day(t), "kind": kind, "party": party,
                            "package": package, "verdicts": dict(verdicts or {}), "cause": cause})
        return entries

    def jsonl(self) -> str:
        """The log as JSON lines (stable bytes for a given run)."""
        return "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in self.entries)


ENDINGS = {
    "agreement": "the parties agreed",
    "no-zopa": "no package met every active red line and walk-away value",
    "ended-by-event": "a deal was possible, but an event ended the talks first",
    "not-reached": "a deal was possible but not reached before the talks ran out of time or rounds",
}
"""Why a run ended: an agreement, no deal space left, an event that ended the talks while a deal
was possible, or the talks running out while one was possible (in that order of precedence)."""


@dataclass(frozen=True)
class Outcome:
    """How a run ended: the deal and its date, or who and what blocked it."""

    scenario: str
    seed: int | None
    agreed: bool
    day: float | None
    date: str | None
    package: dict[str, Any] | None
    rounds: int
    drafts: int
    blocking: tuple[str, ...]
    reason: str
    ending: str
    """Why the run ended, as one of :data:`ENDINGS`' keys (``reason`` says it in words, with details)."""
    best_refused: dict[str, dict[str, Any]]
    versions: dict[str, str | None]
    walk_aways: dict[str, float]
    draws: dict[str, bool | int | float]

    def __init__(self, scenario: str, seed: int | None, agreed: bool, day: float | None, date: str | None,
                 package: dict[str, Any] | None, rounds: int, drafts: int, blocking: tuple[str, ...], reason: str,
                 ending: str, best_refused: dict[str, dict[str, Any]], versions: dict[str, str | None],
                 walk_aways: dict[str, float], draws: dict[str, bool | int | float]) -> None:
        """The dataclass's own constructor, the fields in order, written out to set them faster.

        The fields go straight into the instance's dict, as unpickling puts them: the one a
        frozen dataclass generates sets each through ``object.__setattr__``, about 1,000
        instructions a field, once a run (architecture.md, speed). Once made, an outcome is as
        frozen as any: setting or deleting a field raises ``FrozenInstanceError``.
        """
        vars(self).update(scenario=scenario, seed=seed, agreed=agreed, day=day, date=date, package=package,
                          rounds=rounds, drafts=drafts, blocking=blocking, reason=reason, ending=ending,
                          best_refused=best_refused,
                          versions=versions, walk_aways=walk_aways, draws=draws)

    def _repr_html_(self) -> str:
        """How the run ended, in a notebook."""
        rows: list[list[object]] = [["ended", self.ending], ["date", self.date], ["rounds", self.rounds],
                                    ["texts", self.drafts], ["why", self.reason]]
        if self.package is not None:
            rows.insert(1, ["agreed terms", terms_text(self.package)])
        if self.blocking:
            rows.append(["blocking", ", ".join(self.blocking)])
        return html_table(["", self.scenario], rows, "Outcome of the run")

    def to_records(self) -> list[dict[str, Any]]:
        """The outcome as one flat row: how it ended, when, the terms (``term:ISSUE``) and what blocked it."""
        row: dict[str, Any] = {"scenario": self.scenario, "seed": self.seed, "agreed": self.agreed,
                               "ending": self.ending, "date": self.date, "day": self.day, "rounds": self.rounds,
                               "drafts": self.drafts, "reason": self.reason, "blocking": " ".join(self.blocking)}
        row.update({f"term:{issue}": value for issue, value in (self.package or {}).items()})
        return [row]

    def to_frame(self) -> Any:
        """The outcome as a one-row pandas DataFrame (pandas is an optional extra)."""
        return frame(self.to_records())

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"scenario": self.scenario, "seed": self.seed, "agreed": self.agreed,
                "date": self.date, "day": None if self.day is None else _rounded(self.day),
                "package": self.package, "rounds": self.rounds, "drafts": self.drafts,
                "blocking": list(self.blocking), "reason": self.reason, "ending": self.ending,
                "best_refused": self.best_refused,
                "red_line_versions": self.versions,
                "reservations": {p: _rounded(v) for p, v in self.walk_aways.items()},
                "draws": self.draws}
