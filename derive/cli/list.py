"""`derive list`: every identity with its ID, alias, part and title, worksheet then canon."""

from __future__ import annotations

import argparse

from derive.cli.common import EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("list", help="every identity with its ID, alias, part and title")
    p.set_defaults(run=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    from derive.identities.catalogue import SECTIONS, section

    headings = {"worksheet": "The worksheet (docs/worksheet.md)",
                "canon": "The canon beyond the worksheet (docs/canon.md)"}
    for k, name in enumerate(SECTIONS):
        print(("\n" if k else "") + headings[name])
        for ident in section(name):
            print(f"{ident.id:4} {ident.alias:22} part {ident.part:3} {ident.title}")
    return EXIT_OK
