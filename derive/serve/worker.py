"""A check worker: a process of its own that checks texts one at a time under limits.

Three limits, so that an expansion bomb or a pathological expression costs its own request
alone: the engine's per-step CPU-time limit (`Derivation.seconds`, a step out of time is
undecided), a per-request CPU-time limit (RLIMIT_CPU, raised request by request; SIGXCPU
ends the check) and a memory limit for the whole process (RLIMIT_AS). Core dumps are off,
so a crash writes nothing to disk. A worker that hit a limit answers and retires; the pool
starts a fresh one.
"""

from __future__ import annotations

import math
import resource
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection

from derive.serve.check import check_text


@dataclass(frozen=True)
class Limits:
    """The limits every check runs under (defaults: docs/serve.md)."""

    request_cpu_seconds: float = 30.0
    step_seconds: float = 10.0
    memory_bytes: int = 2 * 1024**3

    @property
    def wall_seconds(self) -> float:
        """How long the pool waits before it kills a worker that does not answer at all
        (stuck in C code where no signal reaches Python)."""
        return 4 * self.request_cpu_seconds + 10


class OverCPU(BaseException):
    """Raised by SIGXCPU. A BaseException, so no `except Exception` in the engine eats it."""


def _over_cpu(signum: int, frame: object) -> None:
    raise OverCPU


def _cpu_used() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _set_cpu_limit(seconds: float | None) -> None:
    """Allow `seconds` more CPU time from now (None: no limit), within the hard limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = resource.RLIM_INFINITY if seconds is None else math.ceil(_cpu_used() + seconds)
    if hard != resource.RLIM_INFINITY:
        soft = hard if soft == resource.RLIM_INFINITY else min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def checked(text: str, name: str, limits: Limits) -> tuple[dict, bool]:
    """The answer for one text and whether the worker must retire (it hit a limit)."""
    _set_cpu_limit(limits.request_cpu_seconds)
    try:
        return check_text(text, name=name, step_seconds=limits.step_seconds), False
    except OverCPU:
        return {"error": f"the check used up its CPU-time limit of "
                         f"{limits.request_cpu_seconds:g} s", "limit": "cpu"}, True
    except MemoryError:
        return {"error": f"the check used up its memory limit of "
                         f"{limits.memory_bytes / 2**20:.0f} MiB", "limit": "memory"}, True
    finally:
        _set_cpu_limit(None)


def serve(conn: Connection, limits: Limits) -> None:
    """The worker's main loop: receive (text, name), send the answer, until told to stop."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, hard))
    signal.signal(signal.SIGXCPU, _over_cpu)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        answer, retire = checked(*job, limits)
        conn.send(answer)
        if retire:
            return
