"""Kawung: four lens-shaped petals meeting at a point, on a square lattice (symmetry p4m).

Construction (the pakem): each petal is the overlap of two equal circles; four petals point along
the diagonals from the flower centre to the cell corners, where they meet the petals of the
neighbouring flowers. A petal exactly as full as the classic two-circle construction (width/length
= √2 - 1) touches both meeting points; a fuller petal is drawn shorter so it stays inside its
90-degree wedge, which keeps every cell invariant under quarter turns and mirrors.

Size classes: kawung is named by the coin its flower recalls, from the smallest, kawung picis
(the 10-cent coin), through kawung bribil, to the largest, kawung sen. Here ``size_class`` sets
how many flowers share one cell of the cloth: 0 picis (3 x 3), 1 bribil (2 x 2), 2 sen (1, the
default); the cell stays p4m in each class, and the cell's own size (the plan's ``cell_mm``)
scales them all.

Layers (in paint order): petal outline (klowongan), petal fill, petal core, cecek dots, centre.

What drives which parameter is the mapping table's (``batikgen/mapping/default.toml``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .kit.geometry import circle, lens, place, rotate
from .registry import MotifFamily, Parameter

PARAMETERS = (
    Parameter("fullness", 0.30, 1.0, 0.55, "fraction", "petal width over length (1 is a circle)"),
    Parameter("core", 0.0, 0.8, 0.4, "fraction", "length of the inner core lens relative to the petal"),
    Parameter("cecek", 0, 6, 2, "count", "cecek dots at each end of the core", integer=True),
    Parameter("line", 0.02, 0.12, 0.05, "fraction", "outline (klowongan) width relative to the petal length"),
    Parameter.choice("size_class", ("picis", "bribil", "sen"), "sen",
                     "flowers a cell: picis 3 x 3, bribil 2 x 2, sen one"),
)

#: Flowers along a cell's side for each size class: picis, bribil, sen.
SIZE_CLASSES = {0: ("picis", 3), 1: ("bribil", 2), 2: ("sen", 1)}


_DIAGONALS = (45.0, 135.0, 225.0, 315.0)
#: Gap left between a petal tip and a meeting point, as a fraction of the centre-corner distance.
_TIP_GAP = 0.015


@lru_cache(maxsize=64)
def _pullback(fullness: float) -> float:
    """How far (in petal lengths) a petal's tip must stand off a 90-degree meeting point."""
    unit = lens(1.0, fullness / 2, 96)
    near_tip = unit[unit[:, 0] <= 0.5]
    # Inside the wedge means |y| <= x + pullback for every vertex near that tip.
    return max(0.0, float(np.max(np.abs(near_tip[:, 1]) - near_tip[:, 0])))


def cell_templates(cell_mm: float, params: dict[str, float]) -> dict[str, list[np.ndarray]]:
    """Vertex arrays of one kawung cell centred on the origin, by layer.

    Parameters
    ----------
    cell_mm : float
        Side of the square cell.
    params : dict
        Validated kawung parameters.

    Returns
    -------
    dict of str to list of numpy.ndarray
    """
    span = cell_mm / np.sqrt(2) * (1 - 2 * _TIP_GAP)  # centre to corner, less the two tip gaps
    fullness = params["fullness"]
    length = span / (1 + 2 * _pullback(round(fullness, 4)))
    start = cell_mm / np.sqrt(2) * _TIP_GAP + (span - length) / 2
    half_width = fullness * length / 2
    line = params["line"] * length

    outline = lens(length, half_width) + [start, 0.0]
    inner_len = max(length - 2.6 * line, length * 0.2)
    fill = lens(inner_len, max(half_width - line, half_width * 0.2)) + [start + (length - inner_len) / 2, 0.0]
    layers: dict[str, list[np.ndarray]] = {"outline": [], "petal": [], "core": [], "cecek": [], "centre": []}
    core_len = params["core"] * length
    dots = []
    n_dots = int(params["cecek"])
    if n_dots > 0:
        # Dots run along the axis from the core's ends towards the tips, only where the fill is
        # wide enough to hold a dot clear of the outline.
        radius = 0.03 * length
        upper = lens(length, half_width, 96)[:96]
        wide = upper[np.abs(upper[:, 1]) >= line + 2.5 * radius]
        reach = (wide[:, 0].max() - wide[:, 0].min()) / 2 if len(wide) else 0.0
        near = max(core_len / 2 + 2 * radius, 0.12 * length)
        if reach > near:
            for d in np.linspace(near, reach, n_dots):
                for sign in (-1, 1):
                    dots.append(circle(radius, 12) + [start + length / 2 + sign * d, 0.0])
    for angle in _DIAGONALS:
        layers["outline"].append(rotate(outline, angle))
        layers["petal"].append(rotate(fill, angle))
        if core_len > 0:
            core = lens(core_len, params["fullness"] * core_len / 2 * 0.8, 16)
            layers["core"].append(rotate(core + [start + (length - core_len) / 2, 0.0], angle))
        layers["cecek"].extend(rotate(dot, angle) for dot in dots)
    # The centre where the four petals meet: a small four-pointed star (the flower's "eye").
    star_r = max(start * 0.9, cell_mm * 0.02)
    angles = np.radians(np.arange(8) * 45.0)
    radii = np.where(np.arange(8) % 2 == 0, star_r, star_r * 0.4)
    layers["centre"].append(np.column_stack([radii * np.cos(angles), radii * np.sin(angles)]))
    return layers


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """Geometry of one row of kawung cells whose top edge is at ``y0`` mm.

    Kawung is fully determined by its parameters, so ``seeds`` is unused. The size class divides
    each cell into k x k smaller kawung cells (k = 3, 2, 1 for picis, bribil, sen).

    Returns
    -------
    dict of str to list of shapely.Polygon
    """
    k = SIZE_CLASSES[int(params.get("size_class", 2))][1]
    flower = cell_mm / k
    xs = (np.arange(n_columns * k) + 0.5) * flower
    ys = y0 + (np.arange(k) + 0.5) * flower
    gx, gy = np.meshgrid(xs, ys)
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    out: dict[str, list] = {}
    for layer, templates in cell_templates(flower, params).items():
        shapes: list = []
        for template in templates:
            shapes.extend(place(template, centres))
        out[layer] = shapes
    return out


#: The family, found by the registry.
FAMILY = MotifFamily(
    name="kawung",
    description="Four lens petals meeting at a point on a square lattice (palm fruit / lotus), p4m",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=(("outline", "outline"), ("petal", "motif"), ("core", "accent"),
                 ("cecek", "outline"), ("centre", "accent")),
    repeat=lambda cell_mm, params: (cell_mm / SIZE_CLASSES[int(params.get("size_class", 2))][1],) * 2,
)
