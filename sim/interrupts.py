"""A stop the user asked for (Ctrl-C, ``kill``, a closed terminal), kept so that it cannot be lost.

The command line turns those signals into a ``KeyboardInterrupt`` raised wherever the main
thread is, so that even a long run stops at once. Python does not promise that such an
exception arrives: raised inside library code that catches everything, it is gone. numpy
loads ``numpy.random`` on first use, which in a sweep is the first replication, and the
set-up Cython writes into its modules wraps a registration in a bare ``except``: a Ctrl-C
landing there was swallowed, and a sweep of 200,000 replications went on. So the signal
handler also notes the interrupt here, and the long loops look at it: a sweep before each
replication, a run every :data:`sim.simulation.talks.STEPS_BETWEEN_CHECKS` simulated events.
"""

from __future__ import annotations

import threading

_INTERRUPTED = threading.Event()


def note_interrupt() -> None:
    """Record that the user asked negsim to stop (the command line's signal handler calls this)."""
    _INTERRUPTED.set()


def forget_interrupt() -> None:
    """Clear a recorded interrupt, as a new command starts."""
    _INTERRUPTED.clear()


def raise_if_interrupted() -> None:
    """Raise ``KeyboardInterrupt`` if the user asked to stop, even if the one raised then was lost."""
    if _INTERRUPTED.is_set():
        raise KeyboardInterrupt
