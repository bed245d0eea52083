"""negsim: a negotiation-position simulator.

Load a scenario, judge proposals against every party's red lines and walk-away value, analyse
the deal space, and simulate the talks::

    import sim
    scenario = sim.load("scenarios/gaza-2024-08.yaml")
    result = sim.evaluate(scenario, "us-bridging-2024-08")
    print(result.summary())
    narration = sim.explain(scenario).narration    # the deal space, in sentences
    outcome, log = sim.run(scenario, seed=7)
    row, _ = sim.run_replication(scenario, root_seed=0, index=3)

Every public name loads on first use (PEP 562), so that ``import sim`` costs next to nothing
and a command line that only checks a scenario never loads numpy or the simulation.
"""

# No ``from __future__ import annotations`` and no ``from typing import ...`` here: every public name
# of this module is an export (tests/test_exported_members.py), as in httpx.
import importlib
import typing

from sim.errors import Diagnostic, NegsimError, ScenarioError, UsageError
from sim.version import __version__

if typing.TYPE_CHECKING:
    from sim.analysis.explain import explain
    from sim.analysis.explanation import Explanation
    from sim.constraints.check import CompiledConstraints
    from sim.constraints.evaluation import Evaluation, PartyStance, RedLineJudgement, WalkAwayJudgement, evaluate
    from sim.constraints.space import LEFT_OPEN, OutcomeSpace
    from sim.constraints.verdict import Verdict
    from sim.experiments.replicate import replicate, run_replication
    from sim.scenario.loader import load, loads
    from sim.scenario.model import Scenario
    from sim.simulation.talks import run
    from sim.simulation.timeline import EventLog, Outcome

_LAZY = {
    "CompiledConstraints": "sim.constraints.check",
    "Evaluation": "sim.constraints.evaluation",
    "EventLog": "sim.simulation.timeline",
    "Explanation": "sim.analysis.explanation",
    "LEFT_OPEN": "sim.constraints.space",
    "Outcome": "sim.simulation.timeline",
    "OutcomeSpace": "sim.constraints.space",
    "PartyStance": "sim.constraints.evaluation",
    "RedLineJudgement": "sim.constraints.evaluation",
    "Scenario": "sim.scenario.model",
    "Verdict": "sim.constraints.verdict",
    "WalkAwayJudgement": "sim.constraints.evaluation",
    "evaluate": "sim.constraints.evaluation",
    "explain": "sim.analysis.explain",
    "load": "sim.scenario.loader",
    "loads": "sim.scenario.loader",
    "replicate": "sim.experiments.replicate",
    "run": "sim.simulation.talks",
    "run_replication": "sim.experiments.replicate",
}
"""Names loaded on first use, with the module that defines each (the same names as under TYPE_CHECKING)."""


if not typing.TYPE_CHECKING:  # hidden from type checkers, which would take any name for one of the lazy ones

    def __getattr__(name: str) -> typing.Any:
        """Load a public name the first time it is asked for."""
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'sim' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later lookups find it without coming here
        return value


def __dir__() -> list[str]:
    """The public names, loaded or not, for tab completion."""
    return sorted({*globals(), *__all__})


__all__ = [
    "LEFT_OPEN",
    "CompiledConstraints",
    "Diagnostic",
    "Evaluation",
    "EventLog",
    "Explanation",
    "NegsimError",
    "Outcome",
    "OutcomeSpace",
    "PartyStance",
    "RedLineJudgement",
    "Scenario",
    "ScenarioError",
    "UsageError",
    "Verdict",
    "WalkAwayJudgement",
    "__version__",
    "evaluate",
    "explain",
    "load",
    "loads",
    "replicate",
    "run",
    "run_replication",
]
