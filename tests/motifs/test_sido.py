"""Sido: a diamond net whose fields alternate light and dark, p4m cells, frames unbroken across rows."""

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

SIDO = get_motif("sido")
CELL = 40.0


@pytest.mark.parametrize("params", [{}, {"frame": 0.12, "size": 0.9, "flower": 0.5, "isen_density": 1.0},
                                    {"frame": 0.02, "size": 0.3, "flower": 0.0, "isen_density": 0.0, "line": 0.05},
                                    *({"ornament": k} for k in range(len(ROSETTES)))])
def test_rows_are_valid_and_inside(params):
    assert_valid_and_inside(SIDO, params, y0=5.0, cell=CELL, columns=3)


@pytest.mark.parametrize("params", [{}, {"ornament": 1, "frame": 0.1, "isen_density": 0.9}, {"ornament": 3}])
def test_cell_is_p4m(params):
    row = draw(SIDO, params, cell=CELL, columns=1)
    for layer in row:
        if row[layer]:
            assert p4m_invariant(union(row, layer), (CELL / 2, CELL / 2)), layer


def test_fields_alternate_light_and_dark():
    """The light diamond sits on the cell centre and the dark ones on the corners, a chequerboard."""
    rows = [draw(SIDO, {}, y0=y, cell=CELL, columns=3) for y in (0.0, CELL, 2 * CELL)]
    light = shapely.union_all([s for row in rows for s in row["light"]])
    for i in range(3):
        for j in range(3):
            assert light.contains(shapely.Point((i + 0.5) * CELL, (j + 0.5) * CELL))
    for i in (1, 2):
        for j in (1, 2):
            assert not light.intersects(shapely.Point(i * CELL, j * CELL).buffer(CELL * 0.2))
    # On a raster, with light fields white and the ground black, centres are light and corners dark.
    image = raster([(rows[1]["light"], (255, 255, 255)), (rows[1]["frame"], (100, 100, 100))], 3 * CELL, CELL * 2)
    px = 4  # pixels per mm at the test dpi
    assert image[int(1.5 * CELL * px), int(1.5 * CELL * px)].mean() == 255
    assert image[int(1.1 * CELL * px), int(1.05 * CELL * px)].mean() == 0


def test_frames_run_on_across_rows_even_when_parameters_change():
    top = draw(SIDO, {"frame": 0.04}, y0=0.0, cell=CELL, columns=2)
    bottom = draw(SIDO, {"frame": 0.1, "ornament": 0}, y0=CELL, cell=CELL, columns=2)
    net = shapely.union_all(top["frame"] + bottom["frame"])
    assert net.geom_type == "Polygon" or len(net.geoms) == 1  # one connected net
    # The same check fails for a net broken at the row edge.
    cut = shapely.union_all(top["frame"] + [affinity.translate(s, 0, 2.0) for s in bottom["frame"]])
    assert cut.geom_type == "MultiPolygon" and len(cut.geoms) > 1


def test_a_broken_symmetry_would_be_caught():
    row = draw(SIDO, {"isen_density": 0.8}, cell=CELL, columns=1)
    assert not p4m_invariant(shapely.union_all(row["isen"][: len(row["isen"]) // 2]), (CELL / 2, CELL / 2))
    assert not p4m_invariant(affinity.rotate(union(row, "ornament"), 7, origin=(CELL / 2, CELL / 2)), (CELL / 2, CELL / 2))


def test_parameters_are_checked_and_drawing_is_deterministic():
    assert_bounds_refused(SIDO)
    assert_deterministic(SIDO, {"isen_density": 0.7})
