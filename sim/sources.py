"""Check that every quoted source appears verbatim in the document it names.

A quote matches when it stands in the document word for word, with differences in
white space and typographic quotes forgiven (’ for ', “ ” for "). A paraphrase fails.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sim.errors import Diagnostic
from sim.scenario.yamlio import Document, PathKey

_TYPOGRAPHIC = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "\u00a0": " "})


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
    """Verify every quote of a scenario against the documents found in ``folder``."""
    findings: list[Diagnostic] = []
    texts: dict[str, str | None] = {}
    sources = {s.get("id"): (i, s) for i, s in enumerate(doc.data.get("sources") or []) if isinstance(s, dict)}
    for path, doc_id, quote in quoted_sources(doc.data):
        if doc_id not in sources:
            continue
        index, entry = sources[doc_id]
        if doc_id not in texts:
            texts[doc_id] = _document_text(doc, folder, index, entry, findings)
        text = texts[doc_id]
        if text is not None and normalise(quote) not in text:
            line, col = doc.where.locate((*path, "quote"))
            findings.append(Diagnostic(doc.path, line, col, f"quote not found verbatim in "
                                       f"'{entry.get('file')}'{_closest(quote, text)}"))
    return findings


def _document_text(doc: Document, folder: Path, index: int, entry: dict[str, Any],
                   findings: list[Diagnostic]) -> str | None:
    name = entry.get("file")
    if not isinstance(name, str):
        line, col = doc.where.locate(("sources", index))
        findings.append(Diagnostic(doc.path, line, col, f"source '{entry.get('id')}' names no 'file', "
                                   "so its quotes cannot be checked", "warning"))
        return None
    target = folder / name
    try:
        return normalise(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        line, col = doc.where.locate(("sources", index, "file"))
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        findings.append(Diagnostic(doc.path, line, col, f"cannot read source document '{target}': {reason}"))
        return None


def _closest(quote: str, text: str) -> str:
    """Point at the passage of the document that comes closest to a quote."""
    wanted = normalise(quote)
    matcher = difflib.SequenceMatcher(None, text, wanted, autojunk=False)
    match = matcher.find_longest_match(0, len(text), 0, len(wanted))
    if match.size < 12:
        return "; no passage of the document comes close"
    start = max(0, match.a - match.b)
    passage = text[start:start + len(wanted) + 10].strip()
    return f'; closest passage: "{passage}"'
