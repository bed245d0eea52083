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

from ..errors import UsageError, os_reason

STDOUT = "-"
"""The output path that means standard output."""

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
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
    return kind_of(mode)


def kind_of(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file ("a named pipe (FIFO)", ...); None if it is.

    The one list of names for what negsim refuses to read or replace: outputs, scenarios,
    Genius files and source documents.
    """
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def refuse_overwriting_inputs(path: Path, inputs: list[Path]) -> None:
    """Refuse an output path that is one of the command's own inputs, or lies inside an input folder."""
    if is_stdout(path):
        return
    target = Path(os.path.realpath(path))
    for given in inputs:
        source = Path(os.path.realpath(given))
        inside = source.is_dir() and target.is_relative_to(source) and target.exists()
        if target == source or (inside and target.name != "report.html"):
            raise UsageError(f"cannot write '{path}': it would overwrite {'' if target == source else 'a file in '}"
                             f"the input '{given}'; name another file")


def check_output(path: Path, inputs: list[Path], *, replace: bool = True) -> None:
    """Before a command does its work, refuse an output path it could not or must not write.

    ``-`` (standard output) always passes. Otherwise the path must be a regular file or
    nothing (an existing file only with ``replace``, which the user's ``--force`` gives),
    must not be one of the command's ``inputs``, and its folder must take a new file (a
    temporary one is created and removed): a read-only folder or a denied permission is
    then said at once, not after a simulation or a report.

    Raises:
        UsageError: The path is refused, with the reason.
    """
    if is_stdout(path):
        return
    refuse_unless_replaceable(path)
    refuse_overwriting_inputs(path, inputs)
    if not replace and path.exists():
        raise UsageError(f"'{path}' already exists; pass --force to replace it, or name another file")
    folder = _folder_of(path)
    try:
        handle, probe = tempfile.mkstemp(prefix=f".{path.name[:_TEMPORARY_NAME_PART]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise write_failure(path, exc) from None
    os.close(handle)
    os.unlink(probe)


def _mode_for(path: Path) -> int:
    """The new file's permissions: those of the file it replaces (a private file stays private), else the umask's."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _folder_of(path: Path) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"cannot write '{path}': folder '{folder}' does not exist")
    return folder


def refuse_unless_replaceable(path: Path) -> None:
    """Refuse an output path that names anything but a regular file or nothing."""
    kind = file_kind(path)
    if kind is not None:
        raise UsageError(f"cannot write '{path}': it is {kind}, not a regular file; negsim replaces only "
                         "regular files and has left it untouched (name another file)")


def write_output(path: Path, text: str) -> None:
    """Write a user-named output: to standard output for ``-``, else atomically to a regular file."""
    if is_stdout(path):
        write_stdout(text)
        return
    write_atomically(path, text)


def write_stdout(text: str) -> None:
    """Write to standard output; a closed pipe or a full disk there is the environment's, not a bug.

    Raises:
        UsageError: Standard output cannot be written (its reader closed it, the disk is full).
    """
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        _silence_stdout()
        raise UsageError(f"cannot write to standard output: {os_reason(exc)}") from None


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that Python's flush at exit does not fail on it again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass  # stdout without a file descriptor (a test's capture): nothing to silence


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write text (or bytes: an image) to ``path`` through a temporary file in the same folder, then rename it.

    Raises:
        UsageError: ``path`` names something other than a regular file, its folder does not
            exist, or the operating system refuses the write (the message gives its reason);
            nothing is left behind.
    """
    refuse_unless_replaceable(path)
    folder = _folder_of(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name[:_TEMPORARY_NAME_PART]}.", suffix=".tmp",
                                             dir=folder)
    except OSError as exc:
        raise write_failure(path, exc) from None
    try:
        if isinstance(text, bytes):
            with os.fdopen(handle, "wb") as binary:
                binary.write(text)
                binary.flush()
                os.fsync(binary.fileno())
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
        os.chmod(temporary, _mode_for(path))
        # Checked again just before the rename, which would replace a link or device put there meanwhile.
        refuse_unless_replaceable(path)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise write_failure(path, exc) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
