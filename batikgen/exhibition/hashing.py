"""What identifies a piece without reading its recording: the bytes' hash and the settings' hash.

The coordinator decides what to skip from these alone, so a recording that would crash a reader
never gets near the coordinating process.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..files import file_sha256

# Files that belong to a recording named by its main file: when they change, the recording changed.
_COMPANIONS = {
    ".set": (".fdt",),
    ".vhdr": (".vmrk", ".eeg", ".dat"),
    ".eeg": (".pnt", ".log", ".21e"),
}


def recording_sha256(path: str | Path) -> str:
    """Hash of a recording's bytes: its main file, its companion files, or every file of a folder.

    Parameters
    ----------
    path : path-like
        The main file (``.vhdr``, ``.set``, ...) or an ``.mff`` folder.

    Returns
    -------
    str
        Hex digest over (relative name, SHA-256) of each file, so companions count and the main
        file's own name does not (a renamed recording is the same recording).

    Raises
    ------
    OSError
        If the main file cannot be read.
    """
    path = Path(path)
    if path.is_dir():
        members = sorted(p for p in path.rglob("*") if p.is_file())
        parts = [(p.relative_to(path).as_posix(), file_sha256(p)) for p in members]
    else:
        parts = [("", file_sha256(path))]
        siblings = {p.name.lower(): p for p in path.parent.glob(f"{path.stem}.*")} if path.parent.is_dir() else {}
        for suffix in _COMPANIONS.get(path.suffix.lower(), ()):
            companion = siblings.get(f"{path.stem}{suffix}".lower())
            if companion is not None and companion.is_file():
                parts.append((suffix, file_sha256(companion)))
    digest = hashlib.sha256()
    for name, value in parts:
        digest.update(f"{name}\0{value}\n".encode())
    return digest.hexdigest()


def settings_sha256(settings: dict) -> str:
    """Hash of a piece's render settings, with the mapping file's content in place of its path.

    Editing the mapping file redoes the pieces that use it; moving it does not.

    Raises
    ------
    OSError
        If the mapping file cannot be read.
    """
    canonical = dict(settings)
    if canonical.get("mapping"):
        canonical["mapping"] = "sha256:" + file_sha256(canonical["mapping"])
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
