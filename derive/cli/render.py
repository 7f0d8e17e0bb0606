"""Plain-text views for the terminal: the verify table and a derivation step by step."""

from __future__ import annotations

import sympy as sp

from derive.engine.derivation import DerivationResult
from derive.engine.verdict import Verdict
from derive.verify import IdentityReport

MARK = {Verdict.PROVED: "✓ proved", Verdict.CORROBORATED: "~ corroborated",
        Verdict.UNDECIDED: "? undecided", Verdict.REFUTED: "✗ refuted"}


def _expr(e: sp.Basic) -> str:
    return sp.sstr(e)


def derivation_text(result: DerivationResult) -> str:
    """A derivation with every step's relation, justification, side conditions and verdict."""
    d = result.derivation
    lines = [f"{d.title}", f"  statement: {_expr(d.statement)}"]
    assumed = d.assumptions.describe()
    if assumed:
        lines.append("  assuming:  " + "\n             ".join(assumed))
    lines.append(f"      {_expr(d.start)}")
    for s in result.steps:
        lines.append(f"  {s.step.op:>2}  {_expr(s.step.expr)}")
        lines.append(f"        [{MARK[s.verdict]}] by {s.step.justification}"
                     f" -- checked by: {s.outcome.method}")
        if s.step.uses:
            lines.append(f"        side conditions: {'; '.join(s.step.uses)}")
        for note in s.outcome.notes:
            lines.append(f"        note: {note}")
        if s.outcome.counterexample:
            ce = ", ".join(f"{k}={v}" for k, v in s.outcome.counterexample.items())
            lines.append(f"        counterexample: {ce}")
    lines.append(f"  conclusion: [{MARK[result.conclusion.verdict]}] {result.conclusion.method}")
    lines.append(f"  verdict: {MARK[result.verdict]}")
    return "\n".join(lines)


def report_text(report: IdentityReport) -> str:
    """`derive show`: every derivation of an identity, then its confirmations."""
    ident = report.identity
    where = "canon, docs/canon.md" if ident.section == "canon" else f"worksheet part {ident.part}"
    parts = [f"[{ident.id}] {ident.title}  (alias {ident.alias}, {where})", ""]
    parts += [derivation_text(r) + "\n" for r in report.derivations]
    for c in report.confirmations:
        parts.append(f"  {'PASS' if c.passed else 'FAIL'}  {c.name}: {c.summary}")
    return "\n".join(parts).rstrip() + "\n"


def table(reports: list[IdentityReport]) -> str:
    """`derive verify`: one row per identity, then one line per confirmation."""
    lines = [f"{'id':4} {'verdict':14} {'proofs':>7} {'checks':>7} {'time':>7}  title"]
    for r in reports:
        proved = sum(d.verdict is Verdict.PROVED for d in r.derivations)
        passed = sum(c.passed for c in r.confirmations)
        lines.append(f"{r.identity.id:4} {r.verdict:14} {proved:>3}/{len(r.derivations):<3} "
                     f"{passed:>3}/{len(r.confirmations):<3} {r.seconds:6.1f}s  {r.identity.title}")
        for d in r.derivations:
            if d.verdict is not Verdict.PROVED:
                lines.append(f"       {MARK[d.verdict]}: {d.derivation.title}")
        for c in r.confirmations:
            lines.append(f"       {'pass' if c.passed else 'FAIL'}  {c.name}: {c.summary}")
    ok = sum(r.verified for r in reports)
    lines.append(f"{ok} of {len(reports)} identities verified")
    return "\n".join(lines)
