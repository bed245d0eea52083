"""The simulated talks: Gaza as reported, its variant, determinism and the command line."""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest
from bundled import BUNDLED

import negsim
from negsim.cli.main import main
from negsim.simulation.talks import run

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
VARIANT = ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"
PHILADELPHI = {"israel/troops-in-philadelphi", "hamas/complete-withdrawal", "egypt/no-troops-in-philadelphi"}


@pytest.fixture(scope="module")
def gaza() -> negsim.Scenario:
    return negsim.load(GAZA)


@pytest.fixture(scope="module")
def variant() -> negsim.Scenario:
    return negsim.load(VARIANT)


def test_gaza_as_reported_never_ends_in_a_deal(gaza: negsim.Scenario) -> None:
    for seed in range(40):
        outcome, _ = run(gaza, seed=seed)
        assert not outcome.agreed, seed
        assert set(outcome.blocking) >= PHILADELPHI, seed


def test_the_variant_opens_deals_with_dates(variant: negsim.Scenario) -> None:
    runs = [run(variant, seed=seed) for seed in range(40)]
    deals = [(o, log) for o, log in runs if o.agreed]
    assert len(deals) >= 10
    for deal, log in deals:
        assert deal.date is not None and deal.date >= "2024-08-16" and deal.package is not None
        assert deal.package["philadelphi"] == "monitored"
        assert deal.blocking == ()
        kinds = [e["kind"] for e in log.entries]
        settled = next(k for k, e in enumerate(log.entries) if "settles screening" in e["cause"])
        assert settled < kinds.index("agreement")  # the screening the proposal deferred is settled first


def test_the_timeline_tells_the_reported_story(gaza: negsim.Scenario) -> None:
    _, log = run(gaza, seed=3)
    kinds = [(e["kind"], e["party"]) for e in log.entries]
    first_draft = next(e for e in log.entries if e["kind"] == "draft")
    assert first_draft["package"]["philadelphi"] == "reduced"  # the U.S. bridging text
    israel = next(e for e in log.entries if e["party"] == "israel" and e["kind"] in ("accept", "reject"))
    assert israel["kind"] == "accept"  # Netanyahu assented
    hamas = next(e for e in log.entries if e["party"] == "hamas" and e["kind"] in ("accept", "reject"))
    assert hamas["kind"] == "reject" and "hamas/complete-withdrawal" in hamas["verdicts"]
    assert ("summit", None) in kinds
    assert kinds[-1] == ("end", None)


def test_nothing_happens_after_the_talks_end() -> None:
    """The log ends with the agreement or the end of the talks, even when a dated event falls on that instant.

    In the variant, Hamas's answer at its 20 August statement can complete the deal at the instant
    Blinken's trip is dated: the trip came after the agreement in the log, though the talks were over.
    """
    for path in BUNDLED:
        scenario = negsim.load(path)
        for seed in range(40):
            kinds = [entry["kind"] for entry in run(scenario, seed=seed)[1].entries]
            endings = [k for k in kinds if k in ("agreement", "end")]
            assert endings == kinds[-1:], (path.name, seed, kinds[-3:])


def test_same_seed_same_bytes(gaza: negsim.Scenario, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    logs = []
    for attempt in range(2):
        path = tmp_path / f"events-{attempt}.jsonl"
        assert main(["run", str(GAZA), "--seed", "11", "--json", "--log", str(path)]) == 0
        logs.append((capsys.readouterr().out.replace(str(path), ""), path.read_bytes()))
    assert logs[0] == logs[1]
    assert run(gaza, seed=11)[1].jsonl().encode() == logs[0][1]


def test_different_seeds_give_different_timelines(gaza: negsim.Scenario) -> None:
    assert run(gaza, seed=1)[1].jsonl() != run(gaza, seed=2)[1].jsonl()


def test_run_json_holds_the_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(VARIANT), "--seed", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"agreed", "date", "package", "blocking"} <= set(out)
    if out["agreed"]:
        assert out["blocking"] == [] and out["date"]
    else:
        assert out["blocking"]


def test_run_until_stops_early(gaza: negsim.Scenario) -> None:
    from datetime import date

    _, log = run(gaza, seed=0, until=date(2024, 8, 20))
    assert max(e["date"] for e in log.entries) <= "2024-08-21"


def test_the_log_is_append_only_json_lines(gaza: negsim.Scenario) -> None:
    _, log = run(gaza, seed=5)
    lines = log.jsonl().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["time"] for e in entries] == sorted(e["time"] for e in entries)
    assert {"time", "date", "kind", "party", "package", "verdicts", "cause"} == set(entries[0])


def test_text_output_shows_the_timeline_and_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(GAZA), "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "hamas/complete-withdrawal breaks" in out
    assert "No agreement" in out and "israel/troops-in-philadelphi" in out


def test_until_before_the_start_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(GAZA), "--until", "2024-01-01"]) == 2
    assert "before the scenario starts" in capsys.readouterr().err


def test_agents_never_import_simpy() -> None:
    for path in (ROOT / "sim" / "agents").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [importlib.util.resolve_name("." * node.level + (node.module or ""), "negsim.agents")] \
                if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "simpy" or n.startswith("simpy.") or n == "negsim.simulation.talks"
                           for n in names), path


def test_the_outcome_records_what_chance_decided(gaza: negsim.Scenario) -> None:
    for seed in range(30):
        outcome, log = run(gaza, seed=seed)
        shocks = sum(e["kind"] == "shock" for e in log.entries)
        assert outcome.draws["shocks:regional-retaliation"] == shocks
        if outcome.draws.get("happens:cairo-summit"):
            summit = next(e for e in log.entries if e["kind"] == "summit")
            absent = summit["cause"].partition("absent: ")[2].split(", ")
            assert ("hamas" in absent) != outcome.draws["attends:cairo-summit:hamas"]
