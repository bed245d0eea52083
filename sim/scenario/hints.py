"""Small helpers that make error messages helpful: 'did you mean', value descriptions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any


def closest(word: object, choices: Iterable[object]) -> object | None:
    """Return the choice closest to ``word`` (ignoring case if need be), or None."""
    names = {str(c): c for c in choices}
    close = difflib.get_close_matches(str(word), list(names), n=1, cutoff=0.6)
    if not close and isinstance(word, str):
        close = [n for n in names if n.lower() == word.lower()][:1]
    return names[close[0]] if close else None


def did_you_mean(word: object, choices: Iterable[object]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or an empty string."""
    choice = closest(word, choices)
    return f"; did you mean {quoted(choice)}?" if choice is not None else ""


def quoted(value: object) -> str:
    """Show a value as a user would write it in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def one_of(choices: Iterable[object], limit: int = 12) -> str:
    """List choices for a message, shortened when long."""
    items = [quoted(c) for c in choices]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f", … ({len(items)} in all)"
    return ", ".join(items)


def describe(value: Any) -> str:
    """Name the type of a YAML value for 'expected X, got Y' messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({quoted(value)})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"a string ('{shown}')"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def slug(text: str) -> str:
    """Turn a name into a valid id, e.g. 'No Troops' -> 'no-troops'."""
    return re.sub(r"[^a-z0-9_]+", "-", text.strip().lower()).strip("-_") or "my-id"


YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n"}


_PLURALS = {"party": "parties"}


def counted(n: int, thing: str) -> str:
    """``1 red line``, ``2 red lines``, ``3 parties``: a count with its noun in the right number."""
    return f"{n:,} {thing if n == 1 else _PLURALS.get(thing, thing + 's')}"
