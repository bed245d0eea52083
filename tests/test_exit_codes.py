"""Exit codes that tell the truth: 2 for usage, file-system and environment problems, 1 for findings, 3 only for bugs.

Most cases run ``python -m sim`` as a real subprocess, so that what a user sees (exit code,
stderr without a traceback) is what the test sees. Faults are real: a FIFO, a device, a
folder, a small tmpfs that is full or mounted read-only, a user without permission.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "tests" / "valid" / "base.yaml"
SECONDS = 30  # a generous ceiling for one command; each finishes in well under 5 s


@dataclass(frozen=True)
class Ran:
    """What one ``negsim`` process returned and printed."""

    code: int
    out: str
    err: str


def negsim_process(*argv: object, cwd: Path | None = None, as_nobody: bool = False, memory_mb: int = 0) -> Ran:
    """Run ``python -m sim ARGV...`` in a subprocess, optionally as user nobody or under a memory limit.

    Dropping to nobody (or limiting memory) happens inside the child after negsim is imported,
    because the interpreter itself lives where nobody may not read.
    """
    args = [str(a) for a in argv]
    script = textwrap.dedent(f"""
        import os, pwd, resource, sys
        from sim.cli import main
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
def negsim_main(negsim: Callable[..., Any]) -> Callable[..., Any]:
    """``negsim`` run in this process (the shared fixture), for the many quick cases."""
    return negsim


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
def test_a_seed_outside_its_range_is_a_usage_error(argv: list[object], tmp_path: Path) -> None:
    out = tmp_path / "results"
    ran = negsim_process(*[str(a).format(out=out) for a in argv])
    assert ran.code == 2, ran.err
    assert "a seed runs from 0 to 9223372036854775807" in ran.err
    assert not out.exists()


# ---------------------------------------------------------------- input files


@pytest.mark.parametrize("command", ["check", "evaluate", "run"])
@pytest.mark.parametrize(("kind", "reason"), [
    ("stdin", "scenarios are not read from standard input"),
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
    assert f"cannot read '{path}': {reason}" in ran.err


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


# ---------------------------------------------------------------- sweeps and comparisons whose runs fail


def _too_big(tmp_path: Path) -> Path:
    """A valid scenario of 10^12 packages: `run` refuses to enumerate it, so every replication fails."""
    path = tmp_path / "too-big.yaml"
    path.write_text(textwrap.dedent("""\
        negsim: 1
        id: too-big
        title: An outcome space of a trillion packages
        start: 2024-01-01
        issues:
          - {id: a, name: A, type: integer, min: 0, max: 9999}
          - {id: b, name: B, type: integer, min: 0, max: 9999}
          - {id: c, name: C, type: integer, min: 0, max: 9999}
        parties:
          - {id: p, name: P, role: principal}
          - {id: q, name: Q, role: principal}
        """), encoding="utf-8")
    return path


def test_a_sweep_whose_every_replication_fails_exits_1_with_the_first_error(tmp_path: Path) -> None:
    ran = negsim_process("sweep", _too_big(tmp_path), "-n", "5", "--backend", "serial", "-o", tmp_path / "results")
    assert ran.code == 1, ran.err
    assert "all 5 replications of too-big failed; the first error: UsageError: the outcome space has" in ran.err
    assert (tmp_path / "results" / "replications.csv").is_file()


def test_a_comparison_whose_variant_always_fails_exits_1_instead_of_dividing_by_zero(tmp_path: Path) -> None:
    ran = negsim_process("compare", BASE, _too_big(tmp_path), "-n", "5", "--backend", "serial",
                         "-o", tmp_path / "cmp")
    assert ran.code == 1, ran.err
    assert "ZeroDivisionError" not in ran.err
    assert "all 5 replications of too-big failed" in ran.err
    assert "n/a (no run without error)" in ran.out


# ---------------------------------------------------------------- Dask scheduler addresses


@pytest.mark.parametrize(("address", "problem"), [
    ("tcp://localhost", "no port"),
    ("tcp://:8786", "no host"),
    ("tcp://localhost:eighty", "the port 'eighty' is not a number"),
    ("http://localhost:8786", "unknown protocol 'http://'"),
    ("tcp://localhost:99999", "port 99999 is not between 1 and 65535"),
])
def test_a_malformed_scheduler_address_is_a_usage_error(address: str, problem: str, tmp_path: Path) -> None:
    ran = negsim_process("sweep", BASE, "-n", "2", "--backend", "dask", "--scheduler", address, "-o", tmp_path / "r")
    assert ran.code == 2, ran.err
    assert problem in ran.err


def test_an_unreachable_scheduler_fails_at_once_with_the_reason(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ran = negsim_process("sweep", BASE, "-n", "2", "--backend", "dask", "--scheduler", f"tcp://127.0.0.1:{port}",
                 "-o", tmp_path / "r")
    assert ran.code == 2, ran.err
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: Connection refused" in ran.err
