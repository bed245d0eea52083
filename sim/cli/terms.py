"""Parse ``--terms issue=value,...`` from the command line into typed values."""

from __future__ import annotations

from ..errors import UsageError
from ..scenario.base import Scalar
from ..scenario.hints import did_you_mean
from ..scenario.model import Scenario


def parse_terms(text: str, scenario: Scenario) -> dict[str, Scalar]:
    """Parse ``a=x,b=3,c=true`` using each issue's type; unknown names raise UsageError."""
    issues = {i.id: i for i in scenario.issues}
    terms: dict[str, Scalar] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, raw = (s.strip() for s in item.partition("="))
        if not sep or not name or not raw:
            raise UsageError(f"term '{item}' should read issue=value, e.g. {scenario.issues[0].id}=...")
        if name not in issues:
            raise UsageError(f"unknown issue '{name}' in --terms" + did_you_mean(name, issues))
        if name in terms:
            raise UsageError(f"issue '{name}' is given twice in --terms")
        terms[name] = _typed(raw, issues[name].type, name)
    return terms


def _typed(raw: str, kind: str, name: str) -> Scalar:
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise UsageError(f"issue '{name}' is boolean: write {name}=true or {name}=false, not '{raw}'")
        return raw.lower() == "true"
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise UsageError(f"issue '{name}' takes an integer, not '{raw}'") from None
    return raw
