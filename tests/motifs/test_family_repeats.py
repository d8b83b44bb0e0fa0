"""Each family's declared repeat (raport) really is a period of its geometry, and half of it is not."""

import math

import numpy as np
import pytest
import shapely
from shapely import affinity

from batikgen.motifs import MOTIFS
from batikgen.seeding import SeedTree

from .family_checks import same_shape

CELL = 30.0
#: Families that declare periodic=False (tambal's patches are chosen afresh): a unit, not a period.
NOT_PERIODIC = {name for name, family in MOTIFS.items() if not family.periodic}


def _layers(family, params, width, height):
    """Union per layer of enough rows to cover width x height."""
    columns = math.ceil(width / CELL)
    rows = math.ceil(height / CELL)
    collected = {}
    for r in range(rows):
        drawn = family.draw_row(r * CELL, CELL, columns, params, SeedTree("repeat").child(f"row-{r}"))
        for name, shapes in drawn.items():
            collected.setdefault(name, []).extend(shapes)
    return {name: shapely.union_all(np.asarray(shapes, dtype=object)) for name, shapes in collected.items() if shapes}


@pytest.mark.parametrize("name", sorted(set(MOTIFS) - NOT_PERIODIC))
def test_declared_repeat_is_a_period(name):
    family = MOTIFS[name]
    params = family.validate({})
    w, h = family.repeat(CELL, params)
    layers = _layers(family, params, 4 * w + CELL, 4 * h + CELL)
    box = shapely.box(w, h, 2 * w, 2 * h)
    checked = 0
    for layer, shape in layers.items():
        here = shape.intersection(box)
        if here.area < 1e-6:
            continue
        for dx, dy in ((w, 0), (0, h), (w, h)):
            there = affinity.translate(shape.intersection(affinity.translate(box, dx, dy)), -dx, -dy)
            assert same_shape(here, there, 1e-6), (layer, dx, dy)
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize("name", ["kawung", "parang", "ceplok", "nitik", "mega-mendung", "tumpal"])
def test_half_a_repeat_is_not_a_period(name):
    """The period check can fail: a shift by half the repeat does not reproduce these motifs."""
    family = MOTIFS[name]
    params = family.validate({})
    w, h = family.repeat(CELL, params)
    layers = _layers(family, params, 4 * w + CELL, 4 * h + CELL)
    box = shapely.box(w, h, 2 * w, 2 * h)
    outline = max(layers.values(), key=lambda s: s.intersection(box).area)
    here = outline.intersection(box)
    there = affinity.translate(outline.intersection(affinity.translate(box, w / 2, 0)), -w / 2, 0)
    assert not same_shape(here, there, 1e-3)
