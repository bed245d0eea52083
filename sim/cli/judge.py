"""``negsim evaluate`` and ``negsim explain``: a package against every red line, and the deal space."""

from __future__ import annotations

import argparse

from ..analysis.explain import explain
from ..constraints.evaluation import Amended, ProposalLike, evaluate, resolve_terms
from ..report.terminal import render_evaluation, render_explanation
from ..scenario.model import Scenario
from .common import EXIT_FINDINGS, EXIT_OK, dump, load_for_command, new_console, provenance
from .terms import parse_terms


def _package(args: argparse.Namespace, scenario: Scenario) -> ProposalLike | None:
    """The package --proposal and --terms name: a proposal, one with some terms changed, terms, or None."""
    terms = None if args.terms is None else parse_terms(args.terms, scenario)
    if args.proposal is not None and terms is not None:
        resolve_terms(scenario, args.proposal)  # an unknown proposal is named as such
        return Amended(args.proposal, terms)
    return args.proposal if args.proposal is not None else terms


def run_evaluate(args: argparse.Namespace) -> int:
    """Judge a package against every party's red lines and walk-away value."""
    scenario = load_for_command(args.file)
    proposal = _package(args, scenario)
    assert proposal is not None, "main() refuses evaluate without --proposal or --terms"
    result = evaluate(scenario, proposal)
    if args.json:
        dump({**result.to_dict(), "provenance": provenance(args.file)})
    else:
        render_evaluation(result, new_console())
    return EXIT_FINDINGS if args.fail_on_no_deal and not result.agreed else EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    """Explain the deal space (and, with a package, how it fares in it)."""
    scenario = load_for_command(args.file)
    result = explain(scenario, _package(args, scenario), max_sets=args.max_sets, examples=args.examples,
                     method=args.method, time_limit=args.time_limit)
    if args.json:
        dump({**result.to_dict(), "provenance": provenance(args.file)})
    else:
        render_explanation(result, new_console())
    return EXIT_FINDINGS if args.fail_on_no_deal and result.zopa.empty else EXIT_OK
