"""Alternating offers worked out many turns at a time.

While nothing else can happen in the talks (no event, shock or deadline falls between two
turns), the world stands still, and principals whose demands depend on time alone (every
style but tit-for-tat) make and answer their offers independently of one another's past
moves. A whole stretch of turns can then be worked out at once, with arrays: each proposer's
offers at its demands of the moment, each other principal's answer to each offer, and the
first turn on which every principal accepts a package that the one check allows.

The answers are those of :meth:`Principal.respond` and the offers those of
:meth:`Principal.offer`, turn for turn (the engine's tests compare the two ways on random
scenarios, byte for byte).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.agents.principal import ACCEPTS, Principal

PROPOSES = -1
"""The answer code of the principal whose offer it is."""


@dataclass(frozen=True)
class Stretch:
    """What happened on a stretch of turns: who offered what, and how each other principal answered.

    ``codes[p, i]`` is principal ``p``'s answer code on turn ``i`` (:data:`PROPOSES` on its
    own offers; see :data:`sim.agents.principal.CAUSES`), for the turns that were answered.
    When ``no_offer``, the last turn's proposer had nothing to offer, and that turn has no
    answers. ``best_refused[p]`` is the refused offer with the highest utility for ``p``
    (the first such): (utility, package).
    """

    proposers: npt.NDArray[np.intp]
    offers: npt.NDArray[np.intp]
    codes: npt.NDArray[np.int8]
    blocked: list[int]
    agreed: bool
    no_offer: bool
    best_refused: dict[int, tuple[float, int]]
    progress: float | None
    """The share of principals that accepted the last offer answered (the proposer counts); None if none was."""

    @property
    def turns(self) -> int:
        """Turns played, the last one included even when it had no offer."""
        return len(self.proposers)


def play(agents: Sequence[Principal], first_turn: int, offer_times: npt.NDArray[np.float64],
         answer_times: npt.NDArray[np.float64], allowed: npt.NDArray[np.bool_]) -> Stretch:
    """Play turns ``first_turn, first_turn + 1, ...`` at the given relative times.

    Turn ``i``'s proposer (principal ``(first_turn + i) % len(agents)``) makes its offer at
    relative time ``offer_times[i]``, and the others answer it at ``answer_times[i]``;
    ``allowed`` marks the packages an agreement may take (every active red line and
    walk-away value holds). The stretch stops at the first agreement, or at a proposer with
    nothing to offer. (Principals that plan ahead do not keep what they observe.)
    """
    parties, n = len(agents), len(offer_times)
    turns = [_Turns(k, first_turn, parties, n) for k in range(parties)]
    offers = np.zeros(n, dtype=np.intp)
    answered = n
    demands = []
    for agent, t in zip(agents, turns, strict=True):
        wanted = agent.demands(np.concatenate((offer_times[t.own], answer_times[t.theirs])))
        made = agent.offers(wanted[:t.owned])
        if made is None:
            answered = min(answered, t.first_own)
        else:
            offers[t.own] = made
        demands.append(wanted[t.owned:])
    codes = np.full((parties, n), PROPOSES, dtype=np.int8)
    answers = []
    for j, (agent, t) in enumerate(zip(agents, turns, strict=True)):
        why, utility = agent.answers(offers[t.theirs], demands[j])
        codes[j, t.theirs] = why
        answers.append((why, utility))
    everyone = codes.max(axis=0) <= ACCEPTS
    fits = allowed[offers]
    agreements = (everyone[:answered] & fits[:answered]).nonzero()[0]
    agreed = len(agreements) > 0
    if agreed:
        answered = int(agreements[0]) + 1
    played = answered if agreed or answered == n else answered + 1
    best_refused = {}
    for j, (t, (why, utility)) in enumerate(zip(turns, answers, strict=True)):
        cut = t.answered_before(answered)
        seen = offers[t.theirs][:cut]
        if utility is not None and (refused := (why[:cut] > ACCEPTS).nonzero()[0]).size:
            best = refused[utility[refused].argmax()]
            best_refused[j] = (float(utility[best]), int(seen[best]))
    codes = codes[:, :answered]
    return Stretch((np.arange(first_turn, first_turn + played) % parties), offers[:played], codes,
                   (everyone[:answered] & ~fits[:answered]).nonzero()[0].tolist(), agreed, played > answered,
                   best_refused, int((codes[:, -1] <= ACCEPTS).sum()) / parties if answered else None)


class _Turns:
    """Which of ``n`` turns from ``first_turn`` on are principal ``k``'s to offer, and which to answer."""

    def __init__(self, k: int, first_turn: int, parties: int, n: int) -> None:
        start = (k - first_turn) % parties
        self.own = slice(start, None, parties)
        self.owned = len(range(start, n, parties))
        self.first_own = start if start < n else n
        self.theirs: slice | npt.NDArray[np.intp] = slice(1 - start, None, 2) if parties == 2 else \
            np.delete(np.arange(n), self.own)

    def answered_before(self, turn: int) -> int:
        """How many of the turns this principal answers come before ``turn``."""
        if isinstance(self.theirs, slice):
            return len(range(self.theirs.start or 0, turn, 2))
        return int(np.searchsorted(self.theirs, turn))
