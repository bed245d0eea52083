"""The negotiating text on the table in mediated talks: its terms, the issues it leaves open, and how it reads.

The lead mediator holds one text (:class:`~sim.agents.mediator.Draft` is what it drafts). The
text is the package the mediator has in mind with some issues possibly left open; two drafts
are the same text when they leave the same issues open and agree on every other term, so a
redraft that only changes how the mediator would settle an open issue changes nothing on the
table. The log shows a text's terms with its open issues as None (``(open)`` in a timeline).
"""

from __future__ import annotations

from typing import Any

from ..agents.mediator import Draft
from ..agents.world import World
from ..analysis.narrate import listing


class Text:
    """The text on the table: its package (None before the first draft), open issues and the reason it was drafted."""

    __slots__ = ("open", "package", "reason", "world")

    def __init__(self, world: World) -> None:
        self.world = world
        self.package: int | None = None
        """The package the mediator has in mind: the text's terms, and how it would settle the open issues."""
        self.open: tuple[int, ...] = ()
        """The issues (positions) the text leaves open; an agreement needs none."""
        self.reason = ""

    def table(self, draft: Draft) -> tuple[bool, str]:
        """Put a draft on the table; returns whether the text changed and the log's words for it.

        The words are the draft's reason, then what changed (:meth:`changes`) when the text did.
        An unchanged text keeps its package, so that answers to it stand.
        """
        changed = not self.same(draft)
        said = f"{draft.reason}; {self.changes(draft)}" if self.package is not None and changed else draft.reason
        if changed or self.package is None:
            self.package = draft.package
        self.open, self.reason = draft.open, draft.reason
        return changed, said

    def same(self, draft: Draft) -> bool:
        """Whether a draft is the text on the table: the same open issues and the same terms on the others."""
        if self.package is None or draft.open != self.open:
            return False
        if not self.open:
            return draft.package == self.package
        return bool(self.world.completions(self.package, self.open)[draft.package])

    def logged(self) -> int | dict[str, Any]:
        """The text as the log shows it: its package, or its terms with the open issues as None."""
        assert self.package is not None
        if not self.open:
            return self.package
        terms: dict[str, Any] = self.world.terms(self.package)
        for j in self.open:
            terms[self.world.space.issues[j]] = None
        return terms

    def open_named(self) -> str:
        """The open issues in words, with their verb: ``screening is``, ``screening and hostages are``."""
        names = [self.world.space.issues[j] for j in self.open]
        return f"{listing(names)} {'is' if len(names) == 1 else 'are'}"

    def changes(self, draft: Draft) -> str:
        """What a redraft changes, in words: ``settles screening at third-party; changes ceasefire to permanent``."""
        assert self.package is not None
        before, after = self.world.terms(self.package), self.world.terms(draft.package)
        issues = self.world.space.issues
        settled = [f"{issues[j]} at {after[issues[j]]}" for j in self.open if j not in draft.open]
        moved = [f"{issue} to {value}" for j, (issue, value) in enumerate(after.items())
                 if j not in self.open and before[issue] != value]
        said = [f"settles {', '.join(settled)}"] if settled else []
        return "; ".join(said + ([f"changes {', '.join(moved)}"] if moved else []))


__all__ = ["Text"]
