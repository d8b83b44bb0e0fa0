"""Isen-isen: the small fillers that give batik most of its texture, reusable by every family.

Every filler has the same call: ``isen_fill(kind, region, density, scale_mm, rng)`` returns small
polygons inside ``region``. ``density`` in [0, 1] sets how much of the region they cover (more
density, more cover); ``scale_mm`` is the size of one element. Grids are centred on the region's
bounding box, so a symmetric region gets a symmetric fill; only fillers that are irregular by
nature (beras wutah) draw on ``rng``.

Ground fillers (*tanahan*) are the kinds in :data:`GROUND_KINDS`: they fill the background
between motifs rather than the motifs themselves.
"""

from __future__ import annotations

import numpy as np
import shapely

from ..._validate import check_choice, check_in_range, check_positive
from ...errors import ParameterError
from .geometry import circle, place, rotate, square_orbit
from .strokes import stroke_polygons, stroke_rings

#: Filler kinds and what they are. Append only: families may store a kind as its index here.
ISEN_KINDS = {
    "cecek": "dots on a staggered grid",
    "cecek-pitu": "dots in sevens: a centre dot ringed by six",
    "sawut": "bundles of fine parallel lines, bundles turned crosswise like weaving",
    "sisik": "fish scales: rows of arcs, each row tucked under the one above",
    "ukel": "small curls (spirals), turned alternately",
    "galaran": "oblique parallel lines at 45 degrees",
    "gringsing": "tanahan: small touching rings each with a dot (the classic ground)",
    "beras-wutah": "tanahan: scattered rice grains at random angles",
}

#: The kinds meant for grounds (tanahan) between motifs.
GROUND_KINDS = ("gringsing", "beras-wutah", "galaran", "cecek")

#: More elements than this in one call is a mistake of scale (a dot per 0.1 mm over a cloth).
MAX_ELEMENTS = 2_000_000


def _grid(region: shapely.Geometry, pitch_x: float, pitch_y: float, stagger: bool) -> np.ndarray:
    """Lattice points covering the region's bounds, centred on them; odd rows shifted if ``stagger``."""
    x0, y0, x1, y1 = region.bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    nx = int(np.ceil((x1 - x0) / (2 * pitch_x))) + 1
    ny = int(np.ceil((y1 - y0) / (2 * pitch_y))) + 1
    if (2 * nx + 1) * (2 * ny + 1) > MAX_ELEMENTS:
        raise ParameterError(
            f"isen scale_mm is too small for a region of {x1 - x0:.0f} x {y1 - y0:.0f} mm: "
            f"over {MAX_ELEMENTS:,} elements; use a larger scale_mm")
    j, i = np.meshgrid(np.arange(-nx, nx + 1), np.arange(-ny, ny + 1))
    x = cx + j * pitch_x + (stagger * (i % 2) * pitch_x / 2)
    return np.column_stack([x.ravel(), (cy + i * pitch_y).ravel()]), i.ravel(), j.ravel()


def _keep_inside(region: shapely.Geometry, shapes: np.ndarray, margin: float, group: int = 1) -> list:
    """Shapes lying inside ``region`` shrunk by ``margin``; with ``group`` > 1, whole groups only."""
    if not len(shapes):
        return []
    inner = shapely.buffer(region, -margin) if margin > 0 else region
    shapely.prepare(inner)
    inside = shapely.contains(inner, shapes)
    if group > 1:
        inside = np.repeat(inside.reshape(-1, group).all(axis=1), group)
    return list(shapes[inside])


def _cecek(region, density, scale_mm, rng) -> list:
    pitch = scale_mm * (1.6 - density)  # denser means closer dots
    radius = scale_mm * 0.18
    centres, _, _ = _grid(region, pitch, pitch * np.sqrt(3) / 2, stagger=True)
    return _keep_inside(region, place(circle(radius, 10), centres), radius * 0.5)


def _cecek_pitu(region, density, scale_mm, rng) -> list:
    # A cluster is about one scale across; denser packs the clusters closer.
    dot = scale_mm * 0.12
    ring = scale_mm * 0.36
    pitch = scale_mm * (2.4 - 0.95 * density)
    centres, _, _ = _grid(region, pitch, pitch * np.sqrt(3) / 2, stagger=True)
    angles = np.radians(np.arange(6) * 60.0 + 30.0)
    seven = np.vstack([[0.0, 0.0], np.column_stack([ring * np.cos(angles), ring * np.sin(angles)])])
    offsets = (centres[:, None, :] + seven[None, :, :]).reshape(-1, 2)
    return _keep_inside(region, place(circle(dot, 10), offsets), dot * 0.5, group=7)


def _sawut(region, density, scale_mm, rng) -> list:
    # Four strokes a bundle, one scale long; bundles alternate along/across like a basket weave.
    n_lines, width = 4, scale_mm * 0.06
    gap = scale_mm * 0.22
    pitch = scale_mm * (1.9 - 0.7 * density)
    centres, i, j = _grid(region, pitch, pitch, stagger=False)
    across = np.linspace(-(n_lines - 1) / 2, (n_lines - 1) / 2, n_lines) * gap
    along = np.linspace(-scale_mm / 2, scale_mm / 2, 2)
    lines = np.stack([np.column_stack([along, np.full_like(along, a)]) for a in across])  # (lines, 2, 2)
    flat = stroke_rings(lines, width)  # strokes made once, then copied by moving vertices
    turned = flat[..., ::-1]
    rings = np.where(((i + j) % 2 == 0)[:, None, None, None], flat[None], turned[None]) + centres[:, None, None, :]
    shapes = shapely.polygons(rings.reshape(-1, flat.shape[1], 2))  # bundle by bundle
    return _keep_inside(region, shapes, width, group=n_lines)


def _sisik(region, density, scale_mm, rng) -> list:
    # Lower half-rings of radius r, rows r apart and staggered by r: each arc ends on the bottom
    # of the two arcs above it, which is what makes rows read as overlapping scales.
    r = scale_mm / 2
    width = scale_mm * (0.05 + 0.12 * density)
    centres, _, _ = _grid(region, 2 * r, r, stagger=True)
    t = np.linspace(0.0, np.pi, 17)
    arc = np.vstack([np.column_stack([r * np.cos(t), r * np.sin(t)]),
                     np.column_stack([(r - width) * np.cos(t[::-1]), (r - width) * np.sin(t[::-1])])])
    return _keep_inside(region, place(arc, centres), scale_mm * 0.02)


def _ukel(region, density, scale_mm, rng) -> list:
    # An Archimedean spiral of 1.6 turns; the gap between turns stays wider than the stroke.
    turns, outer = 1.6, scale_mm * 0.45
    t = np.linspace(0.0, turns * 2 * np.pi, 48)
    radius = outer * (0.15 + 0.85 * t / t[-1])
    spiral = np.column_stack([radius * np.cos(t), radius * np.sin(t)])
    width = scale_mm * (0.05 + 0.06 * density) * np.linspace(0.6, 1.0, len(t))  # thickening outwards
    pitch = scale_mm * (1.6 - 0.55 * density)
    centres, i, j = _grid(region, pitch, pitch * np.sqrt(3) / 2, stagger=True)
    # Alternate handedness and a quarter turn by lattice parity: lively yet regular, and symmetric.
    # The two curls are stroked once and copied by moving their vertices.
    curls = stroke_rings(np.stack([rotate(spiral, 90.0), spiral * [1.0, -1.0]]), width)
    parity = ((i + j) % 2 == 0)[:, None, None]
    shapes = shapely.polygons(np.where(parity, curls[0][None], curls[1][None]) + centres[:, None, :])
    return _keep_inside(region, shapes, scale_mm * 0.06)


def _galaran(region, density, scale_mm, rng) -> list:
    # Long stripes at 45 degrees through the bounds, cut by the region shrunk by a hairline.
    spacing = scale_mm * (1.1 - 0.6 * density)
    width = scale_mm * 0.12
    x0, y0, x1, y1 = region.bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = np.hypot(x1 - x0, y1 - y0) / 2 + spacing
    n = int(np.ceil(half / spacing))
    if 2 * n + 1 > MAX_ELEMENTS:
        raise ParameterError(f"isen scale_mm {scale_mm:g} is too small for this region; use a larger scale_mm")
    offsets = np.arange(-n, n + 1) * spacing
    direction, normal = np.array([1.0, 1.0]) / np.sqrt(2), np.array([1.0, -1.0]) / np.sqrt(2)
    ends = np.stack([-half * direction, half * direction])  # (2, 2)
    paths = ends[None] + offsets[:, None, None] * normal + [cx, cy]
    stripes = stroke_polygons(paths, width)
    inner = shapely.buffer(region, -width * 0.25)
    pieces = shapely.get_parts(shapely.intersection(stripes, inner))
    pieces = pieces[(shapely.get_type_id(pieces) == 3) & (shapely.area(pieces) > width * width * 0.25)]
    return list(pieces)


def _gringsing(region, density, scale_mm, rng) -> list:
    # Touching rings on a hexagonal packing with a dot at each centre.
    r = scale_mm / 2
    width = scale_mm * (0.06 + 0.08 * density)
    centres, _, _ = _grid(region, 2 * r, r * np.sqrt(3), stagger=True)
    outer, inner = circle(r - width * 0.2, 20), circle(r - width * 1.2, 20)
    rings = shapely.polygons(outer[None] + centres[:, None], holes=(inner[None] + centres[:, None])[:, None])
    dots = place(circle(scale_mm * (0.08 + 0.07 * density), 10), centres)
    shapes = np.column_stack([rings, dots]).ravel()  # ring, dot, ring, dot ...: kept in pairs
    return _keep_inside(region, shapes, scale_mm * 0.02, group=2)


def _beras_wutah(region, density, scale_mm, rng) -> list:
    # Rice grains scattered at random: density is their number per unit area.
    x0, y0, x1, y1 = region.bounds
    count = int(round((x1 - x0) * (y1 - y0) / scale_mm**2 * (0.3 + 2.2 * density)))
    if count > MAX_ELEMENTS:
        raise ParameterError(f"isen scale_mm {scale_mm:g} is too small for this region; use a larger scale_mm")
    if count == 0:
        return []
    centres = np.column_stack([rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)])
    angle = rng.uniform(0.0, np.pi, count)
    t = np.linspace(0.0, 2 * np.pi, 12, endpoint=False)
    a, b = scale_mm * 0.28, scale_mm * 0.1
    grain = np.column_stack([a * np.cos(t), b * np.sin(t)])  # (12, 2)
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    rings = np.stack([grain[:, 0] * cos - grain[:, 1] * sin, grain[:, 0] * sin + grain[:, 1] * cos], axis=-1)
    return _keep_inside(region, shapely.polygons(rings + centres[:, None, :]), b * 0.5)


_FILLERS = {
    "cecek": _cecek,
    "cecek-pitu": _cecek_pitu,
    "sawut": _sawut,
    "sisik": _sisik,
    "ukel": _ukel,
    "galaran": _galaran,
    "gringsing": _gringsing,
    "beras-wutah": _beras_wutah,
}


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
        Each valid and inside ``region``; empty if the region is empty or too small.

    Raises
    ------
    ParameterError
        For an unknown kind, a density outside [0, 1], a non-positive scale, or a scale so small
        for the region that it would make more than :data:`MAX_ELEMENTS` elements.
    """
    check_choice("isen kind", kind, ISEN_KINDS)
    density = check_in_range("isen density", density, 0.0, 1.0)
    scale_mm = check_positive("isen scale_mm", scale_mm, "mm")
    if region is None or region.is_empty or region.area <= 0:
        return []
    return _FILLERS[kind](region, density, scale_mm, rng)


def p4m_isen(ground, cell_mm: float, kind: str, density: float, scale_mm: float, rng: np.random.Generator) -> list:
    """Isen over ``ground`` (inside a cell centred on the origin) that keep the cell's p4m symmetry.

    The fillers are drawn in one eighth of the cell and copied by the square's eight symmetries,
    so a p4m motif (ceplok, sido) stays exactly p4m with its isen.

    Parameters
    ----------
    ground : shapely geometry
        The area to fill, in cell coordinates (the cell spans ``[-cell_mm/2, cell_mm/2]``).
    cell_mm : float
        Side of the cell.
    kind, density, scale_mm, rng
        As for :func:`isen_fill`.

    Returns
    -------
    list of shapely.Polygon
    """
    half = cell_mm / 2
    eighth = shapely.Polygon([(0, 0), (half, 0), (half, half)]).buffer(-0.01 * cell_mm, join_style="mitre")
    region = ground.intersection(eighth)
    if region.is_empty:
        return []
    return square_orbit(isen_fill(kind, region, density, scale_mm, rng))
