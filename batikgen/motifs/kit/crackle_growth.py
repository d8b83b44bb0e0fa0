"""Crackle that grows crack by crack, as wax cracks: each new crack starts on an earlier one and
runs until it meets another, so most cracks end in T-junctions, as on real batik (cap and tulis).

Wax under stress cracks first across its largest stretches; later cracks relieve the stress left
between them, starting from an existing crack and stopping where they reach the next one. The
cloth is divided into square cells on an absolute grid; each cell grows its own cracks from a
generator seeded by the plan's seed and the cell's index, so a strip, a repeat or a crop of the
cloth always holds the same cracks. Cracks stay inside their cell.
"""

from __future__ import annotations

import numpy as np
import shapely

from ..._validate import check_in_range

#: Side of a growth cell (mm).
CELL_MM = 30.0
#: Cracks after the first, per cell at amount 1 (Poisson mean).
SECONDARY_PER_CELL = 9.0
_STEP_MM = 1.5
_TURN = 0.15


def _walk(start: np.ndarray, heading: float, length: float, rng: np.random.Generator) -> np.ndarray:
    n = max(2, int(length / _STEP_MM))
    angles = heading + np.cumsum(rng.normal(0.0, _TURN, n))
    moves = np.column_stack([np.cos(angles), np.sin(angles)]) * _STEP_MM
    return np.vstack([start, start + np.cumsum(moves, axis=0)])


def _first_hit(path: np.ndarray, starts: np.ndarray, ends: np.ndarray, skip: float) -> float:
    """Distance along ``path`` to its first crossing with any segment ``starts[i]-ends[i]``, past
    ``skip`` mm from its start; the path's length when it crosses none."""
    a, r = path[:-1, None, :], (path[1:] - path[:-1])[:, None, :]
    p, q = starts[None], (ends - starts)[None]
    denom = r[..., 0] * q[..., 1] - r[..., 1] * q[..., 0]
    ap = p - a
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (ap[..., 0] * q[..., 1] - ap[..., 1] * q[..., 0]) / denom
        u = (ap[..., 0] * r[..., 1] - ap[..., 1] * r[..., 0]) / denom
    seg_len = np.hypot(*(path[1:] - path[:-1]).T)
    along = np.concatenate([[0.0], np.cumsum(seg_len)])[:-1, None] + t * seg_len[:, None]
    hit = (denom != 0) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1) & (along > skip)
    return float(along[hit].min()) if hit.any() else float(seg_len.sum())


def _cut(path: np.ndarray, length: float) -> np.ndarray:
    """The first ``length`` mm of ``path``."""
    seg = np.hypot(*np.diff(path, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    k = int(np.searchsorted(cum, length, side="right"))
    if k >= len(path):
        return path
    f = (length - cum[k - 1]) / max(seg[k - 1], 1e-12)
    return np.vstack([path[:k], path[k - 1] + f * (path[k] - path[k - 1])])


def _grow_cell(x0: float, y0: float, amount: float, rng: np.random.Generator) -> list[np.ndarray]:
    """The cracks of one cell as vertex arrays, in the order they grew."""
    x1, y1 = x0 + CELL_MM, y0 + CELL_MM
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    starts, ends = corners, np.roll(corners, -1, axis=0)  # the cell's frame stops every crack
    # The first crack crosses the cell: from a point on one side, heading across.
    side, t = rng.integers(4), rng.uniform(0.2, 0.8)
    origin = corners[side] + t * (ends[side] - corners[side])
    heading = [np.pi / 2, np.pi, -np.pi / 2, 0.0][side] + rng.normal(0.0, 0.3)
    path = _walk(origin, heading, 2 * CELL_MM, rng)
    path = _cut(path, _first_hit(path, starts, ends, 0.3))
    cracks, lengths = [path], [np.hypot(*np.diff(path, axis=0).T).sum()]
    starts, ends = np.vstack([starts, path[:-1]]), np.vstack([ends, path[1:]])
    for _ in range(int(rng.poisson(amount * SECONDARY_PER_CELL))):
        weights = np.asarray(lengths)
        parent = cracks[int(np.searchsorted(np.cumsum(weights), rng.random() * weights.sum()))]
        k = int(rng.integers(int(0.1 * (len(parent) - 1)), max(int(0.9 * (len(parent) - 1)), 1)))
        f = rng.random()
        point = parent[k] + f * (parent[k + 1] - parent[k])
        direction = np.arctan2(*(parent[k + 1] - parent[k])[::-1])
        heading = direction + rng.choice([-1.0, 1.0]) * (np.pi / 2 + rng.normal(0.0, 0.35))
        path = _walk(point, heading, rng.uniform(6.0, 1.2 * CELL_MM), rng)
        path = _cut(path, _first_hit(path, starts, ends, 0.3))  # stops on the first crack it meets
        length = np.hypot(*np.diff(path, axis=0).T).sum()
        if length > 0.8 and len(path) >= 2:
            cracks.append(path)
            lengths.append(length)
            starts, ends = np.vstack([starts, path[:-1]]), np.vstack([ends, path[1:]])
    return cracks


def grown_veins(width_mm: float, height_mm: float, amount: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Crackle veins over a cloth, grown cell by cell (see the module's notes).

    Parameters
    ----------
    width_mm, height_mm : float
        Size of the cloth.
    amount : float
        0 (none) to 1: how many cracks each cell grows.
    seed : int
        The plan's crackle seed.

    Returns
    -------
    veins : numpy.ndarray of shapely.Polygon
        Valid strokes 0.1-0.25 mm wide, thinner for later cracks.
    rank : numpy.ndarray of float
        A uniform number per vein in [0, 1): a vein shows on a role whose exposure exceeds it.
    """
    amount = check_in_range("crackle", amount, 0.0, 1.0)
    if amount == 0:
        return np.empty(0, dtype=object), np.empty(0)
    lines, widths, ranks = [], [], []
    for j in range(int(np.ceil(height_mm / CELL_MM))):
        for i in range(int(np.ceil(width_mm / CELL_MM))):
            rng = np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32, i, j])
            cracks = _grow_cell(i * CELL_MM, j * CELL_MM, amount, rng)
            lines.extend(shapely.linestrings(c) for c in cracks)
            widths.extend(0.25 * 0.93 ** np.arange(len(cracks)) + 0.05)
            ranks.extend(rng.random(len(cracks)))
    if not lines:
        return np.empty(0, dtype=object), np.empty(0)
    veins = shapely.buffer(np.asarray(lines, dtype=object), np.asarray(widths) / 2, quad_segs=2)
    valid = shapely.is_valid(veins) & (shapely.get_type_id(veins) == 3)
    return veins[valid], np.asarray(ranks)[valid]
