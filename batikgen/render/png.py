"""A PNG writer that takes the image strip by strip, so a cloth never sits whole in memory.

Pillow needs the whole image in memory (1.1 GB for a kain panjang at 300 dpi) and its PNG save of
an A0 takes 5-9 s. The format is simple enough to write directly: IHDR, sRGB, pHYs (the dpi), then
one zlib stream over the filtered rows.

The zlib stream is cut into independent pieces, one per strip, the way pigz does it: each strip is
filtered and deflated on its own (in the worker that drew it) and ends on a byte boundary with a
sync flush, so the pieces simply concatenate; their Adler-32 checksums are combined arithmetically.
A strip's bytes depend only on its pixels, so the file does not depend on the number of workers.

Deflate is ISA-L's (``isal``) at level 1 when installed: on a 15 MB strip of a dense A0 it takes
19 ms against 92 ms for zlib level 1 and 245 ms for zlib level 6, for a file 8 % larger than
zlib level 6. Without ``isal`` it falls back to zlib at level 1.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..errors import RenderError
from ..files import atomic_write

try:  # ISA-L's deflate: a zlib-compatible API, about 5x faster than zlib at its fastest level
    from isal import isal_zlib as _deflate

    DEFLATE_LEVEL = 1
except ImportError:  # pragma: no cover - isal is a dependency; this keeps a broken install usable
    _deflate = zlib
    DEFLATE_LEVEL = 1

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_FILTER_SUB, _FILTER_UP = 1, 2
_ADLER_BASE = 65521
INCH_PER_METRE = 1 / 0.0254
#: IDAT chunks are at most this long (readers do not care; it keeps each write small).
_IDAT_MAX = 1 << 20


def deflate_backend() -> str:
    """Which deflate implementation is in use (``"isal"`` or ``"zlib"``), for the metadata."""
    return "isal" if _deflate is not zlib else "zlib"


def adler32_combine(adler1: int, adler2: int, length2: int) -> int:
    """Adler-32 of A + B from those of A and B and the length of B (zlib's adler32_combine)."""
    rem = length2 % _ADLER_BASE
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % _ADLER_BASE
    sum1 = (sum1 + (adler2 & 0xFFFF) + _ADLER_BASE - 1) % _ADLER_BASE
    sum2 = (sum2 + (adler1 >> 16) + (adler2 >> 16) + _ADLER_BASE - rem) % _ADLER_BASE
    return sum1 | (sum2 << 16)


def filter_rows(strip: np.ndarray) -> np.ndarray:
    """A strip's rows, each prefixed by its filter type: Sub for the first, Up for the others.

    The first row of a strip is filtered without the row above it (which another worker drew),
    so each strip is self-contained.
    """
    rows = strip.reshape(strip.shape[0], -1)
    framed = np.empty((rows.shape[0], rows.shape[1] + 1), dtype=np.uint8)
    framed[0, 0] = _FILTER_SUB
    framed[0, 1:4] = rows[0, :3]
    np.subtract(rows[0, 3:], rows[0, :-3], out=framed[0, 4:])  # uint8 wraps modulo 256, as filters want
    framed[1:, 0] = _FILTER_UP
    np.subtract(rows[1:], rows[:-1], out=framed[1:, 1:])
    return framed


@dataclass(frozen=True)
class PngPiece:
    """One strip's part of the zlib stream."""

    data: bytes
    adler: int
    raw_length: int
    rows: int


@dataclass(frozen=True)
class PngStripEncoder:
    """Filter and deflate one strip into a self-contained piece of the image's zlib stream."""

    width: int
    n_strips: int
    level: int = DEFLATE_LEVEL

    def encode(self, strip: int, pixels: np.ndarray) -> PngPiece:
        """Compress ``pixels`` (rows, width, 3) uint8, the ``strip``-th strip."""
        if pixels.ndim != 3 or pixels.shape[1:] != (self.width, 3) or pixels.dtype != np.uint8:
            raise RenderError(f"strip of shape {pixels.shape} {pixels.dtype}, expected (rows, {self.width}, 3) uint8")
        raw = memoryview(filter_rows(pixels)).cast("B")  # no copy into bytes
        compressor = _deflate.compressobj(self.level, _deflate.DEFLATED, -15)  # raw deflate, no header
        last = strip == self.n_strips - 1
        data = compressor.compress(raw) + compressor.flush(_deflate.Z_FINISH if last else _deflate.Z_SYNC_FLUSH)
        return PngPiece(data, _deflate.adler32(raw), raw.nbytes, pixels.shape[0])  # isal: 5x faster


def _write_chunk(handle: BinaryIO, kind: bytes, *parts: bytes | memoryview) -> None:
    """Write one chunk whose data is ``parts`` one after another, without joining them (a strip's
    piece is megabytes; joining and slicing them cost the writing process more than the writes)."""
    crc = _deflate.crc32(kind)  # isal's CRC-32: about 13x zlib's
    for part in parts:
        crc = _deflate.crc32(part, crc)
    handle.write(struct.pack(">I", sum(len(part) for part in parts)) + kind)
    for part in parts:
        handle.write(part)
    handle.write(struct.pack(">I", crc & 0xFFFFFFFF))


class PngWriter:
    """Write a PNG from :class:`PngPiece` objects given in strip order, into an open file."""

    def __init__(self, handle: BinaryIO, width: int, height: int, dpi: float, name: str = "png") -> None:
        self.handle, self.width, self.height, self.name = handle, width, height, name
        ppm = int(round(dpi * INCH_PER_METRE))
        handle.write(_SIGNATURE)
        _write_chunk(handle, b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))  # 8-bit RGB
        _write_chunk(handle, b"sRGB", b"\x00")  # perceptual rendering intent
        _write_chunk(handle, b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
        self._adler = 1
        self._rows = 0
        self._header = b"\x78\x01"  # zlib header: deflate, 32 KiB window, fastest; goes in the first IDAT

    def _write_idat(self, data: bytes) -> None:
        """``data``, the next bytes of the zlib stream, as IDAT chunks of :data:`_IDAT_MAX` bytes at most
        (the first also carries the 2-byte zlib header)."""
        view = memoryview(data)
        for start in range(0, len(view), _IDAT_MAX):
            parts = (view[start : start + _IDAT_MAX],)
            if self._header:
                parts, self._header = (self._header, *parts), b""
            _write_chunk(self.handle, b"IDAT", *parts)

    def add(self, piece: PngPiece) -> None:
        """Append the next strip's piece."""
        self._adler = adler32_combine(self._adler, piece.adler, piece.raw_length)
        self._rows += piece.rows
        self._write_idat(piece.data)

    def finish(self) -> None:
        """Close the zlib stream and the file's chunks; check every row arrived."""
        if self._rows != self.height:
            raise RenderError(f"{self.name}: got {self._rows} rows of pixels, expected {self.height}")
        self._write_idat(struct.pack(">I", self._adler))
        _write_chunk(self.handle, b"IEND")


def write_png(
    path: str | os.PathLike,
    width: int,
    height: int,
    strips: Iterable[np.ndarray],
    dpi: float,
    overwrite: bool = False,
    level: int = DEFLATE_LEVEL,
) -> Path:
    """Write RGB strips to a PNG file, atomically, in this process.

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
        Deflate level.

    Returns
    -------
    pathlib.Path
    """
    with atomic_write(path, overwrite) as handle:
        writer = PngWriter(handle, width, height, dpi, name=str(path))
        # The last piece must close the deflate stream, so look one strip ahead.
        previous = None
        for strip in strips:
            if previous is not None:
                writer.add(_encode(previous, width, level, last=False, name=path))
            previous = strip
        if previous is not None:
            writer.add(_encode(previous, width, level, last=True, name=path))
        writer.finish()
    return Path(path)


def _encode(pixels: np.ndarray, width: int, level: int, last: bool, name) -> PngPiece:
    try:
        return PngStripEncoder(width, 1 if last else 2, level).encode(0, pixels)
    except RenderError as exc:
        raise RenderError(f"{name}: {exc}") from None
