"""Conditions: predicates over issue values, written as data.

A condition is one of

- an atom ``{issue: philadelphi, op: "==", value: none}``;
- ``{all: [...]}``, ``{any: [...]}``, ``{not: ...}``;
- ``{if: ..., then: ...}`` (a conditional: when the first holds, the second must);
- ``{condition: name}``, a named condition defined under the scenario's ``conditions``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from .base import Id, Model, Scalar

MAX_CONDITION_DEPTH = 64
"""Deepest nesting of a condition with its named conditions written out (each ``all``, ``any``,
``not``, ``if``/``then`` and named reference is a level): bounds the recursion of every walk."""
MAX_CONDITION_SIZE = 10_000
"""Most parts of a condition with its named conditions written out: a named condition used twice
counts twice, so a few lines that refer to each other in a doubling pattern cannot explode."""

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


def subconditions(cond: Condition) -> Iterator[Condition]:
    """The conditions directly inside a condition (none for an atom or a named reference)."""
    if isinstance(cond, AllOf):
        yield from cond.all_of
    elif isinstance(cond, AnyOf):
        yield from cond.any_of
    elif isinstance(cond, Negation):
        yield cond.negated
    elif isinstance(cond, IfThen):
        yield cond.if_
        yield cond.then


def expanded_shape(cond: Condition, named: Mapping[str, tuple[int, int]]) -> tuple[int, int]:
    """Depth and number of parts of a condition with its named conditions written out.

    ``named`` holds the shape of each named condition's definition; a reference to a name
    missing from it (unknown, invalid, or in a cycle: reported apart) counts as one part.
    Walks without recursion, so any nesting the YAML reader lets through is measured safely.
    """
    depth = size = 0
    stack = [(cond, 1)]
    while stack:
        node, level = stack.pop()
        inner_depth, inner_size = named.get(node.condition, (0, 0)) if isinstance(node, Named) else (0, 0)
        depth = max(depth, level + inner_depth)
        size += 1 + inner_size
        stack.extend((sub, level + 1) for sub in subconditions(node))
    return depth, size
