"""Where identities meet the numeric layer: each identity's confirmations, imported by name.

Identities (and the soundness catalogue) name their numeric checks as "module:function"
strings and never import `numeric`; this module, above them, imports a check only when it
is run, so the engine, the notation and `derive --help` never load NumPy's Monte Carlo
code or torch. It is, with the CLI, the only place under `derive/` that reaches `numeric`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from derive.engine.confirmation import Confirmation
from derive.identities.identity import Identity

SOUNDNESS_COUNTERPARTS = "numeric.confirm.soundness:COUNTERPARTS"


def resolve(ref: str) -> object:
    """The object a "module:name" reference names (ImportError/AttributeError if none)."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def confirmations(identity: Identity) -> list[Callable[[], list[Confirmation]]]:
    """An identity's numeric confirmations (this is where numpy and torch get imported)."""
    return [resolve(ref) for ref in identity.confirmations]


def soundness_counterparts() -> dict[str, Callable[[], Confirmation]]:
    """The numeric counterpart of each soundness claim that has one, by claim key."""
    return dict(resolve(SOUNDNESS_COUNTERPARTS))
