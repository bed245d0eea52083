"""Shared building blocks of the scenario schema: the strict base model and id types."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
REF_PATTERN = r"^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*$"

Id = Annotated[str, Strict(), Field(pattern=ID_PATTERN, max_length=80)]
"""An identifier: lower-case letters, digits, '-' and '_' (e.g. ``no-troops-in-philadelphi``)."""

RedLineRef = Annotated[str, Strict(), Field(pattern=REF_PATTERN)]
"""A red line named with its party, ``party/red-line-id``."""

Scalar = StrictBool | StrictInt | StrictStr
"""One value of an issue: a category name, an integer or a boolean."""

# -- limits of the format ------------------------------------------------------------------------
# Every bound a scenario's numbers and dates must keep, in one place: each keeps a run finite in
# time and memory and every number it computes finite (docs/scenario-format.md, "Limits").

LIMITS_DOC = "a limit of the scenario format, see 'Limits' in docs/scenario-format.md"
"""How a message names a limit of this block."""
MAX_VALUES_PER_ISSUE = 10_001
"""Values an issue may hold (categorical, ordered or integer): validation stays fast, codes fit int16."""
MAX_INTEGER = 1_000_000_000
"""Largest magnitude of an integer issue's ``min``, ``max`` and ``step``."""
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
"""Dates run from 1900 to 2999, so that start + horizon and every day a run reckons stay representable."""
MAX_HORIZON_DAYS = 3650
MAX_WEIGHT = 1_000_000.0
"""Largest weight of an issue or of a red line's version: weights are relative, their sum stays finite."""
MAX_BARGAINING_POWER = 1000.0
MAX_URGENCY = 100.0
"""Largest urgency, the bound effects already keep it within."""
MIN_EXPONENT, MAX_EXPONENT = 0.01, 100.0
"""Range of a concession curve's time exponent (0.2 is Boulware, 5 a conceder)."""
MAX_SHIFT = 100.0
"""Largest magnitude of an effect's ``by`` or ``to``; the world clamps each to what it moves anyway."""
MAX_RATE_PER_DAY = 1.0
"""Largest daily rate of a random event: at most 3,650 expected shocks in the longest run."""
MAX_EXPECTED_SHOCKS = 3_650
"""Most random events a run may expect in all: the sum over random events of rate x days they can fall on."""
DEFAULT_HORIZON_DAYS = 30
MAX_STEP_DAYS = 365.0
"""Longest travel, meeting or mean deliberation time of the talks."""
MAX_ROUNDS = 1_000
"""Most rounds of talks: with zero-length steps, rounds alone bound the turns a run plays."""
MAX_SUMMIT_ROUNDS = 100
MAX_SUMMIT_ROUNDS_IN_ALL = MAX_ROUNDS
"""Most rounds all summits together may hold (summit events x ``summit_rounds``), as for ``max_rounds``."""
DEFAULT_SUMMIT_ROUNDS = 3


def _calendar_day(value: object) -> object:
    """Accept only a date or a ``YYYY-MM-DD`` string (no timestamps, no numbers)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError(f"expected a date written YYYY-MM-DD, got {value!r}")


def _supported_day(value: date) -> date:
    """Refuse a day outside the years negsim reckons with."""
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(f"date {value.isoformat()} is outside the years {EARLIEST_DAY.year} to {LATEST_DAY.year} "
                         "that negsim supports; write a date in that range")
    return value


Day = Annotated[date, Strict(False), BeforeValidator(_calendar_day), AfterValidator(_supported_day)]
"""A calendar date written ``YYYY-MM-DD``, from 1900-01-01 to 2999-12-31."""

Prose = Annotated[StrictStr, StringConstraints(strip_whitespace=True)]
"""Free text; folded YAML blocks lose their trailing newline."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Utility = Annotated[float, Field(ge=0.0, le=1.0)]
Weight = Annotated[float, Field(ge=0.0, le=MAX_WEIGHT)]
Days = Annotated[float, Field(ge=0.0, le=MAX_STEP_DAYS)]
Shift = Annotated[float, Field(ge=-MAX_SHIFT, le=MAX_SHIFT)]


class Model(BaseModel):
    """Base of every schema model: immutable, strict types, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class SourceRef(Model):
    """Where a position comes from: a document of the scenario and its exact words."""

    doc: Id = Field(description="Id of a document listed under `sources`.")
    quote: Prose = Field(min_length=1, description="The words quoted, verbatim.")
    where: StrictStr | None = Field(None, description="Where in the document, e.g. 'paragraph 11'.")
    inferred: StrictBool = Field(
        False, description="The red line is the analyst's reading of these words, not what they say outright.")


Source = Literal["assumption"] | SourceRef
"""A quoted source, or ``assumption`` where no source says it."""
