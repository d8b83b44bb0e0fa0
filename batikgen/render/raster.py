"""Rasterise a Composition in horizontal strips with anti-aliasing (skia).

Memory stays bounded by one strip: each strip draws only the shapes that cross it, and is handed
to the encoder before the next is drawn. Strips are independent, so they can be drawn in parallel
(see :mod:`batikgen.render.parallel`) and still join into the same bytes.

Path building is the cost that grows with the scene: ``skia.Path.addPoly`` from a list of
``skia.Point`` costs about 1 µs a vertex in Python. Instead every ring of every shape is flattened
once into numpy arrays, and each strip's path (all the shapes of one layer that cross the strip)
is written in skia's own serialised path format with numpy and read back with
``Path.readFromMemory``: one call per layer and strip, about 5 ns a vertex.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import shapely
import skia

from .._validate import check_in_range
from ..errors import RenderError
from ..pattern.composition import Composition

MM_PER_INCH = 25.4
DEFAULT_STRIP_ROWS = 512
#: Refuse renders beyond this; A0 at 300 dpi is ~140 Mpx, a kain panjang ~366 Mpx.
MAX_PIXELS = 2_000_000_000
MIN_DPI, MAX_DPI = 10, 2400

# skia's path serialisation (SkPath::writeToMemory, format version 5): an int32 header holding
# the version and fill type, then counts of points, conic weights and verbs, the float32 points,
# the verbs as bytes, padded to 4 bytes. Verified by round trip in tests/render.
_SKIA_PATH_VERSION = 5
_VERB_MOVE, _VERB_LINE, _VERB_CLOSE = 0, 1, 5
#: Rows drawn above and below each strip and thrown away: skia's anti-aliasing is not exact on
#: the first and last rows of a surface when a shape crosses them, so strips are drawn with a
#: margin and cropped, and the image does not depend on where the strips are cut.
_MARGIN = 4
#: Shapes flattened at a time when preparing a layer.
_PREP_CHUNK = 50_000


def canvas_size(composition: Composition, dpi: float) -> tuple[int, int]:
    """Width and height in pixels of ``composition`` at ``dpi``."""
    scale = dpi / MM_PER_INCH
    return max(1, int(round(composition.width_mm * scale))), max(1, int(round(composition.height_mm * scale)))


def _skia_colour(rgb: tuple[int, int, int]) -> int:
    return skia.Color(int(rgb[0]), int(rgb[1]), int(rgb[2]), 255)


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + c)`` for each pair, without a Python loop."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(counts)
    shift = np.repeat(np.asarray(starts, dtype=np.int64) - (ends - counts), counts)
    return np.arange(total, dtype=np.int64) + shift


@dataclass
class PreparedLayer:
    """One layer's rings flattened into arrays, in pixels, with the strips each shape crosses.

    Attributes
    ----------
    colour : tuple of int
        Fill colour.
    points : numpy.ndarray, shape (n_vertices, 2), float32
        Every ring's vertices (no closing repeat), ring after ring.
    ring_start, ring_length : numpy.ndarray
        Where each ring's vertices are in ``points``.
    shape_ring_start, shape_ring_count : numpy.ndarray
        Which rings belong to each shape.
    first_strip, last_strip : numpy.ndarray
        The strips each shape touches (anti-aliased edge included).
    """

    colour: tuple[int, int, int]
    points: np.ndarray
    ring_start: np.ndarray
    ring_length: np.ndarray
    shape_ring_start: np.ndarray
    shape_ring_count: np.ndarray
    first_strip: np.ndarray
    last_strip: np.ndarray

    def path_bytes(self, strip: int, top: float) -> bytes | None:
        """The serialised skia path of the shapes crossing ``strip``, shifted up by ``top`` px."""
        shapes = np.flatnonzero((self.first_strip <= strip) & (self.last_strip >= strip))
        if not len(shapes):
            return None
        rings = _ranges(self.shape_ring_start[shapes], self.shape_ring_count[shapes])
        lengths = self.ring_length[rings]
        points = self.points[_ranges(self.ring_start[rings], lengths)]
        points[:, 1] -= np.float32(top)
        # Verbs: move, a line per further vertex, close; for every ring.
        n_verbs = int(lengths.sum()) + len(rings)
        verbs = np.full(n_verbs, _VERB_LINE, dtype=np.uint8)
        opens = np.cumsum(lengths + 1) - (lengths + 1)
        verbs[opens] = _VERB_MOVE
        verbs[opens + lengths] = _VERB_CLOSE
        header = np.array([_SKIA_PATH_VERSION, len(points), 0, n_verbs], dtype="<i4").tobytes()
        padding = b"\0" * (-n_verbs % 4)
        return header + points.astype("<f4", copy=False).tobytes() + verbs.tobytes() + padding


def _flatten_simple(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and ring lengths of hole-free polygons, every ring wound the same way.

    The fast path: numpy throughout, no per-shape Python and no shapely ring objects (which cost
    about 1 µs a ring to make).
    """
    coords = shapely.get_coordinates(geometries)
    full = shapely.get_num_coordinates(geometries).astype(np.int64)
    ends = np.cumsum(full)
    starts = ends - full
    # Twice the signed area of each ring (shoelace); the closing vertex repeats the first.
    x, y = coords[:, 0], coords[:, 1]
    cross = np.zeros(len(coords))
    cross[:-1] = x[:-1] * y[1:] - x[1:] * y[:-1]
    cross[ends[full > 0] - 1] = 0.0  # the term pairing a ring's last vertex with the next ring
    area2 = np.add.reduceat(cross, starts[full > 0]) if len(coords) else np.zeros(0)
    signed = np.zeros(len(full))
    signed[full > 0] = area2
    length = np.maximum(full - 1, 0)
    if np.all(signed >= 0) or np.all(signed <= 0):
        # All wound alike (shapes copied from one template usually are): only the winding *between*
        # shapes matters, so keep the order and just drop each ring's closing vertex.
        keep = np.ones(len(coords), dtype=bool)
        keep[ends[full > 0] - 1] = False
        return coords[keep], length
    # Index of each kept vertex; rings wound clockwise (in y-down pixels) are read backwards.
    k = np.arange(int(length.sum()), dtype=np.int64) - np.repeat(np.cumsum(length) - length, length)
    flip = np.repeat(signed < 0, length)
    base = np.repeat(starts, length)
    index = np.where(flip, base + np.repeat(length, length) - 1 - k, base + k)
    return coords[index], length


def _flatten_general(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices, ring lengths and owning shape of every ring, holes wound against exteriors."""
    parts, shape_of_part = shapely.get_parts(geometries, return_index=True)
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)  # polygons only
    parts, shape_of_part = shapely.orient_polygons(parts[keep]), shape_of_part[keep]
    rings, part_of_ring = shapely.get_rings(parts, return_index=True)
    coords = shapely.get_coordinates(rings)
    full = shapely.get_num_coordinates(rings).astype(np.int64)
    not_closing = np.ones(len(coords), dtype=bool)
    not_closing[np.cumsum(full)[full > 0] - 1] = False  # drop each ring's repeated first vertex
    return coords[not_closing], np.maximum(full - 1, 0), shape_of_part[part_of_ring]


def _prepare_layer(geometries: np.ndarray, colour, scale: float, strip_rows: int, n_strips: int) -> PreparedLayer:
    n_shapes = len(geometries)
    simple = bool(np.all((shapely.get_type_id(geometries) == 3) & (shapely.get_num_interior_rings(geometries) == 0)))
    if simple:
        # In chunks, so the float64 and index temporaries stay small: only the float32 points of
        # the whole layer are kept (the prep of 1.3 million shapes peaked 300 MB higher at once).
        point_chunks, length_chunks = [np.empty((0, 2), np.float32)], [np.empty(0, np.int64)]
        for start in range(0, n_shapes, _PREP_CHUNK):
            coords, lengths = _flatten_simple(geometries[start : start + _PREP_CHUNK])
            point_chunks.append((coords * scale).astype(np.float32))
            length_chunks.append(lengths)
        points, ring_length = np.concatenate(point_chunks), np.concatenate(length_chunks)
        del point_chunks
        shape_ring_count = np.ones(n_shapes, dtype=np.int64)
    else:
        # Under the non-zero rule, holes wound against their exterior stay open, and overlapping
        # shapes of one layer merge (one coverage, no seams between them).
        coords, ring_length, shape_of_ring = _flatten_general(geometries)
        shape_ring_count = np.bincount(shape_of_ring, minlength=n_shapes)
        points = (coords * scale).astype(np.float32)
    ring_start = np.cumsum(ring_length) - ring_length
    shape_ring_start = np.cumsum(shape_ring_count) - shape_ring_count  # rings come in shape order

    bounds = np.nan_to_num(shapely.bounds(geometries) * scale, nan=-1.0)
    reach = _MARGIN + 1  # the margin, and the anti-aliased edge
    first = np.clip(np.floor((bounds[:, 1] - reach) / strip_rows).astype(np.int64), 0, n_strips - 1)
    last = np.clip(np.floor((bounds[:, 3] + reach) / strip_rows).astype(np.int64), 0, n_strips - 1)
    last[shape_ring_count == 0] = -1  # nothing to draw
    return PreparedLayer(tuple(int(c) for c in colour), points, ring_start, ring_length,
                         shape_ring_start, shape_ring_count, first, last)


@dataclass
class PreparedScene:
    """A Composition ready to be drawn strip by strip at one resolution.

    Made once, then shared by every worker (inherited on fork, so it is never pickled there).
    """

    width: int
    height: int
    strip_rows: int
    background: tuple[int, int, int]
    layers: list[PreparedLayer]

    @property
    def n_strips(self) -> int:
        """How many strips make the image."""
        return -(-self.height // self.strip_rows)

    def strip_height(self, strip: int) -> int:
        """Rows in ``strip`` (the last may be shorter)."""
        return min(self.strip_rows, self.height - strip * self.strip_rows)


def prepare_scene(composition: Composition, dpi: float, strip_rows: int = DEFAULT_STRIP_ROWS) -> PreparedScene:
    """Flatten ``composition`` into pixel-space arrays for strip drawing.

    Parameters
    ----------
    composition : Composition
        What to draw, in millimetres.
    dpi : float
        Resolution.
    strip_rows : int
        Height of each strip in pixels.

    Returns
    -------
    PreparedScene
    """
    dpi = check_in_range("dpi", dpi, MIN_DPI, MAX_DPI)
    if not isinstance(strip_rows, int) or strip_rows < 1:
        raise RenderError(f"strip_rows must be a positive integer, got {strip_rows!r}")
    width, height = canvas_size(composition, dpi)
    if width * height > MAX_PIXELS:
        raise RenderError(f"{width} x {height} px at {dpi:g} dpi is over {MAX_PIXELS:,} pixels; lower --dpi")
    scale = dpi / MM_PER_INCH
    n_strips = -(-height // strip_rows)
    layers = []
    for layer in composition.layers:
        if not len(layer.geometries):
            continue
        prepared = _prepare_layer(layer.geometries, layer.colour, scale, strip_rows, n_strips)
        if not np.isfinite(prepared.points).all():
            raise RenderError(f"layer {layer.name!r}: a shape has a non-finite coordinate (NaN or infinity); "
                              "every vertex must be a finite number of millimetres")
        layers.append(prepared)
    return PreparedScene(width, height, strip_rows, tuple(int(c) for c in composition.background), layers)


class StripPainter:
    """Draws strips of one scene on a reusable skia surface (one per process).

    The surface draws straight into a numpy buffer (no ``toarray`` copy, which cost 55 ms a strip
    on an A0), and the alpha channel is dropped channel by channel: 7 ms a strip of an A0, against
    43 ms for numpy's ``[..., :3]`` copy and 17 ms for Pillow's convert.
    """

    def __init__(self, scene: PreparedScene) -> None:
        self.scene = scene
        self._buffer = np.empty((scene.strip_rows + 2 * _MARGIN, scene.width, 4), dtype=np.uint8)
        self._surface = skia.Surface(self._buffer, skia.kRGBA_8888_ColorType, skia.kPremul_AlphaType)
        self._paints = [skia.Paint(Color=_skia_colour(layer.colour), AntiAlias=True, Style=skia.Paint.kFill_Style)
                        for layer in scene.layers]
        self._background = _skia_colour(scene.background)

    def paint(self, strip: int) -> np.ndarray:
        """The RGB pixels of ``strip``, shape (rows, width, 3), uint8."""
        scene = self.scene
        rows = scene.strip_height(strip)
        canvas = self._surface.getCanvas()
        canvas.clear(self._background)
        path = skia.Path()
        for layer, paint in zip(scene.layers, self._paints):
            data = layer.path_bytes(strip, strip * scene.strip_rows - _MARGIN)
            if data is None:
                continue
            if path.readFromMemory(data) != len(data):
                raise RenderError(f"skia rejected the path of strip {strip}; the geometry may hold NaN coordinates")
            canvas.drawPath(path, paint)
        # Every pixel is opaque (the background is), so premultiplied RGBA is plain RGBA.
        inner = self._buffer[_MARGIN : _MARGIN + rows]
        rgb = np.empty((rows, scene.width, 3), dtype=np.uint8)
        for channel in range(3):  # one long strided copy per channel: 6x faster than inner[..., :3]
            np.copyto(rgb[..., channel], inner[..., channel])
        return rgb


def render_strips(
    composition: Composition, dpi: float, strip_rows: int = DEFAULT_STRIP_ROWS
) -> Iterator[np.ndarray]:
    """Yield the image as RGB strips from top to bottom, in this process.

    Parameters
    ----------
    composition : Composition
        What to draw, in millimetres.
    dpi : float
        Resolution.
    strip_rows : int
        Height of each strip in pixels (the last may be shorter).

    Yields
    ------
    numpy.ndarray, shape (rows, width, 3), dtype uint8
    """
    scene = prepare_scene(composition, dpi, strip_rows)
    painter = StripPainter(scene)
    for strip in range(scene.n_strips):
        yield painter.paint(strip)


def render_array(composition: Composition, dpi: float) -> np.ndarray:
    """The whole image as one RGB array (for small renders and tests)."""
    return np.concatenate(list(render_strips(composition, dpi)), axis=0)
