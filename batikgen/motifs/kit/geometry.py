"""Vertex generators with numpy, and fast placement of template shapes on a lattice.

Shapes are made once per template in local coordinates, then copied to many positions by adding
offsets to their vertex arrays (a shapely.affinity call per copy would cost ~40 µs each).
"""

from __future__ import annotations

import numpy as np
import shapely

from ...seeding import SeedTree


def lens(length: float, half_width: float, n_arc: int = 24) -> np.ndarray:
    """Vertices of a lens (the overlap of two equal circles) along +x from (0, 0) to (length, 0).

    Parameters
    ----------
    length : float
        Tip-to-tip length.
    half_width : float
        Half the width at the middle; ``half_width == length / 2`` is a circle.
    n_arc : int
        Vertices per arc.

    Returns
    -------
    numpy.ndarray, shape (2 * n_arc - 2, 2)
        Closed ring without the repeated first vertex.
    """
    half = length / 2
    radius = (half**2 + half_width**2) / (2 * half_width)
    centre_y = half_width - radius  # centre of the circle that draws the upper arc
    theta0 = np.arcsin(np.clip(-centre_y / radius, -1.0, 1.0))
    theta = np.linspace(np.pi - theta0, theta0, n_arc)
    upper = np.column_stack([half + radius * np.cos(theta), centre_y + radius * np.sin(theta)])
    upper[0] = (0.0, 0.0)
    upper[-1] = (length, 0.0)
    lower = upper[-2:0:-1] * np.array([1.0, -1.0])
    return np.vstack([upper, lower])


def circle(radius: float, n: int = 16) -> np.ndarray:
    """Vertices of a regular n-gon approximating a circle of ``radius`` about the origin."""
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def rotate(points: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate vertices about the origin (counter-clockwise in x-right, y-up terms)."""
    a = np.radians(degrees)
    matrix = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return points @ matrix.T


def place(template: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """One polygon per offset: ``template`` (n, 2) translated by each row of ``offsets`` (k, 2).

    Returns
    -------
    numpy.ndarray of shapely.Polygon, shape (k,)
    """
    return shapely.polygons(template[None, :, :] + offsets[:, None, :])


def star(points: int, outer: float, inner: float, rotation: float = 0.0) -> np.ndarray:
    """Vertices of a star with ``points`` tips on radius ``outer`` and notches on ``inner``.

    Parameters
    ----------
    points : int
        Number of tips (at least 2).
    outer, inner : float
        Radii of the tips and of the notches between them.
    rotation : float
        Angle of the first tip in degrees (0 is +x).

    Returns
    -------
    numpy.ndarray, shape (2 * points, 2)
    """
    angle = np.radians(rotation) + np.arange(2 * points) * np.pi / points
    radius = np.where(np.arange(2 * points) % 2 == 0, outer, inner)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def teardrop(length: float, half_width: float, n: int = 24) -> np.ndarray:
    """Vertices of a petal along +x from (0, 0): pointed at the origin, rounded at ``length``.

    Parameters
    ----------
    length : float
        Base-to-tip length.
    half_width : float
        Half the greatest width (reached at about two thirds of the length).
    n : int
        Vertices.

    Returns
    -------
    numpy.ndarray, shape (n, 2)
    """
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    # x runs 0 -> length -> 0 while y swells with sin(t/2)^2: a point at the base, a round far end.
    x = length * (1 - np.cos(t)) / 2
    y = half_width * 1.3 * np.sin(t) * np.sin(t / 2) ** 2
    return np.column_stack([x, y])


def transform_all(geoms, matrix: np.ndarray, offset=(0.0, 0.0)) -> np.ndarray:
    """Apply ``x -> matrix @ x + offset`` to every geometry at once (vectorised, no Python loop).

    Parameters
    ----------
    geoms : sequence of shapely geometries
    matrix : numpy.ndarray, shape (2, 2)
    offset : pair of float

    Returns
    -------
    numpy.ndarray of shapely geometries
    """
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return geoms
    matrix, offset = np.asarray(matrix, float), np.asarray(offset, float)
    return shapely.transform(geoms, lambda xy: xy @ matrix.T + offset)


#: The eight symmetries of a square (the point group of p4m) as 2x2 matrices.
SQUARE_SYMMETRIES = tuple(
    np.array(m, float)
    for m in ([[1, 0], [0, 1]], [[0, -1], [1, 0]], [[-1, 0], [0, -1]], [[0, 1], [-1, 0]],
              [[-1, 0], [0, 1]], [[1, 0], [0, -1]], [[0, 1], [1, 0]], [[0, -1], [-1, 0]])
)


def square_orbit(geoms, centre=(0.0, 0.0)) -> list:
    """The geometries and their images under the eight symmetries of a square about ``centre``.

    Drawing a filler in one eighth of a cell and taking its orbit makes the cell exactly p4m.
    """
    centre = np.asarray(centre, float)
    shifted = transform_all(geoms, np.eye(2), -centre)
    out: list = []
    for matrix in SQUARE_SYMMETRIES:
        out.extend(transform_all(shifted, matrix, centre))
    return out


def translate_many(geometries, offsets: np.ndarray) -> np.ndarray:
    """Move each geometry by its own offset, in one vectorised call.

    Parameters
    ----------
    geometries : sequence of shapely geometries, length n
    offsets : numpy.ndarray, shape (n, 2)

    Returns
    -------
    numpy.ndarray of shapely geometries
    """
    geometries = np.asarray(geometries, dtype=object)
    per_vertex = np.repeat(np.asarray(offsets, float), shapely.get_num_coordinates(geometries), axis=0)
    return shapely.transform(geometries, lambda coords: coords + per_vertex)


def copies(geoms, offsets: np.ndarray) -> list:
    """``geoms`` translated by each row of ``offsets`` (k, 2), all in one vectorised transform.

    Returns the copies offset by offset: all of ``geoms`` moved by the first offset, then by the next.
    """
    geoms = np.asarray(geoms, dtype=object).ravel()
    offsets = np.asarray(offsets, float).reshape(-1, 2)
    if not len(geoms) or not len(offsets):
        return []
    return list(translate_many(np.tile(geoms, len(offsets)), np.repeat(offsets, len(geoms), axis=0)))


def clip_to_box(geoms, xmin: float, ymin: float, xmax: float, ymax: float) -> list:
    """Keep the part of each geometry inside the box; drop what falls outside entirely.

    Only shapes that cross the box's edge are intersected (the costly step); the result holds
    polygonal parts only, so every returned geometry is a valid Polygon or MultiPolygon.
    """
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return []
    box = shapely.box(xmin, ymin, xmax, ymax)
    bounds = shapely.bounds(geoms)
    inside = (bounds[:, 0] >= xmin) & (bounds[:, 1] >= ymin) & (bounds[:, 2] <= xmax) & (bounds[:, 3] <= ymax)
    outside = (bounds[:, 2] <= xmin) | (bounds[:, 0] >= xmax) | (bounds[:, 3] <= ymin) | (bounds[:, 1] >= ymax)
    crossing = ~inside & ~outside
    kept = list(geoms[inside])
    if crossing.any():
        # clip_by_rect is four times faster than a general intersection; keep it where it is valid.
        try:
            clipped = shapely.clip_by_rect(geoms[crossing], xmin, ymin, xmax, ymax)
        except shapely.errors.GEOSException:  # GEOS refuses a few degenerate cuts: do them all exactly
            clipped = shapely.intersection(geoms[crossing], box)
        invalid = ~shapely.is_valid(clipped)
        if invalid.any():
            clipped[invalid] = shapely.intersection(geoms[crossing][invalid], box)
        for geom in clipped:
            geom = polygonal(geom)
            if geom is not None:
                kept.append(geom)
    return kept


def polygonal(geom):
    """The polygonal part of ``geom`` (dropping stray lines and points of an intersection), or None."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom if geom.area > 0 else None
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon") and g.area > 0]
    if not parts:
        return None
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]



def split_by_pieces(geoms, pieces) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut ``geoms`` by ``pieces`` (polygons that do not overlap): one part per shape and piece it meets.

    One STRtree query pairs shapes with the pieces they touch; shapes wholly inside a piece are
    kept untouched, and only the pairs that cross a piece's edge pay for a (vectorised)
    intersection with that small piece.

    Returns
    -------
    parts : numpy.ndarray of shapely geometries
        Valid polygonal parts.
    piece_index, geom_index : numpy.ndarray of int
        For each part, the piece it lies in and the shape it came from.
    """
    geoms = np.asarray(geoms, dtype=object)
    pieces = np.asarray(pieces, dtype=object)
    empty = (np.empty(0, dtype=object), np.empty(0, int), np.empty(0, int))
    if not len(geoms) or not len(pieces):
        return empty
    piece_idx, geom_idx = shapely.STRtree(geoms).query(pieces, predicate="intersects")
    if not len(geom_idx):
        return empty
    inside = shapely.covers(pieces[piece_idx], geoms[geom_idx])
    cut = shapely.intersection(geoms[geom_idx[~inside]], pieces[piece_idx[~inside]])
    cut = np.array([polygonal(g) for g in cut], dtype=object)
    keep = np.array([g is not None for g in cut], dtype=bool)
    parts = np.concatenate([geoms[geom_idx[inside]], cut[keep]])
    return (parts, np.concatenate([piece_idx[inside], piece_idx[~inside][keep]]),
            np.concatenate([geom_idx[inside], geom_idx[~inside][keep]]))


def mended(ring: np.ndarray):
    """A valid polygonal geometry from a ring that may cross itself (e.g. a stroke bent tighter
    than its width); None if nothing with area is left. Meant for templates made once per row."""
    polygon = shapely.Polygon(ring)
    if polygon.is_valid:
        return polygon
    return polygonal(shapely.make_valid(polygon))


def mended_ring(ring: np.ndarray) -> np.ndarray:
    """:func:`mended` as one ring of vertices, for templates that are placed as vertex arrays: the
    ring itself when it is simple, else the outline of the largest part that mending leaves."""
    if shapely.Polygon(ring).is_valid:
        return ring
    largest = max(shapely.get_parts(mended(ring)), key=lambda part: part.area)
    return np.asarray(largest.exterior.coords)[:-1]


def cell_row(cell_layers, y0: float, cell_mm: float, n_columns: int, params: dict, seeds) -> dict[str, list]:
    """One row of identical cells: ``cell_layers`` draws one cell about the origin, copied to each column.

    Parameters
    ----------
    cell_layers : callable
        ``cell_layers(cell_mm, params, rng) -> dict[layer, list of geometries]`` centred on (0, 0).
    y0, cell_mm : float
        Top of the row and side of a cell, in mm.
    n_columns : int
        Cells across.
    params : dict
        Validated parameters of the family.
    seeds : SeedTree or None
        Its stream ``isen`` feeds fillers with natural irregularity (a fixed tree when None).

    Returns
    -------
    dict of str to list of shapely geometries
    """
    rng = (seeds or SeedTree("unseeded")).rng("isen")
    centres = np.column_stack([(np.arange(n_columns) + 0.5) * cell_mm, np.full(n_columns, y0 + cell_mm / 2)])
    return {layer: copies(shapes, centres) for layer, shapes in cell_layers(cell_mm, params, rng).items()}
