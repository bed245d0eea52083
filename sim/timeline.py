"""What a simulated run leaves behind: an append-only event log and its outcome."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


def _rounded(value: float) -> float:
    return round(float(value), 6)


Terms = dict[str, Any]
Record = tuple[float, str, str | None, "int | Terms | None", "dict[str, str] | None", str]


class EventLog:
    """Append-only log of a run: one entry per event, draft, answer, shock or agreement.

    Entries are kept as compact records while the run goes (a package as its index in the
    outcome space) and turned into dicts only when read, through ``decode``.
    """

    def __init__(self, start: date, decode: Callable[[int], Terms] | None = None) -> None:
        self.start = start
        self._decode = decode
        self._records: list[Record] = []
        self._days: dict[int, str] = {}
        self._entries: list[dict[str, Any]] = []

    def day(self, t: float) -> str:
        """Calendar date of simulation time ``t`` (days since the start)."""
        whole = int(t // 1)
        if whole not in self._days:
            self._days[whole] = (self.start + timedelta(days=whole)).isoformat()
        return self._days[whole]

    def add(self, t: float, kind: str, party: str | None = None, *, package: int | Terms | None = None,
            verdicts: dict[str, str] | None = None, cause: str = "") -> None:
        """Append one entry; ``package`` is terms, or a package index that ``decode`` reads."""
        self._records.append((t, kind, party, package, verdicts, cause))

    def __len__(self) -> int:
        return len(self._records)

    @property
    def entries(self) -> list[dict[str, Any]]:
        """Every entry as a dict: time, date, kind, party, package, verdicts, cause."""
        for t, kind, party, package, verdicts, cause in self._records[len(self._entries):]:
            if isinstance(package, int):
                assert self._decode is not None
                package = self._decode(package)
            self._entries.append({"time": _rounded(t), "date": self.day(t), "kind": kind, "party": party,
                                  "package": package, "verdicts": dict(verdicts or {}), "cause": cause})
        return self._entries

    def jsonl(self) -> str:
        """The log as JSON lines (stable bytes for a given run)."""
        return "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in self.entries)


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
    best_refused: dict[str, dict[str, Any]]
    versions: dict[str, str | None]
    reservations: dict[str, float]
    draws: dict[str, bool | int]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"scenario": self.scenario, "seed": self.seed, "agreed": self.agreed,
                "date": self.date, "day": None if self.day is None else _rounded(self.day),
                "package": self.package, "rounds": self.rounds, "drafts": self.drafts,
                "blocking": list(self.blocking), "reason": self.reason, "best_refused": self.best_refused,
                "red_line_versions": self.versions,
                "reservations": {p: _rounded(v) for p, v in self.reservations.items()},
                "draws": self.draws}
