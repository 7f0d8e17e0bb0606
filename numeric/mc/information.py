"""Entropy, cross-entropy and KL divergence of discrete distributions (worksheet part 1).

Conventions: 0 log 0 = 0 (outcomes with p = 0 contribute nothing), and H(p, q) = KL(p||q)
= +inf when q = 0 somewhere p > 0. Inputs are checked (finite, non-negative, same length,
summing to 1 within SUM_TOLERANCE) and then renormalised, so a result is always that of an
exact distribution. Results are in nats by default; `base=2` gives bits.

References: [1] Cover & Thomas, Elements of Information Theory (2006), eqs. 2.1 and 2.26.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

SUM_TOLERANCE = 1e-9


def _distribution(p: ArrayLike, name: str) -> np.ndarray:
    try:
        a = np.asarray(p, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array of probabilities ({exc})") from None
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or inf")
    if np.any(a < 0):
        raise ValueError(f"{name} has a negative entry ({a.min():.3g})")
    total = float(a.sum())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"{name} sums to {total!r}, not 1 within {SUM_TOLERANCE:g}")
    return a / total


def _pair(p: ArrayLike, q: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a, b = _distribution(p, "p"), _distribution(q, "q")
    if a.shape != b.shape:
        raise ValueError(f"p and q have different lengths ({a.size} and {b.size})")
    return a, b


def _log_base(base: float) -> float:
    if not (isinstance(base, Real) and math.isfinite(base) and base > 0 and base != 1):
        raise ValueError(f"base must be a finite positive number other than 1, got {base!r}")
    return math.log(base)


def entropy(p: ArrayLike, *, base: float = math.e) -> float:
    """H(p) = -sum_k p_k log p_k, with 0 log 0 = 0.

    >>> round(entropy([0.5, 0.5], base=2), 12)
    1.0
    """
    a = _distribution(p, "p")
    nz = a[a > 0]
    return float(max(-(nz * np.log(nz)).sum(), 0.0) / _log_base(base))


def cross_entropy(p: ArrayLike, q: ArrayLike, *, base: float = math.e) -> float:
    """H(p, q) = -sum_x p(x) log q(x); +inf when q(x) = 0 for some x with p(x) > 0.

    >>> round(cross_entropy([0.5, 0.5], [0.1, 0.9]), 6)
    1.203973
    """
    a, b = _pair(p, q)
    lb = _log_base(base)
    support = a > 0
    if np.any(b[support] == 0):
        return math.inf
    return float(-(a[support] * np.log(b[support])).sum() / lb)


def kl_divergence(p: ArrayLike, q: ArrayLike, *, base: float = math.e) -> float:
    """D_KL(p || q) = sum_x p(x) log(p(x) / q(x)); +inf when q = 0 where p > 0.

    Summed as sum_x [p log(p/q) - p + q]: the extra terms add to zero, and every summand
    is >= 0 (t log t - t + 1 >= 0), so rounding can never make the result negative.

    >>> p, q = [0.5, 0.5], [0.1, 0.9]
    >>> round(kl_divergence(p, q), 6), round(kl_divergence(q, p), 6)
    (0.510826, 0.368064)
    """
    a, b = _pair(p, q)
    lb = _log_base(base)
    support = a > 0
    if np.any(b[support] == 0):
        return math.inf
    pa, qa = a[support], b[support]
    with np.errstate(over="ignore"):  # a huge ratio (q subnormal) is simply "not near"
        ratio = (pa - qa) / qa
    near = np.abs(ratio) < 0.5
    # log1p is accurate when p is close to q, where p log(p/q) and p - q nearly cancel.
    log_ratio = np.where(near, np.log1p(np.where(near, ratio, 0.0)), np.log(pa) - np.log(qa))
    terms = np.maximum(pa * log_ratio - (pa - qa), 0.0)
    # Outcomes with p = 0 contribute q - p = q to the non-negative form.
    total = float(terms.sum() + b[~support].sum())
    return total / lb
