"""The `derive` command: a thin layer over the public API.

Exit status: 0 when everything asked for verified, 1 when something was refuted or failed
(or is only corroborated or undecided), 2 for bad usage. Errors are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from importlib import import_module

from derive.output import OutputError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# Modules that add further verbs: each has `register(subparsers)`, which adds its parser(s)
# with `set_defaults(run=...)`; a run function returns the exit status and raises
# UsageError for bad input. They must not import torch at module level.
VERB_MODULES: tuple[str, ...] = ("derive.cli_latex", "derive.cli_check", "derive.cli_soundness",
                                 "numeric.vae_commands")


class UsageError(Exception):
    """Bad input from the user: reported on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + error
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _identities(keys: Sequence[str]) -> list:
    from derive.catalogue import all_identities, lookup

    if not keys:
        return all_identities()
    try:
        chosen = [lookup(k) for k in keys]
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return list(dict.fromkeys(chosen))


def _json_safe(value: object) -> object:
    """Strict JSON: a non-finite float becomes the string "inf", "-inf" or "nan"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def cmd_list(args: argparse.Namespace) -> int:
    from derive.catalogue import all_identities

    for ident in all_identities():
        print(f"{ident.id:4} {ident.alias:22} part {ident.part:3} {ident.title}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from derive.render import table
    from derive.verify import verify

    reports = []
    for ident in _identities(args.ids):
        if not args.json:
            print(f"verifying {ident.id} ...", file=sys.stderr, flush=True)
        reports.append(verify(ident, numeric=not args.no_numeric))
    if args.json:
        print(json.dumps(_json_safe([r.as_dict() for r in reports]), indent=2, default=str,
                         allow_nan=False))
    else:
        print(table(reports))
    return EXIT_OK if all(r.verified for r in reports) else EXIT_FAILED


def cmd_show(args: argparse.Namespace) -> int:
    from derive.render import report_text
    from derive.verify import verify

    (ident,) = _identities([args.id])
    report = verify(ident, numeric=args.numeric)
    print(report_text(report), end="")
    return EXIT_OK if report.verified else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="derive", description="Verify the derivations of information theory "
                     "and variational inference, step by step, by machine.")
    from derive import __version__

    parser.add_argument("--version", action="version", version=f"derive-verify {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("list", help="every identity with its ID, alias, part and title")
    p.set_defaults(run=cmd_list)

    p = sub.add_parser("verify", help="check identities (all when no ID is given)")
    p.add_argument("ids", nargs="*", metavar="ID", help="identity IDs or aliases, e.g. 1c 2b")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per ID")
    p.add_argument("--no-numeric", action="store_true",
                   help="check the derivations only, skip the Monte Carlo confirmations")
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser("show", help="print an identity's derivations step by step")
    p.add_argument("id", metavar="ID")
    p.add_argument("--numeric", action="store_true", help="also run its numeric confirmations")
    p.set_defaults(run=cmd_show)

    for name in VERB_MODULES:
        import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except (UsageError, OutputError) as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("derive: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
