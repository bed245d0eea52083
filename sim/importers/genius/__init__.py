"""Import Genius negotiation domains (the XML format of the ANAC benchmarks) as negsim scenarios.

The format, as Genius itself reads it:

- A **domain** file holds ``<negotiation_template>`` → ``<utility_space>`` → ``<objective>``,
  whose ``<issue index=.. name=.. type=..>`` children (objectives may nest) list the issues.
  A discrete issue lists ``<item value=..>``; an integer issue carries ``lowerbound`` and
  ``upperbound`` attributes. ``type`` (or ``vtype``) is ``discrete`` when absent.
- A **profile** file holds ``<utility_space>`` → ``<objective>`` with the same issues, each
  ``<item>`` carrying an ``evaluation`` (any non-negative number: Genius divides it by the
  largest evaluation of its issue), and ``<weight index=.. value=..>`` elements naming issues by
  index. An integer issue has ``<evaluator ftype="linear" slope=.. offset=..>``: the value of
  ``x`` is ``offset + slope * (x - lowerbound)``, clipped to [0, 1]. ``<reservation value=..>``
  and ``<discount_factor value=..>`` sit beside the objective.

Each profile becomes a principal party with linear-additive preferences. Genius has no red
lines, no calendar and no discounting in negsim: the discount factor is noted and ignored.
"""

from .convert import Imported, convert, import_genius
from .readings import linear_points

__all__ = ["Imported", "convert", "import_genius", "linear_points"]
