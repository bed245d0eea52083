"""How the engine's answers and stretches of offers read in the event log."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from ..agents.principal import Answer, Principal
from ..agents.world import World
from ..constraints.check import WALK_AWAY_ID
from .stretch import Stretch
from .timeline import NOTHING, AnswerEntry, LoggedVerdicts, OfferTurns, Record

NO_OFFER = "no package meets its own red lines"
AGREEMENT = "every principal accepts; every active red line and walk-away value holds"
CARRIED = "accepts the settled text: it gives what it accepted in principle"
BLOCKED = "principals agree, but the text breaks red lines of others or a walk-away value"


def breaking(broken: tuple[str, ...]) -> dict[str, str] | None:
    """The verdicts a log entry gives for the red lines an answer rests on (None if none)."""
    return dict.fromkeys(broken, "breaks") if broken else None


def blocked_record(t: float, package: int, blockers: list[str]) -> Record:
    """The log record of a text every principal accepts but the one check does not allow."""
    return t, "blocked", None, package, dict.fromkeys(blockers, "breaks"), BLOCKED


def answer_entries(party: str) -> tuple[AnswerEntry, ...]:
    """How each answer of a principal but :attr:`Answer.PROPOSES` reads in the log, by code: (kind, verdicts, cause).

    The red lines a text breaks are named text by text instead.
    """
    walk_away = {f"{party}/{WALK_AWAY_ID}": "breaks"}
    answers = sorted(answer for answer in Answer if answer is not Answer.PROPOSES)  # listed by code, from 0
    return tuple([("accept" if answer.accepts else "reject", walk_away if answer is Answer.BELOW_WALK_AWAY else None,
                   answer.cause) for answer in answers])


@lru_cache(maxsize=1024)
def _entries_of(parties: tuple[str, ...]) -> tuple[tuple[AnswerEntry, ...], ...]:
    """:func:`answer_entries` of each of these parties, in their order: made once, shared by every block of turns.

    Shared between runs (the log copies verdicts when read).
    """
    return tuple([answer_entries(party) for party in parties])


def offer_turns(stretch: Stretch, order: tuple[str, ...], times: npt.NDArray[np.float64], end: float,
                agents: list[Principal], world: World) -> OfferTurns:
    """A stretch's offers, answers, blocked texts and ending as the block of log entries turn-by-turn play writes.

    ``times`` are the ends of the stretch's turns, or of more turns from its first on; ``end``
    is that of its last turn. The red lines each rejected text breaks, and those of blocked
    texts, are read now, while the world is as it was on the stretch.
    """
    offers = stretch.offers
    # most stretches have neither: they share NOTHING, and no comprehension runs for them
    own: Mapping[tuple[int, int], LoggedVerdicts] = NOTHING
    if stretch.on_red_lines:
        own = {(i, j): breaking(agents[j].breaks(offers.item(i))) for i, j in stretch.on_red_lines}
    blocked: Mapping[int, Record] = NOTHING
    if stretch.blocked:
        blocked = {i: blocked_record(times.item(i), offers.item(i), world.broken(offers.item(i)))
                   for i in stretch.blocked}
    closing: Record | None = None
    if stretch.agreed:
        closing = (end, "agreement", None, offers.item(-1), None, AGREEMENT)
    elif stretch.no_offer:
        closing = (end, "no-offer", order[stretch.proposers.item(-1)], None, None, NO_OFFER)
    # the columns whole: the block cuts them to the turns answered when the log is read, if ever
    return OfferTurns(stretch.answered, times, order, stretch.proposers, offers, stretch.answers,
                      _entries_of(order), own, blocked, closing)
