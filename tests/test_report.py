"""`negsim report`: the self-contained HTML page, checked as text and rendered in headless Chromium."""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import negsim
from negsim.cli.report import add_report_command, run_report
from negsim.errors import UsageError
from negsim.experiments.sweep import SweepSettings, sweep
from negsim.report.html import write_report

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [ROOT / "scenarios" / name for name in ("gaza-2024-08.yaml", "gaza-2024-08-israel-accepts-monitoring.yaml")]
N = 60
ISSUES = 5  # philadelphi, withdrawal, screening, ceasefire, hostages
SECTIONS = ("agreement", "blocking", "terms", "comparison", "sample", "errors", "provenance")


def _sweeps(root: Path) -> Path:
    """A comparison folder: one sweep per Gaza scenario and a compare.json written by hand."""
    compare = root / "compare"
    compare.mkdir()
    ids = []
    for path in SCENARIOS:
        scenario = negsim.load(path)
        ids.append(scenario.id)
        sweep(scenario, path, SweepSettings(n=N, jobs=1, backend="serial"), compare / scenario.id, argv=["test"])
    data = {"scenarios": ids, "folders": ids,
            "difference": {"a": ids[0], "b": ids[1], "rate_a": 0.15, "rate_b": 0.4, "difference": 0.25,
                           "ci95": [0.1, 0.4], "p_value": 0.001},
            "date_shift_days": 0.5, "blocking": {"hamas/complete-withdrawal": [40, 30]},
            "assumptions": [{"assumption": "hamas attends cairo-summit", "effect": -0.03, "rate_with": 0.2,
                             "rate_without": 0.23, "runs_with": 50},
                            {"assumption": "israel/troops-in-philadelphi is monitoring-suffices", "effect": 0.5,
                             "rate_with": 0.7, "rate_without": 0.2, "runs_with": 12}]}
    (compare / "compare.json").write_text(json.dumps(data), encoding="utf-8")
    return compare


def _handmade(root: Path) -> Path:
    """A results folder written by hand: no scenario copy, one error row, an issue no scenario has."""
    folder = root / "handmade"
    folder.mkdir()
    columns = ["replication", "root_seed", "agreed", "reason", "date", "day", "rounds", "drafts", "term:philadelphi",
               "term:ghost-issue", "blocking", "blocking_parties", "replay", "error"]
    rows = [[0, 7, "true", "agreement", "2024-08-20", 4.5, 3, 3, "monitored", "x", "", "", "", ""],
            [1, 7, "false", "no-zopa", "", "", 9, 9, "", "", "egypt/no-troops-in-philadelphi", "egypt", "", ""],
            [2, 7, "", "error", "", "", "", "", "", "", "", "", "", "ValueError: <script>alert(1)</script> & worse"]]
    with (folder / "replications.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([columns, *rows])
    summary = {"scenario": "handmade", "title": "Hand-made <folder>", "replications": 3, "errors": 1,
               "agreements": 1, "agreement_rate": 0.5, "agreement_rate_95": [0.09, 0.91],
               "date_quantiles": {"50%": "2024-08-20"}, "agreed_by_date": {"2024-08-20": 0.5},
               "blocking": {"egypt/no-troops-in-philadelphi": 1},
               "terms": {"philadelphi": {"monitored": 1}, "ghost-issue": {"x": 1}}}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    manifest = {"scenario": "handmade", "seed": 7, "replications": 3}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("report")
    output = root / "report.html"
    write_report([_sweeps(root), _handmade(root)], output)
    return output, output.read_text(encoding="utf-8")


def test_report_has_every_section_plot_and_table(built: tuple[Path, str]) -> None:
    _, text = built
    assert text.startswith("<!DOCTYPE html>")
    # rate, dates, blocking, one per issue (five Gaza issues and the hand-made folder's own), sample run, and
    # the sample run's utility space and negotiation dance
    assert text.count("<svg") == 3 + ISSUES + 1 + 1 + 2
    assert 'aria-label="utility-space"' in text and 'aria-label="negotiation-dance"' in text
    assert text.count("<table") == 7  # agreement, blocking, difference, assumptions, log, errors, provenance
    for section in SECTIONS:
        assert f'<section id="{section}">' in text
    assert "Gaza cease-fire talks, August 2024 vs" in text.split("</title>")[0]
    assert "Hand-made &lt;folder&gt;" in text
    for ref in ("israel/troops-in-philadelphi", "hamas/complete-withdrawal", "egypt/no-troops-in-philadelphi"):
        assert ref in text
    assert "requires &gt;= reduced" in text  # a red-line band, labelled with its condition
    assert "+25.0" in text and "+10.0 to +40.0" in text and "0.001" in text  # compare.json: difference, CI, p
    assert "Difference of agreement rates, in percentage points" in text
    assert "the folder has no scenario.yaml" in text


def test_report_is_self_contained_and_escaped(built: tuple[Path, str]) -> None:
    _, text = built
    assert "<script" not in text.lower().replace("&lt;script", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; worse" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "@import" not in text and "url(http" not in text
    assert "<?xml" not in text and "<!DOCTYPE svg" not in text
    loads = [m.group(0) for m in re.finditer(r"https?://[^\s\"'<>)]+", text)]
    assert set(loads) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # SVG namespaces only
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "element ids repeat across the inline figures"


def test_report_command_and_errors(built: tuple[Path, str], tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_report_command(parser.add_subparsers(dest="command"))
    sweep_folder = built[0].parent / "compare" / "gaza-2024-08"
    args = parser.parse_args(["report", str(sweep_folder), "-o", str(tmp_path / "one.html")])
    assert args.handler(args) == 0 and args.handler is run_report
    assert (tmp_path / "one.html").read_text(encoding="utf-8").count('<section id="sample">') == 1
    with pytest.raises(UsageError, match="nowhere' does not exist"):
        write_report([tmp_path / "nowhere"], tmp_path / "x.html")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(UsageError, match=r"not a results folder: it has no summary\.json"):
        write_report([tmp_path / "half"], tmp_path / "x.html")
    with pytest.raises(SystemExit):
        parser.parse_args(["report", str(sweep_folder)])  # -o is required


def test_importing_sim_does_not_import_matplotlib() -> None:
    code = "import sys, negsim, negsim.cli.main, negsim.report.html; print('matplotlib' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert found.stdout.strip() == "False"


# -- headless Chromium -------------------------------------------------------------------------------

# Chromium writes its own diagnostics to stderr; none of them concern the page. Ignored (because only
# lines about the page count): D-Bus (no system bus in containers: dbus/bus.cc, object_proxy.cc,
# property.cc, bluez, UPower, ScreenSaver), the GPU process (vaapi, drmGetDevices2, viz), the sandbox
# (--no-sandbox, "InitializeSandbox() called with multiple threads"), and Debian's launcher script
# (/usr/bin/chromium line 9: "[: ...: unexpected operator"). What counts: every page console message
# (Chromium logs console.log/warn/error alike as "INFO:CONSOLE", and the page has no scripts, so any is
# a fault), "Uncaught" exceptions, and ERROR lines that name the page's file:// URL.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--window-size=1400,5000")


def _chromium() -> str:
    found = shutil.which("/usr/bin/chromium") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if "CI" in os.environ:
            pytest.fail("chromium is missing under CI: .ci/run must install Debian's `chromium`")
        pytest.skip("chromium is not installed (it is required when CI is set)")
    return found


def _browse(browser: str, page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [browser, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def page_errors(stderr: str, page: Path) -> list[str]:
    """Lines of Chromium's log that report a problem of the page itself."""
    url = page.resolve().as_uri()
    return [line for line in stderr.splitlines()
            if ":CONSOLE" in line or "Uncaught" in line or ("ERROR:" in line and url in line)]


def test_console_check_catches_page_errors(tmp_path: Path) -> None:
    """The log parsing below would notice a page error (guards against a Chromium log format change)."""
    browser = _chromium()
    page = tmp_path / "canary.html"
    page.write_text('<!DOCTYPE html><title>c</title><p>c</p><script>console.error("negsim-canary")</script>',
                    encoding="utf-8")
    done = _browse(browser, page, tmp_path / "profile", "--dump-dom")
    assert any("negsim-canary" in line for line in page_errors(done.stderr, page)), done.stderr[-3000:]


def test_report_renders_in_chromium(built: tuple[Path, str], tmp_path: Path) -> None:
    browser = _chromium()
    page, _ = built
    shot = tmp_path / "report.png"
    done = _browse(browser, page, tmp_path / "profile-shot", f"--screenshot={shot}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert page_errors(done.stderr, page) == []
    dom = _browse(browser, page, tmp_path / "profile-dom", "--dump-dom")
    assert dom.returncode == 0 and page_errors(dom.stderr, page) == []
    assert dom.stdout.count("<svg") == 3 + ISSUES + 1 + 1 + 2
    assert dom.stdout.count("<table") == 7
    assert all(f'id="{section}"' in dom.stdout for section in SECTIONS)
    _check_png(shot)


def _check_png(shot: Path) -> None:
    import matplotlib.image

    assert shot.is_file() and shot.stat().st_size > 50_000
    pixels = matplotlib.image.imread(str(shot))
    assert pixels.shape[0] >= 4000 and pixels.shape[1] >= 1300
    grey = pixels[..., :3].mean(axis=2)
    assert grey.std() > 0.05, "the screenshot is blank"
    assert (grey < 0.5).mean() > 0.005, "too little ink: plots or tables did not render"
    coloured = (abs(pixels[..., 0] - pixels[..., 2]) > 0.3).mean()
    assert coloured > 0.002, "no coloured marks: the plots did not render"


@pytest.mark.parametrize("width", [1400, 420])
def test_the_utility_space_and_the_dance_render_at_1400_and_420_pixels(width: int, built: tuple[Path, str],
                                                                        tmp_path: Path) -> None:
    """Both pictures are in the page Chromium builds, with no console error, at a desktop's and a phone's width.

    At 420 px the page's plots keep their size and scroll sideways (their text stays legible): the
    screenshot is of the page's first screen, the pictures' legibility is checked by their size.
    """
    browser = _chromium()
    page, _ = built
    shot = tmp_path / f"report-{width}.png"
    done = _browse(browser, page, tmp_path / "profile-shot", f"--screenshot={shot}", f"--window-size={width},3000")
    assert done.returncode == 0 and page_errors(done.stderr, page) == [], done.stderr[-3000:]
    dom = _browse(browser, page, tmp_path / "profile-dom", "--dump-dom", f"--window-size={width},3000")
    assert page_errors(dom.stderr, page) == []
    for name in ("utility-space", "negotiation-dance"):
        svg = dom.stdout.split(f'aria-label="{name}"', 1)
        assert len(svg) == 2, f"the {name} plot is not in the page"
        assert 'class="scroll"' in svg[0].rsplit("<figure>", 1)[-1]  # it scrolls, not shrinks, on a phone
    import matplotlib.image

    pixels = matplotlib.image.imread(str(shot))
    assert pixels.shape[1] == width and pixels[..., :3].mean(axis=2).std() > 0.05
