"""A corpus of malformed scenario files, each a mistake a real user makes.

Every file in tests/malformed/ is tests/valid/base.yaml with one mistake (its first line
says which), except ``several-errors.yaml``, which has five, all reported in one pass.
``negsim check`` must exit 1, point at the exact line and column, say something that
helps, never show a traceback, and never hang. Huge and binary files are made in tmp_path.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
MALFORMED = HERE / "malformed"
BASE = HERE / "valid" / "base.yaml"
FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+)$")

Run = Callable[..., Any]  # the `negsim` fixture of conftest.py

# file stem, line, column, and a part of the message (or several parts, all of which it must hold)
CASES: list[tuple[str, int, int, str | tuple[str, ...]]] = [
    # operators YAML cannot read unquoted
    ("unquoted-operator", 44, 41, "the operator >= must be quoted, e.g. op: \">=\""),
    ("unquoted-not-equal", 75, 15, "'!=' reads as a YAML tag; an operator must be quoted"),
    # keys
    ("misspelt-key", 44, 9, "unknown key 'rationle'; did you mean 'rationale'?"),
    ("misspelt-optional-key", 59, 9, "unknown key 'confidense'; did you mean 'confidence'?"),
    ("misspelt-section", 79, 1, "unknown key 'propsals'; did you mean 'proposals'?"),
    ("missing-required-key", 23, 5, "missing required key 'type' (in issues.overtime)"),
    ("missing-space-after-colon", 43, 37, "put a space after the ':' (write 'op: \">=\"')"),
    ("duplicate-key", 26, 5, "duplicate key 'name' (first defined at line 24, column 5)"),
    ("invalid-id", 54, 13, "'Jobs First' is not a valid id: use lower-case letters, digits, '-' and '_' "
     "(e.g. 'jobs-first')"),
    ("duplicate-ids", 75, 9, "id 'union' is used twice in parties (first at line 38)"),
    # types and values
    ("wrong-type", 6, 15, "expected an integer, got a string ('60 days') (write the number alone, without a unit)"),
    ("string-for-number", 66, 20, "expected a number, got a string ('0.3') (remove the quotes)"),
    ("percent-sign", 61, 28, "expected a number, got a string ('50%') (write a plain number, e.g. 0.5 for 50%)"),
    ("confidence-above-one", 48, 21, "'confidence' must be at most 1, got a number (80) "
     "(it runs from 0 to 1: write 0.8 for 80%)"),
    ("date-format", 5, 8, ("expected a date", "YYYY-MM-DD", "'01/10/2024'")),
    ("quoted-format-version", 2, 9, "expected the number 1, not the string '1' (remove the quotes)"),
    ("unknown-issue-type", 29, 11, "'bool' is not allowed here; expected one of: categorical, ordered, boolean, "
     "integer; did you mean 'boolean'?"),
    ("no-meant-as-false", 82, 61, "issue 'no-layoffs' is boolean: expected true or false, got 'no' "
     "(YAML 1.2 reads it as a string)"),
    ("yaml11-yes", 60, 18, "expected true or false, got a string ('yes') (YAML 1.2 reads 'yes' as a string; "
     "write true)"),
    ("integer-out-of-range", 82, 24, "45 is outside issue 'wage-rise' (0 to 30)"),
    ("value-outside-domain", 72, 55, "'full' is not a value of issue 'automation'; its values are 'banned', "
     "'limited', 'allowed'"),
    # conditions
    ("red-line-unknown-issue", 43, 26, "unknown issue 'wage-raise'; did you mean 'wage-rise'?"),
    ("order-op-on-categorical", 34, 9, "operator '<=' needs an ordered or integer issue; 'automation' is categorical"),
    ("in-with-scalar", 33, 5, "operator 'in' takes a list of values, e.g. [a, b] (in conditions.automation-limited)"),
    ("unknown-named-condition", 56, 30, "unknown named condition 'automation-limted'; "
     "did you mean 'automation-limited'?"),
    ("condition-cycle", 32, 3, "named conditions refer to each other in a cycle: automation-limited -> "
     "automation-capped -> automation-limited"),
    ("deep-nesting", 56, 379, "nesting deeper than 64 levels"),
    ("quote-unknown-source", 46, 16, "unknown source document 'union-leter'; did you mean 'union-letter'?"),
    # preferences
    ("value-table-missing-value", 65, 19, "value table of 'overtime' misses 'double'"),
    ("weight-without-value-table", 61, 61, "issue 'no-layoffs' has a weight but no value table; "
     "add 'no-layoffs' under 'values'"),
    # proposals
    ("proposal-unknown-party", 81, 15, "unknown party 'employer'; did you mean 'employers'?"),
    ("proposal-unknown-issue", 82, 49, "unknown issue 'overtme'; did you mean 'overtime'?"),
    ("proposal-unknown-value", 82, 59, "'triple' is not a value of issue 'overtime'; its values are 'none', "
     "'time-and-a-half', 'double'"),
    # events
    ("event-date-and-rate", 85, 5, "give exactly one of 'date' (a scheduled event) or 'rate_per_day'"),
    ("event-unknown-red-line", 92, 32, "unknown red line 'union/real-rise'; did you mean 'union/real-raise'?"),
    ("switch-unknown-version", 92, 56, "unknown version 'modest'; did you mean 'modest-raise'?"),
    ("unknown-effect-type", 93, 16, "unknown type 'reservations'; expected one of: 'harden', 'soften'"),
    # YAML syntax
    ("tab-indentation", 20, 1, "tab character in indentation; YAML indents with spaces only"),
    ("unquoted-colon", 57, 35, "mapping values are not allowed here (a value holding ': ' must be quoted"),
    ("mis-indented-key", 44, 7, "this line is indented differently from the lines around it"),
    ("unclosed-bracket", 84, 7, "while parsing a flow mapping (begun at line 82, column 12): expected ',' or '}'"),
    ("unclosed-quote", 76, 11, "this quoted value is never closed"),
    ("second-document", 84, 1, "a second document begins here; a scenario is one YAML document"),
    # what the safe YAML reader refuses
    ("python-tag", 76, 11, "tag '!!python/object/apply:os.system' is not allowed; a scenario is plain data"),
    ("merge-key", 76, 5, "merge keys ('<<') are YAML 1.1 only; write the keys out"),
    ("alias-bomb", 11, 1, "document expands to more than 200,000 values; is an alias ('*name') repeated too often"),
    # the file as a whole
    ("empty-file", 1, 1, "file is empty; a scenario needs at least 'issues' and 'parties'"),
    ("only-comments", 1, 1, "file is empty"),
    ("top-level-list", 1, 1, "a scenario is a mapping of keys such as 'issues' and 'parties', "
     "but this file holds a list"),
    ("utf-16", 1, 1, "file is UTF-16 text, not UTF-8; save it as UTF-8"),
    ("latin-1", 76, 12, "file is not UTF-8 text (byte 0xe9); was it saved as Latin-1 or Windows-1252?"),
    ("mixed-encoding", 57, 53, "file is not UTF-8 text (byte 0xe9)"),
]

SEVERAL = [
    (29, 11, "'bool' is not allowed here"),
    (44, 9, "unknown key 'rationle'; did you mean 'rationale'?"),
    (72, 26, "unknown issue 'wage-raise'; did you mean 'wage-rise'?"),
    (81, 15, "unknown party 'employer'; did you mean 'employers'?"),
    (82, 24, "45 is outside issue 'wage-rise' (0 to 30)"),
]


def findings(out: str, err: str) -> list[tuple[str, int, int, str]]:
    """Parse ``path:line:col: error: message`` lines; fail on any other output or a traceback."""
    assert "Traceback" not in out and "Traceback" not in err
    assert "internal error" not in err
    found = []
    for text in out.splitlines():
        match = FINDING.match(text)
        assert match, f"not a diagnostic: {text!r}"
        found.append((match["path"], int(match["line"]), int(match["col"]), match["message"]))
    return found


def test_the_base_of_the_corpus_is_valid(negsim_cli: Run) -> None:
    run = negsim_cli("check", str(BASE))
    assert run.code == 0, run.out
    assert run.out.startswith(f"{BASE}: ok")


def test_every_file_of_the_corpus_has_a_case() -> None:
    stems = {p.stem for p in MALFORMED.glob("*.yaml")}
    assert stems == {name for name, *_ in CASES} | {"several-errors"}
    assert len(stems) >= 30


@pytest.mark.parametrize(("name", "line", "col", "message"), CASES, ids=[c[0] for c in CASES])
def test_malformed_file_is_reported_at_its_place(
    negsim_cli: Run, name: str, line: int, col: int, message: str | tuple[str, ...]
) -> None:
    path = MALFORMED / f"{name}.yaml"
    run = negsim_cli("check", str(path))
    assert run.code == 1
    found = findings(run.out, run.err)
    assert len(found) == 1, "\n".join(map(str, found))
    ((where, got_line, got_col, got_message),) = found
    assert where == str(path)
    assert (got_line, got_col) == (line, col), got_message
    for part in (message,) if isinstance(message, str) else message:
        assert part in got_message


def test_several_errors_are_all_reported_in_one_pass(negsim_cli: Run) -> None:
    run = negsim_cli("check", str(MALFORMED / "several-errors.yaml"))
    assert run.code == 1
    found = findings(run.out, run.err)
    assert [(line, col) for _, line, col, _ in found] == [(line, col) for line, col, _ in SEVERAL]
    for (_, _, _, got), (_, _, expected) in zip(found, SEVERAL, strict=True):
        assert expected in got


# -- files made on the fly: too big or too binary to commit ------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 50 MB scenario, binary junk, a NUL byte in text, and brackets nested 100,000 deep."""
    folder = tmp_path_factory.mktemp("malformed")
    files = {name: folder / name for name in ("huge.yaml", "junk.yaml", "nul.yaml", "brackets.yaml")}
    issue = b"  - {id: wage-rise, name: Wage rise, type: integer, min: 0, max: 30}\n"
    with files["huge.yaml"].open("wb") as handle:
        handle.write(b"negsim: 1\nissues:\n")
        block = issue * 10_000
        for _ in range(50_000_000 // len(block) + 1):
            handle.write(block)
        handle.truncate(50_000_000)
    files["junk.yaml"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64)
    files["nul.yaml"].write_bytes(BASE.read_bytes().replace(b"title: Port", b"title: \x00Port", 1))
    files["brackets.yaml"].write_text("negsim: 1\nissues: " + "[" * 100_000 + "]" * 100_000 + "\n")
    return files


GENERATED = [
    ("huge.yaml", 1, 1, "file is 50.0 MB; scenario files are limited to 5 MiB"),
    ("junk.yaml", 1, 1, "file is not UTF-8 text (byte 0x89); is it a binary file?"),
    ("nul.yaml", 4, 8, "control character U+0000 in file; is it a binary file?"),
    ("brackets.yaml", 2, 74, "nesting deeper than 64 levels"),
]


@pytest.mark.parametrize(("name", "line", "col", "message"), GENERATED, ids=[c[0] for c in GENERATED])
def test_generated_file_is_reported_at_its_place(
    negsim_cli: Run, generated: dict[str, Path], name: str, line: int, col: int, message: str
) -> None:
    path = generated[name]
    run = negsim_cli("check", str(path))
    assert run.code == 1
    ((where, got_line, got_col, got_message),) = findings(run.out, run.err)
    assert (where, got_line, got_col) == (str(path), line, col), got_message
    assert message in got_message


def test_the_huge_file_is_really_50_mb(generated: dict[str, Path]) -> None:
    assert generated["huge.yaml"].stat().st_size == 50_000_000


def test_the_whole_corpus_at_once_in_a_fresh_process(generated: dict[str, Path]) -> None:
    files = sorted(MALFORMED.glob("*.yaml")) + sorted(generated.values())
    done = subprocess.run(
        [sys.executable, "-m", "negsim", "check", *map(str, files)],
        capture_output=True, text=True, timeout=60, cwd=HERE.parent, check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout and "Traceback" not in done.stderr
    reported = {path for path, *_ in findings(done.stdout, done.stderr)}
    assert reported == {str(f) for f in files}
    assert f"0 of {len(files)} files valid" in done.stderr
