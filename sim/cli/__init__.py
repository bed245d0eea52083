"""The ``negsim`` command: argument parsing, subcommands, exit codes. The top layer."""
