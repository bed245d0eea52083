"""Terminal rendering with rich: one table per party, a summary line.

Text from a scenario (names, titles, quotes, rationales, values) is shown as text: every
string reaches rich as a :class:`~rich.text.Text` made by :func:`plain`, so rich reads no
markup (``[bold]``) or emoji codes (``:warning:``) in it, and :func:`shown` escapes control
characters, bidirectional overrides and unpaired surrogates, so that no escape sequence
from a file reaches the terminal (clearing it or setting its title).
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import Diagnostic, ScenarioError
from ..scenario.hints import counted
from ..scenario.redlines import STATED
from ..scenario.words import terms_text, told_apart

if TYPE_CHECKING:  # types only: a command that only checks a scenario loads no analysis
    from ..analysis.explanation import Explanation, Point
    from ..constraints.evaluation import Evaluation, PartyStance, RedLineJudgement, WalkAwayJudgement

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Characters a terminal would act on rather than show: C0 and C1 controls, DEL, line and
paragraph separators, bidirectional embeddings, overrides and isolates, unpaired surrogates."""
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""The characters of _UNSAFE that ``json.dumps`` leaves as they are (it escapes C0 controls itself)."""
_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def shown(text: object) -> str:
    r"""A value as text safe for a terminal: each character it would act on written as an escape.

    ESC becomes the four characters ``\x1b``, U+202E becomes ``\u202e``, a newline ``\n``;
    everything else, non-ASCII letters included, is left as it is.
    """
    return _UNSAFE.sub(_escape, str(text))


def shown_error(error: Exception) -> str:
    """An error's message for the terminal: escaped by :func:`shown`, one line per finding of a ScenarioError."""
    if isinstance(error, ScenarioError):
        return "\n".join(shown(finding) for finding in error.diagnostics)
    return shown(error)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def plain(text: object, style: str = "") -> Text:
    """A value as a rich Text shown literally: escaped by :func:`shown`, never read as markup."""
    return Text(shown(text), style=style)


def plain_lines(items: Iterable[object], style: str = "") -> Text:
    """Several values, one per line, each shown literally (a newline inside one is escaped)."""
    return Text("\n".join(shown(item) for item in items), style=style)


def json_text(data: Any, *, ascii_only: bool = False) -> str:
    r"""``data`` as indented JSON, the same JSON, but safe to print to a terminal.

    ``json.dumps`` escapes C0 controls, but not DEL, C1 controls, bidirectional overrides or
    unpaired surrogates (which cannot even be encoded as UTF-8); those are written as ``\uXXXX``
    escapes too. They can stand only inside JSON strings, so the text reads back to the same data.
    With ``ascii_only``, every character beyond ASCII is escaped, for output that cannot encode it.
    """
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}",
                               json.dumps(data, indent=2, ensure_ascii=ascii_only, default=str))


_VERDICT_STYLE = {"holds": "green", "breaks": "bold red", "open": "yellow"}
_STANCE = {"accept": ("ACCEPTS", "bold green"), "reject": ("REJECTS", "bold red"),
           "open": ("UNDECIDED", "bold yellow")}


_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "note": "cyan"}


def render_diagnostics(findings: list[Diagnostic], console: Console) -> None:
    """Print each finding as ``path:line:col: severity: message``."""
    for finding in findings:
        style = _SEVERITY_STYLE[finding.severity]
        console.print(plain(finding, style), soft_wrap=True)


def render_evaluation(evaluation: Evaluation, console: Console) -> None:
    """Print the terms, one table per party, and the summary."""
    name = f"proposal '{evaluation.proposal}'" if evaluation.proposal else "package"
    terms = terms_text(evaluation.terms)
    heading = Text.assemble(("Evaluating ", "bold"), plain(name, "bold cyan"), plain(f" of {evaluation.scenario}"))
    console.print(heading)
    console.print(plain(f"terms: {terms}", "dim"), soft_wrap=True)
    for party in evaluation.parties:
        if console.width < NARROW:
            _party_list(party, console)
        else:
            console.print(_party_table(party))
    console.print(plain(evaluation.summary(), "bold"), soft_wrap=True)


NARROW = 100
"""Below this many columns, a party's red lines are listed one under another, not as a table whose cells wrap."""


def _party_list(party: PartyStance, console: Console) -> None:
    """A party's stance for a narrow terminal: each red line's id and verdict on a line, its rule and source below."""
    console.print(_stance_title(party))
    width = console.width
    for red_line in party.red_lines:
        console.print(Text.assemble("  ", plain(red_line.ref, "cyan"), "  ", _verdict(red_line)), soft_wrap=True)
        console.print(_indented(red_line.rule, width, "bold"), soft_wrap=True)
        console.print(_indented(_source(red_line), width), soft_wrap=True)
    if party.walk_away is not None:
        console.print(Text.assemble("  ", plain(party.walk_away.ref, "cyan"), "  ", _verdict(party.walk_away)),
                      soft_wrap=True)
        console.print(_indented(_utility(party.walk_away), width), soft_wrap=True)


def _indented(text: str, width: int, style: str = "") -> Text:
    """Text wrapped to ``width``, every line four spaces in (ids and words kept whole where they fit)."""
    wrapped = textwrap.fill(shown(text), width=max(20, width - 1), initial_indent="    ", subsequent_indent="    ",
                            break_long_words=True, break_on_hyphens=False)
    return Text(wrapped, style=style)  # shown() escaped the text; the newlines are the wrapping's own


def _stance_title(party: PartyStance) -> Text:
    """``Israel (principal) REJECTS on israel/x``."""
    word, style = _STANCE[party.stance]
    because = party.breaking if party.stance == "reject" else party.withholding
    reason = f" on {', '.join(because)}" if because else ""
    return Text.assemble(plain(party.name, "bold"), plain(f" ({party.role}) "), (word, style), plain(reason))


def _party_table(party: PartyStance) -> Table:
    table = Table(title=_stance_title(party), title_justify="left", expand=False, show_lines=False)
    table.add_column("red line", style="cyan", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("rule, source and rationale", overflow="fold")
    for red_line in party.red_lines:
        why = Text.assemble(plain(red_line.rule, "bold"), "\n", plain(_source(red_line)))
        table.add_row(plain(red_line.ref), _verdict(red_line), why)
    if party.walk_away is not None:
        table.add_row(plain(party.walk_away.ref), _verdict(party.walk_away), plain(_utility(party.walk_away)))
    if not party.red_lines and party.walk_away is None:
        table.add_row(Text("(none)"), Text("holds", style="green"), Text("no red lines or reservation value"))
    return table


def _verdict(item: RedLineJudgement | WalkAwayJudgement) -> Text:
    label: str = item.verdict
    if getattr(item, "deferred", False):  # a red line left to be settled later (a walk-away value never is)
        label = "open (deferred)"
    return Text(label, style=_VERDICT_STYLE[item.verdict])


def _source(red_line: RedLineJudgement) -> str:
    if red_line.source == "assumption":
        return f"assumption (confidence {red_line.confidence:g}): {red_line.rationale}"
    found_at = [red_line.source[key] for key in ("citation", "url") if red_line.source.get(key)]
    where = ", ".join([red_line.source.get("title") or red_line.source["doc"], *found_at])
    confidence = f", confidence {red_line.confidence:g}" if red_line.confidence < 1 else ""
    if red_line.source.get("inferred"):
        return f"inferred from “{red_line.source['quote']}” ({where}{confidence}): {red_line.rationale}"
    return f"“{red_line.source['quote']}” ({where}{confidence}); {red_line.rationale}"


def _utility(walk_away: WalkAwayJudgement) -> str:
    """The utility (a range, with open issues) against the walk-away value, with digits to tell them apart."""
    low, high = walk_away.utility_low, walk_away.utility_high
    if high - low < 5e-3:
        value, demand = told_apart(low, walk_away.walk_away)
        return f"utility {value} against walk-away value {demand}"
    low_text, high_text, demand = told_apart(low, high, walk_away.walk_away)
    return f"utility {low_text} to {high_text} against walk-away value {demand}"


_CODE = re.compile(r"`([^`\n]+)`")


def _spans(sentence: str) -> Text:
    """A narration sentence for the terminal: its Markdown code spans (red-line ids) in colour, without backticks.

    The narration keeps them (JSON, a report in Markdown); a terminal would show them as they are typed.
    """
    text, at = Text(), 0
    for found in _CODE.finditer(sentence):
        text.append_text(plain(sentence[at:found.start()]))
        text.append_text(plain(found.group(1), "cyan"))
        at = found.end()
    text.append_text(plain(sentence[at:]))
    return text


def render_explanation(explanation: Explanation, console: Console) -> None:
    """Print the narration, then tables of clashes, concessions and reference points."""
    console.print(plain(f"Deal space of {explanation.scenario}", "bold"))
    for sentence in explanation.narration:
        console.print(_spans("• " + sentence), soft_wrap=False)
    if explanation.clashing_sets:
        console.print(Text("Clashing sets (no package meets all of them)", style="bold"))
        console.print(_clashes(explanation))
    if explanation.concessions:
        console.print(Text("Concession sets (relaxing them opens a deal)", style="bold"))
        console.print(_concessions(explanation))
    reference = explanation.reference
    if reference.nash is not None:
        counted = "" if reference.over is None else f" ({reference.over:,} packages)"
        console.print(plain(f"Reference points over the ZOPA{counted}", "bold"))
        console.print(_reference_points(explanation))


def _clashes(explanation: Explanation) -> Table:
    table = Table()
    table.add_column("#", justify="right")
    table.add_column("red lines", style="cyan")
    for i, refs in enumerate(explanation.clashing_sets, 1):
        table.add_row(Text(str(i)), plain_lines(refs))
    return table


def _concessions(explanation: Explanation) -> Table:
    table = Table()
    for name in ("red lines", "cost", "opens", "Nash package"):
        table.add_column(name, style="cyan" if name == "red lines" else None, overflow="fold")
    for c in explanation.concessions:
        opens = "not counted" if c.opens is None else f"{c.opens:,}"
        best = Text("not settled") if c.best is None and not explanation.reference.settled else _point(c.best)
        table.add_row(plain_lines(c.refs), Text(f"{c.cost:g}"), Text(opens), best)
    return table


def _reference_points(explanation: Explanation) -> Table:
    reference = explanation.reference
    table = Table()
    table.add_column("solution")
    table.add_column("package", overflow="fold")
    for label, point in (("Nash", reference.nash), ("Kalai–Smorodinsky", reference.kalai_smorodinsky),
                         ("max welfare", reference.max_welfare)):
        table.add_row(Text(label), _point(point))
    return table


def _point(point: Point | None) -> Text:
    if point is None:
        return Text("none above every walk-away value")
    utilities = ", ".join(f"{p} {u:.2f}" for p, u in point.utilities.items())
    return plain_lines((terms_text(point.terms), f"({utilities})"))


_KIND_STYLE = {"accept": "green", "reject": "red", "counter": "yellow", "agreement": "bold green",
               "blocked": "bold red", "shock": "bold magenta", "summit": "bold cyan", "draft": "cyan", "end": "bold",
               "object": "red"}


TIMELINE_ENDS = 500
"""Entries shown at each end of a long timeline; the whole log is for ``run --log``. A table of
tens of thousands of rows (an event with thousands of effects) takes longer to lay out than the
run itself and is no use in a terminal."""


def render_timeline(entries: list[dict[str, object]], console: Console) -> None:
    """Print a run's log as a table: date, who, what happened, which red lines broke.

    Of a log longer than twice :data:`TIMELINE_ENDS`, the first and last entries are shown and
    one row says how many are left out.
    """
    table = Table(title_justify="left", show_lines=False)
    for name in ("date", "who", "what", "red lines / terms"):
        table.add_column(name, overflow="fold", no_wrap=name == "date")
    left_out = range(TIMELINE_ENDS, len(entries) - TIMELINE_ENDS)
    last_text: object = None  # the package of the last draft or offer shown
    for index, entry in enumerate(entries):
        if index == left_out.start and left_out:
            table.add_row("…", "", plain(f"{len(left_out):,} entries not shown; run with --log FILE for the "
                                         "whole log", "italic"), "")
        detail, last_text = _detail(entry, last_text)
        if index in left_out:
            continue  # still followed above, so that "(the same text)" stays true after the gap
        table.add_row(plain(entry["date"]), plain(entry.get("party") or ""), _what(entry), plain(detail))
    console.print(table)


_TEXT_KINDS = ("draft", "offer", "agreement", "counter")
"""Entries that carry a package whose terms the timeline shows."""


def _detail(entry: dict[str, object], last_text: object) -> tuple[str, object]:
    """The entry's last column (the red lines' verdicts, else the terms of its text) and the last text tabled.

    A draft tabling the text tabled just before says so rather than repeating its terms; a
    counter-offer is not a text tabled, so it leaves the last text as it was.
    """
    verdicts = entry.get("verdicts")
    if isinstance(verdicts, dict) and verdicts:
        return ", ".join(f"{ref} {v}" for ref, v in verdicts.items()), last_text
    kind, package = str(entry["kind"]), entry.get("package")
    if not isinstance(package, dict) or kind not in _TEXT_KINDS:
        return "", last_text
    if kind == "counter":
        return terms_text(package), last_text
    if kind == "draft" and package == last_text:
        return "(the same text)", package
    return terms_text(package), package


def _what(entry: dict[str, object]) -> Text:
    """The entry's kind, styled, and its cause if it has one."""
    kind = str(entry["kind"])
    what = plain(kind, _KIND_STYLE.get(kind, ""))
    if entry.get("cause"):
        what.append(shown(f": {entry['cause']}"), style="")
    return what


def render_red_lines(versions: Mapping[str, str | None], drawn: bool, console: Console) -> None:
    """Say which red lines the run played: as stated, or drawn (naming those not drawn as stated)."""
    if not drawn:
        console.print(plain("Red lines as stated (--draw draws each one's real version from its confidence)."),
                      soft_wrap=True)
        return
    changed = {ref: version for ref, version in versions.items() if version != STATED}
    shown = "; ".join(f"{ref} {'dropped (a bluff)' if version is None else f'in its version {version!r}'}"
                      for ref, version in changed.items())
    rest = len(versions) - len(changed)
    console.print(plain(f"Red lines drawn from their confidence: {shown or 'every one as stated'}"
                        f"{f'; the other {rest} as stated' if changed and rest else ''}."), soft_wrap=True)


def render_outcome(outcome: dict[str, object], console: Console) -> None:
    """Print the outcome of a run in one or two sentences."""
    if outcome["agreed"]:
        terms = terms_text(outcome["package"])  # type: ignore[arg-type]
        rounds = counted(outcome["rounds"], "round")  # type: ignore[arg-type]
        console.print(plain(f"Agreement on {outcome['date']} after {rounds}: {terms}.", "bold green"), soft_wrap=True)
        return
    rules: dict[str, str] = outcome.get("blocking_rules") or {}  # type: ignore[assignment]
    blocking = ", ".join(f"{ref} ({rules[ref]})" if ref in rules else ref
                         for ref in outcome["blocking"]) or "none named"  # type: ignore[attr-defined]
    console.print(plain(f"No agreement: {outcome['reason']}. Blocking: {blocking}.", "bold red"), soft_wrap=True)
