"""Source documents: a local file, a page online or a printed work, and how each is checked and shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import negsim
from negsim.errors import ScenarioError

Run = Callable[..., object]  # the `negsim` fixture of conftest.py

SCENARIO = """\
negsim: 1
id: wages
title: Wage talks
start: 2025-01-06
sources:
  - id: letter
    title: Letter from the union
    file: letter.txt
  - id: page
    title: Report on the talks
    url: https://example.org/talks
  - id: book
    title: The Long Strike
    citation: Jane Doe, The Long Strike, Harbour Press, 2019, pp. 41-44
issues:
  - {id: raise, name: Pay rise, type: integer, min: 0, max: 6}
parties:
  - id: union
    name: Union
    role: principal
    red_lines:
      - id: real-raise
        require: {issue: raise, op: ">=", value: 3}
        rationale: Pay must keep up with prices.
        source: {doc: letter, quote: no contract that leaves our members poorer}
      - id: some-raise
        require: {issue: raise, op: ">=", value: 1}
        rationale: Some raise at least.
        source: {doc: book, quote: never without a raise, inferred: true}
        confidence: 0.7
  - id: firm
    name: Firm
    role: principal
    red_lines:
      - id: cap
        require: {issue: raise, op: "<=", value: 4}
        rationale: A cap on the raise.
        source: {doc: page, quote: no more than four percent}
      - id: cap-again
        require: {issue: raise, op: "<=", value: 5}
        rationale: A looser cap.
        source: {doc: page, quote: five at the very most}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scenario and a --sources folder with the union's letter."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "letter.txt").write_text("We sign no contract that leaves our members poorer.\n")
    (tmp_path / "wages.yaml").write_text(SCENARIO, encoding="utf-8")
    return tmp_path


def test_a_page_online_and_a_printed_work_need_no_file() -> None:
    scenario = negsim.loads(SCENARIO)
    page, book = scenario.sources[1], scenario.sources[2]
    assert (page.file, page.url) == (None, "https://example.org/talks")
    assert book.citation == "Jane Doe, The Long Strike, Harbour Press, 2019, pp. 41-44"
    assert page.found_at() == "https://example.org/talks" and scenario.sources[0].found_at() is None


def test_a_source_without_file_url_or_citation_is_an_error_at_its_entry() -> None:
    text = SCENARIO.replace("    url: https://example.org/talks\n", "")
    with pytest.raises(ScenarioError) as caught:
        negsim.loads(text, "wages.yaml")
    (finding,) = caught.value.diagnostics
    assert (finding.line, finding.col) == (9, 5)
    assert finding.message.startswith("source 'page' gives no 'file', 'url' or 'citation', so no reader can find "
                                      "it; add 'url' for a page online, 'citation' for a printed work (author, "
                                      "title, publisher, year, pages) or 'file' for a local copy")


def test_check_notes_the_quotes_it_cannot_check_and_where_to_check_them(folder: Path, negsim_cli: Run) -> None:
    path = folder / "wages.yaml"
    result = negsim_cli("check", str(path), "--sources", str(folder / "sources"))
    assert result.code == 0, result.out  # type: ignore[attr-defined]
    lines = result.out.splitlines()  # type: ignore[attr-defined]
    assert f"{path}:9:5: note: 2 quotes from source 'page' not checked locally (it names no 'file'); check them " \
           "against its url https://example.org/talks" in lines
    assert f"{path}:12:5: note: 1 quote from source 'book' not checked locally (it names no 'file'); check it " \
           "against its citation Jane Doe, The Long Strike, Harbour Press, 2019, pp. 41-44" in lines
    assert f"{path}: ok (1 issue, 2 parties, 4 red lines, 0 proposals, 0 events)" in lines
    assert "warning" not in result.out and "letter" not in result.out  # type: ignore[attr-defined]


def test_notes_leave_the_file_valid_in_json(folder: Path, negsim_cli: Run) -> None:
    result = negsim_cli("check", str(folder / "wages.yaml"), "--sources", str(folder / "sources"), "--json")
    report = json.loads(result.out)  # type: ignore[attr-defined]
    assert report["valid"] is True
    assert [d["severity"] for d in report["files"][0]["diagnostics"]] == ["note", "note"]


def test_quotes_of_a_local_file_are_still_checked_verbatim(folder: Path, negsim_cli: Run) -> None:
    path = folder / "wages.yaml"
    path.write_text(SCENARIO.replace("leaves our members poorer", "leaves our members worse off"), encoding="utf-8")
    result = negsim_cli("check", str(path), "--sources", str(folder / "sources"))
    assert result.code == 1  # type: ignore[attr-defined]
    assert f"{path}:25:38: error: quote not found verbatim in 'letter.txt'" in result.out  # type: ignore[attr-defined]


def test_evaluate_shows_where_to_find_a_document_without_a_file(folder: Path, negsim_cli: Run) -> None:
    path = str(folder / "wages.yaml")
    shown = negsim_cli("evaluate", path, "--terms", "raise=5").out  # type: ignore[attr-defined]
    assert "(Report on the talks, https://example.org/talks)" in shown
    assert "(The Long Strike, Jane Doe, The Long Strike," in shown
    data = json.loads(negsim_cli("evaluate", path, "--terms", "raise=5", "--json").out)  # type: ignore[attr-defined]
    union, firm = (next(p for p in data["parties"] if p["party"] == name) for name in ("union", "firm"))
    assert firm["red_lines"][0]["source"] == {"doc": "page", "quote": "no more than four percent",
                                              "title": "Report on the talks", "url": "https://example.org/talks"}
    assert union["red_lines"][1]["source"]["citation"] == "Jane Doe, The Long Strike, Harbour Press, 2019, pp. 41-44"
    assert "url" not in union["red_lines"][0]["source"] and "citation" not in union["red_lines"][0]["source"]


def test_explain_names_the_url_beside_the_quote() -> None:
    narration = negsim.explain(negsim.loads(SCENARIO.replace("value: 3}", "value: 5}"))).narration
    assert any('`firm/cap` (requires raise <= 4; "no more than four percent", https://example.org/talks)' in line
               for line in narration)
