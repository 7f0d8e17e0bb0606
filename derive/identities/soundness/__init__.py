"""The soundness catalogue: false claims never to be proved, true ones never to be refuted.

A verifier is worthless if it can be fooled. Each `Claim` is a derivation (often a single
step) with its assumptions and a class (`CLASSES`): the way it tries to fool the engine. FALSE
claims are the project's identities and steps with a typical mistake (swapped KL arguments, a
sign or factor lost, a term dropped, Jensen on a convex function, a missing support condition,
...) and the adversarial cases of issue 13 (assumptions nobody declared, a parameter's
dependence lost, integrals that do not exist, points where an expression is undefined, two
conventions for one sum, laws with impossible parameters, a hand-built lemma use, tiny time
limits) and more (log and sqrt off their branch, the wrong base of log, sigma for sigma^2,
sums with symbolic limits, kinks, E[f(x)] = f(E[x])). TRUE claims are identities written in
unusual but correct ways, and claims whose only counterexamples lie outside the declared
domain. `run_catalogue()` checks every claim: no false claim may be PROVED, no true claim
REFUTED. Numeric counterparts of some claims live in numeric.confirm.soundness, keyed by claim
key, joined by `derive.registry` (this catalogue never imports numeric).

One module per family; each has `claims()`. `catalogue()` is their concatenation.

>>> report = run_catalogue([c for c in catalogue() if c.key == "F-algebra-log-sum"])
>>> report.counts()["false"]["refuted"], report.ok
(1, True)
"""

from __future__ import annotations

from derive.identities.soundness.catalogue import FAMILIES, catalogue, run_catalogue
from derive.identities.soundness.core import (
    CLASSES,
    Claim,
    ClaimResult,
    SoundnessReport,
    check_claim,
)

__all__ = ["CLASSES", "FAMILIES", "Claim", "ClaimResult", "SoundnessReport", "catalogue",
           "check_claim", "run_catalogue"]
