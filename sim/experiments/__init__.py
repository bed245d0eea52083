"""Many runs: replications, backends (processes, Dask), sweeps, results folders, summaries, comparisons.

Also the bridge to the EMA Workbench. Built on :mod:`sim.simulation`.
"""
