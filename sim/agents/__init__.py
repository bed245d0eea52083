"""Negotiating agents in plain Python: parties, mediators and the world they share.

Nothing here imports simpy: the engine (``sim.simulation.talks``) owns time and events; agents
own negotiation. Every decision about red lines reads masks computed by the one check.
"""
