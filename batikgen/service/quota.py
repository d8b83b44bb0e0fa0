"""How much room the exhibition folder has left for uploads: its quota and the disk's free space."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: Free disk space always left for the renders' outputs and the catalogue.
DISK_RESERVE = 64 * 10**6


def folder_bytes(folder: Path) -> int:
    """Bytes held by the files under ``folder`` (their sizes; symbolic links not followed)."""
    total, stack = 0, [folder]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
            except FileNotFoundError:  # removed while we walked
                continue
    return total


def room_left(folder: Path, quota: int | None) -> int:
    """Bytes an upload may still take: under the quota, and leaving :data:`DISK_RESERVE` free on the disk."""
    room = shutil.disk_usage(folder).free - DISK_RESERVE
    if quota is not None:
        room = min(room, quota - folder_bytes(folder))
    return max(0, room)
