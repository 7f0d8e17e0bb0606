"""The catalogue: every worksheet identity in worksheet order, looked up by ID or alias."""

from __future__ import annotations

from derive.identities import elbo, kl, reparam, vae
from derive.identities.identity import Identity


def all_identities() -> list[Identity]:
    """Every identity, in worksheet order."""
    return [*kl.IDENTITIES, *elbo.IDENTITIES, *reparam.IDENTITIES, *vae.IDENTITIES]


def lookup(key: str) -> Identity:
    """Find an identity by ID or alias (case-insensitive); ValueError names the known ones."""
    k = key.strip().lower()
    for ident in all_identities():
        if k in (ident.id.lower(), ident.alias.lower()):
            return ident
    known = ", ".join(i.id for i in all_identities())
    raise ValueError(f"unknown identity {key!r} (known: {known}; `derive list` shows aliases)")
