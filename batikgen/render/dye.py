"""Dye over the drawn cloth (cap and tulis): a little seep under wax edges, a faint mottle.

Dye creeps a short way under the edge of the wax, unevenly, so a hand-dyed edge darkens over a
fraction of a millimetre on its waxed (lighter) side instead of stepping from one colour to the
next; and a dye bath never takes perfectly evenly, so flat dyed fields are faintly mottled.

Both are per-pixel passes over a strip. Every value depends only on the pixels within
:func:`reach_px` of it and on hashed noise of its absolute position (in millimetres, from
:mod:`batikgen.motifs.kit.noise`), so a strip drawn with that many extra rows above and below gives
exactly the bytes a whole-canvas render gives, whatever the strip height or the number of workers.

The seep: the strip is blurred by two passes of a box filter (in integers) (a tent, 2 x ``radius`` wide), and each
channel takes the darker of its own value and a mix towards the blur. Darkening only: dye takes
light away, so seep shows on the waxed side of an edge and never lightens the dyed side. The mix
weight varies along edges (noise correlated over a few millimetres), so the seep's width varies.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

from ..motifs.kit.noise import value_noise

MM_PER_INCH = 25.4
#: Half-width of the seep's blur (mm): a 10-90 % rise of roughly 0.2-0.7 mm across a wax edge.
SEEP_MM = 0.22
#: Range of the seep's strength along an edge, and the distance (mm) over which it changes.
SEEP_WEIGHT = (0.35, 1.0)
SEEP_PERIOD_MM = 4.0
#: Mottle: relative darkening of dyed fields (at most), and its patch size in mm.
MOTTLE = 0.12
MOTTLE_PERIOD_MM = 7.0
#: Noise fields are evaluated on a lattice of this many mm and interpolated between nodes
#: (anchored at absolute positions, so any strip sees the same values).
_NODE_MM = 0.5
#: Rows of the per-pixel pass done at once: small enough for the temporaries to stay in cache.
_CHUNK_ROWS = 16


def radius_px(dpi: float) -> int:
    """Half-width in pixels of one box pass of the seep blur at ``dpi`` (at least 1)."""
    return max(1, int(round(SEEP_MM * dpi / MM_PER_INCH)))


def reach_px(dpi: float) -> int:
    """How many rows beyond a strip the pass reads: the extra rows each strip must be drawn with."""
    return 2 * radius_px(dpi)


class _Field:
    """Value noise over pixel rows ``top .. top + rows`` (absolute), ``width`` columns wide.

    Computed at lattice nodes every :data:`_NODE_MM` and interpolated linearly: a pixel's value
    depends only on the nodes round it, which sit at absolute positions. The nodes are
    interpolated along x once (a few lattice rows); :meth:`rows` interpolates along y for a few
    pixel rows at a time, so no full-strip float64 array is ever made.
    """

    def __init__(self, top: int, rows: int, width: int, dpi: float, period_mm: float, seed: int) -> None:
        node_px = _NODE_MM * dpi / MM_PER_INCH
        y = np.arange(top, top + rows) + 0.5
        x = np.arange(width) + 0.5
        ny0, ny1 = int(np.floor(y[0] / node_px)), int(np.floor(y[-1] / node_px)) + 1
        nx1 = int(np.floor(x[-1] / node_px)) + 1
        gy, gx = np.arange(ny0, ny1 + 1) * _NODE_MM, np.arange(0, nx1 + 1) * _NODE_MM
        nodes = value_noise(gx[None, :], gy[:, None], period_mm, seed)  # (ny, nx)
        ix = np.floor(x / node_px).astype(np.int64)
        fx = (x / node_px - ix).astype(np.float64)
        self._along = nodes[:, ix] * (1 - fx) + nodes[:, ix + 1] * fx  # (ny, width)
        self._iy = np.floor(y / node_px).astype(np.int64) - ny0
        self._fy = (y / node_px - np.floor(y / node_px))[:, None]

    def rows(self, start: int, stop: int) -> np.ndarray:
        """The field's rows ``start .. stop`` (relative to ``top``), shape (stop - start, width), float32."""
        iy, fy = self._iy[start:stop], self._fy[start:stop]
        return (self._along[iy] * (1 - fy) + self._along[iy + 1] * fy).astype(np.float32)


def _box_sum(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    """Sum over a window of 2r + 1 along ``axis`` (edges repeated), in integers: each output is
    summed directly (scipy's correlate1d, no running sum), so it is exact wherever the strip starts."""
    return ndimage.correlate1d(a, np.ones(2 * r + 1, dtype=a.dtype), axis=axis, mode="nearest")


def _tent_sum(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    """:func:`_box_sum` applied twice along ``axis``, exactly, in one pass of the 4r + 1 tent weights.

    Away from the ends the two box passes are one correlation with the box convolved with itself;
    within 2r of either end the second pass repeats the first pass's end value, not the data's, so
    those rows are summed by the two passes over a short slab (6r long: its own ends are too far
    away to reach them).
    """
    n, k = a.shape[axis], 6 * r
    if n <= k:
        return _box_sum(_box_sum(a, r, axis), r, axis)
    weights = np.convolve(np.ones(2 * r + 1, dtype=a.dtype), np.ones(2 * r + 1, dtype=a.dtype))
    out = ndimage.correlate1d(a, weights, axis=axis, mode="nearest")

    def along(part: slice) -> tuple:
        return (slice(None),) * axis + (part,)

    head = a[along(slice(0, k))]
    out[along(slice(0, 2 * r))] = _box_sum(_box_sum(head, r, axis), r, axis)[along(slice(0, 2 * r))]
    tail = a[along(slice(n - k, n))]
    out[along(slice(n - 2 * r, n))] = _box_sum(_box_sum(tail, r, axis), r, axis)[along(slice(k - 2 * r, k))]
    return out


def _tent_sums(rgb: np.ndarray, r: int) -> Callable[[int, int], np.ndarray]:
    """Two box sums of half-width ``r`` each way over each channel (in any order: they commute).

    Parameters
    ----------
    rgb : numpy.ndarray, shape (rows, width, 3), uint8
    r : int
        Half-width of each box pass, in pixels.

    Returns
    -------
    callable
        ``sums(start, stop)``: the sums of rows ``start .. stop``, shape (stop - start, width, 3),
        int64, exactly those of :func:`_box_sum` applied to each channel.

    Notes
    -----
    scipy sums in float64, exact for integers below 2**53, so where the sums fit, channels are
    packed side by side in one int64 (no carries between fields, each as wide as its largest
    sum): all three for the first pair, red and green for the second (blue alone): half the
    elements summed for the same sums (both rows passes first, on all three, then both column
    passes). Wider radii (beyond about 1200 dpi) sum each channel apart.
    """
    first_bits = int(255 * (2 * r + 1) ** 2).bit_length()
    second_bits = int(255 * (2 * r + 1) ** 4).bit_length()
    if 3 * first_bits > 53 or 2 * second_bits > 53:
        total = _tent_sum(_tent_sum(rgb.astype(np.int64), r, 0), r, 1)
        return lambda start, stop: total[start:stop]
    low = (1 << first_bits) - 1
    packed = rgb[..., 0].astype(np.int64)
    packed |= rgb[..., 1].astype(np.int64) << first_bits
    packed |= rgb[..., 2].astype(np.int64) << 2 * first_bits
    packed = _tent_sum(packed, r, 0)
    blue = (packed >> 2 * first_bits).astype(np.int32)  # at most 255 * (2r + 1)**4 < 2**26 here
    red_green = packed & low
    red_green |= ((packed >> first_bits) & low) << second_bits
    del packed  # the strip-sized arrays are the pass's memory: hold as few at once as possible
    red_green = _tent_sum(red_green, r, 1)
    blue = _tent_sum(blue, r, 1)
    mask = (1 << second_bits) - 1

    def sums(start: int, stop: int) -> np.ndarray:
        out = np.empty((stop - start, rgb.shape[1], 3), dtype=np.int64)
        np.bitwise_and(red_green[start:stop], mask, out=out[..., 0])
        np.right_shift(red_green[start:stop], second_bits, out=out[..., 1])
        out[..., 2] = blue[start:stop]
        return out

    return sums


def dye_pass(rgb: np.ndarray, top: int, dpi: float, seed: int) -> np.ndarray:
    """Seep and mottle over a block of rows of the image.

    Parameters
    ----------
    rgb : numpy.ndarray, shape (rows, width, 3), uint8
        The drawn pixels of absolute rows ``top .. top + rows``. Only rows at least
        :func:`reach_px` from the block's top and bottom come out as in a whole-canvas render.
    top : int
        Absolute row of ``rgb[0]`` (may be negative: rows drawn above the image).
    dpi : float
    seed : int
        The plan's dye seed.

    Returns
    -------
    numpy.ndarray, shape (rows, width, 3), uint8
    """
    rows, width, _ = rgb.shape
    r = radius_px(dpi)
    # Two box passes each way (a tent), summed in integers: exact, so a pixel's value cannot depend
    # on where its strip begins (a running float sum would carry rounding from the strip's top).
    tent_sums = _tent_sums(rgb, r)
    norm = np.float32((2 * r + 1) ** 4)
    low, high = SEEP_WEIGHT
    seep_field = _Field(top, rows, width, dpi, SEEP_PERIOD_MM, seed)
    mottle_field = _Field(top, rows, width, dpi, MOTTLE_PERIOD_MM, seed + 1)
    out = np.empty_like(rgb)
    # The per-pixel float32 work runs a few rows at a time: the temporaries stay in the CPU's cache
    # and no strip-sized float array is allocated. Every operation is elementwise, so the bytes are
    # those of one pass over the whole block.
    for start in range(0, rows, _CHUNK_ROWS):
        stop = min(rows, start + _CHUNK_ROWS)
        image = rgb[start:stop].astype(np.float32)
        blur = tent_sums(start, stop).astype(np.float32) / norm
        weight = low + (high - low) * np.clip(0.5 + 1.2 * seep_field.rows(start, stop), 0, 1)
        seeped = np.minimum(image, image + weight[..., None] * (blur - image))
        # Mottle: dyed (darker) pixels darken a little more or less in soft patches; wax-white stays.
        # (The channel maximum taken pairwise: 10x faster than a strided max over axis 2.)
        brightest = np.maximum(np.maximum(seeped[..., 0], seeped[..., 1]), seeped[..., 2])
        dyed = 1.0 - brightest[..., None] / 255.0
        mottle = 1.0 - MOTTLE * dyed * (0.5 + 0.5 * mottle_field.rows(start, stop))[..., None]
        out[start:stop] = np.clip(np.rint(seeped * mottle), 0, 255)
    return out
