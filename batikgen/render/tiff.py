"""TIFF for print shops: RGB, deflate-compressed strips, the dpi, and an sRGB ICC profile.

The strips are compressed in the workers that drew them (deflate with the horizontal predictor,
the combination every RIP reads) and tifffile writes the already-encoded strips as they arrive,
so the image is never whole in memory. The file has no date or software version in it, so the
same pixels always give the same bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

import numpy as np
import tifffile

from ..errors import RenderError
from .png import (
    DEFLATE_LEVEL,
    _deflate,  # the same zlib-compatible deflate (isal when installed) as the PNG writer
)

#: Rows in each TIFF strip: 64 rows of an A0 at 300 dpi are 1.9 MB before compression, a size
#: readers handle well, and a divisor of the renderer's strip height.
TIFF_ROWS = 64
# The ICC header's creation date (bytes 24-36: six big-endian uint16) is fixed so the file's
# bytes do not change with the clock: 2022-01-01 00:00:00, the year of #SeeingTheUnseen.
_ICC_DATE = struct.pack(">6H", 2022, 1, 1, 0, 0, 0)


@lru_cache(maxsize=1)
def srgb_icc_profile() -> bytes:
    """An sRGB ICC profile (LittleCMS's, via Pillow) with a fixed creation date."""
    from PIL import ImageCms

    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile[24:36] = _ICC_DATE
    return bytes(profile)


def tiff_rows_for(strip_rows: int) -> int:
    """Rows per TIFF strip for renderer strips of ``strip_rows`` (it must divide them)."""
    return TIFF_ROWS if strip_rows % TIFF_ROWS == 0 else strip_rows


@dataclass(frozen=True)
class TiffStripEncoder:
    """Cut a rendered strip into TIFF strips, each predicted and deflated (a zlib stream)."""

    rows_per_strip: int
    level: int = DEFLATE_LEVEL

    def encode(self, strip: int, pixels: np.ndarray) -> list[bytes]:
        """The compressed TIFF strips of ``pixels`` (rows, width, 3) uint8."""
        # Horizontal predictor (TIFF Predictor 2): each sample minus the same sample one pixel left.
        predicted = pixels.copy()
        predicted[:, 1:] -= pixels[:, :-1]
        return [
            _deflate.compress(predicted[top : top + self.rows_per_strip].tobytes(), self.level)
            for top in range(0, pixels.shape[0], self.rows_per_strip)
        ]


def write_tiff_strips(handle: BinaryIO, width: int, height: int, rows_per_strip: int, pieces, dpi: float) -> None:
    """Write a TIFF from already-compressed strips, in order, into an open binary file.

    Parameters
    ----------
    handle : binary file
        Seekable; the directory is written after the strips.
    width, height : int
        Image size in pixels.
    rows_per_strip : int
        Rows in every strip but the last.
    pieces : iterable of bytes
        Each strip deflated after the horizontal predictor, top to bottom.
    dpi : float
        Stored as the X and Y resolution in pixels per inch.
    """
    expected = -(-height // rows_per_strip)
    pieces = iter(pieces)

    def checked():
        # Exactly as many strips as tifffile will take; the caller's iterator is left at its end.
        for count in range(expected):
            piece = next(pieces, None)
            if piece is None:
                raise RenderError(f"TIFF: got {count} strips, expected {expected}")
            yield piece

    big = width * height * 3 > 2**31  # classic TIFF offsets are 32-bit; stay clear of them
    # A FileHandle with a name: tifffile takes the name from the file object otherwise, and the
    # atomic writer's temporary file is opened from a descriptor (its name is an int).
    with tifffile.TiffWriter(tifffile.FileHandle(handle, mode="wb", name="image.tif"), bigtiff=big) as tiff:
        tiff.write(
            checked(),
            shape=(height, width, 3),
            dtype=np.uint8,
            photometric="rgb",
            planarconfig="contig",
            rowsperstrip=rows_per_strip,
            compression="adobe_deflate",
            predictor="horizontal",
            resolution=(float(dpi), float(dpi)),
            resolutionunit="inch",
            iccprofile=srgb_icc_profile(),
            software=False,
            metadata=None,
            datetime=False,
        )
