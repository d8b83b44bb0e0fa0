"""Ceplok: rosettes on a square grid, symmetry p4m.

Where it comes from: ceplok (also ceplokan) is the large Javanese family of geometric motifs in
which one ornament, a flower, star or cross seen from above, repeats on a square grid: ceplok
kembang (flower), ceplok bintang (star), ceplok ganggong, ceplok truntum and many more. Its
rules (pakem):

- One rosette per square cell, centred; the cell is invariant under quarter turns and under the
  mirrors through its centre (axes and diagonals): wallpaper group p4m.
- Where four cells meet, a smaller ornament (here a four-petal flower) joins them, so the ground
  reads as a second, diagonal grid.
- The ground between the ornaments is filled with isen-isen (dots, lines, scales).

Construction here: one rosette and one corner flower are built as vertex arrays (numpy) and
united once per row with shapely; the fill is the rosette shrunk by the outline width (one buffer
per row). Isen-isen are drawn in one eighth of the cell (the triangle centre, edge middle,
corner) and copied by the eight symmetries of the square, so the cell stays exactly p4m whatever
filler is chosen. Everything is then copied to each cell of the row.

Rosette kinds (``rosette``): 0 kembang, an eight-petal flower; 1 bintang, an eight-pointed star
with a star inside; 2 teratai, a cross of four broad petals with four narrow ones between (lotus);
3 ganggong, a quatrefoil of four round lobes around a square.

Layers (paint order): ``frame`` (rosette and corner outlines, klowongan), ``rosette`` (fill),
``corner`` (corner flower fill), ``heart`` (the centres), ``isen`` (fillers on the ground).
"""

from __future__ import annotations

import numpy as np
import shapely

from .kit.geometry import cell_row, circle, lens, rotate, star, teardrop
from .kit.isen import p4m_isen
from .registry import MotifFamily, Parameter, isen_kind, isen_parameters

ROSETTES = ("kembang", "bintang", "teratai", "ganggong")

PARAMETERS = (
    Parameter.choice("rosette", ROSETTES, "kembang", "rosette kind"),
    Parameter("size", 0.5, 0.9, 0.8, "fraction", "rosette diameter relative to the cell"),
    Parameter("fullness", 0.2, 1.0, 0.55, "fraction", "petal width relative to its length"),
    Parameter("corner", 0.0, 0.45, 0.3, "fraction", "corner flower diameter relative to the cell (0: none)"),
    Parameter("line", 0.01, 0.06, 0.025, "fraction", "outline (klowongan) width relative to the cell"),
    *isen_parameters(0.5),
)



def _union(rings) -> shapely.Geometry:
    return shapely.union_all([shapely.Polygon(ring) for ring in rings])


def rosette_outline(kind: int, radius: float, fullness: float) -> shapely.Geometry:
    """The outer shape of a rosette of ``kind`` centred on the origin, ``radius`` to its tips.

    Parameters
    ----------
    kind : int
        Index into :data:`ROSETTES`.
    radius : float
        Centre to the farthest tip, in mm.
    fullness : float
        Petal width over length.

    Returns
    -------
    shapely.Geometry
        A p4m-symmetric polygon.
    """
    if kind == 0:  # kembang: eight equal lens petals around a round heart
        petal = lens(radius * 0.95, radius * 0.95 * fullness / 2, 24) + [radius * 0.05, 0]
        rings = [rotate(petal, 45 * k) for k in range(8)] + [circle(radius * 0.28, 32)]
    elif kind == 1:  # bintang: an eight-pointed star, its notches deepened by fullness
        rings = [star(8, radius, radius * (0.35 + 0.3 * fullness), 0.0)]
    elif kind == 2:  # teratai: four broad petals on the axes, four narrow ones on the diagonals
        broad = teardrop(radius, radius * 0.5 * fullness, 40)
        narrow = lens(radius * 0.7, radius * 0.7 * fullness * 0.35, 16)
        rings = [rotate(broad, 90 * k) for k in range(4)] + [rotate(narrow, 45 + 90 * k) for k in range(4)]
        rings.append(circle(radius * 0.22, 32))
    else:  # ganggong: four round lobes on the axes around a square set on its point
        lobe_r = radius * (0.25 + 0.2 * fullness)
        rings = [circle(lobe_r, 40) + rotate(np.array([[radius - lobe_r, 0.0]]), 90 * k) for k in range(4)]
        rings.append(star(4, radius * 0.62, radius * 0.62 / np.sqrt(2), 45.0))
    return _union(rings)


def rosette_heart(kind: int, radius: float) -> list[np.ndarray]:
    """Vertex arrays of the rosette's centre ornament (accent)."""
    if kind == 1:
        return [star(8, radius * 0.42, radius * 0.22, 22.5)]
    if kind == 3:
        return [star(4, radius * 0.3, radius * 0.12, 0.0)]
    return [circle(radius * 0.14, 24)]


def cell_layers(cell_mm: float, params: dict[str, float], rng: np.random.Generator) -> dict[str, list]:
    """Shapely geometries of one ceplok cell centred on the origin, by layer."""
    kind = int(params["rosette"])
    line = params["line"] * cell_mm
    radius = params["size"] * cell_mm / 2
    outer = rosette_outline(kind, radius, params["fullness"])
    layers: dict[str, list] = {"frame": [outer], "rosette": [], "corner": [], "heart": [], "isen": []}
    fill = outer.buffer(-line, quad_segs=4)
    if not fill.is_empty:
        layers["rosette"].append(fill)
    layers["heart"].extend(shapely.polygons(rosette_heart(kind, radius)))
    half = cell_mm / 2
    ground = shapely.box(-half, -half, half, half).difference(outer.buffer(line, quad_segs=4))
    if params["corner"] > 0:
        # A four-petal flower on every corner, of which this cell holds a quarter each.
        r = params["corner"] * cell_mm / 2
        petal = lens(r, r * 0.3, 16)
        flower = _union([rotate(petal, 45 + 90 * k) for k in range(4)] + [circle(r * 0.2, 16)])
        cell = shapely.box(-half, -half, half, half)
        for cx, cy in ((-half, -half), (half, -half), (half, half), (-half, half)):
            placed = shapely.transform(flower, lambda xy, c=(cx, cy): xy + c)
            quarter = placed.intersection(cell)
            layers["frame"].append(quarter)
            inner = placed.buffer(-line, quad_segs=4).intersection(cell)
            if not inner.is_empty:
                layers["corner"].append(inner)
            ground = ground.difference(placed.buffer(line, quad_segs=4))
    if params["isen_density"] > 0:
        layers["isen"].extend(p4m_isen(ground, cell_mm, isen_kind(params), params["isen_density"], 0.045 * cell_mm, rng))
    return layers


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """One row of ceplok cells, as :class:`~batikgen.motifs.registry.RowDrawer` says.

    ``seeds``: stream ``isen`` feeds fillers with natural irregularity.
    """
    return cell_row(cell_layers, y0, cell_mm, n_columns, params, seeds)


#: The family, found by the registry.
FAMILY = MotifFamily(
    name="ceplok",
    description="Rosettes (flower, star, lotus cross, quatrefoil) on a square grid with joining corner flowers, p4m",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=(("frame", "outline"), ("rosette", "motif"), ("corner", "motif"), ("heart", "accent"),
                 ("isen", "motif")),
)
