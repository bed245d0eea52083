"""Pin the public Python API so that changes to it are deliberate."""

from __future__ import annotations

import sim


def test_public_api_is_stable() -> None:
    assert sorted(sim.__all__) == sorted([
        "LEFT_OPEN", "CompiledConstraints", "Diagnostic", "Evaluation", "NegsimError", "OutcomeSpace",
        "PartyStance", "RedLineJudgement", "Scenario", "ScenarioError", "UsageError", "__version__",
        "evaluate", "load", "loads",
    ])
    for name in sim.__all__:
        assert getattr(sim, name) is not None
