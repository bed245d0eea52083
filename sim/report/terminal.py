"""Terminal rendering with rich: one table per party, a summary line."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from sim.analysis.explain import Explanation, Point
from sim.analysis.narrate import terms_text
from sim.errors import Diagnostic
from sim.evaluation import Evaluation, PartyVerdict, RedLineVerdict, ReservationVerdict
from sim.scenario.hints import quoted

_VERDICT_STYLE = {"holds": "green", "breaks": "bold red", "open": "yellow"}
_STANCE = {"accept": ("ACCEPTS", "bold green"), "reject": ("REJECTS", "bold red"),
           "open": ("UNDECIDED", "bold yellow")}


def render_diagnostics(findings: list[Diagnostic], console: Console) -> None:
    """Print each finding as ``path:line:col: severity: message``."""
    for finding in findings:
        style = "red" if finding.severity == "error" else "yellow"
        console.print(Text(str(finding), style=style), soft_wrap=True)


def render_evaluation(evaluation: Evaluation, console: Console) -> None:
    """Print the terms, one table per party, and the summary."""
    name = f"proposal '{evaluation.proposal}'" if evaluation.proposal else "package"
    terms = ", ".join(f"{k}={'(open)' if v is None else quoted(v).strip(chr(39))}"
                      for k, v in evaluation.terms.items())
    console.print(Text.assemble(("Evaluating ", "bold"), (name, "bold cyan"), f" of {evaluation.scenario}"))
    console.print(Text(f"terms: {terms}", style="dim"), soft_wrap=True)
    for party in evaluation.parties:
        console.print(_party_table(party))
    console.print(Text(evaluation.summary(), style="bold"), soft_wrap=True)


def _party_table(party: PartyVerdict) -> Table:
    word, style = _STANCE[party.stance]
    because = party.breaking if party.stance == "reject" else party.withholding
    reason = f" on {', '.join(because)}" if because else ""
    title = Text.assemble((f"{party.name}", "bold"), f" ({party.role}) ", (word, style), reason)
    table = Table(title=title, title_justify="left", expand=False, show_lines=False)
    table.add_column("red line", style="cyan", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("source", overflow="fold")
    for red_line in party.red_lines:
        table.add_row(red_line.ref, _verdict(red_line), _source(red_line))
    if party.reservation is not None:
        table.add_row(party.reservation.ref, _verdict(party.reservation), _utility(party.reservation))
    if not party.red_lines and party.reservation is None:
        table.add_row("(none)", Text("holds", style="green"), "no red lines or reservation value")
    return table


def _verdict(item: RedLineVerdict | ReservationVerdict) -> Text:
    label: str = item.verdict
    if isinstance(item, RedLineVerdict) and item.deferred:
        label = "open (deferred)"
    return Text(label, style=_VERDICT_STYLE[item.verdict])


def _source(red_line: RedLineVerdict) -> str:
    if red_line.source == "assumption":
        return f"assumption (confidence {red_line.confidence:g}): {red_line.rationale}"
    where = red_line.source.get("title") or red_line.source["doc"]
    confidence = f", confidence {red_line.confidence:g}" if red_line.confidence < 1 else ""
    if red_line.source.get("inferred"):
        return f"inferred from “{red_line.source['quote']}” ({where}{confidence}): {red_line.rationale}"
    return f"“{red_line.source['quote']}” ({where}{confidence})"


def _utility(reservation: ReservationVerdict) -> str:
    low, high = reservation.utility_low, reservation.utility_high
    value = f"{low:.2f}" if abs(high - low) < 5e-3 else f"{low:.2f} to {high:.2f}"
    return f"utility {value} against walk-away value {reservation.reservation:.2f}"


def render_explanation(explanation: Explanation, console: Console) -> None:
    """Print the narration, then tables of clashes, concessions and reference points."""
    console.print(Text(f"Deal space of {explanation.scenario}", style="bold"))
    for sentence in explanation.narration:
        console.print(Text("• " + sentence), soft_wrap=False)
    if explanation.clashing_sets:
        console.print(Text("Clashing sets (no package meets all of them)", style="bold"))
        table = Table()
        table.add_column("#", justify="right")
        table.add_column("red lines", style="cyan")
        for i, refs in enumerate(explanation.clashing_sets, 1):
            table.add_row(str(i), "\n".join(refs))
        console.print(table)
    if explanation.concessions:
        console.print(Text("Concession sets (relaxing them opens a deal)", style="bold"))
        table = Table()
        for name in ("red lines", "cost", "opens", "Nash package"):
            table.add_column(name, style="cyan" if name == "red lines" else None, overflow="fold")
        for c in explanation.concessions:
            table.add_row("\n".join(c.refs), f"{c.cost:g}", f"{c.opens:,}", _point(c.best))
        console.print(table)
    reference = explanation.reference
    if reference.nash is not None:
        console.print(Text(f"Reference points over the ZOPA ({reference.over:,} packages)", style="bold"))
        table = Table()
        table.add_column("solution")
        table.add_column("package", overflow="fold")
        for label, point in (("Nash", reference.nash), ("Kalai–Smorodinsky", reference.kalai_smorodinsky),
                             ("max welfare", reference.max_welfare)):
            table.add_row(label, _point(point))
        console.print(table)


def _point(point: Point | None) -> str:
    if point is None:
        return "none above every walk-away value"
    utilities = ", ".join(f"{p} {u:.2f}" for p, u in point.utilities.items())
    return f"{terms_text(point.terms)}\n({utilities})"


_KIND_STYLE = {"accept": "green", "reject": "red", "counter": "yellow", "agreement": "bold green",
               "blocked": "bold red", "shock": "bold magenta", "summit": "bold cyan", "draft": "cyan", "end": "bold"}


def render_timeline(entries: list[dict[str, object]], console: Console) -> None:
    """Print a run's log as a table: date, who, what happened, which red lines broke."""
    table = Table(title_justify="left", show_lines=False)
    for name in ("date", "who", "what", "red lines / terms"):
        table.add_column(name, overflow="fold", no_wrap=name == "date")
    shown: object = None
    for entry in entries:
        kind = str(entry["kind"])
        verdicts = entry.get("verdicts")
        package = entry.get("package")
        detail = ", ".join(f"{ref} {v}" for ref, v in verdicts.items()) if isinstance(verdicts, dict) else ""
        if not detail and isinstance(package, dict) and kind in ("draft", "offer", "agreement", "counter"):
            detail = "(the same text)" if package == shown and kind == "draft" else terms_text(package)
            if kind != "counter":
                shown = package
        what = Text(kind, style=_KIND_STYLE.get(kind, ""))
        if entry.get("cause"):
            what.append(f": {entry['cause']}", style="")
        table.add_row(str(entry["date"]), str(entry.get("party") or ""), what, detail)
    console.print(table)


def render_outcome(outcome: dict[str, object], console: Console) -> None:
    """Print the outcome of a run in one or two sentences."""
    if outcome["agreed"]:
        terms = terms_text(outcome["package"])  # type: ignore[arg-type]
        console.print(Text(f"Agreement on {outcome['date']} after {outcome['rounds']} rounds: {terms}.",
                           style="bold green"), soft_wrap=True)
        return
    blocking = ", ".join(outcome["blocking"]) or "none named"  # type: ignore[arg-type]
    console.print(Text(f"No agreement: {outcome['reason']}. Blocking: {blocking}.", style="bold red"),
                  soft_wrap=True)
