"""No leaks: source documents stay inside the --sources folder, and a scenario's text is shown as text.

A scenario is a file someone else may have written. It must not make ``check --sources`` read (and
quote back) a file outside the folder given, block on a pipe or read a device; and its names, titles
and quotes must not reach the terminal as escape sequences or rich markup. A lone surrogate is an
error at its place in the file, and output a terminal cannot encode is escaped, not a crash.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "tests" / "valid" / "base.yaml"
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"

SECRET = "SECRET-MARKER-7f3a"
QUOTE = "no contract that leaves our members poorer"
CLOSE_TO_QUOTE = f"root:x:0:0 no contract that leaves our {SECRET} members poorer\n"
"""Close enough to the scenario's quote that a "closest passage" would show the secret."""

ESCAPES = "\\e]0;pwn\\a\\e[2J\\u202e\\n"
"""A YAML double-quoted escape: set the window title, clear the screen, reverse the text, a new line."""
ESCAPED = "\\x1b]0;pwn\\x07\\x1b[2J\\u202e\\n"
"""How negsim must show those characters."""
RAW = ("\x1b", "\x07", "\u202e")
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What a terminal acts on rather than shows: no output of negsim may hold one of these."""

Negsim = Callable[..., Any]
"""The ``negsim`` fixture of conftest.py: runs ``main(argv)`` and returns its code, out and err."""


def scenario(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """The small valid test scenario with some text replaced, written to ``tmp_path``."""
    text = BASE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def position(path: Path, needle: str) -> str:
    """``line:col`` where ``needle`` first stands in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return f"{number}:{line.index(needle) + 1}"
    raise AssertionError(needle)


def with_source_file(tmp_path: Path, name: str) -> Path:
    """The test scenario whose source document 'union-letter' names ``file: name``."""
    return scenario(tmp_path, ("    date: 2024-09-28\n", f"    date: 2024-09-28\n    file: {json.dumps(name)}\n"))


def negsim_process(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m negsim`` in a child process with 2 GiB of address space and a 10 s time limit."""

    def limit_memory() -> None:  # a command that reads /dev/zero must fail, not take the machine with it
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, "-m", "negsim", *argv], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=10, cwd=ROOT, env=env, preexec_fn=limit_memory)


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A --sources folder; beside it, outside, a file with a secret close to the scenario's quote."""
    folder = tmp_path / "sources"
    folder.mkdir()
    (tmp_path / "outside.txt").write_text(CLOSE_TO_QUOTE, encoding="utf-8")
    return folder


def assert_refused(result: Any, path: Path, needle: str, reason: str) -> None:
    """Exit 1 with one error at the ``file:`` entry that says why and what to do, and nothing of the file."""
    process = isinstance(result, subprocess.CompletedProcess)
    out, err = (result.stdout, result.stderr) if process else (result.out, result.err)
    code = result.returncode if process else result.code
    assert code == 1, out + err
    assert f"{path}:{position(path, json.dumps(needle))}: error: " in out, out
    assert reason in out and "name a file inside the --sources folder" in out, out
    assert SECRET not in out + err and "root:x" not in out + err
    assert "closest passage" not in out


def test_sources_refuses_an_absolute_path(tmp_path: Path, sources: Path, negsim_cli: Negsim) -> None:
    path = with_source_file(tmp_path, str(tmp_path / "outside.txt"))
    result = negsim_cli("check", str(path), "--sources", str(sources))
    assert_refused(result, path, str(tmp_path / "outside.txt"), "is an absolute path")


def test_sources_refuses_a_path_that_climbs_out(tmp_path: Path, sources: Path, negsim_cli: Negsim) -> None:
    path = with_source_file(tmp_path, "../outside.txt")
    result = negsim_cli("check", str(path), "--sources", str(sources))
    assert_refused(result, path, "../outside.txt", "leads outside the --sources folder")


def test_sources_refuses_a_link_that_leads_out(tmp_path: Path, sources: Path, negsim_cli: Negsim) -> None:
    (sources / "letter.txt").symlink_to(tmp_path / "outside.txt")
    path = with_source_file(tmp_path, "letter.txt")
    result = negsim_cli("check", str(path), "--sources", str(sources))
    assert_refused(result, path, "letter.txt", "is a link that leads outside the --sources folder")


def test_sources_refuses_a_named_pipe_without_waiting(tmp_path: Path, sources: Path) -> None:
    os.mkfifo(sources / "letter.txt")
    path = with_source_file(tmp_path, "letter.txt")
    started = time.monotonic()
    result = negsim_process("check", str(path), "--sources", str(sources))
    assert time.monotonic() - started < 5
    assert_refused(result, path, "letter.txt", "is a named pipe (FIFO), not a regular file")


def test_sources_refuses_a_device(tmp_path: Path) -> None:
    path = with_source_file(tmp_path, "zero")
    started = time.monotonic()
    result = negsim_process("check", str(path), "--sources", "/dev")
    assert time.monotonic() - started < 5
    assert_refused(result, path, "zero", "is a character device, not a regular file")


def test_sources_refuses_a_document_over_the_size_limit(tmp_path: Path, sources: Path) -> None:
    with (sources / "letter.txt").open("w", encoding="utf-8") as handle:
        handle.write(("some words of a long report " * 40 + "\n") * 7_500)  # just over 8 MiB
    assert (sources / "letter.txt").stat().st_size > 8 * 1024 * 1024
    path = with_source_file(tmp_path, "letter.txt")
    started = time.monotonic()
    result = negsim_process("check", str(path), "--sources", str(sources))
    assert time.monotonic() - started < 5
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{path}:{position(path, json.dumps('letter.txt'))}: error: " in result.stdout
    assert "'letter.txt' is larger than 8 MiB, the limit for a source document" in result.stdout


def test_closest_passage_of_a_long_document_is_quick_and_short(tmp_path: Path, sources: Path) -> None:
    words = " ".join(f"w{i % 9973}x{i % 7}" for i in range(150_000))  # twice: 2.4 MB, without the quote's words
    (sources / "letter.txt").write_text(f"{words} no contract that leaves our members richer {words}\n")
    path = scenario(tmp_path, ("    date: 2024-09-28\n", "    date: 2024-09-28\n    file: letter.txt\n"),
                    (f"quote: {QUOTE}", f"quote: {QUOTE} {'and a long paraphrase of the rest ' * 20}"))
    started = time.monotonic()
    result = negsim_process("check", str(path), "--sources", str(sources))
    assert time.monotonic() - started < 5
    assert result.returncode == 1, result.stdout + result.stderr
    passage = result.stdout.split('closest passage: "', 1)[1]
    assert passage.startswith("no contract that leaves our members richer") and len(passage) < 320


def escaping_scenario(tmp_path: Path) -> Path:
    """Escape sequences in a party's name and an event's title."""
    return scenario(tmp_path,
                    ("name: Dock Workers' Union", f'name: "Dock {ESCAPES} Union"'),
                    ("    kind: shock\n", f'    kind: shock\n    title: "T {ESCAPES}x"\n'))


@pytest.mark.parametrize("argv", [["evaluate", "--proposal", "employers-offer"], ["explain"], ["run", "--seed", "3"]],
                         ids=["evaluate", "explain", "run"])
def test_escape_sequences_in_names_come_out_escaped(tmp_path: Path, negsim_cli: Negsim, argv: list[str]) -> None:
    path = escaping_scenario(tmp_path)
    result = negsim_cli(argv[0], str(path), *argv[1:])
    assert result.code == 0, result.err
    assert not any(char in result.out + result.err for char in RAW)
    assert ESCAPED in result.out, result.out


def test_escape_sequences_in_diagnostics_come_out_escaped(tmp_path: Path, negsim_cli: Negsim) -> None:
    path = scenario(tmp_path, ("automation: limited, overtime", f'automation: "limited{ESCAPES}", overtime'))
    result = negsim_cli("check", str(path))
    assert result.code == 1
    assert not any(char in result.out + result.err for char in RAW)
    where = position(path, '"limited')
    assert f"{path}:{where}: error: " in result.out
    assert f"limited{ESCAPED}" in result.out


def test_escape_sequences_in_error_messages_come_out_escaped(tmp_path: Path, negsim_cli: Negsim) -> None:
    value = f'"banned{ESCAPES}"'
    path = scenario(tmp_path, ("values: [banned, limited, allowed]", f"values: [{value}, limited, allowed]"),
                    ("value: [banned, limited]", f"value: [{value}, limited]"),
                    ("automation: {banned: 1,", f"automation: {{{value}: 1,"))
    result = negsim_cli("evaluate", str(path), "--terms", "automation=x")
    assert result.code == 2
    assert not any(char in result.out + result.err for char in RAW)
    assert f"its values are 'banned{ESCAPED}', 'limited'" in result.err


def test_json_output_escapes_what_a_terminal_would_act_on(tmp_path: Path, negsim_cli: Negsim) -> None:
    path = escaping_scenario(tmp_path)
    result = negsim_cli("evaluate", str(path), "--proposal", "employers-offer", "--json")
    assert result.code == 0, result.err
    assert not any(char in result.out for char in RAW)
    assert json.loads(result.out)["parties"][0]["name"] == "Dock \x1b]0;pwn\x07\x1b[2J\u202e\n Union"


def test_rich_markup_and_emoji_codes_in_text_print_literally(tmp_path: Path, negsim_cli: Negsim) -> None:
    rationale = "[bold red]Jobs[/] :warning: [link=x]a[/]"
    path = scenario(tmp_path, ("rationale: Jobs come first unless the raise is very large.",
                               f'rationale: "{rationale}"'))
    result = negsim_cli("evaluate", str(path), "--proposal", "employers-offer")
    assert result.code == 0, result.err
    assert rationale in result.out, result.out


@pytest.mark.parametrize("where", ["name: Dock Workers' Union", "title: Port workers' strike, autumn 2024"],
                         ids=["name", "title"])
def test_a_lone_surrogate_is_an_error_at_its_place(tmp_path: Path, negsim_cli: Negsim, where: str) -> None:
    key = where.split(":")[0]
    path = scenario(tmp_path, (where, f'{key}: "Dock \\ud800 Union"'))
    where = position(path, '"Dock')
    expected = f"{path}:{where}: error: text holds U+D800, a lone half of a UTF-16 surrogate pair"
    result = negsim_cli("check", str(path))
    assert result.code == 1 and expected in result.out, result.out + result.err
    result = negsim_cli("check", str(path), "--json")
    (finding,) = json.loads(result.out)["files"][0]["diagnostics"]
    assert result.code == 1 and f"{path}:{finding['line']}:{finding['col']}" == expected.split(": ")[0]
    for command in (["evaluate", "--proposal", "employers-offer"], ["explain"]):
        result = negsim_cli(command[0], str(path), *command[1:])
        assert result.code == 1, result.err
        assert expected in result.err and "internal error" not in result.err


def test_an_escaped_surrogate_pair_is_one_character(tmp_path: Path, negsim_cli: Negsim) -> None:
    path = scenario(tmp_path, ("name: Dock Workers' Union", 'name: "Dock \\ud83d\\ude00 Union"'))
    result = negsim_cli("evaluate", str(path), "--proposal", "employers-offer")
    assert result.code == 0 and "Dock \U0001f600 Union" in result.out, result.err


@pytest.mark.parametrize("json_output", [False, True], ids=["text", "json"])
def test_output_a_terminal_cannot_encode_is_escaped(json_output: bool) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    argv = ["evaluate", str(GAZA), "--proposal", "us-bridging-2024-08", *(["--json"] if json_output else [])]
    result = negsim_process(*argv, env=env)
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    assert "\\u201c" in result.stdout or "\\u2014" in result.stdout
    if json_output:
        assert json.loads(result.stdout)["parties"][0]["name"] == "Israel"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)))
def test_shown_text_holds_nothing_a_terminal_acts_on_and_json_reads_back(text: str) -> None:
    from negsim.report.terminal import json_text, shown

    assert not UNSAFE.search(shown(text))
    assert shown(text) == text or UNSAFE.search(text)
    encoded = json_text({"name": text})
    assert not UNSAFE.search(encoded.replace("\n", ""))
    assert json.loads(encoded) == {"name": text}
    assert json.loads(json_text({"name": text}, ascii_only=True)) == {"name": text}
