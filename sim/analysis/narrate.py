"""Plain sentences that explain the deal space, each red line named with its rule and its quote."""

from __future__ import annotations

from ..constraints.space import readable_count
from ..scenario.base import SourceRef
from ..scenario.hints import counted, quoted
from ..scenario.words import red_line_rule, terms_text
from .dealspace import DealSpace
from .explanation import Concession, Explanation, Judgement, Point, ReferencePoints
from .solver_space import SolverSpace


def narrate(space: DealSpace | SolverSpace, result: Explanation) -> list[str]:
    """Sentences for the ZOPA, the clashes, the concessions, the reference points and a proposal."""
    names = Names(space)
    lines = [_zopa_sentence(result)]
    lines += [_clash_sentence(names, refs) for refs in result.clashing_sets]
    if not result.clashes_complete:
        lines.append("More clashing sets exist than are shown, or the search stopped; raise --max-sets "
                     "or --time-limit to list them.")
    lines += [_concession_sentence(names, c) for c in result.concessions]
    if not result.concessions_complete:
        lines.append("More concession sets exist than are shown, or the search stopped; raise --max-sets "
                     "or --time-limit to list them.")
    if result.method == "solver":
        lines.append(SOLVER_NOTE)
    if not result.reference.settled:
        lines.append("The solver did not settle the bargaining reference points: its time ran out, or "
                     "too many packages tie for them; raise --time-limit, or list the space.")
    elif not result.zopa.empty:
        lines.append(_reference_sentence(names, result.reference))
    else:
        lines.append("With no zone of possible agreement there are no bargaining reference points over it.")
    if result.judgement is not None:
        lines.append(_judgement_sentence(names, result.judgement))
    return lines


SOLVER_NOTE = ("The space was searched by a constraint solver, not listed: the ZOPA, its Pareto frontier and "
               "the packages a concession opens are not counted; the Nash, Kalai–Smorodinsky and "
               "maximum-welfare packages are the ones listing every package would give.")


class Names:
    """How a red line, a walk-away value or a party reads in a sentence."""

    def __init__(self, space: DealSpace | SolverSpace) -> None:
        self.space = space
        self.scenario = space.scenario
        self.red_lines = {c.ref: c.source for c in space.constraints.red_lines}

    def party(self, party_id: str) -> str:
        """A party's display name."""
        return self.scenario.party(party_id).name

    def constraint(self, ref: str) -> str:
        """``Israel's `israel/x` (requires …; "quote")`` or ``Israel's walk-away value (0.30)``."""
        party_id = ref.partition("/")[0]
        owner = f"{self.party(party_id)}'s"
        red_line = self.red_lines.get(ref)
        if red_line is None:
            walk_away = self.space.walk_aways[self.space.parties.index(party_id)]
            return f"{owner} walk-away value ({walk_away:.2f})"
        rule = red_line_rule(red_line, self.scenario.conditions)
        if isinstance(red_line.source, SourceRef):
            found_at = self.found_at(red_line.source.doc)
            if red_line.source.inferred:
                return f'{owner} `{ref}` ({rule}; inferred from "{red_line.source.quote}"{found_at})'
            return f'{owner} `{ref}` ({rule}; "{red_line.source.quote}"{found_at})'
        return f"{owner} `{ref}` ({rule}; an assumption, confidence {red_line.confidence:g})"

    def found_at(self, doc_id: str) -> str:
        """``, https://…``: the citation and url of a document, where a reader finds it; empty if it gives neither."""
        doc = next((s for s in self.scenario.sources if s.id == doc_id), None)
        found = doc.found_at() if doc is not None else None
        return f", {found}" if found else ""

    def utilities(self, point: Point) -> str:
        """``Israel 0.41, Hamas 0.78``."""
        return ", ".join(f"{self.party(p)} {u:.2f}" for p, u in point.utilities.items())


def listing(items: list[str], joiner: str = "and") -> str:
    """Items in words: ``a``, ``a and b``, ``a, b and c`` (or another joiner)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {joiner} {items[-1]}"


def _zopa_sentence(result: Explanation) -> str:
    zopa = result.zopa
    total = readable_count(zopa.total)
    if zopa.empty:
        return (f"No package of the {total} meets every red line and walk-away value: "
                "there is no zone of possible agreement.")
    if zopa.size is None:
        return (f"Packages of the {total} meet every red line and walk-away value, for example "
                f"{terms_text(zopa.examples[0])}.")
    spread = "; ".join(f"{issue}: {', '.join(quoted(v).strip(chr(39)) for v in values)}"
                       for issue, values in zopa.values.items())
    return (f"{zopa.size:,} of {total} packages meet every red line and walk-away value. "
            f"Within them, each issue can take: {spread}.")


def _clash_sentence(names: Names, refs: tuple[str, ...]) -> str:
    parts = [names.constraint(r) for r in refs]
    if len(parts) == 1:
        return f"No package meets {parts[0]} at all."
    if len(parts) == 2:
        return f"No package meets both {parts[0]} and {parts[1]}."
    return f"No package meets {listing(parts)} together."


def _concession_sentence(names: Names, concession: Concession) -> str:
    parts = [f"{names.party(r.partition('/')[0])}'s `{r}`" for r in concession.refs]
    what = parts[0] if len(parts) == 1 else listing(parts) + " together"
    if concession.opens is None:
        return f"Relaxing {what} (cost {concession.cost:g}) opens a deal."
    opened = counted(concession.opens, "package")
    head = f"Relaxing {what} (cost {concession.cost:g}) opens {opened}"
    if concession.best is None:
        return f"{head}; none of them leaves every party above its walk-away value."
    return f"{head}; the Nash package among them is {terms_text(concession.best.terms)} " \
           f"({names.utilities(concession.best)})."


def _reference_sentence(names: Names, reference: ReferencePoints) -> str:
    if reference.nash is None:
        return "No package of the zone of possible agreement gives every party a gain, so it has no Nash package."
    parts = [f"the Nash bargaining package is {terms_text(reference.nash.terms)} ({names.utilities(reference.nash)})"]
    if reference.kalai_smorodinsky is not None:
        ks = reference.kalai_smorodinsky
        parts.append(f"Kalai–Smorodinsky gives {terms_text(ks.terms)} ({names.utilities(ks)})")
    if reference.max_welfare is not None:
        mw = reference.max_welfare
        parts.append(f"maximum welfare gives {terms_text(mw.terms)} ({names.utilities(mw)})")
    if reference.pareto_size is None:
        return "Over the ZOPA, " + "; ".join(parts) + "."
    return f"Over the ZOPA ({reference.pareto_size:,} Pareto-efficient packages), " + "; ".join(parts) + "."


def _judgement_sentence(names: Names, judgement: Judgement) -> str:
    label = f"Proposal '{judgement.proposal}'" if judgement.proposal else "The package"
    if judgement.short:
        gaps = [f"{names.party(p)} {gap:.2f}" for p, gap in judgement.short.items()]
        whose = "its walk-away value" if len(gaps) == 1 else "their walk-away values"
        head = f"{label} leaves {listing(gaps)} short of {whose}"
    else:
        head = f"{label} meets every walk-away value"
    if judgement.open:
        head += f" ({_settlements(judgement)})"
    tail = []
    if judgement.dominated_by is not None:
        however = ", however the open issues are settled" if judgement.open else ""
        tail.append(f"the ZOPA package {terms_text(judgement.dominated_by.terms)} is at least as good for every "
                    f"party{however}, and better for some")
    if judgement.distance_to_nash is not None:
        tail.append(f"it lies {judgement.distance_to_nash:.2f} from the Nash package in utility")
    if not judgement.settled:
        tail.append("whether a ZOPA package is better for some party and no worse for any is not settled "
                    "(the solver's search stopped short)")
    return head + ("; " + "; ".join(tail) if tail else "") + "."


def _settlements(judgement: Judgement) -> str:
    """How a proposal's open issues were judged: over the settlements that meet every red line, or all of them."""
    if judgement.admissible_completions == 0:
        return (f"no way of settling its open issues meets every red line; each party taken at its worst of "
                f"the {judgement.completions:,} ways")
    if judgement.admissible_completions == 1:
        return "its open issues taken as the one way of settling them that meets every red line"
    return (f"its open issues judged over the {judgement.admissible_completions:,} ways of settling them that "
            "meet every red line, each party at its worst")
