"""Build the vector Composition a MotifPlan describes.

The parts are drawn by separate functions, in paint order: the field (the timeline), the head panel
of a sarong, the border (pinggiran), and the optional legend strip beside the cloth. Each part is a
list of ordinary layers; every motif is drawn through the registry's ``draw_row``.
"""

from __future__ import annotations

import numpy as np
import shapely

from ..mapping.plan import HeadPanel, Layout, MotifPlan
from ..mapping.table import HAND_PARAMETER
from ..motifs.kit.geometry import clip_to_box, copies
from ..motifs.kit.palettes import Palette, get_palette
from ..motifs.registry import MotifFamily, get_motif
from ..seeding import SeedTree
from .composition import Composition, Layer, PolygonArray
from .crackle import add_crackle, start_growing
from .hand import hand_layers
from .legend import legend_layers, legend_width


def _clip(shapes: PolygonArray, x0: float, y0: float, x1: float, y1: float) -> PolygonArray:
    """Clip ``shapes`` to a box: shapes inside stay packed; only the others become shapely objects,
    for :func:`geometry.clip_to_box` to cut or drop."""
    bounds = shapes.bounds()
    with np.errstate(invalid="ignore"):  # empty shapes have NaN bounds: not inside, so dropped
        inside = (bounds[:, 0] >= x0) & (bounds[:, 1] >= y0) & (bounds[:, 2] <= x1) & (bounds[:, 3] <= y1)
    if inside.all():
        return shapes
    cut = clip_to_box(shapes.take(~inside).to_shapely(), x0, y0, x1, y1)
    return PolygonArray.concatenate([shapes.take(inside), PolygonArray.from_shapely(cut)])


def _layers(family: MotifFamily, palette: Palette, collected: dict[str, list], prefix: str = "",
            finish: str = "crisp") -> list[Layer]:
    # Cap and tulis mix blended roles as dyes, in OKLCh (mega mendung's gradations: a dye ramp).
    colours = family.layer_colours(palette, finish)
    return [Layer(f"{prefix}{name}", colours[name], PolygonArray.concatenate(collected.get(name, [])))
            for name, _ in family.layer_roles]


def draw_band(family: MotifFamily, rows_params: list[dict], x0: float, y0: float, cell_mm: float, columns: int,
              seeds: SeedTree) -> dict[str, list[PolygonArray]]:
    """Rows of ``family`` cells from (x0, y0) down, one row per entry of ``rows_params``, by layer.

    Each row is packed as soon as it is drawn, so a whole cloth never exists as shapely objects.
    """
    collected: dict[str, list] = {name: [] for name, _ in family.layer_roles}
    for index, params in enumerate(rows_params):
        own = {k: v for k, v in params.items() if k != HAND_PARAMETER}  # the hand is the finish's
        drawn = family.draw_row(y0 + index * cell_mm, cell_mm, columns, family.validate(own),
                                seeds.child(f"row-{index}"))
        for name, shapes in drawn.items():
            collected[name].append(PolygonArray.from_shapely(shapes).transformed(offset=(x0, 0.0)))
    return collected


def field_layers(plan: MotifPlan, palette: Palette, field: list[float], workers: int | None = None) -> list[Layer]:
    """The timeline: one row of cells per plan row, clipped to the field."""
    family = get_motif(plan.motif).in_finish(plan.finish)
    x0, y0, x1, y1 = field
    collected = draw_band(family, [row.params for row in plan.rows], x0, y0, plan.cell_mm, plan.columns,
                          plan.seeds())
    # The hand moves edges a fraction of a millimetre: it comes before the clip, so the field's edge stays straight.
    # It draws in as many threads as the build's workers (see build_composition).
    unsteady = (y0, plan.cell_mm, [row.params.get(HAND_PARAMETER, 1.0) for row in plan.rows])
    drawn = hand_layers(_layers(family, palette, collected, finish=plan.finish), dict(family.layer_roles), plan.finish,
                        plan.seeds().integer("hand"), rows=unsteady, workers=workers)
    return [Layer(layer.name, layer.colour, _clip(layer.shapes, x0, y0, x1, y1)) for layer in drawn]


def head_panel_layers(plan: MotifPlan, palette: Palette, head: HeadPanel | None) -> list[Layer]:
    """A sarong's kepala: rows of its family filling the top half of the panel, mirrored into the
    bottom half so the two rows face each other across the middle, as tumpal rows do.

    The rows are stretched vertically by at most a few per cent so whole rows fill the half.
    """
    if not head:
        return []
    family = get_motif(head.family).in_finish(plan.finish)
    x0, y0, x1, y1 = head.rect
    middle = (y0 + y1) / 2
    cell = head.cell_mm
    n_rows = max(1, int(round((middle - y0) / cell)))
    stretch = (middle - y0) / (n_rows * cell)
    collected = draw_band(family, [head.params] * n_rows, x0, 0.0, cell, head.columns,
                          plan.seeds().child("head-panel"))
    layers = []
    for layer in _layers(family, palette, collected, prefix="head-", finish=plan.finish):
        upper = _clip(layer.shapes.transformed(scale=(1.0, stretch), offset=(0.0, y0)), x0, y0, x1, middle)
        lower = upper.transformed(scale=(1.0, -1.0), offset=(0.0, 2 * middle))
        layers.append(Layer(layer.name, layer.colour, PolygonArray.concatenate([upper, lower])))
    # By hand after the mirror (a hand does not draw mirror images), then kept inside the panel.
    roles = {f"head-{name}": role for name, role in family.layer_roles}
    layers = hand_layers(layers, roles, plan.finish, plan.seeds().integer("hand"))
    return [Layer(layer.name, layer.colour, _clip(layer.shapes, x0, y0, x1, y1)) for layer in layers]


def _frame(outer: tuple[float, float, float, float], inset_a: float, inset_b: float) -> shapely.Geometry:
    x0, y0, x1, y1 = outer
    return shapely.box(x0 + inset_a, y0 + inset_a, x1 - inset_a, y1 - inset_a).difference(
        shapely.box(x0 + inset_b, y0 + inset_b, x1 - inset_b, y1 - inset_b))


def border_layers(plan: MotifPlan, palette: Palette, layout: Layout) -> list[Layer]:
    """The pinggiran: a strong outer line and a fine inner line round the cloth, a line under the
    head panel, and in the ``motif`` style a row of small cells of the cloth's motif between them."""
    band = layout.border.width_mm
    if layout.border.style == "none" or band <= 0:
        return []
    width, height = plan.cloth.width_mm, plan.cloth.height_mm
    cloth = (0.0, 0.0, width, height)
    lines = [_frame(cloth, 0.15 * band, 0.32 * band), _frame(cloth, 0.84 * band, 0.94 * band)]
    if layout.head_panel:
        x0, _, x1, y1 = layout.head_panel.rect
        lines.append(shapely.box(x0, y1 - 0.05 * band, x1, y1 + 0.05 * band))
    layers = [Layer("border-line", palette.rgb("outline"), np.asarray(lines, dtype=object))]
    if layout.border.style == "motif":
        layers.extend(_border_motif(plan, palette, cloth, band))
    return layers


def _border_motif(plan: MotifPlan, palette: Palette, cloth: tuple, band: float) -> list[Layer]:
    """Small cells along the four sides in the strip between the two lines."""
    family = get_motif(plan.motif).in_finish(plan.finish)
    inner, outer = 0.38 * band, 0.78 * band
    cell = outer - inner
    width, height = cloth[2], cloth[3]
    seeds = plan.seeds().child("border")
    collected: dict[str, list] = {name: [] for name, _ in family.layer_roles}

    def run(length: float, place) -> None:
        count = max(1, int(length // cell))
        size = length / count
        drawn = family.draw_row(0.0, size, count, family.defaults(), seeds.child(f"run-{length:.3f}"))
        for name, shapes in drawn.items():
            collected[name].append(PolygonArray.from_shapely(place(np.asarray(shapes, dtype=object), size)))

    # Top and bottom run the full width; the sides run between them, as the cloth's long edges.
    span_x, span_y = width - 2 * inner, height - 2 * inner - 2 * cell
    run(span_x, lambda s, size: copies(s, (inner, inner + (cell - size) / 2)))
    run(span_x, lambda s, size: copies(s, (inner, height - outer + (cell - size) / 2)))
    # Sides: a horizontal run turned to vertical by swapping x and y (a mirror, which keeps the
    # symmetric motifs batik puts in borders intact).
    for x in (inner, width - outer):
        run(span_y, lambda s, size, x=x: shapely.transform(s, lambda xy: xy[:, ::-1] + [x + (cell - size) / 2,
                                                                                         inner + cell]))
    roles = {f"border-{name}": role for name, role in family.layer_roles}
    return hand_layers(_layers(family, palette, collected, prefix="border-", finish=plan.finish), roles, plan.finish,
                       plan.seeds().integer("hand"))


def build_composition(plan: MotifPlan, workers: int | None = None) -> Composition:
    """Draw every part of the plan and collect the shapes into coloured layers.

    Parameters
    ----------
    plan : MotifPlan
    workers : int, optional
        Processes the build may use; default the available cores. With two or more, a large cap
        or tulis crackle grows in a helper process while the design is drawn, and the tulis hand
        and the crackle's cut run in two threads. The composition is the same for any number.

    Returns
    -------
    Composition
        As wide as the cloth, plus the legend strip when ``plan.legend`` is set.
    """
    palette = get_palette(plan.palette)
    layout = plan.layout
    width, height = plan.cloth.width_mm, plan.cloth.height_mm
    # Cap and tulis crackle needs only the cloth's size: it grows first, aside, while the design is drawn.
    grown = start_growing(plan.finish, width + (legend_width(plan) if plan.legend else 0.0), height, plan.crackle,
                          plan.seeds().child("crackle"), workers)
    layers = field_layers(plan, palette, layout.field, workers)
    layers += head_panel_layers(plan, palette, layout.head_panel)
    layers += border_layers(plan, palette, layout)
    if plan.legend:
        layers += legend_layers(plan, palette, layout.field, x0=width)
        width += legend_width(plan)
    composition = Composition(width, height, palette.rgb("ground"), layers, finish=plan.finish,
                              dye_seed=plan.seeds().integer("dye"))
    # Veins of dye through cracked wax, cut to the field's waxed areas (the legend, border and head
    # panel layers carry no family role, so they get none); none at all when plan.crackle is 0.
    roles = dict(get_motif(plan.motif).layer_roles)  # crackle only in the field's waxed areas
    return add_crackle(composition, roles, plan.crackle, palette, plan.seeds().child("crackle"), grown=grown,
                       workers=workers)
