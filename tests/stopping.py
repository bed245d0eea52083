"""A negsim started as a subprocess: waiting for it to start, stopping it with a signal, and saying where it hung."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable

import pytest

DUMPING = {**os.environ, "PYTHONFAULTHANDLER": "1"}
"""The environment of a negsim a test stops: on SIGABRT it prints where each of its threads is."""


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Whether ``condition()`` came true within ``seconds`` (looked at every 50 ms), as a started negsim gets going."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def stop(child: subprocess.Popen[str], signum: int, timeout: float) -> str:
    """Send a signal to a running negsim and wait for it to end; its stderr.

    One that does not end in time fails the test with where it was (if started with :data:`DUMPING`).
    """
    try:
        child.send_signal(signum)
        _, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGABRT)
        _, err = child.communicate(timeout=10)
        pytest.fail(f"negsim went on {timeout:g} s after signal {signum}; where it was:\n{err}")
    finally:
        child.kill()
        child.wait(timeout=10)
    return err
