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
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser

    _LIBYAML = True
except ImportError:  # a PyYAML built without libyaml: the pure-Python parser alone
    CParser = object  # type: ignore[misc,assignment]
    _LIBYAML = False

from ..errors import Diagnostic, os_reason

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
_TOO_DEEP = (f"nesting deeper than {MAX_DEPTH} levels; write long conditions flat with 'all'/'any', "
             "or name parts under 'conditions'")
_STANDARD_TAG = "tag:yaml.org,2002:"
_PLAIN = "tag:negsim,2024:plain"
_SCALAR_KINDS = ("str", "int", "float", "bool", "null")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LONE_SURROGATE_HALF = re.compile(r"[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")
_LONE_SURROGATE = ("text holds U+{code:04X}, a lone half of a UTF-16 surrogate pair (written as \"\\u{code:04x}\"), "
                   "which is not a character; remove it, or write the character itself")


class _TooDeep(yaml.YAMLError):
    """Nesting deeper than MAX_DEPTH, found while composing (before Python's recursion limit)."""

    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark
        super().__init__("nesting too deep")


class _Composing(Composer, Resolver):
    """What negsim changes in PyYAML's composer: plain scalars left unresolved, nesting bounded."""

    depth = 0

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH + 2:  # the root is 1 deep and keys 1 deeper than their mapping
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[attr-defined]  # from the parser
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_Composing, yaml.SafeLoader):
    """SafeLoader that leaves plain scalars unresolved, so we apply YAML 1.2 rules (pure Python).

    The reference: its errors are the ones negsim reports.
    """


class _FastLoader(_Composing, Composer, CParser, SafeConstructor, Resolver):
    """The same composer over libyaml's scanner and parser, about ten times faster on large files.

    Composition stays in Python (negsim's depth bound and resolver apply); only events come
    from C. Where libyaml finds a problem, the pure-Python loader reads the file again, so
    that every message and position is the reference's.
    """

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def compose_scalar_node(self, anchor: Any) -> Any:
        node = super().compose_scalar_node(anchor)
        if node.style == "":  # libyaml's events mark plain scalars with '', PyYAML's with None
            node.style = None
        return node


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
        raise YamlProblem(Diagnostic(shown, 1, 1, f"cannot read file: {os_reason(exc)}")) from exc
    if len(raw) > MAX_FILE_BYTES:
        size = path.stat().st_size / 1e6
        limit = MAX_FILE_BYTES // (1024 * 1024)
        msg = f"file is {size:.1f} MB; scenario files are limited to {limit} MiB"
        raise YamlProblem(Diagnostic(shown, 1, 1, msg))
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", "replace")
        line, col = _position(prefix, len(prefix))
        raise YamlProblem(Diagnostic(shown, line, col, _not_utf8(raw, exc.start))) from exc
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        line, col = _position(text, bad.start())
        msg = f"control character U+{ord(bad.group()):04X} in file; is it a binary file?"
        raise YamlProblem(Diagnostic(shown, line, col, msg))
    return text


def _not_utf8(raw: bytes, start: int) -> str:
    """Say why bytes do not decode: another Unicode encoding, a legacy one, or binary data."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "file is UTF-16 text, not UTF-8; save it as UTF-8"
    if b"\x00" in raw[:1024]:
        return f"file is not UTF-8 text (byte 0x{raw[start]:02x}); is it a binary file?"
    return (f"file is not UTF-8 text (byte 0x{raw[start]:02x}); was it saved as Latin-1 or "
            "Windows-1252? save it as UTF-8")


def parse(text: str, shown: str) -> Document:
    """Parse YAML text into plain data and a source map, or raise :class:`YamlProblem`."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise YamlProblem(Diagnostic(shown, 1, 1, "file is empty; a scenario needs at least "
                                     "'issues' and 'parties'"))
    try:
        node = _compose(text)
    except _TooDeep as exc:
        raise YamlProblem(Diagnostic(shown, exc.mark.line + 1, exc.mark.column + 1, _TOO_DEEP)) from exc
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_syntax_diagnostic(exc, shown, text)) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(Diagnostic(shown, 1, 1, f"YAML error: {exc}")) from exc
    except RecursionError as exc:
        raise YamlProblem(Diagnostic(shown, 1, 1, "nesting is too deep to read")) from exc
    if node is None:
        raise YamlProblem(Diagnostic(shown, 1, 1, "file holds no YAML document"))
    _refuse_alias_bomb(node, shown)
    builder = _Builder(shown)
    data = builder.build(node, ())
    return Document(shown, data, builder.where, text)


def _compose(text: str) -> Node | None:
    """The node graph of a document: libyaml's events where they come without a problem, else PyYAML's own.

    A file over :data:`REREAD_CHARACTERS` that libyaml finds a problem in keeps libyaml's
    report (the same line and column, in libyaml's words): the reference parser would take
    seconds to reach it again.
    """
    if _LIBYAML:
        try:
            return _single_node(_FastLoader(text))
        except (yaml.YAMLError, RecursionError):
            if len(text) > REREAD_CHARACTERS:
                raise
            # else read again below, for the reference's message and position
    return _single_node(_Loader(text))


REREAD_CHARACTERS = 256 * 1024
"""The largest file read again by the pure-Python parser when libyaml finds a problem in it.

That parser reads about half a megabyte a second; a file this size takes it half a second.
Every scenario, example and malformed file of the repository is far smaller."""


def _single_node(loader: Any) -> Node | None:
    """What ``yaml.compose`` does with a loader: the one document's node graph (None if empty)."""
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


_ALIAS_BOMB = (f"document expands to more than {MAX_NODES:,} values; is an alias ('*name') "
               "repeated too often (an alias bomb)?")
_TOO_MANY = (f"document holds more than {MAX_NODES:,} values, the most a scenario file may hold; "
             "split the data or leave out what negsim does not read")
_RECURSIVE_ALIAS = "an alias ('*name') refers to the very list or mapping it is in; it would never end"


def _refuse_alias_bomb(root: Node, shown: str) -> None:
    """Refuse a document whose aliases expand it beyond MAX_NODES, before building any of it.

    Shown at the first top-level key at which the count passes the limit: an alias has no
    place of its own in the composed graph.
    """
    counter = _Counter(shown)
    if counter.size(root, 0) <= MAX_NODES:
        return
    message = _ALIAS_BOMB if counter.shared else _TOO_MANY
    where, total = root.start_mark, 1
    for key, value in root.value if isinstance(root, MappingNode) else ():
        total += counter.size(value, 1)
        if total > MAX_NODES:
            where = key.start_mark
            break
    raise YamlProblem(Diagnostic(shown, where.line + 1, where.column + 1, message))


class _Counter:
    """Counts the values a node stands for once every alias is expanded, once per node."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.sizes: dict[int, int] = {}  # 0 while a node is being counted
        self.shared = False  # whether an alias made a node count more than once

    def fail(self, node: Node, message: str) -> YamlProblem:
        mark = node.start_mark
        return YamlProblem(Diagnostic(self.shown, mark.line + 1, mark.column + 1, message))

    def size(self, node: Node, depth: int) -> int:
        size = self.sizes.get(id(node))
        if size == 0:
            raise self.fail(node, _RECURSIVE_ALIAS)
        self.shared |= size is not None
        if size is None:
            if depth > MAX_DEPTH:
                raise self.fail(node, _TOO_DEEP)
            self.sizes[id(node)] = 0
            size = 1 + sum(self.size(child, depth + 1) for child in _children(node))
            self.sizes[id(node)] = size
        return size


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [value for _, value in node.value]
    return []


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, shown: str, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or "syntax error").strip()
    special = _special_syntax(exc, problem, text, line, col)
    if special is not None:
        return Diagnostic(shown, *special)
    if exc.context and "found duplicate anchor" in exc.context:
        problem = f"duplicate anchor: {problem}"
    problem = problem.replace("found '?'", "found a key")
    context = exc.context.strip().removeprefix("while ") if exc.context else ""
    context = f" while {context}" if context else ""
    start = exc.context_mark
    if start is not None and mark is not None and start.line != mark.line:
        context += f" (begun at line {start.line + 1}, column {start.column + 1})"
    return Diagnostic(shown, line, col, f"invalid YAML{context}: {problem}{_syntax_hint(problem)}")


def _tag_message(tag: str) -> str:
    if tag in ("!=", "!"):
        return f"'{tag}' reads as a YAML tag; an operator must be quoted, e.g. op: \"!=\""
    return f"tag '{_short(tag)}' is not allowed; a scenario is plain data"


def _special_syntax(
    exc: yaml.MarkedYAMLError, problem: str, text: str, line: int, col: int
) -> tuple[int, int, str] | None:
    """Line, column and message for syntax errors better told in other words than PyYAML's."""
    if "\t" in problem or "'\\t'" in problem or "tab character that violates indentation" in problem:
        lines = text.splitlines()
        tab_line = next((i for i, ln in enumerate(lines, 1) if "\t" in ln[: len(ln) - len(ln.lstrip())]), line)
        tab_col = lines[tab_line - 1].index("\t") + 1 if tab_line <= len(lines) else col
        return tab_line, tab_col, ("tab character in indentation; YAML indents with spaces only "
                                   "(replace the tab with spaces)")
    if "but found another document" in problem:
        return line, col, ("invalid YAML: a second document begins here; a scenario is one YAML "
                           "document (remove the '---' line)")
    source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    operator = _UNQUOTED_OPERATOR.search(source_line)
    if operator is not None:
        return line, operator.start(1) + 1, (f"invalid YAML: the operator {operator.group(1)} must be quoted, "
                                             f'e.g. op: "{operator.group(1)}"')
    start = exc.context_mark
    if "end of stream" in problem and start is not None and "quoted scalar" in (exc.context or ""):
        return start.line + 1, start.column + 1, ("invalid YAML: this quoted value is never closed "
                                                  "(add the closing quote)")
    return None


_UNQUOTED_OPERATOR = re.compile(r"\bop:\s*(>=|<=|!=|==|>|<)(?=[\s,}]|$)")

_SYNTAX_HINTS = {
    "mapping values are not allowed": "a value holding ': ' must be quoted, or a key is mis-indented",
    "could not find expected ':'": "a key is missing its ':' or a line is mis-indented",
    "found undefined alias": "an alias '*name' needs an anchor '&name' before it",
    "expected <block end>": "this line is indented differently from the lines around it",
    "expected ',' or ']'": "is a '[' left unclosed?",
    "expected ',' or '}'": "is a '{' left unclosed?",
}


def _syntax_hint(problem: str) -> str:
    return next((f" ({hint})" for key, hint in _SYNTAX_HINTS.items() if key in problem), "")


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
        if self.count > MAX_NODES:  # a backstop: _refuse_alias_bomb has counted them before
            raise self.fail(node, _ALIAS_BOMB)
        if len(path) > MAX_DEPTH:
            raise self.fail(node, _TOO_DEEP)
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
            raise self.fail(node, _tag_message(node.tag))

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
            raise self.fail(node, _tag_message(node.tag))
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
            shown = f"'{value}'" if len(value) <= 40 else f"'{value[:20]}…' ({len(value)} characters)"
            raise self.fail(node, f"{shown} is not a valid {kind}") from exc
        return self.text(node, value)

    def text(self, node: ScalarNode, value: str) -> str:
        r"""A string with every escaped surrogate pair joined into its character; a lone half is an error.

        A double-quoted scalar can spell a surrogate (``"\ud83d\ude00"``, as JSON does); joined, a pair
        is one character, but a lone half can be neither printed nor written to any file.
        """
        if not _SURROGATE.search(value):
            return value
        lone = _LONE_SURROGATE_HALF.search(value)
        if lone is not None:
            raise self.fail(node, _LONE_SURROGATE.format(code=ord(lone.group())))
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
