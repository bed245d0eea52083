"""The one check: the outcome space, red lines and preferences compiled, verdicts and evaluations.

Every caller that must know whether a package meets a red line or a walk-away value asks
:meth:`sim.constraints.check.CompiledConstraints.check`. Imports only :mod:`sim.scenario`, :mod:`sim.files`
and :mod:`sim.errors`.
"""
