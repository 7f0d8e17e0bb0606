"""Run an identity's checks: its derivations, its symbolic facts and its numeric confirmations.

An identity is *verified* when every derivation is proved and every confirmation passed.
A confirmation that raises is reported as failed with its error, never skipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from derive import registry
from derive.engine.confirmation import Confirmation
from derive.engine.derivation import DerivationResult
from derive.engine.verdict import Verdict
from derive.identities.identity import Identity


@dataclass(frozen=True)
class IdentityReport:
    """Everything `derive verify` found for one identity."""

    identity: Identity
    derivations: tuple[DerivationResult, ...]
    confirmations: tuple[Confirmation, ...]
    seconds: float

    @property
    def proof_verdict(self) -> Verdict:
        return Verdict.combine([d.verdict for d in self.derivations])

    @property
    def verified(self) -> bool:
        return (self.proof_verdict is Verdict.PROVED
                and all(c.passed for c in self.confirmations))

    @property
    def verdict(self) -> str:
        """proved / corroborated / undecided / refuted, or 'failed' when a confirmation fails."""
        if self.proof_verdict is Verdict.PROVED and not all(c.passed for c in self.confirmations):
            return "failed"
        return self.proof_verdict.value

    def as_dict(self) -> dict:
        ident = self.identity
        return {
            "id": ident.id, "alias": ident.alias, "part": ident.part, "title": ident.title,
            "verdict": self.verdict, "verified": self.verified,
            "seconds": round(self.seconds, 3),
            "derivations": [d.as_dict() for d in self.derivations],
            "confirmations": [{"name": c.name, "passed": c.passed, "summary": c.summary,
                               "figures": c.figures} for c in self.confirmations],
        }


def verify(identity: Identity, *, numeric: bool = True) -> IdentityReport:
    """Check the derivations, then run the facts and (if `numeric`) the confirmations."""
    start = time.perf_counter()
    results = tuple(d.check() for d in identity.derivations())
    confirmations: list[Confirmation] = []
    runners = [identity.facts] if identity.facts else []
    if numeric:
        try:
            runners += registry.confirmations(identity)
        except ImportError as exc:
            confirmations.append(Confirmation(f"{identity.id}: import", False, {},
                                              f"could not import a confirmation: {exc}"))
    for run in runners:
        try:
            confirmations.extend(run())
        except Exception as exc:  # a crashing check is a failed check, reported as such
            name = getattr(run, "__name__", "confirmation")
            confirmations.append(Confirmation(name, False, {"error": repr(exc)},
                                              f"raised {type(exc).__name__}: {exc}"))
    return IdentityReport(identity, results, tuple(confirmations), time.perf_counter() - start)
