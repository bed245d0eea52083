"""The scenarios bundled in ``scenarios/``, listed once for the tests that go over every one of them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
"""Every bundled scenario file, by name."""

# a test over every bundled scenario must not pass on an empty folder
assert BUNDLED, f"no scenario in {ROOT / 'scenarios'}"
