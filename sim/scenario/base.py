"""Shared building blocks of the scenario schema: the strict base model and id types."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
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

def _calendar_day(value: object) -> object:
    """Accept only a date or a ``YYYY-MM-DD`` string (no timestamps, no numbers)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError(f"expected a date written YYYY-MM-DD, got {value!r}")


Day = Annotated[date, Strict(False), BeforeValidator(_calendar_day)]
"""A calendar date written ``YYYY-MM-DD``."""

Prose = Annotated[StrictStr, StringConstraints(strip_whitespace=True)]
"""Free text; folded YAML blocks lose their trailing newline."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Utility = Annotated[float, Field(ge=0.0, le=1.0)]


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
