"""The scenario as a function of keyword parameters (for EMA Workbench)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import negsim
from negsim.experiments.ema import describe, scenario_model, with_parameters

GAZA = Path(__file__).resolve().parents[1] / "scenarios" / "gaza-2024-08.yaml"


def test_parameters_are_named_as_identifiers() -> None:
    names = describe(GAZA)
    assert names["israel__troops_in_philadelphi__confidence"] == 0.8
    assert names["cairo_summit__hamas__attendance"] == 0.5
    assert names["regional_retaliation__rate"] == 0.03
    assert all(name.isidentifier() for name in names)


def test_a_softer_israel_makes_deals_likelier_unless_the_mediator_puts_the_onus_on_hamas() -> None:
    model = scenario_model(GAZA)
    neutral = {"biden_onus_on_hamas__probability": 0.0}  # the U.S. stays neutral: it tests Israel's lines too
    firm = model(replications=40, israel__troops_in_philadelphi__confidence=1.0, **neutral)
    soft = model(replications=40, israel__troops_in_philadelphi__confidence=0.0, **neutral)
    assert firm["agreement_rate"] == 0.0 and math.isnan(firm["median_day"])
    assert soft["agreement_rate"] > 0.2 and soft["median_day"] > 0
    onus = model(replications=40, israel__troops_in_philadelphi__confidence=0.0)
    assert onus["agreement_rate"] == 0.0  # leaning towards Israel, it never asks whether Israel would bend


def test_the_model_is_deterministic_for_a_seed() -> None:
    model = scenario_model(GAZA)
    assert repr(model(replications=10, seed=3)) == repr(model(replications=10, seed=3))  # nan == nan by its text


def test_unknown_parameters_are_named() -> None:
    with pytest.raises(negsim.UsageError, match="did you mean 'israel__reservation'"):
        with_parameters(negsim.load(GAZA), {"israel__reservaton": 0.2})
