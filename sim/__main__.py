"""Run the command line as ``python -m sim``."""

from sim.cli.main import main

raise SystemExit(main())
