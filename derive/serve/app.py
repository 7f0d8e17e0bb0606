"""The web application: the check page, `POST /api/check`, and the identity pages.

Starlette on uvicorn (docs/serve.md says why). The handlers only read the request, hand the
text to the CheckPool and wait on its Future, so the event loop never runs a check. Answers:
200 with the `derive check --json` list; 422 with {"error", "line", "column"} when the text
cannot be read or a check hits a limit; 413 past the body-size limit; 503 when the queue is
full (with Retry-After).
"""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from derive.serve import pages
from derive.serve.catalogue import Catalogue
from derive.serve.check import NAME
from derive.serve.pool import Busy, CheckPool
from derive.serve.worker import Limits


@dataclass(frozen=True)
class Settings:
    """What `derive serve` is told (defaults: docs/serve.md)."""

    workers: int = 2
    queue_size: int = 16
    max_bytes: int = 64 * 1024
    request_cpu_seconds: float = Limits.request_cpu_seconds
    step_seconds: float = Limits.step_seconds
    memory_bytes: int = Limits.memory_bytes

    @property
    def limits(self) -> Limits:
        return Limits(self.request_cpu_seconds, self.step_seconds, self.memory_bytes)


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def _text(request: Request, max_bytes: int) -> tuple[str, str]:
    """The LaTeX of a request (a raw body, or JSON {"latex": ..., "name": ...}), read no
    further than `max_bytes`."""
    too_big = BadRequest(413, f"the request is larger than the limit of {max_bytes} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise too_big
    try:
        raw = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, "the request is not UTF-8 text") from None
    if not request.headers.get("content-type", "").startswith("application/json"):
        return raw, NAME
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadRequest(400, "the request is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("latex"), str):
        raise BadRequest(400, 'expected JSON {"latex": "..."}')
    name = data.get("name", NAME)
    return data["latex"], name if isinstance(name, str) and len(name) < 200 else NAME


def create_app(settings: Settings | None = None) -> Starlette:
    """The application, with its pool of check workers started on start-up."""
    settings = settings or Settings()
    state: dict = {}

    @asynccontextmanager
    async def lifespan(app: Starlette):  # noqa: ANN202 - Starlette's protocol
        state["pool"] = CheckPool(settings.workers, settings.queue_size, settings.limits)
        state["catalogue"] = Catalogue()
        yield
        state["catalogue"].close()
        await asyncio.to_thread(state["pool"].close)

    async def answer(request: Request) -> tuple[int, dict]:
        try:
            text, name = await _text(request, settings.max_bytes)
            result = await asyncio.wrap_future(state["pool"].submit(text, name))
        except BadRequest as exc:
            return exc.status, {"error": str(exc)}
        except Busy:
            return 503, {"error": "every check worker is busy and the queue is full: "
                                  "try again in a moment"}
        except asyncio.CancelledError:  # uvicorn stopping: answer instead of a traceback
            return 503, {"error": "the server is stopping"}
        return (422 if "error" in result else 200), result

    async def api_check(request: Request) -> Response:
        status, result = await answer(request)
        body = result["chains"] if status == 200 else result
        return JSONResponse(body, status, headers=_retry(status))

    async def page_check(request: Request) -> Response:
        status, result = await answer(request)
        return JSONResponse(result, status, headers=_retry(status))

    async def index(request: Request) -> Response:
        return HTMLResponse(pages.check_page())

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        kinds = {"style.css": "text/css", "results.css": "text/css",
                 "app.js": "text/javascript"}
        if name not in kinds:
            return Response("not found", 404, media_type="text/plain")
        return Response(pages.static(name), media_type=kinds[name])

    async def identities(request: Request) -> Response:
        from derive.identities.catalogue import all_identities

        return HTMLResponse(pages.catalogue_page(all_identities()))

    async def identity(request: Request) -> Response:
        from derive.cli.cite import bibtex
        from derive.identities.catalogue import lookup

        try:
            ident = lookup(request.path_params["id"])
        except ValueError as exc:
            return HTMLResponse(pages.layout("not found", f"<p>{exc}</p>"), 404)
        fut = state["catalogue"].view(ident.id)
        try:
            view = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), 2.0)
        except TimeoutError:
            view = None
        except Exception as exc:  # a crash while verifying: say so, retry on the next visit
            return HTMLResponse(pages.layout("error", f"<p>verifying {ident.id} failed: "
                                             f"{type(exc).__name__}</p>"), 500)
        return HTMLResponse(pages.identity_page(ident, view, bibtex(ident)))

    routes = [Route("/", index), Route("/static/{name}", static),
              Route("/api/check", api_check, methods=["POST"]),
              Route("/check", page_check, methods=["POST"]),
              Route("/identities", identities), Route("/identities/{id}", identity)]
    return Starlette(routes=routes, lifespan=lifespan)


def _retry(status: int) -> dict:
    return {"Retry-After": "1"} if status == 503 else {}


def run(host: str, port: int, settings: Settings) -> None:
    """Serve until interrupted (uvicorn, one process: the checks run in the pool)."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                timeout_keep_alive=5, timeout_graceful_shutdown=3)
