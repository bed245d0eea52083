"""Defaults of sweeps and comparisons, light to import (the command line's help texts name them)."""

from __future__ import annotations

DEFAULT_TIME_LIMIT = 60.0
"""Seconds one replication may compute before it becomes an error row (``--time-limit``)."""
DEFAULT_REPLICATIONS = 1000
"""Replications per scenario when ``-n`` is not given."""
