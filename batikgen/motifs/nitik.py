"""Nitik: motifs built only of small square dots on a grid, imitating woven cloth.

Where it comes from: nitik ("dot") batik of Yogyakarta imitates the patola and other woven
textiles that came to Java by trade: with a canting of split spout the maker sets down tiny
square dots, and every line and area of the motif is made of them. Its rules (pakem):

- Every mark is a small square dot, and the dots sit on a regular grid, as the threads of a weave.
- The motifs are geometric, ceplok-like flowers, stars and diamonds, square-symmetric (p4m).
- The repeat cell is small, about 5 to 7 cm; each motif is drawn with lines of dots and filled
  with sparser dots.

Construction here: a cell of ``dots`` x ``dots`` grid places, centred on the cell (so the grid
itself is p4m). Each place is classed by a function of ``(max(|u|, |v|), min(|u|, |v|))`` of its
position from the cell centre, which makes every design p4m by construction: on a motif's outline
(a line of dots), inside it (every other dot, a checker), on a corner ornament, or ground (no dot).
One square template is then copied to every dot with numpy.

Designs (``design``): 0 kembang, four lens petals on the diagonals around a square heart, like a
kawung; 1 cakar, an eight-pointed star; 2 ketupat, nested diamonds.

Layers (paint order): ``line`` (the outlines, light), ``fill`` (the dotted insides, accent),
``corner`` (the small diamonds where four cells meet, light).
"""

from __future__ import annotations

import numpy as np

from .kit.geometry import place
from .registry import MotifFamily, Parameter

DESIGNS = ("kembang", "cakar", "ketupat")

PARAMETERS = (
    Parameter.choice("design", DESIGNS, 0, "design"),
    Parameter("dots", 13, 41, 23, "count", "grid places along each side of a cell", integer=True),
    Parameter("dot", 0.35, 0.9, 0.62, "fraction", "side of a square dot relative to the grid pitch"),
    Parameter("fullness", 0.3, 1.0, 0.6, "fraction", "petal width or star depth"),
    Parameter("fill", 0.0, 1.0, 1.0, "fraction", "share of a motif's inside that is dotted (checker, then sparser)"),
)



def _inside(design: int, big: np.ndarray, small: np.ndarray, fullness: float, shrink: float) -> np.ndarray:
    """Whether points (given by max and min of |u|, |v|, u and v in [-1, 1]) lie in the motif.

    ``shrink`` > 0 gives the same motif pulled in by that much (the outline is the difference).
    """
    if design == 0:
        # Four petals along the diagonals: p runs along a diagonal, q across it.
        p, q = (big + small) / np.sqrt(2), (big - small) / np.sqrt(2)
        centre, half = 0.72, 0.5 - shrink
        along = np.clip(1 - ((p - centre) / max(half, 1e-9)) ** 2, 0, None)
        petal = q <= (0.34 * fullness - shrink) * np.sqrt(along)
        heart = big <= 0.16 - shrink
        return (petal & (along > 0)) | heart
    if design == 1:
        # An eight-pointed star: the radius swings between tip and notch with the angle.
        radius = np.hypot(big, small)
        angle = np.arctan2(small, big)  # 0 on the axes, pi/4 on the diagonals
        tip = 0.82 - shrink
        notch = tip * (1 - 0.55 * fullness)
        bound = notch + (tip - notch) * np.abs(np.cos(4 * angle))
        return radius <= bound
    # Nested diamonds: bands of |u| + |v|.
    level = big + small
    ring = (np.abs(level - 0.75) <= 0.12 + 0.1 * fullness - shrink) | (level <= 0.3 - shrink)
    return ring


def classify(n: int, design: int, fullness: float, fill: float) -> dict[str, np.ndarray]:
    """Boolean masks (n, n) saying which grid places carry a dot of each layer.

    Parameters
    ----------
    n : int
        Grid places per side.
    design : int
        Index into :data:`DESIGNS`.
    fullness, fill : float
        As the parameters.

    Returns
    -------
    dict of str to numpy.ndarray of bool
    """
    coord = (np.arange(n) + 0.5) / n * 2 - 1  # place centres in [-1, 1], symmetric about 0
    u, v = np.meshgrid(coord, coord)
    big, small = np.maximum(np.abs(u), np.abs(v)), np.minimum(np.abs(u), np.abs(v))
    pitch = 2.0 / n
    motif = _inside(design, big, small, fullness, 0.0)
    core = _inside(design, big, small, fullness, 1.05 * pitch)
    line = motif & ~core
    # The inside: a checker of places, thinned further for fill < 0.5; symmetric because it
    # depends only on the (symmetric) place indices' parity from the centre.
    i = np.floor(np.abs(np.arange(n) - (n - 1) / 2))
    ii, jj = np.meshgrid(i, i)
    checker = (ii + jj) % 2 == 0
    sparse = (ii % 2 == 0) & (jj % 2 == 0)
    pattern = checker if fill >= 0.5 else sparse
    inside = core & pattern if fill > 0 else np.zeros_like(core)
    # Small diamonds at the corners, where four cells meet: |1 - |u|| + |1 - |v|| small.
    corner = ((1 - big) + (1 - small) <= 0.3) & ~motif
    return {"line": line, "fill": inside, "corner": corner}


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """Geometry of one row of nitik whose top edge is at ``y0`` mm (``seeds`` unused: exact).

    Returns
    -------
    dict of str to list of shapely.Polygon
        Square dots, each wholly inside its cell.
    """
    n = int(params["dots"])
    pitch = cell_mm / n
    half = params["dot"] * pitch / 2
    square = np.array([[-half, -half], [half, -half], [half, half], [-half, half]])
    masks = classify(n, int(params["design"]), params["fullness"], params["fill"])
    out = {}
    for layer, mask in masks.items():
        rows, cols = np.nonzero(mask)
        local = np.column_stack([(cols + 0.5) * pitch, (rows + 0.5) * pitch])
        offsets = (np.arange(n_columns) * cell_mm)[:, None, None] + np.zeros((1, 1, 2))
        offsets[..., 1] = y0
        centres = (local[None, :, :] + offsets).reshape(-1, 2)
        out[layer] = list(place(square, centres)) if len(centres) else []
    return out


#: The family, found by the registry.
FAMILY = MotifFamily(
    name="nitik",
    description="Flowers, stars and diamonds built only of small square dots on a grid, imitating a weave",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=(("line", "motif"), ("fill", "accent"), ("corner", "motif")),
)
