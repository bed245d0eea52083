"""Judging one proposal: each party's stance and the verdict of each of its red lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sim.constraints.check import RESERVATION_ID, Check, Constraints
from sim.constraints.compile import BREAKS, HOLDS, CompiledRedLine
from sim.constraints.space import OPEN
from sim.errors import UsageError
from sim.scenario.base import Scalar, SourceRef
from sim.scenario.hints import did_you_mean
from sim.scenario.model import Proposal, Scenario

Verdict = Literal["holds", "breaks", "open"]
Stance = Literal["accept", "reject", "open"]
_WORDS: dict[int, Verdict] = {HOLDS: "holds", BREAKS: "breaks"}


@dataclass(frozen=True)
class RedLineVerdict:
    """The verdict of one red line on one package."""

    ref: str
    verdict: Verdict
    deferred: bool
    rationale: str
    source: dict[str, Any] | Literal["assumption"]
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"id": self.ref, "verdict": self.verdict, "deferred": self.deferred,
                "confidence": self.confidence, "rationale": self.rationale, "source": self.source}


@dataclass(frozen=True)
class ReservationVerdict:
    """Whether a package is worth at least a party's walk-away value."""

    ref: str
    verdict: Verdict
    utility_low: float
    utility_high: float
    reservation: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"id": self.ref, "verdict": self.verdict, "reservation": self.reservation,
                "utility": [round(self.utility_low, 6), round(self.utility_high, 6)]}


@dataclass(frozen=True)
class PartyVerdict:
    """One party's stance on a package, and why."""

    party: str
    name: str
    role: str
    stance: Stance
    red_lines: tuple[RedLineVerdict, ...]
    reservation: ReservationVerdict | None

    @property
    def breaking(self) -> tuple[str, ...]:
        """Refs of the red lines (and reservation) the package breaks."""
        refs = [r.ref for r in self.red_lines if r.verdict == "breaks"]
        if self.reservation and self.reservation.verdict == "breaks":
            refs.append(self.reservation.ref)
        return tuple(refs)

    @property
    def withholding(self) -> tuple[str, ...]:
        """Refs of the open red lines on which the party withholds acceptance."""
        refs = [r.ref for r in self.red_lines if r.verdict == "open" and not r.deferred]
        if self.reservation and self.reservation.verdict == "open":
            refs.append(self.reservation.ref)
        return tuple(refs)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "party": self.party, "name": self.name, "role": self.role, "verdict": self.stance,
            "because": list(self.breaking if self.stance == "reject" else self.withholding),
            "red_lines": [r.to_dict() for r in self.red_lines],
            "reservation": self.reservation.to_dict() if self.reservation else None,
        }


@dataclass(frozen=True)
class Evaluation:
    """Every party's verdict on one package."""

    scenario: str
    proposal: str | None
    terms: dict[str, Scalar | None]
    parties: tuple[PartyVerdict, ...]

    @property
    def open_issues(self) -> tuple[str, ...]:
        """Issues the package leaves open."""
        return tuple(issue for issue, value in self.terms.items() if value is None)

    def with_stance(self, stance: Stance) -> tuple[str, ...]:
        """Ids of the parties taking a stance."""
        return tuple(p.party for p in self.parties if p.stance == stance)

    @property
    def agreed(self) -> bool:
        """Whether every party with a stake accepts (and there is at least one)."""
        return bool(self.parties) and all(p.stance == "accept" for p in self.parties)

    def summary(self) -> str:
        """One line: who accepts, who rejects and on what, who withholds."""
        what = f"Proposal '{self.proposal}'" if self.proposal else "The package"
        parts = []
        if rejecters := [p for p in self.parties if p.stance == "reject"]:
            parts.append("rejected by " + ", ".join(f"{p.party} ({', '.join(p.breaking)})" for p in rejecters))
        if accepters := self.with_stance("accept"):
            parts.append("accepted by " + ", ".join(accepters))
        if waiting := [p for p in self.parties if p.stance == "open"]:
            parts.append("open for " + ", ".join(f"{p.party} ({', '.join(p.withholding)})" for p in waiting))
        if not self.parties:
            return f"{what}: no party has red lines, a walk-away value or a principal's role."
        verdict = "meets every red line" if self.agreed else "is not a deal"
        opened = f"; open issues: {', '.join(self.open_issues)}" if self.open_issues else ""
        return f"{what} {verdict}: " + "; ".join(parts) + opened + "."

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "scenario": self.scenario, "proposal": self.proposal, "terms": self.terms,
            "open_issues": list(self.open_issues), "agreed": self.agreed,
            "accepted_by": list(self.with_stance("accept")),
            "rejected_by": list(self.with_stance("reject")),
            "open_with": list(self.with_stance("open")),
            "parties": [p.to_dict() for p in self.parties], "summary": self.summary(),
        }


ProposalLike = str | Proposal | Mapping[str, Scalar]


def resolve_terms(scenario: Scenario, proposal: ProposalLike) -> tuple[str | None, dict[str, Scalar]]:
    """Turn a proposal id, a Proposal or a terms mapping into (proposal id, terms)."""
    if isinstance(proposal, Proposal):
        return proposal.id, dict(proposal.terms)
    if isinstance(proposal, str):
        ids = [p.id for p in scenario.proposals]
        if proposal not in ids:
            listed = f"; proposals: {', '.join(ids)}" if ids else "; the scenario has none"
            known = did_you_mean(proposal, ids) or listed
            raise UsageError(f"unknown proposal '{proposal}'{known}")
        return proposal, dict(scenario.proposal(proposal).terms)
    return None, dict(proposal)


def evaluate(scenario: Scenario, proposal: ProposalLike,
             constraints: Constraints | None = None) -> Evaluation:
    """Judge a proposal (by id, as a Proposal, or as terms) against every party."""
    constraints = constraints or Constraints.of(scenario)
    proposal_id, terms = resolve_terms(scenario, proposal)
    row = constraints.space.encode(terms)
    result = constraints.check(row[None, :])
    parties = tuple(_party_verdict(scenario, constraints, result, p.id) for p in scenario.parties)
    return Evaluation(scenario.id, proposal_id, constraints.space.decode(row),
                      tuple(p for p in parties if p is not None))


def _party_verdict(scenario: Scenario, constraints: Constraints, result: Check, party_id: str) -> PartyVerdict | None:
    party = scenario.party(party_id)
    red = tuple(_red_line_verdict(scenario, c, int(result.red_lines[r, 0]))
                for r, c in enumerate(constraints.red_lines) if c.party == party_id)
    reservation = None
    for p, prefs in enumerate(constraints.preferences):
        if prefs.party == party_id:
            reservation = ReservationVerdict(
                f"{party_id}/{RESERVATION_ID}", _WORDS.get(int(result.reservations[p, 0]), "open"),
                float(result.utility_low[p, 0]), float(result.utility_high[p, 0]), prefs.reservation)
    if not red and reservation is None and party.role != "principal":
        return None
    verdict = PartyVerdict(party.id, party.name, party.role, "accept", red, reservation)
    stance: Stance = "reject" if verdict.breaking else "open" if verdict.withholding else "accept"
    return PartyVerdict(party.id, party.name, party.role, stance, red, reservation)


def _red_line_verdict(scenario: Scenario, compiled: CompiledRedLine, code: int) -> RedLineVerdict:
    red_line = compiled.source
    source: dict[str, Any] | Literal["assumption"] = "assumption"
    if isinstance(red_line.source, SourceRef):
        doc = next((s for s in scenario.sources if s.id == red_line.source.doc), None)
        source = {"doc": red_line.source.doc, "quote": red_line.source.quote}
        if red_line.source.where:
            source["where"] = red_line.source.where
        if red_line.source.inferred:
            source["inferred"] = True
        if doc is not None:
            source["title"] = doc.title
    verdict = _WORDS.get(code, "open")
    return RedLineVerdict(compiled.ref, verdict, verdict == "open" and compiled.defer_if_open,
                          red_line.rationale, source, red_line.confidence)


__all__ = ["OPEN", "Evaluation", "PartyVerdict", "RedLineVerdict", "ReservationVerdict", "evaluate"]
