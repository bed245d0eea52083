"""Import Genius negotiation domains (the XML format of the ANAC benchmarks) as negsim scenarios.

The format, as Genius itself reads it:

- A **domain** file holds ``<negotiation_template>`` → ``<utility_space>`` → ``<objective>``,
  whose ``<issue index=.. name=.. type=..>`` children (objectives may nest) list the issues.
  A discrete issue lists ``<item value=..>``; an integer issue carries ``lowerbound`` and
  ``upperbound`` attributes. ``type`` (or ``vtype``) is ``discrete`` when absent.
- A **profile** file holds ``<utility_space>`` → ``<objective>`` with the same issues, each
  ``<item>`` carrying an ``evaluation`` (any non-negative number: Genius divides it by the
  largest evaluation of its issue), and ``<weight index=.. value=..>`` elements naming issues by
  index. An integer issue has ``<evaluator ftype="linear" slope=.. offset=..>``: the value of
  ``x`` is ``offset + slope * (x - lowerbound)``, clipped to [0, 1]. ``<reservation value=..>``
  and ``<discount_factor value=..>`` sit beside the objective.

Each profile becomes a principal party with linear-additive preferences. Genius has no red
lines, no calendar and no discounting in negsim: the discount factor is noted and ignored.
"""

from __future__ import annotations

import argparse
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from sim.errors import Diagnostic, ScenarioError, UsageError
from sim.files import write_atomically
from sim.scenario.base import ID_PATTERN
from sim.scenario.loader import loads
from sim.scenario.model import MAX_DOMAIN, Scenario

PLACEHOLDER_START = date(2000, 1, 1)
_ID_LENGTH = 70
_ENCODING_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding=", re.IGNORECASE)

_UNSAFE = {"EntitiesForbidden": "entity declarations are not allowed",
           "ExternalReferenceForbidden": "external references are not allowed",
           "DTDForbidden": "document type declarations are not allowed"}

Position = tuple[int, int]
Table = dict[Any, float]


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read '{path}': {exc.strerror or exc}") from None
    builder = _PositionedBuilder()
    parser = DefusedXMLParser(target=builder)
    expat = parser.parser
    builder.where = lambda: (expat.CurrentLineNumber, expat.CurrentColumnNumber + 1)
    try:
        parser.feed(_decodable(data))
        root = parser.close()
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


# -- the Genius model ------------------------------------------------------------------------


@dataclass(frozen=True)
class GeniusIssue:
    """One issue of a Genius domain: discrete items, or an integer range."""

    name: str
    index: str | None
    kind: Literal["discrete", "integer"]
    items: tuple[str, ...] = ()
    low: int = 0
    high: int = 0


@dataclass
class GeniusProfile:
    """One preference profile: per-issue weights and value tables, reservation, discount."""

    path: Path
    weights: list[float] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    reservation: float | None = None
    discount: str | None = None


@dataclass
class _Reader:
    """Collects every finding of one import, so one run reports them all."""

    findings: list[Diagnostic] = field(default_factory=list)

    def report(self, xml: XmlFile, element: Element | None, message: str) -> None:
        self.findings.append(xml.finding(element, message))

    def number(self, xml: XmlFile, element: Element, attribute: str) -> float | None:
        """A finite number read from an attribute, or None after reporting why not."""
        text = element.get(attribute)
        if text is None:
            self.report(xml, element, f"<{element.tag}> has no '{attribute}' attribute")
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.report(xml, element, f"'{attribute}' of <{element.tag}> is not a number: '{text}'")
            return None
        return value

    def integer(self, xml: XmlFile, element: Element, attribute: str) -> int | None:
        value = self.number(xml, element, attribute)
        if value is not None and not value.is_integer():
            self.report(xml, element, f"'{attribute}' of <{element.tag}> must be a whole number")
            return None
        return None if value is None else int(value)


# -- domains ---------------------------------------------------------------------------------


def _issue_kind(element: Element) -> str:
    return (element.get("type") or element.get("vtype") or "discrete").strip().lower()


def read_domain(xml: XmlFile, reader: _Reader) -> list[GeniusIssue]:
    """Read the issues of a Genius domain file, in the order Genius lists them."""
    elements = list(xml.root.iter("issue"))
    if not elements:
        reader.report(xml, xml.root, "no <issue> found: a Genius domain lists its issues under "
                      "<utility_space><objective>")
    issues = [issue for element in elements if (issue := _domain_issue(xml, element, reader))]
    _unique_labels(xml, reader, [(e, e.get("index")) for e in elements], "issue index")
    return issues


def _domain_issue(xml: XmlFile, element: Element, reader: _Reader) -> GeniusIssue | None:
    name, kind = element.get("name"), _issue_kind(element)
    if not name:
        reader.report(xml, element, "<issue> has no 'name' attribute")
        return None
    if kind == "discrete":
        return _discrete_issue(xml, element, name, reader)
    if kind == "integer":
        return _integer_issue(xml, element, name, reader)
    reader.report(xml, element, f"issue '{name}' is of type '{kind}'; negsim imports discrete and "
                  "integer issues only (discretise real-valued issues first)")
    return None


def _discrete_issue(xml: XmlFile, element: Element, name: str, reader: _Reader) -> GeniusIssue | None:
    items = element.findall("item")
    values = [item.get("value") for item in items]
    for item, value in zip(items, values, strict=True):
        if value is None:
            reader.report(xml, item, f"an <item> of issue '{name}' has no 'value' attribute")
    _unique_labels(xml, reader, list(zip(items, values, strict=True)), f"value of issue '{name}'")
    if len(items) < 2:
        reader.report(xml, element, f"issue '{name}' has {len(items)} item(s); negsim needs at least two")
    if None in values or len(items) < 2:
        return None
    return GeniusIssue(name, element.get("index"), "discrete", tuple(v for v in values if v is not None))


def _integer_issue(xml: XmlFile, element: Element, name: str, reader: _Reader) -> GeniusIssue | None:
    low, high = reader.integer(xml, element, "lowerbound"), reader.integer(xml, element, "upperbound")
    if low is None or high is None:
        return None
    if low >= high or high - low + 1 > MAX_DOMAIN:
        reader.report(xml, element, f"integer issue '{name}' ranges over [{low}, {high}]; negsim needs "
                      f"a lower bound below the upper and at most {MAX_DOMAIN:,} values")
        return None
    return GeniusIssue(name, element.get("index"), "integer", low=low, high=high)


def _unique_labels(xml: XmlFile, reader: _Reader, labelled: list[tuple[Element, str | None]], what: str) -> None:
    seen: set[str] = set()
    for element, label in labelled:
        if label is not None and label in seen:
            reader.report(xml, element, f"{what} '{label}' appears twice")
        if label is not None:
            seen.add(label)


# -- profiles --------------------------------------------------------------------------------


def read_profile(xml: XmlFile, issues: Sequence[GeniusIssue], reader: _Reader) -> GeniusProfile:
    """Read a Genius preference profile against the issues of its domain."""
    profile = GeniusProfile(xml.path, [0.0] * len(issues), [{} for _ in issues])
    found = _profile_issues(xml, issues, reader)
    for position, issue in enumerate(issues):
        element = found.get(position)
        if element is None:
            reader.report(xml, xml.objective, f"issue '{issue.name}' of the domain has no evaluation here")
        elif issue.kind == "discrete":
            profile.tables[position] = _discrete_table(xml, element, issue, reader)
        else:
            profile.tables[position] = _integer_table(xml, element, issue, reader)
    _read_weights(xml, issues, profile, reader)
    _read_reservation(xml, profile, reader)
    discount = xml.root.find(".//discount_factor")
    profile.discount = None if discount is None else discount.get("value")
    return profile


def _profile_issues(xml: XmlFile, issues: Sequence[GeniusIssue], reader: _Reader) -> dict[int, Element]:
    """Match the profile's issues to the domain's: by index, else by name."""
    by_index = {issue.index: k for k, issue in enumerate(issues) if issue.index is not None}
    by_name = {issue.name: k for k, issue in enumerate(issues)}
    found: dict[int, Element] = {}
    for element in xml.root.iter("issue"):
        index, name = element.get("index"), element.get("name")
        position = by_index.get(index) if index in by_index else by_name.get(name or "")
        if position is None:
            reader.report(xml, element, f"issue '{name}' (index {index}) is not an issue of the domain")
        elif name is not None and name != issues[position].name:
            reader.report(xml, element, f"issue index {index} is '{issues[position].name}' in the domain "
                          f"but '{name}' here")
        elif position in found:
            reader.report(xml, element, f"issue '{issues[position].name}' is evaluated twice")
        else:
            found[position] = element
    return found


def _discrete_table(xml: XmlFile, element: Element, issue: GeniusIssue, reader: _Reader) -> Table:
    """Evaluations of every item, divided by the issue's largest one as Genius does."""
    raw: dict[str, float] = {}
    for item in element.findall("item"):
        value = item.get("value")
        if value not in issue.items:
            reader.report(xml, item, f"'{value}' is not a value of issue '{issue.name}'")
            continue
        evaluation = reader.number(xml, item, "evaluation")
        if evaluation is not None and evaluation < 0:
            reader.report(xml, item, f"evaluation of '{value}' is negative; Genius needs evaluations >= 0")
        elif evaluation is not None:
            raw[value] = evaluation
    listed = {item.get("value") for item in element.findall("item")}
    missing = [v for v in issue.items if v not in listed]
    if missing:
        shown = ", ".join(f"'{v}'" for v in missing)
        reader.report(xml, element, f"issue '{issue.name}' gives no evaluation for {shown}")
    top = max(raw.values(), default=0.0)
    return {value: (evaluation / top if top >= 1e-5 else 0.0) for value, evaluation in raw.items()}


def _integer_table(xml: XmlFile, element: Element, issue: GeniusIssue, reader: _Reader) -> Table:
    evaluator = element.find("evaluator")
    if evaluator is None or evaluator.get("slope") is None or evaluator.get("offset") is None:
        reader.report(xml, element, f"integer issue '{issue.name}' needs <evaluator ftype=\"linear\" "
                      "slope=.. offset=..>")
        return {}
    if (evaluator.get("ftype") or "linear").lower() != "linear":
        reader.report(xml, evaluator, f"evaluator type '{evaluator.get('ftype')}' is not supported; "
                      "negsim imports linear integer evaluators only")
        return {}
    slope, offset = reader.number(xml, evaluator, "slope"), reader.number(xml, evaluator, "offset")
    base = reader.integer(xml, element, "lowerbound") if element.get("lowerbound") else issue.low
    if slope is None or offset is None or base is None:
        return {}
    return linear_points(issue.low, issue.high, base, slope, offset)


def linear_points(low: int, high: int, base: int, slope: float, offset: float) -> dict[int, float]:
    """Points of Genius's clipped linear evaluator, exact at every integer of [low, high].

    The value of ``x`` is ``offset + slope * (x - base)`` clipped to [0, 1]. Between two
    consecutive points returned the evaluator is linear, so negsim's interpolation between
    them gives the same value at every integer.

    Args:
        low: Lowest value of the issue.
        high: Highest value of the issue.
        base: The lower bound that the profile measures from.
        slope: Change of value per unit.
        offset: Value at ``base``.

    Returns:
        Value (0 to 1) at each point, points ascending.
    """
    xs = {low, high}
    if slope != 0:
        for level in (0.0, 1.0):
            kink = base + (level - offset) / slope
            if low < kink < high:
                xs |= {math.floor(kink), math.ceil(kink)}
    return {x: min(1.0, max(0.0, offset + slope * (x - base))) for x in sorted(xs)}


def _read_weights(xml: XmlFile, issues: Sequence[GeniusIssue], profile: GeniusProfile, reader: _Reader) -> None:
    """Weights by issue index, wherever they sit; weights of objectives are ignored."""
    by_index = {issue.index: k for k, issue in enumerate(issues) if issue.index is not None}
    objectives = {o.get("index") for o in xml.root.iter("objective")}
    seen: set[int] = set()
    for element in xml.root.iter("weight"):
        index, value = element.get("index"), reader.number(xml, element, "value")
        position = by_index.get(index or "")
        if position is None:
            if index not in objectives:
                reader.report(xml, element, f"weight index {index} names no issue of the domain")
        elif position in seen:
            reader.report(xml, element, f"issue '{issues[position].name}' has two weights")
        elif value is not None and value < 0:
            reader.report(xml, element, f"weight of issue '{issues[position].name}' is negative")
        elif value is not None:
            profile.weights[position] = value
        if position is not None:
            seen.add(position)
    for position in sorted(set(range(len(issues))) - seen):
        reader.report(xml, xml.objective, f"issue '{issues[position].name}' (index {issues[position].index}) "
                      "has no <weight index=.. value=..>")
    if seen and sum(profile.weights) <= 0:
        reader.report(xml, xml.objective, "every weight is zero")


def _read_reservation(xml: XmlFile, profile: GeniusProfile, reader: _Reader) -> None:
    element = xml.root.find(".//reservation")
    if element is None:
        return
    value = reader.number(xml, element, "value")
    if value is not None and not 0 <= value <= 1:
        reader.report(xml, element, f"reservation value {value} is outside 0 to 1")
    elif value is not None:
        profile.reservation = value


# -- ids ----------------------------------------------------------------------------------------


def slug(text: str, fallback: str) -> str:
    """A valid negsim id for a name: ASCII, lower-case, words joined by '-'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return words[:_ID_LENGTH].strip("-") or fallback


def unique_slugs(names: Sequence[str], prefix: str) -> list[str]:
    """Ids for names, made unique by a numeric suffix where two names map to the same id."""
    taken: set[str] = set()
    out: list[str] = []
    for k, name in enumerate(names, start=1):
        base = candidate = slug(name, f"{prefix}-{k}")
        suffix = 2
        while candidate in taken:
            candidate, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(candidate)
        out.append(candidate)
    return out


# -- the scenario ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """The result of an import: the YAML text and the scenario it loads as."""

    text: str
    scenario: Scenario


def _issue_data(issue: GeniusIssue, issue_id: str, value_ids: list[str]) -> dict[str, Any]:
    if issue.kind == "integer":
        return {"id": issue_id, "name": issue.name, "type": "integer", "min": issue.low, "max": issue.high}
    data: dict[str, Any] = {"id": issue_id, "name": issue.name, "type": "categorical", "values": _Flow(value_ids)}
    renamed = [f'"{item}" → {v}' for v, item in zip(value_ids, issue.items, strict=True) if v != item]
    if renamed:
        data["description"] = "Genius names of the values: " + "; ".join(renamed)
    return data


def _party_data(profile: GeniusProfile, party_id: str, issue_ids: list[str], tables: list[Table]) -> dict[str, Any]:
    prefs = {"weights": _FlowMap(zip(issue_ids, profile.weights, strict=True)),
             "values": {issue_id: _FlowMap(table) for issue_id, table in zip(issue_ids, tables, strict=True)},
             "reservation": profile.reservation or 0.0}
    return {"id": party_id, "name": profile.path.stem, "role": "principal",
            "description": f"Genius profile {profile.path.name}", "preferences": prefs}


def _remap(table: Table, issue: GeniusIssue, ids: list[str]) -> Table:
    """A value table keyed by the values' ids instead of their Genius names."""
    if issue.kind == "integer":
        return dict(table)
    return {ids[issue.items.index(item)]: value for item, value in table.items()}


def scenario_data(domain: Path, issues: Sequence[GeniusIssue], profiles: Sequence[GeniusProfile],
                  scenario_id: str, title: str) -> dict[str, Any]:
    """The scenario as plain data, ready to dump as YAML."""
    issue_ids = unique_slugs([i.name for i in issues], "issue")
    value_ids = [unique_slugs(list(i.items), "value") if i.kind == "discrete" else [] for i in issues]
    party_ids = unique_slugs([p.path.stem for p in profiles], "party")
    parties = [
        _party_data(profile, party_id, issue_ids,
                    [_remap(t, i, ids) for t, i, ids in zip(profile.tables, issues, value_ids, strict=True)])
        for profile, party_id in zip(profiles, party_ids, strict=True)
    ]
    return {
        "negsim": 1, "id": scenario_id, "title": title,
        "description": f"Imported from the Genius domain {domain.name} with the preference profiles "
                       + ", ".join(p.path.name for p in profiles) + ".",
        "start": PLACEHOLDER_START,
        "issues": [_issue_data(i, iid, vids) for i, iid, vids in zip(issues, issue_ids, value_ids, strict=True)],
        "parties": parties,
    }


def _header(domain: Path, profiles: Sequence[GeniusProfile]) -> str:
    lines = ["# Imported by `negsim import-genius` from Genius (ANAC) XML files:",
             f"#   domain:  {domain.name}"]
    lines += [f"#   profile: {p.path.name}" for p in profiles]
    lines.append(f"# Genius has no calendar: start ({PLACEHOLDER_START}) is a placeholder.")
    for p in profiles:
        if p.discount is not None:
            lines.append(f"# {p.path.name}: discount_factor {p.discount} ignored (negsim does not discount "
                         "utility over time).")
        total = sum(p.weights)
        if total > 0 and abs(total - 1) > 1e-6:
            lines.append(f"# {p.path.name}: weights sum to {total:g}; negsim normalises them to sum 1.")
    return "\n".join(lines) + "\n"


class _Flow(list[Any]):
    """A list written on one line: ``[a, b, c]``."""


class _FlowMap(dict[Any, Any]):
    """A mapping written on one line: ``{a: 1, b: 2}``."""


class _Dumper(yaml.SafeDumper):
    """Safe YAML with short lists and value tables written on one line."""


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))


def _title(xml: XmlFile) -> str:
    objective = xml.root.find(".//objective")
    name = objective.get("name") if objective is not None else None
    return f"{name or xml.path.stem} (Genius domain)"


def _scenario_id(domain: Path, requested: str | None) -> str:
    if requested is None:
        return slug(domain.stem, "genius-domain")
    if not re.match(ID_PATTERN, requested) or len(requested) > 80:
        raise UsageError(f"--id '{requested}' is not a valid id: use lower-case letters, digits, '-' and '_' "
                         f"(e.g. '{slug(requested, 'genius-domain')}')")
    return requested


def _read_files(domain: Path, profiles: Sequence[Path]) -> tuple[XmlFile, list[XmlFile]]:
    """Parse every file, reporting the malformed ones together."""
    parsed: list[XmlFile] = []
    broken: list[Diagnostic] = []
    for path in (domain, *profiles):
        try:
            parsed.append(read_xml(path))
        except ScenarioError as exc:
            broken += exc.diagnostics
    if broken:
        raise ScenarioError(broken)
    return parsed[0], parsed[1:]


def convert(domain: Path, profiles: Sequence[Path], *, scenario_id: str | None = None) -> Imported:
    """Convert a Genius domain and its profiles; see :func:`import_genius`.

    Args:
        domain: The Genius domain file.
        profiles: One Genius preference profile per party.
        scenario_id: Id of the scenario; by default made from the domain's file name.

    Returns:
        The YAML text and the scenario it loads as.

    Raises:
        UsageError: A file cannot be read, no profile is given, or the id is invalid.
        ScenarioError: A file is malformed or a profile does not match the domain.
    """
    if not profiles:
        raise UsageError("name at least one Genius preference profile")
    sid = _scenario_id(domain, scenario_id)
    domain_xml, profile_xmls = _read_files(domain, profiles)
    reader = _Reader()
    issues = read_domain(domain_xml, reader)
    if reader.findings:
        raise ScenarioError(reader.findings)
    read = [read_profile(xml, issues, reader) for xml in profile_xmls]
    if reader.findings:
        raise ScenarioError(reader.findings)
    data = scenario_data(domain, issues, read, sid, _title(domain_xml))
    text = _header(domain, read) + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                                             default_flow_style=False, width=110)
    return Imported(text, loads(text, name=f"<import of {domain.name}>"))


def import_genius(domain: Path, profiles: Sequence[Path], *, scenario_id: str | None = None) -> str:
    """Convert a Genius domain and its preference profiles into the text of a negsim scenario.

    Issue, value and party names become valid ids (lower-case, '-'); the original names stay
    as issue names and in each issue's description. Evaluations are divided by each issue's
    largest one, as Genius does; weights are kept as written (negsim normalises them).

    Args:
        domain: The Genius domain file (``<negotiation_template>``).
        profiles: One Genius preference profile (``<utility_space>``) per party.
        scenario_id: Id of the scenario; by default made from the domain's file name.

    Returns:
        The YAML text of a scenario that :func:`sim.loads` accepts.

    Raises:
        UsageError: A file cannot be read, no profile is given, or the id is invalid.
        ScenarioError: A file is malformed or a profile does not match the domain; each
            finding names the XML file, line and column.
    """
    return convert(domain, profiles, scenario_id=scenario_id).text


# -- the command line -----------------------------------------------------------------------


def add_import_genius_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import-genius`` command to the ``negsim`` sub-commands.

    Args:
        commands: The sub-parsers of the ``negsim`` parser.
    """
    cmd = commands.add_parser("import-genius", help="convert a Genius (ANAC) domain and its preference "
                              "profiles into a scenario file")
    cmd.add_argument("domain", type=Path, metavar="DOMAIN", help="the Genius domain file (XML)")
    cmd.add_argument("profiles", nargs="+", type=Path, metavar="PROFILE",
                     help="one Genius preference profile (XML) per party")
    cmd.add_argument("-o", "--output", type=Path, required=True, metavar="PATH",
                     help="the scenario file to write (YAML)")
    cmd.add_argument("--id", metavar="ID", help="id of the scenario (default: from the domain's file name)")
    cmd.set_defaults(handler=run_import_genius)


def run_import_genius(args: argparse.Namespace) -> int:
    """Run ``negsim import-genius``: convert, write the scenario atomically, print a summary.

    Args:
        args: Parsed arguments with ``domain``, ``profiles``, ``output`` and ``id``.

    Returns:
        The exit code, 0.

    Raises:
        UsageError: An input file is missing or the output folder does not exist.
        ScenarioError: An input file is malformed or a profile does not match the domain.
    """
    missing = [p for p in (args.domain, *args.profiles) if not Path(p).is_file()]
    if missing:
        raise UsageError(f"cannot read '{missing[0]}': no such file")
    result = convert(Path(args.domain), [Path(p) for p in args.profiles], scenario_id=args.id)
    write_atomically(Path(args.output), result.text)
    scenario = result.scenario
    packages = math.prod(len(i.domain()) for i in scenario.issues)
    print(f"wrote {args.output}: scenario '{scenario.id}' with {len(scenario.issues)} issues, "
          f"{len(scenario.parties)} parties, {packages:,} packages")
    return 0
