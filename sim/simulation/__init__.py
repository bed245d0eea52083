"""The talks over calendar time: the simpy processes, alternating-offer stretches, the event log, draws.

The only layer that imports simpy. Agents (:mod:`sim.agents`) decide; this layer schedules
their decisions and records them.
"""
