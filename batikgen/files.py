"""What every stage that writes or records files shares: atomic writes and file hashes.

An atomic write goes to a temporary file beside the target, renamed into place when complete: an
interrupted or failed write never leaves a partial file under the final name, and an existing file
is only replaced when the caller says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import OutputExistsError, RenderError


def check_writable(path: str | os.PathLike, overwrite: bool) -> Path:
    """Refuse to clobber an existing file unless ``overwrite``; return the path."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(f"{target}: already exists")
    if target.is_dir():
        raise RenderError(f"{target}: is a directory, expected a file path")
    return target


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, overwrite: bool = False) -> Iterator[BinaryIO]:
    """Open a binary file that appears at ``path`` only if the block completes.

    Parameters
    ----------
    path : path-like
        Final location. Its parent directory is created if needed.
    overwrite : bool
        Replace an existing file; otherwise an existing file is an error.

    Yields
    ------
    file object
        Opened for binary writing on a temporary file in the same directory.
    """
    target = check_writable(path, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def write_bytes_atomic(path: str | os.PathLike, data: bytes, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_write(path, overwrite) as handle:
        handle.write(data)
    return Path(path)


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (the file as it is on disk), as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
