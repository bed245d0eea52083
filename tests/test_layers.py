"""The layer order of docs/architecture.md, held by import-linter's contracts in pyproject.toml.

Each package imports only the packages below it, agents never import simpy, and the modules
of one package import each other without cycles. The contracts are also shown to catch a
forbidden import: each is broken on purpose in a copy of the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = str(Path(sys.executable).with_name("lint-imports"))


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run([LINT, "--no-cache"], cwd=where, env=env, capture_output=True, text=True, timeout=120)


def test_every_contract_is_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


LAYERS = "Layers: each package imports only the layers below it"
SIMPY = "Agents decide; only the simulation knows simpy"
CYCLES = "No import cycles among the modules of one package"


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("constraints/space.py", "from ..cli import main", LAYERS),
    ("scenario/hints.py", "from ..report import terminal", LAYERS),
    ("agents/concession.py", "import simpy", SIMPY),
    ("analysis/explanation.py", "from . import explain", CYCLES),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "sim" / module).open("a") as source:
        source.write(f"\n{line}  # noqa: E402, F401\n")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract} BROKEN" in result.stdout


def test_no_layer_imports_the_package_face() -> None:
    # ``sim/__init__.py`` gathers the public API from every layer, so a module that imported it
    # would import every layer above its own.
    graph = grimp.build_graph("sim", cache_dir=None)
    importers = sorted(m for m in graph.find_modules_that_directly_import("sim") if m != "sim")
    assert importers == []
