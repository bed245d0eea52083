"""A stop the user asked for (Ctrl-C, ``kill``, a closed terminal), kept so that it cannot be lost.

The command line turns those signals into a ``KeyboardInterrupt`` raised wherever the main
thread is, so that even a long run stops at once. Python does not promise that such an
exception arrives: raised inside library code that catches everything, it is gone. numpy
loads ``numpy.random`` on first use, which in a sweep is the first replication, and the
set-up Cython writes into its modules wraps a registration in a bare ``except``: a Ctrl-C
landing there was swallowed, and a sweep of 200,000 replications went on. So the signal
handler also notes the interrupt here, and the long loops look at it: a sweep before each
replication, a run every :data:`sim.simulation.talks.STEPS_BETWEEN_CHECKS` simulated events.

While a sweep writes a chunk of rows, or finishes a folder it was asked to stop, an interrupt
is only noted (:func:`deferred`): a file is never left with half a chunk, and a stopped sweep's
completed replications are kept.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_INTERRUPTED = threading.Event()
_DEFERRING = threading.Event()


class KeptInterrupted(KeyboardInterrupt):
    """A stop the user asked for, after which the work done so far was kept (its text says where, and how to go on)."""


def note_interrupt() -> None:
    """Record that the user asked negsim to stop (the command line's signal handler calls this)."""
    _INTERRUPTED.set()


def forget_interrupt() -> None:
    """Clear a recorded interrupt and any deferral, as a new command starts."""
    _INTERRUPTED.clear()
    _DEFERRING.clear()


def raise_if_interrupted() -> None:
    """Raise ``KeyboardInterrupt`` if the user asked to stop, even if the one raised then was lost."""
    if _INTERRUPTED.is_set():
        raise KeyboardInterrupt


def deferring() -> bool:
    """Whether an interrupt is to be noted only, not raised at once (the signal handler asks)."""
    return _DEFERRING.is_set()


class Deferral:
    """A block in which, from :meth:`start` on, an interrupt is only noted; the caller looks afterwards.

    A sweep defers while it writes a chunk of rows, and from the end of its replications until
    its folder is in place, so that a second Ctrl-C cannot lose what it keeps. Deferrals may
    nest: only the one that started it ends it.
    """

    def __init__(self) -> None:
        self._started = False

    def __enter__(self) -> Deferral:
        return self

    def start(self) -> None:
        """Defer interrupts from now to the end of the block."""
        if not _DEFERRING.is_set():
            _DEFERRING.set()
            self._started = True

    def __exit__(self, *_: object) -> None:
        if self._started:
            _DEFERRING.clear()
            self._started = False


@contextmanager
def deferred() -> Iterator[None]:
    """A block that an interrupt does not break into (a :class:`Deferral` started at once)."""
    with Deferral() as deferral:
        deferral.start()
        yield
