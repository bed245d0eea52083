"""The documentation cannot rot: examples load, snippets match, quoted output is current.

- every scenario in ``docs/examples`` passes ``negsim check`` (and its quotes ``--sources``);
- every ```yaml block of ``docs/*.md`` that is a whole scenario loads, and every other one
  is readable YAML; the tutorial's snippets are excerpts of ``docs/examples/tutorial.yaml``;
- every ```console block of the tutorial prints what it shows (after applying the
  ```diff blocks just before it), and its summary lines are what ``negsim.evaluate`` says;
- the format reference names every field and every fixed choice of the schema.

When the code changes what negsim prints, rerun the tutorial's commands from the root of
the repository and paste their output (``| cat`` gives the 120-column, colourless output).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import json
import pkgutil
import re
import shlex
import shutil
import sys
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import negsim
import negsim.scenario
from negsim.cli.main import main
from negsim.cli.terms import parse_terms
from negsim.scenario.yamlio import parse

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
TUTORIAL = DOCS / "tutorial.md"
TUTORIAL_YAML = EXAMPLES / "tutorial.yaml"
REFERENCE = DOCS / "scenario-format.md"
OWN_FILE = "talks/westmere.yaml"
"""The reader's own file in the tutorial: the latest whole scenario shown before a command."""

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class Block:
    """A fenced code block of a Markdown file."""

    path: Path
    line: int
    info: str
    body: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def is_scenario(self) -> bool:
        """A yaml block that starts with ``negsim: 1``: a whole scenario, not a snippet."""
        return self.info == "yaml" and self.body.startswith("negsim: 1\n")


def fenced_blocks(path: Path) -> list[Block]:
    """Every fenced code block of a Markdown file, in order."""
    text = path.read_text(encoding="utf-8")
    return [Block(path, text.count("\n", 0, m.start()) + 1, m.group("info").strip(), m.group("body"))
            for m in _FENCE.finditer(text)]


def doc_pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def yaml_blocks() -> list[Block]:
    return [b for page in doc_pages() for b in fenced_blocks(page) if b.info == "yaml"]


# -- the example scenarios ---------------------------------------------------------------------


def test_example_scenarios_pass_check_with_their_sources(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in EXAMPLES.glob("*.yaml"))
    assert files, "docs/examples holds no scenario"
    assert main(["check", *files]) == 0, capsys.readouterr().out
    assert main(["check", *files, "--sources", str(EXAMPLES / "sources")]) == 0, capsys.readouterr().out


def test_example_scenarios_carry_a_modeline_to_the_schema() -> None:
    for path in EXAMPLES.glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), path
        assert (path.parent / first.removeprefix(prefix)).resolve().is_file(), first


# -- yaml blocks -------------------------------------------------------------------------------


@pytest.mark.parametrize("block", [b for b in yaml_blocks() if b.is_scenario], ids=lambda b: b.where)
def test_every_whole_scenario_in_the_docs_loads(block: Block) -> None:
    negsim.loads(block.body, name=block.where)


@pytest.mark.parametrize("block", yaml_blocks(), ids=lambda b: b.where)
def test_every_yaml_block_in_the_docs_is_readable_yaml(block: Block) -> None:
    parse(block.body, block.where)


def _content_lines(text: str) -> list[str]:
    return [ln.rstrip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@pytest.mark.parametrize("block", [b for b in fenced_blocks(TUTORIAL) if b.info == "yaml"], ids=lambda b: b.where)
def test_tutorial_snippets_are_excerpts_of_the_example(block: Block) -> None:
    """Each snippet's lines (comments aside) stand in the finished file, in the same order."""
    remaining = iter(_content_lines(TUTORIAL_YAML.read_text(encoding="utf-8")))
    for line in _content_lines(block.body):
        assert any(line == other for other in remaining), \
            f"{block.where}: line {line!r} is not in {TUTORIAL_YAML.name} (or not in this order)"


# -- the tutorial's commands and their output --------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A console block with what it needs: the diffs to apply first, the reader's own file."""

    block: Block
    diffs: tuple[Block, ...]
    own_file: str | None

    @property
    def commands(self) -> list[tuple[str, list[str]]]:
        """Each ``$ command`` of the block with the output lines shown under it."""
        out: list[tuple[str, list[str]]] = []
        for line in self.block.body.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif out:
                out[-1][1].append(line.rstrip())
        return out


def tutorial_sessions() -> list[Session]:
    sessions: list[Session] = []
    diffs: list[Block] = []
    own: str | None = None
    for block in fenced_blocks(TUTORIAL):
        if block.is_scenario:
            own = block.body
        elif block.info == "diff":
            diffs.append(block)
        elif block.info == "console":
            sessions.append(Session(block, tuple(diffs), own))
            diffs = []
    return sessions


def apply_diff(text: str, diff: Block) -> str:
    """Apply a diff block of context (' '), removed ('-') and added ('+') lines, found once."""
    old = [ln[1:] for ln in diff.body.splitlines() if ln[:1] in (" ", "-")]
    new = [ln[1:] for ln in diff.body.splitlines() if ln[:1] in (" ", "+")]
    before, after = "\n".join(old) + "\n", "\n".join(new) + "\n"
    assert text.count(before) == 1, f"{diff.where}: the removed lines must stand once in {TUTORIAL_YAML.name}"
    return text.replace(before, after)


def prepare(session: Session, workdir: Path) -> None:
    """Lay out the repository files a session's commands read, with its diffs applied."""
    shutil.copytree(EXAMPLES, workdir / "docs" / "examples")
    shutil.copytree(ROOT / "scenarios", workdir / "scenarios")  # the bundled cases the tutorial runs too
    target = workdir / "docs" / "examples" / TUTORIAL_YAML.name
    text = TUTORIAL_YAML.read_text(encoding="utf-8")
    for diff in session.diffs:
        text = apply_diff(text, diff)
    target.write_text(text, encoding="utf-8")
    if session.own_file is not None:
        (workdir / OWN_FILE).parent.mkdir(parents=True, exist_ok=True)
        (workdir / OWN_FILE).write_text(session.own_file, encoding="utf-8")


def run_command(command: str, workdir: Path) -> tuple[int, str]:
    """Run ``negsim ...`` in-process in ``workdir``; return exit code and stdout then stderr."""
    argv = shlex.split(command)
    assert argv[0] == "negsim", command
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = argv
    try:
        with contextlib.chdir(workdir), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv[1:])
    finally:
        sys.argv = saved
    return code, _ANSI.sub("", out.getvalue() + err.getvalue())


def _lines(text: str) -> list[str]:
    lines = [ln.rstrip() for ln in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _comparable_json(text: str) -> Any:
    data = json.loads(text)
    data.get("provenance", {}).pop("negsim", None)
    return data


@pytest.mark.parametrize("session", tutorial_sessions(), ids=lambda s: s.block.where)
def test_tutorial_commands_print_what_the_tutorial_shows(session: Session, tmp_path: Path) -> None:
    prepare(session, tmp_path)
    for command, shown in session.commands:
        code, printed = run_command(command, tmp_path)
        assert code in (0, 1), f"{command}\n{printed}"
        if "--json" in command:
            assert _comparable_json(printed) == _comparable_json("\n".join(shown)), \
                f"{session.block.where}: `{command}` prints other JSON now:\n{printed}"
        else:
            assert _lines(printed) == _lines("\n".join(shown)), \
                f"{session.block.where}: `{command}` prints now:\n{printed}"


def _evaluations() -> Iterator[tuple[Session, str, list[str]]]:
    for session in tutorial_sessions():
        for command, shown in session.commands:
            if " evaluate " in command and "--json" not in command:
                yield session, command, shown


@pytest.mark.parametrize(("session", "command", "shown"),
                         [pytest.param(*case, id=f"{case[0].block.where}") for case in _evaluations()])
def test_tutorial_summary_lines_are_what_evaluate_says(session: Session, command: str, shown: list[str]) -> None:
    argv = shlex.split(command)
    scenario = negsim.load(ROOT / argv[2])
    option, value = argv[3], argv[4]
    proposal = value if option == "--proposal" else parse_terms(value, scenario)
    summary = negsim.evaluate(scenario, proposal).summary()
    assert summary in shown, f"{session.block.where}: the summary line should read:\n{summary}"


def test_tutorial_python_example_prints_what_it_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = fenced_blocks(TUTORIAL)
    (index,) = [i for i, b in enumerate(blocks) if b.info == "python"]
    code, shown = blocks[index], blocks[index + 1]
    assert shown.info == "text", f"{code.where}: the python example must be followed by its output"
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code.body, code.where, "exec"), {})
    assert _lines(printed.getvalue()) == _lines(shown.body), f"{code.where} prints now:\n{printed.getvalue()}"


# -- the reference names everything -----------------------------------------------------------


def schema_models() -> list[type[BaseModel]]:
    """Every pydantic model defined in the modules of ``negsim.scenario``."""
    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(negsim.scenario.__path__):
        module = importlib.import_module(f"negsim.scenario.{info.name}")
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, BaseModel) and cls.__module__ == module.__name__:
                found[cls.__qualname__] = cls
    return [found[name] for name in sorted(found)]


def _literal_choices(tp: Any) -> Iterator[object]:
    if typing.get_origin(tp) is typing.Literal:
        yield from typing.get_args(tp)
        return
    for arg in typing.get_args(tp):
        yield from _literal_choices(arg)


def test_reference_documents_every_field_of_the_schema() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    models = schema_models()
    assert len(models) > 10
    missing = [f"{model.__name__}.{field.alias or name}" for model in models
               for name, field in model.model_fields.items() if f"`{field.alias or name}`" not in text]
    assert not missing, f"docs/scenario-format.md does not document: {', '.join(missing)}"


def test_reference_documents_every_fixed_choice_of_the_schema() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    missing = sorted({f"{model.__name__}.{name} = {choice}" for model in schema_models()
                      for name, field in model.model_fields.items()
                      for choice in _literal_choices(field.annotation)
                      if isinstance(choice, str) and f"`{choice}`" not in text})
    assert not missing, f"docs/scenario-format.md does not document: {', '.join(missing)}"



_LINK = re.compile(r"\]\((?P<page>[a-z0-9_./-]*\.md)?#(?P<anchor>[^)\s]+)\)")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", doc_pages(), ids=lambda p: p.name)
def test_links_between_doc_pages_reach_their_headings(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for link in _LINK.finditer(text):
        target = (page.parent / link.group("page")) if link.group("page") else page
        headings = re.findall(r"^#+ (.+)$", _FENCE.sub("", target.read_text(encoding="utf-8")), re.M)
        assert link.group("anchor") in {_slug(h) for h in headings}, f"{page.name}: broken link {link.group()}"
