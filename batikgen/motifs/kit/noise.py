"""Hashed noise of absolute position: the irregularity of a hand, the same wherever it is asked for.

Every value is a pure function of a position (millimetres on the cloth, or a pixel's absolute
coordinates) and a seed, so the geometry, the SVG, any strip of the raster and the whole canvas
all see the same hand, and two repeats of a cell (at different positions) differ. No generator
state is kept: nothing depends on the order in which shapes or strips are visited.

The hash is SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable pseudorandom number
generators", OOPSLA 2014), applied with numpy's wrapping uint64 arithmetic; value noise is the
lattice-value noise of Perlin's 1985 paper with the smoothstep fade.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_Y = np.uint64(0xD6E8FEB86659FD93)  # mixes the second coordinate in (an odd constant)


def hash_uniform(ix, iy, seed: int) -> np.ndarray:
    """Uniform values in [0, 1) from integer coordinates and a seed.

    Parameters
    ----------
    ix, iy : array_like of int
        Integer coordinates (any shape, broadcast together).
    seed : int
        Any integer; different seeds give unrelated values.

    Returns
    -------
    numpy.ndarray of float64
    """
    with np.errstate(over="ignore"):
        z = (np.asarray(ix).astype(np.int64).view(np.uint64) * _GOLDEN
             ^ np.asarray(iy).astype(np.int64).view(np.uint64) * _Y
             ^ np.uint64(seed & 0xFFFFFFFFFFFFFFFF))
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def value_noise(x, y, period: float, seed: int) -> np.ndarray:
    """Smooth noise in [-1, 1] whose features are about ``period`` across.

    Parameters
    ----------
    x, y : array_like of float
        Positions (same unit as ``period``), broadcast together.
    period : float
        Lattice spacing: values are correlated over about this distance.
    seed : int

    Returns
    -------
    numpy.ndarray of float64
        Mean 0, standard deviation about 0.43 (uniform lattice values, bilinear with a fade).
    """
    gx, gy = np.asarray(x, dtype=np.float64) / period, np.asarray(y, dtype=np.float64) / period
    ix, iy = np.floor(gx), np.floor(gy)
    fx, fy = gx - ix, gy - iy
    ux, uy = fx * fx * (3 - 2 * fx), fy * fy * (3 - 2 * fy)
    ix, iy = ix.astype(np.int64), iy.astype(np.int64)
    nodes = _lattice(ix, iy, seed)
    if nodes is not None:
        # Many points per lattice node (a cloth's outline vertices): hash each node once and look
        # the four corners up; the same values, bit for bit, at a quarter of the cost.
        table, index, width = nodes
        v00, v10 = table[index], table[index + 1]
        v01, v11 = table[index + width], table[index + width + 1]
    else:
        v00, v10 = hash_uniform(ix, iy, seed), hash_uniform(ix + 1, iy, seed)
        v01, v11 = hash_uniform(ix, iy + 1, seed), hash_uniform(ix + 1, iy + 1, seed)
    top = v00 + (v10 - v00) * ux
    bottom = v01 + (v11 - v01) * ux
    return 2.0 * (top + (bottom - top) * uy) - 1.0


def _lattice(ix: np.ndarray, iy: np.ndarray, seed: int):
    """The hashed lattice nodes around integer points, when there are fewer nodes than points.

    Returns ``(table, index, width)``: ``table[index]`` is ``hash_uniform(ix, iy, seed)``, and
    the node to the right is one further, the node below ``width`` further; or None when the
    points are few or spread (hashing per point is then cheaper than a table).
    """
    points = np.broadcast(ix, iy).size
    if points < 256:
        return None
    x0, x1, y0, y1 = int(ix.min()), int(ix.max()), int(iy.min()), int(iy.max())
    width = x1 - x0 + 2
    if width * (y1 - y0 + 2) > points // 2:
        return None
    table = hash_uniform(np.arange(x0, x1 + 2)[None, :], np.arange(y0, y1 + 2)[:, None], seed).ravel()
    return table, (iy - y0) * width + (ix - x0), width


def value_noise_grid(x, y, period: float, seed: int) -> np.ndarray:
    """:func:`value_noise` over the grid of ``x`` by ``y``, with the same values, bit for bit.

    The lattice values are hashed once per lattice node the grid spans, not four times per point:
    on a grid of many points per lattice cell (the dye's noise fields) that is most of the work.

    Parameters
    ----------
    x, y : array_like of float, 1-D
        Positions along each axis (same unit as ``period``).
    period : float
    seed : int

    Returns
    -------
    numpy.ndarray of float64, shape (len(y), len(x))
        ``value_noise(x[None, :], y[:, None], period, seed)``.
    """
    def axis(v):
        g = np.asarray(v, dtype=np.float64) / period
        i = np.floor(g)
        f = g - i
        i = i.astype(np.int64)
        return i, f * f * (3 - 2 * f)

    ix, ux = axis(x)
    iy, uy = axis(y)
    x0, y0 = (int(ix.min()), int(iy.min())) if len(ix) and len(iy) else (0, 0)
    nodes = hash_uniform(np.arange(x0, int(ix.max(initial=x0)) + 2)[None, :],
                         np.arange(y0, int(iy.max(initial=y0)) + 2)[:, None], seed)
    a, b = ix - x0, iy - y0
    # Along x once per lattice row, then the rows each y needs: the same operations in the same
    # order as value_noise (so the same bits), without gathering four corners for every point.
    across = nodes[:, a] + (nodes[:, a + 1] - nodes[:, a]) * ux
    top, bottom = across[b], across[b + 1]
    return 2.0 * (top + (bottom - top) * uy[:, None]) - 1.0
