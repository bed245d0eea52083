"""Negotiating agents in plain Python: parties, mediators and the world they share.

Nothing here imports simpy: the engine (``sim.engine``) owns time and events; agents
own negotiation. Every decision about red lines reads masks computed by the one check.
"""
