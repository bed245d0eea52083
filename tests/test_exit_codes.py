"""Exit codes that tell the truth: 2 for usage, file-system and environment problems, 1 for findings, 3 only for bugs.

Most cases run ``python -m negsim`` as a real subprocess, so that what a user sees (exit code,
stderr without a traceback) is what the test sees. Faults are real: a FIFO, a device, a
folder, a small tmpfs that is full or mounted read-only, a user without permission.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic_core import PydanticKnownError
from pydantic_core.core_schema import ErrorType
from rich.console import Console
from test_sweep import HUGE

from negsim.cli.sweep import summary_table
from negsim.scenario.model import Scenario
from negsim.scenario.validate import message_for
from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "tests" / "valid" / "base.yaml"
def console_text(renderable: object) -> str:
    """What a wide terminal shows of a rich table."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


SECONDS = 30  # a generous ceiling for one command; each finishes in well under 5 s


@dataclass(frozen=True)
class Ran:
    """What one ``negsim`` process returned and printed."""

    code: int
    out: str
    err: str


def negsim_process(*argv: object, cwd: Path | None = None, as_nobody: bool = False, memory_mb: int = 0) -> Ran:
    """Run ``python -m negsim ARGV...`` in a subprocess, optionally as user nobody or under a memory limit.

    Dropping to nobody (or limiting memory) happens inside the child after negsim is imported,
    because the interpreter itself lives where nobody may not read: every command's module (the
    command line loads each only when it runs) and what argparse loads on first use, too.
    """
    args = [str(a) for a in argv]
    script = textwrap.dedent(f"""
        import os, pwd, resource, sys
        from negsim.cli.main import load_every_command, main
        load_every_command()
        if {as_nobody!r}:
            nobody = pwd.getpwnam("nobody")
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
        if {memory_mb!r}:
            pages = int(open("/proc/self/statm").read().split()[0])  # the address space in use now
            limit = {memory_mb!r} * 2**20 + pages * os.sysconf("SC_PAGE_SIZE")
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        sys.exit(main({args!r}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=SECONDS,
                          cwd=cwd, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return Ran(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def negsim_main(negsim_cli: Callable[..., Any]) -> Callable[..., Any]:
    """``negsim`` run in this process (the shared fixture), for the many quick cases."""
    return negsim_cli


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs mounted in the test's folder (needs root; skipped where mounting is not allowed)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                      capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> None:
    """Write to the disk until it is full."""
    handle = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(handle, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(handle)


# ---------------------------------------------------------------- seeds


@pytest.mark.parametrize("argv", [
    ["run", BASE, "--seed", "-5"],
    ["run", BASE, "--seed", str(2**63)],
    ["sweep", BASE, "-n", "3", "--seed", "-1", "-o", "{out}"],
    ["compare", BASE, BASE, "-n", "3", "--seed", "-1", "-o", "{out}"],
], ids=["run-negative", "run-too-large", "sweep-negative", "compare-negative"])
def test_a_seed_outside_its_range_is_a_usage_error(argv: list[object], tmp_path: Path,
                                                   negsim_cli: Callable[..., CliRun]) -> None:
    out = tmp_path / "results"
    ran = negsim_cli(*[str(a).format(out=out) for a in argv])
    assert ran.code == 2, ran.err
    assert "a seed runs from 0 to 9223372036854775807" in ran.err
    assert not out.exists()


# ---------------------------------------------------------------- input files


@pytest.mark.parametrize("command", ["check", "evaluate", "run"])
@pytest.mark.parametrize(("kind", "reason"), [
    ("stdin", "scenario files are not read from standard input"),
    ("fifo", "it is a named pipe (FIFO), not a regular file"),
    ("device", "it is a character device, not a regular file"),
    ("folder", "it is a folder, not a scenario file"),
])
def test_an_input_that_is_not_a_regular_file_is_named_for_what_it_is(
        command: str, kind: str, reason: str, tmp_path: Path, negsim_main: Callable[..., Any]) -> None:
    path = {"stdin": Path("-"), "fifo": tmp_path / "pipe.yaml", "device": Path("/dev/zero"), "folder": tmp_path}[kind]
    if kind == "fifo":
        os.mkfifo(path)  # never opened: opening a FIFO with no writer would block
    extra = ["--proposal", "p"] if command == "evaluate" else []
    ran = negsim_main(command, str(path), *extra)
    assert ran.code == 2, ran.err
    if command == "check" and kind == "folder":  # check takes a folder for the scenario files in it
        reason = "is a folder with no scenario files in it (*.yaml, *.yml)"
        assert f"'{path}' {reason}" in ran.err
        return
    assert f"cannot read '{path}': {reason}" in ran.err


@pytest.mark.parametrize(("kind", "reason"), [
    ("fifo", "it is a named pipe (FIFO), not a regular file"),
    ("device", "it is a character device, not a regular file"),
    ("stdin", "Genius files are not read from standard input"),
])
def test_a_genius_input_that_is_not_a_regular_file_is_named_for_what_it_is(
        kind: str, reason: str, tmp_path: Path, negsim_main: Callable[..., Any]) -> None:
    genius = ROOT / "tests" / "genius"
    domain = {"fifo": tmp_path / "pipe.xml", "device": Path("/dev/zero"), "stdin": Path("-")}[kind]
    if kind == "fifo":
        os.mkfifo(domain)  # never opened: opening a FIFO with no writer would block
    ran = negsim_main("import-genius", str(domain), str(genius / "job_candidate.xml"),
                      str(genius / "job_employer.xml"), "-o", str(tmp_path / "job.yaml"))
    assert ran.code == 2, ran.err
    assert f"cannot read '{domain}': {reason}" in ran.err


def test_a_genius_file_declaring_an_unknown_encoding_is_an_error_at_its_declaration(
        tmp_path: Path, negsim_main: Callable[..., Any]) -> None:
    genius = ROOT / "tests" / "genius"
    domain = tmp_path / "job_domain.xml"
    text = (genius / "job_domain.xml").read_text(encoding="utf-8")
    domain.write_text('<?xml version="1.0" encoding="Uo"?>\n' + text.split("?>", 1)[-1] if text.startswith("<?xml")
                      else '<?xml version="1.0" encoding="Uo"?>\n' + text, encoding="utf-8")
    ran = negsim_main("import-genius", str(domain), str(genius / "job_candidate.xml"),
                      str(genius / "job_employer.xml"), "-o", str(tmp_path / "job.yaml"))
    assert ran.code == 1, ran.err
    assert f"{domain}:1:1: error: the XML declaration names an encoding that cannot be read" in ran.out + ran.err


def test_an_unreadable_scenario_says_permission_denied(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    locked = tmp_path / "locked.yaml"
    shutil.copy(BASE, locked)
    locked.chmod(0o600)
    ran = negsim_process("check", locked, as_nobody=True)
    assert ran.code == 2, ran.err
    assert f"cannot read '{locked}': Permission denied" in ran.err
    assert "negsim check" not in ran.err


# ---------------------------------------------------------------- the file system and the machine


def test_a_full_disk_exits_2_with_the_reason(tmpfs: Path) -> None:
    _fill(tmpfs)
    ran = negsim_process("sweep", BASE, "-n", "50", "--backend", "serial", "-o", tmpfs / "results")
    assert ran.code == 2, ran.err
    assert "No space left on device" in ran.err


def test_a_read_only_folder_exits_2_with_the_reason(tmpfs: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    for argv in (["sweep", BASE, "-n", "3", "--backend", "serial", "-o", tmpfs / "results"],
                 ["run", BASE, "--log", tmpfs / "log.jsonl"]):
        ran = negsim_process(*argv)
        assert ran.code == 2, ran.err
        assert "Read-only file system" in ran.err


def test_permission_denied_on_the_output_exits_2_with_the_reason(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    shutil.copy(BASE, tmp_path / "base.yaml")
    (tmp_path / "base.yaml").chmod(0o644)
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    for argv in (["sweep", tmp_path / "base.yaml", "-n", "3", "--backend", "serial", "-o", closed / "results"],
                 ["run", tmp_path / "base.yaml", "--log", closed / "log.jsonl"]):
        ran = negsim_process(*argv, as_nobody=True)
        assert ran.code == 2, ran.err
        assert "Permission denied" in ran.err


def test_a_path_that_is_too_long_exits_2_with_the_reason(tmp_path: Path) -> None:
    ran = negsim_process("sweep", BASE, "-n", "3", "--backend", "serial", "-o", tmp_path / ("r" * 300))
    assert ran.code == 2, ran.err
    assert "File name too long" in ran.err


def test_running_out_of_memory_exits_2_and_says_so(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    items = "".join(f"  - id: party-{i}\n    role: principal\n" for i in range(5_000))
    big.write_text(f"negsim: 1\nid: big\ntitle: Big\nstart: 2024-01-01\nparties:\n{items}")
    ran = negsim_process("check", big, memory_mb=12)
    assert ran.code == 2, ran.err
    assert "not enough memory" in ran.err


@pytest.mark.skipif(not hasattr(importlib.import_module("negsim.experiments.backends"), "die_with_parent"),
                    reason="needs the process pool whose workers stop cleanly (a killed worker hangs the old pool)")
def test_a_worker_killed_mid_sweep_exits_2_and_says_a_worker_died(tmp_path: Path) -> None:
    gaza = ROOT / "scenarios" / "gaza-2024-08.yaml"
    sweep = subprocess.Popen([sys.executable, "-m", "negsim", "sweep", str(gaza), "-n", "100000", "--jobs", "2",
                              "--quiet", "-o", str(tmp_path / "results")], stderr=subprocess.PIPE, text=True)
    children = Path(f"/proc/{sweep.pid}/task/{sweep.pid}/children")
    workers: list[str] = []
    for _ in range(200):  # the pool starts its workers within a few seconds
        workers = children.read_text().split() if children.exists() else []
        if len(workers) == 2:
            break
        time.sleep(0.05)
    assert len(workers) == 2, "the sweep did not start its two workers"
    os.kill(int(workers[0]), signal.SIGKILL)  # what the kernel's out-of-memory killer does
    try:
        _, err = sweep.communicate(timeout=SECONDS)
    finally:
        sweep.kill()
    assert sweep.returncode == 2, err
    assert "a worker process died" in err and "Traceback" not in err


# ---------------------------------------------------------------- sweeps and comparisons whose runs fail


def _too_big(tmp_path: Path) -> Path:
    """A valid scenario of 10^12 packages: `run` refuses to enumerate it, so every replication fails."""
    path = tmp_path / "too-big.yaml"
    path.write_text(HUGE.replace("id: too-big-to-enumerate", "id: too-big"), encoding="utf-8")
    return path


def test_a_sweep_whose_every_replication_fails_exits_1_with_the_first_error(
        tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    ran = negsim_cli("sweep", str(_too_big(tmp_path)), "-n", "5", "--backend", "serial",
                     "-o", str(tmp_path / "results"))
    assert ran.code == 1, ran.err
    assert ("all 5 replications of too-big failed; the most common error (5 of 5): UsageError: the outcome space has"
            in ran.err)
    assert (tmp_path / "results" / "replications.csv").is_file()
    summary = json.loads((tmp_path / "results" / "summary.json").read_text(encoding="utf-8"))
    assert list(summary["errors_by_kind"]) == ["UsageError"] and summary["errors_by_kind"]["UsageError"]["count"] == 5
    assert summary["stopped_early"] is None


def test_a_sweep_whose_some_replications_fail_warns_with_the_count_and_exits_0(
        tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    """Some runs fail, deterministically: the clock is read after 1,024 simulated events, past any tiny limit.

    The talks cannot agree (the employers' cap is below every raise the union takes), and a
    random event at 0.28 a day over ten years gives about 1,020 of them a run; a deadline that
    ends the talks on day 45 comes with probability 0.5. By its seed a replication either ends
    at the deadline, long before the first reading of the clock, or fails at it.
    """
    text = BASE.read_text(encoding="utf-8").replace("horizon_days: 60", "horizon_days: 3650", 1)
    cap = 'require: {issue: wage-rise, op: "<=", value: 20}'
    text = text.replace(cap, cap.replace("20", "8"), 1)
    deadline = "    date: 2024-11-15\n"
    text = text.replace(deadline, deadline + "    probability: 0.5\n    ends_talks: true\n", 1)
    text = text.replace("events:\n", "events:\n  - id: rumour\n    kind: other\n    rate_per_day: 0.28\n", 1)
    busy = tmp_path / "busy.yaml"
    busy.write_text(text, encoding="utf-8")
    ran = negsim_cli("sweep", str(busy), "-n", "20", "--backend", "serial", "--time-limit", "1e-9",
                 "-o", str(tmp_path / "results"))
    assert ran.code == 0, ran.err
    found = re.search(r"warning: (\d+) of 20 replications of port-strike-2024 failed; "
                      r"the most common error \((\d+) of \1\): RunTooLong: the run went on longer", ran.err)
    assert found and 0 < int(found.group(1)) < 20 and found.group(2) == found.group(1), ran.err


def _sweep_too_big(tmp_path: Path, negsim_cli: Callable[..., CliRun], *options: str) -> tuple[CliRun, Path]:
    """A sweep every replication of which fails, into ``tmp_path / 'results'``: what it said, and the folder."""
    out = tmp_path / "results"
    return negsim_cli("sweep", str(_too_big(tmp_path)), *options, "-o", str(out)), out


def test_a_sweep_stops_at_max_errors_and_keeps_the_replications_that_ran(
        tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    ran, out = _sweep_too_big(tmp_path, negsim_cli, "-n", "50", "--chunk-size", "5", "--max-errors", "3",
                              "--backend", "serial")
    assert ran.code == 1, ran.err
    assert ("the sweep of too-big stopped after 5 of 50 replications: 5 replications failed, and --max-errors is 3; "
            "the most common error (5 of 5): UsageError: the outcome space has") in ran.err
    shown = console_text(summary_table([json.loads((out / "summary.json").read_text(encoding="utf-8"))]))
    assert "│ too-big  │ 5 of 50 asked, stopped early (5 errors) │ 1 " in shown, shown
    rows = (out / "replications.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == [str(i) for i in range(5)]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (manifest["replications"], manifest["replications_asked"], manifest["max_errors"]) == (5, 50, 3)
    assert manifest["stopped_early"] == summary["stopped_early"] == "5 replications failed, and --max-errors is 3"
    report = negsim_cli("report", str(out), "-o", str(tmp_path / "report.html"))  # a finished folder, readable
    assert report.code == 0, report.err
    assert "stopped early</td><td>5 replications failed, and --max-errors is 3</td>" in " ".join(
        (tmp_path / "report.html").read_text(encoding="utf-8").split())


def test_a_pooled_sweep_stopped_at_max_errors_keeps_the_first_chunks_in_order(
        tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    ran, out = _sweep_too_big(tmp_path, negsim_cli, "-n", "400", "--chunk-size", "10", "--max-errors", "1",
                              "--jobs", "2")
    assert ran.code == 1, ran.err
    rows = (out / "replications.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == [str(i) for i in range(10)]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["replications_asked"] == 400


def test_max_errors_reached_only_by_the_last_replication_is_no_early_stop(
        tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    ran, out = _sweep_too_big(tmp_path, negsim_cli, "-n", "5", "--max-errors", "5", "--backend", "serial")
    assert ran.code == 1 and "all 5 replications of too-big failed" in ran.err, ran.err
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["stopped_early"] is None


@pytest.mark.parametrize("value", ["0", "-2"])
def test_max_errors_below_one_is_a_usage_error(value: str, tmp_path: Path, negsim_cli: Callable[..., CliRun]) -> None:
    ran = negsim_cli("sweep", str(BASE), "-n", "5", "--max-errors", value, "-o", str(tmp_path / "results"))
    assert ran.code == 2 and f"--max-errors must be at least 1, got {value}" in ran.err, ran.err
    assert not (tmp_path / "results").exists()


def test_a_comparison_whose_variant_always_fails_exits_1_instead_of_dividing_by_zero(tmp_path: Path) -> None:
    ran = negsim_process("compare", BASE, _too_big(tmp_path), "-n", "5", "--backend", "serial",
                         "-o", tmp_path / "cmp")
    assert ran.code == 1, ran.err
    assert "ZeroDivisionError" not in ran.err
    assert "all 5 replications of too-big failed" in ran.err
    assert "n/a (no run without error)" in ran.out
    report = negsim_process("report", tmp_path / "cmp", "-o", tmp_path / "report.html")
    assert report.code == 0, report.err


# ---------------------------------------------------------------- Dask scheduler addresses


@pytest.mark.parametrize(("address", "problem"), [
    ("tcp://localhost", "no port"),
    ("tcp://:8786", "no host"),
    ("tcp://localhost:eighty", "the port 'eighty' is not a number"),
    ("http://localhost:8786", "the protocol 'http://' is not supported"),
    ("tls://localhost:8786", "the protocol 'tls://' is not supported"),
    ("tcp://localhost:99999", "port 99999 is not between 1 and 65535"),
])
def test_a_malformed_scheduler_address_is_a_usage_error(address: str, problem: str, tmp_path: Path,
                                                        negsim_cli: Callable[..., CliRun]) -> None:
    ran = negsim_cli("sweep", str(BASE), "-n", "2", "--backend", "dask", "--scheduler", address,
                     "-o", str(tmp_path / "r"))
    assert ran.code == 2, ran.err
    assert problem in ran.err
    assert not (tmp_path / "r").exists()


def test_an_unreachable_scheduler_fails_at_once_with_the_reason(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ran = negsim_process("sweep", BASE, "-n", "2", "--backend", "dask", "--scheduler", f"tcp://127.0.0.1:{port}",
                 "-o", tmp_path / "r")
    assert ran.code == 2, ran.err
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: Connection refused" in ran.err


# ---------------------------------------------------------------- corrupt results folders given to `negsim report`


def _rewrite(name: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        path = folder / name
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return corrupt


def _json_edit(name: str, **values: object) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        path = folder / name
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, value in values.items():
            if value is None:
                del data[key]
            else:
                data[key] = value
        path.write_text(json.dumps(data), encoding="utf-8")
    return corrupt


def _replace_by(name: str, make: Callable[[Path], None]) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        (folder / name).unlink()
        make(folder / name)
    return corrupt


def _lines_edit(change: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    return _rewrite("replications.csv", lambda text: "".join(change(text.splitlines(keepends=True))))


def _append_bytes(path: Path, junk: bytes) -> None:
    with path.open("ab") as handle:
        handle.write(junk)


def _cell(line: int, column: str, value: str) -> Callable[[Path], None]:
    def change(lines: list[str]) -> list[str]:
        header = lines[0].rstrip("\n").split(",")
        cells = lines[line - 1].rstrip("\n").split(",")
        cells[header.index(column)] = value
        return [*lines[: line - 1], ",".join(cells) + "\n", *lines[line:]]
    return _lines_edit(change)


CORRUPTIONS: dict[str, tuple[Callable[[Path], None], str]] = {
    "no-manifest": (lambda f: (f / "manifest.json").unlink(), "not a results folder: it has no manifest.json"),
    "no-summary": (lambda f: (f / "summary.json").unlink(), "not a results folder: it has no summary.json"),
    "no-replications": (lambda f: (f / "replications.csv").unlink(),
                        "not a results folder: it has no replications.csv"),
    "empty-manifest": (_rewrite("manifest.json", lambda _: ""), "manifest.json: it is empty"),
    "garbled-manifest": (_rewrite("manifest.json", lambda _: '{"scenario": "x",\n  "seed": 0,\n  oops}'),
                         "manifest.json:3: column 3: not valid JSON"),
    "binary-manifest": (_replace_by("manifest.json", lambda p: _append_bytes(p, b"\x89PNG\r\n\x1a\n\xff\x00")),
                        "manifest.json:1: it is not UTF-8 text"),
    "manifest-a-list": (_rewrite("manifest.json", lambda _: "[1, 2]"), "expected a JSON object, found list"),
    "manifest-without-replications": (_json_edit("manifest.json", replications=None), "it has no 'replications'"),
    "manifest-text-replications": (_json_edit("manifest.json", replications="six"),
                                   "'replications' should be a whole number from 0, found \"six\""),
    "manifest-of-another-kind": (_json_edit("manifest.json", kind="negsim-compare"),
                                 "the manifest of another kind of folder (\"negsim-compare\")"),
    "garbled-summary": (_rewrite("summary.json", lambda t: t.replace(":", "=", 1)), "summary.json:2: column"),
    "summary-disagrees": (_json_edit("summary.json", replications=7),
                          "summary.json: 'replications' is 7 but manifest.json says 6"),
    "summary-miscounts-errors": (_json_edit("summary.json", errors=2),
                                 "0 rows hold an error but summary.json counts 2"),
    "empty-replications": (_rewrite("replications.csv", lambda _: ""), "replications.csv: it is empty: no header"),
    "rows-cut-short": (_lines_edit(lambda lines: lines[:-2]),
                       "it has 4 rows but manifest.json says 6 replications ran (is it cut short?)"),
    "row-cut-in-the-middle": (_rewrite("replications.csv", lambda t: t[: t.index("\n", t.index("\n") + 1) - 30]),
                              "replications.csv:2: the row has"),
    "wrong-header": (_lines_edit(lambda lines: [lines[0].replace("agreed", "deal", 1), *lines[1:]]),
                     "replications.csv:1: the header should start with replication,root_seed,agreed"),
    "no-error-column": (_lines_edit(lambda lines: [lines[0].replace(",error", ""), *lines[1:]]),
                        "replications.csv:1: the header's last column should be 'error'"),
    "extra-cell": (_lines_edit(lambda lines: [*lines[:3], lines[3].rstrip("\n") + ",extra\n", *lines[4:]]),
                   "replications.csv:4: the row has 22 cells, the header 21"),
    "missing-cell": (_lines_edit(lambda lines: [*lines[:2], lines[2].split(",", 1)[1], *lines[3:]]),
                     "replications.csv:3: the row has 20 cells, the header 21"),
    "day-not-a-number": (_cell(3, "day", "soon"), "replications.csv:3: day is not a number: \"soon\""),
    "date-not-a-date": (_cell(4, "date", "2024-13-45"), "replications.csv:4: date is not a date (YYYY-MM-DD)"),
    "agreed-not-a-boolean": (_cell(2, "agreed", "yes"), "replications.csv:2: agreed should be true or false"),
    "rows-out-of-order": (_cell(5, "replication", "0"), "replications.csv:5: replication should be 3"),
    "binary-junk-in-rows": (lambda f: _append_bytes(f / "replications.csv", b"\xff\xfe\x00\x01junk\n"),
                            "replications.csv:8: not UTF-8 text"),
    "nul-in-a-number": (_cell(3, "day", "4\0"), "replications.csv:3: day is not a number"),
    "folder-instead-of-file": (_replace_by("replications.csv", lambda p: p.mkdir()),
                               "replications.csv: it is a folder, not a file"),
    "fifo-instead-of-file": (_replace_by("summary.json", lambda p: os.mkfifo(p)),
                             "summary.json: it is not a regular file"),
}


@pytest.fixture(scope="module")
def results_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real results folder of six replications, made once; each test corrupts a copy."""
    from negsim.cli.main import main

    folder = tmp_path_factory.mktemp("sweep") / "results"
    assert main(["sweep", str(BASE), "-n", "6", "--backend", "serial", "--quiet", "-o", str(folder)]) == 0
    return folder


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_report_names_what_is_wrong_with_a_corrupt_results_folder(
        corruption: str, results_folder: Path, tmp_path: Path, negsim_main: Callable[..., Any]) -> None:
    corrupt, problem = CORRUPTIONS[corruption]
    folder = tmp_path / "results"
    shutil.copytree(results_folder, folder)
    corrupt(folder)
    ran = negsim_main("report", str(folder), "-o", str(tmp_path / "report.html"))
    assert ran.code == 2, ran.err
    assert problem in ran.err
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize(("compare_json", "problem"), [
    ('{"folders": ["../results"]}', "'folders' names \"../results\", which is not a folder inside"),
    ('{"folders": "results"}', "'folders' must be a list of folder names"),
    ('{"kind": "negsim-sweep"}', "compare.json: it is not a comparison's"),
    ("{nope", "compare.json:1: column 2: not valid JSON"),
])
def test_report_refuses_a_corrupt_comparison_folder(compare_json: str, problem: str, results_folder: Path,
                                                     tmp_path: Path, negsim_main: Callable[..., Any]) -> None:
    shutil.copytree(results_folder, tmp_path / "results")
    (tmp_path / "cmp").mkdir()
    (tmp_path / "cmp" / "compare.json").write_text(compare_json, encoding="utf-8")
    ran = negsim_main("report", str(tmp_path / "cmp"), "-o", str(tmp_path / "report.html"))
    assert ran.code == 2, ran.err
    assert problem in ran.err


def test_report_still_reads_a_sound_results_folder(results_folder: Path, tmp_path: Path,
                                                   negsim_main: Callable[..., Any]) -> None:
    ran = negsim_main("report", str(results_folder), "-o", str(tmp_path / "report.html"))
    assert ran.code == 0, ran.err


# ---------------------------------------------------------------- negsim's own words, not pydantic's

PYDANTIC_WORDING = re.compile(r"input should|should be|should have|value error|assertion failed|unable to|\[type=|"
                              r"pydantic", re.IGNORECASE)
CONTEXT = {"error": "bad", "expected": "'a' or 'b'", "max_length": 3, "min_length": 1, "pattern": "^x$", "le": 1,
           "ge": 0, "lt": 1, "gt": 0, "multiple_of": 2, "tag": "t", "discriminator": "'type'",
           "expected_tags": "'a', 'b'", "class_name": "C", "class": "C", "field_type": "F", "attribute": "a",
           "method_name": "m", "encoding": "utf-8", "encoding_error": "e", "tz_expected": 0, "tz_actual": 1,
           "expected_version": 4,
           "expected_schemes": "'http'", "max_digits": 3, "decimal_places": 2, "whole_digits": 1,
           "function_name": "f", "actual_length": 4, "reason": "r", "expected_length": 1}


def test_no_pydantic_error_reaches_the_user_in_pydantic_words() -> None:
    leaks = []
    for kind in typing.get_args(ErrorType):  # every error type pydantic has, whether or not the schema uses it
        error: Any = {"type": kind, "loc": ("parties", 0, "name"), "input": 5, "ctx": CONTEXT,
                      "msg": PydanticKnownError(kind, CONTEXT).message()}
        message = message_for(error, ("parties", 0, "name"), Scenario)
        if PYDANTIC_WORDING.search(message):
            leaks.append(f"{kind}: {message}")
    assert leaks == []


def test_a_number_that_is_not_finite_is_named_in_plain_words(tmp_path: Path,
                                                              negsim_main: Callable[..., Any]) -> None:
    lines = BASE.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if "confidence:" in line)
    lines[number] = re.sub(r"confidence: .*", "confidence: .nan", lines[number])
    path = tmp_path / "nan.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ran = negsim_main("check", str(path))
    assert ran.code == 1
    col = lines[number].index(".nan") + 1
    assert f"{path}:{number + 1}:{col}: error: 'confidence' must be a finite number, got" in ran.out
