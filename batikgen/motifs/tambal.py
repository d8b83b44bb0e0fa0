"""Tambal: a patchwork of other motifs in squares cut along their diagonals.

Where it comes from: tambal ("patch") recalls the patched robe of a holy man, and a cloth sewn of
pieces was believed to heal; batik tambal (tambal miring, tambal kanoman) draws that patchwork
in wax. Its rules (pakem):

- Squares are cut along their diagonals into triangles (both diagonals: four triangles, or one:
  two), and each triangle is a patch holding a different motif: kawung, parang, ceplok and the
  rest.
- Neighbouring patches never hold the same motif; the seams between them are drawn as lines.

Construction here: each row chooses, from its ``patches`` seed stream, which motif families to
use (``variety`` of them) and which goes in each triangle, never the same in two triangles that
share a side within the row. A family in a patch is drawn at its default parameters (isen off,
so the patchwork's texture is its many motifs rather than specks) with its own cells ``scale`` of
the cell; it is drawn once for one cell, cut to each triangle (shapes wholly inside are kept as
they are; only those crossing a seam are cut), and the pieces are copied to every patch that
uses them, which keeps a whole cloth fast. Seams are thin bands along the triangles' sides,
each row drawing its half of the seams on its edges.

Layers (paint order): every layer of every patch family, named ``family.layer`` with that
family's palette role, then ``seam``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely

from ..seeding import SeedTree
from . import ceplok, kawung, lereng, nitik, parang, sido, truntum
from .kit.geometry import clip_to_box, copies, split_by_pieces
from .registry import MotifFamily, Parameter

#: The families a patch can hold (those drawn at the scale of a cell), in a fixed order.
_PATCHES = {module.FAMILY.name: module.FAMILY for module in (kawung, parang, ceplok, truntum, nitik, sido, lereng)}
PATCH_FAMILIES = tuple(_PATCHES)

PARAMETERS = (
    Parameter("variety", 2, len(PATCH_FAMILIES), 4, "count", "how many different motifs a row's patches use", integer=True),
    Parameter("split", 1, 2, 2, "count", "diagonals cutting each square: 1 (two triangles) or 2 (four)", integer=True),
    Parameter("scale", 0.25, 1.0, 0.5, "fraction", "size of a motif's own cell inside a patch, relative to the cell"),
    Parameter("seam", 0.005, 0.04, 0.015, "fraction", "width of the seams relative to the cell"),
)



def triangles(x0: float, y0: float, cell_mm: float, split: int, column: int) -> list[np.ndarray]:
    """Vertex arrays of the triangles one square cell is cut into, in order around the cell.

    With ``split`` 2, the top, right, bottom and left triangles meeting at the centre; with 1,
    two triangles either side of one diagonal, whose direction alternates from column to column.
    """
    x1, y1 = x0 + cell_mm, y0 + cell_mm
    if split == 2:
        c = (x0 + cell_mm / 2, y0 + cell_mm / 2)
        return [np.array(t) for t in ([(x0, y0), (x1, y0), c], [(x1, y0), (x1, y1), c],
                                      [(x1, y1), (x0, y1), c], [(x0, y1), (x0, y0), c])]
    if column % 2 == 0:
        return [np.array([(x0, y0), (x1, y0), (x1, y1)]), np.array([(x1, y1), (x0, y1), (x0, y0)])]
    return [np.array([(x0, y0), (x1, y0), (x0, y1)]), np.array([(x1, y0), (x1, y1), (x0, y1)])]


def patch_plan(n_columns: int, params: dict[str, float], rng: np.random.Generator) -> list[list[str]]:
    """Which family each triangle of each cell holds: ``plan[column][triangle]``.

    Families are drawn from ``variety`` of :data:`PATCH_FAMILIES` chosen by ``rng``; a triangle never
    repeats the family of the triangle before it (around the cell, and across the shared side
    with the cell to its left).
    """
    chosen = [PATCH_FAMILIES[i] for i in rng.permutation(len(PATCH_FAMILIES))[: int(params["variety"])]]
    per_cell = 4 if params["split"] >= 2 else 2
    plan: list[list[str]] = []
    for column in range(n_columns):
        cell: list[str | None] = [None] * per_cell
        # Start with the triangle on the left edge (the only one with a neighbour already chosen),
        # then go round the cell: an even ring, so even two motifs can always alternate.
        first = _edge_triangle(column, per_cell, "left")
        for t in [(first + i) % per_cell for i in range(per_cell)]:
            banned = {cell[(t - 1) % per_cell], cell[(t + 1) % per_cell]} - {None}
            if column > 0 and t == first:
                banned.add(plan[-1][_edge_triangle(column - 1, per_cell, "right")])
            options = [f for f in chosen if f not in banned] or chosen
            cell[t] = options[int(rng.integers(len(options)))]
        plan.append([str(name) for name in cell])
    return plan


def _edge_triangle(column: int, per_cell: int, side: str) -> int:
    """Index of the triangle of a cell that lies along its left or right edge (see :func:`triangles`)."""
    if per_cell == 4:
        return 3 if side == "left" else 1
    # Even columns are cut top-left to bottom-right: (top-right, bottom-left); odd ones the other way.
    if column % 2 == 0:
        return 1 if side == "left" else 0
    return 0 if side == "left" else 1


@lru_cache(maxsize=256)
def patch_pieces(name: str, cell_mm: float, sub_rows: int, split: int, parity: int, t: int) -> tuple:
    """The shapes of family ``name`` inside triangle ``t`` of a cell at the origin, by layer label.

    A patch holds the family at its default parameters drawn ``sub_rows`` cells to a side. Those
    defaults draw no random features (isen is off in patches), so a patch is the same wherever
    it falls and is made once, then copied; its seed tree is fixed for the same reason.

    Returns
    -------
    tuple of (str, numpy.ndarray of shapely geometries)
    """
    family = _PATCHES[name]
    sub_cell = cell_mm / sub_rows
    params = _patch_params(name, sub_cell)
    shapes: list = []
    labels: list[str] = []
    for k in range(sub_rows):
        rows = family.draw_row(k * sub_cell, sub_cell, sub_rows, params, SeedTree(f"tambal-patch/{name}/{k}"))
        for layer, drawn in rows.items():
            shapes.extend(drawn)
            labels.extend([f"{name}.{layer}"] * len(drawn))
    piece = shapely.Polygon(triangles(0.0, 0.0, cell_mm, split, parity)[t])
    parts, _, source = split_by_pieces(shapes, [piece])
    # Cuts along a diagonal leave near-degenerate corners that the copies' rounding could fold
    # into self-intersections; snapping to a 10 nm grid removes them once, here.
    parts = shapely.set_precision(parts, 1e-5)
    keep = ~shapely.is_empty(parts) & (shapely.area(parts) > 0)
    parts, source = parts[keep], source[keep]
    labels_arr = np.asarray(labels, dtype=object)[source]
    return tuple((label, parts[labels_arr == label]) for label in dict.fromkeys(labels_arr))


def _patch_params(name: str, sub_cell: float) -> dict[str, float]:
    family = _PATCHES[name]
    params = family.defaults()
    if "jitter" in params:
        params["jitter"] = 0.0
    if "isen_density" in params:
        # At patch scale a family's own isen would be specks by the hundred thousand; the
        # patchwork's texture comes from its many motifs instead.
        params["isen_density"] = 0.0
    if "scale_mm" in params:  # parang and lereng: bands about as wide as the patch's motif cell
        spec = next(p for p in family.parameters if p.name == "scale_mm")
        params["scale_mm"] = float(np.clip(sub_cell, spec.low, spec.high))
    return family.validate(params)


def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """One row of tambal, as :class:`~batikgen.motifs.registry.RowDrawer` says.

    ``seeds``: stream ``patches`` chooses the patches (their contents are exact: :func:`patch_pieces`).
    """
    seeds = seeds or SeedTree("unseeded")
    split = int(params["split"])
    plan = patch_plan(n_columns, params, seeds.rng("patches"))
    # Where each (family, triangle) goes: the columns, grouped by the parity that shapes a triangle.
    where: dict[tuple[str, int, int], list[int]] = {}
    for column, cell in enumerate(plan):
        for t, name in enumerate(cell):
            where.setdefault((name, column % 2 if split == 1 else 0, t), []).append(column)
    out: dict[str, list] = {name: [] for name, _ in LAYER_ROLES}
    sub_rows = max(1, int(round(1 / params["scale"])))
    for (name, parity, t), columns in where.items():
        columns_arr = np.asarray(columns, float)
        offsets = np.column_stack([columns_arr * cell_mm, np.full(len(columns_arr), y0)])
        for label, parts in patch_pieces(name, float(cell_mm), sub_rows, split, parity, t):
            out[label].extend(copies(parts, offsets))
    out["seam"] = _seams(y0, cell_mm, n_columns, split, params["seam"] * cell_mm)
    return out


def _seams(y0: float, cell_mm: float, n_columns: int, split: int, width: float) -> list:
    """Thin bands along every side of every triangle of the row, clipped to the row."""
    lines = []
    for column in range(n_columns):
        x0, x1, y1 = column * cell_mm, (column + 1) * cell_mm, y0 + cell_mm
        lines += [[(x0, y0), (x1, y0)], [(x0, y1), (x1, y1)], [(x0, y0), (x0, y1)], [(x1, y0), (x1, y1)]]
        if split == 2 or column % 2 == 0:
            lines.append([(x0, y0), (x1, y1)])
        if split == 2 or column % 2 == 1:
            lines.append([(x1, y0), (x0, y1)])
    bands = shapely.buffer(shapely.linestrings(lines), width / 2, cap_style="flat")
    return clip_to_box(bands, 0.0, y0, n_columns * cell_mm, y0 + cell_mm)


LAYER_ROLES = tuple((f"{name}.{layer}", role) for name, family in _PATCHES.items()
                    for layer, role in family.layer_roles) + (("seam", "accent"),)

#: The family, found by the registry.
FAMILY = MotifFamily(
    name="tambal",
    description="Patchwork: squares cut along their diagonals, each triangle a different motif",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=LAYER_ROLES,
    # Patches are chosen afresh for every cell: a patchwork has no repeat tile.
    periodic=False,
)
