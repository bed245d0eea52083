"""Tables for a notebook's rich display, and records as a pandas DataFrame (pandas is an optional extra).

``_repr_html_`` of negsim's results (a scenario, an evaluation, an explanation, a run's outcome
and event log) builds on :func:`html_table`: every cell is escaped, so a scenario's text shows as
text. ``to_frame`` hands a result's records to pandas when it is installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from ..errors import UsageError

PANDAS_HINT = "to_frame() needs pandas: pip install 'negsim[frames]' (or pandas); to_records() needs nothing"


def html_table(header: Sequence[str], rows: Iterable[Sequence[object]], caption: str = "") -> str:
    """An HTML table of these rows, every cell escaped (None shows as a dash)."""
    return table_of(header, [[_cell(c) for c in row] for row in rows], caption)


def table_of(header: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "",
             numeric: tuple[int, ...] = ()) -> str:
    """An HTML table of cells already written as HTML (escaped); ``numeric`` columns are right-aligned.

    The one table markup of negsim's pages: the report's tables and the notebook displays.
    """
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(_td(c, i in numeric) for i, c in enumerate(row)) + "</tr>\n" for row in rows)
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>"


def _td(content: str, numeric: bool) -> str:
    if numeric:
        return f'<td class="num">{content}</td>'
    return f"<td>{content}</td>"


def html_list(items: Iterable[object]) -> str:
    """An HTML list of these items, each escaped."""
    return "<ul>" + "".join(f"<li>{escape(str(item))}</li>" for item in items) + "</ul>"


def heading(text: str) -> str:
    """A short bold heading, escaped."""
    return f"<p><b>{escape(text)}</b></p>"


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return escape(str(value))


def frame(records: Sequence[Mapping[str, Any]]) -> Any:
    """The records as a pandas DataFrame, one row each (a usage error says how to install pandas if missing)."""
    try:
        pandas = importlib.import_module("pandas")  # optional: typed as Any, whether or not it is installed
    except ImportError:
        raise UsageError(PANDAS_HINT) from None
    return pandas.DataFrame.from_records(list(records))
