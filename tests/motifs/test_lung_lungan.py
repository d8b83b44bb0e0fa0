"""Lung-lungan: a continuous waving vine with glide symmetry, whole in its row; checked parameters."""

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

LUNG = get_motif("lung-lungan")
CELL = 40.0


@pytest.mark.parametrize("params", [{}, {"waves": 3, "amplitude": 0.25, "curl": 1.5, "leaves": 3, "bloom": 1.0,
                                         "line": 0.04},
                                    {"waves": 1, "amplitude": 0.05, "curl": 0.3, "leaves": 0, "bloom": 0.0,
                                     "line": 0.008}])
def test_rows_are_valid_and_inside(params):
    assert_valid_and_inside(LUNG, params, y0=9.0, cell=CELL, columns=3)


@pytest.mark.parametrize("params", [{}, {"waves": 2, "leaves": 3, "curl": 1.3}])
def test_half_a_wave_on_is_the_mirror_image(params):
    p = LUNG.validate(params)
    period = CELL / p["waves"]
    row = draw(LUNG, p, y0=0.0, cell=CELL, columns=4)
    window = shapely.box(CELL, 0, 3 * CELL, CELL)
    for layer in row:
        if not row[layer]:
            continue
        shape = union(row, layer)
        glided = affinity.scale(affinity.translate(shape, period / 2, 0), 1, -1, origin=(0, CELL / 2))
        assert same_shape(shape.intersection(window), glided.intersection(window), 1e-6), layer
        # Without the mirror, half a wave on is not the same vine: the check can fail.
        shifted = affinity.translate(shape, period / 2, 0)
        assert not same_shape(shape.intersection(window), shifted.intersection(window), 1e-3), layer


def test_the_stem_is_one_continuous_vine_across_cells():
    row = draw(LUNG, {}, y0=0.0, cell=CELL, columns=4)
    stem = union(row, "stem")
    main = max(getattr(stem, "geoms", [stem]), key=lambda g: g.area)
    assert main.bounds[0] == pytest.approx(0.0) and main.bounds[2] == pytest.approx(4 * CELL)
    # The vine stays whole in its row: nothing touches the row's top or bottom edge.
    bounds = np.array([s.bounds for shapes in row.values() for s in shapes])
    assert bounds[:, 1].min() > 0 and bounds[:, 3].max() < CELL


@pytest.mark.parametrize("params", [{}, {"waves": 3, "amplitude": 0.25, "curl": 1.5, "leaves": 3, "line": 0.04},
                                    {"waves": 2, "leaves": 0, "curl": 0.3, "line": 0.008}])
def test_no_speck_of_ground_is_closed_in_where_tendrils_and_leaves_meet_the_stem(params):
    """A newcomer saw dark triangles, under a millimetre, where each tendril leaves the stem."""
    p = LUNG.validate(params)
    row = draw(LUNG, p, y0=0.0, cell=CELL, columns=3)
    vine = shapely.union_all([union(row, "stem"), union(row, "leaf")])
    holes = [shapely.Polygon(ring).area for part in getattr(vine, "geoms", [vine]) for ring in part.interiors]
    holes = [area for area in holes if area > 1e-6]  # the union's rounding slivers where filled edges meet
    assert all(area >= (1.5 * p["line"] * CELL) ** 2 for area in holes), holes


def test_raster_shows_the_glide():
    row = draw(LUNG, {"waves": 2}, y0=0.0, cell=CELL, columns=2)
    image = raster([(row["stem"], (255, 255, 255)), (row["leaf"], (255, 255, 255)),
                    (row["flower"], (255, 255, 255)), (row["heart"], (200, 120, 40))], 2 * CELL, CELL)
    half_wave = int(CELL / 4 * 4)  # a quarter of a cell in pixels at 4 px/mm
    glided = np.roll(image[::-1, :], half_wave, axis=1)
    inner = slice(half_wave, -half_wave)
    assert np.abs(image[:, inner] - glided[:, inner]).mean() < 1.5
    assert np.abs(image[:, inner] - np.roll(image, half_wave, axis=1)[:, inner]).mean() > 10


def test_parameters_are_checked_and_drawing_is_deterministic():
    assert_bounds_refused(LUNG)
    assert_deterministic(LUNG, {"waves": 2})
