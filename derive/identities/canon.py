"""The canon beyond the worksheet (c1-c8), in order: Gaussian KLs, Gibbs for densities, the
IWAE bound, mutual information, the chain rule, data processing, the score function.

Each topic has its module (canon_gaussian, canon_bounds, canon_finite, canon_score); the
answers, as docs/worksheet.md answers the worksheet, are in docs/canon.md.
"""

from __future__ import annotations

from derive.identities import canon_bounds, canon_finite, canon_gaussian, canon_score
from derive.identities.identity import Identity

IDENTITIES: list[Identity] = [*canon_gaussian.IDENTITIES, *canon_bounds.IDENTITIES,
                              *canon_finite.IDENTITIES, *canon_score.IDENTITIES]
