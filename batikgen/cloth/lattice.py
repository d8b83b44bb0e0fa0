"""Lattices: where copies of a repeat tile go, and how each copy is turned.

A tile is geometry in its own frame, ``[0, w] x [0, h]`` with y downwards. A lattice lists, for
every copy needed to cover an area, the offset of the copy's frame origin and whether the copy is
mirrored. The lattices batik uses:

- ``block``: a plain grid;
- ``half-drop``: every other column dropped by half a tile;
- ``brick``: every other row shifted by half a tile;
- ``mirror``: a grid whose copies alternate mirror images across and down (a p2mm pattern from
  any tile);
- ``parang``: the grid turned 45 degrees, so a tile that is one band of blades repeats as the
  diagonal bands of parang and lereng.

Copies are made by moving vertex arrays (``shapely.transform`` over all copies at once), never by
a shapely call per copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from .._validate import check_choice, check_positive
from ..motifs.kit.geometry import translate_many

#: Lattice kinds and what they are.
LATTICES = {
    "block": "a plain grid of tiles",
    "half-drop": "every other column dropped by half a tile",
    "brick": "every other row shifted by half a tile",
    "mirror": "alternate tiles mirrored across and down",
    "parang": "the grid turned 45 degrees: diagonal bands, as in parang and lereng",
}

#: Direction of the parang bands: 45 degrees runs from top left to bottom right (y is downwards).
PARANG_ANGLE = 45.0


@dataclass(frozen=True)
class Placements:
    """Where the copies of a tile go.

    Attributes
    ----------
    offsets : numpy.ndarray, shape (n, 2)
        Position of each copy's frame origin, in millimetres.
    mirror_x, mirror_y : numpy.ndarray of bool, shape (n,)
        Whether a copy is mirrored left-right / top-bottom within its own frame.
    angle : float
        Rotation of every copy about its frame origin, degrees (counter-clockwise in x-right,
        y-up terms, as :func:`batikgen.motifs.kit.geometry.rotate`).
    tile : (float, float)
        The tile's width and height.
    """

    offsets: np.ndarray
    mirror_x: np.ndarray
    mirror_y: np.ndarray
    angle: float
    tile: tuple[float, float]

    def __len__(self) -> int:
        return len(self.offsets)

    def centres(self) -> np.ndarray:
        """Centre of each copy, (n, 2): the cell centres of the lattice."""
        return self.offsets + _rotate(np.array([[self.tile[0] / 2, self.tile[1] / 2]]), self.angle)


def _rotate(points: np.ndarray, degrees: float) -> np.ndarray:
    a = np.radians(degrees)
    return points @ np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])


def lattice_points(kind: str, tile_w: float, tile_h: float, bounds: tuple[float, float, float, float]) -> Placements:
    """The copies of a ``tile_w`` x ``tile_h`` tile that cover ``bounds``.

    The lattice is anchored at the origin: a copy's frame starts at (0, 0), whatever the bounds.

    Parameters
    ----------
    kind : str
        One of :data:`LATTICES`.
    tile_w, tile_h : float
        Tile size in millimetres.
    bounds : (xmin, ymin, xmax, ymax)
        Area to cover.

    Returns
    -------
    Placements
        Every copy that can overlap ``bounds`` (some may only touch it).
    """
    check_choice("lattice", kind, LATTICES)
    tile_w = check_positive("lattice tile width", tile_w, "mm")
    tile_h = check_positive("lattice tile height", tile_h, "mm")
    x0, y0, x1, y1 = bounds
    angle = PARANG_ANGLE if kind == "parang" else 0.0
    # Lattice coordinates (i along, j down) of the bounds' corners, widened by a tile for shifts.
    corners = _rotate(np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], float), -angle)
    i = np.arange(int(np.floor(corners[:, 0].min() / tile_w)) - 1, int(np.ceil(corners[:, 0].max() / tile_w)) + 1)
    j = np.arange(int(np.floor(corners[:, 1].min() / tile_h)) - 1, int(np.ceil(corners[:, 1].max() / tile_h)) + 1)
    jj, ii = np.meshgrid(j, i, indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    x, y = ii * tile_w, jj * tile_h
    if kind == "half-drop":
        y = y + (ii % 2) * tile_h / 2
    elif kind == "brick":
        x = x + (jj % 2) * tile_w / 2
    offsets = _rotate(np.column_stack([x, y]).astype(float), angle)
    # Keep copies whose (rotated) frame reaches the bounds.
    frame = _rotate(np.array([[0, 0], [tile_w, 0], [tile_w, tile_h], [0, tile_h]], float), angle)
    keep = shapely.intersects(shapely.polygons(frame[None] + offsets[:, None]), shapely.box(x0, y0, x1, y1))
    mirror = kind == "mirror"
    return Placements(offsets=offsets[keep], mirror_x=(mirror & (ii % 2 == 1))[keep],
                      mirror_y=(mirror & (jj % 2 == 1))[keep], angle=angle, tile=(tile_w, tile_h))


def place_tile(geometries, placements: Placements) -> np.ndarray:
    """Copies of a tile's geometries at every placement.

    Parameters
    ----------
    geometries : sequence of shapely geometries
        The tile, in its frame ``[0, w] x [0, h]``.
    placements : Placements
        From :func:`lattice_points`.

    Returns
    -------
    numpy.ndarray of shapely geometries
        ``len(geometries) * len(placements)`` geometries: the tile's geometries for the first
        placement, then for the second, and so on.
    """
    geometries = np.asarray(geometries, dtype=object).ravel()
    if not len(geometries) or not len(placements):
        return np.empty(0, dtype=object)
    w, h = placements.tile
    n = len(geometries)
    out = np.empty(len(placements) * n, dtype=object)
    for mx in (False, True):
        for my in (False, True):
            chosen = np.flatnonzero((placements.mirror_x == mx) & (placements.mirror_y == my))
            if not len(chosen):
                continue
            scale = np.array([-1.0 if mx else 1.0, -1.0 if my else 1.0])
            shift = np.array([w if mx else 0.0, h if my else 0.0])
            local = shapely.transform(geometries, lambda c: _rotate(c * scale + shift, placements.angle))
            copies = translate_many(np.tile(local, len(chosen)), np.repeat(placements.offsets[chosen], n, axis=0))
            out[(chosen[:, None] * n + np.arange(n)).ravel()] = copies
    return out
