"""The worksheet's identities: stable IDs, aliases, titles, and what verifies each.

An identity bundles its derivations (checked by the engine), optional symbolic facts
(computations such as a `solveset`, reported as confirmations) and the numeric
confirmations in `numeric/`, named as "module:function" strings so that they, and torch,
are imported only when `derive verify` runs them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from derive.confirmation import Confirmation
from derive.derivation import Derivation


@dataclass(frozen=True)
class Identity:
    """One worksheet part: ID (e.g. "1c"), alias, worksheet part, title and its checks."""

    id: str
    alias: str
    part: str
    title: str
    derivations: Callable[[], list[Derivation]]
    facts: Callable[[], list[Confirmation]] | None = None
    confirmations: tuple[str, ...] = ()
    summary: str = ""
    plots: tuple[str, ...] = ()  # figures in the repository (docs/figures/...) for the LaTeX

    def load_confirmations(self) -> list[Callable[[], list[Confirmation]]]:
        """Import the numeric confirmations (this is where numpy/torch get imported)."""
        out = []
        for ref in self.confirmations:
            module, _, name = ref.partition(":")
            out.append(getattr(importlib.import_module(module), name))
        return out


def all_identities() -> list[Identity]:
    """Every identity, in worksheet order."""
    from derive.identities import IDENTITIES

    return list(IDENTITIES)


def lookup(key: str) -> Identity:
    """Find an identity by ID or alias (case-insensitive); ValueError names the known ones."""
    k = key.strip().lower()
    for ident in all_identities():
        if k in (ident.id.lower(), ident.alias.lower()):
            return ident
    known = ", ".join(i.id for i in all_identities())
    raise ValueError(f"unknown identity {key!r} (known: {known}; `derive list` shows aliases)")
