"""Tumpal: a row of isosceles triangles, each mirror-symmetric, standing or hanging; checked parameters."""

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
    raster,
    same_shape,
    union,
)

TUMPAL = get_motif("tumpal")
CELL = 40.0


@pytest.mark.parametrize("params", [{}, {"count": 1, "height": 1.0, "nested": 5, "leaves": 5, "teeth": 8},
                                    {"count": 4, "height": 0.6, "nested": 1, "leaves": 0, "teeth": 0, "flip": 1},
                                    {"isen_density": 1.0, "line": 0.05}, {"isen_density": 0.0, "flip": 1}])
def test_rows_are_valid_and_inside(params):
    assert_valid_and_inside(TUMPAL, params, y0=23.0, cell=CELL, columns=3)


@pytest.mark.parametrize("params", [{}, {"count": 1, "nested": 4, "isen_density": 0.8}, {"count": 3, "flip": 1}])
def test_each_triangle_is_mirror_symmetric_about_its_axis(params):
    p = TUMPAL.validate(params)
    base = CELL / p["count"]
    row = draw(TUMPAL, p, cell=CELL, columns=2)
    for j in range(int(2 * p["count"])):
        axis = (j + 0.5) * base
        strip = shapely.box(j * base, 0, (j + 1) * base, CELL)
        for layer in row:
            if not row[layer]:
                continue
            shape = union(row, layer).intersection(strip)
            assert same_shape(shape, affinity.scale(shape, -1, 1, origin=(axis, 0))), (j, layer)


def test_triangles_are_isosceles_on_the_requested_edge():
    for flip in (0, 1):
        p = TUMPAL.validate({"flip": flip, "height": 0.8})
        frames = draw(TUMPAL, p, y0=40.0, cell=CELL, columns=1)["frame"]
        base = CELL / p["count"]
        for j, frame in enumerate(sorted(frames, key=lambda s: s.centroid.x)):
            coords = np.asarray(frame.exterior.coords)[:-1]
            assert len(coords) == 3
            edge_y = 40.0 if flip else 80.0
            apex = coords[np.argmax(np.abs(coords[:, 1] - edge_y))]
            assert apex[0] == pytest.approx((j + 0.5) * base)
            assert abs(apex[1] - edge_y) == pytest.approx(0.8 * CELL)
            sides = sorted(np.linalg.norm(coords - np.roll(coords, 1, axis=0), axis=1))
            assert sides[1] == pytest.approx(sides[2])  # the two long sides are equal


def test_hanging_row_is_the_standing_row_upside_down():
    up, down = (draw(TUMPAL, {"flip": f, "isen_density": 0.6}, cell=CELL, columns=2) for f in (0, 1))
    for layer in up:
        if up[layer]:
            assert same_shape(union(down, layer), affinity.scale(union(up, layer), 1, -1, origin=(0, CELL / 2)))


def test_a_broken_triangle_would_be_caught():
    row = draw(TUMPAL, {"count": 1}, cell=CELL, columns=1)
    leaning = affinity.skew(union(row, "frame"), xs=5, origin=(CELL / 2, CELL))
    assert not same_shape(leaning, affinity.scale(leaning, -1, 1, origin=(CELL / 2, 0)), 1e-3)


def test_raster_is_mirror_symmetric_and_periodic():
    row = draw(TUMPAL, {"count": 2}, cell=CELL, columns=1)
    colours = {"frame": (60, 30, 20), "field": (240, 220, 180), "line": (60, 30, 20), "shoot": (190, 110, 50),
               "teeth": (60, 30, 20), "isen": (240, 220, 180)}
    image = raster([(row[name], colours[name]) for name in row], CELL, CELL)
    assert np.abs(image - image[:, ::-1]).mean() < 1.0
    half = image.shape[1] // 2
    assert np.abs(image[:, :half] - image[:, half:]).mean() < 1.0  # the repeat is one triangle wide
    assert np.abs(image - image[::-1, :]).mean() > 20  # but not symmetric top to bottom


def test_parameters_are_checked_and_drawing_is_deterministic():
    assert_bounds_refused(TUMPAL)
    assert_deterministic(TUMPAL, {"isen_density": 0.7})
