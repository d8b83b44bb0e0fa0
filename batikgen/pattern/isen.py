"""Isen-isen: the small fillers that give batik most of its texture, reusable by every family.

Every filler has the same call: ``isen_fill(kind, region, density, scale_mm, rng)`` returns small
polygons inside ``region``. ``density`` in [0, 1] sets how much of the region they cover.
"""

from __future__ import annotations

import numpy as np
import shapely

from .._validate import check_choice, check_in_range
from .geometry import circle, place

#: Filler kinds and what they are.
ISEN_KINDS = {
    "cecek": "dots on a staggered grid",
}


def _cecek(region: shapely.Geometry, density: float, scale_mm: float, rng: np.random.Generator) -> list:
    pitch = scale_mm * (1.6 - density)  # denser means closer dots
    radius = scale_mm * 0.18
    x0, y0, x1, y1 = region.bounds
    rows = np.arange(y0 + pitch / 2, y1, pitch * np.sqrt(3) / 2)
    centres = [
        (x, y) for i, y in enumerate(rows) for x in np.arange(x0 + pitch / 2 + (i % 2) * pitch / 2, x1, pitch)
    ]
    if not centres:
        return []
    dots = place(circle(radius, 10), np.asarray(centres))
    inside = shapely.contains(shapely.buffer(region, -radius * 0.5), dots)
    return list(dots[inside])


_FILLERS = {"cecek": _cecek}


def isen_fill(kind: str, region: shapely.Geometry, density: float, scale_mm: float, rng: np.random.Generator) -> list:
    """Fill ``region`` with isen of ``kind``.

    Parameters
    ----------
    kind : str
        One of :data:`ISEN_KINDS`.
    region : shapely geometry
        Area to fill, in millimetres.
    density : float
        0 (sparse) to 1 (dense).
    scale_mm : float
        Size of one filler element.
    rng : numpy.random.Generator
        For fillers with natural irregularity; from the plan's seed tree.

    Returns
    -------
    list of shapely.Polygon
        Each inside ``region``.
    """
    check_choice("isen kind", kind, ISEN_KINDS)
    density = check_in_range("isen density", density, 0.0, 1.0)
    return _FILLERS[kind](region, density, scale_mm, rng)
