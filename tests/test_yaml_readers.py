"""libyaml's events and PyYAML's own give the same document, so that the fast path changes nothing.

negsim composes every file over libyaml's scanner and parser (fast) and falls back to PyYAML's
pure-Python ones (the reference) wherever libyaml finds a problem. On every file of the
repository, good or malformed, a document the fast path reads must be the reference's to the
last value and position.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from negsim.scenario import yamlio

ROOT = Path(__file__).resolve().parent.parent


def _text(path: Path) -> str | None:
    """The file as negsim reads it before parsing, or None when it is refused before (binary, UTF-16)."""
    try:
        return yamlio.read_text(path)
    except yamlio.YamlProblem:
        return None


TEXTS = {path: text for path in sorted([*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("docs/examples/*.yaml"),
                                        *ROOT.glob("tests/valid/*.yaml"), *ROOT.glob("tests/malformed/*.yaml")])
         if (text := _text(path)) is not None}


def _read(loader: type[Any], text: str) -> tuple[Any, ...]:
    try:
        node = yamlio._single_node(loader(text))
    except Exception as exc:
        return ("yaml error", type(exc).__name__)
    if node is None:
        return ("no document",)
    try:
        yamlio._refuse_alias_bomb(node, "file")
        builder = yamlio._Builder("file")
        data = builder.build(node, ())
    except yamlio.YamlProblem as problem:
        return ("problem", str(problem))
    return ("document", repr(data), builder.where.values, builder.where.keys)


@pytest.mark.skipif(not yamlio._LIBYAML, reason="this PyYAML has no libyaml")
@pytest.mark.parametrize("path", list(TEXTS), ids=lambda p: str(p.relative_to(ROOT)))
def test_libyaml_events_give_the_reference_document(path: Path) -> None:
    text = TEXTS[path]
    fast = _read(yamlio._FastLoader, text)
    if fast[0] == "yaml error":
        return  # negsim then reads the file with the reference parser alone
    assert fast == _read(yamlio._Loader, text)


def test_a_large_file_is_read_quickly(tmp_path: Path) -> None:
    """About 190,000 values (under the 200,000 limit) are read in seconds, not the minutes of a reading that hangs.

    Alone the reading takes 1.5-2.6 s of CPU time on a 2-core machine; within the whole suite on a
    busy one it took 4.1 s. A reading that went back over what it had read (quadratic) would take
    many minutes: the bound tells the two apart, and is no speed target.
    """
    import time

    values = ", ".join(str(i) for i in range(190_000))
    text = (ROOT / "tests" / "valid" / "base.yaml").read_text(encoding="utf-8") + f"notes: [{values}]\n"
    began = time.thread_time()  # this thread's CPU time: threads an earlier test left running do not count
    yamlio.parse(text, "big.yaml")
    assert time.thread_time() - began < 12.0


@pytest.mark.skipif(not yamlio._LIBYAML, reason="this PyYAML has no libyaml")
def test_a_problem_at_the_end_of_a_large_file_is_found_quickly() -> None:
    """Past REREAD_CHARACTERS, libyaml's report stands (its line and column): no second, slow reading."""
    import time

    values = ", ".join(str(i) for i in range(150_000))
    text = (ROOT / "tests" / "valid" / "base.yaml").read_text(encoding="utf-8") + f"notes: [{values}]\nbad: [1, 2\n"
    assert len(text) > yamlio.REREAD_CHARACTERS
    began = time.thread_time()
    with pytest.raises(yamlio.YamlProblem) as raised:
        yamlio.parse(text, "big.yaml")
    assert time.thread_time() - began < 4.0  # about 0.8 s alone; the reference parser would add about 2 s
    where = raised.value.diagnostic
    assert (where.line, where.message.startswith("invalid YAML")) == (text.count("\n") + 1, True)


def test_a_small_file_gets_the_reference_words() -> None:
    """Under REREAD_CHARACTERS, a problem is told as PyYAML's pure-Python parser tells it."""
    with pytest.raises(yamlio.YamlProblem) as raised:
        yamlio.parse("a: [1, 2\nb: 3\n", "small.yaml")
    assert "expected ',' or ']', but got" in raised.value.diagnostic.message
