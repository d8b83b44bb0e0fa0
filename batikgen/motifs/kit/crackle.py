"""Wax crackle (remukan): the fine veins where dye seeps through cracked wax.

When waxed cloth is bent in the dye bath, the wax cracks and the dye draws thin branching veins
across the areas it protects. Dye only shows on wax, and an area that stayed under wax through
more dye baths cracked more often: the motif areas, waxed first, show the most crackle, areas
waxed for a later bath less, and the ground (dyed, not waxed) none.

Veins are random walks of a slowly turning heading with side branches, made for the whole cloth
at once with numpy, turned into tapered stroke polygons, and cut to the waxed areas in one
vectorised shapely call over the pairs a spatial index finds.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor

import numpy as np
import shapely

from ..._validate import check_in_range
from .palettes import Palette
from .strokes import stroke_polygons

#: Amount used when a plan does not say: present, but quiet.
DEFAULT_AMOUNT = 0.3

#: How much crackle each palette role shows, relative to the motif (the areas waxed first).
WAX_EXPOSURE = {"motif": 1.0, "accent": 0.35}

#: Vein starts per square millimetre at amount 1 (one per 3 cm x 3 cm before branching).
STARTS_PER_MM2 = 1.0 / 900.0

#: Veins from which :func:`cut_to_wax` cuts them in two halves at once, given a thread pool
#: (about 40 us a vein, against about 0.1 ms for a thread's task).
SPLIT_VEINS = 100

_MAIN_STEPS, _BRANCH_STEPS = 16, 9


def _walks(starts: np.ndarray, heading: np.ndarray, step: np.ndarray, n_steps: int, rng) -> np.ndarray:
    """Random walks with a slowly turning heading: (k, n_steps + 1, 2) vertices."""
    turn = rng.normal(0.0, 0.22, (len(starts), n_steps))
    angles = heading[:, None] + np.cumsum(turn, axis=1)
    moves = np.stack([np.cos(angles), np.sin(angles)], axis=-1) * step[:, None, None]
    return np.concatenate([starts[:, None, :], starts[:, None, :] + np.cumsum(moves, axis=1)], axis=1)


def _taper(widths: np.ndarray, n: int) -> np.ndarray:
    """Widths along a vein: fullest in the middle, a third of that at the tips."""
    profile = 0.35 + 0.65 * np.sin(np.linspace(0.0, np.pi, n))
    return widths[:, None] * profile[None, :]


def crackle_veins(width_mm: float, height_mm: float, amount: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Vein polygons over a whole cloth, before cutting to the waxed areas.

    Parameters
    ----------
    width_mm, height_mm : float
        Size of the cloth.
    amount : float
        0 (none) to 1 (heavy crackle); the number of veins is proportional to it.
    rng : numpy.random.Generator
        From the plan's seed tree.

    Returns
    -------
    veins : numpy.ndarray of shapely.Polygon
        Valid tapered strokes, 0.06-0.3 mm wide.
    rank : numpy.ndarray of float
        A uniform number per vein in [0, 1): a vein shows on a role whose exposure exceeds it.
    """
    amount = check_in_range("crackle", amount, 0.0, 1.0)
    n = int(rng.poisson(amount * STARTS_PER_MM2 * width_mm * height_mm))
    if n == 0:
        return np.empty(0, dtype=object), np.empty(0)
    starts = rng.uniform([0.0, 0.0], [width_mm, height_mm], (n, 2))
    heading = rng.uniform(0.0, 2 * np.pi, n)
    step = rng.uniform(2.0, 4.0, n)
    width = rng.uniform(0.12, 0.3, n)
    main = _walks(starts, heading, step, _MAIN_STEPS, rng)
    # One branch on most veins, leaving at an angle from a vertex away from the ends.
    has_branch = rng.random(n) < 0.75
    at = rng.integers(3, _MAIN_STEPS - 3, n)[has_branch]
    parent = np.flatnonzero(has_branch)
    direction = main[parent, at + 1] - main[parent, at]
    side = np.where(rng.random(len(parent)) < 0.5, -1.0, 1.0)
    branch_heading = np.arctan2(direction[:, 1], direction[:, 0]) + side * rng.uniform(0.5, 1.1, len(parent))
    branch = _walks(main[parent, at], branch_heading, step[parent] * 0.7, _BRANCH_STEPS, rng)
    veins = np.concatenate([stroke_polygons(main, _taper(width, _MAIN_STEPS + 1)),
                            stroke_polygons(branch, _taper(width[parent] * 0.6, _BRANCH_STEPS + 1))])
    rank = np.concatenate([rng.random(n), rng.random(len(parent))])
    valid = shapely.is_valid(veins)  # a walk that turns back on itself is dropped, not repaired
    return veins[valid], rank[valid]


def cut_pairs(veins: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """The polygons of the pairwise intersections of ``veins`` and ``areas``, in order."""
    parts = shapely.get_parts(shapely.intersection(veins, areas))
    return parts[shapely.get_type_id(parts) == 3]


def _cut_veins(veins: np.ndarray, tree: shapely.STRtree, areas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The veins that lie wholly inside one of ``areas`` (indexed by ``tree``), and the polygon
    parts of the others cut to each area they cross, both in vein order."""
    vein_index, area_index = tree.query(veins, predicate="intersects")  # sorted by vein
    vein, area = veins[vein_index], areas[area_index]
    # A vein wholly inside a waxed area needs no cutting (the common case on large motifs).
    inside = shapely.contains_properly(area, vein)
    return vein[inside], cut_pairs(vein[~inside], area[~inside])


def cut_to_wax(veins: np.ndarray, rank: np.ndarray, waxed: Iterable[tuple[np.ndarray, float]],
               pool: Executor | None = None) -> list[np.ndarray]:
    """The parts of the veins that lie on waxed areas, thinned by each area's exposure, area by area.

    Parameters
    ----------
    veins : numpy.ndarray of shapely.Polygon
    rank : numpy.ndarray
        One number in [0, 1) per vein (see :func:`crackle_veins`).
    waxed : iterable of (geometries, exposure)
        Areas under wax and how much crackle each shows (0 to 1); read once, in order, so it may
        be a generator that makes each area's shapes only when they are needed.
    pool : concurrent.futures.Executor, optional
        A thread pool: from :data:`SPLIT_VEINS` veins, the second half of them is cut there while
        this thread cuts the first (shapely releases the GIL while it works). The result is the
        same, in the same order.

    Returns
    -------
    list of numpy.ndarray of shapely.Polygon
        The pieces on each area, one array per entry of ``waxed``, in its order (empty where it
        shows no crackle).
    """
    out = []
    for geometries, exposure in waxed:
        geometries = np.asarray(geometries, dtype=object)
        if not len(geometries) or not len(veins) or exposure <= 0:
            out.append(np.empty(0, dtype=object))
            continue
        shown = veins[rank < exposure]
        tree = shapely.STRtree(geometries)
        if pool is None or len(shown) < SPLIT_VEINS:
            pieces = list(_cut_veins(shown, tree, geometries))
        else:
            half = len(shown) // 2
            try:
                second = pool.submit(_cut_veins, shown[half:], tree, geometries)
            except RuntimeError:  # no thread could be started (a process at its memory limit)
                pieces = list(_cut_veins(shown, tree, geometries))
            else:
                inside, cut = _cut_veins(shown[:half], tree, geometries)
                inside_2, cut_2 = second.result()
                pieces = [inside, inside_2, cut, cut_2]  # the order one call gives
        area = np.concatenate(pieces)
        out.append(area[(shapely.get_type_id(area) == 3) & (shapely.area(area) > 1e-4)])
    return out


def exposure(role: str) -> float:
    """How much crackle a palette role shows, 0 to 1.

    Parameters
    ----------
    role : str
        A palette role, or a blend ``"a>b:t"`` of two (which lies between their exposures).

    Returns
    -------
    float
        :data:`WAX_EXPOSURE` of the role; 0 for roles never under wax (ground, outline).
    """
    if ">" in role:
        pair, _, amount = role.partition(":")
        first, _, second = pair.partition(">")
        t = min(max(float(amount), 0.0), 1.0)
        return (1 - t) * exposure(first) + t * exposure(second)
    return WAX_EXPOSURE.get(role, 0.0)


def crackle_colour(palette: Palette) -> tuple[int, int, int]:
    """The colour of the veins: the ground dye, a little lighter, as seeped dye is thinner.

    Parameters
    ----------
    palette : Palette

    Returns
    -------
    tuple of int
        (r, g, b): 80 % ground, 20 % motif.
    """
    ground, motif = np.array(palette.rgb("ground")), np.array(palette.rgb("motif"))
    return tuple(int(round(v)) for v in 0.8 * ground + 0.2 * motif)
