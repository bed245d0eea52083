"""Replications as a notebook holds them: the rows, their summary, and displays of both.

:func:`~sim.experiments.replicate.replicate` returns a :class:`Replications`, and
:func:`read_results` reads one back from a results folder that ``negsim sweep`` wrote. Either
way it is a list of rows (one dict per replication, as before) that also knows its summary,
worked out by the one :class:`~sim.experiments.summary.Summary` a sweep's summary.json comes
from, so a notebook and the command line give the same figures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..files.markup import frame, heading, html_table
from ..scenario.hints import counted
from ..scenario.loader import loads
from ..scenario.model import Scenario
from ..simulation.draws import uncertainties
from .results import read_header, read_rows, row_cells
from .summary import Summary

Row = dict[str, Any]
INTEGER = re.compile(r"-?[0-9]+")
DECIMAL = re.compile(r"-?[0-9]+\.[0-9]*(e-?[0-9]+)?|-?[0-9]+e-?[0-9]+")
"""How results.cell writes numbers (ints as str, floats as repr); any other cell is text."""

TEXT_COLUMNS = frozenset({"blocking", "blocking_parties", "replay", "error"})
"""Columns of text, where an empty cell is an empty text, not a missing value."""
SHOWN_BLOCKING = 10
"""How many blocking red lines a display lists, most frequent first."""


class Replications(list[Row]):
    """Rows of seeded replications (one dict each), with their summary and a display for notebooks.

    A list, so that code written for the plain rows keeps working; ``summary`` is what
    ``negsim sweep`` writes to summary.json for the same rows.
    """

    def __init__(self, rows: Iterable[Row], scenario: Scenario, summary: dict[str, Any], seed: int) -> None:
        super().__init__(rows)
        self.scenario = scenario
        self.summary = summary
        self.seed = seed

    @classmethod
    def of(cls, rows: list[Row], scenario: Scenario, seed: int, *, draw: bool, columns: list[str]) -> Replications:
        """The rows of a run of ``replicate``, summed up as a sweep sums up its rows."""
        summary = Summary(scenario.start, columns, uncertainties(scenario, draw))
        summary.add_all(row_cells(rows, columns))
        return cls(rows, scenario, summary.to_dict(), seed)

    def __repr__(self) -> str:
        return f"<Replications: {self.headline()}>"

    def headline(self) -> str:
        """The runs and their agreement rate in one line."""
        s = self.summary
        head = f"{counted(s['replications'], 'replication')} of {self.scenario.id} (seed {self.seed})"
        if s["agreement_rate"] is None:
            return f"{head}: none ran without error"
        interval = s["agreement_rate_95"]
        rate = f"{s['agreement_rate']:.1%} agreed"
        if interval is not None:
            rate += f" (95% interval {interval[0]:.1%} to {interval[1]:.1%})"
        elif s["identical_runs"]:
            rate += " (identical runs, no interval)"
        return f"{head}: {rate}"

    def to_records(self) -> list[Row]:
        """The rows as plain dicts, one per replication."""
        return [dict(row) for row in self]

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame (pandas is an optional extra)."""
        return frame(self.to_records())

    def _repr_html_(self) -> str:
        """The summary, the red lines that blocked most runs (with their rules) and the terms agreed."""
        return "".join([heading(self.headline()), self._figures(), self._blocking(), self._terms()])

    def _figures(self) -> str:
        s = self.summary
        rows: list[list[object]] = [["replications", s["replications"]], ["errors", s["errors"]],
                                    ["distinct outcomes", s["distinct_outcomes"]], ["agreements", s["agreements"]]]
        for quantile, day in s["date_quantiles"].items():
            rows.append([f"{quantile} of agreements by", day])
        if s["uncertain"]:
            rows.append(["what runs draw", ", ".join(s["uncertain"])])
        return html_table(["figure", "value"], rows)

    def _blocking(self) -> str:
        blocking = list(self.summary["blocking"].items())
        if not blocking:
            return ""
        unagreed = self.summary["replications"] - self.summary["errors"] - self.summary["agreements"]
        rows = [[ref, self.scenario.rule_of(ref) or "", count, f"{count / unagreed:.1%}"]
                for ref, count in blocking[:SHOWN_BLOCKING]]
        caption = "red lines that blocked runs without agreement" + (
            f" (the first {SHOWN_BLOCKING} of {len(blocking)})" if len(blocking) > SHOWN_BLOCKING else "")
        return html_table(["red line", "requires (as stated)", "runs", "share"], rows, caption)

    def _terms(self) -> str:
        terms = self.summary["terms"]
        if not terms:
            return ""
        rows = [[issue, ", ".join(f"{value} ({count})" for value, count in counts.items())]
                for issue, counts in terms.items()]
        return html_table(["issue", "agreed terms (runs)"], rows, "terms of the agreements")


def read_results(folder: str | Path) -> Replications:
    """The replications of a results folder ``negsim sweep`` wrote, with the summary it wrote beside them.

    Cells come back typed as the rows of :func:`replicate` are: ``true``/``false`` as booleans,
    an empty cell as None (as "" in the columns of text), numbers as numbers, the rest as text.
    A term comes back as its issue's type has it (the category ``"10"`` stays text, an integer
    issue's value is a number) and a red line's version as text, whatever it looks like.
    """
    path = Path(folder)
    try:
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
        scenario = loads((path / "scenario.yaml").read_text(encoding="utf-8"), str(path / "scenario.yaml"))
        readers = _readers(scenario, read_header(path))
        rows = [{column: readers[column](value) for column, value in row.items()} for row in read_rows(path)]
        seed = json.loads((path / "manifest.json").read_text(encoding="utf-8"))["seed"]
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(f"{path}: not a results folder negsim sweep finished ({exc})") from None
    return Replications(rows, scenario, summary, int(seed))


def _readers(scenario: Scenario, columns: Iterable[str]) -> dict[str, Callable[[str], object]]:
    """How the cells of each column are read: text; a category or a version as text; the rest by its look."""
    categories = {f"term:{issue.id}" for issue in scenario.issues if issue.type in ("categorical", "ordered")}
    readers: dict[str, Callable[[str], object]] = {}
    for column in columns:
        if column in TEXT_COLUMNS:
            readers[column] = str
        elif column in categories or column.startswith("version:"):  # red lines an event adds included
            readers[column] = _text_or_none
        else:  # numbers, booleans, and the integer and boolean issues' terms among them
            readers[column] = _typed
    return readers


def _text_or_none(value: str) -> str | None:
    """A cell of text where an empty cell is a missing value (no agreement, so no term; an error's row)."""
    return value or None


def _typed(value: str) -> object:
    """A cell of replications.csv as the value it was written from (see ``results.cell``)."""
    if value == "":
        return None
    if value in ("true", "false"):
        return value == "true"
    if INTEGER.fullmatch(value):
        return int(value)
    if DECIMAL.fullmatch(value):
        return float(value)
    return value
