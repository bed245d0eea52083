"""negsim: a negotiation-position simulator.

Load a scenario, then judge proposals against every party's red lines::

    import sim
    scenario = sim.load("scenarios/gaza-2024-08.yaml")
    result = sim.evaluate(scenario, "us-bridging-2024-08")
    print(result.summary())
"""

from __future__ import annotations

from sim.constraints.check import Constraints
from sim.constraints.evaluation import Evaluation, PartyVerdict, RedLineVerdict, evaluate
from sim.constraints.space import OPEN, OutcomeSpace
from sim.errors import Diagnostic, NegsimError, ScenarioError, UsageError
from sim.scenario import Scenario, load, loads
from sim.version import __version__

__all__ = [
    "OPEN",
    "Constraints",
    "Diagnostic",
    "Evaluation",
    "NegsimError",
    "OutcomeSpace",
    "PartyVerdict",
    "RedLineVerdict",
    "Scenario",
    "ScenarioError",
    "UsageError",
    "__version__",
    "evaluate",
    "load",
    "loads",
]
