"""Dye over the drawn cloth (cap and tulis): a little seep under wax edges, a faint mottle.

Dye creeps a short way under the edge of the wax, unevenly, so a hand-dyed edge darkens over a
fraction of a millimetre on its waxed (lighter) side instead of stepping from one colour to the
next; and a dye bath never takes perfectly evenly, so flat dyed fields are faintly mottled.

Both are per-pixel passes over a block of rows. Every value depends only on the pixels within
:func:`reach_px` of it and on hashed noise of its absolute position (from
:mod:`batikgen.motifs.kit.noise`), so a block drawn with that many extra rows above and below gives
the same bytes wherever it starts.

The seep: each channel takes the darker of its own value and a mix towards the mean of the
(2 x ``radius`` + 1)-pixel box round it. Darkening only: dye takes light away, so seep shows on the
waxed side of an edge and never lightens the dyed side. The mix weight varies along edges (noise
correlated over a few millimetres), so the seep's width varies.

The mottle: each channel darkens by a fraction of ``value x (255 - value)**2`` (most in the dark
middle tones, nothing at black and next to nothing near white) times a noise field of patches about
7 mm across: the way a little more or less dye darkens a dyed field, while wax-white stays clean.

Everything is integer arithmetic on small unsigned integers (uint8, uint16 and uint32 sums). The
box is summed, never divided: the division is folded into the seep's weight. The pass runs in C
(``_dye.c``, built at install; about 13.4 ms of CPU a band of 512 rows of an A0 at 300 dpi) or, where
no C compiler was at hand, in numpy (:func:`numpy_dye_pass`: the same bytes, about 45-52 ms a band).
The numpy pass works on the three channels as separate planes (so the noise fields apply to each as
they are), in tiles of a few rows by a couple of thousand pixels, in scratch arrays reused from
tile to tile, so every temporary stays in the CPU's caches; it is also the reference the compiled
pass is tested against.
"""

from __future__ import annotations

import functools

import numpy as np

from ..motifs.kit.noise import value_noise_grid

try:  # the compiled pass, built by the install when a C compiler is there (see setup.py)
    from . import _dye as _compiled
except ImportError:  # pragma: no cover - depends on the install
    _compiled = None

#: Which dye pass runs: "compiled" (C) or "numpy" (the same bytes, about 3x the CPU).
DYE_PASS = "numpy" if _compiled is None else "compiled"

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
#: Tile of the pass: rows and pixels. Its uint16 scratch arrays (about 400 KB each) stay in the
#: caches (measured on an A0 band: tiles of 16-128 rows by 512-4096 px within 10 % of each other;
#: 32 x 2048 px 50 ms, 32 x 1024 px 58 ms).
_TILE_ROWS, _TILE_PX = 32, 2048


def radius_px(dpi: float) -> int:
    """Half-width in pixels of one box pass of the seep blur at ``dpi`` (at least 1)."""
    return max(1, int(round(SEEP_MM * dpi / MM_PER_INCH)))


def reach_px(dpi: float) -> int:
    """How many rows beyond a block the pass reads: the extra rows each band must be drawn with."""
    return radius_px(dpi)


def _sum_dtype(n: int):
    """The unsigned integer type that holds a sum of ``n`` x ``n`` levels exactly."""
    return np.uint16 if 255 * n * n <= 0xFFFF else np.uint32


class _Workspace:
    """Scratch arrays for one pass, allocated once and reused by every tile.

    Fresh arrays for every operation of every tile cost more than the arithmetic: each is a new
    mapping from the allocator, its pages faulted in again (measured: the vertical sums of a tile
    took 0.4-0.7 ms fresh against 0.09 ms in reused memory).
    """

    def __init__(self, dtype) -> None:
        self.dtype = dtype
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, size: int) -> np.ndarray:
        """A 1-D array of ``size`` elements (contents undefined), reused across calls by name."""
        array = self._arrays.get(name)
        if array is None or len(array) < size:
            array = self._arrays[name] = np.empty(size, dtype=self.dtype)
        return array[:size]


def shifted_sums(flat: np.ndarray, n: int, stride: int, length: int, out: np.ndarray,
                 spare: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``out[i] = flat[i] + flat[i + stride] + ... + flat[i + (n - 1) stride]`` for ``i < length``.

    Exact, by doubling: sums of 1, 2, 4 ... terms, each one addition of two slices, and the ones
    that make ``n`` added into ``out``: about log2(n) + popcount(n) additions, each a single
    loop over contiguous memory.

    Parameters
    ----------
    flat : numpy.ndarray, 1-D, unsigned integers
        At least ``length + (n - 1) x stride`` elements.
    n, stride, length : int
    out : numpy.ndarray, 1-D
        Receives the sums (at least ``length`` elements, of a type the sums fit in).
    spare : two numpy.ndarray, 1-D, as long as ``flat`` and of ``out``'s type
        Scratch space.

    Returns
    -------
    numpy.ndarray
        ``out[:length]``.
    """
    power, width, offset, started, turn = flat, 1, 0, False, 0  # power[i]: ``width`` terms from i
    while True:
        if n & 1:
            piece = power[offset * stride : offset * stride + length]
            if started:
                np.add(out[:length], piece, out=out[:length])
            else:
                np.copyto(out[:length], piece)
                started = True
            offset += width
        n >>= 1
        if not n:
            return out[:length]
        size = len(power) - width * stride
        doubled = spare[turn][:size]
        np.add(power[:size], power[width * stride : width * stride + size], out=doubled)
        power, width, turn = doubled, width * 2, 1 - turn


def box_sums(tile: np.ndarray, n: int, work: _Workspace) -> np.ndarray:
    """Exact sums of the ``n`` x ``n`` box round each pixel of channel planes (not divided).

    Parameters
    ----------
    tile : numpy.ndarray, shape (channels, rows, px), uint8
        With ``n - 1`` spare rows and pixels beyond the wanted ones (half each side).
    n : int
        Box side, odd.
    work : _Workspace
        Of the type :func:`_sum_dtype` gives for ``n``.

    Returns
    -------
    numpy.ndarray, shape (channels, rows - n + 1, px - n + 1)
        A view into ``work``, valid until its next use.

    Notes
    -----
    Down the rows, each plane is summed as one flat array with a stride of a row. Along the rows,
    all planes are summed as one flat array with a stride of one: the sums that run off a row's
    end into the next row land in the last ``n - 1`` pixels of each row, which are not returned.
    """
    planes, rows, px = tile.shape
    kept, plane = rows - (n - 1), rows * px
    flat = work.get("tile", tile.size)
    np.copyto(flat.reshape(tile.shape), tile)
    down = work.get("down", planes * kept * px)
    spare = (work.get("spare-a", plane), work.get("spare-b", plane))
    for p in range(planes):
        shifted_sums(flat[p * plane : (p + 1) * plane], n, px, kept * px, down[p * kept * px :], spare)
    along = work.get("along", down.size)
    spare = (work.get("spare-a", down.size), work.get("spare-b", down.size))
    shifted_sums(down, n, 1, down.size - (n - 1), along, spare)
    step = along.itemsize
    return np.lib.stride_tricks.as_strided(along, (planes, kept, px - (n - 1)), (kept * px * step, px * step, step),
                                           writeable=False)


def _lift_shift(n: int) -> int:
    """Right shift that brings a box sum's excess (at most 255 n**2) down so that, times a seep
    weight in units of 2**shift / n**2 / 256, it fits in 16 bits: 2**shift >= n**2 / 2."""
    return max(0, int(np.ceil(np.log2(n * n / 2))))


class _Fields:
    """The seep weight and the mottle strength as integer fields over absolute pixel positions.

    Nodes every ``step`` pixels (a power of two) are interpolated along x with exact integer
    weights. The seep weight is interpolated along y too, per tile; the mottle is held for the
    ``step`` rows of each lattice row (a change of under one level every 0.7 mm at 300 dpi), which
    spares a pass over every pixel. A pixel's values depend only on its absolute position.

    The seep weight is in units of ``1 / seep_unit`` (see :func:`dye_pass`); the mottle is scaled
    so that the darkest-hit tone (v = 85, where the tone weight peaks at 37) darkens by
    :data:`MOTTLE_LEVELS` at most.
    """

    def __init__(self, top: int, rows: int, width: int, dpi: float, seed: int, seep_unit: float = 256.0) -> None:
        px_mm = MM_PER_INCH / dpi
        # At most 8 px apart: the fields are then at most 455 x 8 x 8 before scaling down (uint16).
        self.shift = min(3, max(0, int(round(np.log2(max(1.0, _NODE_MM / px_mm))))))
        step = 1 << self.shift
        self.step, self.width = step, width
        j0, j1 = top // step, (top + rows - 1) // step + 1
        i1 = (width - 1) // step + 1
        gy = np.arange(j0, j1 + 1) * step * px_mm
        gx = np.arange(0, i1 + 1) * step * px_mm
        low, high = SEEP_WEIGHT
        seep = low + (high - low) * np.clip(0.5 + 1.2 * value_noise_grid(gx, gy, SEEP_PERIOD_MM, seed), 0, 1)
        mottle = 0.5 + 0.5 * value_noise_grid(gx, gy, MOTTLE_PERIOD_MM, seed + 1)
        self.j0 = j0
        #: The nodes, (lattice rows, lattice columns) uint16: all the compiled pass needs.
        self.seep_nodes = np.rint(seep * seep_unit).astype(np.uint16)
        self.mottle_nodes = np.rint(mottle * MOTTLE_LEVELS * 256 / 37).astype(np.uint16)

    @functools.cached_property
    def _seep_rows(self) -> np.ndarray:
        return self._across(self.seep_nodes, self.width)  # (lattice rows, width), scaled by step

    @functools.cached_property
    def seep_base(self) -> np.ndarray:
        return self._seep_rows[:-1] * np.uint16(self.step)

    @functools.cached_property
    def seep_delta(self) -> np.ndarray:
        return np.subtract(self._seep_rows[1:], self._seep_rows[:-1])  # wraps: the sums made from it are exact mod 2**16

    @functools.cached_property
    def mottle_rows(self) -> np.ndarray:
        across = self._across(self.mottle_nodes, self.width)
        across += self.step >> 1
        across >>= self.shift
        return across

    def _across(self, nodes: np.ndarray, width: int) -> np.ndarray:
        """Lattice rows interpolated along x, scaled by ``step`` (uint16)."""
        step = self.step
        x = np.arange(width)
        i, t = x >> self.shift, (x & (step - 1)).astype(np.uint16)
        rows = np.take(nodes, i, axis=1)  # C order (fancy indexing would give F order here)
        rows *= step - t
        right = np.take(nodes, i + 1, axis=1)
        right *= t
        rows += right
        return rows

    def seep(self, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        """The seep weight over absolute rows ``y0 .. y1`` and pixels ``x0 .. x1``, uint16."""
        y = np.arange(y0, y1)
        j = (y >> self.shift) - self.j0
        u = (y & (self.step - 1)).astype(np.uint16)[:, None]
        value = self.seep_delta[j, x0:x1] * u
        value += self.seep_base[j, x0:x1]
        value += 1 << (2 * self.shift - 1) if self.shift else 0
        value >>= 2 * self.shift
        return value

    def mottle(self, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        """The mottle strength over absolute rows ``y0 .. y1`` and pixels ``x0 .. x1``, uint16."""
        return self.mottle_rows[(np.arange(y0, y1) >> self.shift) - self.j0, x0:x1]


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
        The dyed rows ``top + reach .. top + rows - reach``: from the compiled pass when it was
        built, else from :func:`numpy_dye_pass` (the same bytes).
    """
    return _dye(pixels, top, dpi, seed, compiled=_compiled is not None)


def numpy_dye_pass(pixels: np.ndarray, top: int, dpi: float, seed: int) -> np.ndarray:
    """:func:`dye_pass` in numpy: the same bytes, for installs without the compiled pass."""
    return _dye(pixels, top, dpi, seed, compiled=False)


def _dye(pixels: np.ndarray, top: int, dpi: float, seed: int, compiled: bool) -> np.ndarray:
    """:func:`dye_pass` by the compiled pass or the numpy one: what both need, then the pass."""
    rows, width = pixels.shape[:2]
    r = radius_px(dpi)
    n = 2 * r + 1
    inner = rows - 2 * r
    out = np.empty((max(inner, 0), width, 3), dtype=np.uint8)
    if inner <= 0:
        return out
    # The seep works on box sums, not means: the excess of n**2 x the pixel over its box sum,
    # shifted right by ``lift_shift``, times a weight in units that fold in the division.
    lift_shift = _lift_shift(n)
    fields = _Fields(top + r, inner, width, dpi, seed, seep_unit=256.0 * (1 << lift_shift) / (n * n))
    if compiled:
        if pixels.shape[2] != 4 or not pixels.flags.c_contiguous:  # the pass reads whole RGBA rows
            rgba = np.empty((rows, width, 4), dtype=np.uint8)
            rgba[..., :3] = pixels[..., :3]
            rgba[..., 3] = 255
            pixels = rgba
        _compiled.dye_block(pixels, out, fields.seep_nodes, fields.mottle_nodes, rows, width, r,
                            fields.seep_nodes.shape[1], fields.shift, fields.j0, top + r, lift_shift)
    else:
        _numpy_pass(pixels, out, fields, top, r, lift_shift)
    return out


def _numpy_pass(pixels: np.ndarray, out: np.ndarray, fields: _Fields, top: int, reach: int, lift_shift: int) -> None:
    """The numpy pass over ``pixels`` into ``out`` (see :func:`_dye`)."""
    rows, width = pixels.shape[:2]
    n = 2 * reach + 1
    inner = len(out)
    # The block as three channel planes (the fields then apply to each plane as they are), with
    # ``reach`` pixels beyond the left and right edges that repeat the edge pixel (as the whole
    # canvas does); one strided copy per channel.
    planes = np.empty((3, rows, width + 2 * reach), dtype=np.uint8)
    for channel in range(3):
        np.copyto(planes[channel, :, reach:-reach], pixels[..., channel])
    planes[:, :, :reach] = planes[:, :, reach : reach + 1]
    planes[:, :, -reach:] = planes[:, :, -reach - 1 : -reach]
    wide = _sum_dtype(n)
    work = _Workspace(wide)
    area = np.asarray(n * n, dtype=wide)
    for y0 in range(0, inner, _TILE_ROWS):
        y1 = min(inner, y0 + _TILE_ROWS)
        for x0 in range(0, width, _TILE_PX):
            x1 = min(width, x0 + _TILE_PX)
            block = planes[:, y0 : y1 + 2 * reach, x0 : x1 + 2 * reach]
            sums = box_sums(block, n, work)
            image = block[:, reach : reach + y1 - y0, reach : reach + x1 - x0]
            size = image.size
            # Seep: image - weight x max(image - mean, 0), as (max(n**2 image, sums) - sums) >> shift
            # times the weight in units that fold in the 1 / n**2 (see _lift_shift), >> 8.
            seeped = work.get("seeped", size).reshape(image.shape)
            np.multiply(image, area, out=seeped, dtype=wide)
            np.maximum(seeped, sums, out=seeped)
            seeped -= sums
            seeped >>= lift_shift
            seeped *= fields.seep(top + reach + y0, top + reach + y1, x0, x1)
            seeped >>= 8
            np.subtract(image, seeped, out=seeped, dtype=wide)
            # Mottle: ((255 - v)**2 >> 8) v >> 8 is at most 37, the field at most MOTTLE_LEVELS x 7.
            dark = work.get("dark", size).reshape(image.shape)
            np.subtract(255, seeped, out=dark)
            dark *= dark
            dark >>= 8
            dark *= seeped
            dark >>= 8
            dark *= fields.mottle(top + reach + y0, top + reach + y1, x0, x1)
            dark >>= 8
            seeped -= dark
            for channel in range(3):
                np.copyto(out[y0:y1, x0:x1, channel], seeped[channel], casting="unsafe")
