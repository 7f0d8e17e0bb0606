"""The `derive soundness` verb: run the catalogue of false and true claims, print the counts.

One line per claim (ok/BAD, true/false, verdict, class, identity, key, claim, method), then
a table of the classes (false claims and how many were proved, true claims and how many were
refuted) and the totals. Exit status 0 only when no false claim is proved and no true claim is
refuted (and no claim raised); 1 otherwise. The catalogue lives in
`derive.identities.soundness`.
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
    p.add_argument("--class", dest="classes", action="append", default=[], metavar="CLASS",
                   help="check only the claims of this class (repeatable; default: all)")
    p.set_defaults(run=cmd_soundness)


def _line(r: object) -> str:
    c = r.claim
    verdict = r.outcome
    flag = "ok " if r.ok else "BAD"
    detail = r.error or r.method
    return (f"{flag} {'true ' if c.true else 'false'} {verdict:12} {c.kind:11} {c.concerns:7} "
            f"{c.key:42} {c.text}  [{detail}]")


def summary(counts: dict[str, dict[str, int]]) -> list[str]:
    """The two count lines: false refuted/undecided/proved, true proved/corroborated/refuted."""
    f, t = counts["false"], counts["true"]
    return [f"false claims: {f['total']:3d}  refuted {f['refuted']}  undecided {f['undecided']}  "
            f"refused {f['refused']}  corroborated {f['corroborated']}  proved {f['proved']}  "
            f"errors {f['error']}",
            f"true claims:  {t['total']:3d}  proved {t['proved']}  corroborated "
            f"{t['corroborated']}  undecided {t['undecided']}  refuted {t['refuted']}  "
            f"errors {t['error']}"]


def class_table(classes: dict[str, dict[str, int]]) -> list[str]:
    """One line per class: its false and true claims, false ones proved, true ones refuted."""
    from derive.identities.soundness import CLASSES

    lines = [f"{'class':12} {'false':>5} {'proved':>6} {'true':>5} {'refuted':>7}  what it tries"]
    for kind, row in classes.items():
        flag = "" if not (row["false_proved"] or row["true_refuted"] or row["errors"]) else "  BAD"
        lines.append(f"{kind:12} {row['false']:5d} {row['false_proved']:6d} {row['true']:5d} "
                     f"{row['true_refuted']:7d}  {CLASSES.get(kind, '?')}{flag}")
    return lines


def cmd_soundness(args: argparse.Namespace) -> int:
    from derive.cli.common import UsageError
    from derive.identities.soundness import CLASSES, catalogue, run_catalogue

    unknown = [k for k in args.classes if k not in CLASSES]
    if unknown:
        raise UsageError(f"unknown class {unknown[0]!r}; the classes: {', '.join(CLASSES)}")
    claims = [c for c in catalogue() if not args.classes or c.kind in args.classes]

    def progress(r: object) -> None:
        if not args.json:
            print(_line(r), flush=True)

    report = run_catalogue(claims, seed=args.seed, progress=progress)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, default=str))
    else:
        for line in class_table(report.by_class()) + summary(report.counts()):
            print(line)
        print("sound: no false claim proved, no true claim refuted" if report.ok
              else "NOT SOUND: see the lines marked BAD", file=sys.stdout)
    return 0 if report.ok else 1
