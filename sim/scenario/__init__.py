"""The scenario format: schema, loader and JSON Schema export."""

from sim.scenario.loader import load, loads, read
from sim.scenario.model import Issue, Party, Proposal, Scenario

__all__ = ["Issue", "Party", "Proposal", "Scenario", "load", "loads", "read"]
