"""Readers that misbehave on purpose, imported into batch workers by the tests (``preload``).

- ``.crash`` files: the reader calls ``os.abort()``, as a buggy native reader would crash.
- ``.slow`` files (``SLOW <seconds> <real recording> [<marker>]``): the reader writes its pid and
  its parent's pid to ``<real recording>.pids`` beside the marker, sleeps, then reads the real
  recording. With a marker path, it sleeps only while the marker does not exist (it creates it),
  so a retry on another worker goes fast.
- ``.hog`` files: the reader allocates ever more memory until something stops it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from batikgen.signal import readers


def _crash(path: Path):
    os.abort()


def _slow(path: Path):
    words = path.read_text().split()
    seconds, real = float(words[1]), Path(words[2])
    marker = Path(words[3]) if len(words) > 3 else None
    if marker is None or not marker.exists():
        if marker is not None:
            marker.write_text(f"{os.getpid()} {os.getppid()}\n")
        time.sleep(seconds)
    reader = readers.choose_reader(real)
    return reader.read(real)


def _hog(path: Path):
    blocks = []
    while True:
        blocks.append(np.ones(64 << 20, dtype=np.uint8))  # touched pages: 64 MB a step


_TEST_READERS = [
    readers.Reader("test-crash", "a reader that crashes (test)", (".crash",), lambda h: h.startswith(b"CRASH"),
                   _crash),
    readers.Reader("test-slow", "a slow reader (test)", (".slow",), lambda h: h.startswith(b"SLOW"), _slow),
    readers.Reader("test-hog", "a reader that eats memory (test)", (".hog",), lambda h: h.startswith(b"HOG"), _hog),
]
for _reader in _TEST_READERS:
    if all(r.name != _reader.name for r in readers.READERS):
        readers.READERS.append(_reader)
