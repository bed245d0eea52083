"""negsim: a negotiation-position simulator.

Load a scenario, then judge proposals against every party's red lines::

    import sim
    scenario = sim.load("scenarios/gaza-2024-08.yaml")
    result = sim.evaluate(scenario, "us-bridging-2024-08")
    print(result.summary())
"""

from __future__ import annotations

from sim.constraints.check import CompiledConstraints
from sim.constraints.evaluation import Evaluation, PartyStance, RedLineJudgement, evaluate
from sim.constraints.space import LEFT_OPEN, OutcomeSpace
from sim.errors import Diagnostic, NegsimError, ScenarioError, UsageError
from sim.scenario import Scenario, load, loads
from sim.version import __version__

__all__ = [
    "LEFT_OPEN",
    "CompiledConstraints",
    "Diagnostic",
    "Evaluation",
    "NegsimError",
    "OutcomeSpace",
    "PartyStance",
    "RedLineJudgement",
    "Scenario",
    "ScenarioError",
    "UsageError",
    "__version__",
    "evaluate",
    "load",
    "loads",
]
