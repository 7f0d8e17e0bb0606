"""Run independent checks in parallel processes, with the results of one process.

A forked pool: each worker is a copy of this process, so a task is a plain closure over
SymPy objects and is never pickled (only its `Outcome` comes back). A worker runs its tasks
in its main thread, where the CPU-time limits work (SIGPROF), and a task's limit counts the
worker's own CPU time: the same budget as in one process. Sequential instead when a pool
cannot work or would break a rule: one worker or one task, no `fork` on this platform, a
daemon process (a `derive serve` worker, whose CPU and memory limits a child would escape),
a process with other threads (a Jupyter kernel, a pytest-xdist worker: a fork copies their
locks, held or not, and can deadlock the child), or inside an open time limit (a child would
not count against it). `derive check` is single-threaded.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from typing import TypeVar

from derive.engine.timelimit import within_limit

T = TypeVar("T")
_TASKS: list[Callable[[], object]] = []  # what the forked workers run, by index


def available_cores() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _run(index: int) -> object:
    return _TASKS[index]()


def _can_fork() -> bool:
    return ("fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon
            and threading.current_thread() is threading.main_thread()
            and threading.active_count() == 1
            and not within_limit())


def run_all(tasks: list[Callable[[], T]], workers: int = 1) -> list[T]:
    """Every task's result, in order: in `workers` forked processes when that can work."""
    workers = min(workers, len(tasks))
    if workers <= 1 or _TASKS or not _can_fork():
        return [t() for t in tasks]
    _TASKS.extend(tasks)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_run, range(len(tasks)), chunksize=1)
    finally:
        _TASKS.clear()
