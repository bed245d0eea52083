"""The README's quick start works as written: its two commands, from a clean clone, in a fresh venv.

The commands are read from the README itself (the ``sh`` block under "Quick start"), so the
test follows whatever the README says. It clones this repository's committed state (HEAD) and
runs them one after the other with the system's ``python3``, as a newcomer would paste them:
the first installs negsim and plays the Gaza talks, the second installs the dev extras and runs
the default test suite. Slow (an install and a whole suite), so behind the ``slow`` marker.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    """The commands of the README's quick-start block, one per line."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "the README's quick start has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_quick_start_has_exactly_two_commands_each_in_its_own_venv() -> None:
    first, second = quick_start_commands()
    for command in (first, second):
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install"), command
    assert "negsim run scenarios/gaza-2024-08.yaml" in first
    assert ".[dev]" in second and "pytest" in second


@pytest.mark.slow
def test_the_quick_start_runs_from_a_clean_clone_in_a_fresh_venv(tmp_path: Path) -> None:
    if shutil.which("git") is None or shutil.which("python3") is None:
        pytest.skip("needs git and python3 on PATH, as the README does")
    clone = tmp_path / "negsim"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    first, second = quick_start_commands()
    played = subprocess.run(["bash", "-c", first], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert played.returncode == 0, played.stderr[-3000:]
    assert "Blocking: israel/troops-in-philadelphi" in played.stdout, played.stdout[-2000:]
    tested = subprocess.run(["bash", "-c", second], cwd=clone, env=env, capture_output=True, text=True,
                            timeout=1800)
    assert tested.returncode == 0, (tested.stdout[-3000:], tested.stderr[-3000:])
    assert re.search(r"\d+ passed", tested.stdout), tested.stdout[-2000:]
