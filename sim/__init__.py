"""negsim: a negotiation-position simulator.

Load a scenario, judge proposals against every party's red lines and walk-away value, analyse
the deal space, and simulate the talks::

    import negsim
    scenario = negsim.load("scenarios/gaza-2024-08.yaml")
    result = negsim.evaluate(scenario, "us-bridging-2024-08")
    print(result.summary())
    narration = negsim.explain(scenario).narration    # the deal space, in sentences
    outcome, log = negsim.run(scenario, seed=7)
    row, _ = negsim.run_replication(scenario, root_seed=0, index=3)
    runs = negsim.replicate(open("scenarios/gaza-2024-08.yaml").read(), 200)  # rows + summary
    earlier = negsim.read_results("results/gaza")    # a folder `negsim sweep` wrote

Every public name loads on first use (PEP 562), so that ``import negsim`` costs next to nothing
and a command line that only checks a scenario never loads numpy or the simulation.
"""

# No ``from __future__ import annotations`` and no ``from typing import ...`` here: every public name
# of this module is an export (tests/test_exported_members.py), as in httpx.
import importlib
import typing

from .errors import Diagnostic, NegsimError, ScenarioError, UsageError
from .version import __version__

if typing.TYPE_CHECKING:
    from .analysis.explain import explain
    from .analysis.explanation import Explanation
    from .constraints.check import CompiledConstraints
    from .constraints.evaluation import Evaluation, PartyStance, RedLineJudgement, WalkAwayJudgement, evaluate
    from .constraints.space import LEFT_OPEN, OutcomeSpace
    from .constraints.verdict import Verdict
    from .experiments.replicate import replicate, run_replication
    from .experiments.replications import Replications, read_results
    from .scenario.loader import load, loads
    from .scenario.model import Scenario
    from .simulation.talks import run
    from .simulation.timeline import EventLog, Outcome

_LAZY = {
    "CompiledConstraints": ".constraints.check",
    "Evaluation": ".constraints.evaluation",
    "EventLog": ".simulation.timeline",
    "Explanation": ".analysis.explanation",
    "LEFT_OPEN": ".constraints.space",
    "Outcome": ".simulation.timeline",
    "OutcomeSpace": ".constraints.space",
    "PartyStance": ".constraints.evaluation",
    "RedLineJudgement": ".constraints.evaluation",
    "Scenario": ".scenario.model",
    "Verdict": ".constraints.verdict",
    "WalkAwayJudgement": ".constraints.evaluation",
    "evaluate": ".constraints.evaluation",
    "explain": ".analysis.explain",
    "load": ".scenario.loader",
    "loads": ".scenario.loader",
    "replicate": ".experiments.replicate",
    "Replications": ".experiments.replications",
    "read_results": ".experiments.replications",
    "run": ".simulation.talks",
    "run_replication": ".experiments.replicate",
}
"""Names loaded on first use, with the module that defines each, relative to this package (the same names as
under TYPE_CHECKING)."""


if not typing.TYPE_CHECKING:  # hidden from type checkers, which would take any name for one of the lazy ones

    def __getattr__(name: str) -> typing.Any:
        """Load a public name the first time it is asked for."""
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, __name__), name)
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
    "Replications",
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
    "read_results",
    "replicate",
    "run",
    "run_replication",
]
