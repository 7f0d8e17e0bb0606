"""The `derive soundness` verb: run the catalogue of false and true claims, print the counts.

Exit status 0 only when no false claim is proved and no true claim is refuted (and no claim
raised); 1 otherwise. The catalogue lives in `derive.identities.soundness`.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `soundness` to the `derive` command."""
    p = subparsers.add_parser(
        "soundness", help="check the catalogue of false and true claims: no false one proved",
        description="Check every claim of the soundness catalogue (false variants of the "
                    "worksheet's identities and true ones written differently) with the "
                    "engine. Exit status: 0 when no false claim is proved and no true claim "
                    "is refuted, 1 otherwise, 2 bad usage.")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--seed", type=int, default=0, help="seed of the numeric checks (default 0)")
    p.set_defaults(run=cmd_soundness)


def _line(r: object) -> str:
    c = r.claim
    verdict = r.verdict.value if r.verdict is not None else "error"
    flag = "ok " if r.ok else "BAD"
    detail = r.error or r.method
    return (f"{flag} {'true ' if c.true else 'false'} {verdict:12} {c.concerns:7} {c.key:34} "
            f"{c.text}  [{detail}]")


def summary(counts: dict[str, dict[str, int]]) -> list[str]:
    """The two count lines: false refuted/undecided/proved, true proved/corroborated/refuted."""
    f, t = counts["false"], counts["true"]
    return [f"false claims: {f['total']:3d}  refuted {f['refuted']}  undecided {f['undecided']}  "
            f"corroborated {f['corroborated']}  proved {f['proved']}  errors {f['error']}",
            f"true claims:  {t['total']:3d}  proved {t['proved']}  corroborated "
            f"{t['corroborated']}  undecided {t['undecided']}  refuted {t['refuted']}  "
            f"errors {t['error']}"]


def cmd_soundness(args: argparse.Namespace) -> int:
    from derive.identities.soundness import run_catalogue

    def progress(r: object) -> None:
        if not args.json:
            print(_line(r), flush=True)

    report = run_catalogue(seed=args.seed, progress=progress)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, default=str))
    else:
        for line in summary(report.counts()):
            print(line)
        print("sound: no false claim proved, no true claim refuted" if report.ok
              else "NOT SOUND: see the lines marked BAD", file=sys.stdout)
    return 0 if report.ok else 1
