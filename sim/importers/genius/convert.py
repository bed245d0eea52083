"""Genius domains and profiles turned into a negsim scenario (YAML text)."""

from __future__ import annotations

import math
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ...errors import Diagnostic, ScenarioError, UsageError
from ...scenario.base import ID_PATTERN, MAX_HORIZON_DAYS, MAX_ROUNDS
from ...scenario.loader import loads
from ...scenario.model import Scenario
from ..genius_reading import DEADLINE_UNKNOWN, READING_WORDS, rounds_words
from .reader import GeniusIssue, GeniusProfile, Table, _Reader, read_domain, read_profile
from .readings import Reading, ReadProfile, read_as
from .xmlfile import XmlFile, read_xml

PLACEHOLDER_START = date(2000, 1, 1)
_SPARE_DAYS = 10
_HEADER_WIDTH = 96
_ID_LENGTH = 70




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
    warnings: list[Diagnostic] = field(default_factory=list)
    """What the import let pass but says (a repeated item dropped, say), each at its place in the XML."""


def _issue_data(issue: GeniusIssue, issue_id: str, value_ids: list[str]) -> dict[str, Any]:
    if issue.kind == "integer":
        return {"id": issue_id, "name": issue.name, "type": "integer", "min": issue.low, "max": issue.high}
    data: dict[str, Any] = {"id": issue_id, "name": issue.name, "type": "categorical", "values": _Flow(value_ids)}
    renamed = [f'"{item}" → {v}' for v, item in zip(value_ids, issue.items, strict=True) if v != item]
    if renamed:
        data["description"] = "Genius names of the values: " + "; ".join(renamed)
    return data


def _party_data(profile: GeniusProfile, read: ReadProfile, party_id: str, issue_ids: list[str],
                tables: list[Table]) -> dict[str, Any]:
    prefs = {"weights": _FlowMap(zip(issue_ids, read.weights, strict=True)),
             "values": {issue_id: _FlowMap(table) for issue_id, table in zip(issue_ids, tables, strict=True)},
             "reservation": read.reservation}
    return {"id": party_id, "name": profile.path.stem, "role": "principal",
            "description": f"Genius profile {profile.path.name}", "preferences": prefs}


def _remap(table: Table, issue: GeniusIssue, ids: list[str]) -> Table:
    """A value table keyed by the values' ids instead of their Genius names."""
    if issue.kind == "integer":
        return dict(table)
    id_of = dict(zip(issue.items, ids, strict=True))  # a lookup per item keeps large domains linear
    return {id_of[item]: value for item, value in table.items()}


def scenario_data(domain: Path, issues: Sequence[GeniusIssue], profiles: Sequence[GeniusProfile],
                  read: Sequence[ReadProfile], scenario_id: str, title: str,
                  rounds: int | None = None) -> dict[str, Any]:
    """The scenario as plain data, ready to dump as YAML (``read``: each profile as the chosen reading reads it)."""
    issue_ids = unique_slugs([i.name for i in issues], "issue")
    value_ids = [unique_slugs(list(i.items), "value") if i.kind == "discrete" else [] for i in issues]
    party_ids = unique_slugs([p.path.stem for p in profiles], "party")
    parties = [
        _party_data(profile, numbers, party_id, issue_ids,
                    [_remap(t, i, ids) for t, i, ids in zip(numbers.tables, issues, value_ids, strict=True)])
        for profile, numbers, party_id in zip(profiles, read, party_ids, strict=True)
    ]
    return {
        "negsim": 1, "id": scenario_id, "title": title,
        "description": f"Imported from the Genius domain {domain.name} with the preference profiles "
                       + ", ".join(p.path.name for p in profiles) + ".",
        "start": PLACEHOLDER_START,
        **({} if rounds is None else _rounds_settings(rounds, len(profiles))),
        "issues": [_issue_data(i, iid, vids) for i, iid, vids in zip(issues, issue_ids, value_ids, strict=True)],
        "parties": parties,
    }


def _rounds_settings(rounds: int, parties: int) -> dict[str, Any]:
    """A horizon and talks that end after ``rounds`` rounds of alternating offers, as a Genius deadline in rounds.

    A turn takes a day (less when that many days would pass negsim's longest horizon); the
    horizon leaves twice the days the turns need, so that the rounds, not the calendar, end
    the talks and set the pace of concession.
    """
    turns = rounds * parties
    step = min(1.0, (MAX_HORIZON_DAYS - _SPARE_DAYS) / (2 * turns))
    talks: dict[str, Any] = {"protocol": "alternating", "max_rounds": rounds}
    if step < 1.0:
        talks["deliberation_days"] = step
    return {"horizon_days": math.ceil(2 * turns * step) + _SPARE_DAYS, "talks": talks}


def _header(domain: Path, profiles: Sequence[GeniusProfile], read: Sequence[ReadProfile], reading: Reading,
            rounds: int | None, warnings: Sequence[Diagnostic] = ()) -> str:
    lines = ["# Imported by `negsim import-genius` from Genius (ANAC) XML files:",
             f"#   domain:  {domain.name}"]
    lines += [f"#   profile: {p.path.name}" for p in profiles]
    lines += [f"# {line}" for line in READING_WORDS[reading]]
    lines += [f"# {line}" for numbers in read for note in numbers.notes
              for line in textwrap.wrap(note, _HEADER_WIDTH, subsequent_indent="  ")]
    lines += [f"# {line}" for line in (DEADLINE_UNKNOWN if rounds is None else rounds_words(rounds))]
    lines += [f"# Note: {Path(w.path).name}:{w.line}: {w.message}" for w in warnings]
    lines.append(f"# Genius has no calendar: start ({PLACEHOLDER_START}) is a placeholder.")
    for p, numbers in zip(profiles, read, strict=True):
        if p.discount is not None:
            lines.append(f"# {p.path.name}: discount_factor {p.discount} ignored (negsim does not discount "
                         "utility over time).")
        total = sum(numbers.weights)
        if total > 0 and abs(total - 1) > 1e-6:
            lines.append(f"# {p.path.name}: weights sum to {total:g}; negsim normalises them to sum 1.")
    return "\n".join(lines) + "\n"


class _Flow(list[Any]):
    """A list written on one line: ``[a, b, c]``."""


class _FlowMap(dict[Any, Any]):
    """A mapping written on one line: ``{a: 1, b: 2}``."""


# libyaml's emitter writes the same text as PyYAML's, several times faster on large domains
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SafeDumper):  # type: ignore[valid-type,misc]
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


def _read_files(paths: Sequence[Path]) -> list[XmlFile]:
    """Parse every file, reporting the malformed ones together."""
    parsed: list[XmlFile] = []
    broken: list[Diagnostic] = []
    for path in paths:
        try:
            parsed.append(read_xml(path))
        except ScenarioError as exc:
            broken += exc.diagnostics
    if broken:
        raise ScenarioError(broken)
    return parsed


def _read_domain(domain: Path, profiles: Sequence[Path], reader: _Reader) -> tuple[XmlFile, list[GeniusIssue]]:
    """Parse and read the domain; a malformed domain is reported with the malformed profiles.

    A domain that is refused (an issue over a limit, say) is reported before its profiles
    are parsed, which keeps the refusal of a huge domain quick.
    """
    try:
        (domain_xml,) = _read_files([domain])
    except ScenarioError as exc:
        try:
            _read_files(profiles)
        except ScenarioError as more:
            raise ScenarioError([*exc.diagnostics, *more.diagnostics]) from exc
        raise
    issues = read_domain(domain_xml, reader)
    if reader.findings:
        raise ScenarioError(reader.findings)
    return domain_xml, issues


def convert(domain: Path, profiles: Sequence[Path], *, scenario_id: str | None = None,
            reading: Reading = "genius", rounds: int | None = None) -> Imported:
    """Convert a Genius domain and its profiles; see :func:`import_genius`.

    Args:
        domain: The Genius domain file.
        profiles: One Genius preference profile per party.
        scenario_id: Id of the scenario; by default made from the domain's file name.
        reading: How the profiles' numbers become utilities: as Genius or as NegMAS reads them
            (``readings.py``).
        rounds: The deadline in rounds the domain is negotiated under, if known: the talks then
            alternate offers for that many rounds (Genius's files do not hold a deadline).

    Returns:
        The YAML text and the scenario it loads as.

    Raises:
        UsageError: A file cannot be read, no profile is given, or the id or rounds are invalid.
        ScenarioError: A file is malformed or a profile does not match the domain.
    """
    if not profiles:
        raise UsageError("name at least one Genius preference profile")
    if rounds is not None and not 0 < rounds <= MAX_ROUNDS:
        raise UsageError(f"--rounds {rounds}: negsim's talks take 1 to {MAX_ROUNDS:,} rounds")
    sid = _scenario_id(domain, scenario_id)
    reader = _Reader()
    domain_xml, issues = _read_domain(domain, profiles, reader)
    profile_xmls = _read_files(profiles)
    written = [read_profile(xml, issues, reader) for xml in profile_xmls]
    if reader.findings:
        raise ScenarioError(reader.findings)
    read = [read_as(reading, profile, issues) for profile in written]
    problems = [xml.finding(xml.root.find(".//reservation"), numbers.problem)
                for xml, numbers in zip(profile_xmls, read, strict=True) if numbers.problem is not None]
    if problems:
        raise ScenarioError(problems)
    data = scenario_data(domain, issues, written, read, sid, _title(domain_xml), rounds)
    text = _header(domain, written, read, reading, rounds, reader.warnings) + yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)
    return Imported(text, loads(text, name=f"<import of {domain.name}>"), list(reader.warnings))


def import_genius(domain: Path, profiles: Sequence[Path], *, scenario_id: str | None = None,
                  reading: Reading = "genius", rounds: int | None = None) -> str:
    """Convert a Genius domain and its preference profiles into the text of a negsim scenario.

    Issue, value and party names become valid ids (lower-case, '-'); the original names stay
    as issue names and in each issue's description. By default the numbers are read as Genius
    reads them (each issue's evaluations divided by its largest one); ``reading="negmas"``
    reads them as NegMAS does (``readings.py`` says how each works).

    Args:
        domain: The Genius domain file (``<negotiation_template>``).
        profiles: One Genius preference profile (``<utility_space>``) per party.
        scenario_id: Id of the scenario; by default made from the domain's file name.
        reading: ``"genius"`` or ``"negmas"``.
        rounds: The deadline in rounds, if known (the talks alternate offers for that many).

    Returns:
        The YAML text of a scenario that :func:`negsim.loads` accepts.

    Raises:
        UsageError: A file cannot be read, no profile is given, or the id or rounds are invalid.
        ScenarioError: A file is malformed or a profile does not match the domain; each
            finding names the XML file, line and column.
    """
    return convert(domain, profiles, scenario_id=scenario_id, reading=reading, rounds=rounds).text


# -- the command line -----------------------------------------------------------------------
