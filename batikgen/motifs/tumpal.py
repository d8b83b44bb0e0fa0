"""Tumpal: a border row of tall triangles, the head panel (kepala) of a sarong.

Where it comes from: the tumpal, a row of triangles older than batik itself (it is found on
Dong Son bronzes and Indian trade cloths), marks the head panel of north-coast sarongs and the
ends of kain panjang and selendang. Each triangle is read as a bamboo shoot (pucuk rebung):
growth, and strength rising from a firm base. Its rules (pakem):

- A row of identical, tall isosceles triangles standing side by side on one edge of the panel,
  usually two rows facing each other across the kepala (here: ``flip``).
- Each triangle is drawn as nested outlines, with a bamboo-shoot ornament (a stem with paired
  leaves) up its axis; each is mirror-symmetric about its own axis.
- Small serrations (untu walang, "locust teeth") can run along the base, and the ground between
  the triangles is filled with isen-isen.

Construction here: the triangles and their nested outlines are vertex arrays built once per row
and copied along it; the nested outlines are rings (a triangle with a triangular hole) so they
paint over the field. The ornament is a stem and pairs of lens leaves, clipped once to the
innermost triangle. Isen-isen fill the left half of the ground between two triangles and are
mirrored onto the right half, keeping the mirror symmetry.

Layers (paint order): ``frame`` (outer outline), ``field`` (the triangle's light body), ``line``
(nested outlines), ``shoot`` (the bamboo-shoot ornament, accent), ``teeth`` (serrations along the
base), ``isen`` (fillers between triangles).
"""

from __future__ import annotations

import numpy as np
import shapely

from ..seeding import SeedTree
from .kit.geometry import clip_to_box, copies, lens, polygonal, rotate, transform_all
from .kit.isen import isen_fill
from .registry import MotifFamily, Parameter, isen_kind, isen_parameters

PARAMETERS = (
    Parameter("count", 1, 4, 2, "count", "triangles per cell", integer=True),
    Parameter("height", 0.6, 1.0, 0.94, "fraction", "triangle height relative to the row"),
    Parameter("nested", 1, 5, 2, "count", "nested outlines inside each triangle", integer=True),
    Parameter("leaves", 0, 5, 3, "count", "pairs of leaves on the bamboo-shoot ornament", integer=True),
    Parameter("teeth", 0, 8, 4, "count", "serrations (untu walang) along the base of each triangle", integer=True),
    Parameter.choice("flip", ("stand", "hang"), "stand", "triangles stand on the bottom edge or hang from the top"),
    Parameter("line", 0.01, 0.05, 0.022, "fraction", "outline width relative to the cell"),
    *isen_parameters(0.4),
)



def _triangle(base: float, height: float) -> np.ndarray:
    """Apex up (y down): base from (-base/2, 0) to (base/2, 0), apex at (0, -height)."""
    return np.array([[-base / 2, 0.0], [base / 2, 0.0], [0.0, -height]])


def _inset(base: float, height: float, by: float) -> tuple[float, float, float]:
    """Base, height and base lift of the triangle whose sides lie ``by`` inside the given one."""
    side = np.hypot(base / 2, height)
    # Incircle scaling: an inset of ``by`` shrinks the triangle about its incentre.
    r = base * height / (base + 2 * side)
    if by >= r:
        return 0.0, 0.0, 0.0
    k = 1 - by / r
    return base * k, height * k, by


def triangle_layers(base: float, height: float, params: dict[str, float], line: float) -> dict[str, list]:
    """Shapely geometries of one triangle standing on the origin (apex up, y down), by layer."""
    outer = shapely.Polygon(_triangle(base, height))
    layers: dict[str, list] = {"frame": [outer], "field": [], "line": [], "shoot": [], "teeth": [], "isen": []}
    b, h, lift = _inset(base, height, line)
    if b <= 0:
        return layers
    layers["field"].append(shapely.Polygon(_triangle(b, h) + [0, -lift]))
    nested = int(params["nested"])
    # Nested outlines share the free depth evenly; each is a ring one line wide.
    r = base * height / (base + 2 * np.hypot(base / 2, height))
    gap = (r - line) / (nested + 1.5)
    innermost = None
    for k in range(1, nested + 1):
        ob, oh, ol = _inset(base, height, line + k * gap)
        ib, ih, il = _inset(base, height, line + k * gap + line * 0.7)
        if ib <= 0:
            break
        ring = shapely.Polygon(_triangle(ob, oh) + [0, -ol], holes=[(_triangle(ib, ih) + [0, -il])[::-1]])
        layers["line"].append(ring)
        innermost = shapely.Polygon(_triangle(ib, ih) + [0, -il])
    room = innermost if innermost is not None else layers["field"][0]
    if params["leaves"] > 0:
        layers["shoot"].extend(_shoot(room, int(params["leaves"]), line))
    teeth = int(params["teeth"])
    if teeth:
        # Untu walang: small triangles standing on the base line, mirror-symmetric about the axis.
        width = base / teeth
        tooth = np.array([[-width / 2, 0.0], [width / 2, 0.0], [0.0, -0.35 * width]])
        xs = (np.arange(teeth) + 0.5) * width - base / 2
        layers["teeth"] = copies([shapely.Polygon(tooth)], np.column_stack([xs, np.zeros(teeth)]))
        # They sit over the frame and field, so they read as a serrated base.
    return layers


def _shoot(room: shapely.Polygon, pairs: int, line: float) -> list:
    """A bamboo-shoot ornament up the axis of ``room`` (a triangle): stem, paired leaves, bud."""
    x0, y0, x1, y1 = room.bounds  # y1 is the base, y0 the apex
    height, base = y1 - y0, x1 - x0
    stem = shapely.box(-line * 0.4, y0 + 0.2 * height, line * 0.4, y1 - 0.04 * height)
    parts = [stem]
    for k in range(pairs):
        t = (k + 0.5) / pairs  # 0 near the base, 1 near the apex
        y = y1 - (0.1 + 0.7 * t) * height
        length = 0.42 * base * (1 - 0.75 * t)
        leaf = lens(length, length * 0.2, 16)
        for side in (-1, 1):
            angle = 35.0 if side > 0 else 145.0  # leaves rise away from the stem
            parts.append(shapely.Polygon(rotate(leaf, -angle) + [0.0, y]))
    bud = lens(0.22 * height, 0.05 * height, 16)
    parts.append(shapely.Polygon(rotate(bud, 90) + [0.0, y0 + 0.04 * height]))
    shoot = polygonal(shapely.union_all(parts).intersection(room.buffer(-line * 0.5, join_style="mitre")))
    return [] if shoot is None else [shoot]


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """One row of tumpal, as :class:`~batikgen.motifs.registry.RowDrawer` says.

    ``seeds``: stream ``isen`` feeds fillers with natural irregularity.
    """
    count = int(params["count"])
    base = cell_mm / count
    height = params["height"] * cell_mm
    line = params["line"] * cell_mm
    layers = triangle_layers(base, height, params, line)
    isen: list = []
    if params["isen_density"] > 0:
        # The ground between two triangles, about its axis x = 0: fill the left half, mirror it.
        half_gap = shapely.Polygon([(-base / 2, -height), (0, -height), (0, 0)]).buffer(-line, join_style="mitre")
        half_gap = half_gap.difference(shapely.box(-base, -0.03 * cell_mm, base, 0.0))
        if not half_gap.is_empty:
            rng = (seeds or SeedTree("unseeded")).rng("isen")
            half = isen_fill(isen_kind(params), half_gap, params["isen_density"], 0.05 * cell_mm, rng)
            isen = list(half) + list(transform_all(half, np.diag([-1.0, 1.0])))
    flip = params["flip"] >= 0.5
    # Triangles stand on the row's bottom edge, or hang (mirrored) from its top edge.
    matrix = np.diag([1.0, -1.0]) if flip else np.eye(2)
    anchor_y = y0 if flip else y0 + cell_mm
    xs = (np.arange(n_columns * count) + 0.5) * base
    offsets = np.column_stack([xs, np.full(len(xs), anchor_y)])
    out = {name: copies(transform_all(shapes, matrix), offsets) for name, shapes in layers.items()}
    gaps = np.column_stack([np.arange(n_columns * count + 1) * base, np.full(n_columns * count + 1, anchor_y)])
    out["isen"] = clip_to_box(copies(transform_all(isen, matrix), gaps), 0.0, y0, n_columns * cell_mm, y0 + cell_mm)
    return out


#: The family, found by the registry.
FAMILY = MotifFamily(
    name="tumpal",
    description="A border row of tall nested triangles with a bamboo-shoot ornament (sarong head panel)",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=(("frame", "outline"), ("field", "motif"), ("line", "outline"), ("shoot", "accent"),
                 ("teeth", "outline"), ("isen", "motif")),
    repeat=lambda cell_mm, params: (cell_mm / params.get("count", 2), cell_mm),
)
