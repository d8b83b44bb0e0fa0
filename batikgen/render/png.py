"""A PNG writer that takes the image strip by strip, so a cloth never sits whole in memory.

Pillow needs the whole image in memory (1.1 GB for a kain panjang at 300 dpi) and no maintained
library streams numpy strips into PNG; the format is simple enough to write directly: IHDR, pHYs
(the dpi), sRGB, then one zlib stream over the rows, each prefixed with its filter type.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from ..errors import RenderError

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_FILTER_UP = 2
INCH_PER_METRE = 1 / 0.0254


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _up_filtered(strip: np.ndarray, previous_row: np.ndarray) -> bytes:
    """Rows with PNG filter 2 (Up): each byte minus the byte above, modulo 256."""
    rows = strip.reshape(strip.shape[0], -1)
    above = np.vstack([previous_row[None, :], rows[:-1]])
    filtered = rows - above  # uint8 arithmetic wraps modulo 256, as the filter wants
    framed = np.empty((rows.shape[0], rows.shape[1] + 1), dtype=np.uint8)
    framed[:, 0] = _FILTER_UP
    framed[:, 1:] = filtered
    return framed.tobytes()


def write_png(
    path: str | os.PathLike,
    width: int,
    height: int,
    strips: Iterable[np.ndarray],
    dpi: float,
    overwrite: bool = False,
    level: int = 6,
) -> Path:
    """Write RGB strips to a PNG file, atomically.

    Parameters
    ----------
    path : path-like
        Output file.
    width, height : int
        Image size in pixels; the strips must add up to it.
    strips : iterable of numpy.ndarray
        (rows, width, 3) uint8 arrays, top to bottom.
    dpi : float
        Stored in the pHYs chunk (as pixels per metre).
    overwrite : bool
        Replace an existing file.
    level : int
        zlib compression level.

    Returns
    -------
    pathlib.Path
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    ppm = int(round(dpi * INCH_PER_METRE))
    with atomic_write(path, overwrite) as handle:
        handle.write(_SIGNATURE)
        handle.write(_chunk(b"IHDR", header))
        handle.write(_chunk(b"sRGB", b"\x00"))  # perceptual rendering intent
        handle.write(_chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)))
        compressor = zlib.compressobj(level)
        previous = np.zeros(width * 3, dtype=np.uint8)
        rows_written = 0
        for strip in strips:
            if strip.ndim != 3 or strip.shape[1:] != (width, 3) or strip.dtype != np.uint8:
                raise RenderError(f"{path}: strip of shape {strip.shape} {strip.dtype}, expected (rows, {width}, 3) uint8")
            data = compressor.compress(_up_filtered(strip, previous))
            if data:
                handle.write(_chunk(b"IDAT", data))
            previous = strip[-1].reshape(-1)
            rows_written += strip.shape[0]
        if rows_written != height:
            raise RenderError(f"{path}: got {rows_written} rows of pixels, expected {height}")
        handle.write(_chunk(b"IDAT", compressor.flush()))
        handle.write(_chunk(b"IEND", b""))
    return Path(path)
