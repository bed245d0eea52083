"""Pin the public Python API so that changes to it are deliberate (as httpx's test of the same name does)."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

import negsim

EXPORTS = [
    "LEFT_OPEN", "CompiledConstraints", "Diagnostic", "Evaluation", "EventLog", "Explanation", "NegsimError",
    "Outcome", "OutcomeSpace", "PartyStance", "RedLineJudgement", "Replications", "Scenario", "ScenarioError",
    "UsageError", "Verdict", "WalkAwayJudgement", "__version__", "evaluate", "explain", "load", "loads",
    "read_results", "replicate", "run", "run_replication",
]
"""Adding or removing an export means changing this list (and docs/architecture.md's glossary if it names one)."""

CONSTANTS = {"LEFT_OPEN", "__version__"}
"""Exports that are values, not classes or functions: they carry no docstring of their own."""


def test_public_api_is_stable() -> None:
    assert negsim.__all__ == EXPORTS


def test_every_public_name_of_the_package_is_exported() -> None:
    for name in negsim.__all__:
        getattr(negsim, name)  # loads the lazy ones, so that they are in vars(negsim) too
    public = [name for name, value in vars(negsim).items()
              if (not name.startswith("_") or name == "__version__") and not isinstance(value, ModuleType)]
    assert sorted(public) == sorted(negsim.__all__)


def test_every_export_is_documented() -> None:
    for name in negsim.__all__:
        value = getattr(negsim, name)
        if name in CONSTANTS:
            assert isinstance(value, int | str), name
            continue
        own = value.__dict__.get("__doc__") if inspect.isclass(value) else value.__doc__
        assert own and own.strip(), f"sim.{name} has no docstring"


def test_dir_lists_every_export_before_it_is_loaded() -> None:
    assert set(negsim.__all__) <= set(dir(negsim))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        negsim.no_such_name  # type: ignore[attr-defined]  # noqa: B018
