"""Red lines: a party's hard constraints, each with its source and alternative versions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, model_validator

from .base import MAX_WEIGHT, Id, Model, Probability, Prose, Source
from .conditions import Condition

STATED = "stated"
"""Version id of a red line as the scenario states it."""


class RedLineVersion(Model):
    """Another version of a red line that may be the real one: softer, harder, or a bluff."""

    id: Id
    kind: Literal["softer", "harder", "bluff", "other"]
    when: Condition | None = None
    require: Condition | None = None
    weight: float = Field(1.0, gt=0, le=MAX_WEIGHT, description="Relative chance among the alternatives.")
    rationale: Prose = ""
    source: Source = "assumption"

    @model_validator(mode="after")
    def _bluff_has_no_rule(self) -> RedLineVersion:
        if self.kind == "bluff" and (self.require is not None or self.when is not None):
            raise ValueError("a 'bluff' version means no red line at all; remove 'when'/'require'")
        if self.kind != "bluff" and self.require is None:
            raise ValueError(f"a '{self.kind}' version needs 'require'")
        return self


class RedLine(Model):
    """A hard constraint of one party: where ``when`` holds, ``require`` must hold."""

    id: Id
    when: Condition | None = None
    require: Condition
    rationale: Prose = Field(min_length=1)
    source: Source
    confidence: Probability = Field(1.0, description="Chance that this stated version is the real one.")
    if_left_open: Literal["withhold", "defer"] = Field(
        "withhold",
        description="Whether the party accepts a text that leaves this red line's issues open "
        "(`defer`) or withholds acceptance until they are settled (`withhold`).",
    )
    private: StrictBool = Field(False, description="Known to others only once it makes the party reject.")
    versions: list[RedLineVersion] = []
