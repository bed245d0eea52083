"""Cross-reference checks that a schema alone cannot make.

Every reference must resolve (issues, values, parties, red lines, versions, named
conditions, source documents), ids must be unique, named conditions must not refer
to themselves in a cycle, and value tables must cover their issue's domain.
The checks run on whatever parts of a file validated, so one pass reports them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import Diagnostic
from .base import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_SUMMIT_ROUNDS,
    LIMITS_DOC,
    MAX_EXPECTED_SHOCKS,
    MAX_HORIZON_DAYS,
    MAX_SUMMIT_ROUNDS,
    MAX_SUMMIT_ROUNDS_IN_ALL,
    Scalar,
)
from .conditions import (
    MAX_CONDITION_DEPTH,
    MAX_CONDITION_SIZE,
    AllOf,
    AnyOf,
    Atom,
    Condition,
    IfThen,
    Named,
    Negation,
    expanded_shape,
    subconditions,
)
from .events import (
    AddRedLine,
    Attendance,
    ChangeLean,
    ChangeSalience,
    ChangeTrust,
    DropRedLine,
    Event,
    SwitchVersion,
)
from .hints import YAML11_BOOLEANS, did_you_mean, one_of, quoted
from .model import History, Issue, Party, Preferences, Proposal, SourceDocument
from .redlines import RedLine
from .unread import unread
from .yamlio import Document, PathKey


@dataclass
class Parts:
    """The items of each section that validated (None where an item did not).

    ``unchecked`` holds, per kind of item, the ids of items that failed validation:
    references to them are not reported again as unknown.
    """

    issues: list[Issue | None] = field(default_factory=list)
    parties: list[Party | None] = field(default_factory=list)
    proposals: list[Proposal | None] = field(default_factory=list)
    events: list[Event | None] = field(default_factory=list)
    sources: list[SourceDocument | None] = field(default_factory=list)
    conditions: dict[str, Condition | None] = field(default_factory=dict)
    unchecked: dict[str, set[str]] = field(default_factory=dict)
    loose_red_lines: list[tuple[PathKey, RedLine]] = field(default_factory=list)
    lead_mediator: str | None = None
    start: date | None = None
    history: History | None = None


RESERVED_RED_LINE = "reservation-value"
RESERVED_VERSION = "stated"


def _valid(items: Iterable[Any]) -> Iterator[tuple[int, Any]]:
    return ((i, item) for i, item in enumerate(items) if item is not None)


def _first_by_id(items: Iterable[Any]) -> dict[str, Any]:
    """Items by id; where an id is used twice (reported apart), the first one stands."""
    table: dict[str, Any] = {}
    for _, item in _valid(items):
        table.setdefault(item.id, item)
    return table


class Checker:
    """Collects cross-reference findings for one document."""

    def __init__(self, doc: Document, parts: Parts) -> None:
        self.doc = doc
        self.parts = parts
        self.found: list[Diagnostic] = []
        self.issues: dict[str, Issue] = _first_by_id(parts.issues)
        self.parties: dict[str, Party] = _first_by_id(parts.parties)
        self.sources = {s.id for _, s in _valid(parts.sources)}
        self.red_lines = {f"{p.id}/{r.id}": r for p in self.parties.values() for r in p.red_lines}
        self.named_shapes: dict[str, tuple[int, int]] = {}
        """Depth and parts of each named condition written out, for those within the limits."""

    def report(self, path: PathKey, message: str, *, key: bool = False) -> None:
        """Record a finding at the value (or key) at ``path``."""
        line, col = self.doc.where.locate(path, key=key)
        self.found.append(Diagnostic(self.doc.path, line, col, message))

    def warn(self, path: PathKey, message: str) -> None:
        """Record a warning at the value at ``path``: the file is valid, but something in it does nothing."""
        line, col = self.doc.where.locate(path)
        self.found.append(Diagnostic(self.doc.path, line, col, message, "warning"))

    def run(self) -> list[Diagnostic]:
        """Run every check and return the findings."""
        for section in ("issues", "parties", "proposals", "events", "sources"):
            self.unique_ids(section, getattr(self.parts, section))
        for name, cond in self.parts.conditions.items():
            if cond is not None:
                self.condition(cond, ("conditions", name))
        self.condition_cycles()
        self.condition_limits()
        for i, party in _valid(self.parts.parties):
            self.party(party, ("parties", i))
        for path, red_line in self.parts.loose_red_lines:
            self.red_line(red_line, path)
        for i, proposal in _valid(self.parts.proposals):
            self.proposal(proposal, ("proposals", i))
        for i, event in _valid(self.parts.events):
            self.event(event, ("events", i))
        if self.parts.history is not None:
            self.history(self.parts.history, ("history",))
        self.lead_mediator()
        self.summit_rounds()
        self.expected_shocks()
        return self.found

    def lead_mediator(self) -> None:
        """The lead mediator named under ``talks`` must be a party with the mediator's role."""
        lead = self.parts.lead_mediator
        if lead is None:
            return
        path = ("talks", "lead_mediator")
        if self.known("party", lead, self.parties, path) and self.parties[lead].role != "mediator":
            self.report(path, f"'{lead}' is a {self.parties[lead].role}, not a mediator; the lead mediator "
                        "holds the text")

    def setting(self, path: PathKey, default: int, most: int) -> int:
        """An integer setting as written, or its default where it is missing or invalid (reported apart)."""
        node: Any = self.doc.data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, int) or isinstance(node, bool) or not 0 < node <= most:
            return default
        return node

    def expected_shocks(self) -> None:
        """Random events may fall at most so often in all that every run ends quickly."""
        horizon = self.setting(("horizon_days",), DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS)
        expected = 0.0
        for i, event in _valid(self.parts.events):
            if event.rate_per_day is None:
                continue
            days = horizon
            if event.window is not None:  # a shock falls only within its window, and only before the end
                days = min(horizon, (event.window.last - event.window.first).days + 1)
            expected += event.rate_per_day * days
            if expected > MAX_EXPECTED_SHOCKS:
                self.report(("events", i, "rate_per_day"),
                            f"random events would fall {expected:,.0f} times on average in a run (the sum of "
                            f"each rate_per_day times the days it can fall on), more than the "
                            f"{MAX_EXPECTED_SHOCKS:,} allowed ({LIMITS_DOC}): lower the rates, or narrow "
                            "their windows")
                return

    def summit_rounds(self) -> None:
        """All summits together hold at most as many rounds as a scenario allows, so every run ends."""
        each = self.setting(("talks", "summit_rounds"), DEFAULT_SUMMIT_ROUNDS, MAX_SUMMIT_ROUNDS)
        summits = [i for i, event in _valid(self.parts.events) if event.kind == "summit"]
        allowed = MAX_SUMMIT_ROUNDS_IN_ALL // each
        if len(summits) > allowed:
            self.report(("events", summits[allowed], "kind"),
                        f"{len(summits):,} summits of {each} round(s) each (talks.summit_rounds) would hold "
                        f"{len(summits) * each:,} rounds; all summits together may hold at most "
                        f"{MAX_SUMMIT_ROUNDS_IN_ALL:,} ({LIMITS_DOC}): hold fewer summits or fewer rounds at each")

    def unique_ids(self, section: str, items: Iterable[Any], base: PathKey = ()) -> None:
        """Report each id used twice among ``items``."""
        seen: dict[str, int] = {}
        for i, item in _valid(items):
            if item.id in seen:
                first, _ = self.doc.where.locate((*base, section, seen[item.id], "id"))
                self.report((*base, section, i, "id"), f"id '{item.id}' is used twice in {section} "
                            f"(first at line {first})")
            seen.setdefault(item.id, i)

    # -- references -------------------------------------------------------------------------

    def known(self, kind: str, name: str, table: Iterable[str], path: PathKey, *, key: bool = False) -> bool:
        """Whether ``name`` names a known item of ``kind``; report it if not (at the key if ``key``)."""
        names = list(table)
        unchecked = self.parts.unchecked.get(kind, set())
        if name in names or name in unchecked:
            return name in names
        names += sorted(unchecked)
        self.report(path, f"unknown {kind} '{name}'" + (did_you_mean(name, names) or _known(names)), key=key)
        return False

    def party_ref(self, name: str, path: PathKey, *, key: bool = False) -> None:
        """Check a reference to a party."""
        self.known("party", name, self.parties, path, key=key)

    def source(self, source: object, path: PathKey) -> None:
        """Check that a quoted source names a document under ``sources``."""
        doc = getattr(source, "doc", None)
        if doc is not None:
            self.known("source document", doc, self.sources, (*path, "doc"))

    def red_line_ref(self, ref: str, path: PathKey) -> RedLine | None:
        """Check a ``party/red-line`` reference; return the red line if it exists."""
        party, _, _ = ref.partition("/")
        if party not in self.parties:
            self.party_ref(party, path)
            return None
        self.known("red line", ref, self.red_lines, path)
        return self.red_lines.get(ref)

    # -- values and conditions --------------------------------------------------------------

    def value(self, issue: Issue, value: Scalar, path: PathKey) -> None:
        """Check that ``value`` is a value of ``issue``."""
        problem = value_problem(issue, value)
        if problem:
            self.report(path, problem)

    def condition(self, cond: Condition, path: PathKey) -> None:
        """Check every issue, value and named condition a condition refers to."""
        match cond:
            case Atom():
                self.atom(cond, path)
            case AllOf(all_of=parts):
                for i, sub in enumerate(parts):
                    self.condition(sub, (*path, "all", i))
            case AnyOf(any_of=parts):
                for i, sub in enumerate(parts):
                    self.condition(sub, (*path, "any", i))
            case Negation(negated=negated):
                self.condition(negated, (*path, "not"))
            case IfThen(if_=if_, then=then):
                self.condition(if_, (*path, "if"))
                self.condition(then, (*path, "then"))
            case Named(condition=name):
                self.known("named condition", name, self.parts.conditions, (*path, "condition"))

    def atom(self, atom: Atom, path: PathKey) -> None:
        """Check an atom's issue, operator and values."""
        if not self.known("issue", atom.issue, self.issues, (*path, "issue")):
            return
        issue = self.issues[atom.issue]
        if atom.op in ("<=", ">=", "<", ">") and not issue.is_ordered:
            self.report((*path, "op"), f"operator '{atom.op}' needs an ordered or integer issue; "
                        f"'{issue.id}' is {issue.type} (use 'in' or '==')")
        if isinstance(atom.value, list):
            for i, item in enumerate(atom.value):
                self.value(issue, item, (*path, "value", i))
        else:
            self.value(issue, atom.value, (*path, "value"))

    def condition_cycles(self) -> None:
        """Report named conditions that depend on themselves, once per cycle."""
        graph = self.named_graph()
        component = _components(graph)
        sizes: dict[int, int] = {}
        for index in component.values():
            sizes[index] = sizes.get(index, 0) + 1
        covered: set[str] = set()
        for start in graph:
            if start in covered or (sizes[component[start]] == 1 and start not in graph[start]):
                continue
            cycle = _find_cycle(graph, start, component)
            if cycle:
                covered.update(cycle)
                chain = " -> ".join([*cycle, cycle[0]])
                self.report(("conditions", start), f"named conditions refer to each other in a cycle: "
                            f"{chain}; a condition must not depend on itself", key=True)

    def named_graph(self) -> dict[str, list[str]]:
        """The named conditions that each valid named condition refers to."""
        return {name: sorted(named_refs(cond)) for name, cond in self.parts.conditions.items() if cond}

    def condition_limits(self) -> None:
        """Measure each named condition written out; report the first ones over the limits.

        Names are measured after every name they refer to, once each, so the work is linear
        in the file however often a name is reused; a name that only inherits the excess
        of a name it refers to is not reported again.
        """
        graph = self.named_graph()
        over: set[str] = set()
        for name in _definition_order(graph):
            cond = self.parts.conditions[name]
            assert cond is not None
            if any(ref in over for ref in graph[name]):
                over.add(name)
                continue
            shape = expanded_shape(cond, self.named_shapes)
            if self.condition_too_big(shape, ("conditions", name), f"named condition '{name}'", key=True):
                over.add(name)
            else:
                self.named_shapes[name] = shape

    def red_line_limits(self, red_line: RedLine, path: PathKey) -> None:
        """Check the size of a red line's conditions with their named conditions written out."""
        found: list[tuple[PathKey, Condition | None]] = [(("when",), red_line.when), (("require",), red_line.require)]
        for k, version in enumerate(red_line.versions):
            found += [(("versions", k, "when"), version.when), (("versions", k, "require"), version.require)]
        for where, cond in found:
            if cond is None or any(ref not in self.named_shapes for ref in named_refs(cond)):
                continue  # unknown, cyclic or oversized names are reported where they are defined
            self.condition_too_big(expanded_shape(cond, self.named_shapes), (*path, *where), "this condition")

    def condition_too_big(self, shape: tuple[int, int], path: PathKey, what: str, *, key: bool = False) -> bool:
        """Report a condition whose written-out depth or size is over the limit; True if it is."""
        depth, size = shape
        if depth > MAX_CONDITION_DEPTH:
            self.report(path, f"{what} nests {depth} levels deep with its named conditions written out, "
                        f"more than {MAX_CONDITION_DEPTH}; refer to fewer named conditions inside each "
                        "other, or list them side by side under one 'all' or 'any'", key=key)
            return True
        if size > MAX_CONDITION_SIZE:
            self.report(path, f"{what} has {size:,} parts with its named conditions written out, "
                        f"more than {MAX_CONDITION_SIZE:,}; a named condition used twice counts twice, "
                        "so refer to each one fewer times", key=key)
            return True
        return False

    # -- sections ---------------------------------------------------------------------------

    def party(self, party: Party, path: PathKey) -> None:
        """Check a party's red lines, preferences and salience."""
        self.unique_ids("red_lines", party.red_lines, path)
        for j, red_line in enumerate(party.red_lines):
            if red_line.id == RESERVED_RED_LINE:
                self.report((*path, "red_lines", j, "id"), f"'{RESERVED_RED_LINE}' names a party's walk-away "
                            "value in output; give the red line another id")
        for j, red_line in enumerate(party.red_lines):
            self.red_line(red_line, (*path, "red_lines", j))
        if party.preferences is not None:
            self.preferences(party.preferences, (*path, "preferences"))
        for name in party.salience:
            self.known("issue", name, self.issues, (*path, "salience", name), key=True)
        if party.mediation is not None:
            self.mediation(party, (*path, "mediation"))

    def mediation(self, party: Party, path: PathKey) -> None:
        """A mediator's lean and reach name principals; only a mediator mediates."""
        assert party.mediation is not None
        if party.role != "mediator":
            self.report(path, f"'{party.id}' is a {party.role}; only a mediator has 'mediation'", key=True)
        if party.mediation.lean is not None:
            self.principal_ref(party.mediation.lean, (*path, "lean"))
        for i, name in enumerate(party.mediation.reaches or []):
            self.principal_ref(name, (*path, "reaches", i))

    def principal_ref(self, name: str, path: PathKey) -> None:
        """Check a reference to a party that must be a principal."""
        if self.known("party", name, self.parties, path) and self.parties[name].role != "principal":
            self.report(path, f"'{name}' is a {self.parties[name].role}, not a principal")

    def red_line(self, red_line: RedLine, path: PathKey) -> None:
        """Check a red line, its versions and their sources."""
        self.red_line_limits(red_line, path)
        if red_line.when is not None:
            self.condition(red_line.when, (*path, "when"))
        self.condition(red_line.require, (*path, "require"))
        self.source(red_line.source, (*path, "source"))
        self.unique_ids("versions", red_line.versions, path)
        for k, version in enumerate(red_line.versions):
            vpath = (*path, "versions", k)
            if version.id == RESERVED_VERSION:
                self.report((*vpath, "id"), f"'{RESERVED_VERSION}' names the red line as written; "
                            "give the version another id")
            if version.when is not None:
                self.condition(version.when, (*vpath, "when"))
            if version.require is not None:
                self.condition(version.require, (*vpath, "require"))
            self.source(version.source, (*vpath, "source"))

    def preferences(self, prefs: Preferences, path: PathKey) -> None:
        """Check weights and value tables against the issues."""
        for name in prefs.weights:
            if self.known("issue", name, self.issues, (*path, "weights", name), key=True) and \
                    prefs.weights[name] > 0 and name not in prefs.values:
                self.report((*path, "weights", name), f"issue '{name}' has a weight but no value "
                            f"table; add '{name}' under 'values'", key=True)
        if not prefs.weights:
            self.report((*path, "weights"), "weights must give at least one issue a weight above zero")
        elif sum(prefs.weights.values()) <= 0:
            self.report((*path, "weights"), "weights must not all be zero")
        for name, table in prefs.values.items():
            if self.known("issue", name, self.issues, (*path, "values", name), key=True):
                self.value_table(self.issues[name], table, (*path, "values", name))

    def value_table(self, issue: Issue, table: dict[Scalar, float], path: PathKey) -> None:
        """Check that a value table covers its issue's domain and nothing else."""
        for value in table:
            problem = value_problem(issue, value)
            if problem:
                self.report((*path, value), problem, key=True)
        if issue.type == "integer":
            if not table:
                self.report(path, f"value table of '{issue.id}' is empty; give at least one point, "
                            f"e.g. {{{issue.min}: 0.0, {issue.max}: 1.0}}")
            return
        missing = [v for v in issue.domain() if v not in table]
        if missing:
            self.report(path, f"value table of '{issue.id}' misses {one_of(missing)}; "
                        "give every value of the issue a value between 0 and 1")

    def proposal(self, proposal: Proposal, path: PathKey) -> None:
        """Check a proposal's proposer, terms and source."""
        self.party_ref(proposal.proposer, (*path, "proposer"))
        self.terms(proposal.terms, (*path, "terms"))
        if proposal.source is not None:
            self.source(proposal.source, (*path, "source"))

    def terms(self, terms: dict[str, Scalar], path: PathKey) -> None:
        """Check that a package's terms name issues of the scenario and values of those issues."""
        for name, value in terms.items():
            if self.known("issue", name, self.issues, (*path, name), key=True):
                self.value(self.issues[name], value, (*path, name))

    def history(self, history: History, path: PathKey) -> None:
        """Check the historical outcome: terms only for an agreement, a date not before the start, its source."""
        if history.outcome == "no-agreement" and history.terms:
            self.report((*path, "terms"), "a 'no-agreement' outcome has no terms; remove 'terms', or set "
                        "'outcome: agreement' if a deal was reached", key=True)
        else:
            self.terms(history.terms, (*path, "terms"))
        start = self.parts.start
        if start is not None and history.date < start:
            self.report((*path, "date"), f"the outcome's date ({history.date.isoformat()}) is before the "
                        f"scenario's start ({start.isoformat()}); give the day the talks ended, on or after "
                        "'start'")
        self.source(history.source, (*path, "source"))

    def event(self, event: Event, path: PathKey) -> None:
        """Check an event's parties, source and effects."""
        for i, name in enumerate(event.parties):
            self.party_ref(name, (*path, "parties", i))
        for name in event.attendance:
            self.party_ref(name, (*path, "attendance", name), key=True)
        for i, name in enumerate(event.answering):
            self.principal_ref(name, (*path, "answering", i))
        if event.answering and event.date is None:
            self.report((*path, "answering"), "only a dated event can be a party's answer; give the event a "
                        "'date', or remove 'answering'", key=True)
        if event.source is not None:
            self.source(event.source, (*path, "source"))
        for k, effect in enumerate(event.effects):
            self.effect(effect, (*path, "effects", k))

    def effect(self, effect: object, path: PathKey) -> None:
        """Check the red lines, versions, parties and issues an effect names."""
        if isinstance(effect, SwitchVersion):
            red_line = self.red_line_ref(effect.red_line, (*path, "red_line"))
            if red_line is not None:
                self.known("version", effect.to, [v.id for v in red_line.versions], (*path, "to"))
        elif isinstance(effect, DropRedLine):
            self.red_line_ref(effect.red_line, (*path, "red_line"))
        elif isinstance(effect, AddRedLine):
            self.party_ref(effect.party, (*path, "party"))
            ref = f"{effect.party}/{effect.red_line.id}"
            if ref in self.red_lines:
                self.report((*path, "red_line", "id"), f"red line '{ref}' already exists; "
                            "to change it, use a 'switch' effect to one of its versions")
            self.red_line(effect.red_line, (*path, "red_line"))
        else:
            self.party_ref(getattr(effect, "party", ""), (*path, "party"))
            if isinstance(effect, ChangeSalience):
                self.known("issue", effect.issue, self.issues, (*path, "issue"))
            if isinstance(effect, ChangeTrust):
                self.party_ref(effect.toward, (*path, "toward"))
            if isinstance(effect, ChangeLean):
                self.lean(effect, path)
            assert not isinstance(effect, Attendance) or effect.party
            why = unread(effect, self.parties, self.lead())
            if why is not None:
                self.warn(path, f"no decision in a run reads this effect: {why}")

    def lead(self) -> str | None:
        """The lead mediator: the one named under ``talks``, else the first mediator (None without one)."""
        if self.parts.lead_mediator is not None:
            return self.parts.lead_mediator
        return next((p.id for p in self.parties.values() if p.role == "mediator"), None)

    def lean(self, effect: ChangeLean, path: PathKey) -> None:
        """A lean effect moves a mediator's lean towards a principal (or none)."""
        party = self.parties.get(effect.party)
        if party is not None and party.role != "mediator":
            self.report((*path, "party"), f"'{effect.party}' is a {party.role}; only a mediator leans")
        if effect.toward is not None:
            self.principal_ref(effect.toward, (*path, "toward"))


def _known(names: list[str]) -> str:
    if names:
        return f"; known: {one_of(names)}"
    return "; none is defined"


def value_problem(issue: Issue, value: Scalar) -> str | None:
    """Say why ``value`` is not a value of ``issue``, or None if it is."""
    if issue.type == "boolean":
        return _boolean_problem(issue, value)
    if issue.type == "integer":
        return _integer_problem(issue, value)
    if isinstance(value, str) and value in issue.value_set:
        return None
    domain = issue.domain()
    return (f"{quoted(value)} is not a value of issue '{issue.id}'" +
            (did_you_mean(value, domain) or f"; its values are {one_of(domain)}"))


def _boolean_problem(issue: Issue, value: Scalar) -> str | None:
    if isinstance(value, bool):
        return None
    hint = " (YAML 1.2 reads it as a string)" if str(value).lower() in YAML11_BOOLEANS else ""
    return f"issue '{issue.id}' is boolean: expected true or false, got {quoted(value)}{hint}"


def _integer_problem(issue: Issue, value: Scalar) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return f"issue '{issue.id}' takes integers from {issue.min} to {issue.max}, got {quoted(value)}"
    assert issue.min is not None and issue.max is not None
    if not issue.min <= value <= issue.max or (value - issue.min) % issue.step:
        step = f" in steps of {issue.step}" if issue.step != 1 else ""
        return f"{value} is outside issue '{issue.id}' ({issue.min} to {issue.max}{step})"
    return None


def named_refs(cond: Condition) -> set[str]:
    """Names of the named conditions a condition refers to, at any depth of its own (not through the names)."""
    names: set[str] = set()
    stack = [cond]
    while stack:
        node = stack.pop()
        if isinstance(node, Named):
            names.add(node.condition)
        stack.extend(subconditions(node))
    return names


def _definition_order(graph: dict[str, list[str]]) -> list[str]:
    """Named conditions, each after every one it refers to; those in or behind a cycle are left out."""
    waiting = {name: {ref for ref in refs if ref in graph} for name, refs in graph.items()}
    users = _users(waiting)
    ready = [name for name, refs in waiting.items() if not refs]
    order: list[str] = []
    while ready:
        name = ready.pop()
        order.append(name)
        for user in users.get(name, ()):
            waiting[user].discard(name)
            if not waiting[user]:
                ready.append(user)
    return order


def _users(waiting: dict[str, set[str]]) -> dict[str, list[str]]:
    """For each named condition, those that refer to it."""
    users: dict[str, list[str]] = {}
    for name, refs in waiting.items():
        for ref in refs:
            users.setdefault(ref, []).append(name)
    return users


def _components(graph: dict[str, list[str]]) -> dict[str, int]:
    """Strongly connected components of the named conditions (Kosaraju's, without recursion).

    Walking back along references from each name in reverse finishing order collects exactly its component.
    """
    users: dict[str, list[str]] = {name: [] for name in graph}
    for name, named in graph.items():
        for ref in named:
            if ref in graph:
                users[ref].append(name)
    component: dict[str, int] = {}
    for index, root in enumerate(reversed(_finishing_order(graph))):
        if root in component:
            continue
        component[root] = index
        todo = [root]
        while todo:
            for user in users[todo.pop()]:
                if user not in component:
                    component[user] = index
                    todo.append(user)
    return component


def _finishing_order(graph: dict[str, list[str]]) -> list[str]:
    """Names in the order a depth-first walk along references finishes them, each root in turn."""
    finished: list[str] = []
    seen: set[str] = set()
    for root in graph:
        if root in seen:
            continue
        seen.add(root)
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(graph[root]))]
        while stack:
            node, refs = stack[-1]
            nxt = next((ref for ref in refs if ref in graph and ref not in seen), None)
            if nxt is None:
                stack.pop()
                finished.append(node)
            else:
                seen.add(nxt)
                stack.append((nxt, iter(graph[nxt])))
    return finished


def _find_cycle(graph: dict[str, list[str]], start: str, component: dict[str, int]) -> list[str] | None:
    """Return a cycle through ``start`` as a list of names, or None; searches ``start``'s component only."""
    stack = [start]
    came_from: dict[str, str] = {}
    while stack:
        node = stack.pop()
        for nxt in graph.get(node, []):
            if nxt == start:
                trail = [node]
                while trail[-1] != start:
                    trail.append(came_from[trail[-1]])
                return trail[::-1]
            if nxt not in came_from and nxt in component and component[nxt] == component[start]:
                came_from[nxt] = node
                stack.append(nxt)
    return None
