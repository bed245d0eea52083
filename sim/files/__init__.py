"""The user's files: reading inputs and writing outputs without ever losing or half-writing one.

The lowest layer after :mod:`sim.errors`; it knows nothing of negotiations.
"""
