"""A red line's rule in words.

"requires philadelphi >= reduced"; "when ceasefire = permanent, requires hostages >= 109".

A quote out of its context can read as the opposite demand; the rule says what the red line
checks. Conditions are written as the scenario file writes them, ``==`` as ``=``, compound
ones with ``and``/``or``/``not`` and parentheses where a part is itself compound, and a named
condition by its name with what it stands for after it.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import Scalar
from .conditions import MAX_CONDITION_DEPTH, AllOf, AnyOf, Atom, Condition, IfThen, Named, Negation
from .hints import quoted
from .redlines import RedLine, RedLineVersion

OPERATOR_WORDS = {"==": "=", "!=": "!=", "in": "in", "not in": "not in", "<=": "<=", ">=": ">=", "<": "<", ">": ">"}


def rule_words(when: Condition | None, require: Condition | None, named: Mapping[str, Condition]) -> str:
    """A rule in words: ``when`` (if any) then what it requires; a rule that requires nothing is "no red line"."""
    if require is None:
        return "no red line (a bluff)"
    required = f"requires {condition_words(require, named)}"
    return required if when is None else f"when {condition_words(when, named)}, {required}"


def red_line_rule(red_line: RedLine | RedLineVersion, named: Mapping[str, Condition]) -> str:
    """A red line's (or one of its versions') rule in words."""
    return rule_words(red_line.when, red_line.require, named)


def condition_words(condition: Condition, named: Mapping[str, Condition], depth: int = 0) -> str:
    """A condition in words, as the file writes it (see the module's docstring)."""
    if depth > MAX_CONDITION_DEPTH:  # a loaded scenario never nests deeper; a model built in code might
        return "..."
    match condition:
        case Atom(issue=issue, op=op, value=value):
            return f"{issue} {OPERATOR_WORDS[op]} {value_words(value)}"
        case AllOf(all_of=parts):
            return " and ".join(_part(part, named, depth) for part in parts)
        case AnyOf(any_of=parts):
            return " or ".join(_part(part, named, depth) for part in parts)
        case Negation(negated=negated):
            return f"not {_part(negated, named, depth, always=True)}"
        case IfThen(if_=if_, then=then):
            return f"if {_part(if_, named, depth)} then {_part(then, named, depth)}"
        case Named(condition=name):
            if name not in named:
                return name
            return f"{name} ({condition_words(named[name], named, depth + 1)})"
    return str(condition)


def _part(condition: Condition, named: Mapping[str, Condition], depth: int, *, always: bool = False) -> str:
    """A sub-condition in words, in parentheses if it is compound (or, with ``always``, unless it is a name)."""
    shown = condition_words(condition, named, depth + 1)
    bare = isinstance(condition, Atom | Named) and not (always and isinstance(condition, Atom))
    return shown if bare else f"({shown})"


def value_words(value: object) -> str:
    """A value (or a list of them) as the file, replications.csv and summary.json write it: ``true``, ``[a, b]``."""
    if isinstance(value, list):
        return "[" + ", ".join(value_words(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def terms_text(terms: Mapping[str, Scalar | None]) -> str:
    """A package in words: ``a=x, b=3``, with open issues shown as (open)."""
    return ", ".join(f"{k}={'(open)' if v is None else quoted(v).strip(chr(39))}" for k, v in terms.items())


def told_apart(*values: float, least: int = 2, most: int = 9) -> list[str]:
    """Numbers written with as few decimals (at least ``least``) as tell apart those that differ.

    "utility 0.62 against walk-away value 0.62" would hide a margin of 1/512: written with enough
    digits, it reads 0.621 against 0.619. Values closer than ``10**-most`` are written alike.
    """
    for decimals in range(least, most + 1):
        shown = [f"{value:.{decimals}f}" for value in values]
        if all(shown[i] != shown[j] for i in range(len(values)) for j in range(i)
               if abs(values[i] - values[j]) >= 10.0 ** -most):
            return shown
    return [f"{value:.{most}f}" for value in values]
