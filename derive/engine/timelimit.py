"""A CPU-time limit for one check: running out means undecided, never proved.

CPU time, not wall-clock time, so that a verdict does not depend on how loaded the machine
is: the same check on a busy machine gets the same budget of work.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

DEFAULT_SECONDS = 10.0
RETRY_SECONDS = 0.01  # when the limit falls inside a gc callback or __del__


class OutOfTime(Exception):
    """Raised inside a check when its time limit is reached."""


def _ignored_here(frame: FrameType | None) -> bool:
    """Is the signal landing in a gc callback or a __del__, where an exception is only printed
    ("Exception ignored in ...") and the check would go on without a limit?"""
    callbacks = {getattr(getattr(cb, "__func__", cb), "__code__", None) for cb in gc.callbacks}
    while frame is not None:
        if frame.f_code in callbacks or frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise OutOfTime in the block after `seconds` of this process's CPU time.

    SymPy is pure Python, so SIGPROF interrupts it between bytecodes. Signals only reach the
    main thread; elsewhere (a worker thread) the block runs without a limit, which can cost
    time but never soundness: a check that is not finished proves nothing.
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        if _ignored_here(frame):  # Python would swallow the exception: try again just after
            signal.setitimer(signal.ITIMER_PROF, RETRY_SECONDS)
            return
        raise OutOfTime(f"time limit of {seconds:g} CPU s reached")

    previous = signal.signal(signal.SIGPROF, _raise)
    old_delay, _ = signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if old_delay:
            signal.setitimer(signal.ITIMER_PROF, old_delay)
