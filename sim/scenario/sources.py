"""Check that every quoted source appears verbatim in the document it names.

A quote matches when it stands in the document word for word, with differences in
white space and typographic quotes forgiven (’ for ', “ ” for "). A paraphrase fails.

Source documents are read only from inside the folder given to ``check --sources``,
only as regular files and only up to :data:`MAX_SOURCE_BYTES`: a scenario names the
file, so a scenario must not be able to make negsim read (and quote back) anything else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, os_reason
from ..files.outputs import kind_of
from .hints import counted
from .yamlio import Document, PathKey

MAX_SOURCE_BYTES = 8 * 1024 * 1024
"""The largest source document ``check --sources`` reads (8 MiB)."""
MAX_PASSAGE_CHARS = 300
"""The longest "closest passage" a failed quote shows."""
_MIN_CLOSE_MATCH = 12
"""Fewer characters in common than this, and no passage is said to come close."""
_SEARCH_BUDGET = 400_000_000
"""Characters of document searched, over all starts, in looking for the closest passage (about 0.3 s)."""

_TYPOGRAPHIC = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "\u00a0": " "})
_INSIDE = "name a file inside the --sources folder, relative to it"


class RefusedSource(Exception):
    """A source document that may not or cannot be read; the message says why and what to do."""


def normalise(text: str) -> str:
    """Fold typographic quotes to ASCII and runs of white space to one space."""
    return re.sub(r"\s+", " ", text.translate(_TYPOGRAPHIC)).strip()


def quoted_sources(data: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str, str]]:
    """Every ``source: {doc, quote}`` in a document, as (path, doc id, quote)."""
    if isinstance(data, dict):
        if path and path[-1] == "source" and isinstance(data.get("doc"), str) and isinstance(data.get("quote"), str):
            yield path, data["doc"], data["quote"]
        for key, value in data.items():
            yield from quoted_sources(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from quoted_sources(value, (*path, i))


def check_quotes(doc: Document, folder: Path) -> list[Diagnostic]:
    """Verify every quote of a scenario against the documents found in ``folder``.

    The quotes of a document without a ``file`` (a page online, a printed work) cannot be checked
    here: each such document gets one note that says how many of its quotes were not checked and
    where a reader can check them.
    """
    findings: list[Diagnostic] = []
    texts: dict[str, str | None] = {}
    sources = {s.get("id"): (i, s) for i, s in enumerate(doc.data.get("sources") or []) if isinstance(s, dict)}
    unchecked: dict[str, int] = {}
    for path, doc_id, quote in quoted_sources(doc.data):
        if doc_id not in sources:
            continue
        index, entry = sources[doc_id]
        if not isinstance(entry.get("file"), str):
            unchecked[doc_id] = unchecked.get(doc_id, 0) + 1
            continue
        if doc_id not in texts:
            texts[doc_id] = _document_text(doc, folder, index, entry, findings)
        text = texts[doc_id]
        if text is not None and normalise(quote) not in text:
            line, col = doc.where.locate((*path, "quote"))
            findings.append(Diagnostic(doc.path, line, col, f"quote not found verbatim in "
                                       f"'{entry.get('file')}'{_closest(quote, text)}"))
    for doc_id, count in sorted(unchecked.items(), key=lambda item: sources[item[0]][0]):
        index, entry = sources[doc_id]
        findings.append(_not_checked_here(doc, index, entry, count))
    return findings


def _not_checked_here(doc: Document, index: int, entry: dict[str, Any], count: int) -> Diagnostic:
    """A note that a document without a local file has quotes not checked, and where to check them."""
    found = [f"{key} {entry[key]}" for key in ("citation", "url") if isinstance(entry.get(key), str)]
    quotes = counted(count, "quote")
    line, col = doc.where.locate(("sources", index))
    return Diagnostic(doc.path, line, col, f"{quotes} from source '{entry.get('id')}' not checked locally "
                      f"(it names no 'file'); check {'them' if count != 1 else 'it'} against its "
                      f"{' and its '.join(found) or 'document'}", "note")


def _document_text(doc: Document, folder: Path, index: int, entry: dict[str, Any],
                   findings: list[Diagnostic]) -> str | None:
    name = entry.get("file")
    assert isinstance(name, str)
    try:
        return normalise(read_source(folder, name))
    except RefusedSource as exc:
        line, col = doc.where.locate(("sources", index, "file"))
        findings.append(Diagnostic(doc.path, line, col, str(exc)))
        return None


def read_source(folder: Path, name: str) -> str:
    """Read the source document ``name`` from inside ``folder`` as UTF-8 text.

    Args:
        folder: The folder given to ``check --sources``.
        name: The ``file`` a scenario's source entry names, relative to ``folder``.

    Returns:
        The document's text.

    Raises:
        RefusedSource: The name leaves the folder (an absolute path, ``..``, a link pointing out), is not a
            regular file, is larger than MAX_SOURCE_BYTES, cannot be read or is not UTF-8.
    """
    target = _inside(folder, name)
    raw = _read_regular_file(target, name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RefusedSource(f"cannot read source document '{name}': not UTF-8 text") from None


def _inside(folder: Path, name: str) -> Path:
    """The real path of ``name`` in ``folder``, links resolved, refused if it leaves the folder."""
    if "\0" in name or not name.strip():
        raise RefusedSource(f"source file '{name}' is not a file name; {_INSIDE}")
    if Path(name).is_absolute() or name.startswith(("/", "\\")):
        raise RefusedSource(f"source file '{name}' is an absolute path; {_INSIDE}")
    try:
        root = folder.resolve(strict=True)
        target = (root / name).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
        reason = os_reason(exc) if isinstance(exc, OSError) else "a loop of symbolic links"
        raise RefusedSource(f"cannot read source document '{name}': {reason}") from None
    if not target.is_relative_to(root):
        how = "leads" if ".." in Path(name).parts else "is a link that leads"
        raise RefusedSource(f"source file '{name}' {how} outside the --sources folder; {_INSIDE}")
    return target


def _read_regular_file(target: Path, name: str) -> bytes:
    """Read at most MAX_SOURCE_BYTES + 1 bytes of a regular file, never blocking on a pipe."""
    try:
        kind = kind_of(os.stat(target).st_mode)
        if kind is not None:
            raise RefusedSource(f"source file '{name}' is {kind}, not a regular file; {_INSIDE}")
        # O_NONBLOCK: should the file be swapped for a pipe after the check, opening it does not hang;
        # O_NOFOLLOW: nor can it become a link that leads out of the folder.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(target, flags)
        with open(descriptor, "rb") as handle:
            kind = kind_of(os.fstat(handle.fileno()).st_mode)
            if kind is not None:
                raise RefusedSource(f"source file '{name}' is {kind}, not a regular file; {_INSIDE}")
            raw = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise RefusedSource(f"cannot read source document '{name}': {os_reason(exc)}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise RefusedSource(f"source document '{name}' is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB, "
                       "the limit for a source document; quote from a shorter extract of it")
    return raw


def _closest(quote: str, text: str) -> str:
    """Point at the passage of the document that comes closest to a quote."""
    wanted = normalise(quote)
    at_text, at_quote, size = _longest_common_run(text, wanted)
    if size < _MIN_CLOSE_MATCH:
        return "; no passage of the document comes close"
    start = max(0, at_text - at_quote)
    end = start + len(wanted) + 10
    passage = text[start:min(end, start + MAX_PASSAGE_CHARS)].strip()
    if end - start > MAX_PASSAGE_CHARS:
        passage += "…"
    return f'; closest passage: "{passage}"'


def _longest_common_run(text: str, wanted: str) -> tuple[int, int, int]:
    """The longest run of characters of ``wanted`` found in ``text``: (where in text, where in wanted, length).

    Among runs of one length, the one earliest in ``text`` wins, then earliest in ``wanted`` (as
    difflib's ``find_longest_match``). Each start in ``wanted`` costs a substring search in C; on a
    long document and a long quote, only every k-th start is tried, within _SEARCH_BUDGET, so
    that the hint cannot stall ``check`` (it may then miss a run shorter than k characters).
    """
    best = (0, 0, 0)
    stride = max(1, -(-len(wanted) * max(len(text), 1) // _SEARCH_BUDGET))
    for at_quote in range(0, len(wanted), stride):
        size = max(best[2], 1)
        if at_quote + size > len(wanted):
            break
        at_text = text.find(wanted[at_quote:at_quote + size])
        if at_text < 0:
            continue
        while at_quote + size < len(wanted):
            if at_text + size < len(text) and text[at_text + size] == wanted[at_quote + size]:
                size += 1  # the earliest place of the shorter run goes on matching: it is the earliest of this one
                continue
            found = text.find(wanted[at_quote:at_quote + size + 1], at_text + 1)
            if found < 0:
                break
            at_text, size = found, size + 1
        if size > best[2] or (size == best[2] and at_text < best[0]):
            best = (at_text, at_quote, size)
    return best
