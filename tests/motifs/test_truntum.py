"""Truntum: radially symmetric flowers on a grid (p4m with eight petals), seeded hand-drawn jitter."""

import numpy as np
import pytest
import shapely
from shapely import affinity

from batikgen.motifs import get_motif

from .family_checks import (
    assert_bounds_refused,
    assert_deterministic,
    assert_valid_and_inside,
    draw,
    p4m_invariant,
    same_shape,
    union,
)

TRUNTUM = get_motif("truntum")
CELL = 40.0


@pytest.mark.parametrize("params", [{}, {"petals": 5, "flowers": 4, "size": 0.85, "fullness": 0.9, "spark": 1.0},
                                    {"flowers": 1, "size": 0.3, "spark": 0.0}, {"jitter": 0.3, "size": 0.85},
                                    {"jitter": 0.3, "petals": 6, "flowers": 3}])
def test_rows_are_valid_and_inside(params):
    assert_valid_and_inside(TRUNTUM, params, y0=11.0, cell=CELL, columns=3)


@pytest.mark.parametrize("flowers", [1, 2, 3])
def test_eight_petal_cell_is_p4m(flowers):
    row = draw(TRUNTUM, {"flowers": flowers, "petals": 8}, cell=CELL, columns=1)
    for layer in row:
        assert p4m_invariant(union(row, layer), (CELL / 2, CELL / 2)), layer


@pytest.mark.parametrize("petals", [5, 6, 7, 8])
def test_each_flower_has_its_rotations_and_a_mirror(petals):
    row = draw(TRUNTUM, {"flowers": 1, "petals": petals}, cell=CELL, columns=1)
    flower = union(row, "petal")
    centre = (CELL / 2, CELL / 2)
    assert same_shape(flower, affinity.rotate(flower, 360 / petals, origin=centre))
    assert same_shape(flower, affinity.scale(flower, -1, 1, origin=centre))
    if petals % 4:  # not a multiple of four: a quarter turn must change it, and the check sees that
        assert not same_shape(flower, affinity.rotate(flower, 90, origin=centre), 1e-2)


def test_a_broken_flower_would_be_caught():
    row = draw(TRUNTUM, {"flowers": 1}, cell=CELL, columns=1)
    petals = list(row["petal"])
    petals[0] = affinity.scale(petals[0], 1.2, 1.2, origin=(CELL / 2, CELL / 2))  # one petal too long
    assert not p4m_invariant(shapely.union_all(petals), (CELL / 2, CELL / 2))


def test_jitter_is_seeded_and_keeps_flowers_apart():
    params = {"jitter": 0.3, "flowers": 3, "size": 0.85}
    a, b, c = (draw(TRUNTUM, params, cell=CELL, columns=2, seed=s) for s in ("one", "one", "two"))
    assert all(shapely.equals_exact(x, y, 0) for x, y in zip(a["petal"], b["petal"]))
    assert not all(shapely.equals_exact(x, y, 1e-9) for x, y in zip(a["petal"], c["petal"]))
    # Jittered, the flowers still keep to their own sub-cell: no two flowers touch.
    step = CELL / 3
    flowers = {}
    for petal in a["petal"]:
        key = tuple(np.floor(np.array(petal.centroid.coords[0]) / step).astype(int))
        flowers.setdefault(key, []).append(petal)
    assert len(flowers) == 3 * 3 * 2
    for (i, j), shapes in flowers.items():
        assert shapely.box(i * step, j * step, (i + 1) * step, (j + 1) * step).contains(shapely.union_all(shapes))
    # Without jitter the seed plays no part.
    plain = [draw(TRUNTUM, {}, cell=CELL, seed=s)["petal"] for s in ("one", "two")]
    assert all(shapely.equals_exact(x, y, 0) for x, y in zip(*plain))


def test_sparks_complete_across_rows():
    rows = [draw(TRUNTUM, {}, y0=y, cell=CELL, columns=2) for y in (0.0, CELL)]
    spark = shapely.union_all(rows[0]["spark"] + rows[1]["spark"]).intersection(shapely.Point(CELL, CELL).buffer(6))
    assert p4m_invariant(spark, (CELL, CELL)) and spark.area > 0


def test_parameters_are_checked_and_drawing_is_deterministic():
    assert_bounds_refused(TRUNTUM)
    assert_deterministic(TRUNTUM, {"jitter": 0.2})
