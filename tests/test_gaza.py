"""The bundled Gaza scenario: valid, quotes verbatim, and the verdicts the article implies."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from bundled import BUNDLED

import negsim
from negsim.cli.main import main
from negsim.scenario.sources import normalise

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
SEEDS = ROOT.parent / "shared" / "seeds"


def evaluate_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["evaluate", str(GAZA), *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def party(result: dict[str, object], party_id: str) -> dict[str, object]:
    parties = result["parties"]
    assert isinstance(parties, list)
    return next(p for p in parties if p["party"] == party_id)


def red_line(entry: dict[str, object], ref: str) -> dict[str, object]:
    lines = entry["red_lines"]
    assert isinstance(lines, list)
    return next(r for r in lines if r["id"] == ref)


def test_every_bundled_scenario_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, BUNDLED)]) == 0


def need_the_article() -> None:
    """The article lives beside the repository (../shared/seeds); CI always has it."""
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the article is expected in {SEEDS}")
        pytest.skip(f"the source article is not beside this clone ({SEEDS})")


def test_every_quote_stands_verbatim_in_the_article() -> None:
    need_the_article()
    assert main(["check", str(GAZA), "--sources", str(SEEDS)]) == 0


def test_a_paraphrased_quote_is_caught(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need_the_article()
    text = GAZA.read_text(encoding="utf-8").replace("consistently called for a", "always demanded a")
    copy = tmp_path / "gaza.yaml"
    copy.write_text(text, encoding="utf-8")
    assert main(["check", str(copy), "--sources", str(SEEDS)]) == 1
    out = capsys.readouterr().out
    assert "quote not found verbatim in 'article-gaza-ceasefire-talks-2024-08.txt'" in out
    assert "closest passage" in out


def test_us_bridging_proposal_splits_the_parties(capsys: pytest.CaptureFixture[str]) -> None:
    result = evaluate_json(capsys, "--proposal", "us-bridging-2024-08")
    assert result["accepted_by"] == ["israel"]
    assert result["rejected_by"] == ["hamas", "egypt"]
    hamas = party(result, "hamas")
    assert hamas["verdict"] == "reject" and hamas["because"] == ["hamas/complete-withdrawal"]
    withdrawal = red_line(hamas, "hamas/complete-withdrawal")
    assert withdrawal["verdict"] == "breaks"
    assert "consistently called for a complete Israeli withdrawal from the Gaza Strip" in \
        withdrawal["source"]["quote"]  # type: ignore[index]
    egypt = party(result, "egypt")
    assert egypt["verdict"] == "reject" and egypt["because"] == ["egypt/no-troops-in-philadelphi"]
    assert "will not accept Israeli troops remaining in the" in \
        red_line(egypt, "egypt/no-troops-in-philadelphi")["source"]["quote"]  # type: ignore[index]


def test_returnee_screening_is_left_open(capsys: pytest.CaptureFixture[str]) -> None:
    result = evaluate_json(capsys, "--proposal", "us-bridging-2024-08")
    assert result["open_issues"] == ["screening"]
    israel = party(result, "israel")
    assert israel["verdict"] == "accept"
    screening = red_line(israel, "israel/screen-returnees")
    assert screening["verdict"] == "open" and screening["deferred"] is True
    assert red_line(party(result, "hamas"), "hamas/no-israeli-screening")["verdict"] == "open"


def test_netanyahus_stiffened_terms_reject_the_may_framework() -> None:
    scenario = negsim.load(GAZA)
    result = negsim.evaluate(scenario, "may-framework-2024-05")
    assert result.with_stance("reject") == ("israel",)
    assert set(result.with_stance("accept")) == {"hamas", "egypt"}


def test_terms_on_the_command_line_settle_the_corridor(capsys: pytest.CaptureFixture[str]) -> None:
    terms = "philadelphi=monitored,withdrawal=complete,screening=third-party,ceasefire=phased,hostages=33"
    result = evaluate_json(capsys, "--terms", terms)
    assert result["open_issues"] == []
    assert party(result, "israel")["because"] == ["israel/troops-in-philadelphi"]
    assert result["rejected_by"] == ["israel"]


def test_text_output_names_red_lines_with_their_party(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(GAZA), "--proposal", "us-bridging-2024-08"]) == 0
    out = capsys.readouterr().out
    assert "egypt/no-troops-in-philadelphi" in out and "breaks" in out
    assert "rejected by hamas (hamas/complete-withdrawal), egypt (egypt/no-troops-in-philadelphi)" in out


def test_the_scenario_copied_elsewhere_still_loads(tmp_path: Path) -> None:
    shutil.copy(GAZA, tmp_path / "g.yaml")
    assert negsim.load(tmp_path / "g.yaml").id == "gaza-2024-08"


def test_every_gaza_red_line_cites_the_article_and_marks_inferences() -> None:
    """A quote stands verbatim in the article; an inference and an assumption each say so."""
    need_the_article()
    article = normalise((SEEDS / "article-gaza-ceasefire-talks-2024-08.txt").read_text(encoding="utf-8"))
    scenario = negsim.load(GAZA)
    for party in scenario.parties:
        for red_line in party.red_lines:
            ref, source = f"{party.id}/{red_line.id}", red_line.source
            if isinstance(source, str):
                assert red_line.rationale.startswith("Assumption:"), f"{ref} must say it is an assumption"
                assert red_line.confidence < 1, ref
                continue
            assert source.doc == "article" and normalise(source.quote) in article, f"{ref} misquotes the article"
            if source.inferred:
                assert red_line.confidence < 1 and red_line.rationale.startswith("Inferred"), ref


def test_inferred_red_lines_say_so_in_output(capsys: pytest.CaptureFixture[str]) -> None:
    result = evaluate_json(capsys, "--proposal", "us-bridging-2024-08")
    screening = red_line(party(result, "hamas"), "hamas/no-israeli-screening")
    assert screening["source"]["inferred"] is True  # type: ignore[index]
    assert main(["evaluate", str(GAZA), "--proposal", "us-bridging-2024-08"]) == 0
    assert "inferred from “Israel’s demand to screen" in capsys.readouterr().out
