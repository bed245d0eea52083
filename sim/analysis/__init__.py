"""Analyses of the deal space: ZOPA, clashing red lines, concessions, bargaining points."""
