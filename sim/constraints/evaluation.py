"""Judging one proposal: each party's stance, and the verdict of each of its red lines and of its walk-away value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..errors import UsageError
from ..files.markup import frame, heading, html_table
from ..scenario.base import Scalar, SourceRef
from ..scenario.hints import did_you_mean
from ..scenario.model import Proposal, Scenario
from ..scenario.redlines import RedLine
from ..scenario.words import red_line_rule
from .check import WALK_AWAY_ID, Check, CompiledConstraints
from .compile import CompiledRedLine
from .verdict import Verdict, VerdictWord

Stance = Literal["accept", "reject", "open"]
"""A party's stance on a package: it accepts it, rejects it, or withholds acceptance while issues are open."""


@dataclass(frozen=True)
class RedLineJudgement:
    """The verdict of one red line on one package, and where the red line comes from."""

    ref: str
    verdict: VerdictWord
    deferred: bool
    rationale: str
    source: dict[str, Any] | Literal["assumption"]
    confidence: float
    rule: str
    """What the red line requires, in words (:func:`sim.scenario.words.red_line_rule`)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"id": self.ref, "verdict": self.verdict, "deferred": self.deferred, "rule": self.rule,
                "confidence": self.confidence, "rationale": self.rationale, "source": self.source}


@dataclass(frozen=True)
class WalkAwayJudgement:
    """Whether a package is worth at least a party's walk-away value."""

    ref: str
    verdict: VerdictWord
    utility_low: float
    utility_high: float
    walk_away: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"id": self.ref, "verdict": self.verdict, "reservation": self.walk_away,
                "utility": [self.utility_low, self.utility_high]}


@dataclass(frozen=True)
class PartyStance:
    """One party's stance on a package, and why."""

    party: str
    name: str
    role: str
    stance: Stance
    red_lines: tuple[RedLineJudgement, ...]
    walk_away: WalkAwayJudgement | None

    @property
    def breaking(self) -> tuple[str, ...]:
        """Refs of the red lines (and walk-away value) the package breaks."""
        refs = [r.ref for r in self.red_lines if r.verdict == "breaks"]
        if self.walk_away and self.walk_away.verdict == "breaks":
            refs.append(self.walk_away.ref)
        return tuple(refs)

    @property
    def withholding(self) -> tuple[str, ...]:
        """Refs of the open red lines on which the party withholds acceptance."""
        refs = [r.ref for r in self.red_lines if r.verdict == "open" and not r.deferred]
        if self.walk_away and self.walk_away.verdict == "open":
            refs.append(self.walk_away.ref)
        return tuple(refs)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "party": self.party, "name": self.name, "role": self.role, "verdict": self.stance,
            "because": list(self.breaking if self.stance == "reject" else self.withholding),
            "red_lines": [r.to_dict() for r in self.red_lines],
            "reservation": self.walk_away.to_dict() if self.walk_away else None,
        }


@dataclass(frozen=True)
class Evaluation:
    """Every party's stance on one package."""

    scenario: str
    proposal: str | None
    terms: dict[str, Scalar | None]
    parties: tuple[PartyStance, ...]

    @property
    def open_issues(self) -> tuple[str, ...]:
        """Issues the package leaves open."""
        return tuple(issue for issue, value in self.terms.items() if value is None)

    def to_records(self) -> list[dict[str, Any]]:
        """A row per red line and walk-away value of every party: its verdict, rule, source, the party's stance."""
        rows: list[dict[str, Any]] = []
        for party in self.parties:
            for red_line in party.red_lines:
                rows.append({"party": party.party, "stance": party.stance, "constraint": red_line.ref,
                             "verdict": red_line.verdict, "deferred": red_line.deferred, "rule": red_line.rule,
                             "confidence": red_line.confidence, "rationale": red_line.rationale})
            if party.walk_away is not None:
                judged = party.walk_away
                rows.append({"party": party.party, "stance": party.stance, "constraint": judged.ref,
                             "verdict": judged.verdict, "deferred": False,
                             "rule": f"utility {judged.utility_low:g} to {judged.utility_high:g} against "
                                     f"{judged.walk_away:g}", "confidence": 1.0, "rationale": ""})
        return rows

    def to_frame(self) -> Any:
        """:meth:`to_records` as a pandas DataFrame (pandas is an optional extra)."""
        return frame(self.to_records())

    def _repr_html_(self) -> str:
        """The evaluation in a notebook: the summary, then every party's red lines and walk-away value."""
        rows = [[r["party"], r["stance"], r["constraint"], r["verdict"] + (" (deferred)" if r["deferred"] else ""),
                 r["rule"]] for r in self.to_records()]
        return heading(self.summary()) + html_table(["party", "stance", "red line", "verdict", "rule"], rows)

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
        if not self.parties:
            return f"{what}: no party has red lines, a walk-away value or a principal's role."
        finding = "meets every red line" if self.agreed else "is not a deal"
        opened = f"; open issues: {', '.join(self.open_issues)}" if self.open_issues else ""
        return f"{what} {finding}: " + "; ".join(self._stance_clauses()) + opened + "."

    def _stance_clauses(self) -> list[str]:
        """``rejected by ...``, ``accepted by ...`` and ``open for ...``, for the stances some party takes."""
        rejecting = [f"{p.party} ({', '.join(p.breaking)})" for p in self.parties if p.stance == "reject"]
        withholding = [f"{p.party} ({', '.join(p.withholding)})" for p in self.parties if p.stance == "open"]
        clauses = (("rejected by", rejecting), ("accepted by", list(self.with_stance("accept"))),
                   ("open for", withholding))
        return [f"{label} {', '.join(parties)}" for label, parties in clauses if parties]

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


@dataclass(frozen=True)
class Amended:
    """A scenario's proposal with some terms changed: "the U.S. proposal, but with philadelphi=monitored"."""

    proposal: str
    """The id of the proposal it starts from."""
    changes: Mapping[str, Scalar]
    """The terms that replace (or add to) the proposal's."""

    @property
    def label(self) -> str:
        """How the outputs name it: ``us-bridging-2024-08 with philadelphi=monitored``."""
        return f"{self.proposal} with " + ", ".join(f"{issue}={_shown(value)}" for issue, value in self.changes.items())


def _shown(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


ProposalLike = str | Proposal | Amended | Mapping[str, Scalar]


def resolve_terms(scenario: Scenario, proposal: ProposalLike) -> tuple[str | None, dict[str, Scalar]]:
    """Turn a proposal id, a Proposal, an amended proposal or a terms mapping into (its name, terms)."""
    if isinstance(proposal, Proposal):
        return proposal.id, dict(proposal.terms)
    if isinstance(proposal, Amended):
        _, terms = resolve_terms(scenario, proposal.proposal)
        return proposal.label, {**terms, **proposal.changes}
    if isinstance(proposal, str):
        ids = [p.id for p in scenario.proposals]
        if proposal not in ids:
            listed = f"; proposals: {', '.join(ids)}" if ids else "; the scenario has none"
            known = did_you_mean(proposal, ids) or listed
            raise UsageError(f"unknown proposal '{proposal}'{known}")
        return proposal, dict(scenario.proposal(proposal).terms)
    return None, dict(proposal)


def evaluate(scenario: Scenario, proposal: ProposalLike,
             constraints: CompiledConstraints | None = None) -> Evaluation:
    """Judge a proposal (by id, as a Proposal, or as terms) against every party."""
    constraints = constraints or CompiledConstraints.of(scenario)
    proposal_id, terms = resolve_terms(scenario, proposal)
    row = constraints.space.encode(terms)
    result = constraints.check(row[None, :])
    parties = tuple(_party_stance(scenario, constraints, result, p.id) for p in scenario.parties)
    return Evaluation(scenario=scenario.id, proposal=proposal_id, terms=constraints.space.decode(row),
                      parties=tuple(p for p in parties if p is not None))


def _party_stance(scenario: Scenario, constraints: CompiledConstraints, result: Check,
                  party_id: str) -> PartyStance | None:
    """A party's stance and its reasons; None for a party with no red line, no walk-away value and no say."""
    party = scenario.party(party_id)
    red = tuple(_red_line_judgement(scenario, c, int(result.red_lines[r, 0]))
                for r, c in enumerate(constraints.red_lines) if c.party == party_id)
    walk_away = None
    for p, prefs in enumerate(constraints.preferences):
        if prefs.party == party_id:
            walk_away = WalkAwayJudgement(
                ref=f"{party_id}/{WALK_AWAY_ID}", verdict=Verdict(int(result.walk_aways[p, 0])).word,
                utility_low=float(result.utility_low[p, 0]), utility_high=float(result.utility_high[p, 0]),
                walk_away=prefs.walk_away)
    if not red and walk_away is None and party.role != "principal":
        return None
    reasons = PartyStance(party=party.id, name=party.name, role=party.role, stance="accept", red_lines=red,
                          walk_away=walk_away)
    stance: Stance = "reject" if reasons.breaking else "open" if reasons.withholding else "accept"
    return replace(reasons, stance=stance)


def _red_line_judgement(scenario: Scenario, compiled: CompiledRedLine, code: int) -> RedLineJudgement:
    red_line = compiled.source
    verdict = Verdict(code)
    return RedLineJudgement(ref=compiled.ref, verdict=verdict.word,
                            deferred=verdict is Verdict.OPEN and compiled.defer_if_open,
                            rationale=red_line.rationale, source=source_of(scenario, red_line),
                            confidence=red_line.confidence, rule=red_line_rule(red_line, scenario.conditions))


def source_of(scenario: Scenario, red_line: RedLine) -> dict[str, Any] | Literal["assumption"]:
    """Where a red line comes from, as the JSON outputs give it: its quote, and the document's title, citation, url."""
    if not isinstance(red_line.source, SourceRef):
        return "assumption"
    doc = next((s for s in scenario.sources if s.id == red_line.source.doc), None)
    source: dict[str, Any] = {"doc": red_line.source.doc, "quote": red_line.source.quote}
    if red_line.source.where:
        source["where"] = red_line.source.where
    if red_line.source.inferred:
        source["inferred"] = True
    if doc is not None:
        source["title"] = doc.title
        source.update({key: value for key in ("citation", "url") if (value := getattr(doc, key))})
    return source


__all__ = ["Amended", "Evaluation", "PartyStance", "RedLineJudgement", "Stance", "WalkAwayJudgement", "evaluate"]
