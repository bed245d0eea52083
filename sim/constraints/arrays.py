"""The numpy array types of negsim, named once for every layer above.

Packages are rows of ``int16`` codes, verdicts are ``int8`` (see :class:`~sim.constraints.verdict.Verdict`),
masks are booleans and utilities floats; the analyses, agents and simulation import these names from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Codes = npt.NDArray[np.int16]
"""Packages as codes: one row per package, one column per issue."""
Verdicts = npt.NDArray[np.int8]
"""Verdict codes (:class:`~sim.constraints.verdict.Verdict` values), one per package or per red line and package."""
Bools = npt.NDArray[np.bool_]
"""A mask, e.g. which packages meet a red line."""
Floats = npt.NDArray[np.float64]
"""Utilities, walk-away values and other reals."""
Indices = npt.NDArray[np.intp]
"""Positions of packages (rows) in a list of packages."""
Columns = Sequence[npt.NDArray[np.integer[Any]]]
"""One array of codes per issue; ``np.intp`` columns are the fastest to look up."""

__all__ = ["Bools", "Codes", "Columns", "Floats", "Indices", "Verdicts"]
