"""negsim plot: the utility space of two parties and the negotiation dance of a run, as SVG or PNG.

The pictures' data is checked against the analysis it comes from (the ZOPA, the frontier, the
proposals, the texts of a run); the files against what a browser or an image viewer reads. The
HTML report draws both for its sample run (tests/test_report.py looks at them in Chromium).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import negsim
from negsim.analysis.dealspace import DealSpace
from negsim.report.utility_plots import tabled, utility_space
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
MONITORING = ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"
Negsim = Callable[..., CliRun]


def test_the_utility_space_holds_the_zopa_its_frontier_the_proposals_and_a_runs_texts() -> None:
    scenario = negsim.load(MONITORING)
    space = DealSpace.of(scenario)
    outcome, log = negsim.run(scenario, seed=3)
    picture = utility_space(space, ["israel", "hamas"], log.entries)
    explained = negsim.explain(scenario)
    assert picture.zopa.shape == (2, explained.zopa.size) and picture.shown_of == explained.zopa.total
    assert picture.everything.shape[1] == explained.zopa.total  # 11,880 packages: all drawn, no sample
    zopa = {tuple(point) for point in picture.zopa.T}
    for x, y in picture.frontier.T:  # on the frontier: in the ZOPA, and no ZOPA package better for both
        assert (x, y) in zopa
        assert not any(u >= x and v >= y and (u > x or v > y) for u, v in zopa)
    assert set(picture.points) >= {"Nash", "us-bridging-2024-08", "may-framework-2024-05"}
    texts = [e for e in log.entries if e["kind"] in ("draft", "offer", "counter", "agreement")]
    assert len(picture.path) == len(texts) >= 2 and picture.path[-1].kind == "agreement"
    assert outcome.package is not None
    agreed = negsim.explain(scenario, outcome.package).judgement
    assert agreed is not None and picture.path[-1].utilities == agreed.utilities


def test_a_text_with_open_issues_is_worth_its_worst_admissible_completion() -> None:
    scenario = negsim.load(GAZA)
    space = DealSpace.of(scenario)
    entries = [{"time": 0.0, "kind": "draft", "party": "united-states",
                "package": {"philadelphi": "reduced", "withdrawal": "partial", "screening": None,
                            "ceasefire": "phased", "hostages": 33}}]
    [text] = tabled(space, entries)
    judged = negsim.explain(scenario, "us-bridging-2024-08").judgement
    assert judged is not None and text.utilities == judged.utilities


def test_plot_writes_svg_and_png(tmp_path: Path, negsim_cli: Negsim) -> None:
    svg, png = tmp_path / "space.svg", tmp_path / "dance.png"
    drawn = negsim_cli("plot", str(MONITORING), "space", "--parties", "israel,hamas", "--seed", "3", "-o", str(svg))
    assert drawn.code == 0, drawn.err
    text = svg.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg') and "zone of possible agreement" in text
    assert "texts and offers of the run" in text
    assert negsim_cli("plot", str(GAZA), "dance", "--seed", "7", "-o", str(png)).code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shown = negsim_cli("plot", str(GAZA), "space", "-o", "-")
    assert shown.code == 0 and "<svg" in shown.out and "texts and offers" not in shown.out  # no run asked for


def test_plot_refuses_what_it_cannot_draw(tmp_path: Path, negsim_cli: Negsim) -> None:
    wrong = negsim_cli("plot", str(GAZA), "space", "-o", str(tmp_path / "space.pdf"))
    assert wrong.code == 2 and "a picture is written as .svg or .png" in wrong.err
    unknown = negsim_cli("plot", str(GAZA), "space", "--parties", "israel,egypt", "-o", str(tmp_path / "s.svg"))
    assert unknown.code == 2 and "egypt has no preferences" in unknown.err
    (tmp_path / "kept.svg").write_text("mine")
    kept = negsim_cli("plot", str(GAZA), "dance", "-o", str(tmp_path / "kept.svg"))
    assert kept.code == 2 and "already exists; pass --force" in kept.err
    assert (tmp_path / "kept.svg").read_text() == "mine"
