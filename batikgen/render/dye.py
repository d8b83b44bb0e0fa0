"""Dye over the drawn cloth (cap and tulis): a little seep under wax edges, a faint mottle.

Dye creeps a short way under the edge of the wax, unevenly, so a hand-dyed edge darkens over a
fraction of a millimetre on its waxed (lighter) side instead of stepping from one colour to the
next; and a dye bath never takes perfectly evenly, so flat dyed fields are faintly mottled.

Both are per-pixel passes over a block of rows. Every value depends only on the pixels within
:func:`reach_px` of it and on hashed noise of its absolute position (from
:mod:`batikgen.motifs.kit.noise`), so a block drawn with that many extra rows above and below gives
the same bytes wherever it starts.

The seep: the block is blurred by a box filter each way (2 x ``radius`` + 1 pixels wide), and each
channel takes the darker of its own value and a mix towards the blur. Darkening
only: dye takes light away, so seep shows on the waxed side of an edge and never lightens the dyed
side. The mix weight varies along edges (noise correlated over a few millimetres), so the seep's
width varies.

The mottle: each channel darkens by a fraction of ``value x (255 - value)**2`` (most in the dark
middle tones, nothing at black and next to nothing near white) times a noise field of patches about
7 mm across: the way a little more or less dye darkens a dyed field, while wax-white stays clean.

Everything is integer arithmetic on small unsigned integers (uint8 and uint16), on the three
channels as separate planes (so the noise fields apply to each as they are), worked in tiles of a
few rows by a couple of thousand pixels so every temporary stays in the CPU's caches: about 60 ms
of CPU a band of 512 rows of an A0 at 300 dpi, against 250-450 ms for the float pass it replaced.
"""

from __future__ import annotations

import numpy as np

from ..motifs.kit.noise import value_noise_grid

MM_PER_INCH = 25.4
#: Half-width of the seep's box blur (mm): a 10-90 % rise of roughly 0.2-0.7 mm across a wax edge
#: (one box each way, where there were two half as wide: the same rise for half the additions).
SEEP_MM = 0.38
#: Range of the seep's strength along an edge, and the distance (mm) over which it changes.
SEEP_WEIGHT = (0.35, 1.0)
SEEP_PERIOD_MM = 4.0
#: Mottle: the largest darkening (in levels of 255) of a channel, and the patch size in mm.
MOTTLE_LEVELS = 8.0
MOTTLE_PERIOD_MM = 7.0
#: Noise fields are evaluated on a lattice about this many mm apart (a power of two of pixels, so
#: the interpolation weights are exact integers) anchored at absolute pixel positions.
_NODE_MM = 0.5
#: Tile of the pass: rows and pixels. Its uint16 temporaries (about 400 KB) stay in the caches
#: (measured on an A0 band: 16 x 1024 px 79 ms, 32 x 2048 px 62-64 ms, 64 x 4096 px 66 ms).
_TILE_ROWS, _TILE_PX = 32, 2048


def radius_px(dpi: float) -> int:
    """Half-width in pixels of one box pass of the seep blur at ``dpi`` (at least 1)."""
    return max(1, int(round(SEEP_MM * dpi / MM_PER_INCH)))


def reach_px(dpi: float) -> int:
    """How many rows beyond a block the pass reads: the extra rows each band must be drawn with."""
    return radius_px(dpi)


def box_sums(a: np.ndarray, n: int, axis: int, dtype=np.uint16) -> np.ndarray:
    """Sums of ``n`` consecutive elements along ``axis``, exactly.

    Built by doubling (sums of 2, 4, 8 ... elements, then the pieces that make ``n``): about
    log2(n) + popcount(n) additions, each a plain add of two slices.

    Parameters
    ----------
    a : numpy.ndarray of unsigned integers
    n : int
        Window length.
    axis : int
    dtype : numpy dtype
        Of the sums; the caller makes sure they fit.

    Returns
    -------
    numpy.ndarray
        Shorter by ``n - 1`` along ``axis``: element ``i`` sums ``a[i] .. a[i + n - 1]``.
    """
    def cut(x, start, length):
        index = [slice(None)] * x.ndim
        index[axis] = slice(start, start + length)
        return x[tuple(index)]

    out_len = a.shape[axis] - (n - 1)
    power, width = a, 1  # sums of ``width`` elements
    result, offset = None, 0
    remaining = n
    while True:
        if remaining & 1:
            piece = cut(power, offset, out_len)
            result = piece.astype(dtype) if result is None else np.add(result, piece, dtype=dtype)
            offset += width
        remaining >>= 1
        if not remaining:
            return result
        length = power.shape[axis] - width
        power = np.add(cut(power, 0, length), cut(power, width, length), dtype=dtype)
        width *= 2


def _blur(block: np.ndarray, r: int) -> np.ndarray:
    """The box blur of channel planes: the mean of the (2r + 1) x (2r + 1) pixels round each,
    rounded to a level (uint8). ``block`` (channels, rows, px) carries r spare rows and pixels
    each side; the result is that much smaller each way. The sums are exact: in uint16 up to
    r = 7 (about 480 dpi), in uint32 beyond."""
    n = 2 * r + 1
    wide = np.uint16 if 255 * n * n <= 0xFFFF else np.uint32
    sums = box_sums(box_sums(block, n, 1, wide), n, 2, wide)
    sums += n * n // 2
    sums //= n * n
    return sums.astype(np.uint8)


class _Fields:
    """The seep weight and the mottle strength as integer fields over absolute pixel positions.

    Nodes every ``step`` pixels (a power of two), interpolated linearly with exact integer weights:
    along x once per lattice row, along y per tile. A pixel's values depend only on its absolute
    position.
    """

    def __init__(self, top: int, rows: int, width: int, dpi: float, seed: int) -> None:
        px_mm = MM_PER_INCH / dpi
        # At most 8 px apart: the fields are then at most 256 x 8 x 8 before scaling down (uint16).
        self.shift = min(3, max(0, int(round(np.log2(max(1.0, _NODE_MM / px_mm))))))
        step = 1 << self.shift
        self.top, self.step = top, step
        j0, j1 = top // step, (top + rows - 1) // step + 1
        i1 = (width - 1) // step + 1
        gy = np.arange(j0, j1 + 1) * step * px_mm
        gx = np.arange(0, i1 + 1) * step * px_mm
        low, high = SEEP_WEIGHT
        seep = low + (high - low) * np.clip(0.5 + 1.2 * value_noise_grid(gx, gy, SEEP_PERIOD_MM, seed), 0, 1)
        mottle = 0.5 + 0.5 * value_noise_grid(gx, gy, MOTTLE_PERIOD_MM, seed + 1)
        # Fixed point: the seep weight in 1/256ths; the mottle so that the darkest-hit tone (v = 85,
        # where the weight below peaks at 37) darkens by MOTTLE_LEVELS at most.
        self.j0 = j0
        self.seep = self._along(np.rint(seep * 256), width)
        self.mottle = self._along(np.rint(mottle * MOTTLE_LEVELS * 256 / 37), width)

    def _along(self, nodes: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Lattice rows interpolated along x (scaled by ``step``), and the change to the next row."""
        step = self.step
        x = np.arange(width)
        i, t = x >> self.shift, (x & (step - 1)).astype(np.uint16)
        nodes = nodes.astype(np.uint16)
        rows = np.take(nodes, i, axis=1)  # C order (fancy indexing would give F order here)
        rows *= step - t
        right = np.take(nodes, i + 1, axis=1)
        right *= t
        rows += right  # (lattice rows, width), scaled by step
        base = rows[:-1] * np.uint16(step)
        delta = np.subtract(rows[1:], rows[:-1])  # wraps: the sums made from it are exact mod 2**16
        return base, delta

    def rows(self, field: tuple[np.ndarray, np.ndarray], y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        """The field over absolute rows ``y0 .. y1`` and pixels ``x0 .. x1``, uint16."""
        base, delta = field
        y = np.arange(y0, y1)
        j = (y >> self.shift) - self.j0
        u = (y & (self.step - 1)).astype(np.uint16)[:, None]
        value = delta[j, x0:x1] * u
        value += base[j, x0:x1]
        value += 1 << (2 * self.shift - 1) if self.shift else 0
        value >>= 2 * self.shift
        return value


def dye_pass(pixels: np.ndarray, top: int, dpi: float, seed: int) -> np.ndarray:
    """Seep and mottle over a block of rows of the image.

    Parameters
    ----------
    pixels : numpy.ndarray, shape (rows, width, 3 or 4), uint8
        The drawn pixels of absolute rows ``top .. top + rows``, :func:`reach_px` spare rows at
        each end included; a fourth channel (skia's alpha) is ignored.
    top : int
        Absolute row of ``pixels[0]`` (may be negative: rows drawn above the image).
    dpi : float
    seed : int
        The plan's dye seed.

    Returns
    -------
    numpy.ndarray, shape (rows - 2 x reach, width, 3), uint8
        The dyed rows ``top + reach .. top + rows - reach``.
    """
    rows, width = pixels.shape[:2]
    reach = r = radius_px(dpi)
    inner = rows - 2 * reach
    out = np.empty((max(inner, 0), width, 3), dtype=np.uint8)
    if inner <= 0:
        return out
    # The block as three channel planes (the fields then apply to each plane as they are), with
    # ``reach`` pixels beyond the left and right edges that repeat the edge pixel (as the whole
    # canvas does); one strided copy per channel.
    planes = np.empty((3, rows, width + 2 * reach), dtype=np.uint8)
    for channel in range(3):
        np.copyto(planes[channel, :, reach:-reach], pixels[..., channel])
    planes[:, :, :reach] = planes[:, :, reach : reach + 1]
    planes[:, :, -reach:] = planes[:, :, -reach - 1 : -reach]
    fields = _Fields(top + reach, inner, width, dpi, seed)
    for y0 in range(0, inner, _TILE_ROWS):
        y1 = min(inner, y0 + _TILE_ROWS)
        for x0 in range(0, width, _TILE_PX):
            x1 = min(width, x0 + _TILE_PX)
            block = planes[:, y0 : y1 + 2 * reach, x0 : x1 + 2 * reach]
            blur = _blur(block, r)
            image = block[:, reach : reach + y1 - y0, reach : reach + x1 - x0]
            # Seep: image - weight x max(image - blur, 0), the weight in 1/256ths.
            lift = np.maximum(blur, image)
            lift -= blur
            seeped = np.multiply(lift, fields.rows(fields.seep, top + reach + y0, top + reach + y1, x0, x1),
                                 dtype=np.uint16)
            seeped += 128
            seeped >>= 8
            np.subtract(image, seeped, out=seeped)
            # Mottle: ((255 - v)**2 >> 8) v >> 8 is at most 37, the field at most MOTTLE_LEVELS x 7.
            dark = np.subtract(255, seeped, dtype=np.uint16)
            dark *= dark
            dark >>= 8
            dark *= seeped
            dark >>= 8
            dark *= fields.rows(fields.mottle, top + reach + y0, top + reach + y1, x0, x1)
            dark += 128
            dark >>= 8
            seeped -= dark
            for channel in range(3):
                np.copyto(out[y0:y1, x0:x1, channel], seeped[channel], casting="unsafe")
    return out
