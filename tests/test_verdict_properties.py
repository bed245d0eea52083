"""Property tests: the vectorised check agrees with a plain per-package evaluation.

A hypothesis strategy builds small valid scenarios as plain data (issues of every type,
named conditions, red lines over random condition trees, preferences with reservation
values) and batches of packages, complete and partial. The reference below evaluates
the *raw* condition data recursively on a dict of values, enumerating every completion
of the open issues a red line reads; it shares nothing with ``negsim.constraints.compile``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any
from unittest.mock import patch

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import negsim
import negsim.constraints.check
from negsim.constraints.check import CompiledConstraints
from negsim.scenario.loader import check_document
from negsim.scenario.model import Scenario
from negsim.scenario.yamlio import Document, SourceMap

Raw = dict[str, Any]
Value = bool | int | str
Terms = Mapping[str, Value | None]

BREAKS, OPEN_VERDICT, HOLDS = 0, 1, 2
NO_CODE = -1  # code of an open issue in a package row
TOLERANCE = 1e-9  # utilities within this of the reservation count as meeting it

EQUALITY_OPS = ("==", "!=", "in", "not in")
ORDER_OPS = ("<=", ">=", "<", ">")
# Category names include ones that look like other types, to catch type confusion.
CATEGORY_NAMES = ("a", "b", "c", "none", "full", "yes", "no", "1", "true", "x y")
RANKED_NAMES = ("none", "low", "mid", "high", "full", "0", "false")
UTILITIES = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), st.floats(0.0, 1.0))

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- the reference: plain Python over raw scenario data -------------------------------------


def domain_of(issue: Raw) -> list[Value]:
    """Values of an issue, lowest first where ordered."""
    kind = issue["type"]
    if kind == "boolean":
        return [False, True]
    if kind == "integer":
        values, value = [], issue["min"]
        while value <= issue["max"]:
            values.append(value)
            value += issue.get("step", 1)
        return values
    return list(issue["values"])


def same(a: Value | None, b: Value) -> bool:
    return a == b and type(a) is type(b)


class Reference:
    """Evaluates red lines and reservations of raw scenario data, one package at a time."""

    def __init__(self, raw: Raw) -> None:
        self.raw = raw
        self.issues: dict[str, Raw] = {i["id"]: i for i in raw["issues"]}
        self.order = [i["id"] for i in raw["issues"]]
        self.domains = {i["id"]: domain_of(i) for i in raw["issues"]}
        self.named: dict[str, Raw] = raw.get("conditions", {})

    # conditions on complete values

    def truth(self, cond: Raw, terms: Terms) -> bool:
        if "issue" in cond:
            return self.atom(cond, terms[cond["issue"]])
        if "all" in cond:
            return all(self.truth(c, terms) for c in cond["all"])
        if "any" in cond:
            return any(self.truth(c, terms) for c in cond["any"])
        if "not" in cond:
            return not self.truth(cond["not"], terms)
        if "if" in cond:
            return not self.truth(cond["if"], terms) or self.truth(cond["then"], terms)
        return self.truth(self.named[cond["condition"]], terms)

    def atom(self, cond: Raw, value: Value | None) -> bool:
        assert value is not None
        op, target = cond["op"], cond["value"]
        if op == "==":
            return same(value, target)
        if op == "!=":
            return not same(value, target)
        if op == "in":
            return any(same(value, t) for t in target)
        if op == "not in":
            return not any(same(value, t) for t in target)
        issue = self.issues[cond["issue"]]
        if issue["type"] == "ordered":
            a, b = issue["values"].index(value), issue["values"].index(target)
        else:
            a, b = value, target
        return bool({"<=": a <= b, ">=": a >= b, "<": a < b, ">": a > b}[op])

    def reads(self, cond: Raw | None) -> set[str]:
        if cond is None:
            return set()
        if "issue" in cond:
            return {cond["issue"]}
        if "condition" in cond:
            return self.reads(self.named[cond["condition"]])
        subs: list[Raw] = cond.get("all") or cond.get("any") or (
            [cond["not"]] if "not" in cond else [cond["if"], cond["then"]])
        return set().union(*(self.reads(c) for c in subs))

    def completions(self, terms: Terms, issues: set[str]) -> Iterator[dict[str, Value | None]]:
        """Every way of settling the open issues among ``issues``."""
        free = [i for i in self.order if i in issues and terms[i] is None]
        for values in itertools.product(*(self.domains[i] for i in free)):
            yield {**terms, **dict(zip(free, values, strict=True))}

    # verdicts on packages that may leave issues open

    def red_line(self, red_line: Raw, terms: Terms) -> int:
        when, require = red_line.get("when"), red_line["require"]
        seen: set[bool] = set()
        for full in self.completions(terms, self.reads(when) | self.reads(require)):
            applies = when is None or self.truth(when, full)
            seen.add(not applies or self.truth(require, full))
            if len(seen) == 2:
                return OPEN_VERDICT
        return HOLDS if seen == {True} else BREAKS

    def value(self, prefs: Raw, issue_id: str, value: Value) -> float:
        table = prefs["values"].get(issue_id)
        if not table:
            return 0.0
        if self.issues[issue_id]["type"] != "integer":
            return float(table[value])
        assert isinstance(value, int)
        points = sorted(table.items())
        if value <= points[0][0]:
            return float(points[0][1])
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if x0 <= value <= x1:
                return float(y0 + (y1 - y0) * (value - x0) / (x1 - x0))
        return float(points[-1][1])

    def utility(self, prefs: Raw, terms: Terms) -> float:
        total = sum(prefs["weights"].values()) or 1.0
        utility = 0.0
        for issue_id, weight in prefs["weights"].items():
            value = terms[issue_id]
            if weight > 0 and value is not None:
                utility += weight / total * self.value(prefs, issue_id, value)
        return utility

    def reservation(self, prefs: Raw, terms: Terms) -> tuple[int, float, float]:
        """Verdict and brute-force (lowest, highest) utility over completions."""
        weighted = {i for i, w in prefs["weights"].items() if w > 0}
        utilities = [self.utility(prefs, full) for full in self.completions(terms, weighted)]
        low, high, rv = min(utilities), max(utilities), prefs.get("reservation", 0.0)
        verdict = HOLDS if low >= rv - TOLERANCE else BREAKS if high < rv - TOLERANCE else OPEN_VERDICT
        return verdict, low, high

    def terms(self, row: Sequence[int]) -> dict[str, Value | None]:
        return {i: (None if code == NO_CODE else self.domains[i][code])
                for i, code in zip(self.order, row, strict=True)}

    def red_lines(self) -> list[tuple[str, Raw]]:
        return [(p["id"], r) for p in self.raw["parties"] for r in p.get("red_lines", [])]

    def preferences(self) -> list[tuple[str, Raw]]:
        return [(p["id"], p["preferences"]) for p in self.raw["parties"] if p.get("preferences")]


# -- strategies ------------------------------------------------------------------------------


@st.composite
def issues(draw: st.DrawFn, index: int) -> Raw:
    """One issue of any type; domains stay small (the whole space is at most 5**5 packages)."""
    kind = draw(st.sampled_from(["categorical", "ordered", "boolean", "integer"]))
    issue: Raw = {"id": f"i{index}", "name": f"Issue {index}", "type": kind}
    if kind == "categorical":
        issue["values"] = draw(st.lists(st.sampled_from(CATEGORY_NAMES), min_size=2, max_size=4, unique=True))
    elif kind == "ordered":
        issue["values"] = draw(st.lists(st.sampled_from(RANKED_NAMES), min_size=2, max_size=5, unique=True))
    elif kind == "integer":
        step = draw(st.integers(1, 3))
        count = draw(st.integers(2, 5))
        issue["min"] = draw(st.integers(-5, 5))
        issue["max"] = issue["min"] + step * (count - 1)  # the schema wants 'max' on a step
        if step != 1 or draw(st.booleans()):
            issue["step"] = step
    return issue


@st.composite
def atoms(draw: st.DrawFn, issue_list: Sequence[Raw]) -> Raw:
    issue = draw(st.sampled_from(issue_list))
    ordered = issue["type"] in ("ordered", "integer")
    op = draw(st.sampled_from(EQUALITY_OPS + ORDER_OPS if ordered else EQUALITY_OPS))
    domain = domain_of(issue)
    if op in ("in", "not in"):
        value: Any = draw(st.lists(st.sampled_from(domain), max_size=3))
    else:
        value = draw(st.sampled_from(domain))
    return {"issue": issue["id"], "op": op, "value": value}


@st.composite
def conditions(draw: st.DrawFn, issue_list: Sequence[Raw], names: Sequence[str], depth: int = 3) -> Raw:
    """A random condition tree over every form; ``names`` are the named conditions it may use."""
    forms = ["atom", "atom"]
    if depth > 0:
        forms += ["all", "any", "not", "if"]
    if names:
        forms.append("named")
    form = draw(st.sampled_from(forms))
    sub = conditions(issue_list, names, depth - 1)
    if form == "atom":
        return draw(atoms(issue_list))
    if form in ("all", "any"):
        return {form: draw(st.lists(sub, min_size=1, max_size=3))}
    if form == "not":
        return {"not": draw(sub)}
    if form == "if":
        return {"if": draw(sub), "then": draw(sub)}
    return {"condition": draw(st.sampled_from(names))}


@st.composite
def preferences(draw: st.DrawFn, issue_list: Sequence[Raw]) -> Raw:
    chosen = draw(st.lists(st.sampled_from(issue_list), min_size=1, unique_by=lambda i: i["id"]))
    weight = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0.0, 5.0))
    weights = {i["id"]: draw(weight) for i in chosen}
    if sum(weights.values()) <= 0:  # at least one issue must weigh something
        weights[chosen[0]["id"]] = 1.0
    values: Raw = {}
    for issue in issue_list:
        if weights.get(issue["id"], 0) <= 0 and not draw(st.booleans()):
            continue
        domain = domain_of(issue)
        keys = (draw(st.lists(st.sampled_from(domain), min_size=1, max_size=3, unique=True))
                if issue["type"] == "integer" else domain)
        values[issue["id"]] = {k: draw(UTILITIES) for k in keys}
    return {"weights": weights, "values": values, "reservation": draw(UTILITIES)}


@st.composite
def scenarios(draw: st.DrawFn) -> Raw:
    issue_list = [draw(issues(k)) for k in range(draw(st.integers(2, 5)))]
    names: list[str] = []
    named: Raw = {}
    for k in range(draw(st.integers(0, 3))):
        named[f"c{k}"] = draw(conditions(issue_list, list(names), depth=2))  # may use earlier names only
        names.append(f"c{k}")
    parties = []
    for k in range(draw(st.integers(1, 4))):
        red_lines = []
        for j in range(draw(st.integers(0, 4))):
            red_line: Raw = {"id": f"r{j}", "require": draw(conditions(issue_list, names)),
                             "rationale": "generated", "source": "assumption",
                             "if_left_open": draw(st.sampled_from(["withhold", "defer"]))}
            if draw(st.booleans()):
                red_line["when"] = draw(conditions(issue_list, names, depth=2))
            red_lines.append(red_line)
        party: Raw = {"id": f"p{k}", "name": f"Party {k}",
                      "role": draw(st.sampled_from(["principal", "mediator", "outside"])), "red_lines": red_lines}
        if draw(st.booleans()):
            party["preferences"] = draw(preferences(issue_list))
        parties.append(party)
    return {"negsim": 1, "id": "generated", "title": "Generated", "start": date(2024, 8, 12),
            "issues": issue_list, "conditions": named, "parties": parties}


def packages(raw: Raw, partial: bool = True) -> st.SearchStrategy[tuple[int, ...]]:
    """One package: a code per issue, or -1 for an open issue."""
    return st.tuples(*(
        st.one_of(st.just(NO_CODE), st.integers(0, len(domain_of(i)) - 1)) if partial
        else st.integers(0, len(domain_of(i)) - 1)
        for i in raw["issues"]))


@st.composite
def scenario_and_packages(draw: st.DrawFn, max_packages: int = 30) -> tuple[Raw, list[tuple[int, ...]]]:
    raw = draw(scenarios())
    rows = draw(st.lists(st.one_of(packages(raw), packages(raw, partial=False)), min_size=1, max_size=max_packages))
    return raw, rows


# -- helpers --------------------------------------------------------------------------------


def assert_matches(raw: Raw, rows: np.ndarray, *, exact: bool = True) -> None:
    """Check every package of ``rows`` in one call and compare with the reference, row by row.

    With ``exact`` False, a red line may also stay open where the reference settles it
    (what the check does when a red line has too many completions to try).
    """
    scenario = Scenario.model_validate(raw)
    ref = Reference(raw)
    result = CompiledConstraints.of(scenario).check(rows.astype(np.int16))
    red_lines, prefs = ref.red_lines(), ref.preferences()
    assert result.red_lines.shape == (len(red_lines), len(rows))
    assert result.walk_aways.shape == (len(prefs), len(rows))
    for n, row in enumerate(rows.tolist()):
        terms = ref.terms(row)
        for r, (party, red_line) in enumerate(red_lines):
            expected = ref.red_line(red_line, terms)
            if not exact and result.red_lines[r, n] == OPEN_VERDICT:
                continue
            assert result.red_lines[r, n] == expected, (f"{party}/{red_line['id']} on {terms}: "
                                                        f"got {result.red_lines[r, n]}, expected {expected}")
        for p, (party, pref) in enumerate(prefs):
            verdict, low, high = ref.reservation(pref, terms)
            assert result.walk_aways[p, n] == verdict, f"{party} reservation on {terms}"
            assert abs(result.utility_low[p, n] - low) <= TOLERANCE, f"{party} lowest utility on {terms}"
            assert abs(result.utility_high[p, n] - high) <= TOLERANCE, f"{party} highest utility on {terms}"


# -- properties -----------------------------------------------------------------------------


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_generated_scenarios_are_valid(raw: Raw) -> None:
    """The generator makes scenarios that the loader's cross-reference checks accept (warnings aside: smells.py)."""
    scenario, findings = check_document(Document("<generated>", raw, SourceMap(), ""))
    assert [finding for finding in findings if finding.severity == "error"] == []
    assert scenario is not None


@PROPERTY_SETTINGS
@given(scenario_and_packages())
def test_vectorised_check_equals_reference(case: tuple[Raw, list[tuple[int, ...]]]) -> None:
    raw, rows = case
    assert_matches(raw, np.array(rows, dtype=np.int16).reshape(len(rows), -1))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1), st.sampled_from([None, (2, 64), (50, 7)]))
def test_large_batches_equal_reference(raw: Raw, seed: int, blocks: tuple[int, int] | None) -> None:
    """Many rows in one call: the whole space (when small) plus random partial packages.

    ``blocks`` shrinks the blocks of rows in which open verdicts are settled and in which
    packages are checked, so that both run over many blocks.
    """
    rng = np.random.default_rng(seed)
    sizes = np.array([len(domain_of(i)) for i in raw["issues"]])
    partial = (rng.random((300, len(sizes))) * sizes).astype(np.int16)
    partial[rng.random(partial.shape) < rng.uniform(0.1, 0.6)] = NO_CODE
    parts = [partial]
    if sizes.prod() <= 400:
        parts.append(np.indices(tuple(sizes.tolist())).reshape(len(sizes), -1).T.astype(np.int16))
    rows = np.concatenate(parts)
    check = negsim.constraints.check
    settle_rows, check_rows = blocks or (check._BLOCK_ROWS, check._CHECK_ROWS)
    with patch.object(check, "_BLOCK_ROWS", settle_rows), patch.object(check, "_CHECK_ROWS", check_rows):
        assert_matches(raw, rows[rng.permutation(len(rows))])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_and_packages(), st.integers(1, 8))
def test_completion_limit_only_leaves_verdicts_open(case: tuple[Raw, list[tuple[int, ...]]], limit: int) -> None:
    """Past the completion limit a red line stays open, but a settled verdict is still right."""
    raw, rows = case
    with patch.object(negsim.constraints.check, "_COMPLETIONS_LIMIT", limit):
        assert_matches(raw, np.array(rows, dtype=np.int16).reshape(len(rows), -1), exact=False)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_and_packages(max_packages=4))
def test_evaluate_stances_follow_the_rule(case: tuple[Raw, list[tuple[int, ...]]]) -> None:
    """Reject if anything breaks; else open if a withheld red line or the reservation is open; else accept."""
    raw, rows = case
    scenario = Scenario.model_validate(raw)
    constraints = CompiledConstraints.of(scenario)
    ref = Reference(raw)
    words = {HOLDS: "holds", BREAKS: "breaks", OPEN_VERDICT: "open"}
    for row in rows:
        terms = ref.terms(row)
        evaluation = negsim.evaluate(scenario, {k: v for k, v in terms.items() if v is not None}, constraints)
        assert evaluation.terms == terms
        shown = [p for p in raw["parties"]
                 if p["red_lines"] or p.get("preferences") or p["role"] == "principal"]
        assert [v.party for v in evaluation.parties] == [p["id"] for p in shown]
        for party, verdict in zip(shown, evaluation.parties, strict=True):
            red = [(r, ref.red_line(r, terms)) for r in party["red_lines"]]
            assert [(v.ref, v.verdict) for v in verdict.red_lines] == [
                (f"{party['id']}/{r['id']}", words[code]) for r, code in red]
            reservation = ref.reservation(party["preferences"], terms)[0] if party.get("preferences") else None
            if reservation is None:
                assert verdict.walk_away is None
            else:
                assert verdict.walk_away is not None and verdict.walk_away.verdict == words[reservation]
            if any(code == BREAKS for _, code in red) or reservation == BREAKS:
                expected = "reject"
            elif any(code == OPEN_VERDICT and r["if_left_open"] == "withhold" for r, code in red) \
                    or reservation == OPEN_VERDICT:
                expected = "open"
            else:
                expected = "accept"
            assert verdict.stance == expected, f"{party['id']} on {terms}"
