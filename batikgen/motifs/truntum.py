"""Truntum: small star-flowers scattered on a grid over a dark ground.

Where it comes from: truntum ("to bloom again") is told to have been created at the Surakarta
court by Kanjeng Ratu Kencana, who drew the stars of a night sky while waiting for the king's
love to return; the parents of a Javanese bride wear it at the wedding. Its rules (pakem):

- Small flowers like stars (kembang tanjung / jasmine), each a ring of petals around a heart,
  repeat on a regular grid; smaller sparks sit between them, so the eye reads a diagonal lattice.
- The ground is dark (soga brown or indigo) and the flowers light, like stars in the night.
- Each flower is radially symmetric; with eight petals the whole grid is p4m. Hand-drawn cloths
  show small irregularities: here an optional, seeded ``jitter``.

Construction here: each row is divided into ``flowers`` x ``flowers`` sub-cells per cell; a whole
flower sits at the centre of each sub-cell (so rows never cut a flower) and a four-dot spark at
each sub-cell corner (clipped at the row's edge, where the next row's half completes it).
Petals are pointed teardrops made with numpy, all flowers of a row at once (one array), so jitter
costs nothing extra.

Layers (paint order): ``petal`` (the light petals), ``heart`` (accent), ``eye`` (a ground-coloured
dot in the heart), ``spark`` (the dots between flowers).
"""

from __future__ import annotations

import numpy as np
import shapely

from .kit.geometry import circle, clip_to_box, place, rotate, teardrop
from .registry import MotifFamily, Parameter

PARAMETERS = (
    Parameter("petals", 5, 8, 8, "count", "petals of each flower", integer=True),
    Parameter("flowers", 1, 4, 2, "count", "flowers along each side of a cell", integer=True),
    Parameter("size", 0.3, 0.85, 0.6, "fraction", "flower diameter relative to the flower spacing"),
    Parameter("fullness", 0.25, 0.9, 0.5, "fraction", "petal width relative to its length"),
    Parameter("spark", 0.0, 1.0, 0.5, "fraction", "size of the sparks between flowers (0: none)"),
    Parameter("jitter", 0.0, 0.3, 0.0, "fraction", "hand-drawn irregularity of petals and placing (seeded)"),
)



#: With jitter on, the irregularities repeat every this many cells along a row.
JITTER_PERIOD_CELLS = 4


def _repeat(cell_mm: float, params: dict) -> tuple[float, float]:
    """One sub-cell when the flowers are regular; a block of cells wide when they are jittered."""
    step = cell_mm / params.get("flowers", 2)
    if params.get("jitter", 0.0) > 0:
        return JITTER_PERIOD_CELLS * cell_mm, cell_mm
    return step, step


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """One row of truntum, as :class:`~batikgen.motifs.registry.RowDrawer` says.

    ``seeds``: stream ``jitter`` drives the hand-drawn irregularity (unused when ``jitter`` is 0).
    """
    k = int(params["flowers"])
    step = cell_mm / k
    width = n_columns * cell_mm
    n = int(params["petals"])
    radius = params["size"] * step / 2
    xs = (np.arange(n_columns * k) + 0.5) * step
    ys = y0 + (np.arange(k) + 0.5) * step
    cx, cy = np.meshgrid(xs, ys)
    centres = np.column_stack([cx.ravel(), cy.ravel()])
    n_flowers = len(centres)
    jitter = params["jitter"]
    if jitter > 0:
        rng = seeds.rng("jitter")
        # The hand's irregularity is drawn for a block of JITTER_PERIOD_CELLS cells and repeated
        # along the row, so the cloth still has a seamless raport (declared by _repeat).
        block_columns = JITTER_PERIOD_CELLS * k
        block = rng.normal(0, jitter * 180 / n, (k, block_columns))
        column = np.arange(n_columns * k) % block_columns
        pick = (np.repeat(np.arange(k), n_columns * k), np.tile(column, k))
        turn = block[pick]  # degrees, per flower
        stretch_block = 1 + np.clip(rng.normal(0, jitter * 0.5, (k, block_columns, n)), -0.5, 0.5)
        stretch = stretch_block[pick]  # per petal
        # Keep every flower inside its sub-cell: the shift and the longest petal share the margin.
        shift = rng.uniform(-1, 1, (k, block_columns, 2))[pick] * jitter * 0.5 * (step / 2 - radius)
        radius_cap = (step / 2 - np.abs(shift).max(axis=1)) / (radius * stretch.max(axis=1))
        stretch *= np.minimum(1.0, radius_cap)[:, None]
        centres = centres + shift
    else:
        turn, stretch = np.zeros(n_flowers), np.ones((n_flowers, n))
    inner = 0.2 * radius
    petal = teardrop(radius - inner, (radius - inner) * params["fullness"] / 2, 24)
    # All petals of all flowers at once: scale along the petal, push out past the heart, rotate, place.
    angles = np.radians(turn[:, None] - 90 + 360.0 * np.arange(n)[None, :] / n)  # first petal points up
    local = petal[None, None, :, :] * np.stack([stretch, np.ones_like(stretch)], -1)[:, :, None, :]
    local[..., 0] += inner * stretch[:, :, None]
    cos, sin = np.cos(angles)[:, :, None], np.sin(angles)[:, :, None]
    rotated = np.stack([local[..., 0] * cos - local[..., 1] * sin, local[..., 0] * sin + local[..., 1] * cos], -1)
    petals = shapely.polygons((rotated + centres[:, None, None, :]).reshape(-1, len(petal), 2))
    out = {
        "petal": list(petals),
        "heart": list(place(circle(0.3 * radius, 24), centres)),
        "eye": list(place(circle(0.11 * radius, 12), centres)),
        "spark": [],
    }
    if params["spark"] > 0:
        # Four dots in a diamond on every sub-cell corner: the small stars between the flowers.
        r_dot = 0.045 * step * (0.4 + params["spark"])
        reach = 0.13 * step  # along the cell lines, toward the gaps between flowers
        dots = [circle(r_dot, 12) + rotate(np.array([[reach, 0.0]]), 90 * q) for q in range(4)]
        gx, gy = np.meshgrid(np.arange(n_columns * k + 1) * step, y0 + np.arange(k + 1) * step)
        corners = np.column_stack([gx.ravel(), gy.ravel()])
        sparks = [shape for dot in dots for shape in place(dot, corners)]
        sparks.extend(place(circle(r_dot * 1.3, 12), corners))
        out["spark"] = clip_to_box(sparks, 0.0, y0, width, y0 + cell_mm)
    return out


#: The family, found by the registry.
FAMILY = MotifFamily(
    name="truntum",
    description="Small star-flowers on a grid with sparks between them, light on a dark ground",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=(("petal", "motif"), ("heart", "accent"), ("eye", "ground"), ("spark", "motif")),
    repeat=_repeat,
)
