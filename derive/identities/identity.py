"""One identity of the catalogue: a stable ID, alias, title, and what verifies it.

An identity bundles its derivations (checked by the engine), optional symbolic facts
(computations such as a `solveset`, reported as confirmations) and the numeric
confirmations in `numeric/`, named as "module:function" strings: nothing here imports
them; `derive.registry` does, only when `derive verify` runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from derive.engine.confirmation import Confirmation
from derive.engine.derivation import Derivation


@dataclass(frozen=True)
class Identity:
    """One worksheet part or canon identity: ID ("1c", "c1"), alias, part, title, checks."""

    id: str
    alias: str
    part: str
    title: str
    derivations: Callable[[], list[Derivation]]
    facts: Callable[[], list[Confirmation]] | None = None
    confirmations: tuple[str, ...] = ()
    summary: str = ""
    plots: tuple[str, ...] = ()  # figures in the repository (docs/figures/...) for the LaTeX
    section: str = "worksheet"  # "worksheet" (parts 1a-2g) or "canon" (docs/canon.md)
