"""The `derive` command: a thin layer over the public API, one module per verb.

Exit status: 0 when everything asked for verified, 1 when something was refuted or failed
(or is only corroborated or undecided), 2 for bad usage. Errors are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from derive.cli.common import EXIT_USAGE, Parser, UsageError
from derive.output import OutputError

# Each verb module has `register(subparsers)`, which adds its parser(s) with
# `set_defaults(run=...)`; a run function returns the exit status and raises UsageError for
# bad input. They must not import torch (or SymPy) at module level, so `--help` is fast.
VERB_MODULES: tuple[str, ...] = (
    "derive.cli.list", "derive.cli.verify", "derive.cli.show", "derive.cli.latex",
    "derive.cli.cite", "derive.cli.check", "derive.cli.soundness", "derive.cli.vae",
    "derive.cli.serve")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="derive", description="Verify the derivations of information theory "
                    "and variational inference, step by step, by machine.")
    from derive import __version__

    parser.add_argument("--version", action="version", version=f"derive-verify {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
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
