"""`derive vae VERB`: the torch VAE on the digits (worksheet 2e-2g).

The computations live in `numeric.vae.commands`; this module only parses the options and
imports it (and torch) when a verb runs, so `derive --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from derive.cli.common import UsageError

FIGURES = Path("docs/figures")  # as numeric.vae.commands.FIGURES, without importing it


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _run(args: argparse.Namespace) -> int:
    """Run one `derive vae` verb; bad values become one-line usage errors."""
    from numeric.vae.commands import (
        bound_tables,
        forward,
        latent_plot,
        reconstructions,
        sample,
        train,
        verify,
    )

    try:
        if args.verb == "forward":
            print(forward(args.batch_size, args.seed))
        elif args.verb == "sample":
            print(sample(args.out, args.n, args.seed, long=args.long))
        elif args.verb == "train":
            print(train(args.latent_dim, args.epochs, args.seed, args.device, args.out,
                        progress=False if args.no_progress else None))
        elif args.verb == "latent":
            print(latent_plot(args.out, args.long))
        elif args.verb == "recon":
            print(reconstructions(args.out, long=args.long))
        elif args.verb == "tables":
            print(bound_tables(args.long, args.points))
        else:
            print(verify(args.ids))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `derive vae {forward,sample,train,latent,recon,tables,verify}`."""
    vae = subparsers.add_parser("vae", help="the torch VAE on the digits (worksheet 2e-2g)")
    sub = vae.add_subparsers(dest="verb", metavar="VERB", parser_class=type(vae))
    sub.required = True
    p = sub.add_parser("forward", help="2e: one batch through the VAE, stage by stage")
    p.add_argument("--batch-size", type=_positive, default=8)
    p.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("sample", help="2g: z ~ N(0, I), decode, draw x; write a PNG grid")
    p.add_argument("--out", type=Path, default=FIGURES / "vae_samples.png")
    p.add_argument("-n", type=_positive, default=64, help="how many digits (default 64)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--long", action="store_true", help="the model trained 1000 epochs")
    p = sub.add_parser("train", help="train (or load from the cache) a VAE and report its bounds")
    p.add_argument("--latent-dim", type=_positive, default=16)
    p.add_argument("--epochs", type=_positive, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=("cpu", "cuda"), default=None,
                   help="default: cuda when present, else cpu")
    p.add_argument("--out", type=Path, default=None, help="also save the checkpoint here")
    p.add_argument("--no-progress", action="store_true")
    p = sub.add_parser("latent", help="2f: test digits at mu(x) in the 2-D latent space (PNG)")
    p.add_argument("--out", type=Path, default=FIGURES / "vae_latent.png")
    p.add_argument("--long", action="store_true")
    p = sub.add_parser("recon", help="2f: test digits and their reconstructions (PNG)")
    p.add_argument("--out", type=Path, default=FIGURES / "vae_reconstructions.png")
    p.add_argument("--long", action="store_true")
    p = sub.add_parser("tables", help="ELBO and L_k tables for the 2-D and 16-D models")
    p.add_argument("--long", action="store_true")
    p.add_argument("--points", type=_positive, default=None)
    p = sub.add_parser("verify", help="run confirm_2e/2f/2g with their timings")
    p.add_argument("ids", nargs="*", default=["2e", "2f", "2g"])
    vae.set_defaults(run=_run)
