"""The whole catalogue: every family's claims, and a run of them through the engine."""

from __future__ import annotations

from collections.abc import Callable

from derive.identities.soundness import (
    algebra,
    bases,
    branches,
    bypass,
    canon,
    conventions,
    domain,
    elbo,
    entries,
    existence,
    gaussian,
    kinks,
    kl,
    laws,
    moments,
    parameters,
    reparam,
    samples,
    sigma,
    sums,
    time_limits,
    undeclared,
    undefined,
)
from derive.identities.soundness.core import Claim, ClaimResult, SoundnessReport, check_claim

FAMILIES = (kl, elbo, gaussian, reparam, algebra, undeclared, parameters, existence, undefined,
            conventions, laws, bypass, domain, time_limits, branches, bases, sigma, sums, kinks,
            moments, entries, canon, samples)


def catalogue() -> list[Claim]:
    """Every claim, family by family (each family's false claims before its true ones)."""
    return [c for family in FAMILIES for c in family.claims()]


def run_catalogue(claims: list[Claim] | None = None, *, seed: int = 0,
                  progress: Callable[[ClaimResult], None] | None = None) -> SoundnessReport:
    """Check every claim (default: the whole catalogue) and collect the results."""
    if claims is None:
        claims = catalogue()
    results = []
    for c in claims:
        r = check_claim(c, seed=seed)
        if progress is not None:
            progress(r)
        results.append(r)
    return SoundnessReport(tuple(results))
