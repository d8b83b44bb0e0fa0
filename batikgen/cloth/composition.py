"""The Composition: ordered layers of polygons in millimetres, each with one fill colour.

Layers are painted in order, as batik is made: ground first, then motif areas, outlines and fillers
over them. Rendering (raster or vector) reads only this object.

A layer keeps its polygons packed in flat numpy arrays (:class:`PolygonArray`: coordinates plus
offsets, the layout GeoArrow uses) rather than as one shapely object each. A shapely polygon costs
about 1.4 kB however small it is, so the half a million shapes of a dense A0 took 780 MB as shapely
objects and take 120 MB packed; the renderers read the arrays directly. Shapely objects are made on
request (:attr:`Layer.geometries`) for real geometry work: clipping, unions, tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from ..errors import PatternError


def concat_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + c)`` for each pair, without a Python loop."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(counts)
    shift = np.repeat(np.asarray(starts, dtype=np.int64) - (ends - counts), counts)
    return np.arange(total, dtype=np.int64) + shift


def _offsets(counts: np.ndarray) -> np.ndarray:
    """Offsets (length n + 1, starting at 0) of consecutive runs of ``counts`` items."""
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


class PolygonArray:
    """Polygons and multipolygons packed into flat arrays.

    Shape ``k`` is made of polygon parts ``shape_offsets[k]:shape_offsets[k + 1]``; part ``j`` of
    rings ``part_offsets[j]:part_offsets[j + 1]``, the first its exterior and the rest holes; ring
    ``i`` of ``coords[ring_offsets[i]:ring_offsets[i + 1]]``, closed (the last vertex repeats the
    first). Empty shapes have no parts; every stored part and ring is non-empty.

    Parameters
    ----------
    coords : numpy.ndarray, shape (n_coords, 2)
        Vertices in millimetres, ring after ring.
    ring_offsets, part_offsets, shape_offsets : numpy.ndarray of int
        As above; each starts at 0 and ends at the count of the level below.
    multi : numpy.ndarray of bool, optional
        Which shapes are MultiPolygons (so :meth:`to_shapely` gives back the type it was given);
        default none.
    """

    __slots__ = ("coords", "ring_offsets", "part_offsets", "shape_offsets", "multi")

    def __init__(self, coords, ring_offsets, part_offsets, shape_offsets, multi=None) -> None:
        self.coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
        self.ring_offsets = np.asarray(ring_offsets, dtype=np.int64)
        self.part_offsets = np.asarray(part_offsets, dtype=np.int64)
        self.shape_offsets = np.asarray(shape_offsets, dtype=np.int64)
        n = len(self.shape_offsets) - 1
        self.multi = np.zeros(n, dtype=bool) if multi is None else np.asarray(multi, dtype=bool)
        if (self.ring_offsets[-1] != len(self.coords) or self.part_offsets[-1] != len(self.ring_offsets) - 1
                or self.shape_offsets[-1] != len(self.part_offsets) - 1 or len(self.multi) != n):
            raise PatternError("PolygonArray offsets do not match the arrays they index")

    # -- making ---------------------------------------------------------------------------------

    @classmethod
    def empty(cls) -> PolygonArray:
        """No shapes."""
        zero = np.zeros(1, dtype=np.int64)
        return cls(np.empty((0, 2)), zero, zero, zero)

    @classmethod
    def from_vertices(cls, vertices) -> PolygonArray:
        """Simple polygons (no holes) that all have the same number of vertices.

        The fast way in for shapes generated with numpy: no shapely object is made.

        Parameters
        ----------
        vertices : array_like, shape (n_shapes, n_vertices, 2)
            Each polygon's vertices, not repeating the first at the end; ``n_vertices >= 3``.

        Returns
        -------
        PolygonArray
        """
        vertices = np.asarray(vertices, dtype=np.float64)
        if vertices.ndim != 3 or vertices.shape[2] != 2 or vertices.shape[1] < 3:
            raise PatternError(f"vertices must have shape (n_shapes, n_vertices >= 3, 2); got {vertices.shape}")
        n, k = vertices.shape[:2]
        closed = np.concatenate([vertices, vertices[:, :1]], axis=1).reshape(-1, 2)
        every = np.arange(n + 1, dtype=np.int64)
        return cls(closed, every * (k + 1), every, every)

    @classmethod
    def from_shapely(cls, geometries) -> PolygonArray:
        """Pack shapely Polygons and MultiPolygons (empty ones included).

        Parameters
        ----------
        geometries : array_like of shapely geometries

        Returns
        -------
        PolygonArray

        Raises
        ------
        ValueError
            If an entry is not a Polygon or MultiPolygon (a line, a point, a collection, None).
        """
        geoms = np.asarray(geometries, dtype=object).ravel()
        n = len(geoms)
        if n == 0:
            return cls.empty()
        types = shapely.get_type_id(geoms)
        wrong = ~np.isin(types, (3, 6))
        if wrong.any():
            bad = geoms[np.flatnonzero(wrong)[0]]
            what = "None" if bad is None else getattr(bad, "geom_type", type(bad).__name__)
            raise PatternError(f"a layer holds polygons only; got a {what}")
        multi = types == 6
        if not multi.any() and not shapely.get_num_interior_rings(geoms).any() and not shapely.is_empty(geoms).any():
            # Plain polygons, the usual case: one part and one ring a shape.
            every = np.arange(n + 1, dtype=np.int64)
            counts = shapely.get_num_coordinates(geoms)
            return cls(shapely.get_coordinates(geoms), _offsets(counts), every, every)
        parts, shape_of_part = shapely.get_parts(geoms, return_index=True)
        solid = ~shapely.is_empty(parts)
        parts, shape_of_part = parts[solid], shape_of_part[solid]
        rings, part_of_ring = shapely.get_rings(parts, return_index=True)
        return cls(shapely.get_coordinates(rings), _offsets(shapely.get_num_coordinates(rings)),
                   _offsets(np.bincount(part_of_ring, minlength=len(parts))),
                   _offsets(np.bincount(shape_of_part, minlength=n)), multi)

    @classmethod
    def concatenate(cls, arrays: Sequence[PolygonArray]) -> PolygonArray:
        """The shapes of every array in ``arrays``, in order."""
        arrays = [a for a in arrays if len(a)]
        if not arrays:
            return cls.empty()
        if len(arrays) == 1:
            return arrays[0]
        return cls(np.concatenate([a.coords for a in arrays]),
                   _offsets(np.concatenate([np.diff(a.ring_offsets) for a in arrays])),
                   _offsets(np.concatenate([np.diff(a.part_offsets) for a in arrays])),
                   _offsets(np.concatenate([np.diff(a.shape_offsets) for a in arrays])),
                   np.concatenate([a.multi for a in arrays]))

    # -- reading --------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.shape_offsets) - 1

    def __repr__(self) -> str:
        return f"PolygonArray({len(self)} shapes, {len(self.coords)} vertices)"

    @property
    def ring_lengths(self) -> np.ndarray:
        """Vertices in each ring, the closing repeat included."""
        return np.diff(self.ring_offsets)

    def rings_of_shapes(self) -> tuple[np.ndarray, np.ndarray]:
        """Index of each shape's first ring, and how many rings it has (rings are in shape order)."""
        first = self.part_offsets[self.shape_offsets]
        return first[:-1], np.diff(first)

    def exterior_rings(self) -> np.ndarray:
        """True for each ring that is a part's exterior, False for holes."""
        out = np.zeros(len(self.ring_offsets) - 1, dtype=bool)
        out[self.part_offsets[:-1]] = True
        return out

    def bounds(self) -> np.ndarray:
        """(xmin, ymin, xmax, ymax) of each shape, shape (n_shapes, 4); NaN for empty shapes."""
        out = np.full((len(self), 4), np.nan)
        starts = self.ring_offsets[self.part_offsets[self.shape_offsets]]
        filled = np.diff(starts) > 0
        if filled.any():
            # Empty shapes own no vertices, so each filled shape's run ends where the next begins.
            at = starts[:-1][filled]
            for axis in (0, 1):
                values = self.coords[:, axis]
                out[filled, axis] = np.minimum.reduceat(values, at)
                out[filled, axis + 2] = np.maximum.reduceat(values, at)
        return out

    def take(self, index) -> PolygonArray:
        """The shapes at ``index`` (integer positions or a boolean mask), in that order."""
        index = np.asarray(index)
        index = np.flatnonzero(index) if index.dtype == bool else index.astype(np.int64).ravel()
        parts = concat_ranges(self.shape_offsets[index], np.diff(self.shape_offsets)[index])
        rings = concat_ranges(self.part_offsets[parts], np.diff(self.part_offsets)[parts])
        lengths = self.ring_lengths[rings]
        return PolygonArray(self.coords[concat_ranges(self.ring_offsets[rings], lengths)], _offsets(lengths),
                            _offsets(np.diff(self.part_offsets)[parts]), _offsets(np.diff(self.shape_offsets)[index]),
                            self.multi[index])

    def transformed(self, scale=(1.0, 1.0), offset=(0.0, 0.0)) -> PolygonArray:
        """Every vertex mapped to ``xy * scale + offset`` (a mirror reverses rings, which is harmless:
        renderers orient rings themselves)."""
        return PolygonArray(self.coords * np.asarray(scale, float) + np.asarray(offset, float), self.ring_offsets,
                            self.part_offsets, self.shape_offsets, self.multi)

    def to_shapely(self) -> np.ndarray:
        """The shapes as shapely Polygons and MultiPolygons (object array, one per shape)."""
        n = len(self)
        out = np.empty(n, dtype=object)
        if n == 0:
            return out
        # One polygon a part, straight from the offsets: in shapely 2.1+ about five times faster than
        # making the rings and then the polygons (2.4 ms where that took 12.5 for 313k vertices).
        polygons = shapely.from_ragged_array(shapely.GeometryType.POLYGON, self.coords,
                                             (self.ring_offsets, self.part_offsets))
        n_parts = np.diff(self.shape_offsets)
        single = ~self.multi & (n_parts == 1)
        out[single] = polygons[self.shape_offsets[:-1][single]]
        out[~self.multi & (n_parts == 0)] = shapely.Polygon()
        if self.multi.any():
            shapes = np.flatnonzero(self.multi)
            parts = concat_ranges(self.shape_offsets[shapes], n_parts[shapes])
            multis = np.array([shapely.MultiPolygon() for _ in shapes], dtype=object)
            shapely.multipolygons(polygons[parts], indices=np.repeat(np.arange(len(shapes)), n_parts[shapes]),
                                  out=multis)
            out[shapes] = multis
        return out


class Layer:
    """Polygons filled with one colour.

    Parameters
    ----------
    name : str
        What the layer is (``"petal"``, ``"isen"``, ...), for SVG groups and debugging.
    colour : tuple of int
        (r, g, b), 0-255.
    shapes : PolygonArray or array_like of shapely geometries
        Polygons or MultiPolygons in millimetres; y grows downwards (top of the cloth is 0).

    Attributes
    ----------
    shapes : PolygonArray
        The polygons, packed.
    """

    def __init__(self, name: str, colour, shapes=()) -> None:
        self.name = name
        self.colour = tuple(int(c) for c in colour)
        self.shapes = shapes if isinstance(shapes, PolygonArray) else PolygonArray.from_shapely(shapes)

    @property
    def geometries(self) -> np.ndarray:
        """The shapes as a fresh array of shapely geometries (made on each access)."""
        return self.shapes.to_shapely()

    @geometries.setter
    def geometries(self, value) -> None:
        self.shapes = PolygonArray.from_shapely(value)

    def __len__(self) -> int:
        return len(self.shapes)

    def __repr__(self) -> str:
        return f"Layer({self.name!r}, {self.colour}, {self.shapes!r})"


@dataclass
class Composition:
    """A finished design in vector form.

    Attributes
    ----------
    width_mm, height_mm : float
        Size of the cloth.
    background : tuple of int
        Colour under every layer.
    layers : list of Layer
        Painted in order.
    finish : str
        How it is drawn and dyed (``tulis``, ``cap`` or ``crisp``): the hand is already in the
        geometry; the renderer reads this for the dye passes over the pixels.
    dye_seed : int
        Seeds the dye passes' noise (cap and tulis).
    """

    width_mm: float
    height_mm: float
    background: tuple[int, int, int]
    layers: list[Layer] = field(default_factory=list)
    finish: str = "crisp"
    dye_seed: int = 0

    def n_shapes(self) -> int:
        """Number of shapes over all layers."""
        return sum(len(layer) for layer in self.layers)

    def all_valid(self) -> bool:
        """True if every geometry is valid."""
        return all(bool(np.all(shapely.is_valid(layer.geometries))) for layer in self.layers if len(layer))
