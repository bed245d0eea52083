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
    nothing to offer. Each principal observes the offers it answered, as in turn-by-turn play.
    """
    parties, n = len(agents), len(offer_times)
    proposers = np.arange(first_turn, first_turn + n) % parties
    offers = np.zeros(n, dtype=np.intp)
    answered, plans = n, []
    for k, agent in enumerate(agents):
        own, theirs = (proposers == k).nonzero()[0], (proposers != k).nonzero()[0]
        demands = agent.demands(np.concatenate((offer_times[own], answer_times[theirs])))
        made = agent.offers(demands[:len(own)])
        if made is None:
            answered = min(answered, int(own[0]) if len(own) else n)
        else:
            offers[own] = made
        plans.append((theirs, demands[len(own):]))
    codes = np.full((parties, n), PROPOSES, dtype=np.int8)
    answers = []
    for j, (agent, (theirs, demands)) in enumerate(zip(agents, plans, strict=True)):
        why, utility = agent.answers(offers[theirs], demands)
        codes[j, theirs] = why
        answers.append((theirs, why, utility))
    everyone = (codes[:, :answered] <= ACCEPTS).all(axis=0)
    fits = allowed[offers[:answered]]
    agreements = (everyone & fits).nonzero()[0]
    agreed = len(agreements) > 0
    if agreed:
        answered = int(agreements[0]) + 1
    played = answered if agreed or answered == n else answered + 1
    best_refused = {}
    for j, (agent, (theirs, why, utility)) in enumerate(zip(agents, answers, strict=True)):
        cut = int(np.searchsorted(theirs, answered))
        seen = offers[theirs[:cut]]
        agent.observe_many(seen)
        if utility is not None and (refused := (why[:cut] > ACCEPTS).nonzero()[0]).size:
            best = refused[utility[refused].argmax()]
            best_refused[j] = (float(utility[best]), int(seen[best]))
    codes = codes[:, :answered]
    return Stretch(proposers[:played], offers[:played], codes, (everyone & ~fits)[:answered].nonzero()[0].tolist(),
                   agreed, played > answered, best_refused,
                   int((codes[:, -1] <= ACCEPTS).sum()) / parties if answered else None)
