"""Mega mendung: horizontal pointed clouds of nested outlines, darkening toward the centre.

Where it comes from: mega mendung ("overcast sky", the clouds that bring rain) is the emblem of
Cirebon on Java's north coast, shaped by Chinese cloud scrolls that came with trade and marriage
into the Cirebon court. Its rules (pakem):

- Each cloud is a horizontal band of rounded lobes that narrows to a point at both ends.
- The cloud is drawn as nested outlines, each inside the last, with a gradation (gradasi) of colour
  from the edge to the heart; by convention seven gradations (real cloths often show five or six),
  the colour darkening inward: blues on a deep red ground in the classic palette.
- The clouds float on an empty ground (no isen-isen), rows of them set off from one another.

Construction here: a cloud is the union of a pointed lens (its body), a row of circular lobes
over it (largest in the middle) and smaller scallops under it, smoothed by a small closing; the
nested outlines are inward offsets of that shape (one shapely buffer each, made once per row and
copied to every cloud). Each row holds whole clouds (so nothing breaks at a row's edge), shifted
by half a cloud on alternate rows as on the cloths.

Layers (paint order): ``gradation_0`` (outermost, lightest) to ``gradation_8`` (heart, darkest);
every layer's role is a blend from the palette's ``motif`` to its ``outline``
(``gradation_i``: ``motif>outline:i/8``, see :meth:`batikgen.motifs.kit.palettes.Palette.rgb`).
How a cloud of ``G`` gradations uses them depends on the finish:

- ``crisp`` (exact vectors, as every cloth was before the finish): the ``k``-th outline (0 the
  rim) goes on :func:`gradation_layer` ``(k, G)``, spreading the ``G`` shades over the whole way
  from ``motif`` to ``outline``, mixed in sRGB: neighbouring rings are 5-19 CIEDE2000 apart for
  seven or nine gradations, 61-90 for two.
- ``cap`` and ``tulis`` (dyed): the rings are consecutive dips of a dye. ``gradation_i`` has the
  colour ``i`` steps of :data:`DYE_STEP` CIEDE2000 darker than ``motif`` along the OKLCh mix
  toward ``outline`` (:func:`batikgen.motifs.kit.palettes.dye_ramp`), and the ``k``-th outline
  goes on :func:`dyed_layer` ``(k, G)``, that is ``gradation_k``: the rim keeps the palette's light
  ``motif`` (as in crisp, so a cloud stands out from the dark grounds of every palette), each ring
  inward is one step (one dip more) darker, light outside and darker inside as the pakem has it, so
  more gradations reach a darker heart and neighbouring rings read as shades of one cloud (1-5
  CIEDE2000 apart as rendered). Seven steps of 1-5 cannot span the whole way from the motif to the
  outline dye (46-100 CIEDE2000 in these palettes): the heart is mid-tone where crisp's is the
  outline. (Anchored at the heart instead, on the outline dye, the rims came out dark: 9-39
  CIEDE2000 from the ground, and indigo-soga's clouds all but vanished on its navy.) The family's
  ``dyed`` field (:class:`batikgen.motifs.registry.Dyed`) gives the builder :func:`draw_row_dyed`
  and :func:`dyed_colours`.
"""

from __future__ import annotations

import numpy as np
import shapely

from .kit.geometry import circle, clip_to_box, copies, lens, polygonal
from .kit.palettes import DYE_STEP, blend, dye_ramp
from .registry import Dyed, MotifFamily, Parameter

#: The most gradations a cloud can have; one layer each.
MAX_GRADATIONS = 9

PARAMETERS = (
    Parameter("gradations", 2, MAX_GRADATIONS, 7, "count", "nested outlines from edge to heart (7 by convention)", integer=True),
    Parameter("length", 1.2, 4.0, 2.4, "fraction", "cloud length in cells"),
    Parameter("height", 0.5, 0.95, 0.9, "fraction", "cloud height relative to the row"),
    Parameter("lobes", 3, 7, 5, "count", "rounded lobes along the top of a cloud", integer=True),
    Parameter("swell", 0.0, 1.0, 0.5, "fraction", "how much larger the middle lobes are than the outer ones"),
    Parameter("gap", 0.05, 1.0, 0.15, "fraction", "space between clouds relative to their length"),
)



def gradation_layer(index: int, gradations: int) -> str:
    """The layer name of the ``index``-th outline (0 outermost) of a cloud of ``gradations``.

    Distinct for distinct ``index`` and darker (nearer ``outline``) the further in.
    """
    if gradations <= 1:
        return "gradation_0"
    return f"gradation_{int(round(index * (MAX_GRADATIONS - 1) / (gradations - 1)))}"


def dyed_layer(index: int, gradations: int) -> str:
    """The layer of the ``index``-th outline (0 outermost) of a cloud of ``gradations`` in cap and
    tulis: consecutive layers from the rim's ``gradation_0``, one dye step each."""
    return f"gradation_{index}"


def dyed_colours(palette) -> dict[str, tuple[int, int, int]]:
    """The layers' colours in cap and tulis: ``gradation_0`` the palette's ``motif``, each layer
    inward one :data:`DYE_STEP` darker toward ``outline`` (:func:`dye_ramp`)."""
    ramp = dye_ramp(palette, "motif", "outline", MAX_GRADATIONS - 1, DYE_STEP)
    return {f"gradation_{i}": ramp[i] for i in range(MAX_GRADATIONS)}


def cloud_outline(length: float, height: float, lobes: int, swell: float) -> shapely.Polygon:
    """The outer edge of one cloud centred on the origin (x right, y down), pointed at both ends.

    Parameters
    ----------
    length, height : float
        Overall size in mm.
    lobes : int
        Lobes along the top.
    swell : float
        0: equal lobes; 1: the middle lobe much larger than the outer ones.

    Returns
    -------
    shapely.Polygon
        Mirror-symmetric about the vertical axis; lies in [-length/2, length/2] x [-height/2, height/2].
    """
    body_y = 0.16 * height  # the body sits low; the lobes rise above it
    body = lens(length, 0.2 * height, 48) + [-length / 2, body_y]
    rings = [body]
    xs = np.linspace(-0.3, 0.3, lobes) * length
    rel = xs / (0.3 * length) if lobes > 1 else np.zeros(1)
    top_r = 0.34 * height * (1 - swell * 0.45 * rel**2)
    top_r = np.minimum(top_r, 0.6 * (xs[1] - xs[0]) if lobes > 1 else top_r)  # neighbours overlap, not swallow
    top_r = np.maximum(top_r, 0.12 * height)
    for x, r in zip(xs, top_r):
        # Each lobe's top lies on an arch from the middle (the cloud's top) down toward the tips.
        top = -height / 2 + swell * 0.18 * height * (x / (0.3 * length)) ** 2 + (0.34 * height - r) * 0.5
        rings.append(circle(r, 48) + [x, top + r])
    # Under the body, a few broad, shallow scallops (not legs): wide circles barely showing below it.
    under_r = 0.26 * height
    for x in np.linspace(-0.2, 0.2, max(2, lobes - 2)) * length:
        rings.append(circle(under_r, 48) + [x, height / 2 - under_r])
    shape = shapely.union_all([shapely.Polygon(r) for r in rings])
    closing = 0.025 * height  # rounds the notches between lobes, as a canting would
    shape = shape.buffer(closing, quad_segs=8).buffer(-closing, quad_segs=8)
    return max(getattr(shape, "geoms", [shape]), key=lambda g: g.area)


def nested_outlines(cloud: shapely.Polygon, gradations: int) -> list:
    """The cloud and its inward offsets: ``gradations`` shapes, each strictly inside the last."""
    inner = shapely.maximum_inscribed_circle(cloud, 0.01).length  # deepest a ring can go
    step = inner / (gradations + 0.4)
    out = [cloud]
    for k in range(1, gradations):
        shrunk = polygonal(cloud.buffer(-k * step, quad_segs=8))
        if shrunk is None:
            break
        out.append(shrunk)
    return out


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None,
             layer=gradation_layer) -> dict[str, list]:
    """Geometry of one row of clouds whose top edge is at ``y0`` mm (``seeds`` unused: exact).

    ``layer(k, G)`` names the layer of the ``k``-th outline: :func:`gradation_layer` (crisp) or
    :func:`dyed_layer` (cap and tulis, through :func:`draw_row_dyed`).

    Returns
    -------
    dict of str to list of shapely geometries
        Every layer ``gradation_i``; the clouds' outlines, clipped to the cloth's width.
    """
    width = n_columns * cell_mm
    length = params["length"] * cell_mm
    height = params["height"] * cell_mm
    gradations = int(params["gradations"])
    outlines = nested_outlines(cloud_outline(length, height, int(params["lobes"]), params["swell"]), gradations)
    pitch = length * (1 + params["gap"])
    row_index = int(round(y0 / cell_mm))
    shift = (row_index % 2) * pitch / 2  # alternate rows sit half a cloud over
    xs = (np.arange(-1, np.ceil(width / pitch) + 2) + 0.5) * pitch + shift
    xs = xs[(xs + length / 2 > 0) & (xs - length / 2 < width)]
    centres = np.column_stack([xs, np.full(len(xs), y0 + cell_mm / 2)])
    out: dict[str, list] = {name: [] for name, _ in LAYER_ROLES}
    for k, shape in enumerate(outlines):
        out[layer(k, gradations)] = clip_to_box(copies([shape], centres), 0.0, y0, width, y0 + cell_mm)
    return out


def draw_row_dyed(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """:func:`draw_row` as cap and tulis lay it out: the outlines on :func:`dyed_layer`."""
    return draw_row(y0, cell_mm, n_columns, params, seeds, layer=dyed_layer)


LAYER_ROLES = tuple((f"gradation_{i}", blend("motif", "outline", i / (MAX_GRADATIONS - 1))) for i in range(MAX_GRADATIONS))

#: The family, found by the registry.
FAMILY = MotifFamily(
    name="mega-mendung",
    description="Cirebon clouds: horizontal pointed clouds of nested outlines darkening toward the heart",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=LAYER_ROLES,
    dyed=Dyed(draw_row_dyed, dyed_colours),
    repeat=lambda cell_mm, params: (params.get("length", 2.4) * cell_mm * (1 + params.get("gap", 0.15)),
                                    2 * cell_mm),
)
