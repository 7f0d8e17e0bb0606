"""Time `derive check` over the corpus of issue 14 (tests/corpus/*.tex) and count its verdicts.

Run: python bench/bench_check.py [--json] [--no-assume] [--jobs N] [--sequential] [FILE ...]
Prints the files read; the steps proved, corroborated, undecided and refuted; the files with
every step proved; the wall-clock seconds per file (median over all files and over the files
read, max: reading and checking, the steps spread over N processes as `derive check` does,
N = the available cores by default; each file's CPU seconds, workers included, beside it, for
a busy machine); and the soundness count (false steps proved, true steps refuted) against
each file's `% truth:` line. Issue 14's targets: 90% read, 70% all proved, median <= 3 s,
max <= 15 s. `--sequential` also checks every file in one process and prints
the speed-up and whether the verdicts are the same (they must be).
`--no-assume` blanks the `% assume:` lines first: a diagnostic of the chain reader alone (then
a true step may be refuted for want of its assumptions; a false step proved is still a bug).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's derive, not an installed one

from test_corpus import CORPUS, checked, unsound  # noqa: E402  (the corpus reader lives with its test)

from derive.engine.parallel import available_cores  # noqa: E402

VERDICTS = ("proved", "corroborated", "undecided", "refuted")


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers)."""
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(path: Path, assume: bool, workers: int) -> tuple[object, float]:
    start = _cpu()
    row = checked(path, assume=assume, seconds=None, workers=workers)
    return row, _cpu() - start


def figures(paths: list[Path], *, assume: bool = True, workers: int = 1) -> dict:
    """Every figure the bench prints, and one row per file."""
    rows, cpu = zip(*(_timed(p, assume, workers) for p in paths), strict=True)
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
        "seconds_median_read": statistics.median(s for c, s in zip(rows, seconds, strict=True)
                                                 if c.read) if read else 0.0,
        "workers": workers,
        "misread": [c.entry.name for c in read if c not in aligned],  # step count differs
        "false_proved": sum(len(f) for f, _ in bad),
        "true_refuted": sum(len(t) for _, t in bad),
        "per_file": [{"file": c.entry.name, "read": c.read, "error": c.error,
                      "verdicts": c.verdicts, "seconds": round(c.seconds, 3),
                      "cpu_seconds": round(t, 3)} for c, t in zip(rows, cpu, strict=True)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="corpus files (default: all)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-assume", action="store_true",
                        help="blank the %% assume: lines (a diagnostic of the chain reader)")
    parser.add_argument("--jobs", type=int, default=available_cores(), metavar="N",
                        help="processes per file (default: the available cores)")
    parser.add_argument("--sequential", action="store_true",
                        help="also check in one process: speed-up and same verdicts")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.files] or CORPUS
    f = figures(paths, assume=not args.no_assume, workers=args.jobs)
    if args.sequential:
        one = figures(paths, assume=not args.no_assume, workers=1)
        f["sequential"] = {
            "seconds_total": sum(r["seconds"] for r in one["per_file"]),
            "same_verdicts": [r["verdicts"] for r in one["per_file"]]
            == [r["verdicts"] for r in f["per_file"]],
        }
    if args.json:
        print(json.dumps(f, indent=2))
        return
    for row in f["per_file"]:
        what = " ".join(row["verdicts"]) if row["read"] else f"not read: {row['error']}"
        print(f"  {row['file']:<32} {row['seconds']:7.2f} s {row['cpu_seconds']:7.2f} CPU s  "
              f"{what}")
    s = f["steps"]
    print(f"files read:          {f['read']} of {f['files']}")
    print(f"steps:               {s['proved']} proved, {s['corroborated']} corroborated, "
          f"{s['undecided']} undecided, {s['refuted']} refuted")
    print(f"files all proved:    {f['all_proved']} of {f['files']}")
    print(f"seconds per file:    median {f['seconds_median']:.2f}, max {f['seconds_max']:.2f}; "
          f"median of the files read {f['seconds_median_read']:.2f} ({f['workers']} processes)")
    print(f"soundness:           {f['false_proved']} false steps proved, "
          f"{f['true_refuted']} true steps refuted"
          + (f"; read with another step count: {', '.join(f['misread'])}" if f["misread"] else ""))
    if "sequential" in f:
        seq, par = f["sequential"], sum(r["seconds"] for r in f["per_file"])
        print(f"one process:         {seq['seconds_total']:.1f} s in all, {par:.1f} s with "
              f"{f['workers']} ({seq['seconds_total'] / max(par, 1e-9):.2f}x); same verdicts: "
              f"{'yes' if seq['same_verdicts'] else 'NO'}")


if __name__ == "__main__":
    main()
