"""Importing Genius (ANAC) domains: a round trip checked against a brute-force reference.

The reference reads the XML fixtures with its own small parser (xml.etree, no negsim code),
computes every package's utility the way Genius does, and finds the Pareto frontier and the
Nash point by brute force.
"""

from __future__ import annotations

import argparse
import itertools
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import negsim
from negsim.analysis.bargaining import nash_point, pareto_front
from negsim.cli.genius import add_import_genius_command
from negsim.cli.main import main
from negsim.constraints.check import CompiledConstraints
from negsim.constraints.space import OutcomeSpace
from negsim.errors import ScenarioError, UsageError
from negsim.importers.genius import import_genius, linear_points

FIXTURES = Path(__file__).resolve().parent / "genius"
DOMAINS = {
    "party": ["party_alice.xml", "party_bob.xml"],
    "job": ["job_employer.xml", "job_candidate.xml"],
    "holiday": ["holiday_ann.xml", "holiday_ben.xml", "holiday_cleo.xml"],
}


def _files(name: str) -> tuple[Path, list[Path]]:
    return FIXTURES / f"{name}_domain.xml", [FIXTURES / p for p in DOMAINS[name]]


# -- the reference: Genius's rules, straight from the XML ---------------------------------------


@dataclass
class RefIssue:
    index: str
    name: str
    integer: bool
    values: list[str] | list[int]


def ref_issues(domain: Path) -> list[RefIssue]:
    out = []
    for issue in ET.parse(domain).getroot().iter("issue"):
        kind = issue.get("type") or issue.get("vtype") or "discrete"
        if kind == "integer":
            values: list[str] | list[int] = list(range(int(issue.get("lowerbound", "")),
                                                       int(issue.get("upperbound", "")) + 1))
        else:
            values = [str(item.get("value")) for item in issue.findall("item")]
        out.append(RefIssue(str(issue.get("index")), str(issue.get("name")), kind == "integer", values))
    return out


def ref_evaluations(issue: RefIssue, element: ET.Element) -> list[float]:
    if issue.integer:
        evaluator = element.find("evaluator")
        assert evaluator is not None
        slope, offset = float(evaluator.get("slope", "")), float(evaluator.get("offset", ""))
        low = int(element.get("lowerbound", ""))
        return [min(1.0, max(0.0, offset + slope * (int(x) - low))) for x in issue.values]
    evaluation = {item.get("value"): float(item.get("evaluation", "")) for item in element.findall("item")}
    top = max(evaluation.values())
    return [evaluation[str(v)] / top for v in issue.values]


def ref_profile(path: Path, issues: list[RefIssue]) -> tuple[list[list[float]], list[float], float]:
    """Per-issue evaluations, weights normalised to sum 1, reservation value."""
    root = ET.parse(path).getroot()
    elements = {e.get("index"): e for e in root.iter("issue")}
    weights = {w.get("index"): float(w.get("value", "")) for w in root.iter("weight")}
    evaluations = [ref_evaluations(issue, elements[issue.index]) for issue in issues]
    raw = [weights[issue.index] for issue in issues]
    reservation = root.find(".//reservation")
    rv = 0.0 if reservation is None else float(reservation.get("value", ""))
    return evaluations, [w / sum(raw) for w in raw], rv


def ref_utilities(domain: Path, profiles: list[Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Utilities (parties, packages) over every package in lexicographic order, and reservations."""
    issues = ref_issues(domain)
    packages = list(itertools.product(*(range(len(i.values)) for i in issues)))
    rows, reservations = [], []
    for path in profiles:
        evaluations, weights, rv = ref_profile(path, issues)
        rows.append([sum(w * e[k] for w, e, k in zip(weights, evaluations, package, strict=True))
                     for package in packages])
        reservations.append(rv)
    return np.array(rows), np.array(reservations), np.array(packages)


def brute_front(utilities: np.ndarray) -> set[tuple[float, ...]]:
    points = [tuple(utilities[:, k]) for k in range(utilities.shape[1])]
    return {p for p in points
            if not any(all(a >= b for a, b in zip(q, p, strict=True)) and q != p for q in points)}


def brute_nash_product(utilities: np.ndarray, disagreement: np.ndarray) -> float | None:
    gains = utilities - disagreement[:, None]
    products = [math.prod(gains[:, k]) for k in range(gains.shape[1]) if (gains[:, k] > 0).all()]
    return max(products, default=None)


# -- the round trip -------------------------------------------------------------------------


def _negsim_utilities(name: str) -> tuple[negsim.Scenario, np.ndarray, np.ndarray]:
    domain, profiles = _files(name)
    scenario = negsim.loads(import_genius(domain, profiles))
    packages = OutcomeSpace.of(scenario).every_package()
    return scenario, CompiledConstraints.of(scenario).check(packages).utility_low, packages


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_utilities_match_the_reference(name: str) -> None:
    _, utilities, packages = _negsim_utilities(name)
    expected, _, ref_packages = ref_utilities(*_files(name))
    assert np.array_equal(packages, ref_packages)
    np.testing.assert_allclose(utilities, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_pareto_frontier_matches_brute_force(name: str) -> None:
    _, utilities, _ = _negsim_utilities(name)
    expected, _, _ = ref_utilities(*_files(name))
    rounded = np.round(utilities, 12)
    front = {tuple(rounded[:, k]) for k in pareto_front(rounded)}
    assert front == brute_front(np.round(expected, 12))
    assert 1 < len(front) < utilities.shape[1]


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_nash_point_matches_brute_force(name: str) -> None:
    scenario, utilities, _ = _negsim_utilities(name)
    expected, reservations, _ = ref_utilities(*_files(name))
    disagreement = np.array([p.preferences.reservation for p in scenario.parties if p.preferences])
    np.testing.assert_allclose(disagreement, reservations, atol=0)
    best = nash_point(utilities, disagreement)
    reference = brute_nash_product(expected, reservations)
    assert best is not None and reference is not None
    assert math.prod(utilities[:, best] - disagreement) == pytest.approx(reference, abs=1e-9)


def test_names_become_unique_ids_and_stay_as_labels() -> None:
    scenario = negsim.loads(import_genius(*_files("holiday")))
    assert [i.id for i in scenario.issues] == ["destination", "duration", "transport", "hotel-stars"]
    assert [i.name for i in scenario.issues] == ["Destination", "Duration", "Transport", "Hotel stars"]
    destination = scenario.issue("destination")
    assert destination.values == ["beach", "beach-2", "zurich", "mountains"]
    assert '"Beach!" → beach' in destination.description and '"Zürich" → zurich' in destination.description
    assert scenario.issue("hotel-stars").values == ["3", "4", "5"]  # stay strings through YAML
    assert [p.id for p in scenario.parties] == ["holiday-ann", "holiday-ben", "holiday-cleo"]
    assert {p.role for p in scenario.parties} == {"principal"}
    assert all(not p.red_lines for p in scenario.parties)


def test_job_domain_keeps_integer_issue_yes_no_values_and_reservations() -> None:
    text = import_genius(*_files("job"))
    scenario = negsim.loads(text)
    days = scenario.issue("vacation-days")
    assert (days.type, days.min, days.max) == ("integer", 20, 30)
    assert scenario.issue("company-car").values == ["no", "yes"]
    assert [p.preferences.reservation for p in scenario.parties if p.preferences] == [0.35, 0.4]
    assert "discount_factor 0.9 ignored" in text


def test_header_names_the_sources_and_notes_weights_that_do_not_sum_to_one() -> None:
    text = import_genius(*_files("holiday"), scenario_id="friends")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("holiday_domain.xml" in line for line in header)
    assert sum("profile:" in line for line in header) == 3
    assert any("holiday_ben.xml: weights sum to 2.5" in line for line in header)
    assert "yaml-language-server" not in text
    assert negsim.loads(text).id == "friends"


def test_import_is_deterministic() -> None:
    assert import_genius(*_files("party")) == import_genius(*_files("party"))


@given(low=st.integers(-50, 50), width=st.integers(1, 60), base_shift=st.integers(-5, 5),
       slope=st.floats(-2, 2, allow_nan=False), offset=st.floats(-3, 3, allow_nan=False))
def test_linear_points_are_exact_at_every_integer(low: int, width: int, base_shift: int,
                                                  slope: float, offset: float) -> None:
    high, base = low + width, low + base_shift
    points = linear_points(low, high, base, slope, offset)
    xs = np.arange(low, high + 1)
    interpolated = np.interp(xs, list(points), list(points.values()))
    expected = np.clip(offset + slope * (xs - base), 0, 1)
    np.testing.assert_allclose(interpolated, expected, rtol=0, atol=1e-9)


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "line", "message"),
    [
        ("malformed_unclosed.xml", 7, "malformed XML: mismatched tag"),
        ("malformed_entity.xml", 3, "unsafe XML refused: entity declarations are not allowed"),
        ("party_unknown_issue.xml", 31, "issue 'Decorations' (index 9) is not an issue of the domain"),
        ("party_missing_item.xml", 3, "issue 'Food' gives no evaluation for 'Catering'"),
        ("party_missing_weight.xml", 2, "issue 'Location' (index 4) has no <weight index=.. value=..>"),
    ],
)
def test_bad_profiles_are_scenario_errors_with_a_line(profile: str, line: int, message: str) -> None:
    domain, _ = _files("party")
    with pytest.raises(ScenarioError) as caught:
        import_genius(domain, [FIXTURES / "party_alice.xml", FIXTURES / profile])
    (finding,) = caught.value.diagnostics
    assert finding.path == str(FIXTURES / profile)
    assert (finding.line, finding.message) == (line, message)
    assert finding.col >= 1


def test_a_malformed_domain_is_reported_with_its_position() -> None:
    with pytest.raises(ScenarioError) as caught:
        import_genius(FIXTURES / "malformed_unclosed.xml", [FIXTURES / "party_alice.xml"])
    assert str(caught.value).startswith(f"{FIXTURES / 'malformed_unclosed.xml'}:7:3: error: malformed XML")


def test_a_profile_of_another_domain_lists_every_mismatch() -> None:
    domain, _ = _files("job")
    with pytest.raises(ScenarioError) as caught:
        import_genius(domain, [FIXTURES / "party_alice.xml"])
    messages = [d.message for d in caught.value.diagnostics]
    assert "issue index 2 is 'Position' in the domain but 'Food' here" in messages
    assert any("'Salary'" in m and "no evaluation" in m for m in messages)
    assert len(messages) > 3


def test_undeclared_windows_1252_files_are_read(tmp_path: Path) -> None:
    domain = tmp_path / "party_domain.xml"
    text = (FIXTURES / "party_domain.xml").read_bytes()
    domain.write_bytes(text.replace(b"Custom snacks.", b"Hors d\x92oeuvres."))  # a curly quote, as in Genius
    _, profiles = _files("party")
    assert len(negsim.loads(import_genius(domain, profiles)).issues) == 4


def test_real_valued_issues_are_refused_clearly(tmp_path: Path) -> None:
    domain = tmp_path / "real_domain.xml"
    domain.write_text('<negotiation_template><utility_space><objective index="0" name="Price">\n'
                      '<issue index="1" name="Price" type="real" vtype="real"><range lowerbound="0" '
                      'upperbound="10"/></issue>\n</objective></utility_space></negotiation_template>\n')
    with pytest.raises(ScenarioError) as caught:
        import_genius(domain, [FIXTURES / "party_alice.xml"])
    (finding,) = caught.value.diagnostics
    assert (finding.line, finding.col) == (2, 1)
    assert "type 'real'; negsim imports discrete and integer issues only" in finding.message


def test_invalid_id_and_missing_profile_are_usage_errors() -> None:
    domain, profiles = _files("party")
    with pytest.raises(UsageError, match="not a valid id"):
        import_genius(domain, profiles, scenario_id="Party Domain")
    with pytest.raises(UsageError, match="at least one"):
        import_genius(domain, [])
    with pytest.raises(UsageError, match="cannot read"):
        import_genius(domain, [FIXTURES / "no_such_profile.xml"])


# -- the command --------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="negsim")
    add_import_genius_command(parser.add_subparsers(dest="command", required=True))
    return parser


def test_command_writes_the_scenario_and_prints_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    domain, profiles = _files("job")
    out = tmp_path / "job.yaml"
    args = _parser().parse_args(["import-genius", str(domain), *map(str, profiles), "-o", str(out), "--id", "job"])
    assert args.handler(args) == 0
    scenario = negsim.load(out)
    assert scenario.id == "job" and len(scenario.parties) == 2
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and str(out) in printed and "198 packages" in printed
    assert [p.name for p in tmp_path.iterdir()] == ["job.yaml"]  # no temporary file left behind


def test_command_refuses_a_missing_input_file(tmp_path: Path) -> None:
    domain, _ = _files("job")
    argv = ["import-genius", str(domain), str(tmp_path / "nope.xml"), "-o", str(tmp_path / "x.yaml")]
    args = _parser().parse_args(argv)
    with pytest.raises(UsageError, match=r"nope\.xml': no such file"):
        args.handler(args)
    assert not (tmp_path / "x.yaml").exists()


def _registered(capsys: pytest.CaptureFixture[str]) -> bool:
    try:
        main(["import-genius", "--help"])
    except SystemExit as exc:
        return exc.code == 0
    finally:
        capsys.readouterr()
    return False


def test_cli_reports_bad_files_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not _registered(capsys):
        pytest.skip("import-genius is not yet registered in sim/cli/main.py")
    domain, _ = _files("party")
    out = tmp_path / "party.yaml"
    bad = FIXTURES / "malformed_unclosed.xml"
    assert main(["import-genius", str(domain), str(bad), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:7:3: error: malformed XML" in err and "Traceback" not in err
    assert main(["import-genius", str(domain), str(tmp_path / "nope.xml"), "-o", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not out.exists()
    assert main(["import-genius", str(domain), *map(str, _files("party")[1]), "-o", str(out)]) == 0
    assert negsim.load(out).id == "party-domain"
