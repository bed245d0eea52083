"""Output files: written atomically, never over anything that is not a regular file.

An interrupted write leaves either the old file or the new one, never half. A path that
names a symbolic link, a FIFO, a device, a socket or a folder is refused and left as it
is: replacing it would destroy something negsim did not write (or, for a FIFO, block).
``-`` means standard output.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from sim.errors import UsageError

STDOUT = "-"
"""The output path that means standard output."""

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
# A temporary file's name is the target's plus a prefix and a random suffix: keep it under
# the usual 255-byte limit of a file name even when the target's own name is near it.
_TEMPORARY_NAME_PART = 100


def is_stdout(path: Path | str) -> bool:
    """Whether an output path means standard output (``-``)."""
    return str(path) == STDOUT


def os_reason(exc: OSError) -> str:
    """The operating system's own words for an error ("Permission denied", "No space left on device")."""
    return exc.strerror or str(exc)


def write_failure(path: Path, exc: OSError) -> UsageError:
    """A usage error naming the path negsim could not write and the OS's reason."""
    return UsageError(f"cannot write '{path}': {os_reason(exc)}")


def file_kind(path: Path) -> str | None:
    """What is at ``path`` when it is not a regular file ("a symbolic link", ...); None if nothing or a file."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise write_failure(path, exc) from None
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def refuse_unless_replaceable(path: Path) -> None:
    """Refuse an output path that names anything but a regular file or nothing."""
    kind = file_kind(path)
    if kind is not None:
        raise UsageError(f"cannot write '{path}': it is {kind}, not a regular file; negsim replaces only "
                         "regular files and has left it untouched (name another file)")


def write_output(path: Path, text: str) -> None:
    """Write a user-named output: to standard output for ``-``, else atomically to a regular file."""
    if is_stdout(path):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomically(path, text)


def write_atomically(path: Path, text: str) -> None:
    """Write text to ``path`` through a temporary file in the same folder, then rename it.

    Raises:
        UsageError: ``path`` names something other than a regular file, its folder does not
            exist, or the operating system refuses the write (the message gives its reason);
            nothing is left behind.
    """
    folder = path.parent if str(path.parent) else Path(".")
    refuse_unless_replaceable(path)
    if not folder.is_dir():
        raise UsageError(f"cannot write '{path}': folder '{folder}' does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name[:_TEMPORARY_NAME_PART]}.", suffix=".tmp",
                                             dir=folder)
    except OSError as exc:
        raise write_failure(path, exc) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        # Checked again just before the rename, which would replace a link or device put there meanwhile.
        refuse_unless_replaceable(path)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise write_failure(path, exc) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
