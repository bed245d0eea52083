"""negsim: a negotiation-position simulator.

Load a scenario, then judge proposals against every party's red lines::

    import sim
    scenario = sim.load("scenarios/gaza-2024-08.yaml")
    result = sim.evaluate(scenario, "us-bridging-2024-08")
    print(result.summary())
"""

from __future__ import annotations

from sim.errors import Diagnostic, NegsimError, ScenarioError, UsageError
from sim.evaluation import Evaluation, PartyVerdict, RedLineVerdict, evaluate
from sim.scenario import Scenario, load, loads
from sim.space import OPEN, OutcomeSpace
from sim.verdict import Constraints

__version__ = "0.1.0"

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
