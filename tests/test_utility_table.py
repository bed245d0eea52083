"""Every party's utility of every package, compiled as one table, is each party's own sum to the bit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import negsim.constraints.compile
from negsim.constraints.check import CompiledConstraints
from negsim.constraints.compile import Compiler
from negsim.scenario.model import Scenario


def scenario(rng: np.random.Generator) -> Scenario:
    issues: list[dict[str, Any]] = [
        {"id": "cat", "name": "Cat", "type": "categorical", "values": ["a", "b", "c"]},
        {"id": "num", "name": "Num", "type": "integer", "min": 0, "max": 12, "step": 3},
        {"id": "ord", "name": "Ord", "type": "ordered", "values": ["low", "mid", "high", "top"]},
        {"id": "flag", "name": "Flag", "type": "boolean"},
    ]
    parties = []
    for p in range(3):
        values: dict[str, Any] = {"cat": {v: float(rng.random()) for v in ("a", "b", "c")},
                                  "num": {0: float(rng.random()), 12: float(rng.random())},
                                  "ord": {v: float(rng.random()) for v in ("low", "mid", "high", "top")}}
        if p == 1:
            del values["ord"]  # an issue without values counts nothing
        weights = {"cat": float(rng.random()), "num": float(rng.random()), "flag": 0.5}
        if p != 2:
            weights["ord"] = float(rng.random())
        parties.append({"id": f"p{p}", "name": f"P{p}", "role": "principal",
                        "preferences": {"weights": weights, "values": values, "reservation": 0.2}})
    parties.append({"id": "m", "name": "M", "role": "mediator"})
    return Scenario.model_validate({"negsim": 1, "id": "table", "title": "Table", "start": "2024-01-01",
                                    "issues": issues, "parties": parties})


@pytest.mark.parametrize("summed_from_columns", [True, False])
def test_the_utility_table_holds_each_partys_own_sums(summed_from_columns: bool,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    if not summed_from_columns:  # the way of large spaces: broadcast sums
        monkeypatch.setattr(negsim.constraints.compile, "_TAKEN_SPACE", 0)
    rng = np.random.default_rng(11)
    for _ in range(20):
        data = scenario(rng)
        compiler = Compiler(data)
        weighing = [p for p in data.parties if p.preferences is not None]
        table = compiler.every_utility(weighing)
        assert table.shape == (3, compiler.space.size)
        packages = compiler.space.every_package()
        checked = CompiledConstraints.of(data, compiler).check(packages).utility_low  # the one check's utilities
        for row, party, by_check in zip(table, weighing, checked, strict=True):
            own = compiler.preferences(party)
            assert own is not None
            assert row.tobytes() == by_check.tobytes()
            assert row.tobytes() == own.utility_bounds([packages[:, j] for j in range(4)], complete=True)[0].tobytes()


def test_no_party_with_preferences_gives_an_empty_table() -> None:
    data = scenario(np.random.default_rng(0))
    assert Compiler(data).every_utility([]).shape == (0, Compiler(data).space.size)
