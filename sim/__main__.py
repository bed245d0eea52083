"""Run the command line as ``python -m sim``."""

from .cli.main import main

raise SystemExit(main())
