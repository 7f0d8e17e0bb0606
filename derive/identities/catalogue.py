"""The catalogue: the worksheet's identities (1a-2g) then the canon (c1-c8), by ID or alias."""

from __future__ import annotations

from derive.identities import canon, elbo, kl, reparam, vae
from derive.identities.identity import Identity

SECTIONS = ("worksheet", "canon")


def all_identities() -> list[Identity]:
    """Every identity: the worksheet's in worksheet order, then the canon's."""
    return [*kl.IDENTITIES, *elbo.IDENTITIES, *reparam.IDENTITIES, *vae.IDENTITIES,
            *canon.IDENTITIES]


def section(name: str) -> list[Identity]:
    """The identities of one section ("worksheet" or "canon"), in order."""
    if name not in SECTIONS:
        raise ValueError(f"unknown section {name!r} (known: {', '.join(SECTIONS)})")
    return [i for i in all_identities() if i.section == name]


def lookup(key: str) -> Identity:
    """Find an identity by ID or alias (case-insensitive); ValueError names the known ones."""
    k = key.strip().lower()
    for ident in all_identities():
        if k in (ident.id.lower(), ident.alias.lower()):
            return ident
    known = ", ".join(i.id for i in all_identities())
    raise ValueError(f"unknown identity {key!r} (known: {known}; `derive list` shows aliases)")
