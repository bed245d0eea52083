"""The mediator's book keeps one record per principal: its last answer, to which text, in which state.

Whether the mediator asks a principal again, whose acceptance stands towards a deal and who
withholds only on open issues are all read from that one record, so they cannot disagree.
"""

from __future__ import annotations

from datetime import date

import simpy

from negsim.agents.principal import Answer, Response
from negsim.simulation.shuttle import Shuttle
from negsim.simulation.timeline import EventLog

TEXT = 7
BEFORE, AFTER = (0, 0, 0), (0, 1, 0)  # the table learns a red line in between


def shuttle() -> Shuttle:
    env = simpy.Environment()
    return Shuttle(env, EventLog(date(2025, 1, 1)), "m", ["m"], {"m": None}, {})


def answer(party: str, how: Answer, broken: tuple[str, ...] = ()) -> Response:
    return Response(party, TEXT, how, broken, how.cause, 0.5)


def test_an_acceptance_stands_only_in_the_state_it_was_given_in() -> None:
    book = shuttle()
    book.heard(answer("a", Answer.ACCEPTS), BEFORE)
    book.heard(answer("b", Answer.BREAKS_RED_LINES, ("b/private",)), AFTER)  # its refusal reveals a red line
    assert book.standing(TEXT, BEFORE) == ["a"]
    assert book.standing(TEXT, AFTER) == []  # what the table learned asks a again
    assert book.stands("a", TEXT, BEFORE) and not book.stands("a", TEXT, AFTER)
    assert book.stands("b", TEXT, AFTER)  # a refusal on red lines cannot change while nothing does


def test_the_last_answer_replaces_the_one_before() -> None:
    book = shuttle()
    book.heard(answer("a", Answer.ACCEPTS), BEFORE)
    book.heard(answer("a", Answer.WITHHOLDS), BEFORE)
    assert book.standing(TEXT, BEFORE) == [] and book.withholding(TEXT, BEFORE) == ["a"]
    book.heard(answer("a", Answer.ASKS_FOR_MORE), BEFORE)
    assert book.withholding(TEXT, BEFORE) == [] and not book.stands("a", TEXT, BEFORE)  # it may concede in time
