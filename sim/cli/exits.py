"""Exit codes, and the command line of the command running: what the light entry point needs."""

from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
INTERRUPTED = 130
"""The exit code of a command the user stopped (128 + SIGINT, as a shell reports it)."""
ARGV: list[str] = []
"""The command line of the command running, for provenance and manifests."""
