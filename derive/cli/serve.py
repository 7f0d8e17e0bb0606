"""The `derive serve` verb: start the web server (derive.serve.app) for a whole class.

Binds 127.0.0.1 unless told otherwise; see docs/serve.md for the limits and the API.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve", help="a web page and a JSON API that check LaTeX derivations",
        description="Serve a page (and POST /api/check) that checks LaTeX derivations as "
                    "`derive check` does, each in a worker process with CPU-time and memory "
                    "limits. Python input is never accepted. See docs/serve.md.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=2, help="check worker processes (default 2)")
    p.add_argument("--queue", type=int, default=16, metavar="N",
                   help="checks that may wait for a worker before answering 503 (default 16)")
    p.add_argument("--max-bytes", type=int, default=64 * 1024, metavar="N",
                   help="largest request body accepted (default 65536)")
    p.add_argument("--cpu-seconds", type=float, default=30.0, metavar="S",
                   help="CPU time one check may use (default 30)")
    p.add_argument("--step-seconds", type=float, default=10.0, metavar="S",
                   help="the engine's CPU-time limit per step (default 10)")
    p.add_argument("--memory-mb", type=int, default=2048, metavar="MB",
                   help="memory limit of each worker process (default 2048)")
    p.set_defaults(run=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from derive.cli.common import EXIT_OK, UsageError

    if not 0 < args.port < 65536:
        raise UsageError(f"--port: expected 1..65535, got {args.port}")
    for flag, value in (("--workers", args.workers), ("--queue", args.queue),
                        ("--max-bytes", args.max_bytes), ("--cpu-seconds", args.cpu_seconds),
                        ("--step-seconds", args.step_seconds), ("--memory-mb", args.memory_mb)):
        if value <= 0:
            raise UsageError(f"{flag}: expected a positive number, got {value}")
    try:  # dependencies of derive-verify (pyproject.toml); say so if one is missing
        import latex2mathml  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise UsageError(f"derive serve needs {exc.name}: pip install {exc.name}") from None
    from derive.serve.app import Settings, run

    settings = Settings(args.workers, args.queue, args.max_bytes, args.cpu_seconds,
                        args.step_seconds, args.memory_mb * 2**20)
    print(f"derive serve: http://{args.host}:{args.port}/ ({args.workers} workers; "
          "Ctrl-C stops)", flush=True)
    run(args.host, args.port, settings)
    return EXIT_OK
