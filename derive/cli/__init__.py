"""The `derive` command: one thin module per verb over the public API (see `main`)."""

from derive.cli.main import main

__all__ = ["main"]
