"""Time `derive check` over the corpus of issue 14 (tests/corpus/*.tex) and count its verdicts.

Run: python bench/bench_check.py [--json] [--no-assume] [FILE ...]
Prints the files read; the steps proved, corroborated, undecided and refuted; the files with
every step proved; the seconds per file (median, max: reading and checking, in this process);
and the soundness count (false steps proved, true steps refuted) against each file's
`% truth:` line. Issue 14's targets: 90% read, 70% all proved, median <= 3 s, max <= 15 s.
`--no-assume` blanks the `% assume:` lines first: a diagnostic of the chain reader alone (then
a true step may be refuted for want of its assumptions; a false step proved is still a bug).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's derive, not an installed one

from test_corpus import CORPUS, checked, unsound  # noqa: E402  (the corpus reader lives with its test)

VERDICTS = ("proved", "corroborated", "undecided", "refuted")


def figures(paths: list[Path], *, assume: bool = True) -> dict:
    """Every figure the bench prints, and one row per file."""
    rows = [checked(p, assume=assume, seconds=None) for p in paths]
    read = [c for c in rows if c.read]
    steps = [v for c in read for v in c.verdicts]
    seconds = [c.seconds for c in rows]
    aligned = [c for c in read if len(c.verdicts) == len(c.entry.truth)]
    bad = [unsound(c) for c in aligned]
    return {
        "assume": assume,
        "files": len(rows),
        "read": len(read),
        "steps": {v: steps.count(v) for v in VERDICTS},
        "all_proved": sum(1 for c in read if c.verdicts and set(c.verdicts) == {"proved"}),
        "seconds_median": statistics.median(seconds) if seconds else 0.0,
        "seconds_max": max(seconds, default=0.0),
        "misread": [c.entry.name for c in read if c not in aligned],  # step count differs
        "false_proved": sum(len(f) for f, _ in bad),
        "true_refuted": sum(len(t) for _, t in bad),
        "per_file": [{"file": c.entry.name, "read": c.read, "error": c.error,
                      "verdicts": c.verdicts, "seconds": round(c.seconds, 3)} for c in rows],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="corpus files (default: all)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-assume", action="store_true",
                        help="blank the %% assume: lines (a diagnostic of the chain reader)")
    args = parser.parse_args()
    f = figures([p.resolve() for p in args.files] or CORPUS, assume=not args.no_assume)
    if args.json:
        print(json.dumps(f, indent=2))
        return
    for row in f["per_file"]:
        what = " ".join(row["verdicts"]) if row["read"] else f"not read: {row['error']}"
        print(f"  {row['file']:<32} {row['seconds']:7.2f} s  {what}")
    s = f["steps"]
    print(f"files read:          {f['read']} of {f['files']}")
    print(f"steps:               {s['proved']} proved, {s['corroborated']} corroborated, "
          f"{s['undecided']} undecided, {s['refuted']} refuted")
    print(f"files all proved:    {f['all_proved']} of {f['files']}")
    print(f"seconds per file:    median {f['seconds_median']:.2f}, max {f['seconds_max']:.2f}")
    print(f"soundness:           {f['false_proved']} false steps proved, "
          f"{f['true_refuted']} true steps refuted"
          + (f"; read with another step count: {', '.join(f['misread'])}" if f["misread"] else ""))


if __name__ == "__main__":
    main()
