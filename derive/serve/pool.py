"""A fixed set of check workers behind a bounded queue: full means 503, never a hang.

Each worker slot is a thread that owns one worker process (derive.serve.worker) and feeds
it jobs from the shared queue; the event loop only waits on a Future. A worker that dies,
hits a limit or does not answer within `Limits.wall_seconds` is replaced, and only the
request it was running gets an error. Workers come from a forkserver that has imported the
checker once, so a replacement starts in milliseconds and no fork happens from the server's
threads.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from concurrent.futures import Future

from derive.serve.worker import Limits, serve

# Imported once by the forkserver, so that every worker starts with the checker loaded.
PRELOAD = ["derive.serve.worker", "derive.notation.document", "derive.cli.check",
           "derive.serve.html", "latex2mathml.converter"]


class Busy(Exception):
    """Every worker is busy and the queue is full: the server answers 503."""


class _Worker:
    def __init__(self, ctx: multiprocessing.context.BaseContext, limits: Limits) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=serve, args=(child, limits), daemon=True)
        self.process.start()
        child.close()

    def run(self, job: tuple[str, str], wait: float) -> dict | None:
        """The worker's answer, or None if it died or did not answer in time."""
        try:
            self.conn.send(job)
            if self.conn.poll(wait):
                return self.conn.recv()
        except (EOFError, OSError):
            pass
        return None

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class CheckPool:
    """`workers` processes checking texts; at most `queue_size` jobs wait for one."""

    def __init__(self, workers: int = 2, queue_size: int = 16,
                 limits: Limits | None = None) -> None:
        if workers < 1 or queue_size < 1:
            raise ValueError("CheckPool: expected workers >= 1 and queue_size >= 1")
        self.limits = limits or Limits()
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(PRELOAD)
        self._jobs: queue.Queue = queue.Queue(maxsize=queue_size)
        self.restarts = 0
        self._closing = False
        self._live: dict[int, _Worker] = {}  # slot -> its worker, while it has one
        self._slots = [threading.Thread(target=self._slot, args=(k,), daemon=True,
                                        name=f"check-{k}") for k in range(workers)]
        for t in self._slots:
            t.start()

    def submit(self, text: str, name: str) -> Future:
        """A Future for the answer (see derive.serve.check); Busy if the queue is full."""
        fut: Future = Future()
        try:
            self._jobs.put_nowait((fut, (text, name)))
        except queue.Full:
            raise Busy from None
        return fut

    def worker_pids(self) -> list[int]:
        """The process ids of the workers alive now."""
        return [w.process.pid for w in list(self._live.values()) if w.process.is_alive()]

    def _slot(self, k: int) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                break
            fut, job = item
            if not fut.set_running_or_notify_cancel():  # its request went away
                continue
            try:
                fut.set_result(self._answer(k, job))
            except Exception as exc:  # e.g. no worker could be started: still an answer
                fut.set_result({"error": f"no check worker: {type(exc).__name__}: {exc}",
                                "limit": "worker"})
        if k in self._live:
            self._live.pop(k).stop()

    def _answer(self, k: int, job: tuple[str, str]) -> dict:
        """Slot k's worker checks the job; a worker that fails it is replaced."""
        if self._closing:
            return {"error": "the server is stopping", "limit": "worker"}
        worker = self._live.get(k)
        if worker is not None and not worker.process.is_alive():  # died while idle
            self._live.pop(k).stop()
            worker = None
        if worker is None:
            worker = self._live[k] = _Worker(self._ctx, self.limits)
        answer = worker.run(job, self.limits.wall_seconds)
        if answer is None or answer.get("limit"):
            self._live.pop(k).stop()
            self.restarts += 1
        return answer or {"error": "the check stopped its worker (a CPU-time or memory "
                                   "limit, or a crash)", "limit": "worker"}

    def close(self) -> None:
        """Stop the workers at once and the slots after them; a check still running or
        waiting is answered with an error."""
        self._closing = True
        for w in list(self._live.values()):
            w.process.kill()
        for _ in self._slots:
            self._jobs.put(None)
        for t in self._slots:
            t.join(30)
