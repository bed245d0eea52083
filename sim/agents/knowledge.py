"""What the principals know of one another's red lines: the table's common knowledge.

A red line that is not ``private`` is public: every party knows it as stated. A private red
line becomes known when a party refuses a text or an offer on it, naming it (a refusal is
said at the table, or carried by the mediator), and it is then known as it really is (its
active version). A public event that switches or drops a red line is heard by everyone.
A principal never offers what it knows another party will refuse on a red line, as long as
it has something else to offer (``Ranking.known`` in :mod:`sim.agents.ranking`).
"""

from __future__ import annotations

import numpy as np

from ..constraints.arrays import Bools
from ..scenario.redlines import STATED
from .expectation import Expectations, Expected
from .world import World


class RedLineKnowledge:
    """The red lines everyone at the table knows of, each with the version they take to be real."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.known: dict[str, str | None] = {}
        """Each known red line's version as the table takes it (None: known to be dropped)."""
        for ref, state in world.red_lines.items():  # a plain loop: often there are none, and a comprehension costs
            if not state.private:
                self.known[ref] = STATED
        self.revision = 0
        """Counts what was learned, so that principals know when to look again."""
        self._masks: dict[tuple[str, int], Bools | None] = {}
        self._settled: tuple[tuple[int, int], Expected | None] = ((-1, -1), None)

    def reveal(self, refs: tuple[str, ...]) -> bool:
        """A party refused on these red lines: from now on they are known as they are. Whether that was news."""
        news = self.would_tell(refs)
        if news:
            for ref in refs:
                self.known[ref] = self.world.red_lines[ref].active
            self.revision += 1
        return news

    def would_tell(self, refs: tuple[str, ...]) -> bool:
        """Whether a refusal on these red lines tells the table something it does not know."""
        states = self.world.red_lines
        return any(self.known.get(ref, _UNKNOWN) != states[ref].active for ref in refs)

    def everything_known(self) -> bool:
        """Whether the table knows every red line in force as it is (and takes none to be in force that is not)."""
        states, known = self.world.red_lines, self.known
        for ref, state in states.items():
            if state.active is not None and known.get(ref, _UNKNOWN) != state.active:
                return False
        return all(version is None or states[ref].active == version for ref, version in known.items())

    def common_settlement(self, parties: tuple[str, ...]) -> Expected | None:
        """The settlement every principal expects when the table knows every red line as it is (else None).

        Worked out once per change of the world or of what the table knows (:mod:`sim.agents.expectation`).
        """
        stamp = (self.world.revision, self.revision)
        if self._settled[0] != stamp:
            common = self.everything_known()
            found = self.world.shared.part(Expectations).over_zopa(self.world, parties) if common else None
            self._settled = (stamp, found)
        return self._settled[1]

    def hear(self, ref: str, version: str | None) -> None:
        """A public event switched or dropped a red line (for a private one: now known as it is)."""
        self.known[ref] = version
        self.revision += 1

    def others_allow(self, party: str) -> Bools | None:
        """Packages that meet every red line of the others that the party knows of (None if that is every package)."""
        key = (party, self.revision)
        if key not in self._masks:
            self._masks[key] = self._allowed(party)
        return self._masks[key]

    def _allowed(self, party: str) -> Bools | None:
        states, ok = self.world.red_lines, None
        for ref, version in self.known.items():
            if states[ref].party != party and version is not None:
                mask = self.world.mask(ref, version)
                ok = mask.copy() if ok is None else np.logical_and(ok, mask, out=ok)
        return None if ok is None or ok.all() else ok


_UNKNOWN = object()
"""What the table takes a red line it has not heard of to be."""
