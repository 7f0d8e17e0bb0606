"""`derive cite`: how to cite the project or one of its identities, as a BibTeX entry.

CITATION.cff holds the same for GitHub's "Cite this repository".

The entry names the project, its version, and, for an identity, its ID and title, so a
reader can rerun exactly the check that was cited (`derive verify ID`).

>>> print(bibtex().splitlines()[0])
@misc{derive-verify-0.1.0,
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from derive import __version__

if TYPE_CHECKING:
    from derive.identities.identity import Identity

PROJECT = "derive-verify"
AUTHOR = "derive-verify developers"  # as in pyproject.toml and CITATION.cff
YEAR = "2026"  # the year of this version's release, as in CITATION.cff
DESCRIPTION = ("A symbolic-plus-numeric verifier for the core identities of information "
               "theory and variational inference")


def _field_text(text: str) -> str:
    """A title or note as LaTeX text, braced so BibTeX styles keep its capitals."""
    from derive.notation.writer import prose

    return prose(text)


def bibtex(identity: Identity | None = None) -> str:
    """A BibTeX @misc entry for the project, or for one identity of its catalogue."""
    from derive.identities.identity import Identity

    if identity is not None and not isinstance(identity, Identity):
        raise ValueError(f"bibtex: expected an Identity or None, got {type(identity).__name__}")
    key = f"{PROJECT}-{__version__}"
    title = f"{PROJECT}: {DESCRIPTION}"
    note, command = f"Version {__version__}; rerun the checks with ", "derive verify"
    if identity is not None:
        key += f"-{re.sub(r'[^A-Za-z0-9]+', '-', identity.id)}"
        title = f"{PROJECT}: identity {identity.id}, {identity.title}"
        note = (f"Worksheet identity {identity.id} (alias {identity.alias}), version "
                f"{__version__}; rerun its checks with ")
        command += f" {identity.id}"
    fields = [("title", "{" + _field_text(title) + "}"), ("author", "{" + AUTHOR + "}"),
              ("year", YEAR), ("version", __version__),
              ("howpublished", f"Software, version {__version__}"),
              ("note", _field_text(note) + r"\texttt{" + _field_text(command) + "}")]
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def register(subparsers: argparse._SubParsersAction) -> None:
    c = subparsers.add_parser("cite", help="print a BibTeX entry for the project or an identity")
    c.add_argument("id", nargs="?", metavar="ID", help="identity ID or alias (default: project)")
    c.set_defaults(run=cmd_cite)


def cmd_cite(args: argparse.Namespace) -> int:
    from derive.cli.common import EXIT_OK, identities

    print(bibtex(identities([args.id])[0] if args.id else None), end="")
    return EXIT_OK
