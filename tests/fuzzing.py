"""A fuzzing harness for negsim: hostile scenario files in, only negsim's own errors out, never a hang.

Inputs are mutations of the scenarios that ship with negsim (``scenarios/``, ``tests/valid/``,
``docs/examples/``, ``tests/malformed/``) and of the Genius fixtures in ``tests/genius/``:

- *byte-level*: bit flips, inserted tabs, NULs, BOMs, invalid UTF-8 and YAML punctuation, deleted,
  duplicated and swapped lines, truncation, splices of two files;
- *structure-level*: the file is parsed, its tree mutated and written back as YAML: numbers
  replaced by extremes (0, -1, 1e308, 5e-324, .inf, .nan, 10^5000), strings by control
  characters, escape sequences, lone surrogates, rich markup and very long text, dates near
  0001 and 9999, lists emptied or grown to thousands of items, keys deleted or renamed, ids
  pointed at other ids; and mutations that know the format: huge issue domains, many issues,
  named conditions chained or doubling at each level, deeply nested conditions, extreme talk
  settings, huge event rates and weights.

Each input goes through the loader (``negsim.scenario.loader.inspect`` on a real file), and a
scenario that loads goes on through ``evaluate`` (each proposal and random ``--terms``
packages), ``explain``, ``run`` (stated and drawn red lines) and the terminal renderers. A
*finding* is an exception that is not a :class:`negsim.errors.NegsimError` (numpy's
``RuntimeWarning``, overflow or an invalid value, counts as one), a step over its time limit
(a step is the work of one command: loading and showing the check, one evaluation, explain,
one run), a raw control character in what the terminal renderers print, or weights that the
loader accepted although their sum overflows. Terminal output
is encoded as UTF-8, as the command line's stdout would, so a lone surrogate that reaches it
is a finding too.

The time limit is enforced in-process with a CPU-time alarm (``signal.setitimer``): a fuzz input
costs a few milliseconds, a child process per input would cost far more than the input, and the
loader, the engine and the analyses are Python loops that an alarm interrupts. What an alarm
cannot interrupt (a long C call) the campaign runner catches with a watchdog: it drives inputs
in a child process and kills the child if it stops answering. Memory is bounded with
``RLIMIT_AS`` so that a blow-up surfaces as ``MemoryError`` (a finding) instead of taking the
machine down.

While fuzzing, negsim's own budget for enumerating an outcome space (``NEGSIM_MEMORY_BUDGET``,
4 GB by default) is 256 MB: about 1.7 million packages for a run, a million for explain. A
larger space that fits the default budget is no hang but honest work that grows with the space
(a mediated run of 12 million packages takes about 7 s, most of it sorting each party's
rankings; making that cost independent of the space is a task of its own). With the smaller
budget, the time limit measures what it is for: inputs that never end, or blow up, whatever
their size. Spaces over the budget are refused (a ``NegsimError``), which the harness counts as
handled.

Run a campaign::

    python -m tests.fuzzing --minutes 10 --seed 1 --out /tmp/fuzz-findings
    python -m tests.fuzzing --replay /tmp/fuzz-findings/<class>/<input>    # one saved input again
    python -m tests.fuzzing --minimize /tmp/fuzz-findings/<class>/<input>  # shrink it to a reproducer
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import io
import json
import math
import multiprocessing
import multiprocessing.connection
import os
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Protocol

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_GLOBS = ("scenarios/*.yaml", "tests/valid/*.yaml", "docs/examples/*.yaml")
MALFORMED_GLOB = "tests/malformed/*.yaml"  # seeds too, but drawn less often: they never load as they are
GENIUS_DIR = ROOT / "tests" / "genius"
GENIUS_GROUPS = {  # a domain and the profiles that go with it
    "holiday": ("holiday_domain.xml", ("holiday_ann.xml", "holiday_ben.xml", "holiday_cleo.xml")),
    "job": ("job_domain.xml", ("job_candidate.xml", "job_employer.xml")),
    "party": ("party_domain.xml", ("party_alice.xml", "party_bob.xml")),
}

TIME_LIMIT_S = 5.0              # CPU seconds per step: the work of one command (check, an evaluation, explain, a run)
MEMORY_LIMIT_BYTES = 4 << 30    # address space an input may add: a blow-up becomes MemoryError
ENUMERATION_BUDGET = "256MB"     # NEGSIM_MEMORY_BUDGET while fuzzing, see below
WATCHDOG_GRACE_S = 115.0        # wall-clock beyond the time limit before the runner kills a silent child:
#                                 generous, as 5 s of CPU can take 30 s on a machine shared by many
MAX_PROPOSALS = 4               # proposals evaluated per scenario (a mutation can make thousands)
RANDOM_PACKAGES = 3             # --terms packages evaluated per scenario
STEPS_PER_INPUT = 2 + MAX_PROPOSALS + RANDOM_PACKAGES + 3  # load, show the check, evaluations, explain, 2 runs
INPUT_WALL_LIMIT_S = STEPS_PER_INPUT * TIME_LIMIT_S + WATCHDOG_GRACE_S  # when the watchdog gives up on a child
EXPLAIN_MAX_SETS = 3
GROWN_BYTES = 6 << 20           # a list grown or a node copied by a mutation stays below this (as repr): the loader
#                                 refuses files over 5 MB at once, and larger trees only slow the fuzzer down (a
#                                 string mutated inside an item a list held 5,000 times once made a 500 MB input
#                                 that took 292 s to write)
SCENARIO_NAME = "scenario.yaml"

# Characters a terminal acts on: C0 controls but tab and newline, DEL, and C1 controls (CSI is \x9b).
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# -- random choices ------------------------------------------------------------------------------


class Chooser(Protocol):
    """Where mutations get their choices: a numpy Generator in campaigns, hypothesis in tests."""

    heavy: bool  # False keeps sizes small: for the default test suite, where each input must be quick

    def below(self, n: int) -> int:
        """Return a whole number in [0, n)."""
        ...


@dataclass
class GeneratorChooser:
    """Choices drawn from a numpy Generator (campaigns: fast, reproducible from a seed)."""

    rng: np.random.Generator
    heavy: bool = True

    def below(self, n: int) -> int:
        return int(self.rng.integers(n))


@dataclass
class DataChooser:
    """Choices drawn through hypothesis (``st.data()``), so that failures shrink to simpler choices."""

    data: Any
    heavy: bool = False

    def below(self, n: int) -> int:
        from hypothesis import strategies as st

        return int(self.data.draw(st.integers(0, n - 1)))


def pick(ch: Chooser, items: Sequence[Any]) -> Any:
    return items[ch.below(len(items))]


def scale(ch: Chooser, light: tuple[Any, ...], heavy: tuple[Any, ...]) -> Any:
    """A size, a rate or a count: the heavy ones (which today's negsim may choke on) only if ``ch.heavy``."""
    return pick(ch, light + heavy if ch.heavy else light)


# -- the corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzInput:
    """One input: a scenario file, or a Genius domain with its profiles (file name -> bytes)."""

    kind: str  # "scenario" or "genius"
    files: dict[str, bytes]
    recipe: tuple[str, ...] = ()  # the mutations applied, for the report

    def digest(self) -> str:
        h = hashlib.sha256(self.kind.encode())
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + self.files[name] + b"\0")
        return h.hexdigest()[:16]

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (folder / name).write_bytes(data)
        (folder / "input.json").write_text(json.dumps({"kind": self.kind, "files": sorted(self.files),
                                                       "recipe": list(self.recipe)}, indent=1) + "\n")
        return folder

    @classmethod
    def load(cls, folder: Path) -> FuzzInput:
        if folder.is_file():  # a bare scenario file
            return cls("scenario", {SCENARIO_NAME: folder.read_bytes()})
        meta = json.loads((folder / "input.json").read_text())
        return cls(meta["kind"], {n: (folder / n).read_bytes() for n in meta["files"]}, tuple(meta["recipe"]))


@dataclass(frozen=True)
class Corpus:
    """The seeds: valid scenarios, malformed ones (tests/malformed), and the Genius fixtures by domain."""

    valid: tuple[bytes, ...]
    malformed: tuple[bytes, ...]
    genius: dict[str, dict[str, bytes]]

    @property
    def scenarios(self) -> tuple[bytes, ...]:
        return self.valid + self.malformed


def load_corpus() -> Corpus:
    valid = tuple(p.read_bytes() for pattern in SCENARIO_GLOBS for p in sorted(ROOT.glob(pattern)))
    malformed = tuple(p.read_bytes() for p in sorted(ROOT.glob(MALFORMED_GLOB)))
    return Corpus(valid, malformed, genius_corpus())


def genius_corpus() -> dict[str, dict[str, bytes]]:
    return {group: {name: (GENIUS_DIR / name).read_bytes() for name in (domain, *profiles)}
            for group, (domain, profiles) in GENIUS_GROUPS.items()}


# -- byte-level mutations -----------------------------------------------------------------------

SPECIAL_BYTES = (
    b"\t", b"\x00", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\r", b"\n", b": ", b"- ", b"&a ",
    b"*a", b"!!python/object/apply:os.system ['true']", b"<<: *a", b"{", b"[", b"'", b'"', b"#", b"? ",
    b"%YAML 1.1\n---\n", b"\x1b[2J", b"\xe2\x80\xae", b"~", b"!!binary ", b"|", b">-", b"\\", b"\x85", b"\xc2\x9b",
)


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def flip_bit(data: bytes, ch: Chooser, _: Sequence[bytes]) -> bytes:
    if not data:
        return data
    i = ch.below(len(data))
    return data[:i] + bytes([data[i] ^ (1 << ch.below(8))]) + data[i + 1:]


def insert_special(data: bytes, ch: Chooser, _: Sequence[bytes]) -> bytes:
    i = ch.below(len(data) + 1)
    if ch.below(2):  # at a line start, where indentation and keys live
        starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
        i = pick(ch, starts)
    special: bytes = pick(ch, SPECIAL_BYTES)
    return data[:i] + special + data[i:]


def delete_span(data: bytes, ch: Chooser, _: Sequence[bytes]) -> bytes:
    if not data:
        return data
    i = ch.below(len(data))
    return data[:i] + data[i + 1 + ch.below(64):]


def duplicate_line(data: bytes, ch: Chooser, _: Sequence[bytes]) -> bytes:
    lines = _lines(data)
    i = ch.below(len(lines))
    copies = scale(ch, (1, 1, 2, 100), (3000,))
    return b"".join(lines[:i + 1] + [lines[i]] * copies + lines[i + 1:])


def swap_lines(data: bytes, ch: Chooser, _: Sequence[bytes]) -> bytes:
    lines = _lines(data)
    i, j = ch.below(len(lines)), ch.below(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines)


def truncate(data: bytes, ch: Chooser, _: Sequence[bytes]) -> bytes:
    return data[:ch.below(len(data) + 1)]


def splice(data: bytes, ch: Chooser, corpus: Sequence[bytes]) -> bytes:
    other: bytes = pick(ch, corpus)
    if ch.below(2):  # whole lines: more often still YAML
        mine, theirs = _lines(data), _lines(other)
        return b"".join(mine[:ch.below(len(mine) + 1)] + theirs[ch.below(len(theirs) + 1):])
    return data[:ch.below(len(data) + 1)] + other[ch.below(len(other) + 1):]


def tab_indent(data: bytes, ch: Chooser, _: Sequence[bytes]) -> bytes:
    lines = _lines(data)
    i = ch.below(len(lines))
    lines[i] = re.sub(rb"^ +", b"\t", lines[i])
    return b"".join(lines)


def whole_file(data: bytes, ch: Chooser, _: Sequence[bytes]) -> bytes:
    how = ch.below(4)
    if how == 0:
        return b"\xef\xbb\xbf" + data
    if how == 1:
        return data.replace(b"\n", b"\r\n")
    if how == 2:
        return data.replace(b"\n", b"\r")
    return data.decode("utf-8", "replace").encode("utf-16")


def replace_number(data: bytes, ch: Chooser, _: Sequence[bytes]) -> bytes:
    numbers = list(re.finditer(rb"(?<![\w.-])-?\d+(\.\d+)?(?![\w-])", data))
    if not numbers:
        return data
    m = pick(ch, numbers)
    new: bytes = pick(ch, (b"0", b"-1", b"1e308", b"1e999", b"-0", b".nan", b"-.inf", b"0x10", b"1_000", b"9" * 5000,
                    b"4e-324", b"2147483648", b"18446744073709551616"))
    return data[:m.start()] + new + data[m.end():]


BYTE_MUTATORS: tuple[Callable[[bytes, Chooser, Sequence[bytes]], bytes], ...] = (
    flip_bit, insert_special, delete_span, duplicate_line, swap_lines, truncate, splice, tab_indent, whole_file,
    replace_number,
)


# -- structure-level mutations ------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """YAML text put verbatim where this value stands (what a dumper cannot write, or would be too deep)."""

    text: str


Path_ = tuple[Any, ...]

EXTREME_NUMBERS: tuple[Any, ...] = (
    0, -1, 1, 2, 1e308, -1e308, 1e-308, 5e-324, float("inf"), float("-inf"), float("nan"), 2**31, 2**63, 10**30,
    -(10**30), 0.5, 65536, 32768, Raw("1e999"), Raw("9" * 5000), Raw("-0.0"), Raw("0x7fffffff"),
)
HOSTILE_STRINGS: tuple[str, ...] = (
    "", " ", "\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "a\x00b", "line\r\nbreak", "\ud800", "x\udfffy", "x" * 100_000,
    "[bold red]x[/]", "[/]", "[link=file:///etc/passwd]x[/link]", "<script>alert(1)</script>", "%s%n{0}{}",
    "\u202eevil", "e\u0301" * 50, "\U0001f600", "../../../etc/passwd", "/etc/passwd", "/dev/zero", "-",
    "\x9b31m", "\x7f", "null", "yes", "NaN", "a" * 300, "UPPER", "with space",
)
EXTREME_DATES = ("0001-01-01", "0001-01-02", "9999-12-31", "9999-12-01", "9998-06-01", "2024-02-29", "2023-02-29",
                 "2024-13-01", "0000-01-01", "1970-01-01", "+2024-01-01")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def nodes(tree: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    stack = [(path, tree)]
    while stack:
        here, node = stack.pop()
        yield here, node
        if isinstance(node, dict):
            stack.extend(((*here, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*here, i), v) for i, v in enumerate(node))


def set_at(tree: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    parent = tree
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return tree


def _ids(tree: Any) -> list[str]:
    found = [v for p, v in nodes(tree) if p and p[-1] == "id" and isinstance(v, str)]
    if isinstance(tree, dict) and isinstance(tree.get("conditions"), dict):
        found += [str(k) for k in tree["conditions"]]
    return found or ["x"]


def _dicts_with(tree: Any, key: str) -> list[tuple[Path_, dict[str, Any]]]:
    return [(p, n) for p, n in nodes(tree) if isinstance(n, dict) and key in n]


def mutate_number(tree: Any, ch: Chooser) -> Any:
    numbers = [p for p, n in nodes(tree) if isinstance(n, int | float) and not isinstance(n, bool)]
    return set_at(tree, pick(ch, numbers), pick(ch, EXTREME_NUMBERS)) if numbers else tree


def mutate_string(tree: Any, ch: Chooser) -> Any:
    strings = [(p, n) for p, n in nodes(tree) if isinstance(n, str)]
    if not strings:
        return tree
    path, old = pick(ch, strings)
    how = ch.below(4)
    if how == 0 or DATE.match(old):
        return set_at(tree, path, pick(ch, EXTREME_DATES) if DATE.match(old) else pick(ch, _ids(tree)))
    new = pick(ch, HOSTILE_STRINGS)
    return set_at(tree, path, old + new if how == 1 else new)


def mutate_list(tree: Any, ch: Chooser) -> Any:
    lists = [(p, n) for p, n in nodes(tree) if isinstance(n, list)]
    if not lists:
        return tree
    path, items = pick(ch, lists)
    how = ch.below(5)
    if how == 0 or not items:
        return set_at(tree, path, [])
    if how == 1:
        return set_at(tree, path, items[::-1])
    if how == 2:
        return set_at(tree, path, items[:-1])
    count = scale(ch, (2, 10, 100), (1000, 5000))
    template = pick(ch, items)
    count = min(count, max(1, GROWN_BYTES // len(repr(template))))
    # copies, not the one object many times over: a later mutation of one must not reach them all
    grown = [_renamed(copy.deepcopy(template), k) if how == 3 else copy.deepcopy(template) for k in range(count)]
    return set_at(tree, path, items + grown)


def _renamed(item: Any, k: int) -> Any:
    """A copy of a list item with a fresh id, so that grown lists stay valid."""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return {**item, "id": f"{item['id']}-{k}"}
    if isinstance(item, str):
        return f"{item}-{k}"
    return item


def mutate_mapping(tree: Any, ch: Chooser) -> Any:
    maps = [(p, n) for p, n in nodes(tree) if isinstance(n, dict) and n]
    if not maps:
        return tree
    _, mapping = pick(ch, maps)
    key = pick(ch, list(mapping))
    how = ch.below(4)
    if how == 0:
        del mapping[key]
    elif how == 1:
        every_key = sorted({str(k) for _, n in nodes(tree) if isinstance(n, dict) for k in n})
        mapping[pick(ch, [*every_key, f"{key}s", str(key).upper(), "unknown"])] = mapping.pop(key)
    elif how == 2:
        mapping[key] = pick(ch, (None, [], {}, "text", 0, True, [mapping[key]], {"x": mapping[key]}))
    else:
        donor = pick(ch, [n for _, n in nodes(tree)])
        if isinstance(donor, dict | list) and len(repr(donor)) > GROWN_BYTES:
            donor = "text"  # a copy of a grown list would only slow the fuzzer (see GROWN_BYTES)
        mapping[key] = donor if not isinstance(donor, dict | list) else copy.deepcopy(donor)
    return tree


def huge_domain(tree: Any, ch: Chooser) -> Any:
    issues = _dicts_with(tree, "type")
    if not issues:
        return tree
    _, issue = pick(ch, issues)
    n = scale(ch, (10, 100, 1000), (20_000, 60_000))
    if ch.below(2):
        issue.update(type=pick(ch, ("categorical", "ordered")), values=[f"v{k}" for k in range(n)])
        for key in ("min", "max", "step"):
            issue.pop(key, None)
    else:
        low = scale(ch, (0, -(10**6)), (-(2**62),))
        high = scale(ch, (low + n,), (2**62, 10**9))
        issue.update(type="integer", min=low, max=high, step=pick(ch, (1, 1, 7, 10**6)))
        issue.pop("values", None)
    return tree


def many_issues(tree: Any, ch: Chooser) -> Any:
    if not isinstance(tree, dict) or not isinstance(tree.get("issues"), list):
        return tree
    count, top = scale(ch, (1, 2, 3), (4, 8, 16, 30)), scale(ch, (1, 4), (9, 99))
    tree["issues"] += [{"id": f"extra-{k}", "name": f"extra {k}", "type": "integer", "min": 0, "max": top}
                       for k in range(count)]
    return tree


def _an_atom(tree: Any, ch: Chooser) -> Any:
    atoms = [n for _, n in nodes(tree) if isinstance(n, dict) and "op" in n and "issue" in n]
    return copy.deepcopy(pick(ch, atoms)) if atoms else {"issue": "x", "op": "==", "value": 1}


def _point_red_lines_at(tree: Any, ch: Chooser, condition: Any) -> Any:
    red_lines = _dicts_with(tree, "require")
    if red_lines:
        _, red_line = pick(ch, red_lines)
        red_line[pick(ch, ("require", "require", "when"))] = condition
    return tree


def chained_conditions(tree: Any, ch: Chooser) -> Any:
    """Named conditions that refer to each other: a long chain, or a DAG doubling at each level."""
    if not isinstance(tree, dict):
        return tree
    conditions = tree.setdefault("conditions", {})
    if not isinstance(conditions, dict):
        return tree
    conditions["fz-0"] = _an_atom(tree, ch)
    doubling = ch.below(2)
    depth = scale(ch, (4, 8), (20, 40)) if doubling else scale(ch, (10, 100), (1000, 3000))
    for k in range(1, depth + 1):
        below = {"condition": f"fz-{k - 1}"}
        conditions[f"fz-{k}"] = {"all": [below, {"any": [below]}]} if doubling else below
    if ch.below(4) == 0:  # and a cycle back to the start
        conditions["fz-0"] = {"condition": f"fz-{depth}"}
    return _point_red_lines_at(tree, ch, {"condition": f"fz-{depth}"})


def nested_condition(tree: Any, ch: Chooser) -> Any:
    depth = pick(ch, (8, 30, 60, 63, 100, 1000))
    form = pick(ch, ("not", "all", "any"))
    try:
        atom = json.dumps(_an_atom(tree, ch))
    except (TypeError, ValueError):  # an atom an earlier mutation made verbatim YAML (Raw) or not finite
        atom = json.dumps({"issue": "x", "op": "==", "value": 1})
    opener, closer = ("{not: ", "}") if form == "not" else (f"{{{form}: [", "]}")
    return _point_red_lines_at(tree, ch, Raw(opener * depth + atom + closer * depth))


def extreme_talks(tree: Any, ch: Chooser) -> Any:
    if not isinstance(tree, dict):
        return tree
    talks = tree.setdefault("talks", {})
    if not isinstance(talks, dict):
        return tree
    for _ in range(1 + ch.below(3)):
        key = pick(ch, ("max_rounds", "summit_rounds", "travel_days", "meeting_days", "deliberation_days", "protocol"))
        if key == "protocol":
            talks[key] = pick(ch, ("mediated", "alternating"))
        elif key.endswith("rounds"):
            talks[key] = scale(ch, (1, 2, 1000), (10**6, 10**9, 2**31, 2**63))
        else:
            talks[key] = scale(ch, (0.1, 3650.0), (0, 0.0, 5e-324, 1e-12, 1e300))
    return tree


def extreme_events(tree: Any, ch: Chooser) -> Any:
    if not isinstance(tree, dict):
        return tree
    events = tree.setdefault("events", [])
    if not isinstance(events, list):
        return tree
    rate = scale(ch, (5e-324, 1e-300, 0.5, 3.0), (1e300, 1e9, 1e6))
    shocks = [e for e in events if isinstance(e, dict) and "rate_per_day" in e]
    if shocks and ch.below(2):
        pick(ch, shocks)["rate_per_day"] = rate
    else:
        events.append({"id": "fz-shock", "kind": "shock", "rate_per_day": rate})
    return tree


def extreme_weights(tree: Any, ch: Chooser) -> Any:
    weights = [n for _, n in nodes(tree) if isinstance(n, dict) and isinstance(n.get("weights"), dict)]
    if weights:
        chosen = pick(ch, weights)["weights"]
        value = pick(ch, (1e308, 1.7e308, 1e-308, 5e-324, 0, 0.0))
        for key in chosen:
            chosen[key] = value
    return tree


def extreme_dates(tree: Any, ch: Chooser) -> Any:
    if isinstance(tree, dict):
        tree["start"] = pick(ch, ("9999-12-31", "9999-06-01", "9990-01-01", "0001-01-01", "0001-01-02"))
        if ch.below(2):
            tree["horizon_days"] = pick(ch, (1, 365, 3650))
    return tree


STRUCTURE_MUTATORS: tuple[Callable[[Any, Chooser], Any], ...] = (
    mutate_number, mutate_number, mutate_string, mutate_string, mutate_list, mutate_mapping, mutate_mapping,
    huge_domain, many_issues, chained_conditions, nested_condition, extreme_talks, extreme_events,
    extreme_weights, extreme_dates,
)


def parse_tree(data: bytes) -> Any:
    """The plain data of a scenario, read as negsim reads it (YAML 1.2 core schema); None if unreadable."""
    from negsim.scenario.yamlio import YamlProblem, parse

    try:
        return parse(data.decode("utf-8"), "<seed>").data
    except (UnicodeDecodeError, YamlProblem):
        return None


def dump_tree(tree: Any) -> bytes:
    """Write a mutated tree as YAML, putting each :class:`Raw` value in verbatim."""
    raws: list[str] = []

    def mark(node: Any) -> Any:  # replaces Raw values by plain marker scalars (iterative trees are shallow)
        if isinstance(node, Raw):
            raws.append(node.text)
            return f"fzraw{len(raws) - 1}fz"
        if isinstance(node, dict):
            return {k: mark(v) for k, v in node.items()}
        if isinstance(node, list):
            return [mark(v) for v in node]
        return node

    text = yaml.safe_dump(mark(tree), allow_unicode=True, sort_keys=False, width=1 << 30)
    text = re.sub(r"fzraw(\d+)fz", lambda m: raws[int(m.group(1))], text)
    return text.encode("utf-8", "surrogatepass")


def mutate_scenario(seed: bytes, ch: Chooser, corpus: Sequence[bytes]) -> tuple[bytes, tuple[str, ...]]:
    """Apply structure-level mutations, byte-level ones, or both, to one scenario file."""
    recipe: list[str] = []
    mode = ch.below(20)  # 65% structure only, 15% structure then bytes, 20% bytes only
    data = seed
    tree = parse_tree(seed) if mode < 16 else None
    if tree is not None:
        for _ in range(pick(ch, (1, 1, 1, 2, 2, 3))):
            mutator = pick(ch, STRUCTURE_MUTATORS)
            recipe.append(mutator.__name__)
            tree = mutator(tree, ch)
        data = dump_tree(tree)
    if tree is None or mode >= 13:
        for _ in range(pick(ch, (1, 1, 2, 3))):
            mutator = pick(ch, BYTE_MUTATORS)
            recipe.append(mutator.__name__)
            data = mutator(data, ch, corpus)
    return data, tuple(recipe)


XML_INSERTS = (
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', b"&e;", b"\x00", b"\x1b[2J", b"\xff",
    b'<issue name="x" index="99" type="discrete"><item value="a"/></issue>', b"</objective>", b"<objective>",
)


def mutate_genius(files: dict[str, bytes], ch: Chooser) -> tuple[dict[str, bytes], tuple[str, ...]]:
    """Mutate one file of a Genius domain and its profiles: numbers, lines, bytes, hostile XML."""
    name = pick(ch, sorted(files))
    data = files[name]
    how = ch.below(4)
    if how == 0:
        data = replace_number(data, ch, [])
        recipe = "xml-number"
    elif how == 1:
        data = duplicate_line(data, ch, [])
        recipe = "xml-duplicate-line"
    elif how == 2:
        i = ch.below(len(data) + 1)
        data = data[:i] + pick(ch, XML_INSERTS) + data[i:]
        recipe = "xml-insert"
    else:
        mutator = pick(ch, BYTE_MUTATORS[:6])
        data = mutator(data, ch, [])
        recipe = mutator.__name__
    return {**files, name: data}, (f"{recipe}:{name}",)


def generate(ch: Chooser, corpus: Corpus) -> FuzzInput:
    """One fuzz input: a mutated scenario (valid seeds four times as often), or a mutated Genius domain."""
    choice = ch.below(10)  # low choices are the plain ones: hypothesis shrinks towards them
    if choice == 9:
        files, recipe = mutate_genius(corpus.genius[pick(ch, sorted(corpus.genius))], ch)
        return FuzzInput("genius", files, recipe)
    seed = pick(ch, corpus.malformed if choice >= 7 and corpus.malformed else corpus.valid)
    data, recipe = mutate_scenario(seed, ch, corpus.scenarios)
    return FuzzInput("scenario", {SCENARIO_NAME: data}, recipe)


# -- the driver ---------------------------------------------------------------------------------


class FuzzTimeout(BaseException):  # not an Exception: no `except Exception` in negsim may swallow it
    """An input ran past its time limit."""


class TerminalLeak(Exception):
    """Raw control characters from a scenario reached what the terminal renderers print."""


class Unbounded(Exception):
    """The loader accepted a scenario whose numbers cannot be computed with (weights summing to inf)."""


@dataclass(frozen=True)
class Finding:
    """What went wrong on one input: its class (for grouping), and the details."""

    kind: str      # "exception", "timeout" or "leak"
    key: str       # e.g. "OverflowError-run-negsim.simulation.talks._offset"
    detail: str    # traceback or explanation


@dataclass
class Result:
    """What driving one input gave."""

    accepted: bool = False     # the loader accepted it (a scenario came out)
    steps: list[str] = field(default_factory=list)
    finding: Finding | None = None
    seconds: float = 0.0       # CPU time of the whole input
    slowest_step: float = 0.0  # CPU time of its slowest step, the measure of the time limit


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise FuzzTimeout in this (main) thread once it has used ``seconds`` of CPU time.

    CPU time (``ITIMER_PROF``), not wall-clock time: on a machine shared with other work an input
    must not time out because others were busy. negsim never sleeps or waits for I/O here, and a
    campaign's watchdog catches what stops using the CPU without ending.
    """

    def expire(signum: int, frame: FrameType | None) -> None:
        raise FuzzTimeout(f"over {seconds:g} s of CPU time")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@contextlib.contextmanager
def enumeration_budget(amount: str) -> Iterator[None]:
    """Set negsim's memory budget for enumerating outcome spaces for the duration of one input."""
    before = os.environ.get("NEGSIM_MEMORY_BUDGET")
    os.environ["NEGSIM_MEMORY_BUDGET"] = amount
    try:
        yield
    finally:
        if before is None:
            del os.environ["NEGSIM_MEMORY_BUDGET"]
        else:
            os.environ["NEGSIM_MEMORY_BUDGET"] = before


def _address_space_now() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


@contextlib.contextmanager
def memory_limit(extra: int) -> Iterator[None]:
    """Let this process grow by at most ``extra`` bytes of address space (MemoryError beyond)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space_now() + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _innermost_sim_frame(tb: TracebackType | None) -> str:
    where = "harness"
    for frame, _ in traceback.walk_tb(tb):
        module = str(frame.f_globals.get("__name__", ""))
        if module == "negsim" or module.startswith("negsim."):
            where = f"{module}.{frame.f_code.co_name}"
    return where


def classify(exc: BaseException, step: str) -> Finding:
    detail = "".join(traceback.format_exception(exc))
    if isinstance(exc, FuzzTimeout):
        return Finding("timeout", f"timeout-{step}", detail)
    if isinstance(exc, TerminalLeak):
        return Finding("leak", f"raw-control-{step}", detail)
    if isinstance(exc, Unbounded):
        return Finding("accepted", f"accepted-{exc.args[0]}", detail)
    return Finding("exception", f"{type(exc).__name__}-{step}-{_innermost_sim_frame(exc.__traceback__)}", detail)


def _console(buffer: io.StringIO) -> Any:
    from rich.console import Console

    return Console(file=buffer, width=120, soft_wrap=False, highlight=False, color_system=None)


def _shown(buffer: io.StringIO) -> None:
    """What a terminal would get: UTF-8 bytes (as stdout writes them) without raw control characters."""
    text = buffer.getvalue()
    text.encode("utf-8")
    leak = RAW_CONTROL.search(text)
    if leak:
        start = max(leak.start() - 40, 0)
        raise TerminalLeak(f"{leak.group()!r} at offset {leak.start()}: {text[start:leak.end() + 40]!r}")


class Driver:
    """Runs one input through negsim, step by step; NegsimError ends a step, anything else ends the input."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._seconds = TIME_LIMIT_S

    def drive(self, item: FuzzInput, *, seconds: float = TIME_LIMIT_S, memory: int = MEMORY_LIMIT_BYTES) -> Result:
        result = Result()
        folder = Path(tempfile.mkdtemp(dir=self.workdir))
        started = time.process_time()
        try:
            for name, data in item.files.items():
                (folder / name).write_bytes(data)
            rng = np.random.default_rng(zlib.crc32(item.digest().encode()))
            self._seconds = seconds
            with memory_limit(memory), enumeration_budget(ENUMERATION_BUDGET), warnings.catch_warnings():
                # numpy's overflow and invalid-value warnings become errors: a utility that silently
                # turned inf or nan (weights of 1e308) is a finding too, unless negsim expects it (errstate)
                warnings.simplefilter("error", RuntimeWarning)
                self._drive(item, folder, rng, result)
        except BaseException as exc:  # every exception is a verdict here
            if isinstance(exc, KeyboardInterrupt):
                raise
            result.finding = classify(exc, result.steps[-1] if result.steps else "setup")
        finally:
            result.seconds = time.process_time() - started
            shutil.rmtree(folder, ignore_errors=True)
        return result

    def _step(self, result: Result, name: str, action: Callable[[], Any]) -> Any:
        from negsim.errors import NegsimError

        result.steps.append(name)
        began = time.process_time()
        try:
            with time_limit(self._seconds):
                return action()
        except NegsimError:
            return None
        finally:
            result.slowest_step = max(result.slowest_step, time.process_time() - began)

    def _drive(self, item: FuzzInput, folder: Path, rng: np.random.Generator, result: Result) -> None:
        if item.kind == "genius":
            scenario = self._import_genius(folder, result)
        else:
            scenario = self._load(folder / SCENARIO_NAME, result)
        if scenario is None:
            return
        result.accepted = True
        result.steps.append("bounds")
        _bounded(scenario)
        self._evaluate(scenario, rng, result)
        self._explain(scenario, result)
        self._run(scenario, rng, result)

    def _load(self, path: Path, result: Result) -> Any:
        from negsim.report.terminal import render_diagnostics
        from negsim.scenario.loader import inspect

        checked = self._step(result, "load", lambda: inspect(path))

        def show() -> None:
            buffer = io.StringIO()
            render_diagnostics(checked.findings, _console(buffer))
            _shown(buffer)
            json.dumps([d.to_dict() for d in checked.findings], ensure_ascii=False).encode("utf-8")

        self._step(result, "render-check", show)
        errors = [d for d in checked.findings if d.severity == "error"]
        return None if errors else checked.scenario

    def _import_genius(self, folder: Path, result: Result) -> Any:
        from negsim.importers.genius.convert import convert

        domain = next(n for n in sorted(p.name for p in folder.iterdir()) if n.endswith("_domain.xml"))
        profiles = sorted(folder / p.name for p in folder.iterdir() if p.name != domain)
        imported = self._step(result, "import-genius", lambda: convert(folder / domain, profiles))
        return None if imported is None else imported.scenario

    def _evaluate(self, scenario: Any, rng: np.random.Generator, result: Result) -> None:
        from negsim.cli.terms import parse_terms
        from negsim.constraints.evaluation import evaluate
        from negsim.report.terminal import render_evaluation

        def judge(proposal: Any) -> None:
            evaluation = evaluate(scenario, proposal)
            buffer = io.StringIO()
            render_evaluation(evaluation, _console(buffer))
            _shown(buffer)
            json.dumps(evaluation.to_dict(), ensure_ascii=False, default=str).encode("utf-8")

        for proposal in scenario.proposals[:MAX_PROPOSALS]:
            self._step(result, "evaluate", partial(judge, proposal.id))
        for _ in range(RANDOM_PACKAGES):
            text = _random_terms(scenario, rng)
            self._step(result, "evaluate-terms", lambda: judge(parse_terms(text, scenario)))  # noqa: B023 - called now

    def _explain(self, scenario: Any, result: Result) -> None:
        from negsim.analysis.explain import explain
        from negsim.report.terminal import render_explanation

        def analyse() -> None:
            proposal = scenario.proposals[0].id if scenario.proposals else None
            explanation = explain(scenario, proposal, max_sets=EXPLAIN_MAX_SETS)
            buffer = io.StringIO()
            render_explanation(explanation, _console(buffer))
            _shown(buffer)
            json.dumps(explanation.to_dict(), ensure_ascii=False, default=str).encode("utf-8")

        self._step(result, "explain", analyse)

    def _run(self, scenario: Any, rng: np.random.Generator, result: Result) -> None:
        from negsim.report.terminal import render_outcome, render_timeline
        from negsim.simulation.talks import run

        def simulate(draw: bool) -> None:
            outcome, log = run(scenario, seed=int(rng.integers(2**32)), draw=draw)
            buffer = io.StringIO()
            console = _console(buffer)
            render_timeline(log.entries, console)
            render_outcome(outcome.to_dict(), console)
            _shown(buffer)
            log.jsonl().encode("utf-8")
            json.dumps(outcome.to_dict(), ensure_ascii=False, default=str).encode("utf-8")

        self._step(result, "run", lambda: simulate(False))
        self._step(result, "run-drawn", lambda: simulate(True))


def _bounded(scenario: Any) -> None:
    """Raise Unbounded if the loader let through weights whose sum overflows (every utility would become 0)."""
    for party in scenario.parties:
        if party.preferences is not None and not math.isfinite(sum(party.preferences.weights.values())):
            raise Unbounded("infinite-weight-sum", f"party {party.id!r}: weights sum to inf")


def _random_terms(scenario: Any, rng: np.random.Generator) -> str:
    """A ``--terms`` text: each issue set to a value of its domain (now and then an odd one) or left open."""
    terms = []
    for issue in scenario.issues:
        if rng.random() < 0.2:
            continue
        if issue.type == "boolean":
            value: object = rng.choice(["true", "false"])
        elif issue.type == "integer":
            low, high = issue.min if issue.min is not None else 0, issue.max if issue.max is not None else 0
            value = rng.choice([low, high, low + issue.step, high + 1])
        else:
            value = rng.choice(issue.values or ["none"])
        if rng.random() < 0.05:
            value = rng.choice(["", "=", "\x1b[2J", "é", "1e999", "-0"])
        terms.append(f"{issue.id}={value}")
    return ",".join(terms)


# -- campaigns ----------------------------------------------------------------------------------


def input_number(seed: int, index: int, corpus: Corpus) -> FuzzInput:
    """Input ``index`` of the campaign seeded with ``seed``: the same on every machine."""
    return generate(GeneratorChooser(np.random.default_rng([seed, index])), corpus)


def _worker(seed: int, start: int, workdir: str, conn: multiprocessing.connection.Connection) -> None:
    """Child process: drive inputs start, start+1, ... and report each result to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    parent = os.getppid()
    corpus = load_corpus()
    driver = Driver(Path(workdir))
    index = start
    while os.getppid() == parent:  # an orphan stops: nobody is counting any more
        item = input_number(seed, index, corpus)
        conn.send(("start", index))
        result = driver.drive(item)
        conn.send(("done", index, result.accepted, result.finding, result.slowest_step))
        index += 1


@dataclass
class Campaign:
    """Counts of a campaign, and the first input of each class of finding, saved under ``out``."""

    out: Path
    tried: int = 0
    accepted: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    classes: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0

    def record(self, item: FuzzInput, accepted: bool, finding: Finding | None, seconds: float) -> None:
        self.tried += 1
        self.accepted += accepted
        self.slowest = max(self.slowest, seconds)
        if finding is None:
            return
        self.kinds[finding.kind] += 1
        self.classes[finding.key] += 1
        if self.classes[finding.key] <= 3:  # a few examples per class are enough
            folder = item.save(self.out / _safe(finding.key) / item.digest())
            (folder / "finding.txt").write_text(f"{finding.kind}: {finding.key}\n\n{finding.detail}",
                                                errors="backslashreplace")

    def report(self) -> str:
        share = self.accepted / self.tried if self.tried else 0.0
        lines = [f"inputs tried: {self.tried}", f"accepted by the loader: {self.accepted} ({share:.1%})",
                 f"non-negsim exceptions: {self.kinds['exception']}", f"time-outs: {self.kinds['timeout']}",
                 f"raw control characters in terminal output: {self.kinds['leak']}",
                 f"accepted with weights summing to inf: {self.kinds['accepted']}",
                 f"slowest step: {self.slowest:.2f} s", f"classes of findings: {len(self.classes)}"]
        lines += [f"  {count:6d}  {key}" for key, count in self.classes.most_common()]
        return "\n".join(lines)


def _safe(key: str) -> str:
    return re.sub(r"[^\w.-]+", "_", key)[:150]


def campaign(minutes: float, seed: int, out: Path) -> Campaign:
    """Fuzz for ``minutes`` in a child process under a watchdog; save failing inputs under ``out``."""
    results = Campaign(out)
    corpus = load_corpus()
    context = multiprocessing.get_context("spawn")
    deadline = time.monotonic() + minutes * 60
    index = 0
    with tempfile.TemporaryDirectory(prefix="negsim-fuzz-") as workdir:
        while time.monotonic() < deadline:
            ours, theirs = context.Pipe()
            child = context.Process(target=_worker, args=(seed, index, workdir, theirs), daemon=True)
            child.start()
            try:
                index = _supervise(child, ours, results, deadline, seed, index, corpus)
            finally:  # also on Ctrl-C or SIGTERM: the child never outlives the campaign
                if child.is_alive():
                    child.kill()
                child.join()
    return results


def _supervise(child: Any, conn: Any, results: Campaign, deadline: float, seed: int, index: int,
               corpus: Corpus) -> int:
    """Collect the child's results until the deadline, or until it hangs or dies; return the next index."""
    started = time.monotonic()
    while time.monotonic() < deadline:
        limit = INPUT_WALL_LIMIT_S - (time.monotonic() - started)
        if not conn.poll(max(limit, 0.0)):
            detail = f"the child did not answer {INPUT_WALL_LIMIT_S:g} s after input {index} started"
            results.record(input_number(seed, index, corpus), False,
                           Finding("timeout", "hard-timeout", detail), INPUT_WALL_LIMIT_S)
            return index + 1
        try:
            message = conn.recv()
        except EOFError:  # the child died: a crash that Python could not see
            detail = f"the child died (exit code {child.exitcode}) on input {index}"
            child.join()
            results.record(input_number(seed, index, corpus), False,
                           Finding("exception", f"child-died-{child.exitcode}", detail), 0.0)
            return index + 1
        if message[0] == "start":
            index, started = message[1], time.monotonic()
        else:
            _, done, accepted, finding, seconds = message
            results.record(input_number(seed, done, corpus), accepted, finding, seconds)
            index = done + 1
    return index


# -- replay and minimisation --------------------------------------------------------------------


def replay(folder: Path) -> Result:
    with tempfile.TemporaryDirectory(prefix="negsim-fuzz-") as workdir:
        return Driver(Path(workdir)).drive(FuzzInput.load(folder))


def minimize(item: FuzzInput, key: str, budget_s: float = 120.0) -> FuzzInput:
    """Delete lines, then characters, from a scenario input while it still gives the finding ``key``."""
    if item.kind != "scenario":
        return item
    deadline = time.monotonic() + budget_s
    with tempfile.TemporaryDirectory(prefix="negsim-fuzz-") as workdir:
        driver = Driver(Path(workdir))

        def still(data: bytes) -> bool:
            if time.monotonic() > deadline:
                return False
            found = driver.drive(FuzzInput("scenario", {SCENARIO_NAME: data})).finding
            return found is not None and found.key == key

        data = item.files[SCENARIO_NAME]
        for split in (_lines, lambda d: [bytes([b]) for b in d] if len(d) < 4000 else [d]):
            data = _ddmin(split(data), still)
    return FuzzInput("scenario", {SCENARIO_NAME: data}, item.recipe)


def _ddmin(parts: list[bytes], still: Callable[[bytes], bool]) -> bytes:
    """Delta debugging: drop chunks of parts, halving the chunk size, while the finding remains."""
    chunk = max(len(parts) // 2, 1)
    while parts:
        i, removed = 0, False
        while i < len(parts):
            candidate = parts[:i] + parts[i + chunk:]
            if still(b"".join(candidate)):
                parts, removed = candidate, True
            else:
                i += chunk
        if chunk == 1 and not removed:
            break
        chunk = max(chunk // 2, 1)
    return b"".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzzing", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the campaign (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="campaign seed: input i is the same for a seed")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"), help="folder for failing inputs")
    parser.add_argument("--replay", type=Path, help="drive one saved input (a folder, or a scenario file)")
    parser.add_argument("--minimize", type=Path, help="shrink a saved input to a reproducer (written beside it)")
    args = parser.parse_args(argv)
    if args.replay or args.minimize:
        target = args.replay or args.minimize
        result = replay(target)
        print(f"accepted: {result.accepted}; steps: {', '.join(result.steps)}; {result.seconds:.2f} s, "
          f"slowest step {result.slowest_step:.2f} s")
        print(result.finding.detail if result.finding else "no finding")
        if args.minimize and result.finding:
            small = minimize(FuzzInput.load(target), result.finding.key)
            written = small.save(target.parent / f"{target.name}.min" if target.is_dir() else target.parent / "min")
            print(f"reproducer: {written / SCENARIO_NAME} ({len(small.files[SCENARIO_NAME])} bytes)")
        return 1 if result.finding else 0
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    results = campaign(args.minutes, args.seed, args.out)
    print(results.report())
    print(f"failing inputs saved under {args.out}")
    return 1 if results.classes else 0


if __name__ == "__main__":
    sys.exit(main())
