"""The repeat tile (raport) of a motif family: one period of its pattern, cut to its frame.

A family draws its pattern row by row (``draw_row``) and declares the size of its repeat
(``repeat(cell_mm, params) -> (w, h)``). The tile is the pattern over ``[w, 2w] x [h, 2h]`` of
the family's own plane (a period away from the edges, so shapes that spill over from neighbouring
cells are there), cut to that square and moved to the origin. If the declaration is honest, copies
of the tile side by side or one above the other continue the pattern without a seam.

Row seeds repeat with the tile's period in rows (``row-{k mod m}``), so a family whose rows draw on
their seeds still has a vertical period; across a row, ``draw_row`` itself must be periodic.
"""

from __future__ import annotations

import numpy as np
import shapely

from .._validate import check_positive
from ..errors import PatternError
from ..motifs.kit import geometry
from ..motifs.kit.palettes import Palette
from ..motifs.registry import MotifFamily
from ..seeding import SeedTree
from .composition import Composition, Layer


def tile_size(family: MotifFamily, cell_mm: float, params: dict[str, float]) -> tuple[float, float]:
    """The family's declared repeat, checked.

    Parameters
    ----------
    family : MotifFamily
    cell_mm : float
        Cell size.
    params : dict
        Validated parameters.

    Returns
    -------
    (float, float)
        Width and height of the repeat tile in millimetres.

    Raises
    ------
    PatternError
        If the family declares a size that is not two positive numbers.
    """
    cell_mm = check_positive("cell_mm", cell_mm, "mm")
    try:
        w, h = (float(v) for v in family.repeat(cell_mm, params))
    except (TypeError, ValueError) as exc:
        raise PatternError(f"{family.name}.repeat must return (width_mm, height_mm); {exc}") from None
    if not (w > 0 and h > 0 and np.isfinite(w) and np.isfinite(h)):
        raise PatternError(f"{family.name}.repeat must be positive, got ({w:g}, {h:g}) mm for a {cell_mm:g} mm cell")
    return w, h


def draw_patch(family: MotifFamily, cell_mm: float, params: dict[str, float], origin: tuple[float, float],
               size: tuple[float, float], seeds: SeedTree | None = None) -> dict[str, np.ndarray]:
    """The family's continuous pattern over one rectangle of its plane, moved to (0, 0).

    Parameters
    ----------
    family : MotifFamily
    cell_mm : float
        Cell size.
    params : dict
        Validated parameters.
    origin : (float, float)
        Top-left corner of the rectangle in the family's plane (non-negative: rows and columns
        start at 0).
    size : (float, float)
        Width and height of the rectangle.
    seeds : SeedTree, optional
        Root of the row seeds; rows cycle through ``row-0 ... row-{m-1}`` where ``m`` is the
        repeat's height in cells (when whole).

    Returns
    -------
    dict of str to numpy.ndarray of shapely.Polygon
        Per layer (in ``family.layer_roles`` order), valid polygons inside ``[0, w] x [0, h]``.
    """
    seeds = seeds or SeedTree("tile")
    (ox, oy), (w, h) = origin, size
    _, repeat_h = tile_size(family, cell_mm, params)
    period = int(round(repeat_h / cell_mm)) if abs(repeat_h / cell_mm - round(repeat_h / cell_mm)) < 1e-9 else 0
    # One spare cell beyond the rectangle on every side catches shapes that spill over.
    n_rows = int(np.ceil((oy + h) / cell_mm)) + 1
    n_columns = int(np.ceil((ox + w) / cell_mm)) + 1
    first_row = max(0, int(np.floor(oy / cell_mm)) - 1)
    collected: dict[str, list] = {name: [] for name, _ in family.layer_roles}
    for k in range(first_row, n_rows):
        drawn = family.draw_row(k * cell_mm, cell_mm, n_columns, params, seeds.child(f"row-{k % period if period else k}"))
        for name, shapes in drawn.items():
            collected.setdefault(name, []).extend(shapes)
    # Not geometry.clip_to_box: its faster clip_by_rect moves a few edge pixels of the goldens by
    # 1-3 levels (measured), and a tile's cut must be exact for the seam checks.
    frame = shapely.box(ox, oy, ox + w, oy + h)
    shapely.prepare(frame)
    out = {}
    for name, shapes in collected.items():
        shapes = np.asarray(shapes, dtype=object)
        if len(shapes):
            shapes = shapes[shapely.intersects(frame, shapes)]
            inside = shapely.contains_properly(frame, shapes)
            cut = shapely.get_parts(shapely.intersection(shapes[~inside], frame))
            cut = cut[(shapely.get_type_id(cut) == 3) & (shapely.area(cut) > 0)]
            shapes = shapely.transform(np.concatenate([shapes[inside], cut]), lambda c: c - [ox, oy])
        out[name] = shapes
    return out


def draw_tile(family: MotifFamily, cell_mm: float, params: dict[str, float] | None = None,
              seeds: SeedTree | None = None) -> dict[str, np.ndarray]:
    """The family's repeat tile, in the frame ``[0, w] x [0, h]`` of its declared repeat.

    Parameters
    ----------
    family : MotifFamily
    cell_mm : float
        Cell size.
    params : dict, optional
        Parameters (validated here); defaults when omitted.
    seeds : SeedTree, optional
        Root of the row seeds.

    Returns
    -------
    dict of str to numpy.ndarray of shapely.Polygon
    """
    params = family.validate(params or {})
    w, h = tile_size(family, cell_mm, params)
    return draw_patch(family, cell_mm, params, (w, h), (w, h), seeds)


def tiled_composition(family: MotifFamily, tile: dict[str, np.ndarray], tile_wh: tuple[float, float],
                      palette: Palette, copies: tuple[int, int] = (1, 1)) -> Composition:
    """Copies of a tile on a plain grid, coloured by a palette: for proofs, goldens and catalogues.

    Parameters
    ----------
    family : MotifFamily
        Gives the layer roles.
    tile : dict
        From :func:`draw_tile`.
    tile_wh : (float, float)
        The tile's size.
    palette : Palette
    copies : (int, int)
        Tiles across and down; the composition is exactly that many tiles in size.

    Returns
    -------
    Composition
    """
    w, h = tile_wh
    width, height = copies[0] * w, copies[1] * h
    jj, ii = np.meshgrid(np.arange(copies[1]), np.arange(copies[0]), indexing="ij")
    offsets = np.column_stack([ii.ravel() * w, jj.ravel() * h]).astype(float)
    layers = []
    for name, role in family.layer_roles:
        shapes = geometry.clip_to_box(geometry.copies(tile.get(name, []), offsets), 0.0, 0.0, width, height)
        layers.append(Layer(name, palette.rgb(role), np.asarray(shapes, dtype=object)))
    return Composition(width, height, palette.rgb("ground"), layers)
