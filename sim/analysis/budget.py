"""How an analysis searches: by listing the space or by a solver, and for how long before it reports what it found.

Kept free of heavy imports: the command line reads :data:`METHODS` for its choices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Budget:
    """Seconds an analysis may take from when the budget is made; None for no limit."""

    seconds: float | None = None
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float | None:
        """Seconds left (never below zero), or None without a limit."""
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - (time.monotonic() - self.started))

    @property
    def spent(self) -> bool:
        """Whether the budget has run out."""
        left = self.remaining()
        return left is not None and left <= 0.0


UNLIMITED = Budget()
"""No time limit: every search runs to its end."""


METHODS = ("auto", "enumerate", "solver")
"""How ``explain`` searches the deal space: ``enumerate`` lists every package, ``solver`` asks a constraint
solver, ``auto`` lists the space when the memory budget holds it and asks the solver otherwise."""
