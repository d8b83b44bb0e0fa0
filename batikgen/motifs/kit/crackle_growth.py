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
    path = np.empty((n + 1, 2))
    path[0] = start
    np.cos(angles, out=path[1:, 0])
    np.sin(angles, out=path[1:, 1])
    path[1:] *= _STEP_MM
    np.cumsum(path[1:], axis=0, out=path[1:])
    path[1:] += start
    return path


def _stop_at_first_hit(path: np.ndarray, starts: np.ndarray, deltas: np.ndarray, skip: float) -> tuple[np.ndarray, float]:
    """``path`` up to its first crossing with any segment ``starts[i] .. starts[i] + deltas[i]``
    past ``skip`` mm from its start (the whole path when it crosses none), and its length.

    Called a few thousand times per cloth: kept to few numpy calls (the caller sets np.errstate
    once for the parallel segments' divisions by zero)."""
    r = path[1:] - path[:-1]
    seg_len = np.hypot(r[:, 0], r[:, 1])
    cum = np.cumsum(seg_len)
    ax, ay = starts[None, :, 0] - path[:-1, 0, None], starts[None, :, 1] - path[:-1, 1, None]
    qx, qy = deltas[None, :, 0], deltas[None, :, 1]
    rx, ry = r[:, 0, None], r[:, 1, None]
    denom = rx * qy - ry * qx
    t = (ax * qy - ay * qx) / denom
    u = (ax * ry - ay * rx) / denom
    along = (cum - seg_len)[:, None] + t * seg_len[:, None]
    hit = (denom != 0) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1) & (along > skip)
    total = float(cum[-1])
    if not hit.any():
        return path, total
    length = float(along[hit].min())
    k = int(np.searchsorted(cum, length, side="right"))  # the hit lies on segment k
    f = (length - (cum[k] - seg_len[k])) / max(seg_len[k], 1e-12)
    out = np.empty((k + 2, 2))
    out[: k + 1] = path[: k + 1]
    out[k + 1] = path[k] + f * r[k]
    return out, length


def _grow_cell(x0: float, y0: float, amount: float, rng: np.random.Generator) -> list[np.ndarray]:
    """The cracks of one cell as vertex arrays, in the order they grew."""
    x1, y1 = x0 + CELL_MM, y0 + CELL_MM
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    # Segments every crack stops on, as starts and deltas: the cell's frame, then each crack's.
    starts, deltas = np.empty((256, 2)), np.empty((256, 2))
    starts[:4], deltas[:4] = corners, np.roll(corners, -1, axis=0) - corners
    count = 4

    def add(path: np.ndarray) -> None:
        nonlocal starts, deltas, count
        n = len(path) - 1
        while count + n > len(starts):
            starts, deltas = np.concatenate([starts, starts]), np.concatenate([deltas, deltas])
        starts[count : count + n] = path[:-1]
        deltas[count : count + n] = path[1:] - path[:-1]
        count += n

    # The first crack crosses the cell: from a point on one side, heading across.
    side, t = rng.integers(4), rng.uniform(0.2, 0.8)
    origin = corners[side] + t * deltas[side]
    heading = [np.pi / 2, np.pi, -np.pi / 2, 0.0][side] + rng.normal(0.0, 0.3)
    path, length = _stop_at_first_hit(_walk(origin, heading, 2 * CELL_MM, rng), starts[:4], deltas[:4], 0.3)
    cracks, lengths = [path], [length]
    add(path)
    for _ in range(int(rng.poisson(amount * SECONDARY_PER_CELL))):
        weights = np.asarray(lengths)
        parent = cracks[int(np.searchsorted(np.cumsum(weights), rng.random() * weights.sum()))]
        k = int(rng.integers(int(0.1 * (len(parent) - 1)), max(int(0.9 * (len(parent) - 1)), 1)))
        f = rng.random()
        point = parent[k] + f * (parent[k + 1] - parent[k])
        step = parent[k + 1] - parent[k]
        direction = np.arctan2(step[1], step[0])
        heading = direction + (-1.0, 1.0)[int(rng.integers(2))] * (np.pi / 2 + rng.normal(0.0, 0.35))
        path = _walk(point, heading, rng.uniform(6.0, 1.2 * CELL_MM), rng)
        path, length = _stop_at_first_hit(path, starts[:count], deltas[:count], 0.3)  # stops on the first crack it meets
        if length > 0.8 and len(path) >= 2:
            cracks.append(path)
            lengths.append(length)
            add(path)
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
    paths, widths, ranks = [], [], []
    with np.errstate(divide="ignore", invalid="ignore"):  # parallel segments: no crossing
        for j in range(int(np.ceil(height_mm / CELL_MM))):
            for i in range(int(np.ceil(width_mm / CELL_MM))):
                rng = np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32, i, j])
                cracks = _grow_cell(i * CELL_MM, j * CELL_MM, amount, rng)
                paths.extend(cracks)
                widths.extend(0.25 * 0.93 ** np.arange(len(cracks)) + 0.05)
                ranks.extend(rng.random(len(cracks)))
    if not paths:
        return np.empty(0, dtype=object), np.empty(0)
    # All the cracks' lines made in one call.
    lines = shapely.linestrings(np.concatenate(paths), indices=np.repeat(np.arange(len(paths)), [len(p) for p in paths]))
    veins = shapely.buffer(lines, np.asarray(widths) / 2, quad_segs=2, join_style="mitre", mitre_limit=2.0)
    valid = shapely.is_valid(veins) & (shapely.get_type_id(veins) == 3)
    return veins[valid], np.asarray(ranks)[valid]
