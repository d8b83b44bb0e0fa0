"""Build the vector Composition a MotifPlan describes."""

from __future__ import annotations

import numpy as np
import shapely

from .composition import Composition, Layer
from .crackle import add_crackle
from .palettes import get_palette
from .plan import MotifPlan
from .registry import get_motif
from ..seeding import SeedTree


def build_composition(plan: MotifPlan) -> Composition:
    """Draw every row of the plan and collect the shapes into coloured layers.

    Shapes that cross the bottom edge of the cloth are clipped to it.

    Parameters
    ----------
    plan : MotifPlan

    Returns
    -------
    Composition
    """
    family = get_motif(plan.motif)
    palette = get_palette(plan.palette)
    width, height = plan.cloth["width_mm"], plan.cloth["height_mm"]
    collected: dict[str, list] = {name: [] for name, _ in family.layer_roles}
    seeds = SeedTree(f"plan-{plan.seed}")
    for index, row in enumerate(plan.rows):
        drawn = family.draw_row(index * plan.cell_mm, plan.cell_mm, plan.columns, family.validate(row["params"]),
                                seeds.child(f"row-{index}"))
        for name, shapes in drawn.items():
            collected[name].extend(shapes)
    frame = shapely.box(0, 0, width, height)
    layers = []
    for name, role in family.layer_roles:
        shapes = np.asarray(collected[name], dtype=object)
        if len(shapes):
            outside = ~shapely.within(shapes, frame)
            if outside.any():
                clipped = shapely.intersection(shapes[outside], frame)
                shapes = np.concatenate([shapes[~outside], clipped[~shapely.is_empty(clipped)]])
        layers.append(Layer(name, palette.rgb(role), shapes))
    composition = Composition(width, height, palette.rgb("ground"), layers)
    # Veins of dye through cracked wax, painted over everything (none when plan.crackle is 0).
    return add_crackle(composition, dict(family.layer_roles), plan.crackle, palette, seeds.child("crackle"))
