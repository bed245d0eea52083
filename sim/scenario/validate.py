"""Turn pydantic validation errors into ``file:line:col`` diagnostics a user can act on."""

from __future__ import annotations

import calendar
import re
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Diagnostic
from .base import LIMITS_DOC
from .hints import YAML11_BOOLEANS, closest, describe, did_you_mean, one_of, slug
from .yamlio import Document, PathKey

_EXPECTED = {
    "string_type": "a string", "int_type": "an integer", "float_type": "a number",
    "bool_type": "true or false", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping", "model_attributes_type": "a mapping", "tuple_type": "a list",
    "date_type": "a date (YYYY-MM-DD)", "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)", "int_from_float": "an integer",
    "literal_error": "", "none_required": "nothing",
}


def data_path(data: Any, loc: tuple[int | str, ...]) -> tuple[PathKey, bool]:
    """Follow a pydantic ``loc`` through the data, skipping union tags.

    Returns the path of keys and indices that exist in the data, and whether the
    location names a mapping key (rather than a value).
    """
    path: list[str | int] = []
    node = data
    names_key = False
    for part in loc:
        if part == "[key]":
            names_key = True
            continue
        if _has(node, part):
            node = node[part]
        elif isinstance(node, dict | list) and part == loc[-1]:
            path.append(part)
            break
        else:
            continue
        path.append(part)
    return tuple(path), names_key


def _has(node: Any, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def diagnostics_from(exc: ValidationError, doc: Document, root: type[BaseModel]) -> list[Diagnostic]:
    """Translate every error of a failed validation into diagnostics."""
    errors = exc.errors(include_url=False)
    misspelt = _misspelt_required(errors, root)
    grouped: dict[PathKey, list[ErrorDetails]] = {}
    for error in errors:
        if error["type"] == "missing" and error["loc"] in misspelt:
            continue  # reported as the unknown key that was meant to be it
        path, _ = data_path(doc.data, error["loc"])
        grouped.setdefault(path, []).append(error)
    out: list[Diagnostic] = []
    for group in grouped.values():
        for error in _merge_union_errors(group):
            out.append(_diagnostic(error, doc, root))
    return out


def _intended_key(key: object, allowed: list[str]) -> str | None:
    """The allowed key that an unknown key was meant to be: misspelt, or written 'key:value'."""
    head = str(key).partition(":")[0]
    if ":" in str(key) and head in allowed:
        return head
    choice = closest(key, allowed)
    return None if choice is None else str(choice)


def _misspelt_required(errors: list[ErrorDetails], root: type[BaseModel]) -> set[tuple[int | str, ...]]:
    """Locations of required keys that are missing because an unknown key is their misspelling."""
    meant: set[tuple[int | str, ...]] = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            parent, key = error["loc"][:-1], error["loc"][-1]
            intended = _intended_key(key, _allowed_keys(root, parent))
            if intended is not None:
                meant.add((*parent, intended))
    return meant


def _merge_union_errors(errors: list[ErrorDetails]) -> Iterator[ErrorDetails]:
    """Several type errors at one place come from one union: report them once."""
    typed = [e for e in errors if e["type"] in _EXPECTED]
    if len(typed) < 2:
        yield from errors
        return
    yield _merged(typed)
    yield from (e for e in errors if e["type"] not in _EXPECTED)


def _merged(typed: list[ErrorDetails]) -> ErrorDetails:
    """One error for a union's type errors: a text outside a choice of words stays that, else 'expected a or b'."""
    literal = next((e for e in typed if e["type"] == "literal_error"), None)
    if literal is not None and isinstance(literal["input"], str):
        return literal
    expected = sorted({_EXPECTED[e["type"]] or _literal_choices(e) for e in typed})
    return {**typed[0], "type": "union_type", "msg": "expected " + " or ".join(expected)}


def _literal_choices(error: ErrorDetails) -> str:
    ctx = error.get("ctx") or {}
    return str(ctx.get("expected", "")).replace(" or ", ", ")


def _diagnostic(error: ErrorDetails, doc: Document, root: type[BaseModel]) -> Diagnostic:
    path, names_key = data_path(doc.data, error["loc"])
    kind = error["type"]
    at_key = names_key or kind == "extra_forbidden"
    if kind == "missing":
        line, col = doc.where.locate(path[:-1] if path and path[-1] == error["loc"][-1] else path)
    elif kind == "union_tag_invalid":
        path = (*path, _discriminator(error))
        line, col = doc.where.locate(path)
    else:
        line, col = doc.where.locate(path, key=at_key)
    context = _context(doc.data, path[:-1] if at_key else path)
    return Diagnostic(doc.path, line, col, message_for(error, path, root) + context)


def message_for(error: ErrorDetails, path: PathKey, root: type[BaseModel]) -> str:
    """A plain-words message for one pydantic error, never in pydantic's own wording."""
    message = _message(error, path, root)
    if not _PYDANTIC_WORDING.search(message):
        return message
    kind, ctx = error["type"], error.get("ctx") or {}
    got = f", got {describe(error.get('input'))}"
    if kind in _PLAIN:
        return _PLAIN[kind].format(key=_key(error), **{name: _bound(v) for name, v in ctx.items()}) + got
    return plain_words(message)


_PYDANTIC_WORDING = re.compile(r"\bshould (?:be|have|not)\b|^(?:value error|assertion failed), |(?:^|, )unable to ",
                               re.IGNORECASE)
_PLAIN = {
    "finite_number": "'{key}' must be a finite number",
    "multiple_of": "'{key}' must be a multiple of {multiple_of}",
    "too_long": "'{key}' has too many items: at most {max_length}",
    "string_too_short": "'{key}' needs at least {min_length} character(s)",
    "string_too_long": "'{key}' is too long: at most {max_length} characters",
    "int_parsing": "expected an integer", "int_parsing_size": "expected an integer of a sane size",
    "float_parsing": "expected a number", "bool_parsing": "expected true or false",
    "string_unicode": "expected text", "enum": "expected one of: {expected}",
    "date_from_datetime_inexact": "expected a date (YYYY-MM-DD) without a time",
    "date_past": "expected a date in the past", "date_future": "expected a date in the future",
}
"""negsim's wording of pydantic error types that the schema can produce; the rest go through plain_words."""

_PYDANTIC_PHRASES = (
    (re.compile(r"^(?:Value error|Assertion failed), ", re.IGNORECASE), ""),
    (re.compile(r", unable to [^,]*"), ""),
    (re.compile(r"^(?:[A-Za-z]+ )?(?:input|string|data|scheme|datetimes provided to dates) should be\b",
                re.IGNORECASE), "expected"),
    (re.compile(r"^(?:[A-Za-z]+ )?(?:input|string|data|scheme) should (not )?have\b", re.IGNORECASE),
     r"expected \1to have"),
    (re.compile(r"\bshould (be|have)\b"), r"must \1"),
)


def plain_words(message: str) -> str:
    """Rewrite a message in pydantic's words ("Input should be ...") in negsim's: "expected ..."."""
    for pattern, replacement in _PYDANTIC_PHRASES:
        message = pattern.sub(replacement, message)
    return message


def _bound(value: object) -> str:
    return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def _message(error: ErrorDetails, path: PathKey, root: type[BaseModel]) -> str:
    """The message for one error: negsim's own words where it has them, else pydantic's, lower-cased."""
    return _wording(error["type"])(error, root)


_Wording = Callable[[ErrorDetails, type[BaseModel]], str]
"""Words for one kind of pydantic error; the model is the root of the file, to list allowed keys."""


def _wording(kind: str) -> _Wording:
    """Who words an error of this kind: its own function, else its family's, else pydantic's words lower-cased."""
    if kind in _WORDINGS:
        return _WORDINGS[kind]
    if kind in _EXPECTED:
        return _wrong_type
    if kind in _BOUNDS:
        return _out_of_bounds
    return _pydantic_words


def _key(error: ErrorDetails) -> int | str:
    """The key or index the error is about: the last step of its location."""
    loc = error["loc"]
    return loc[-1] if loc else ""


def _ctx(error: ErrorDetails) -> dict[str, Any]:
    return error.get("ctx") or {}


def _missing(error: ErrorDetails, root: type[BaseModel]) -> str:
    return f"missing required key '{_key(error)}'"


def _extra(error: ErrorDetails, root: type[BaseModel]) -> str:
    return _unknown_key(_key(error), _allowed_keys(root, error["loc"][:-1]))


def _literal(error: ErrorDetails, root: type[BaseModel]) -> str:
    return _not_a_choice(error.get("input"), str(_ctx(error).get("expected", "")))


def _pattern(error: ErrorDetails, root: type[BaseModel]) -> str:
    """An id or a red-line reference that breaks its pattern (only references contain a '/')."""
    value = error.get("input")
    if "/" in str(_ctx(error).get("pattern", "")):
        return f"'{value}' does not name a red line; write 'party/red-line-id'"
    return f"'{value}' is not a valid id: use lower-case letters, digits, '-' and '_' (e.g. '{slug(str(value))}')"


def _unknown_tag(error: ErrorDetails, root: type[BaseModel]) -> str:
    tags = str(_ctx(error).get("expected_tags", ""))
    tag = _ctx(error).get("tag")
    hint = did_you_mean(tag, tags.replace("'", "").split(", "))
    return f"unknown {_discriminator(error)} {_show(tag)}; expected one of: {tags}{hint}"


def _missing_tag(error: ErrorDetails, root: type[BaseModel]) -> str:
    tags = str(_ctx(error).get("expected_tags", ""))
    return f"missing key 'type': one of {tags or _effect_types()}"


def _condition_form(error: ErrorDetails, root: type[BaseModel]) -> str:
    value = error.get("input")
    if isinstance(value, dict):
        return f"{error['msg']} (found keys: {one_of(value)})"
    return f"{error['msg']} (found {describe(value)})"


def _value_error(error: ErrorDetails, root: type[BaseModel]) -> str:
    return error["msg"].removeprefix("Value error, ")


def _wrong_type(error: ErrorDetails, root: type[BaseModel]) -> str:
    """A value of the wrong type; a merged union error already says what it expected."""
    value, expected = error.get("input"), _expected(error)
    impossible = _impossible_day(value) if expected.startswith("a date") else None
    if impossible is not None:
        return impossible
    hint = _yaml11_hint(value, expected) + _number_hint(value, expected)
    return f"expected {expected}, got {describe(value)}{hint}"


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _impossible_day(value: object) -> str | None:
    """A date written as one but not in the calendar (2024-02-30): say so, and how many days its month has."""
    found = _DAY.match(value) if isinstance(value, str) else None
    if found is None:
        return None
    year, month, day = map(int, found.groups())
    if not 1 <= month <= 12:
        return f"'{value}' is not a date: there is no month {month} (months run from 01 to 12)"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"'{value}' is not a date: {calendar.month_name[month]} {year} has {days} days"
    return None


def _expected(error: ErrorDetails) -> str:
    if error["type"] == "union_type":
        return error["msg"].removeprefix("expected ")
    return _EXPECTED[error["type"]]


def _too_short(error: ErrorDetails, root: type[BaseModel]) -> str:
    return f"needs at least {_ctx(error).get('min_length')} item(s)"


def _too_long(error: ErrorDetails, root: type[BaseModel]) -> str:
    ctx = _ctx(error)
    return (f"'{_key(error)}' may hold at most {ctx.get('max_length'):,} items, got {ctx.get('actual_length'):,} "
            f"({LIMITS_DOC})")


def _not_finite(error: ErrorDetails, root: type[BaseModel]) -> str:
    return (f"{_number_name(error)} must be a finite number, got {describe(error.get('input'))}; "
            ".inf and .nan are not allowed")


def _out_of_bounds(error: ErrorDetails, root: type[BaseModel]) -> str:
    """A number beyond a bound, with why the bound is there where that helps."""
    value, kind = error.get("input"), error["type"]
    words, name = _BOUNDS[kind]
    bound = _ctx(error).get(name)
    shown = _number(bound) if isinstance(bound, int | float) else str(bound)
    return (f"{_number_name(error)} must be {words} {shown}, got {describe(value)}"
            + _bound_hint(value, bound, error["loc"], kind))


def _number_name(error: ErrorDetails) -> str:
    """How a message names the number: weights are many, so 'a weight'; else its key."""
    if _is_weight(error["loc"]):
        return "a weight"
    return f"'{_key(error)}'"


def _pydantic_words(error: ErrorDetails, root: type[BaseModel]) -> str:
    return f"{error['msg'][0].lower()}{error['msg'][1:]}, got {describe(error.get('input'))}"


_WORDINGS: dict[str, _Wording] = {
    "missing": _missing, "extra_forbidden": _extra, "literal_error": _literal, "string_pattern_mismatch": _pattern,
    "union_tag_invalid": _unknown_tag, "union_tag_not_found": _missing_tag, "condition_form": _condition_form,
    "value_error": _value_error, "union_type": _wrong_type, "too_short": _too_short, "too_long": _too_long,
    "finite_number": _not_finite,
}
"""negsim's own words for the kinds of error that need more than their family's."""


_BOUNDS = {"less_than_equal": ("at most", "le"), "greater_than_equal": ("at least", "ge"),
           "less_than": ("below", "lt"), "greater_than": ("above", "gt")}


_LIMIT_HINTS = {
    "rate_per_day": "a random event falls at most once a day on average",
    "max_rounds": "rounds bound how long talks run",
    "summit_rounds": "rounds bound how long a summit runs",
    "min": "an integer issue's values must stay within a billion either side of zero",
    "max": "an integer issue's values must stay within a billion either side of zero",
    "horizon_days": "a run lasts at most ten years",
}


def _number(bound: float) -> str:
    """A bound as written in the format's documentation: 1,000,000 rather than 1e+06."""
    return f"{int(bound):,}" if float(bound).is_integer() and abs(bound) < 1e15 else f"{bound:g}"


def _is_weight(loc: tuple[int | str, ...]) -> bool:
    return bool(loc) and (loc[-1] == "weight" or (len(loc) > 1 and loc[-2] == "weights"))


_LOWER_LIMITS = ("by", "to", "exponent", "min", "max")  # keys whose lower bound is a limit too, not only a meaning


def _bound_hint(value: object, bound: object, loc: tuple[int | str, ...], kind: str) -> str:
    """Why a number is out of range: a format limit names itself and how to comply; a share its fraction."""
    key = loc[-1] if loc else ""
    upper = kind in ("less_than_equal", "less_than")
    if not isinstance(key, str) or not (upper or key in _LOWER_LIMITS):
        return _share_hint(value, bound)
    if _is_weight(loc):
        return f" (weights are relative: scale them all down by the same factor; {LIMITS_DOC})"
    if key in _LIMIT_HINTS:
        return f" ({_LIMIT_HINTS[key]}; {LIMITS_DOC})"
    if key.endswith("_days") or key in ("by", "to", "exponent", "urgency", "bargaining_power", "step"):
        return f" ({LIMITS_DOC})"
    return _share_hint(value, bound)


def _share_hint(value: object, bound: object) -> str:
    """A share from 0 to 1 written as a percentage: suggest the fraction."""
    if bound == 1 and isinstance(value, int | float) and 2 <= value <= 100:
        return f" (it runs from 0 to 1: write {value / 100:g} for {value:g}%)"
    if bound == 1 and isinstance(value, int | float) and 1 < value < 2:
        return " (it runs from 0 to 1)"
    return ""


def _discriminator(error: ErrorDetails) -> str:
    return str((error.get("ctx") or {}).get("discriminator", "type")).strip("'")


def _unknown_key(key: object, allowed: list[str]) -> str:
    intended = _intended_key(key, allowed)
    if intended is not None and ":" in str(key):
        rest = str(key).partition(":")[2]
        return f"unknown key '{key}'; put a space after the ':' (write '{intended}: {rest}')"
    if intended is not None:
        return f"unknown key '{key}'; did you mean '{intended}'?"
    return f"unknown key '{key}'" + (f"; allowed keys: {one_of(allowed)}" if allowed else "")


def _not_a_choice(value: object, expected: str) -> str:
    """A value outside a Literal; a quoted number where a number is expected says so."""
    raw = [c.strip() for c in expected.replace(" or ", ",").split(",")]
    if isinstance(value, str) and value in raw:
        return f"expected the number {value}, not the string '{value}' (remove the quotes)"
    choices = [c.strip("'") for c in raw]
    meant = _OPERATORS_AS_WRITTEN.get(value) if isinstance(value, str) else None
    hint = f"; did you mean '{meant}'?" if meant in choices else did_you_mean(value, choices)
    return f"{_show(value)} is not allowed here; expected one of: {', '.join(choices)}" + hint


_OPERATORS_AS_WRITTEN = {"=<": "<=", "=>": ">=", "=": "==", "<>": "!=", "=!": "!=", "≤": "<=", "≥": ">=",
                         "≠": "!=", "!": "!=", "in list": "in", "not_in": "not in", "notin": "not in"}
"""Operators as people write them elsewhere, and the one each means (closest spelling would say '<' for '=<')."""


def _show(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else describe(value)


def _yaml11_hint(value: object, expected: str) -> str:
    if isinstance(value, str) and value.lower() in YAML11_BOOLEANS and "true or false" in expected:
        truth = "true" if value.lower() in ("yes", "on", "y") else "false"
        return f" (YAML 1.2 reads '{value}' as a string; write {truth})"
    return ""


_NUMBER_WITH_EXTRA = re.compile(r"^\s*[-+]?[0-9]+(?:\.[0-9]+)?\s*(?:%|[^\d\s.,].*)$")


def _number_hint(value: object, expected: str) -> str:
    """A number written with a unit or a percent sign, or quoted: say how to write it."""
    if not isinstance(value, str) or not ("number" in expected or "integer" in expected):
        return ""
    if _NUMBER_WITH_EXTRA.match(value) is None:
        return " (remove the quotes)" if _is_number(value) else ""
    if value.rstrip().endswith("%"):
        return f" (write a plain number, e.g. {float(value.strip().rstrip('%')) / 100:g} for {value.strip()})"
    return " (write the number alone, without a unit)"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _context(data: Any, path: PathKey) -> str:
    """Name where an error sits by the ids along its path: (in parties.israel.red_lines.x)."""
    parts: list[str] = []
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int):
            parts.append(_item_name(node, part))
        else:
            parts.append(str(part))
    shown = ".".join(parts).replace(".[", "[")
    return f" (in {shown})" if shown else ""


def _item_name(item: Any, index: int) -> str:
    """An item of a list by its id where it has one, else by its index."""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return str(item["id"])
    return f"[{index}]"


def _allowed_keys(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The keys the model at ``loc`` accepts, found by following the schema's types."""
    target: Any = root
    for part in loc:
        target = _step(target, part)
        if target is None:
            return []
    model = _as_model(target)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _as_model(tp: Any) -> type[BaseModel] | None:
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _tag_of(tp: Any) -> str | None:
    for meta in getattr(tp, "__metadata__", ()):
        tag = getattr(meta, "tag", None)
        if isinstance(tag, str):
            return tag
    model = _as_model(tp)
    field = model.model_fields.get("type") if model else None
    if field is not None and typing.get_origin(field.annotation) is typing.Literal:
        return "|".join(typing.get_args(field.annotation))
    return None


def _step(tp: Any, part: int | str) -> Any:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _union_step(typing.get_args(tp), part)
    model = _as_model(tp)
    if model is not None:
        for name, field in model.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    if origin in (list, tuple) and isinstance(part, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    return None


def _union_step(members: tuple[Any, ...], part: int | str) -> Any:
    """Into a union: the member whose tag is ``part``, else the first member that has a ``part``."""
    tagged = [m for m in members if part in (_tag_of(m) or "").split("|")]
    if tagged:
        return _unwrap(tagged[0])
    for member in members:
        inner = _step(member, part)
        if inner is not None:
            return inner
    return None


def _effect_types() -> str:
    """The values an effect's ``type`` may take, from the schema itself."""
    from .events import Effect

    union = typing.get_args(Effect)[0]
    names = [name for member in typing.get_args(union)
             for name in typing.get_args(member.model_fields["type"].annotation)]
    return ", ".join(f"'{n}'" for n in names)
