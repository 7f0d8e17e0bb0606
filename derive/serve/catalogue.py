"""The identity pages' content: `derive verify`'s report for one identity, cached in memory.

Each identity is verified once, on its first visit, in a process of its own (the server's
event loop never waits on SymPy or the Monte Carlo code). The VAE identities (2e-2g) are
shown with their derivations only: their confirmations train models and cache them on
disk, and the server writes nothing to disk (`derive verify 2e` runs them).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
from concurrent.futures import Future
from html import escape
from threading import Lock


def trains_a_model(identity: object) -> bool:
    return any(c.startswith("numeric.vae") for c in identity.confirmations)


def _figures(figures: dict) -> str:
    return "; ".join(f"{escape(str(k))} = {escape(str(v))}" for k, v in figures.items())


def identity_view(ident_id: str) -> dict:
    """`derive verify --json`'s object for the identity, and its derivations as HTML."""
    from derive.cli.common import json_safe
    from derive.identities.catalogue import lookup
    from derive.serve.html import badge, chain_html
    from derive.verify import verify

    identity = lookup(ident_id)
    numeric = not trains_a_model(identity)
    report = verify(identity, numeric=numeric)
    parts = ["<h3>Derivations</h3>"] + [chain_html(r) for r in report.derivations]
    parts.append("<h3>Confirmations</h3>")
    if not numeric:
        parts.append(f"<p>The Monte Carlo confirmations of {escape(identity.id)} train a "
                     f"model: run <code>derive verify {escape(identity.id)}</code>.</p>")
    rows = "".join(f"<tr><td>{badge('passed' if c.passed else 'failed')}</td>"
                   f"<td>{escape(c.name)}</td><td>{escape(c.summary)}</td>"
                   f"<td>{_figures(c.figures)}</td></tr>" for c in report.confirmations)
    if rows:
        parts.append("<table class=\"figures\"><tr><th></th><th>check</th><th>summary</th>"
                     f"<th>figures</th></tr>{rows}</table>")
    return {"report": json_safe(report.as_dict()), "html": "".join(parts)}


class Catalogue:
    """Views computed on demand, one at a time, kept for the life of the server."""

    def __init__(self) -> None:
        self._pool: multiprocessing.pool.Pool | None = None
        self._views: dict[str, Future] = {}
        self._lock = Lock()

    def view(self, ident_id: str) -> Future:
        """The Future of the identity's view (started on the first call)."""
        with self._lock:
            fut = self._views.get(ident_id)
            if fut is None or (fut.done() and fut.exception() is not None):
                if self._pool is None:
                    self._pool = multiprocessing.get_context("forkserver").Pool(1)
                fut = Future()
                self._pool.apply_async(identity_view, (ident_id,), callback=fut.set_result,
                                       error_callback=fut.set_exception)
                self._views[ident_id] = fut
            return fut

    def close(self) -> None:
        """Stop a verification still running (its page was never finished anyway)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
