"""The scenario format: schema, loader and JSON Schema export."""

from .loader import load, loads, read
from .model import Issue, Party, Proposal, Scenario

__all__ = ["Issue", "Party", "Proposal", "Scenario", "load", "loads", "read"]
