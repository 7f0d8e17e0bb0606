"""A CPU-time limit for one check: running out means undecided, never proved.

CPU time, not wall-clock time, so that a verdict does not depend on how loaded the machine
is: the same check on a busy machine gets the same budget of work. Three rules make the
limit hold (docs/engine.md, "Time limits"):

- `OutOfTime` is a `BaseException`, like `KeyboardInterrupt`: the `except Exception` that
  SymPy (and `lambdify`) use to try something else cannot swallow it.
- Where Python itself drops exceptions (a weakref or gc callback, a `__del__`: "Exception
  ignored in ..."), the limit is not lost: it fires again just after (`sys.unraisablehook`
  while a limit is open), and nothing is printed.
- Limits nest: an inner limit never outlives the one around it, and once the inner block is
  left the outer limit fires at its own deadline (or at once, if that has passed).
- `DERIVE_TIME_SCALE` (a positive number, default 1) multiplies every limit: 0.25 runs the
  engine as a machine four times slower would, which is how the suite is shown not to
  depend on the speed of the machine it runs on (docs/soundness.md).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

DEFAULT_SECONDS = 10.0
RETRY_SECONDS = 0.01  # when the limit falls inside a gc callback, a __del__ or this module
SCALE_VARIABLE = "DERIVE_TIME_SCALE"
_DEADLINES: list[float] = []  # process CPU-time deadlines of the open limits, innermost last


class OutOfTime(BaseException):
    """Raised inside a check when its time limit is reached (a BaseException: see above)."""


def time_scale() -> float:
    """The factor DERIVE_TIME_SCALE applies to every time limit (1 when it is not set)."""
    text = os.environ.get(SCALE_VARIABLE, "").strip()
    if not text:
        return 1.0
    try:
        scale = float(text)
    except ValueError:
        scale = float("nan")
    if not 0 < scale < float("inf"):
        raise ValueError(f"{SCALE_VARIABLE} must be a positive number, got {text!r}")
    return scale


def within_limit() -> bool:
    """Is a time limit open in this process (so that work elsewhere would escape it)?"""
    return bool(_DEADLINES)


def _bookkeeping_codes() -> set[object]:
    """Code objects of the limit's own entry and exit: an exception there would skip them."""
    cm = contextlib._GeneratorContextManager
    return {time_limit.__wrapped__.__code__, cm.__enter__.__code__, cm.__exit__.__code__}


def _ignored_here(frame: FrameType | None) -> bool:
    """Is the signal landing where an exception would be lost or do harm: a gc callback or a
    __del__ ("Exception ignored in ..."), or this limit's own set-up and tear-down?"""
    callbacks = {getattr(getattr(cb, "__func__", cb), "__code__", None) for cb in gc.callbacks}
    own = _bookkeeping_codes()
    while frame is not None:
        code = frame.f_code
        if code in callbacks or code in own or code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _arm(deadline: float) -> None:
    signal.setitimer(signal.ITIMER_PROF, max(deadline - time.process_time(), RETRY_SECONDS))


def _retry_when_ignored(previous):
    """An unraisable hook: an OutOfTime that Python dropped (in a weakref callback, a gc
    callback, a __del__) re-arms the limit to fire just after; anything else goes on to the
    hook that was there before."""

    def hook(unraisable) -> None:
        if isinstance(unraisable.exc_type, type) and issubclass(unraisable.exc_type, OutOfTime):
            if _DEADLINES:
                signal.setitimer(signal.ITIMER_PROF, RETRY_SECONDS)
            return
        previous(unraisable)

    return hook


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise OutOfTime in the block after `seconds` (times DERIVE_TIME_SCALE) of CPU time.

    SymPy is pure Python, so SIGPROF interrupts it between bytecodes. Signals only reach the
    main thread; elsewhere (a worker thread) the block runs without a limit, which can cost
    time but never soundness: a check that is not finished proves nothing.
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return
    budget = seconds * time_scale()
    deadline = time.process_time() + budget
    if _DEADLINES:
        deadline = min(deadline, _DEADLINES[-1])

    def _raise(signum: int, frame: FrameType | None) -> None:
        if _ignored_here(frame):  # Python would swallow the exception: try again just after
            signal.setitimer(signal.ITIMER_PROF, RETRY_SECONDS)
            return
        raise OutOfTime(f"time limit of {budget:g} CPU s reached")

    previous = signal.signal(signal.SIGPROF, _raise)
    outermost = not _DEADLINES
    if outermost:
        previous_hook = sys.unraisablehook
        sys.unraisablehook = _retry_when_ignored(previous_hook)
    _DEADLINES.append(deadline)
    _arm(deadline)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        _DEADLINES.pop()
        signal.signal(signal.SIGPROF, previous)
        if outermost:
            sys.unraisablehook = previous_hook
        if _DEADLINES:  # the enclosing limit goes on counting from where it is
            _arm(_DEADLINES[-1])
