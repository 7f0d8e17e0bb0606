"""`derive show ID`: an identity's derivations step by step."""

from __future__ import annotations

import argparse

from derive.cli.common import EXIT_FAILED, EXIT_OK, identities


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("show", help="print an identity's derivations step by step")
    p.add_argument("id", metavar="ID")
    p.add_argument("--numeric", action="store_true", help="also run its numeric confirmations")
    p.set_defaults(run=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    from derive.cli.render import report_text
    from derive.verify import verify

    (ident,) = identities([args.id])
    report = verify(ident, numeric=args.numeric)
    print(report_text(report), end="")
    return EXIT_OK if report.verified else EXIT_FAILED
