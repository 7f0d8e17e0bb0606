"""The check workers' limits bite: a check past its CPU time is stopped and answered as such,
the worker is replaced and the next check is right; the memory and core-dump limits are
set in the worker process; a full queue says Busy at once."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from derive.serve import worker
from derive.serve.pool import Busy, CheckPool
from derive.serve.worker import Limits

SWAPPED = (Path(__file__).resolve().parent / "check_corpus" / "kl_arguments_swapped.tex") \
    .read_text()
# 9^(9^(9^9)) has hundreds of millions of digits: SymPy works on it far past 2 s of CPU time.
HUGE = "\\begin{align*} 9^{9^{9^{9}}} &= 1 \\end{align*}"


def _verdicts(answer: dict) -> list[str]:
    return [s["verdict"] for c in answer["chains"] for s in c["steps"]]


def test_a_check_past_its_cpu_time_is_stopped_and_the_worker_replaced():
    pool = CheckPool(1, 4, Limits(request_cpu_seconds=2, step_seconds=600,
                                  memory_bytes=3 * 2**30))
    try:
        stopped = pool.submit(HUGE, "huge.tex").result(timeout=600)
        assert stopped == {"error": "the check used up its CPU-time limit of 2 s",
                           "limit": "cpu"}
        assert pool.restarts == 1
        assert _verdicts(pool.submit(SWAPPED, "s.tex").result(timeout=600)) == \
            ["proved", "refuted", "proved"]
    finally:
        pool.close()


def test_the_worker_runs_under_its_memory_and_core_limits():
    pool = CheckPool(1, 1, Limits(memory_bytes=1536 * 2**20))
    try:
        pool.submit(SWAPPED, "s.tex").result(timeout=600)
        pid, = pool.worker_pids()
        limits = Path(f"/proc/{pid}/limits").read_text()
        assert f"Max address space         {1536 * 2**20}" in limits
        assert "Max core file size        0" in limits
    finally:
        pool.close()


def test_running_out_of_memory_is_an_answer_and_the_cpu_limit_is_lifted(monkeypatch):
    def hog(*args: object, **kw: object) -> dict:
        raise MemoryError

    monkeypatch.setattr(worker, "check_text", hog)
    before = resource.getrlimit(resource.RLIMIT_CPU)
    answer, retire = worker.checked("x", "x.tex", Limits(memory_bytes=2**30))
    assert answer == {"error": "the check used up its memory limit of 1024 MiB",
                      "limit": "memory"} and retire
    assert resource.getrlimit(resource.RLIMIT_CPU) == before


def test_a_full_queue_says_busy_at_once():
    pool = CheckPool(1, 1)
    try:
        futures, busy = [], 0
        for _ in range(3):
            try:
                futures.append(pool.submit(SWAPPED, "s.tex"))
            except Busy:
                busy += 1
        assert busy >= 1
        for f in futures:
            assert _verdicts(f.result(timeout=600)) == ["proved", "refuted", "proved"]
    finally:
        pool.close()


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        CheckPool(0, 4)


def test_a_worker_that_dies_mid_check_costs_that_check_alone():
    import os
    import signal
    import time

    pool = CheckPool(1, 4, Limits(request_cpu_seconds=600, step_seconds=600))
    try:
        doomed = pool.submit(HUGE, "huge.tex")
        deadline = time.monotonic() + 120
        while not pool.worker_pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the worker has the job
        os.kill(pool.worker_pids()[0], signal.SIGKILL)
        assert doomed.result(timeout=120)["limit"] == "worker"
        assert _verdicts(pool.submit(SWAPPED, "s.tex").result(timeout=600)) == \
            ["proved", "refuted", "proved"]
    finally:
        pool.close()
