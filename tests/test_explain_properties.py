"""Every analysis against a brute-force reference on small random scenarios."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negsim.analysis.bargaining import TIE_DECIMALS, kalai_smorodinsky, nash_point, pareto_front
from negsim.analysis.clashes import concession_sets, enumerate_sets
from negsim.analysis.dealspace import DealSpace
from negsim.scenario.model import Scenario

OPS = ["==", "!=", "in", "not in", "<=", ">=", "<", ">"]


@st.composite
def issues(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["categorical", "ordered", "boolean", "integer"]))
        issue: dict[str, Any] = {"id": f"i{i}", "name": f"Issue {i}", "type": kind}
        if kind in ("categorical", "ordered"):
            issue["values"] = [f"v{k}" for k in range(draw(st.integers(2, 4)))]
        elif kind == "integer":
            issue["min"], issue["max"] = 0, draw(st.integers(1, 4))
        out.append(issue)
    return out


def domain(issue: dict[str, Any]) -> list[Any]:
    if issue["type"] == "boolean":
        return [False, True]
    if issue["type"] == "integer":
        return list(range(issue["min"], issue["max"] + 1))
    return list(issue["values"])


@st.composite
def atom(draw: st.DrawFn, all_issues: list[dict[str, Any]]) -> dict[str, Any]:
    issue = draw(st.sampled_from(all_issues))
    ordered = issue["type"] in ("ordered", "integer")
    op = draw(st.sampled_from([o for o in OPS if ordered or o not in ("<=", ">=", "<", ">")]))
    values = domain(issue)
    if op in ("in", "not in"):
        value: Any = draw(st.lists(st.sampled_from(values), min_size=1, max_size=len(values), unique=True))
    else:
        value = draw(st.sampled_from(values))
    return {"issue": issue["id"], "op": op, "value": value}


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    all_issues = draw(issues())
    parties = []
    for p in range(draw(st.integers(2, 3))):
        red_lines = []
        for r in range(draw(st.integers(0, 3))):
            require = draw(atom(all_issues)) if draw(st.booleans()) else {
                draw(st.sampled_from(["all", "any"])): draw(st.lists(atom(all_issues), min_size=1, max_size=2))}
            red_line = {"id": f"r{r}", "require": require, "rationale": "x", "source": "assumption",
                        "confidence": draw(st.sampled_from([0.3, 0.6, 0.9, 1.0]))}
            if draw(st.booleans()):
                red_line["when"] = draw(atom(all_issues))
            red_lines.append(red_line)
        party: dict[str, Any] = {"id": f"p{p}", "name": f"P{p}", "role": "principal", "red_lines": red_lines}
        if draw(st.booleans()) or p < 2:
            grid = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
            party["preferences"] = {
                "weights": {i["id"]: draw(st.sampled_from([1, 2, 3])) for i in all_issues},
                "values": {i["id"]: ({0: draw(grid), i["max"]: draw(grid)} if i["type"] == "integer"
                                     else {v: draw(grid) for v in domain(i)}) for i in all_issues},
                "reservation": draw(st.sampled_from([0.0, 0.2, 0.4, 0.6])),
            }
        parties.append(party)
    return {"negsim": 1, "id": "random", "title": "Random", "start": "2024-01-01",
            "issues": all_issues, "parties": parties}


def holds(cond: dict[str, Any], package: dict[str, Any], order: dict[str, list[Any]]) -> bool:
    if "all" in cond:
        return all(holds(c, package, order) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, package, order) for c in cond["any"])
    value, target, op = package[cond["issue"]], cond["value"], cond["op"]
    rank = order[cond["issue"]].index
    return {
        "==": lambda: value == target, "!=": lambda: value != target,
        "in": lambda: value in target, "not in": lambda: value not in target,
        "<=": lambda: rank(value) <= rank(target), ">=": lambda: rank(value) >= rank(target),
        "<": lambda: rank(value) < rank(target), ">": lambda: rank(value) > rank(target),
    }[op]()


def reference(data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Plain per-package evaluation: holds (constraints x packages), utilities, party ids, reservations."""
    order = {i["id"]: domain(i) for i in data["issues"]}
    packages = [dict(zip(order, combo, strict=True)) for combo in itertools.product(*order.values())]
    rows, utilities, parties, reservations = [], [], [], []
    for party in data["parties"]:
        for red_line in party["red_lines"]:
            rows.append([(not holds(red_line["when"], pkg, order) if "when" in red_line else False)
                         or holds(red_line["require"], pkg, order) for pkg in packages])
    for party in data["parties"]:
        prefs = party.get("preferences")
        if prefs is None:
            continue
        total = sum(prefs["weights"].values())
        utility = []
        for pkg in packages:
            u = 0.0
            for issue_id, weight in prefs["weights"].items():
                table = prefs["values"][issue_id]
                value = pkg[issue_id]
                if isinstance(value, int) and not isinstance(value, bool):
                    (x0, y0), (x1, y1) = sorted(table.items())
                    v = y0 + (y1 - y0) * (value - x0) / (x1 - x0)
                else:
                    v = table[value]
                u += weight / total * v
            utility.append(u)
        utilities.append(utility)
        parties.append(party["id"])
        reservations.append(prefs["reservation"])
        rows.append([u >= prefs["reservation"] - 1e-9 for u in utility])
    return np.array(rows, dtype=bool).reshape(-1, len(packages)), np.array(utilities), parties, np.array(reservations)


def satisfiable(table: np.ndarray, members: tuple[int, ...]) -> bool:
    return bool(table[list(members)].all(axis=0).any()) if members else True


PROFILE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(scenarios(), st.sampled_from([1, 2, 3, None]))
def test_zopa_clashes_and_concessions_match_brute_force(data: dict[str, Any], limit: int | None) -> None:
    space = DealSpace.of(Scenario.model_validate(data))
    table, _, _, _ = reference(data)
    assert (space.holds == table).all()
    assert (space.feasible == table.all(axis=0)).all()
    count = table.shape[0]
    everything = tuple(range(count))
    all_clashes = [s for k in range(1, count + 1) for s in itertools.combinations(everything, k)
                   if not satisfiable(table, s) and all(satisfiable(table, s[:j] + s[j + 1:]) for j in range(k))]

    def opens(relaxed: tuple[int, ...]) -> bool:
        return satisfiable(table, tuple(c for c in everything if c not in relaxed))

    all_concessions = [s for k in range(0, count + 1) for s in itertools.combinations(everything, k)
                       if opens(s) and all(not opens(s[:j] + s[j + 1:]) for j in range(k))]
    report = enumerate_sets(space.holds, np.array([c.cost for c in space.items]), limit)
    for clash in report.clashing_sets:
        assert clash in all_clashes
    for concession in report.concession_sets:
        assert concession in all_concessions
    expected = len(all_clashes) if limit is None else min(limit, len(all_clashes))
    assert len(report.clashing_sets) == expected
    if report.clashing_sets:
        largest = max(len(s) for s in report.clashing_sets)
        assert all(s in report.clashing_sets for s in all_clashes if len(s) < largest)
    assert report.clashes_complete == (len(report.clashing_sets) == len(all_clashes))
    costs = {s: sum(space.items[i].cost for i in s) for s in all_concessions}
    ranked = sorted(all_concessions, key=lambda s: (round(costs[s], 12), len(s), s))
    assert list(report.concession_sets) == ranked[: len(report.concession_sets)]
    assert len(report.concession_sets) == (len(ranked) if limit is None else min(limit, len(ranked)))
    alone = concession_sets(space.holds, np.array([c.cost for c in space.items]), limit)  # as a mediator asks
    assert alone == (report.concession_sets, report.concessions_complete)


@PROFILE
@given(scenarios())
def test_bargaining_points_match_plain_enumeration(data: dict[str, Any]) -> None:
    space = DealSpace.of(Scenario.model_validate(data))
    _, utilities, parties, reservations = reference(data)
    assert np.allclose(space.utilities, utilities)
    n = utilities.shape[1]
    tied = np.round(utilities, TIE_DECIMALS)  # equal utilities added up in another order are equal (0.1 + 0.2, 0.3)
    front = [i for i in range(n) if not any(
        (tied[:, j] >= tied[:, i]).all() and (tied[:, j] > tied[:, i]).any() for j in range(n))]
    assert list(pareto_front(space.utilities)) == front
    powers = space.powers
    products = [math.prod((utilities[k, i] - reservations[k]) ** powers[k] for k in range(len(parties)))
                if (utilities[:, i] > reservations).all() else -1.0 for i in range(n)]
    nash = nash_point(space.utilities, space.walk_aways, powers)
    if max(products) < 0:
        assert nash is None
    else:
        assert nash is not None and math.isclose(products[nash], max(products), rel_tol=1e-9, abs_tol=1e-12)
    ks = kalai_smorodinsky(space.utilities, space.walk_aways)
    eligible = [i for i in front if (utilities[:, i] >= reservations).all()]
    if not eligible:
        assert ks is None
    else:
        ideal = np.array([max(utilities[k, i] for i in eligible) for k in range(len(parties))]) - reservations
        def share(i: int) -> float:
            gains = utilities[:, i] - reservations
            return min(g / m if m > 0 else 1.0 for g, m in zip(gains, ideal, strict=True))
        best = max(share(i) for i in eligible)
        assert ks is not None and math.isclose(share(ks), best, abs_tol=1e-9)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.sampled_from([1, 2, None]))
def test_the_solver_path_answers_as_the_enumerating_path(data: dict[str, Any], limit: int | None) -> None:
    from negsim.analysis import solved
    from negsim.analysis.clashes import bits_of
    from negsim.analysis.solver_space import SolverSpace

    scenario = Scenario.model_validate(data)
    space = DealSpace.of(scenario)
    report = enumerate_sets(space.holds, np.array([c.cost for c in space.items]), limit)
    model = SolverSpace.of(scenario)
    witness = solved.zopa_package(model)
    assert (witness is None) == (not space.feasible.any())
    if witness is not None:
        assert space.constraints.feasible(witness).all()
    concessions, concessions_complete = solved.cheapest_concessions(model, limit)
    clashes, clashes_complete = solved.clashing_sets(model, concessions, limit)
    assert tuple(bits_of(m) for m in concessions) == report.concession_sets
    assert concessions_complete == report.concessions_complete
    assert tuple(bits_of(m) for m in clashes) == report.clashing_sets
    assert clashes_complete == report.clashes_complete


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 2**12 - 1), min_size=1, max_size=12), st.sampled_from([1, 3, None]))
def test_berge_and_the_solver_find_the_same_hitting_sets_in_the_same_order(family: list[int],
                                                                           limit: int | None) -> None:
    from negsim.analysis import clashes
    from negsim.analysis.hitting_sets import smallest_hitting_sets

    ordered = sorted(set(family), key=lambda m: (m.bit_count(), m))
    minimal = clashes.minimal_sets(tuple(ordered))
    berge = clashes._berge(minimal)
    assert berge is not None
    expected = berge if limit is None else berge[:limit]
    found, complete = smallest_hitting_sets(minimal, 12, limit)
    assert found == expected
    assert complete == (len(expected) == len(berge))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 2**12 - 1), min_size=1, max_size=12), st.sampled_from([1, 3, None]))
def test_the_solver_learning_the_family_from_an_oracle_finds_what_it_finds_knowing_it(family: list[int],
                                                                                    limit: int | None) -> None:
    # the oracle plays a space whose packages fail exactly the sets of the family
    from negsim.analysis import clashes
    from negsim.analysis.hitting_sets import smallest_hitting_sets

    minimal = clashes.minimal_sets(tuple(family))

    def oracle(candidate: int) -> int | None:
        return next((m for m in family if m & candidate == 0), None)

    assert smallest_hitting_sets([], 12, limit, oracle=oracle) == smallest_hitting_sets(minimal, 12, limit)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 20), st.integers(1, 40), st.booleans(), st.integers(0, 2**32 - 1))
def test_nash_point_is_the_largest_product_however_it_is_scored(parties: int, packages: int, equal: bool,
                                                                seed: int) -> None:
    # equal powers of up to PRODUCT_PARTIES parties are scored by the product itself, others in logs:
    # either way the package found has the largest Nash product, and None when no package gains for all
    rng = np.random.default_rng(seed)
    utilities = rng.random((parties, packages))
    walk_aways = rng.uniform(0, 0.5, parties)
    powers = [1.5] * parties if equal else rng.uniform(0.5, 2, parties).tolist()
    gaining = (utilities > walk_aways[:, None]).all(axis=0)
    products = np.where(gaining, np.prod((utilities - walk_aways[:, None]).clip(0) ** np.array(powers)[:, None],
                                         axis=0), -1.0)
    nash = nash_point(utilities, walk_aways, powers)
    if not gaining.any():
        assert nash is None
    else:
        assert nash is not None and math.isclose(products[nash], products.max(), rel_tol=1e-9, abs_tol=0)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3000), st.integers(2, 40), st.integers(0, 2**32 - 1))
def test_the_pareto_front_of_many_packages_is_the_brute_force_front(parties: int, packages: int, levels: int,
                                                                    seed: int) -> None:
    """Anchors and sweeps on spaces large enough to use them, with many ties (few utility levels)."""
    rng = np.random.default_rng(seed)
    utilities = rng.integers(0, levels, size=(parties, packages)) / (levels - 1)
    if parties > 1:  # some packages equal to another up to the rounding of the front
        utilities[0, rng.integers(0, packages, packages // 4)] += 1e-14
    tied = np.round(utilities, TIE_DECIMALS)
    at_least = (tied[:, :, None] >= tied[:, None, :]).all(axis=0)  # [j, i]: j at least as good as i everywhere
    better = (tied[:, :, None] > tied[:, None, :]).any(axis=0)
    front = np.flatnonzero(~(at_least & better).any(axis=0))
    assert pareto_front(utilities).tolist() == front.tolist()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.lists(st.sampled_from([0.5, 1.0, 1.0, 2.0, 3.0]), min_size=3, max_size=3))
def test_the_solver_finds_the_reference_points_of_the_listed_space(data: dict[str, Any], powers: list[float]) -> None:
    """Nash, Kalai-Smorodinsky and maximum welfare, and each concession's Nash package: the same packages,
    ties (many here: few utility levels) to the lowest, any bargaining powers."""
    from negsim.analysis import solved
    from negsim.analysis.explain import explain, reference_points
    from negsim.analysis.solved_points import reference_packages
    from negsim.analysis.solver_space import SolverSpace

    for party, power in zip(data["parties"], powers, strict=False):
        if "preferences" in party:
            party["preferences"]["bargaining_power"] = power
    scenario = Scenario.model_validate(data)
    space = DealSpace.of(scenario)
    expected = reference_points(space, space.feasible)
    solver_space = SolverSpace.of(scenario)
    found = reference_packages(solver_space, solved.zopa_package(solver_space))
    for mine, theirs in ((found.nash, expected.nash), (found.kalai_smorodinsky, expected.kalai_smorodinsky),
                         (found.max_welfare, expected.max_welfare)):
        assert (mine is None) == (theirs is None)
        if mine is not None and theirs is not None:
            assert space.constraints.space.decode(mine[0]) == theirs.terms
    listed, searched = explain(scenario, method="enumerate"), explain(scenario, method="solver")
    assert [c.best for c in searched.concessions] == [c.best for c in listed.concessions]
    assert searched.reference.nash == listed.reference.nash


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.data())
def test_the_solver_judges_a_proposal_as_the_listed_space_does(data: dict[str, Any], pick: st.DataObject) -> None:
    """Worth over the admissible completions, who is short, the dominating ZOPA package, the distance to Nash."""
    from negsim.analysis.explain import judge, reference_points
    from negsim.analysis.solved_judgement import judge_by_solver, proposed
    from negsim.analysis.solver_space import SolverSpace

    terms = {issue["id"]: pick.draw(st.sampled_from(domain(issue))) for issue in data["issues"]
             if pick.draw(st.integers(0, 3)) > 0}  # about one issue in four left open
    scenario = Scenario.model_validate(data)
    space = DealSpace.of(scenario)
    nash = reference_points(space, space.feasible).nash
    listed = judge(space, terms, nash)
    solver_space = SolverSpace.of(scenario)
    searched = judge_by_solver(solver_space, proposed(solver_space, terms), nash, settled=True)
    assert searched.to_dict() == listed.to_dict()
