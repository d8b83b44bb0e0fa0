"""Semen: free compositions of mountain, wings and sprouting tendrils on an isen-filled ground.

Where it comes from: semen (from *semi*, to sprout) is the great non-geometric family of the
Central Javanese courts: semen Rama, semen gendhong, semen sidomukti. Its compositions draw on
the world in the Hindu-Javanese cosmology: the mountain (meru, the seat of the gods, the earth),
the wings of the garuda (sawat or lar, the sky and the upper world), and plants that sprout and
spread (lung-lungan, life). Its rules (pakem):

- The elements are a meru (a rounded, stepped mountain), a sawat (a pair of spread wings with a
  tail, the garuda), and tendrils that curl into spirals and carry leaves.
- Elements are arranged freely but evenly over the cloth, each composition mirror-symmetric about
  its vertical axis, the compositions offset from row to row so no straight grid shows.
- The ground between them is filled with isen-isen (cecek, sawut).

Construction here: one composition per cell, mirror-symmetric about the cell's vertical axis:
the meru at the bottom (a skyline of three peaks, the middle one tallest, with two ridge lines), the sawat above it (two
fans of lens feathers and a tail of three), and a tendril on each side (a tapering stroke along a
shrinking spiral, with lens leaves). Each element is built once per row as numpy vertices; the
outline is the element, the body the element shrunk by the line width (one buffer per row), and
the composition is copied to every cell; alternate rows are offset by half a cell. Isen-isen fill
the left half of the ground and are mirrored to the right half.

Layers (paint order): ``outline`` (klowongan), ``body`` (light fills), ``detail`` (accent:
feather spines, the meru's inner contour, tendril leaves' cores), ``isen`` (fillers on the ground).
"""

from __future__ import annotations

import numpy as np
import shapely

from ..seeding import SeedTree
from .kit.geometry import clip_to_box, copies, lens, mended, polygonal, rotate, transform_all
from .kit.isen import isen_fill
from .kit.strokes import stroke_ring
from .registry import MotifFamily, Parameter, isen_kind, isen_parameters

PARAMETERS = (
    Parameter("feathers", 3, 9, 6, "count", "feathers in each wing of the sawat", integer=True),
    Parameter("span", 0.4, 0.9, 0.72, "fraction", "width of the spread wings relative to the cell"),
    Parameter("meru", 0.0, 0.45, 0.26, "fraction", "height of the mountain relative to the cell (0: none)"),
    Parameter("curl", 0.0, 1.5, 1.0, "count", "turns of each tendril's spiral (0: no tendrils)"),
    Parameter("leaves", 0, 5, 3, "count", "leaves on each tendril", integer=True),
    Parameter("line", 0.008, 0.03, 0.014, "fraction", "outline width relative to the cell"),
    *isen_parameters(0.35),
)



def _mirror(shapes: list) -> list:
    """``shapes`` and their mirror images about the vertical axis x = 0."""
    return list(shapes) + list(transform_all(shapes, np.diag([-1.0, 1.0])))


def sawat(cell: float, feathers: int, span: float) -> tuple[list, list]:
    """The wings and tail: (feather polygons, spine polygons), centred on x = 0 (y down)."""
    # Built with y up (so angles read naturally), turned to the cloth's y-down at the end.
    root = np.array([0.0, 0.02 * cell])
    reach = span * cell / 2
    right, spines = [], []
    for i, angle in enumerate(np.linspace(8.0, 78.0, feathers)):  # outer (longest) feather first
        length = reach * (1.0 - 0.45 * i / max(feathers - 1, 1)) * 0.92
        width = length * 0.16
        right.append(rotate(lens(length, width, 20) + [0.04 * cell, 0.0], angle) + root)
        spine = np.array([[0.1 * length, -width * 0.08], [0.85 * length, -width * 0.04],
                          [0.85 * length, width * 0.04], [0.1 * length, width * 0.08]]) + [0.04 * cell, 0.0]
        spines.append(rotate(spine, angle) + root)
    # The tail: three feathers hanging from the root, the middle one on the axis.
    tail_len = 0.16 * cell
    tail = [rotate(lens(tail_len * (1.15 if angle == -90.0 else 0.9), tail_len * 0.14, 20), angle) + root
            for angle in (-68.0, -90.0, -112.0)]
    down = np.array([1.0, -1.0])
    to_poly = lambda rings: [shapely.Polygon(r * down) for r in rings]  # noqa: E731
    return _mirror(to_poly(right)) + to_poly(tail), _mirror(to_poly(spines))


def meru_profile(width: float, height: float, x: np.ndarray) -> np.ndarray:
    """Height of the meru's ridge above its foot at ``x``: a tall middle peak and two lower ones."""
    def peak(centre, tall, spread):
        return tall * np.exp(-(((x - centre) / spread) ** 2))

    ridge = np.maximum.reduce([peak(0.0, 1.0, 0.2 * width), peak(-0.27 * width, 0.62, 0.16 * width),
                               peak(0.27 * width, 0.62, 0.16 * width)])
    edge = np.clip(1 - (2 * x / width) ** 8, 0, None)  # the flanks come down to the foot at the ends
    return height * ridge * edge


def meru(cell: float, height: float) -> tuple[shapely.Geometry | None, list]:
    """The mountain standing on the bottom of the cell: (its shape, its inner ridge lines)."""
    if height <= 0:
        return None, []
    width = 1.6 * height + 0.1 * cell
    foot = 0.46 * cell
    x = np.linspace(-width / 2, width / 2, 121)
    top = meru_profile(width, height, x)
    shape = shapely.Polygon(np.vstack([np.column_stack([x, foot - top]), [[width / 2, foot], [-width / 2, foot]]]))
    ridges = []
    for drop in (0.3, 0.6):
        # Lower ridges follow the skyline, as the slopes of the mountain (galaran of the meru).
        inner = x[np.abs(x) < width * (0.42 - 0.12 * drop)]
        y = foot - meru_profile(width, height, inner) * (1 - drop) - 0.04 * height
        ridge = mended(stroke_ring(np.column_stack([inner, y]), 2 * (0.012 * cell)))
        if ridge is not None:
            ridges.append(ridge)
    return shape, ridges


def tendril(cell: float, turns: float, leaves: int, line: float) -> tuple[list, list]:
    """The right-hand tendril (a tapering spiral with leaves): (stroke and leaf polygons, leaf cores)."""
    if turns <= 0:
        return [], []
    t = np.linspace(0.0, 1.0, 160)
    centre = np.array([0.3 * cell, 0.12 * cell])
    radius = 0.13 * cell * (1 - 0.78 * t)
    # It leaves the meru's shoulder going outward and winds upward, curling inward (an ukel).
    phi = np.pi * 0.85 - 2 * np.pi * turns * t
    points = centre + np.column_stack([radius * np.cos(phi), -radius * np.sin(phi)])
    half = (1.6 * line) * (1 - 0.7 * t) + 0.2 * line
    body = mended(stroke_ring(points, 2 * half))
    shapes = [body] if body is not None else []
    cores = []
    for s in np.linspace(0.15, 0.6, leaves) if leaves else []:
        i = int(s * (len(t) - 1))
        tangent = points[min(i + 1, len(t) - 1)] - points[max(i - 1, 0)]
        outward = np.array([tangent[1], -tangent[0]])  # to the right of the direction of travel
        angle = np.degrees(np.arctan2(-outward[1], outward[0]))  # rotate() counts counter-clockwise, y up
        leaf_len = 0.075 * cell * (1 - 0.5 * s)
        leaf = rotate(lens(leaf_len, leaf_len * 0.3, 16), angle) * [1.0, -1.0] + points[i]
        shapes.append(shapely.Polygon(leaf))
        core = rotate(lens(leaf_len * 0.6, leaf_len * 0.06, 12) + [leaf_len * 0.2, 0.0], angle) * [1.0, -1.0] + points[i]
        cores.append(shapely.Polygon(core))
    return shapes, cores


def composition(cell_mm: float, params: dict[str, float], rng: np.random.Generator) -> dict[str, list]:
    """Shapely geometries of one semen composition centred on the origin, by layer."""
    line = params["line"] * cell_mm
    feathers, spines = sawat(cell_mm, int(params["feathers"]), params["span"])
    outline = list(feathers)
    detail = list(spines)
    mountain, ridges = meru(cell_mm, params["meru"] * cell_mm)
    if mountain is not None:
        outline.append(mountain)
        inside = mountain.buffer(-2 * line, quad_segs=4)
        detail.extend(g for g in (polygonal(r.intersection(inside)) for r in ridges) if g is not None)
    vine, cores = tendril(cell_mm, params["curl"], int(params["leaves"]), line)
    outline.extend(_mirror(vine))
    detail.extend(_mirror(cores))
    half = cell_mm / 2
    box = shapely.box(-half, -half, half, half).buffer(-0.5 * line, join_style="mitre")
    outline = [g for g in (polygonal(s.intersection(box)) for s in outline) if g is not None]
    bodies = [g for g in (polygonal(s.buffer(-line, quad_segs=4)) for s in outline) if g is not None]
    detail = [g for g in (polygonal(s.intersection(box)) for s in detail) if g is not None]
    layers = {"outline": outline, "body": bodies, "detail": detail, "isen": []}
    if params["isen_density"] > 0:
        taken = shapely.union_all(outline).buffer(1.5 * line, quad_segs=4)
        left = shapely.box(-half, -half, -0.005 * cell_mm, half).buffer(-0.3 * line, join_style="mitre").difference(taken)
        if not left.is_empty:
            fill = isen_fill(isen_kind(params), left, params["isen_density"], 0.045 * cell_mm, rng)
            layers["isen"] = _mirror(fill)
    return layers


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """One row of semen, as :class:`~batikgen.motifs.registry.RowDrawer` says.

    ``seeds``: stream ``isen`` feeds fillers with natural irregularity.
    """
    rng = (seeds or SeedTree("unseeded")).rng("isen")
    shift = (int(round(y0 / cell_mm)) % 2) * cell_mm / 2  # alternate rows sit half a cell over
    xs = (np.arange(-1, n_columns + 1) + 0.5) * cell_mm + shift
    xs = xs[(xs + cell_mm / 2 > 0) & (xs - cell_mm / 2 < n_columns * cell_mm)]
    centres = np.column_stack([xs, np.full(len(xs), y0 + cell_mm / 2)])
    width = n_columns * cell_mm
    return {layer: clip_to_box(copies(shapes, centres), 0.0, y0, width, y0 + cell_mm)
            for layer, shapes in composition(cell_mm, params, rng).items()}


#: The family, found by the registry.
FAMILY = MotifFamily(
    name="semen",
    description="Mountain (meru), garuda wings (sawat) and curling tendrils, mirrored, on an isen ground",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=(("outline", "outline"), ("body", "motif"), ("detail", "accent"), ("isen", "motif")),
    repeat=lambda cell_mm, params: (cell_mm, 2 * cell_mm),
)
