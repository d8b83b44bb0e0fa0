"""Sido: diamond frames whose fields alternate a light ground and a dark one.

Where it comes from: the sido motifs of Surakarta and Yogyakarta (sido mukti, sido luhur, sido
asih, sido mulyo; sido means "to become", a wish the wearer's hopes come true) are worn at
weddings. Its rules (pakem):

- A lattice of frames set on the diagonal divides the cloth into diamond fields.
- The fields alternate like a chequerboard: light fields (the wax kept the ground white) and dark
  fields (dyed, filled with isen-isen), so the eye reads light diamonds on a dark net.
- Each field holds one ornament centred in it; the ornaments of light and dark fields differ.

Construction here: in each square cell the diamond with its corners on the middles of the cell's
edges is a light field, and the four corner triangles are quarters of the dark fields shared with
the neighbouring cells, so frames run on unbroken from cell to cell and row to row. The frame is
a band between two diamonds with a finer line inside it. The light field's ornament is a ceplok
rosette (see :mod:`batikgen.motifs.ceplok`); the dark field's is a four-petal flower. The dark
fields' isen-isen are drawn in one eighth of the cell and mirrored by the eight symmetries of the
square, so the whole cell is p4m.

Layers (paint order): ``light`` (light fields), ``frame`` (the diamond net), ``frame_line``
(fine line inside the frame), ``ornament_outline``, ``ornament`` (light fields' rosette),
``flower`` (dark fields' flower), ``isen`` (dark fields' fillers).
"""

from __future__ import annotations

import numpy as np
import shapely

from .ceplok import ROSETTES, rosette_outline
from .kit.geometry import cell_row, circle, lens, rotate
from .kit.isen import p4m_isen
from .registry import MotifFamily, Parameter, isen_kind, isen_parameters

PARAMETERS = (
    Parameter("frame", 0.02, 0.12, 0.05, "fraction", "width of the diamond frame relative to the cell"),
    Parameter.choice("ornament", ROSETTES, 2, "light fields' rosette"),
    Parameter("size", 0.3, 0.9, 0.62, "fraction", "rosette size relative to the light field"),
    Parameter("flower", 0.0, 0.5, 0.28, "fraction", "dark fields' flower size relative to the cell (0: none)"),
    Parameter("line", 0.01, 0.05, 0.02, "fraction", "outline width relative to the cell"),
    *isen_parameters(0.5),
)



def _diamond(half: float) -> shapely.Polygon:
    """The square set on its point with corners ``half`` from the origin along the axes."""
    return shapely.Polygon([(half, 0), (0, half), (-half, 0), (0, -half)])


def cell_layers(cell_mm: float, params: dict[str, float], rng: np.random.Generator) -> dict[str, list]:
    """Shapely geometries of one sido cell centred on the origin, by layer."""
    half = cell_mm / 2
    frame_w = params["frame"] * cell_mm
    line = params["line"] * cell_mm
    # Distances along an axis: an inset of d perpendicular to a diamond side moves its corner by d*sqrt2.
    inner = half - frame_w / 2 * np.sqrt(2)
    outer_dark = half + frame_w / 2 * np.sqrt(2)  # the frame's far edge, inside the dark fields
    cell = shapely.box(-half, -half, half, half)
    layers: dict[str, list] = {name: [] for name, _ in LAYER_ROLES}
    light = _diamond(inner)
    layers["light"].append(light)
    frame = _diamond(outer_dark).difference(light).intersection(cell)
    layers["frame"].append(frame)
    mid = half
    fine = _diamond(mid + line * 0.35 * np.sqrt(2)).difference(_diamond(mid - line * 0.35 * np.sqrt(2))).intersection(cell)
    layers["frame_line"].append(fine)
    radius = params["size"] * inner / 2 * np.sqrt(2)  # the field's incircle is inner / sqrt2
    rosette = rosette_outline(int(params["ornament"]), radius, 0.6)
    layers["ornament_outline"].append(rosette)
    body = rosette.buffer(-line, quad_segs=4)
    if not body.is_empty:
        layers["ornament"].append(body)
    dark = cell.difference(_diamond(outer_dark))
    if params["flower"] > 0:
        r = params["flower"] * cell_mm / 2
        petal = lens(r, r * 0.34, 16)
        flower = shapely.union_all([shapely.Polygon(rotate(petal, 45 + 90 * k)) for k in range(4)]
                                   + [shapely.Polygon(circle(0.22 * r, 16))])
        for corner in ((-half, -half), (half, -half), (half, half), (-half, half)):
            placed = shapely.transform(flower, lambda xy, c=corner: xy + c).intersection(dark)
            if not placed.is_empty:
                layers["flower"].append(placed)
                dark = dark.difference(placed.buffer(line, quad_segs=4))
    if params["isen_density"] > 0:
        ground = dark.buffer(-line, join_style="mitre")
        layers["isen"].extend(p4m_isen(ground, cell_mm, isen_kind(params), params["isen_density"], 0.04 * cell_mm, rng))
    return layers


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """One row of sido cells, as :class:`~batikgen.motifs.registry.RowDrawer` says.

    ``seeds``: stream ``isen`` feeds fillers with natural irregularity.
    """
    return cell_row(cell_layers, y0, cell_mm, n_columns, params, seeds)


LAYER_ROLES = (("light", "motif"), ("frame", "outline"), ("frame_line", "accent"), ("ornament_outline", "outline"),
               ("ornament", "accent"), ("flower", "motif"), ("isen", "motif"))

#: The family, found by the registry.
FAMILY = MotifFamily(
    name="sido",
    description="Diamond frames with light fields holding rosettes and dark fields holding flowers and isen",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=LAYER_ROLES,
)
