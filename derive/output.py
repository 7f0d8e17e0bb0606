"""Writing output files safely: all or nothing, never a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    """An output file cannot be written; the message is one line for the user."""


def write_atomic(path: Path, data: str | bytes, *, overwrite: bool = True) -> Path:
    """Write to a temporary file in the same folder, then rename it over `path`.

    A crash or a full disk leaves either the old file or none, never a partial one.
    With overwrite=False an existing file is an error.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputError(f"{path} exists (pass --force to overwrite it)")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder {folder}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"cannot write to folder {folder}: permission denied")
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write to folder {folder}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
