"""The hand of a tulis cloth, as geometry: canting lines that breathe, dots drawn one by one.

A batik tulis is drawn with a canting, a small copper cup with a spout. Its line is not even: the
width breathes over several millimetres as the wax cools and the hand slows, and it swells where
the spout first touches the cloth. Isen dots (cecek) are dabbed one at a time, each a little
bigger or smaller, a little off the grid. Stamped cloth (cap) and exact vectors (crisp) have
neither; they keep the family's geometry as drawn.

Everything here moves vertices by hashed noise of their absolute position on the cloth
(:mod:`batikgen.motifs.kit.noise`) and the plan's seed, never by a generator's state, so repeats of
a cell differ, and the raster strips, the whole canvas and the SVG all carry the same outlines.

Spout classes (sizes at the cloth's size, from batik practice): cecek and sawut spouts draw dots and
fine lines of about 0.25-1 mm, klowong spouts the outlines of 1-2 mm, tembok spouts the broad wax
fills of 1-3 mm. Each class breathes by its own amount (:data:`SPOUTS`).

The per-vertex work (densifying, the breathing's moves, the dabs) runs compiled (``_hand.c``, built at
install; on an A0 kawung about 0.09 s of CPU for the whole hand) or, where no C compiler was at hand,
in numpy (the ``_numpy_*`` functions: the same vertices within 1e-11 mm, about 0.2 s). The numpy
functions are also the reference the compiled hand is tested against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from .._process import available_cores
from ..motifs.kit.noise import hash_uniform, value_noise
from .composition import Layer, PolygonArray
from .parallel import thread_map

try:  # the compiled hand, built by the install when a C compiler is there (see setup.py)
    from . import _hand as _compiled
except ImportError:  # pragma: no cover - installs without a C compiler
    _compiled = None

#: Which hand moves the vertices: "compiled" (C) or "numpy" (the same vertices within rounding, about
#: twice the CPU of the whole hand).
HAND_PASS = "numpy" if _compiled is None else "compiled"

#: Vertices are added along rings so no edge is longer than this (mm): the width then breathes
#: smoothly along long straight edges too.
STEP_MM = 1.0
#: Vertices the hand moves at a time (whole shapes): pieces are what threads share, and a piece's
#: arrays stay in the cores' caches. The breathing of a shape depends on that shape alone, so the
#: pieces change nothing. Measured with the compiled hand on the A0 kawung (2 threads, wall): 32k
#: 0.054 s, 64k 0.051 s, 128k and 1M 0.057-0.062 s (one thread: 0.09 s for any size).
PIECE_VERTICES = 64_000
#: Vertices from which the pieces are shared between threads (a pool costs about a millisecond).
THREAD_MIN_VERTICES = 100_000
#: A shape whose bounding box is at most this across (mm) and has one ring is a dot (cecek),
#: dabbed whole rather than drawn as a line.
DOT_MM = 2.6


@dataclass(frozen=True)
class Spout:
    """How one class of canting spout breathes.

    Attributes
    ----------
    name : str
        cecek/sawut, klowong or tembokan.
    wobble_mm : float
        Standard deviation (about) of the edge's movement, in mm; never more than
        ``relative`` of the shape's own thickness.
    relative : float
        Cap on the movement as a fraction of the shape's thickness (2 x area / perimeter), so fine
        lines breathe in proportion and never vanish.
    swell_mm : float
        Extra half-width where the stroke starts.
    stream : int
        Each class draws its own noise, so an outline and the fill beside it do not move together
        (which would shift the line instead of changing its width).
    """

    name: str
    wobble_mm: float
    relative: float
    swell_mm: float
    stream: int


SPOUTS = {
    "outline": Spout("klowong", 0.18, 0.08, 0.12, 0),
    "motif": Spout("tembokan", 0.15, 0.06, 0.10, 1),
    "accent": Spout("cecek-sawut", 0.08, 0.07, 0.05, 2),
}
#: Correlation lengths (mm) of the two octaves of the breathing, and their weights.
_OCTAVES = ((14.0, 0.85), (5.0, 0.15))
#: The standard deviation of one octave of value noise (:func:`value_noise`): the octaves' sum is
#: divided by it, so the breathing's spread is about the spout's wobble.
_SPREAD = 0.43
#: Length (mm) of the swell at a stroke's start.
_SWELL_MM = 1.2
#: noise.hash_uniform's seeds wrap to 64 bits; the compiled hand takes them wrapped.
_SEED_MASK = 0xFFFFFFFFFFFFFFFF
#: Dots: relative size (radius) spread and position jitter (in dot radii).
_DOT_SIZE, _DOT_SHIFT = 0.075, 0.45


def _spout(role: str) -> Spout:
    """The spout of a layer role; a blend (``motif>outline:0.4``) takes its first role's."""
    return SPOUTS.get(role.split(">")[0].split(":")[0], SPOUTS["motif"])


def densify(shapes: PolygonArray, step: float = STEP_MM) -> PolygonArray:
    """The same shapes with vertices added so no edge is longer than ``step`` (mm)."""
    n = len(shapes.coords)
    if n < 2:
        return shapes
    if _compiled is None:
        return _numpy_densify(shapes, step)
    coords = np.ascontiguousarray(shapes.coords)
    pieces, offsets = np.empty(n, dtype=np.int64), np.empty(len(shapes.ring_offsets), dtype=np.int64)
    total = _compiled.densify_count(coords, np.ascontiguousarray(shapes.ring_offsets, dtype=np.int64), float(step),
                                    pieces, offsets)
    if total == n:
        return shapes
    out = np.empty((total, 2))
    _compiled.densify_fill(coords, pieces, out)
    return PolygonArray(out, offsets, shapes.part_offsets, shapes.shape_offsets, shapes.multi)


def _numpy_densify(shapes: PolygonArray, step: float) -> PolygonArray:
    """:func:`densify` in numpy (at least two vertices): the reference of the compiled hand, and the
    hand of installs without it."""
    coords, offsets, n = shapes.coords, shapes.ring_offsets, len(shapes.coords)
    # Edges run from each vertex to the next, except from a ring's closing vertex.
    last = np.zeros(n, dtype=bool)
    last[offsets[1:] - 1] = True
    seg = np.diff(coords, axis=0, append=coords[-1:])
    length = np.hypot(seg[:, 0], seg[:, 1])
    pieces = np.where(last, 1, np.maximum(1, np.ceil(length / step).astype(np.int64)))
    if (pieces == 1).all():
        return shapes
    starts = np.cumsum(pieces) - pieces
    t = (np.arange(int(pieces.sum())) - np.repeat(starts, pieces)) / np.repeat(pieces, pieces)
    out = np.repeat(coords, pieces, axis=0) + t[:, None] * np.repeat(np.where(last[:, None], 0.0, seg), pieces, axis=0)
    new_offsets = np.concatenate([[0], np.cumsum(pieces)[offsets[1:] - 1]])
    return PolygonArray(out, new_offsets, shapes.part_offsets, shapes.shape_offsets, shapes.multi)


def _ring_index(shapes: PolygonArray) -> np.ndarray:
    return np.repeat(np.arange(len(shapes.ring_offsets) - 1), shapes.ring_lengths)


def _shape_of_ring(shapes: PolygonArray) -> np.ndarray:
    part_of_ring = np.repeat(np.arange(len(shapes.part_offsets) - 1), np.diff(shapes.part_offsets))
    shape_of_part = np.repeat(np.arange(len(shapes)), np.diff(shapes.shape_offsets))
    return shape_of_part[part_of_ring]


def _row_factor(shapes: PolygonArray, rows) -> np.ndarray:
    """Each shape's unsteadiness: the factor of the row its centre lies in (1 without rows)."""
    if rows is None:
        return np.ones(len(shapes))
    y0, cell_mm, factors = rows
    bounds = shapes.bounds()
    centre = np.nan_to_num((bounds[:, 1] + bounds[:, 3]) / 2, nan=y0)
    index = np.clip(np.floor((centre - y0) / cell_mm).astype(np.int64), 0, len(factors) - 1)
    return np.asarray(factors, dtype=float)[index]


def breathe(shapes: PolygonArray, spout: Spout, seed: int, rows=None) -> PolygonArray:
    """Move every edge of ``shapes`` along its outward normal by smooth noise of its position.

    A stroke (both sides moved) or a filled outline (its outer edge moved) then varies in width
    along its length, correlated over several millimetres, with a swell at each ring's start.

    Parameters
    ----------
    shapes : PolygonArray
        Shapes in cloth millimetres.
    spout : Spout
        How much to move.
    seed : int
        The plan's hand seed.
    rows : (float, float, array_like), optional
        ``(y0, cell_mm, factors)``: the rows of the field from ``y0`` down, and each row's
        unsteadiness (the mapping's ``hand``), which scales how far its shapes move.

    Returns
    -------
    PolygonArray
        Same structure, more vertices (:func:`densify`).
    """
    if not len(shapes):
        return shapes
    shapes = densify(shapes)
    moved = _numpy_moved(shapes, spout, seed, rows) if _compiled is None else _compiled_moved(shapes, spout, seed, rows)
    return _valid(PolygonArray(moved, shapes.ring_offsets, shapes.part_offsets, shapes.shape_offsets, shapes.multi))


def _offsets(shapes: PolygonArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ring, part and shape offsets of ``shapes``, contiguous int64, as the compiled hand reads them."""
    return tuple(np.ascontiguousarray(o, dtype=np.int64)
                 for o in (shapes.ring_offsets, shapes.part_offsets, shapes.shape_offsets))


def _compiled_moved(shapes: PolygonArray, spout: Spout, seed: int, rows) -> np.ndarray:
    """The moved vertices of :func:`breathe` from the compiled hand (``_hand.c``), the GIL released."""
    y0, cell_mm, factors = (0.0, 1.0, [1.0]) if rows is None else rows
    seed = seed + 1000 * spout.stream
    moved = np.empty_like(shapes.coords)
    _compiled.breathe(np.ascontiguousarray(shapes.coords), moved, *_offsets(shapes), spout.wobble_mm, spout.relative,
                      spout.swell_mm, _SWELL_MM, _SPREAD,
                      np.array([period for period, _ in _OCTAVES], dtype=np.float64),
                      np.array([weight for _, weight in _OCTAVES], dtype=np.float64),
                      np.array([(seed + i) & _SEED_MASK for i in range(len(_OCTAVES))], dtype=np.uint64),
                      float(y0), float(cell_mm), np.ascontiguousarray(factors, dtype=np.float64))
    return moved


def _numpy_moved(shapes: PolygonArray, spout: Spout, seed: int, rows) -> np.ndarray:
    """The moved vertices of :func:`breathe` (densified ``shapes`` in, before the repair), in numpy:
    the reference of the compiled hand, and the hand of installs without it."""
    c, offsets = shapes.coords, shapes.ring_offsets
    lengths = shapes.ring_lengths
    ring = _ring_index(shapes)
    first = offsets[:-1][ring]
    k = np.arange(len(c)) - first                      # position in ring
    m = lengths[ring] - 1                               # distinct vertices in the ring
    k = np.where(k >= m, 0, k)                          # the closing repeat acts as vertex 0
    m1 = np.maximum(m, 1)
    prev = first + (k - 1) % m1
    nxt = first + (k + 1) % m1
    before, after = np.take(c, prev, axis=0), np.take(c, nxt, axis=0)  # each gathered once: half a million rows
    tangent = after - before
    norm = np.hypot(tangent[:, 0], tangent[:, 1])
    tangent /= np.where(norm > 0, norm, 1.0)[:, None]
    # Corners and cusps (tips of petals, blade points) are held still, easing back to full movement
    # over a few vertices: a sideways push there would fold the outline over itself.
    into, out = c - before, after - c
    turn = np.einsum("ij,ij->i", into, out) / np.maximum(np.hypot(into[:, 0], into[:, 1]) *
                                                         np.hypot(out[:, 0], out[:, 1]), 1e-12)
    hold = np.clip((turn + 0.2) / 0.6, 0.0, 1.0)
    for _ in range(4):
        hold = np.minimum(hold, np.minimum(hold[prev], hold[nxt]) * 0.5 + 0.5)
    # Outward of the material: for a ring of positive shoelace area the outside lies to the right
    # of travel (y-down or y-up, it is the same arithmetic); holes face the other way.
    x, y = c[:, 0], c[:, 1]
    cross = np.zeros(len(c))
    cross[:-1] = x[:-1] * y[1:] - x[1:] * y[:-1]
    cross[offsets[1:] - 1] = 0.0
    area2 = np.add.reduceat(cross, offsets[:-1])
    sign = np.where(area2 >= 0, 1.0, -1.0) * np.where(shapes.exterior_rings(), 1.0, -1.0)
    normal = np.column_stack([tangent[:, 1], -tangent[:, 0]]) * sign[ring][:, None]
    # How far each shape may move: its class's wobble, never more than its share of its thickness.
    seg = np.diff(c, axis=0, append=c[-1:])
    seg_len = np.hypot(seg[:, 0], seg[:, 1])
    seg_len[offsets[1:] - 1] = 0.0
    perimeter = np.add.reduceat(seg_len, offsets[:-1])
    shape_ring = _shape_of_ring(shapes)
    area = np.bincount(shape_ring, np.abs(area2) / 2 * np.where(shapes.exterior_rings(), 1, -1), len(shapes))
    thickness = 2 * area / np.maximum(np.bincount(shape_ring, perimeter, len(shapes)), 1e-9)
    amplitude = (np.minimum(spout.wobble_mm, spout.relative * thickness) * _row_factor(shapes, rows))[shape_ring][ring]
    seed = seed + 1000 * spout.stream
    wobble = sum(w * value_noise(x, y, period, seed + i) for i, (period, w) in enumerate(_OCTAVES)) / _SPREAD
    # The swell: arc length from the ring's start, both ways round.
    arc = np.cumsum(seg_len) - seg_len
    arc -= arc[first]
    total = perimeter[ring]
    from_start = np.minimum(arc, total - arc)
    swell = spout.swell_mm * np.exp(-((from_start / _SWELL_MM) ** 2))
    swell = np.minimum(swell, spout.relative * thickness[shape_ring][ring])
    moved = c + normal * (hold * (amplitude * wobble + swell))[:, None]
    moved[offsets[1:] - 1] = moved[offsets[:-1]]        # rings stay closed
    return moved


def _valid(shapes: PolygonArray) -> PolygonArray:
    """The shapes, with any that a push folded over itself repaired (``shapely.make_valid``, its
    polygon parts kept): renderers would fill them anyway, but wax crackle and the SVG want
    valid geometry."""
    geoms = shapes.to_shapely()
    bad = np.flatnonzero(~shapely.is_valid(geoms))
    if not len(bad):
        return shapes
    fixed = shapely.make_valid(geoms[bad])
    parts, index = shapely.get_parts(fixed, return_index=True)
    polygonal = np.isin(shapely.get_type_id(parts), (3, 6))
    for i in range(len(bad)):
        kept = parts[polygonal & (index == i)]
        geoms[bad[i]] = shapely.unary_union(kept) if len(kept) else shapely.Polygon()
    return PolygonArray.from_shapely(geoms)


def dab(shapes: PolygonArray, seed: int) -> PolygonArray:
    """Each shape (a dot) scaled about its centre and moved a little, by a hash of where it is.

    Square dots (nitik) stay square: a dot is only scaled and moved, never reshaped.

    Parameters
    ----------
    shapes : PolygonArray
        Dots, in cloth millimetres.
    seed : int

    Returns
    -------
    PolygonArray
    """
    if not len(shapes):
        return shapes
    seeds = [seed + 17 * j + i for j in range(3) for i in range(3)]  # three variates, three uniforms each
    if _compiled is None:
        return _numpy_dab(shapes, seeds)
    moved = np.empty_like(shapes.coords)
    _compiled.dab(np.ascontiguousarray(shapes.coords), moved, *_offsets(shapes),
                  np.array([s & _SEED_MASK for s in seeds], dtype=np.uint64), _DOT_SIZE * 2.0, _DOT_SHIFT)
    return PolygonArray(moved, shapes.ring_offsets, shapes.part_offsets, shapes.shape_offsets, shapes.multi)


def _numpy_dab(shapes: PolygonArray, seeds: list[int]) -> PolygonArray:
    """:func:`dab` in numpy: the reference of the compiled hand, and the hand of installs without it."""
    bounds = shapes.bounds()
    centre = (bounds[:, :2] + bounds[:, 2:]) / 2
    radius = np.max(bounds[:, 2:] - bounds[:, :2], axis=1) / 2
    qx, qy = np.round(centre[:, 0] * 1000).astype(np.int64), np.round(centre[:, 1] * 1000).astype(np.int64)
    # Three roughly normal variates per dot (sums of three uniforms, centred), from its position.
    u = [sum(hash_uniform(qx, qy, seeds[3 * j + i]) for i in range(3)) - 1.5 for j in range(3)]
    scale = 1.0 + _DOT_SIZE * 2.0 * u[0]
    shift = np.column_stack(u[1:]) * 2.0 * _DOT_SHIFT * radius[:, None] * 0.5
    vertex_shape = _shape_of_ring(shapes)[_ring_index(shapes)]
    c = shapes.coords
    moved = centre[vertex_shape] + (c - centre[vertex_shape]) * scale[vertex_shape, None] + shift[vertex_shape]
    return PolygonArray(moved, shapes.ring_offsets, shapes.part_offsets, shapes.shape_offsets, shapes.multi)


def is_dot(shapes: PolygonArray) -> np.ndarray:
    """True for each shape that is a dot: one ring, at most :data:`DOT_MM` across."""
    if _compiled is None:
        return _numpy_is_dot(shapes)
    out = np.empty(len(shapes), dtype=bool)
    _compiled.dots(np.ascontiguousarray(shapes.coords), *_offsets(shapes), DOT_MM, out)
    return out


def _numpy_is_dot(shapes: PolygonArray) -> np.ndarray:
    """:func:`is_dot` in numpy: the reference of the compiled hand, and the hand of installs without it."""
    bounds = shapes.bounds()
    _, n_rings = shapes.rings_of_shapes()
    with np.errstate(invalid="ignore"):
        size = np.max(bounds[:, 2:] - bounds[:, :2], axis=1)
        return (n_rings == 1) & (size <= DOT_MM)


def _pieces(shapes: PolygonArray) -> list[PolygonArray]:
    """``shapes`` in runs of whole shapes of about :data:`PIECE_VERTICES` vertices (views, not copies)."""
    size = PIECE_VERTICES
    vertex = shapes.ring_offsets[shapes.part_offsets[shapes.shape_offsets]]  # each shape's first vertex
    cuts = np.searchsorted(vertex, np.arange(size, vertex[-1], size))
    bounds = np.unique(np.concatenate([[0], cuts, [len(shapes)]]))
    pieces = []
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        p0, p1 = shapes.shape_offsets[a], shapes.shape_offsets[b]
        r0, r1 = shapes.part_offsets[p0], shapes.part_offsets[p1]
        v0, v1 = shapes.ring_offsets[r0], shapes.ring_offsets[r1]
        pieces.append(PolygonArray(shapes.coords[v0:v1], shapes.ring_offsets[r0 : r1 + 1] - v0,
                                   shapes.part_offsets[p0 : p1 + 1] - r0, shapes.shape_offsets[a : b + 1] - p0,
                                   shapes.multi[a:b]))
    return pieces


def _split(shapes: PolygonArray) -> tuple[PolygonArray, PolygonArray]:
    """The dots of ``shapes`` and its other shapes (a layer all of one kind is not copied)."""
    dots = is_dot(shapes)
    if dots.all() or not dots.any():
        return (shapes, PolygonArray.empty()) if dots.all() else (PolygonArray.empty(), shapes)
    return shapes.take(dots), shapes.take(~dots)


def _drawn(layers: list[Layer], roles: list[str], seed: int, rows, threads: int) -> list[Layer]:
    """:func:`hand_layer` of each layer, the lines and fills moved piece by piece (see
    :data:`PIECE_VERTICES`), the layers' splitting, dots and pieces shared between ``threads``
    threads (the compiled hand releases the GIL for a whole piece; shapely, for the check of validity)."""
    split = thread_map(_split, [layer.shapes for layer in layers], threads)
    jobs = []  # (layer, what to do, shapes), in the order the layer's shapes are kept
    for index, ((dots, lines), role) in enumerate(zip(split, roles)):
        jobs += [(index, None, dots)] if len(dots) else []
        jobs += [(index, _spout(role), piece) for piece in (_pieces(lines) if len(lines) else [])]

    def draw(job):
        _, spout, shapes = job
        return dab(shapes, seed + 101) if spout is None else breathe(shapes, spout, seed, rows)

    drawn = thread_map(draw, jobs, threads)
    parts: list[list[PolygonArray]] = [[] for _ in layers]
    for (index, _, _), shapes in zip(jobs, drawn):
        parts[index].append(shapes)
    return [Layer(layer.name, layer.colour, PolygonArray.concatenate(own)) if len(layer) else layer
            for layer, own in zip(layers, parts)]


def hand_layer(layer: Layer, role: str, seed: int, rows=None) -> Layer:
    """A layer as a tulis hand draws it: its dots dabbed, its lines and fills breathing.

    Parameters
    ----------
    layer : Layer
    role : str
        The layer's palette role (picks the spout: :data:`SPOUTS`).
    seed : int
        The plan's hand seed.
    rows : optional
        Per-row unsteadiness, as for :func:`breathe`.

    Returns
    -------
    Layer
        A new layer, same name and colour; the dots keep their order, then the other shapes.
    """
    return _drawn([layer], [role], seed, rows, 1)[0]


def hand_layers(layers: list[Layer], roles: dict[str, str], finish: str, seed: int, rows=None,
                workers: int | None = 1) -> list[Layer]:
    """The layers as the finish draws them: by hand for ``tulis``, as they are otherwise.

    Parameters
    ----------
    layers : list of Layer
    roles : dict of str to str
        Layer name to palette role; layers without one (a legend) are left as they are.
    finish : str
        ``tulis``, ``cap`` or ``crisp``.
    seed : int
    rows : (float, float, array_like), optional
        Per-row unsteadiness of the hand, as for :func:`breathe`.
    workers : int or None, optional
        Threads that may draw (None: the available cores; default 1). From
        :data:`THREAD_MIN_VERTICES` vertices, the pieces are shared between them; each piece is
        drawn alone, so the layers are the same for any number.

    Returns
    -------
    list of Layer
    """
    if finish != "tulis":
        return layers
    todo = [i for i, layer in enumerate(layers) if layer.name in roles]
    vertices = sum(len(layers[i].shapes.coords) for i in todo)
    threads = (workers or available_cores()) if vertices >= THREAD_MIN_VERTICES else 1
    drawn = dict(zip(todo, _drawn([layers[i] for i in todo], [roles[layers[i].name] for i in todo], seed, rows,
                                  threads)))
    return [drawn.get(i, layer) for i, layer in enumerate(layers)]


__all__ = ["SPOUTS", "Spout", "breathe", "dab", "densify", "hand_layer", "hand_layers", "is_dot"]
