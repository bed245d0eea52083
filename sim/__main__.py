"""Run the command line as ``python -m sim``."""

from sim.cli import main

raise SystemExit(main())
