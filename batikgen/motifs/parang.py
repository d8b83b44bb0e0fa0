"""Parang: diagonal bands of S-shaped blades, parted by a strip of small rhombi (mlinjon).

Where it comes from: the parang ("blade", or "cliff") motifs of the Central Javanese courts,
parang rusak ("broken blade") and parang barong, once reserved for the Yogyakarta and Surakarta
kraton. Its rules (pakem):

- Parallel bands run at 45 degrees across the cloth.
- Each band is a row of S-shaped blades (the parang rusak / barong S-curve), each blade crossing
  the band from one edge to the other, stacked one after another along the band.
- Between two bands runs a narrow strip of small rhombi, the mlinjon (mlinjo seeds).
- The scale of a blade classes the cloth: about 2 cm is parang klithik, about 8 cm and more is
  parang barong (the king's).
- Symmetry p2: a band is unchanged by a half turn about any blade's centre, and there are no
  mirrors (an S mirrored is a Z, which is not parang).

Construction here: everything is defined in band coordinates taken from the cloth's global
x + y (along the band) and x - y (across it), so the bands run unbroken from one row of the cloth
to the next; each row draws the blades and rhombi that reach it and clips them to its band.
A blade is the region between two offsets (along the band) of an S-shaped centre line
``a(b) = slant * b + curl * h * sin(pi b / h)``, ``b`` across the band in ``[-h, h]``, with a width
that vanishes at both band edges: odd in ``b``, so a half turn about its centre maps it to itself.

Layers (paint order): ``blade_outline`` (klowongan), ``blade`` (the blade's light body),
``spine`` (a fine S line inside the blade), ``strip_line`` (the lines along the mlinjon strip),
``mlinjon`` (the rhombi).

What drives which parameter is the mapping table's (``batikgen/mapping/default.toml``).
"""

from __future__ import annotations

import numpy as np

from .kit.geometry import clip_to_box, mended_ring, place
from .kit.strokes import stroke_ring
from .registry import MotifFamily, Parameter

SQRT2 = float(np.sqrt(2.0))

#: Band coordinates (a along the band, b across it) to cloth coordinates (x right, y down):
#: bands run from the top left to the bottom right, the Surakarta direction.
BAND_TO_CLOTH = np.array([[1.0, 1.0], [1.0, -1.0]]) / SQRT2



def _parameters(strip_default: float, strip_low: float) -> tuple[Parameter, ...]:
    return (
        Parameter("scale_mm", 15.0, 160.0, 50.0, "mm",
                  "band pitch across the bands: about 20 is klithik, 80 and more is barong"),
        Parameter("slant", -1.6, 1.6, -0.5, "fraction", "how far a blade leans along its band (tip offset / half band)"),
        Parameter("curl", 0.0, 0.7, 0.5, "fraction", "depth of the S curve relative to the half band"),
        Parameter("thickness", 0.2, 0.9, 0.6, "fraction", "blade thickness relative to the spacing of blades along the band"),
        Parameter("blades", 1, 3, 2, "count", "blades along the band per band pitch", integer=True),
        Parameter("strip", strip_low, 0.35, strip_default, "fraction", "width of the strip between bands relative to the pitch"),
        Parameter("line", 0.01, 0.06, 0.025, "fraction", "outline (klowongan) width relative to the pitch"),
    )


PARAMETERS = _parameters(0.24, 0.12)


def band_geometry(params: dict[str, float], mlinjon: bool) -> dict[str, list[np.ndarray]]:
    """Vertex arrays of one blade period in band coordinates, centred on a blade's centre.

    Parameters
    ----------
    params : dict
        Validated parang (or lereng) parameters.
    mlinjon : bool
        Whether the strip between bands holds rhombi (parang) or only its two lines (lereng).

    Returns
    -------
    dict of str to list of numpy.ndarray
        Templates by layer, in (a, b) coordinates: ``a`` along the band, ``b`` across it, one
        band pitch ``P`` = ``scale_mm``; blades repeat every ``P`` along the band.
    """
    pitch = params["scale_mm"]
    strip = params["strip"] * pitch
    line = params["line"] * pitch
    h = (pitch - strip) / 2  # half the width of the band that holds the blades
    reach = h - 0.6 * line  # the blade's tips stop just short of the strip's lines
    t = np.linspace(-1.0, 1.0, 121)
    b = reach * t
    # The S: a slanted line bent by one full sine period, so the two halves bow opposite ways.
    centre = np.column_stack([params["slant"] * b + params["curl"] * reach * np.sin(np.pi * t), b])
    # Thickness across the stroke: full in the middle, a knife's point at each band edge.
    spacing = pitch / params["blades"]
    half = params["thickness"] * spacing / 2 * np.clip(1 - t**2, 0, None) ** 0.45
    layers: dict[str, list[np.ndarray]] = {"blade_outline": [mended_ring(stroke_ring(centre, 2 * half))], "blade": [], "spine": [],
                                           "strip_line": [], "mlinjon": []}
    inner = half - line
    keep = inner > 0.05 * line
    if keep.sum() >= 3:
        layers["blade"].append(mended_ring(stroke_ring(centre[keep], 2 * inner[keep])))
        # The spine: a hairline S through the body, pointed at both ends (the cecek-less isen of parang).
        mid = np.abs(t) < 0.7 * np.abs(t[keep]).max()
        taper = np.minimum(0.28 * line, 0.4 * inner[mid]) * np.clip(1 - (t[mid] / np.abs(t[mid]).max()) ** 2, 0, None) ** 0.5
        layers["spine"].append(mended_ring(stroke_ring(centre[mid], 2 * taper)))
    # Further blades of the same period, each a spacing further along the band.
    for layer in ("blade_outline", "blade", "spine"):
        layers[layer] = [ring + [k * spacing, 0.0] for ring in layers[layer] for k in range(int(params["blades"]))]
    # The strip's two lines, one blade period long (copies meet end to end along the band).
    for side in (-1, 1):
        mid = side * pitch / 2 + side * -(strip / 2 - line / 2)  # just inside each band's edge of the strip
        layers["strip_line"].append(np.array([[-pitch / 2, mid - line / 4], [pitch / 2, mid - line / 4],
                                              [pitch / 2, mid + line / 4], [-pitch / 2, mid + line / 4]]))
    if mlinjon:
        # Each band draws the strip on its +b side (the other belongs to the next band): two rhombi
        # per blade period, at a quarter and three quarters of it, so that a half turn about a
        # blade's centre maps them onto the strip on the other side.
        ra, rb = 0.2 * pitch, 0.32 * strip
        rhomb = np.array([[ra, 0.0], [0.0, rb], [-ra, 0.0], [0.0, -rb]])
        for quarter in (0.25, 0.75):
            layers["mlinjon"].append(rhomb + [(quarter - 0.5) * pitch, pitch / 2])
    return layers


def _blade_centres(y0: float, y1: float, x1: float, pitch: float, margin: float) -> np.ndarray:
    """Cloth coordinates of every blade centre whose blade may reach the box [0, x1] x [y0, y1].

    Blade centres sit at a = j P, b = i P: in the cloth, x = (i + j) P / sqrt 2 and
    y = (j - i) P / sqrt 2, a checkerboard of step P / sqrt 2.
    """
    step = pitch / SQRT2
    m = np.arange(np.floor(-margin / step), np.ceil((x1 + margin) / step) + 1)
    n = np.arange(np.floor((y0 - margin) / step), np.ceil((y1 + margin) / step) + 1)
    mm, nn = np.meshgrid(m, n)
    keep = (mm - nn) % 2 == 0
    return np.column_stack([mm[keep] * step, nn[keep] * step])


def draw_bands(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], mlinjon: bool) -> dict[str, list]:
    """One row of the diagonal band pattern, clipped to the row (shared by parang and lereng).

    Returns
    -------
    dict of str to list of shapely geometries
    """
    width = n_columns * cell_mm
    templates = band_geometry(params, mlinjon)
    pitch = params["scale_mm"]
    centres = _blade_centres(y0, y0 + cell_mm, width, pitch, margin=1.5 * pitch)
    out: dict[str, list] = {}
    for layer, shapes in templates.items():
        drawn: list = []
        for template in shapes:
            drawn.extend(place(template @ BAND_TO_CLOTH.T, centres))
        out[layer] = clip_to_box(drawn, 0.0, y0, width, y0 + cell_mm)
    return out


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """Geometry of one row of parang, top edge at ``y0`` mm (``seeds`` unused: parang is exact)."""
    return draw_bands(y0, cell_mm, n_columns, params, mlinjon=True)


def repeat(cell_mm: float, params: dict[str, float]) -> tuple[float, float]:
    """The raport: a square of side pitch * sqrt 2 (one band and one blade further along each axis)."""
    side = params.get("scale_mm", 50.0) * SQRT2
    return side, side


LAYER_ROLES = (("blade_outline", "outline"), ("blade", "motif"), ("spine", "outline"),
               ("strip_line", "outline"), ("mlinjon", "accent"))

#: The family, found by the registry.
FAMILY = MotifFamily(
    name="parang",
    description="Diagonal bands of S-shaped blades parted by rows of small rhombi (mlinjon), p2",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=LAYER_ROLES,
    repeat=repeat,
)
