"""``import-genius --reading negmas`` and ``--rounds``: NegMAS's reading of Genius files, and a deadline in rounds.

The reference reads the XML with xml.etree (no negsim code) by NegMAS's rule: a package is worth
``sum(weight * evaluation)``, evaluations as written (an integer issue's ``offset + slope * x``),
only weights that are children of the top ``<objective>`` (others count as 1), the reservation
value on that scale. negsim's utilities must then be one positive affine map of the reference's
per party, with the reservation mapped alike, which keeps the ZOPA, frontier and bargaining
packages. ``bench/validate_genius_reading.py`` checks the same against NegMAS itself.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import negsim
from negsim.analysis.bargaining import pareto_front
from negsim.constraints.check import CompiledConstraints
from negsim.constraints.space import OutcomeSpace
from negsim.errors import ScenarioError, UsageError
from negsim.importers.genius import import_genius
from negsim.simulation.talks import run

FIXTURES = Path(__file__).resolve().parent / "genius"
JOB = (FIXTURES / "job_domain.xml", [FIXTURES / "job_employer.xml", FIXTURES / "job_candidate.xml"])

DOMAIN = """<negotiation_template><utility_space><objective index="0" name="Scales" type="objective">
<issue index="1" name="Price" type="discrete"><item index="1" value="low"/><item index="2" value="high"/>
<item index="3" value="top"/></issue>
<issue index="2" name="Colour" type="discrete"><item index="1" value="red"/><item index="2" value="blue"/></issue>
<issue index="3" name="Days" type="integer" lowerbound="2" upperbound="6"/>
</objective></utility_space></negotiation_template>
"""

PROFILE = """<utility_space><objective index="0" name="Scales" type="objective">
<issue index="1" name="Price" type="discrete"><item index="1" value="low" evaluation="{p1}"/>
<item index="2" value="high" evaluation="{p2}"/><item index="3" value="top" evaluation="{p3}"/></issue>
<issue index="2" name="Colour" type="discrete"><item index="1" value="red" evaluation="{c1}"/>
<item index="2" value="blue" evaluation="{c2}"/></issue>
<issue index="3" name="Days" type="integer" lowerbound="2" upperbound="6">
<evaluator ftype="linear" offset="{offset}" slope="{slope}"/></issue>
<weight index="1" value="{w1}"/><weight index="2" value="{w2}"/><weight index="3" value="{w3}"/>
</objective><reservation value="{reservation}"/></utility_space>
"""

SELLER = {"p1": 1, "p2": 6, "p3": 10, "c1": 1, "c2": 0.2, "offset": 1.5, "slope": -0.4,
          "w1": 0.5, "w2": 0.3, "w3": 0.2, "reservation": 2.2}
BUYER = {"p1": 10, "p2": 4, "p3": 0, "c1": 0, "c2": 2, "offset": -0.5, "slope": 0.5,
         "w1": 0.4, "w2": 0.4, "w3": 0.2, "reservation": 2.0}


def _scales(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A domain whose issues are on scales of their own: the readings weigh them differently."""
    domain = tmp_path / "scales_domain.xml"
    domain.write_text(DOMAIN, encoding="utf-8")
    profiles = []
    for name, numbers in (("seller", SELLER), ("buyer", BUYER)):
        path = tmp_path / f"scales_{name}.xml"
        path.write_text(PROFILE.format(**numbers), encoding="utf-8")
        profiles.append(path)
    return domain, profiles


# -- the reference: NegMAS's rule, straight from the XML -----------------------------------------


def _negmas_utilities(domain: Path, profiles: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    """Each party's utility of every package (lexicographic order of values) and its reservation value."""
    issues = list(ET.parse(domain).getroot().iter("issue"))
    domains = [list(range(int(i.get("lowerbound", "")), int(i.get("upperbound", "")) + 1))
               if i.get("type") == "integer" else [str(item.get("value")) for item in i.findall("item")]
               for i in issues]
    rows, reservations = [], []
    for path in profiles:
        root = ET.parse(path).getroot()
        top = root.find("objective")
        weights = {w.get("index"): float(w.get("value", "")) for w in (top if top is not None else root)
                   if w.tag == "weight"}
        by_index = {e.get("index"): e for e in root.iter("issue")}
        scores = []
        for issue, values in zip(issues, domains, strict=True):
            element = by_index[issue.get("index")]
            evaluator = element.find("evaluator")
            if evaluator is not None:
                slope, offset = float(evaluator.get("slope", "")), float(evaluator.get("offset", ""))
                scores.append([offset + slope * int(x) for x in values])
            else:
                table = {item.get("value"): float(item.get("evaluation", "")) for item in element.findall("item")}
                scores.append([table[str(x)] for x in values])
        w = [weights.get(issue.get("index"), 1.0) for issue in issues]
        rows.append([sum(wk * s[k] for wk, s, k in zip(w, scores, package, strict=True))
                     for package in itertools.product(*(range(len(d)) for d in domains))])
        reservation = root.find(".//reservation")
        reservations.append(0.0 if reservation is None else float(reservation.get("value", "")))
    return np.array(rows), np.array(reservations)


def _negsim(text: str) -> tuple[negsim.Scenario, np.ndarray, np.ndarray]:
    scenario = negsim.loads(text)
    utilities = CompiledConstraints.of(scenario).check(OutcomeSpace.of(scenario).every_package()).utility_low
    reservations = np.array([p.preferences.reservation for p in scenario.parties if p.preferences])
    return scenario, utilities, reservations


def _zopa(utilities: np.ndarray, reservations: np.ndarray) -> set[int]:
    return set(np.flatnonzero((utilities >= reservations[:, None] - 1e-12).all(axis=0)).tolist())


@pytest.mark.parametrize("case", ["job", "scales"])
def test_negmas_reading_is_one_positive_affine_map_of_negmas_utilities(case: str, tmp_path: Path) -> None:
    files = JOB if case == "job" else _scales(tmp_path)
    _, mine, my_reservations = _negsim(import_genius(*files, reading="negmas"))
    theirs, their_reservations = _negmas_utilities(*files)
    for party in range(theirs.shape[0]):
        low, high = int(np.argmin(theirs[party])), int(np.argmax(theirs[party]))
        slope = (mine[party, high] - mine[party, low]) / (theirs[party, high] - theirs[party, low])
        shift = mine[party, low] - slope * theirs[party, low]
        assert slope > 0
        np.testing.assert_allclose(mine[party], slope * theirs[party] + shift, rtol=0, atol=1e-12)
        assert my_reservations[party] == pytest.approx(
            min(1.0, max(0.0, slope * their_reservations[party] + shift)), abs=1e-12)
    assert _zopa(mine, my_reservations) == _zopa(theirs, their_reservations)


def test_the_two_readings_give_different_frontiers_on_issues_of_different_scales(tmp_path: Path) -> None:
    domain, (seller, buyer) = _scales(tmp_path)
    for path, numbers in ((seller, SELLER), (buyer, BUYER)):  # a walk-away value both readings take
        path.write_text(PROFILE.format(**{**numbers, "reservation": 0}), encoding="utf-8")
    fronts = []
    for reading in ("genius", "negmas"):
        _, utilities, _ = _negsim(import_genius(domain, [seller, buyer], reading=reading))
        fronts.append(set(pareto_front(np.round(utilities, 12)).tolist()))
    assert fronts[0] != fronts[1]


def test_the_header_says_which_reading_and_the_map(tmp_path: Path) -> None:
    text = import_genius(*JOB, reading="negmas")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "Read as NegMAS reads them (--reading negmas)" in header
    assert "job_employer.xml: u = (U / 4 + 1.8) / 2.8, where U is its utility as NegMAS reads it" in header
    assert "sit beside\n#   <objective>, not in it, where NegMAS does not look: each counts as 1" in header
    assert "Read as Genius reads them" in import_genius(*JOB)


def test_a_reservation_no_package_reaches_under_negmas_reading_is_refused_at_its_line(tmp_path: Path) -> None:
    domain, (seller, buyer) = _scales(tmp_path)
    seller.write_text(PROFILE.format(**{**SELLER, "reservation": 99}), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        import_genius(domain, [seller, buyer], reading="negmas")
    (finding,) = caught.value.diagnostics
    assert finding.path == str(seller) and finding.line == 9
    assert "reservation value 99 is above every utility this profile gives as NegMAS reads it" in finding.message


def test_rounds_make_alternating_talks_that_end_after_them() -> None:
    text = import_genius(*JOB, rounds=7)
    scenario = negsim.loads(text)
    assert (scenario.talks.protocol, scenario.talks.max_rounds) == ("alternating", 7)
    assert scenario.horizon_days == 2 * 7 * 2 + 10
    assert "Deadline: 7 rounds (--rounds)" in text
    outcome, _ = run(scenario, seed=1)
    assert outcome.rounds <= 7


def test_without_rounds_the_header_says_the_deadline_is_not_in_the_files() -> None:
    text = import_genius(*JOB)
    assert "Genius's deadline is not in these files" in text and "talks:" not in text


@pytest.mark.parametrize("rounds", [0, 1001])
def test_rounds_out_of_range_are_a_usage_error(rounds: int) -> None:
    with pytest.raises(UsageError, match="negsim's talks take 1 to 1,000 rounds"):
        import_genius(*JOB, rounds=rounds)


def test_help_explains_both_readings_and_the_deadline(negsim_cli) -> None:  # type: ignore[no-untyped-def]
    done = negsim_cli("import-genius", "--help")
    assert "--reading {genius,negmas}" in done.out and "--rounds N" in done.out
    assert "Read as NegMAS reads them" in done.out and "deadline is not in these files" in done.out
