"""Semen: meru, sawat and tendrils in mirror-symmetric compositions offset row to row."""

import numpy as np
import pytest
import shapely
from shapely import affinity

from batikgen.motifs import get_motif
from batikgen.motifs.semen import meru, sawat, tendril

from .family_checks import assert_bounds_refused, assert_deterministic, assert_valid_and_inside, draw, same_shape, union

SEMEN = get_motif("semen")
CELL = 40.0


@pytest.mark.parametrize("params", [{}, {"feathers": 9, "span": 0.9, "meru": 0.45, "curl": 1.5, "leaves": 5,
                                         "isen_density": 1.0, "line": 0.03},
                                    {"feathers": 3, "span": 0.4, "meru": 0.0, "curl": 0.0, "leaves": 0,
                                     "isen_density": 0.0, "line": 0.008}])
@pytest.mark.parametrize("y0", [0.0, CELL])
def test_rows_are_valid_and_inside(params, y0):
    assert_valid_and_inside(SEMEN, params, y0=y0, cell=CELL, columns=3)


@pytest.mark.parametrize("params", [{}, {"feathers": 4, "curl": 0.6, "isen_density": 0.8}])
def test_each_composition_is_mirror_symmetric(params):
    row = draw(SEMEN, params, y0=0.0, cell=CELL, columns=3)  # even row: compositions on the cell centres
    for column in range(3):
        axis = (column + 0.5) * CELL
        cell = shapely.box(column * CELL, 0, (column + 1) * CELL, CELL)
        for layer in row:
            if row[layer]:
                shape = union(row, layer).intersection(cell)
                assert same_shape(shape, affinity.scale(shape, -1, 1, origin=(axis, 0)), 1e-6), layer
    # The check fails for a composition with its mirror axis moved off the centre.
    outline = union(row, "outline").intersection(shapely.box(0, 0, CELL, CELL))
    assert not same_shape(outline, affinity.scale(outline, -1, 1, origin=(CELL / 2 + 0.5, 0)), 1e-3)


def test_alternate_rows_are_offset_by_half_a_cell():
    even = union(draw(SEMEN, {}, y0=0.0, cell=CELL, columns=4), "outline")
    odd = union(draw(SEMEN, {}, y0=CELL, cell=CELL, columns=4), "outline")
    window = shapely.box(CELL, CELL, 3 * CELL, 2 * CELL)
    moved = affinity.translate(even, CELL / 2, CELL)
    assert same_shape(moved.intersection(window), odd.intersection(window), 1e-6)
    assert not same_shape(affinity.translate(even, 0, CELL).intersection(window), odd.intersection(window), 1e-3)


@pytest.mark.parametrize("feathers", [3, 6, 9])
def test_sawat_has_two_wings_of_the_requested_feathers_and_a_tail(feathers):
    shapes, spines = sawat(CELL, feathers, 0.7)
    assert len(shapes) == 2 * feathers + 3 and len(spines) == 2 * feathers
    wings = shapely.union_all(shapes[: 2 * feathers])
    tail = shapely.union_all(shapes[2 * feathers:])
    assert wings.centroid.y < 0 < tail.centroid.y  # wings spread upward (y down), the tail hangs
    assert wings.bounds[2] == pytest.approx(-wings.bounds[0])


def test_elements_come_and_go_with_their_parameters():
    assert meru(CELL, 0.0) == (None, [])
    assert tendril(CELL, 0.0, 3, 0.5) == ([], [])
    mountain, ridges = meru(CELL, 0.3 * CELL)
    assert mountain.is_valid and mountain.bounds[3] == pytest.approx(0.46 * CELL) and len(ridges) == 2
    # The meru's middle peak is its highest point, on the axis.
    top = np.asarray(mountain.exterior.coords)
    assert abs(top[np.argmin(top[:, 1]), 0]) < 0.02 * CELL
    with_leaves, cores = tendril(CELL, 1.0, 4, 0.5)
    assert len(with_leaves) == 5 and len(cores) == 4


def test_parameters_are_checked_and_drawing_is_deterministic():
    assert_bounds_refused(SEMEN)
    assert_deterministic(SEMEN, {"isen_density": 0.6})
