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
#: Cells whose walks are tested together (see :func:`_grow_cells`), and the most walk-segment
#: pairs tested at once (each array of the test is 8 bytes a pair: 12 MB).
_GROUP, _PAIRS = 128, 1_500_000


def _walks(starts: np.ndarray, angles: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Walks of ``steps[i]`` steps of :data:`_STEP_MM` from ``starts[i]``, the ``i``-th turning by
    ``angles[i, :steps[i]]``: (k, max steps + 1, 2) vertices, NaN past each walk's end."""
    k, n = angles.shape
    path = np.empty((k, n + 1, 2))
    path[:, 0] = starts
    np.cos(angles, out=path[:, 1:, 0])
    np.sin(angles, out=path[:, 1:, 1])
    path[:, 1:] *= _STEP_MM
    np.cumsum(path[:, 1:], axis=1, out=path[:, 1:])
    path[:, 1:] += starts[:, None, :]
    path[np.arange(n + 1)[None, :] > steps[:, None]] = np.nan
    return path


def _first_hits(paths: np.ndarray, steps: np.ndarray, starts: np.ndarray, deltas: np.ndarray,
                skip: float) -> list[tuple[np.ndarray, float]]:
    """Each walk ``paths[i]`` (of ``steps[i]`` steps) up to its first crossing with one of its own
    segments ``starts[i, j] .. starts[i, j] + deltas[i, j]`` past ``skip`` mm from its start (the
    whole walk when it crosses none), and its length.

    All the walks at once (NaN vertices and segments are padding: they cross nothing), so a few
    numpy calls serve a thousand cells; each value is computed as for one walk alone. The caller
    sets np.errstate for the NaNs and the parallel segments' divisions by zero.
    """
    r = paths[:, 1:] - paths[:, :-1]                                        # (k, n, 2)
    seg_len = np.hypot(r[..., 0], r[..., 1])                                # (k, n)
    cum = np.cumsum(seg_len, axis=1)
    ax = starts[:, None, :, 0] - paths[:, :-1, 0, None]                     # (k, n, m)
    ay = starts[:, None, :, 1] - paths[:, :-1, 1, None]
    qx, qy = deltas[:, None, :, 0], deltas[:, None, :, 1]
    rx, ry = r[..., 0, None], r[..., 1, None]
    denom = rx * qy - ry * qx
    t = (ax * qy - ay * qx) / denom
    # Few pairs cross within the walk's segment (0 <= t <= 1): the rest of the test runs on those.
    walk, step, other = np.nonzero((t >= 0) & (t <= 1))
    t, denom, ax, ay = t[walk, step, other], denom[walk, step, other], ax[walk, step, other], ay[walk, step, other]
    rx, ry, own = r[walk, step, 0], r[walk, step, 1], seg_len[walk, step]
    u = (ax * ry - ay * rx) / denom
    along = (cum[walk, step] - own) + t * own
    hit = (denom != 0) & (u >= 0) & (u <= 1) & (along > skip)
    first = np.full(len(paths), np.inf)
    np.minimum.at(first, walk[hit], along[hit])
    out = []
    for i, length in enumerate(first.tolist()):
        n = int(steps[i])
        if length == np.inf:
            out.append((paths[i, : n + 1], float(cum[i, n - 1])))
            continue
        k = int(np.searchsorted(cum[i, :n], length, side="right"))  # the hit lies on segment k
        f = (length - (cum[i, k] - seg_len[i, k])) / max(seg_len[i, k], 1e-12)
        path = np.empty((k + 2, 2))
        path[: k + 1] = paths[i, : k + 1]
        path[k + 1] = paths[i, k] + f * r[i, k]
        out.append((path, length))
    return out


class _Segments:
    """The segments each cell's cracks stop on (its frame, then its cracks), padded with NaN."""

    def __init__(self, corners: np.ndarray) -> None:
        cells = len(corners)
        self.starts = np.full((cells, 64, 2), np.nan)
        self.deltas = np.full((cells, 64, 2), np.nan)
        self.starts[:, :4] = corners
        self.deltas[:, :4] = np.roll(corners, -1, axis=1) - corners
        self.count = np.full(cells, 4)

    def add(self, cell: int, path: np.ndarray) -> None:
        n, at = len(path) - 1, self.count[cell]
        if at + n > self.starts.shape[1]:
            pad = np.full((len(self.starts), self.starts.shape[1], 2), np.nan)
            self.starts, self.deltas = np.concatenate([self.starts, pad], 1), np.concatenate([self.deltas, pad], 1)
        self.starts[cell, at : at + n] = path[:-1]
        self.deltas[cell, at : at + n] = path[1:] - path[:-1]
        self.count[cell] = at + n

    def of(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = int(self.count[cells].max())
        return self.starts[cells, :m], self.deltas[cells, :m]


def _grow_cells(origins: np.ndarray, amount: float, rngs: list) -> list[list[np.ndarray]]:
    """The cracks of each cell (lower corners ``origins``, generators ``rngs``) as vertex arrays,
    in the order they grew.

    The cells grow in lockstep, the n-th crack of every cell at once: a crack depends only on its
    own cell's earlier cracks and generator, so each cell draws the same numbers and grows the
    same cracks as it would alone, while the walking and the crossing tests are vectorised over
    the cells (a few numpy calls per round rather than per crack).
    """
    cells = len(origins)
    x0, y0 = origins[:, 0], origins[:, 1]
    x1, y1 = x0 + CELL_MM, y0 + CELL_MM
    corners = np.stack([np.column_stack(c) for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))], axis=1)
    segments = _Segments(corners)
    # The first crack crosses the cell: from a point on one side, heading across.
    n_first = max(2, int(2 * CELL_MM / _STEP_MM))
    starts, angles, counts = np.empty((cells, 2)), np.empty((cells, n_first)), np.empty(cells, dtype=np.int64)
    for c, rng in enumerate(rngs):
        side, t = rng.integers(4), rng.uniform(0.2, 0.8)
        starts[c] = corners[c, side] + t * segments.deltas[c, side]
        heading = [np.pi / 2, np.pi, -np.pi / 2, 0.0][side] + rng.normal(0.0, 0.3)
        angles[c] = heading + np.cumsum(rng.normal(0.0, _TURN, n_first))
        counts[c] = int(rng.poisson(amount * SECONDARY_PER_CELL))
    everyone = np.arange(cells)
    frames = segments.of(everyone)
    steps = np.full(cells, n_first)
    cracks, lengths = [], []
    for c, (path, length) in enumerate(_first_hits(_walks(starts, angles, steps), steps, *frames, 0.3)):
        cracks.append([path])
        lengths.append([length])
        segments.add(c, path)
    # Then each round, every cell with cracks still to grow starts one on an earlier crack.
    for round_ in range(int(counts.max(initial=0))):
        active = np.flatnonzero(counts > round_)
        starts, steps, walks = np.empty((len(active), 2)), np.empty(len(active), dtype=np.int64), []
        for a, c in enumerate(active.tolist()):
            rng, grown = rngs[c], cracks[c]
            weights = np.asarray(lengths[c])
            parent = grown[int(np.searchsorted(np.cumsum(weights), rng.random() * weights.sum()))]
            k = int(rng.integers(int(0.1 * (len(parent) - 1)), max(int(0.9 * (len(parent) - 1)), 1)))
            f = rng.random()
            starts[a] = parent[k] + f * (parent[k + 1] - parent[k])
            step = parent[k + 1] - parent[k]
            direction = np.arctan2(step[1], step[0])
            heading = direction + (-1.0, 1.0)[int(rng.integers(2))] * (np.pi / 2 + rng.normal(0.0, 0.35))
            steps[a] = max(2, int(rng.uniform(6.0, 1.2 * CELL_MM) / _STEP_MM))
            walks.append(heading + np.cumsum(rng.normal(0.0, _TURN, steps[a])))
        angles = np.zeros((len(active), int(steps.max())))
        for a, walk in enumerate(walks):
            angles[a, : len(walk)] = walk
        # Walks are tested against their own cells' segments in groups of cells with about as many
        # segments, so little of the padded (walk, step, segment) arrays is padding.
        hits = [None] * len(active)
        order = np.argsort(segments.count[active], kind="stable")
        # Groups of up to _GROUP cells, fewer where they have many segments (bounded memory).
        size = np.minimum(_GROUP, np.maximum(1, _PAIRS // (int(steps.max()) * segments.count[active][order])))
        cuts, at = [], 0
        while at < len(order):
            at += int(size[at])
            cuts.append(at)
        for group in np.split(order, cuts[:-1]):
            longest = int(steps[group].max())
            found = _first_hits(_walks(starts[group], angles[group, :longest], steps[group]), steps[group],
                                *segments.of(active[group]), 0.3)
            for a, hit in zip(group.tolist(), found):
                hits[a] = hit
        for c, (path, length) in zip(active.tolist(), hits):
            if length > 0.8 and len(path) >= 2:  # stopped on the first crack it met
                cracks[c].append(path)
                lengths[c].append(length)
                segments.add(c, path)
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
    index = [(i, j) for j in range(int(np.ceil(height_mm / CELL_MM))) for i in range(int(np.ceil(width_mm / CELL_MM)))]
    rngs = [np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32, i, j]) for i, j in index]
    with np.errstate(divide="ignore", invalid="ignore"):  # padding and parallel segments: no crossing
        grown = _grow_cells(np.array([(i * CELL_MM, j * CELL_MM) for i, j in index]).reshape(-1, 2), amount, rngs)
    paths, widths, ranks = [], [], []
    for cracks, rng in zip(grown, rngs):
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
