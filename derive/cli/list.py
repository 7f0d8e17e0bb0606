"""`derive list`: every identity with its ID, alias, worksheet part and title."""

from __future__ import annotations

import argparse

from derive.cli.common import EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("list", help="every identity with its ID, alias, part and title")
    p.set_defaults(run=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    from derive.identities.catalogue import all_identities

    for ident in all_identities():
        print(f"{ident.id:4} {ident.alias:22} part {ident.part:3} {ident.title}")
    return EXIT_OK
