"""The source folder sim/ installs as the package ``negsim``, whatever a user's own files are called.

The project's shape keeps the code in ``sim/``; users write ``import negsim``. A student's own
``sim.py`` (a likely name for a simulation exercise) must not hide or break the package, and the
code must not depend on the folder's name, so every import inside ``sim/`` is relative.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "sim"
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"


def test_the_install_lists_every_package_under_sim() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {".".join(("negsim", *init.parent.relative_to(SOURCE).parts)) for init in SOURCE.rglob("__init__.py")}
    assert set(setuptools["packages"]) == on_disk
    assert setuptools["package-dir"] == {"negsim": "sim"}


def test_no_module_under_sim_imports_the_package_by_a_name() -> None:
    absolute = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            absolute += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}" for name in names
                         if name.partition(".")[0] in {"sim", "negsim"}]
    assert absolute == []


def test_a_users_own_sim_py_does_not_hide_negsim(tmp_path: Path) -> None:
    (tmp_path / "sim.py").write_text("raise RuntimeError('the student\\'s own sim.py was imported')\n",
                                     encoding="utf-8")
    code = ("import negsim\n"
            f"scenario = negsim.load({str(GAZA)!r})\n"
            "print(type(scenario).__module__, negsim.evaluate(scenario, 'us-bridging-2024-08').agreed)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["negsim.scenario.model", "False"]


def test_python_dash_m_negsim_runs_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "sim.py").write_text("raise RuntimeError('imported')\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "negsim", "check", str(GAZA)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "gaza-2024-08.yaml" in done.stdout
