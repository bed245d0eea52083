"""Shared building blocks of the scenario schema: the strict base model and id types."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictBool, StrictInt, StrictStr, StringConstraints

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
REF_PATTERN = r"^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*$"

Id = Annotated[str, Strict(), Field(pattern=ID_PATTERN, max_length=80)]
"""An identifier: lower-case letters, digits, '-' and '_' (e.g. ``no-troops-in-philadelphi``)."""

RedLineRef = Annotated[str, Strict(), Field(pattern=REF_PATTERN)]
"""A red line named with its party, ``party/red-line-id``."""

Scalar = StrictBool | StrictInt | StrictStr
"""One value of an issue: a category name, an integer or a boolean."""

Day = Annotated[date, Strict(False)]
"""A calendar date written ``YYYY-MM-DD``."""

Prose = Annotated[StrictStr, StringConstraints(strip_whitespace=True)]
"""Free text; folded YAML blocks lose their trailing newline."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Utility = Annotated[float, Field(ge=0.0, le=1.0)]


class Model(BaseModel):
    """Base of every schema model: immutable, strict types, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SourceRef(Model):
    """Where a position comes from: a document of the scenario and its exact words."""

    doc: Id = Field(description="Id of a document listed under `sources`.")
    quote: Prose = Field(min_length=1, description="The words quoted, verbatim.")
    where: StrictStr | None = Field(None, description="Where in the document, e.g. 'paragraph 11'.")


Source = Literal["assumption"] | SourceRef
"""A quoted source, or ``assumption`` where no source says it."""
