"""How negsim reads Genius's files, in words: light, for the command line's --help as for the imported files."""

from __future__ import annotations

GENIUS_READING = (
    "Read as Genius reads them: each issue's evaluations are divided by the issue's largest one;",
    "an integer issue's linear evaluator is clamped to [0, 1] and then divided likewise; the",
    "weights are normalised to sum to 1 (negsim does it on loading); the reservation value is",
    "on that scale; discount factors are dropped (negsim does not discount utility over time).",
    "NegMAS reads the same XML by rules of its own, so its zone of possible agreement,",
    "frontier and Kalai-Smorodinsky point need not match these.",
    "The talks run with negsim's defaults (talks, horizon_days): Genius's deadline is not in",
    "these files; set talks.max_rounds to a tournament's number of rounds to match it.",
)
"""How an import reads Genius's files: written at the head of every imported scenario and in --help."""
