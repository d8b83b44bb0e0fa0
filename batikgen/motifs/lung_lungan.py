"""Lung-lungan: a running vine, waving along the row, with curling tendrils, leaves and flowers.

Where it comes from: lung-lungan (from *lung*, a young shoot or tendril) is the family of plant
motifs in which a stem winds across the cloth and sprouts tendrils, leaves and blossoms; it runs
through the semen compositions of the courts and along the borders of north-coast cloths. Its
rules (pakem):

- One continuous stem waves across the field.
- At each bend a tendril branches off on the outer side and curls into a spiral (ukel); leaves
  sit along the stem, and a flower sits in the hollow of each bend.
- The bends alternate above and below, so a half wave further on the vine is the same one seen in
  a mirror: glide symmetry along the stem.

Construction here: the stem is a stroke of even width along ``y = A sin(2 pi x / P)`` through the
middle of the row, from global x so it runs on from cell to cell. One bend's tendril (a stroke
along a shrinking spiral), leaves (lenses) and flower (a ring of petals) are built once per row
with numpy, for a bend below the axis, and mirrored for the bends above; then copied to every
bend. Each row holds a whole vine (nothing crosses into the next row), clipped to the cloth.

Layers (paint order): ``stem``, ``leaf``, ``flower`` (all motif: the waxed, light vine) and
``heart`` (accent).
"""

from __future__ import annotations

import numpy as np
import shapely

from .kit.geometry import circle, clip_to_box, copies, lens, mended, rotate, teardrop, transform_all
from .kit.strokes import stroke_ring
from .registry import MotifFamily, Parameter

PARAMETERS = (
    Parameter("waves", 1, 3, 1, "count", "whole waves of the stem per cell", integer=True),
    Parameter("amplitude", 0.05, 0.25, 0.18, "fraction", "height of the stem's wave relative to the row"),
    Parameter("curl", 0.3, 1.5, 0.9, "count", "turns of each tendril's spiral"),
    Parameter("leaves", 0, 3, 2, "count", "leaves along each half wave of the stem", integer=True),
    Parameter("bloom", 0.0, 1.0, 0.6, "fraction", "size of the flowers in the bends (0: none)"),
    Parameter("line", 0.008, 0.04, 0.024, "fraction", "stem width relative to the cell"),
)



def bend(cell: float, period: float, amp: float, params: dict[str, float]) -> dict[str, list]:
    """Tendril, leaves and flower of one bend below the axis, about the bend's crest point (y down)."""
    line = params["line"] * cell
    scale = min(period, cell)  # the ornaments fit both the wave's length and the row's height
    layers: dict[str, list] = {"stem": [], "leaf": [], "flower": [], "heart": []}
    # The tendril leaves the crest downward-forward and curls back into a spiral.
    t = np.linspace(0.0, 1.0, 120)
    r = 0.15 * scale * (1 - 0.75 * t)
    turn = 2 * np.pi * params["curl"] * t
    centre = np.array([0.12 * scale, 0.14 * scale])
    phi = -np.pi * 0.75 + turn
    points = centre + np.column_stack([r * np.cos(phi), r * np.sin(phi)])
    points = np.vstack([[0.0, 0.0], points])  # start on the stem
    tendril = mended(stroke_ring(points, 2 * np.linspace(0.7 * line, 0.25 * line, len(points))))
    if tendril is not None:
        layers["stem"].append(tendril)
    if params["bloom"] > 0:
        # The flower sits in the hollow above the crest (inside the bend).
        size = params["bloom"] * 0.14 * scale
        petal = teardrop(size, size * 0.28, 20)
        hollow = [0.0, -max(0.9 * amp, size + line)]  # inside the bend, clear of the stem
        layers["flower"].extend(shapely.Polygon(rotate(petal, 72 * k - 90) + hollow) for k in range(5))
        layers["heart"].append(shapely.Polygon(circle(0.25 * size, 16) + hollow))
    return layers


def pinholes(vine: shapely.Geometry, max_area: float) -> list[shapely.Polygon]:
    """The holes of ``vine`` smaller than ``max_area`` (mm²), as polygons that fill them.

    Where a tendril leaves the stem, or leaves meet it, the strokes can close a speck of ground
    between them, under a millimetre across: a canting's wax runs into it, so it is filled.
    """
    parts = getattr(vine, "geoms", [vine])
    holes = [shapely.Polygon(ring) for part in parts for ring in part.interiors]
    return [hole for hole in holes if hole.area < max_area]


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """Geometry of one row of lung-lungan whose top edge is at ``y0`` mm (``seeds`` unused: exact).

    Returns
    -------
    dict of str to list of shapely geometries
    """
    width = n_columns * cell_mm
    period = cell_mm / params["waves"]
    amp = params["amplitude"] * cell_mm
    line = params["line"] * cell_mm
    yc = y0 + cell_mm / 2
    # The stem, from global x so that it runs on across cells; one stroke per wave.
    # A little over one wave, so that neighbouring copies overlap and the stem is one piece.
    # Samples every 1/80 of a wave: half a wave is a whole number of steps, so the glide is exact.
    x = np.arange(-2, 83) * period / 80
    wave = np.column_stack([x, amp * np.sin(2 * np.pi * x / period)])
    stem = mended(stroke_ring(wave, line))  # a deep, short wave can bend tighter than the stem is wide
    starts = np.arange(-1, np.ceil(width / period) + 1) * period
    out: dict[str, list] = {"stem": copies([stem], np.column_stack([starts, np.full(len(starts), yc)])),
                            "leaf": [], "flower": [], "heart": []}
    template: list = []
    if params["leaves"] > 0:
        # Leaves along the first half wave (below the axis), leaning forward off the stem and away
        # from the axis; the second half wave holds their mirror images (glide symmetry).
        size = 0.2 * min(period, cell_mm)
        half = []
        for k in range(int(params["leaves"])):
            s = (k + 1) / (params["leaves"] + 1) * 0.5  # fraction of the wave
            slope = np.degrees(np.arctan(amp * 2 * np.pi / period * np.cos(2 * np.pi * s)))
            leaf = rotate(lens(size, size * 0.3, 16), slope + 35.0) + [s * period, amp * np.sin(2 * np.pi * s)]
            half.append(shapely.Polygon(leaf))
        template = half + list(transform_all(half, np.diag([1.0, -1.0]), (period / 2, 0.0)))
        out["leaf"].extend(copies(template, np.column_stack([starts, np.full(len(starts), yc)])))
    below = bend(cell_mm, period, amp, params)
    # Crests: below the axis at a quarter wave, above it at three quarters (mirrored).
    down = np.column_stack([starts + period / 4, np.full(len(starts), yc + amp)])
    up = np.column_stack([starts + 3 * period / 4, np.full(len(starts), yc - amp)])
    for layer, shapes in below.items():
        out[layer].extend(copies(shapes, down))
        out[layer].extend(copies(transform_all(shapes, np.diag([1.0, -1.0])), up))
    # Specks of ground closed in where a tendril leaves the stem or leaves meet it, found once on one
    # wave of the vine at the origin and filled in every copy.
    tendrils = below["stem"]
    wave_vine = [stem, *template,
                 *copies(tendrils, [[period / 4, amp]]),
                 *copies(transform_all(tendrils, np.diag([1.0, -1.0])), [[3 * period / 4, -amp]])]
    specks = pinholes(shapely.union_all(wave_vine), (1.5 * line) ** 2)
    out["stem"].extend(copies(specks, np.column_stack([starts, np.full(len(starts), yc)])))
    return {layer: clip_to_box(shapes, 0.0, y0, width, y0 + cell_mm) for layer, shapes in out.items()}


#: The family, found by the registry.
FAMILY = MotifFamily(
    name="lung-lungan",
    description="A waving vine with spiral tendrils, leaves and flowers in its bends (glide symmetry)",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=(("stem", "motif"), ("leaf", "motif"), ("flower", "motif"), ("heart", "accent")),
    repeat=lambda cell_mm, params: (cell_mm / params.get("waves", 1), cell_mm),
)
