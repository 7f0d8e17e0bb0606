"""`derive verify`: check identities' derivations and run their numeric confirmations."""

from __future__ import annotations

import argparse
import json
import sys

from derive.cli.common import EXIT_FAILED, EXIT_OK, identities, json_safe


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("verify", help="check identities (all when no ID is given)")
    p.add_argument("ids", nargs="*", metavar="ID", help="identity IDs or aliases, e.g. 1c 2b")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per ID")
    p.add_argument("--no-numeric", action="store_true",
                   help="check the derivations only, skip the Monte Carlo confirmations")
    p.set_defaults(run=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    from derive.cli.render import table
    from derive.verify import verify

    reports = []
    for ident in identities(args.ids):
        if not args.json:
            print(f"verifying {ident.id} ...", file=sys.stderr, flush=True)
        reports.append(verify(ident, numeric=not args.no_numeric))
    if args.json:
        print(json.dumps(json_safe([r.as_dict() for r in reports]), indent=2, default=str,
                         allow_nan=False))
    else:
        print(table(reports))
    return EXIT_OK if all(r.verified for r in reports) else EXIT_FAILED
