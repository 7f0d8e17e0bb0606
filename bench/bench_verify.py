"""Time `derive verify` for worksheet part 1 and the start-up of the command.

Run: python bench/bench_verify.py [--repeat N]
Prints the time to check part 1's derivations (symbolic only), with its numeric
confirmations, and `derive --help` against a bare `python -c pass` run in the same process
tree (the ratio is the start-up overhead of the command).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PART1 = ["1a", "1b", "1c", "1d"]


def _run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _median(args: list[str], repeat: int) -> float:
    return statistics.median(_run(args) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    py = sys.executable
    bare = _median([py, "-c", "pass"], repeat)
    helptime = _median([py, "-m", "derive", "--help"], repeat)
    symbolic = _median([py, "-m", "derive", "verify", *PART1, "--no-numeric"], repeat)
    full = _median([py, "-m", "derive", "verify", *PART1], max(1, repeat // 2))
    print(f"python -c pass                       {bare:7.3f} s")
    print(f"derive --help                        {helptime:7.3f} s  ({helptime / bare:.1f}x bare)")
    print(f"derive verify 1a-1d --no-numeric     {symbolic:7.3f} s")
    print(f"derive verify 1a-1d (with numeric)   {full:7.3f} s")
    print(f"(medians of {repeat} runs, wall clock, including interpreter start-up)")


if __name__ == "__main__":
    main()
