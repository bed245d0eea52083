"""JSON Schema of the scenario format, for editors and other tools."""

from __future__ import annotations

import json
from typing import Any

from .model import Scenario

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file."""
    schema = Scenario.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema, "title": "negsim scenario"}


def json_schema_text() -> str:
    """The JSON Schema as stable, indented text ending in a newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
