"""How negsim reads Genius's files, in words: light, for the command line's --help as for the imported files."""

from __future__ import annotations

READINGS = ("genius", "negmas")
"""The readings ``import-genius --reading`` takes (``readings.Reading``), light for the command line."""

GENIUS_WORDS = (
    "Read as Genius reads them (--reading genius, the default): each issue's evaluations are",
    "divided by the issue's largest one; an integer issue's linear evaluator, offset + slope *",
    "(x - lowerbound), is clamped to [0, 1]; the weights are normalised to sum to 1 (negsim does it",
    "on loading); the reservation value is on that scale.",
)
NEGMAS_WORDS = (
    "Read as NegMAS reads them (--reading negmas): a package is worth the sum of weight times",
    "evaluation, with evaluations and weights as written (an integer issue's offset + slope * x,",
    "unclamped) and the reservation value on that scale; each profile is then mapped into negsim's",
    "0 to 1 by one positive affine map (below), which keeps NegMAS's zone of possible agreement,",
    "Pareto frontier, Nash and Kalai-Smorodinsky packages.",
)
COMMON_WORDS = (
    "Either way discount factors are dropped (negsim does not discount utility over time). The",
    "two readings weigh issues differently, so their deal spaces can differ on the same files.",
)
READING_WORDS = {"genius": GENIUS_WORDS + COMMON_WORDS, "negmas": NEGMAS_WORDS + COMMON_WORDS}
"""Each reading in words: written at the head of every imported scenario, and in --help."""

DEADLINE_UNKNOWN = (
    "Genius's deadline is not in these files (a tournament sets it): the talks run with negsim's",
    "defaults (talks, horizon_days). Import with --rounds N, or set talks.max_rounds, to match a",
    "deadline of N rounds.",
)
"""What an import says of the deadline when none is given."""


def rounds_words(rounds: int) -> tuple[str, ...]:
    """What an import says of a deadline given in rounds."""
    return (f"Deadline: {rounds} rounds (--rounds), each party making one offer a round, as in Genius's",
            "alternating-offers protocol; a time deadline has no counterpart in negsim's calendar.")


HELP_WORDS = (*GENIUS_WORDS, "", *NEGMAS_WORDS, "", *COMMON_WORDS, "", *DEADLINE_UNKNOWN)
"""``negsim import-genius --help``: both readings, and the deadline."""
