"""Ceplok: every rosette kind gives a p4m cell, on the geometry and on a raster; checked parameters."""

import numpy as np
import pytest
import shapely
from shapely import affinity

from batikgen.motifs import get_motif
from batikgen.motifs.ceplok import ROSETTES

from .family_checks import (
    assert_bounds_refused,
    assert_deterministic,
    assert_valid_and_inside,
    draw,
    p4m_invariant,
    raster,
    union,
)

CEPLOK = get_motif("ceplok")
CELL = 40.0
KINDS = range(len(ROSETTES))


@pytest.mark.parametrize("rosette", KINDS)
@pytest.mark.parametrize("extra", [{}, {"fullness": 1.0, "size": 0.9, "corner": 0.45, "isen_density": 1.0},
                                   {"fullness": 0.2, "size": 0.5, "corner": 0.0, "isen_density": 0.0, "line": 0.06}])
def test_rows_are_valid_and_inside(rosette, extra):
    assert_valid_and_inside(CEPLOK, {"rosette": rosette, **extra}, y0=7.0, cell=CELL, columns=3)


@pytest.mark.parametrize("rosette", KINDS)
@pytest.mark.parametrize("fullness", [0.3, 0.8])
def test_cell_is_p4m_in_every_layer(rosette, fullness):
    row = draw(CEPLOK, {"rosette": rosette, "fullness": fullness, "isen_density": 0.7}, cell=CELL, columns=1)
    for layer in row:
        if row[layer]:
            assert p4m_invariant(union(row, layer), (CELL / 2, CELL / 2)), layer
    assert len(row["isen"]) > 8  # the fillers were there to be checked


def test_rosette_kinds_differ():
    shapes = [union(draw(CEPLOK, {"rosette": k}, cell=CELL, columns=1), "frame") for k in KINDS]
    for i in range(len(shapes)):
        for j in range(i + 1, len(shapes)):
            assert shapes[i].symmetric_difference(shapes[j]).area > 0.05 * shapes[i].area


def test_a_broken_symmetry_would_be_caught():
    rosette = union(draw(CEPLOK, {"rosette": 1}, cell=CELL, columns=1), "frame")
    centre = (CELL / 2, CELL / 2)
    assert not p4m_invariant(affinity.rotate(rosette, 10, origin=centre), centre)
    assert not p4m_invariant(affinity.translate(rosette, 0.3, 0), centre)
    # A filler drawn once, not as an orbit, breaks the mirror.
    row = draw(CEPLOK, {"isen_density": 0.7}, cell=CELL, columns=1)
    assert not p4m_invariant(shapely.union_all(row["isen"][: len(row["isen"]) // 8]), centre)


@pytest.mark.parametrize("rosette", KINDS)
def test_raster_cell_is_p4m(rosette):
    row = draw(CEPLOK, {"rosette": rosette}, cell=CELL, columns=1)
    colours = {"frame": (60, 30, 20), "rosette": (240, 220, 180), "corner": (240, 220, 180),
               "heart": (180, 100, 40), "isen": (250, 250, 250)}
    image = raster([(row[name], colours[name]) for name in row], CELL, CELL)
    for transformed in (np.rot90(image), image[:, ::-1], image[::-1, :], image.transpose(1, 0, 2)):
        assert np.abs(image - transformed).mean() < 1.5  # anti-aliasing differs a little under rotation
    # A raster that is not symmetric is told apart: the same cell shifted by one pixel.
    shifted = np.roll(image, 1, axis=1)
    assert np.abs(shifted - np.rot90(shifted)).mean() > 4.0


def test_isen_density_adds_fillers_and_corner_flowers_join_cells():
    sparse = draw(CEPLOK, {"isen_density": 0.1}, cell=CELL, columns=1)["isen"]
    dense = draw(CEPLOK, {"isen_density": 0.9}, cell=CELL, columns=1)["isen"]
    assert len(dense) > len(sparse) > 0
    assert draw(CEPLOK, {"isen_density": 0.0}, cell=CELL, columns=1)["isen"] == []
    # Four quarter flowers from four cells make one whole flower at the shared corner.
    rows = [draw(CEPLOK, {}, y0=y, cell=CELL, columns=2) for y in (0.0, CELL)]
    corners = shapely.union_all([s for row in rows for s in row["corner"]])
    flower = corners.intersection(shapely.Point(CELL, CELL).buffer(CELL * 0.3))
    assert p4m_invariant(flower, (CELL, CELL), 1e-6) and flower.area > 0


def test_parameters_are_checked_and_drawing_is_deterministic():
    assert_bounds_refused(CEPLOK)
    assert_deterministic(CEPLOK, {"rosette": 2, "isen_density": 0.6})
