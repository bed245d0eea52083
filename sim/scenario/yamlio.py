"""Safe YAML 1.2 reading with a position for every value.

PyYAML speaks YAML 1.1, where ``no`` is false and ``1:20`` is eighty. We compose
the node graph with PyYAML and build plain data ourselves, under the YAML 1.2
core schema: only ``true``/``false`` are booleans, no timestamps, no sexagesimal
numbers, no ``<<`` merges, no tags but the standard ones. Duplicate keys, alias
bombs, huge files, binary junk and tabs are reported with their line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.errors import Diagnostic

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

PathKey = tuple[str | int, ...]

_CORE_SCHEMA: list[tuple[str, re.Pattern[str]]] = [
    ("null", re.compile(r"^(?:~|null|Null|NULL|)$")),
    ("bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")),
    ("int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")),
    (
        "float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
    ),
]
_STANDARD_TAG = "tag:yaml.org,2002:"
_PLAIN = "tag:negsim,2024:plain"
_SCALAR_KINDS = ("str", "int", "float", "bool", "null")


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves plain scalars unresolved, so we apply YAML 1.2 rules."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document stands in its file."""

    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Return (line, col) of the deepest known prefix of ``path``."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)


@dataclass
class Document:
    """Plain data read from a YAML file, with its source map."""

    path: str
    data: Any
    where: SourceMap
    text: str


class YamlProblem(Exception):
    """A YAML file cannot be read; carries one diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_text(path: Path) -> str:
    """Read a scenario file as UTF-8 text, refusing huge, binary or undecodable input."""
    shown = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YamlProblem(Diagnostic(shown, 1, 1, f"cannot read file: {exc.strerror}")) from exc
    if len(raw) > MAX_FILE_BYTES:
        size = path.stat().st_size / 1e6
        limit = MAX_FILE_BYTES // (1024 * 1024)
        msg = f"file is {size:.1f} MB; scenario files are limited to {limit} MiB"
        raise YamlProblem(Diagnostic(shown, 1, 1, msg))
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw[: exc.start].decode("utf-8", "replace"), exc.start)
        msg = f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); is it a binary file?"
        raise YamlProblem(Diagnostic(shown, line, col, msg)) from exc
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        line, col = _position(text, bad.start())
        msg = f"control character U+{ord(bad.group()):04X} in file; is it a binary file?"
        raise YamlProblem(Diagnostic(shown, line, col, msg))
    return text


def parse(text: str, shown: str) -> Document:
    """Parse YAML text into plain data and a source map, or raise :class:`YamlProblem`."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise YamlProblem(Diagnostic(shown, 1, 1, "file is empty; a scenario needs at least "
                                     "'issues' and 'parties'"))
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_syntax_diagnostic(exc, shown, text)) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(Diagnostic(shown, 1, 1, f"YAML error: {exc}")) from exc
    except RecursionError as exc:
        raise YamlProblem(Diagnostic(shown, 1, 1, "nesting is too deep to read")) from exc
    if node is None:
        raise YamlProblem(Diagnostic(shown, 1, 1, "file holds no YAML document"))
    builder = _Builder(shown)
    data = builder.build(node, ())
    return Document(shown, data, builder.where, text)


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, shown: str, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or "syntax error").strip()
    if "\t" in problem or "'\\t'" in problem:
        lines = text.splitlines()
        tab_line = next((i for i, ln in enumerate(lines, 1) if "\t" in ln[: len(ln) - len(ln.lstrip())]), line)
        tab_col = lines[tab_line - 1].index("\t") + 1 if tab_line <= len(lines) else col
        return Diagnostic(shown, tab_line, tab_col, "tab character in indentation; "
                          "YAML indents with spaces only (replace the tab with spaces)")
    if exc.context and "found duplicate anchor" in exc.context:
        problem = f"duplicate anchor: {problem}"
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = " (a value holding ': ' must be quoted, or a key is mis-indented)"
    elif "could not find expected ':'" in problem:
        hint = " (a key is missing its ':' or a line is mis-indented)"
    elif "found undefined alias" in problem:
        hint = " (an alias '*name' needs an anchor '&name' before it)"
    context = f" while {exc.context.strip()}" if exc.context else ""
    return Diagnostic(shown, line, col, f"invalid YAML{context}: {problem}{hint}")


def _short(tag: str) -> str:
    return "!!" + tag[len(_STANDARD_TAG):] if tag.startswith(_STANDARD_TAG) else tag


class _Builder:
    """Turns a composed node graph into plain data under the YAML 1.2 core schema."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.where = SourceMap()
        self.count = 0

    def fail(self, node: Node, message: str) -> YamlProblem:
        return YamlProblem(
            Diagnostic(self.shown, node.start_mark.line + 1, node.start_mark.column + 1, message)
        )

    def build(self, node: Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"document expands to more than {MAX_NODES:,} values; "
                            "is an alias ('*name') repeated too often (an alias bomb)?")
        if len(path) > MAX_DEPTH:
            raise self.fail(node, f"nesting deeper than {MAX_DEPTH} levels")
        self.where.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            self.check_tag(node, "seq")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self.check_tag(node, "map")
            return self.mapping(node, path)
        raise self.fail(node, "unsupported YAML node")

    def check_tag(self, node: Node, kind: str) -> None:
        if node.tag != _STANDARD_TAG + kind:
            raise self.fail(node, f"tag '{_short(node.tag)}' is not allowed; a scenario is plain data")

    def mapping(self, node: MappingNode, path: PathKey) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "a mapping key must be a plain value, not a list or mapping")
            key = self.scalar(key_node)
            if key == "<<" and key_node.style is None:
                raise self.fail(key_node, "merge keys ('<<') are YAML 1.1 only; write the keys out")
            if key in out:
                first = self.where.keys[(*path, key)]
                raise self.fail(key_node, f"duplicate key '{key}' (first defined at line "
                                f"{first[0]}, column {first[1]}); remove one of them")
            self.where.keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, (*path, key))
        return out

    def scalar(self, node: ScalarNode) -> Any:
        value: str = node.value
        if node.tag == _PLAIN:
            kind = next((name for name, rx in _CORE_SCHEMA if rx.match(value)), "str")
        elif node.tag.startswith(_STANDARD_TAG) and node.tag[len(_STANDARD_TAG):] in _SCALAR_KINDS:
            kind = node.tag[len(_STANDARD_TAG):]
        else:
            raise self.fail(node, f"tag '{_short(node.tag)}' is not allowed; a scenario is plain data")
        return self.convert(node, kind, value)

    def convert(self, node: ScalarNode, kind: str, value: str) -> Any:
        try:
            if kind == "null":
                return None
            if kind == "bool":
                return value.lower() == "true"
            if kind == "int":
                return int(value, 0) if value.lstrip("+-")[:2] in ("0o", "0x") else int(value)
            if kind == "float":
                return float(value.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf")
                             .replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
        except ValueError as exc:
            raise self.fail(node, f"'{value}' is not a valid {kind}") from exc
        return value
