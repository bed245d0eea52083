"""Conditions: predicates over issue values, written as data.

A condition is one of

- an atom ``{issue: philadelphi, op: "==", value: none}``;
- ``{all: [...]}``, ``{any: [...]}``, ``{not: ...}``;
- ``{if: ..., then: ...}`` (a conditional: when the first holds, the second must);
- ``{condition: name}``, a named condition defined under the scenario's ``conditions``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from sim.scenario.base import Id, Model, Scalar

Operator = Literal["==", "!=", "in", "not in", "<=", ">=", "<", ">"]
SET_OPERATORS = ("in", "not in")
ORDER_OPERATORS = ("<=", ">=", "<", ">")


class Atom(Model):
    """A comparison of one issue's value with a value or a set of values."""

    issue: Id
    op: Operator
    value: Scalar | list[Scalar]

    @model_validator(mode="after")
    def _value_fits_operator(self) -> Atom:
        if self.op in SET_OPERATORS and not isinstance(self.value, list):
            raise ValueError(f"operator '{self.op}' takes a list of values, e.g. [a, b]")
        if self.op not in SET_OPERATORS and isinstance(self.value, list):
            raise ValueError(f"operator '{self.op}' takes one value; use 'in' for a list")
        return self


class AllOf(Model):
    """Every sub-condition holds."""

    all_of: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(Model):
    """At least one sub-condition holds."""

    any_of: list[Condition] = Field(alias="any", min_length=1)


class Negation(Model):
    """The sub-condition does not hold."""

    negated: Condition = Field(alias="not")


class IfThen(Model):
    """Where ``if`` holds, ``then`` must hold too."""

    if_: Condition = Field(alias="if")
    then: Condition


class Named(Model):
    """A reference to a condition defined under the scenario's ``conditions``."""

    condition: Id


_FORMS = {"issue": "atom", "all": "all-of", "any": "any-of", "not": "negation",
          "if": "if-then", "then": "if-then", "condition": "named"}
_CLASSES: dict[type, str] = {Atom: "atom", AllOf: "all-of", AnyOf: "any-of", Negation: "negation",
            IfThen: "if-then", Named: "named"}


def condition_form(value: Any) -> str | None:
    """Name the form of a condition from its keys (or its class), or None if unknown."""
    if isinstance(value, dict):
        return next((_FORMS[key] for key in value if key in _FORMS), None)
    return _CLASSES.get(type(value))


CONDITION_HELP = (
    "a condition needs one of the keys 'issue' (with 'op' and 'value'), 'all', 'any', "
    "'not', 'if'/'then' or 'condition'"
)

Condition = Annotated[
    Annotated[Atom, Tag("atom")]
    | Annotated[AllOf, Tag("all-of")]
    | Annotated[AnyOf, Tag("any-of")]
    | Annotated[Negation, Tag("negation")]
    | Annotated[IfThen, Tag("if-then")]
    | Annotated[Named, Tag("named")],
    Discriminator(condition_form, custom_error_type="condition_form",
                  custom_error_message=CONDITION_HELP),
]

for _model in (AllOf, AnyOf, Negation, IfThen):
    _model.model_rebuild()
del _model
