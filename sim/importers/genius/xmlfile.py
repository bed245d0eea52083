"""Reading XML safely (defusedxml) with the line and column of every element."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ...errors import Diagnostic, ScenarioError, UsageError, os_reason
from ...files.inputs import require_regular_file

MAX_XML_BYTES = 64 << 20
"""Largest Genius file read: a domain at the cap of 10,001 items per issue takes a few MiB."""

_ENCODING_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding=", re.IGNORECASE)

_UNSAFE = {"EntitiesForbidden": "entity declarations are not allowed",
           "ExternalReferenceForbidden": "external references are not allowed",
           "DTDForbidden": "document type declarations are not allowed"}

Position = tuple[int, int]


# -- reading XML with the position of every element ------------------------------------------


@dataclass(frozen=True)
class XmlFile:
    """A parsed XML file with the line and column of each element."""

    path: Path
    root: Element
    positions: Mapping[Element, Position]

    @property
    def objective(self) -> Element:
        """The root objective, where a profile's weights usually sit (else the root)."""
        found = self.root.find(".//objective") if self.root.tag != "objective" else self.root
        return self.root if found is None else found

    def finding(self, element: Element | None, message: str) -> Diagnostic:
        """A diagnostic at an element of this file (line 1 when the element is unknown)."""
        line, col = self.positions.get(element, (1, 1)) if element is not None else (1, 1)
        return Diagnostic(str(self.path), line, col, message)


class _PositionedBuilder(TreeBuilder):
    """A tree builder that records where each element starts, read from the expat parser."""

    def __init__(self) -> None:
        super().__init__()
        self.positions: dict[Element, Position] = {}
        self.where: Callable[[], Position] = lambda: (1, 1)

    def start(self, tag: str, attrs: dict[str, str], /) -> Element:
        element = super().start(tag, attrs)
        self.positions[element] = self.where()
        return element


def read_xml(path: Path) -> XmlFile:
    """Parse an XML file safely (no entities, no external references).

    Args:
        path: The file to read.

    Returns:
        The parsed file with element positions.

    Raises:
        UsageError: The file cannot be read.
        ScenarioError: The file is not well-formed XML, with its line and column.
    """
    require_regular_file(path, "Genius")
    return _parse(path, _read_bytes(path))


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing one larger than :data:`MAX_XML_BYTES` without reading all of it."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_XML_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read '{path}': {os_reason(exc)}") from None
    if len(data) > MAX_XML_BYTES:
        raise UsageError(f"cannot read '{path}': Genius files are limited to {MAX_XML_BYTES >> 20} MiB")
    return data


def _parse(path: Path, data: bytes) -> XmlFile:
    """Parse with defusedxml, recording each element's position as expat reads its start tag."""
    builder = _PositionedBuilder()
    parser = DefusedXMLParser(target=builder)
    expat = parser.parser
    builder.where = lambda: (expat.CurrentLineNumber, expat.CurrentColumnNumber + 1)
    try:
        parser.feed(_decodable(data))
        root = parser.close()
    except LookupError as exc:  # an encoding the XML declaration names that Python does not know
        raise ScenarioError([Diagnostic(str(path), 1, 1, f"the XML declaration names an encoding that cannot be "
                                        f"read ({exc}); save the file as UTF-8")]) from None
    except ParseError as exc:
        line, col = exc.position
        message = str(exc).split(": line ")[0]
        raise ScenarioError([Diagnostic(str(path), line, col + 1, f"malformed XML: {message}")]) from None
    except DefusedXmlException as exc:
        where = Diagnostic(str(path), expat.CurrentLineNumber, expat.CurrentColumnNumber + 1,
                           f"unsafe XML refused: {_UNSAFE.get(type(exc).__name__, str(exc))}")
        raise ScenarioError([where]) from None
    return XmlFile(path, root, builder.positions)


def _decodable(data: bytes) -> bytes | str:
    """Bytes for expat; Windows-1252 text when undeclared and not UTF-8 (older Genius files)."""
    if _ENCODING_DECLARATION.match(data):
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
    return data
